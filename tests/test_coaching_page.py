"""The "Coach the front line" page, driven by AppTest against a real DuckDB file."""

from __future__ import annotations

from journeymap.ui.text import plain
from tests.conftest import open_app

FORM = "coaching_coffee-loyalty_pickup"  # the widgets of the barista's worst touchpoint


def open_coaching(journey="coffee-loyalty"):
    app = open_app("coaching", timeout=60)
    app.session_state["journey"] = journey
    return app.run()


def saved_actions(journey_id="coffee-loyalty"):
    from journeymap.ui.resources import get_store

    # The app holds the file open in this process; read through its own store.
    return get_store().coaching_actions(journey_id, history=True)


def test_the_roles_touchpoints_are_listed_worst_gap_first(database):
    app = open_coaching()
    assert not app.exception
    assert app.title[0].value == "Coffee shop loyalty card: coach the front line"
    assert app.selectbox(key="coaching_role").options == ["barista"]
    headings = [m.value for m in app.markdown if m.value.startswith("#### ")]
    assert headings[0] == "#### 1. Drink handed over" and len(headings) == 6
    gaps = [float(m.value) for m in app.metric if m.label == "Gap"]
    assert gaps == sorted(gaps)
    assert any("Start here" in m.value and "**Knowing**" in m.value for m in app.markdown)


def test_an_agreed_action_is_saved_and_shown_after_a_rerun(database):
    app = open_coaching()
    app.text_input(key="coaching_author").input("Ana")
    app.selectbox(key=f"{FORM}_depth").select_index(1)  # doing
    app.text_area(key=f"{FORM}_action").input("Call the name and the drink together.")
    app.text_input(key=f"{FORM}_owner").input("Rina")
    app.button(key=f"FormSubmitter:{FORM}_form-Save the agreed action").click().run()
    assert not app.exception
    assert "Saved the action agreed for Drink handed over." in app.success[0].value
    actions = saved_actions()
    assert actions[["touchpoint", "depth", "action", "owner", "author"]].values.tolist() == [
        ["pickup", "doing", "Call the name and the drink together.", "Rina", "Ana"]
    ]
    app.run()  # a later visit shows what was agreed, by whom and when
    agreed = [m.value for m in app.markdown if "**Agreed:**" in m.value]
    assert len(agreed) == 1
    assert "Call the name and the drink together" in agreed[0] and "by Ana" in agreed[0]
    assert "owner: Rina" in agreed[0]


def test_an_empty_action_is_refused_with_its_field_named(database):
    app = open_coaching()
    app.button(key=f"FormSubmitter:{FORM}_form-Save the agreed action").click().run()
    assert not app.exception
    assert "agreed action for Drink handed over: action: write down what was agreed" in (
        app.error[0].value
    )
    assert saved_actions().empty


def test_user_text_is_shown_as_text_not_markup(database):
    app = open_coaching()
    app.text_area(key=f"{FORM}_action").input("**Never** <b>shout</b> [link](http://x)")
    app.button(key=f"FormSubmitter:{FORM}_form-Save the agreed action").click().run()
    agreed = next(m.value for m in app.markdown if "**Agreed:**" in m.value)
    assert plain("**Never** <b>shout</b> [link](http://x)") in agreed


def test_the_one_page_review_can_be_downloaded(database):
    app = open_coaching()
    [download] = app.get("download_button")
    assert download.proto.label == "Download one-page review"


def test_a_journey_without_ratings_says_how_to_get_some(database):
    app = open_app("journeys", timeout=60).run()
    app.text_input(key="new_journey_name").input("Second cafe")
    app.selectbox(key="new_journey_template").set_value("Coffee shop loyalty card")
    app.button(key="FormSubmitter:new_journey-Create journey").click().run()
    app = open_coaching("second-cafe")
    assert not app.exception
    assert "No ratings yet" in app.info[0].value


def test_a_journey_without_roles_says_where_to_set_them(database):
    app = open_app("journeys", timeout=60).run()
    app.text_input(key="new_journey_name").input("Hotel check-in")
    app.button(key="FormSubmitter:new_journey-Create journey").click().run()
    app = open_coaching("hotel-check-in")
    assert not app.exception
    assert "Edit journey" in app.info[0].value and "Role" in app.info[0].value
