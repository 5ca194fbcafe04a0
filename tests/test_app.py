"""The app, driven by Streamlit's AppTest against a real DuckDB file."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from journeymap.ui.navigation import PAGES
from tests.conftest import open_app, stored_ratings


def test_first_start_loads_the_sample_journeys(database):
    app = open_app().run()
    assert not app.exception
    listed = app.dataframe(key="journey_list").value
    assert "Pizza delivery" in set(listed["Journey"])
    assert len(listed) == 6


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_every_page_opens_without_an_exception(database, spec):
    app = open_app(spec.url_path).run()
    assert not app.exception, app.exception
    assert app.title, f"{spec.url_path} has no title"


def test_journey_map_shows_scores_of_the_selected_journey(database):
    app = open_app("map")
    app.session_state["journey"] = "pizza-delivery"
    app.run()
    assert app.title[0].value == "Pizza delivery: journey map"
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Ratings"] == "435" and metrics["Respondents"] == "48"


def test_journey_without_ratings_says_how_to_get_some(database):
    app = open_app("journeys").run()
    app.text_input(key="new_journey_name").input("Hotel check-in")
    app.button(key="FormSubmitter:new_journey-Create journey").click().run()
    assert app.session_state["journey"] == "hotel-check-in"
    app = open_app("map")
    app.session_state["journey"] = "hotel-check-in"
    app.run()
    assert not app.exception
    assert "No ratings yet" in app.info[0].value


def upload(app, name: str, content: bytes) -> AppTest:
    app.file_uploader(key="ratings_upload").upload(name, content, "text/csv")
    return app.run()


def test_ratings_import_previews_then_stores_once(database):
    app = open_app("ratings")
    app.session_state["journey"] = "pizza-delivery"
    app.run()
    before = stored_ratings(database)
    data = b"touchpoint,expected,experienced,respondent\norder,5,3,Zoe\nPhone order,6,4,Yan\n"
    upload(app, "branch.csv", data)
    assert not app.error
    assert app.metric[0].value == "2" and stored_ratings(database) == before
    app.button(key="ratings_import_button").click().run()
    assert "Imported 2 ratings from branch.csv" in app.success[0].value
    assert stored_ratings(database) == before + 2
    app.button(key="ratings_import_button").click().run()
    assert "imported before" in app.warning[0].value
    assert stored_ratings(database) == before + 2


def test_ratings_file_with_a_bad_row_names_it_and_imports_nothing(database):
    app = open_app("ratings")
    app.session_state["journey"] = "pizza-delivery"
    app.run()
    before = stored_ratings(database)
    upload(app, "bad.csv", b"touchpoint,expected,experienced\norder,5,3\norder,9,4\n")
    assert "bad.csv: row 3, expected: 9 is outside the journey's 1–7 scale" in app.error[0].value
    assert "ratings_import_button" not in [b.key for b in app.button]
    assert stored_ratings(database) == before
