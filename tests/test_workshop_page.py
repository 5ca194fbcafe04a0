"""The workshop pages under AppTest: a facilitator opens a workshop, participants join and rate."""

from __future__ import annotations

import pytest

from journeymap import workshops
from journeymap.access import PASSCODE_VARIABLE, Role
from journeymap.model import Scale
from journeymap.ui import join_page
from journeymap.ui.navigation import PAGES
from tests.conftest import open_app

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
OPEN_BUTTON = "FormSubmitter:workshop_open_0-Open a workshop"
JOIN_BUTTON = "FormSubmitter:join_form-Join"


@pytest.fixture
def passcode(database, monkeypatch):
    """A server with a facilitator passcode: whoever has not signed in is a participant."""
    monkeypatch.setenv(PASSCODE_VARIABLE, "let-me-in")
    return database


def app_store(database):
    from journeymap.ui.resources import _open_store

    # The app holds the file open in this process; read and write through its own store.
    return _open_store(str(database))


def facilitator(*, signed_in: bool = True):
    app = open_app("workshop")
    app.session_state["journey"] = "pizza-delivery"
    if signed_in:
        app.session_state["signed_in"] = True
    app.context["url"] = "http://10.1.2.3:8501/workshop"
    return app.run()


def open_from_page(app) -> str:
    app.text_input(key="workshop_title_0").input("Branch 12")
    app.button(key=OPEN_BUTTON).click().run()
    assert not app.exception, app.exception
    return app.session_state["workshop_shown"]


def participant(typed_code: str, name: str = "Ana"):
    app = open_app("join").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Join a workshop"
    app.text_input(key="join_code").input(typed_code)
    app.text_input(key="join_name").input(name)
    app.button(key=JOIN_BUTTON).click().run()
    assert not app.exception, app.exception
    return app


def rate(app, code: str, touchpoint: str, **values) -> None:
    for field, value in values.items():
        widget_key = f"join_{code}_{touchpoint}_{field}"
        widget = (
            app.segmented_control(key=widget_key)
            if widget_key in [w.key for w in app.segmented_control]
            else app.number_input(key=widget_key)
        )
        widget.set_value(value)


def send(app, code: str):
    app.button(key=f"FormSubmitter:join_ratings_{code}-Send my ratings").click().run()
    assert not app.exception, app.exception
    return app


def test_facilitator_opens_a_workshop_and_the_room_sees_code_link_and_qr(database):
    app = facilitator(signed_in=False)  # no passcode: single-user mode is the facilitator
    assert "No workshop yet" in app.info[0].value
    code = open_from_page(app)
    shown = workshops.format_join_code(code)
    assert any(shown in html.body for html in app.html)
    assert any(f"http://10.1.2.3:8501/join?code={shown}" in m.value for m in app.markdown)
    assert len(app.image) == 1  # the QR code
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Participants"] == "0" and metrics["Touchpoints rated"] == "0 of 10"
    assert app_store(database).workshop(code).title == "Branch 12"
    # The form that opened it is gone: a double-click's second submit has nothing to press.
    assert OPEN_BUTTON not in [button.key for button in app.button]
    assert len(app_store(database).workshops("pizza-delivery")) == 1


def test_a_participant_sees_only_the_join_page(passcode):
    visible = [spec.url_path for spec in PAGES if Role.PARTICIPANT in spec.roles]
    assert visible == ["join", "sign-in"]
    for url_path in ("journeys", "map", "workshop", "ratings"):
        app = open_app(url_path).run()
        assert not app.exception, app.exception
        assert app.title[0].value == "Join a workshop", url_path
        assert not app.sidebar.selectbox  # no journey picker
        assert "journey" not in app.session_state


def test_participant_joins_with_a_typed_code_rates_and_it_is_stored_once(passcode):
    host = facilitator()
    code = open_from_page(host)
    typed = workshops.format_join_code(code).lower()  # what people type: lower case, a dash
    app = participant(typed)
    assert app.subheader[0].value == "Pizza delivery"
    rate(app, code, "order", expected=6, experienced=3)
    rate(app, code, "deliver", expected=5, experienced=5, importance=7)
    send(app, code)
    assert "your ratings are in" in app.success[0].value
    stored = app_store(passcode).workshop_ratings(code).sort_values("touchpoint")
    assert stored[["touchpoint", "expected", "experienced"]].values.tolist() == [
        ["deliver", 5.0, 5.0],
        ["order", 6.0, 3.0],
    ]
    assert stored["importance"].iloc[0] == 7 and (stored["respondent"] == "Ana").all()
    host.run()
    metrics = {m.label: m.value for m in host.metric}
    assert (metrics["Participants"], metrics["Ratings"]) == ("1", "2")
    assert host.get("plotly_chart")


