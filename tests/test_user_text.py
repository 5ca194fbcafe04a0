"""Names people type are shown as typed on every page: never as Markdown, links or HTML."""

from __future__ import annotations

import pytest

from journeymap.journey_file import load_journey
from journeymap.ui.navigation import PAGES
from journeymap.ui.text import plain
from tests.conftest import SAMPLES, open_app

HOSTILE = "*Sale* [click](http://x.test) :red[fake] <b>bold</b>"


@pytest.fixture
def hostile_journey(database):
    """The pizza sample renamed, with a touchpoint and a role named like markup, stored."""
    from journeymap.ui.resources import _open_store

    store = _open_store(str(database))
    pizza = load_journey(SAMPLES / "pizza_delivery.json")
    data = pizza.model_dump(by_alias=True)
    data["name"] = HOSTILE
    data["touchpoints"][6]["name"] = HOSTILE
    data["touchpoints"][6]["role"] = "<i>courier</i>"
    journey = pizza.model_validate(data)
    store.save_journey(journey)
    return journey


def markdown_bodies(app) -> list[str]:
    """Every Markdown-rendered text of the page: titles, headings, messages, captions."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "success", "info",
             "warning", "error")  # fmt: skip
    return [element.value for kind in kinds for element in getattr(app, kind)]


@pytest.mark.parametrize(
    "url_path", [spec.url_path for spec in PAGES if spec.url_path not in ("join", "sign-in")]
)
def test_markup_in_names_is_escaped_wherever_it_is_shown(hostile_journey, url_path):
    app = open_app(url_path, timeout=120)
    app.session_state["journey"] = "pizza-delivery"
    app.run()
    assert not app.exception, app.exception
    for body in markdown_bodies(app):
        assert "*Sale*" not in body and "[click](" not in body and ":red[" not in body
        assert "<b>" not in body and "<i>" not in body


def test_plain_leaves_ordinary_names_readable():
    assert plain("Delivery at the door") == "Delivery at the door"
    assert plain("Step 1: order, see branch.csv") == "Step 1: order, see branch.csv"
    assert plain(":red[x] 3. [y](z)") == "\\:red\\[x\\] 3. \\[y\\](z)"


def test_a_participant_sees_markup_in_names_as_text(hostile_journey, database):
    from journeymap import workshops
    from journeymap.ui.resources import _open_store

    workshop = workshops.open_workshop(_open_store(str(database)), "pizza-delivery")
    app = open_app("join", timeout=120).run()
    app.text_input(key="join_code").input(workshop.code)
    app.text_input(key="join_name").input("Ana")
    app.button(key="FormSubmitter:join_form-Join").click().run()
    assert not app.exception, app.exception
    bodies = markdown_bodies(app)
    assert any("Sale" in body for body in bodies)  # the touchpoint is on the form …
    for body in bodies:  # … as text
        assert "*Sale*" not in body and "[click](" not in body and ":red[" not in body


def assert_shown_as_text(app) -> None:
    for body in markdown_bodies(app):
        assert "*Sale*" not in body and "[click](" not in body and ":red[" not in body


def test_a_survey_column_named_like_markup_is_warned_about_as_text(database):
    app = open_app("ratings", timeout=120)
    app.session_state["journey"] = "pizza-delivery"
    app.run()
    data = f"touchpoint,expected,experienced,{HOSTILE}\norder,5,3,x\n".encode()
    app.file_uploader(key="ratings_upload").upload("branch.csv", data, "text/csv").run()
    assert not app.exception, app.exception
    assert "ignored columns" in app.warning[0].value
    assert_shown_as_text(app)