def test_a_repeated_submission_key_stores_once_and_a_new_send_replaces(passcode):
    code = open_from_page(facilitator())
    app = participant(code)
    rate(app, code, "order", expected=6, experienced=3)
    rate(app, code, "deliver", expected=5, experienced=5)
    first_key = app.session_state[join_page.SUBMISSION_KEY]
    send(app, code)
    assert app.session_state[join_page.SUBMISSION_KEY] != first_key
    store = app_store(passcode)
    before = store.rating_count("pizza-delivery")

    # A double-click whose first run was cut short sends the same key again: nothing changes.
    app.session_state[join_page.SUBMISSION_KEY] = first_key
    app.button(key="join_change").click().run()
    assert app.segmented_control(key=f"join_{code}_order_experienced").value == 3  # kept
    rate(app, code, "order", experienced=1)
    send(app, code)
    assert store.rating_count("pizza-delivery") == before
    assert store.workshop_ratings(code).set_index("touchpoint").loc["order", "experienced"] == 3

    # A deliberate second send (a fresh key) replaces the participant's ratings.
    app.button(key="join_change").click().run()
    rate(app, code, "order", experienced=1)
    send(app, code)
    assert store.rating_count("pizza-delivery") == before
    assert store.workshop_ratings(code).set_index("touchpoint").loc["order", "experienced"] == 1
    assert store.workshop_progress(code).participants == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param(
            {"order": {"expected": 5}}, "Phone order, experienced: is missing", id="half-filled"
        ),
        pytest.param(
            {"order": {"expected": 50, "experienced": 150}},
            "Phone order, experienced: 150.0 is outside the journey's 0–100 scale",
            id="off-scale",
        ),
        pytest.param({}, "rate at least one touchpoint", id="blank"),
    ],
)
def test_a_bad_form_gives_a_message_and_stores_nothing(passcode, pizza, values, message):
    store = app_store(passcode)
    # A 0–100 scale is typed, not tapped, so an off-scale number can be entered.
    store.save_journey(pizza.model_copy(update={"id": "pizza-100", "scale": Scale(min=0, max=100)}))
    code = workshops.open_workshop(store, "pizza-100").code
    app = participant(code)
    assert not app.segmented_control and app.number_input
    for touchpoint, fields in values.items():
        rate(app, code, touchpoint, **fields)
    send(app, code)
    assert message in app.error[0].value and "Nothing was sent" in app.error[0].value
    assert store.rating_count("pizza-100") == 0
    assert not app.success


def test_a_closed_workshops_code_is_refused(passcode):
    host = facilitator()
    code = open_from_page(host)
    joined = participant(code)
    rate(joined, code, "order", expected=6, experienced=3)
    host.button(key="workshop_close_confirm").click().run()
    assert not host.exception and "was closed on" in host.info[0].value
    assert not app_store(passcode).workshop(code).is_open
    latecomer = participant(code)
    assert "has been closed" in latecomer.error[0].value
    assert not latecomer.segmented_control
    joined.run()  # already joined: the form is gone, with the same message
    assert "has been closed" in joined.error[0].value
    assert app_store(passcode).workshop_ratings(code).empty


def test_an_unknown_code_is_refused_with_a_message(passcode):
    app = participant("ABCD-EFGH")
    assert "no open workshop has the code ABCD-EFGH" in app.error[0].value
    assert join_page.CODE_KEY not in app.session_state


def test_a_join_link_fills_in_the_code(passcode):
    code = open_from_page(facilitator())
    app = open_app("join")
    app.query_params["code"] = workshops.format_join_code(code)
    app.run()
    assert app.text_input(key="join_code").value == workshops.format_join_code(code)


def test_a_participant_name_is_shown_as_plain_text_never_html(passcode):
    host = facilitator()
    code = open_from_page(host)
    app = participant(code, name=HOSTILE_NAME)
    rate(app, code, "order", expected=6, experienced=3)
    send(app, code)
    host.run()
    assert not host.exception
    assert any(HOSTILE_NAME in text.value for text in host.text)
    assert app_store(passcode).workshop_progress(code).names == [HOSTILE_NAME]  # as given
    for shown in (host, app):
        # Markdown, captions, alerts: any of them may be HTML-enabled; none may carry the name.
        for element in (*shown.markdown, *shown.caption):
            assert not (element.allow_html and HOSTILE_NAME in element.value)
        assert not any(HOSTILE_NAME in html.body for html in shown.html)


def test_a_participant_who_reloads_the_page_replaces_their_ratings(passcode):
    code = open_from_page(facilitator())
    app = participant(code)
    rate(app, code, "order", expected=6, experienced=3)
    send(app, code)
    kept = dict(app.query_params)
    assert kept["code"] == workshops.format_join_code(code) and len(kept["p"]) == 32

    # A reload is a new session; the address still carries the code and who this is.
    reloaded = open_app("join")
    reloaded.query_params.update(kept)
    reloaded.run()
    reloaded.text_input(key="join_name").input("Ana")
    reloaded.button(key=JOIN_BUTTON).click().run()
    rate(reloaded, code, "order", expected=6, experienced=5)
    send(reloaded, code)
    store = app_store(passcode)
    assert store.workshop_progress(code).participants == 1
    assert store.workshop_ratings(code)["experienced"].tolist() == [5.0]
