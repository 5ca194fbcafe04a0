"""The "Choose the lever" page, driven by AppTest against a real DuckDB file."""

from __future__ import annotations

from journeymap.model import Lever
from tests.conftest import open_app

TIME = "lever_pizza-delivery_0"  # widget key prefix of pizza's "Delivered within" promise


def open_lever(journey="pizza-delivery"):
    app = open_app("lever", timeout=60)
    app.session_state["journey"] = journey
    return app.run()


def stored(journey_id="pizza-delivery"):
    from journeymap.ui.resources import get_store

    # The app holds the file open in this process; read through its own store.
    return get_store().journey(journey_id), get_store().versions(journey_id)


def figures(app, lever_position=0, column="Slider"):
    """Promise, met, delighted and value of one lever's column (time 0, cost 1, service 2)."""
    table = app.table[lever_position].value
    return dict(zip(table.index, table[column], strict=True))


def test_time_cost_and_service_are_side_by_side_with_the_chosen_one_marked(database):
    app = open_lever()
    assert not app.exception
    assert app.title[0].value == "Pizza delivery: choose the lever"
    assert len(app.table) == 3
    assert list(app.table[0].value.index) == ["Promise", "Met", "Delighted", "Value / 1,000"]
    assert figures(app, 2, "Best")["Promise"] == "0 extras"
    assert app.success[0].value == (
        "This journey exceeds on **time**: Delivered within · Delivery at the door."
    )
    assert any("Chosen lever" in m.value for m in app.markdown)
    # Time is chosen: only cost and service offer to be chosen instead.
    commits = [b.key for b in app.button if b.key.startswith("lever_commit_")]
    assert commits == ["lever_commit_cost", "lever_commit_service"]
    assert len(app.get("plotly_chart")) == 3


def test_moving_the_promise_slider_changes_the_figures(database):
    app = open_lever()
    before = figures(app)
    assert before["Met"] == "4%"  # promise 30 minutes, typically deliver 45
    app.slider(key=f"{TIME}_promised").set_value(60.0).run()
    after = figures(app)
    assert not app.exception
    assert int(after["Met"].rstrip("%")) > 85
    assert after != before
    assert after["Promise"] == "60 min"
    # Nothing is saved by a slider.
    journey, history = stored()
    assert journey.promises[0].promised == 30 and len(history) == 1


def test_moving_a_delivery_slider_changes_the_figures(database):
    app = open_lever()
    before = figures(app)
    app.slider(key=f"{TIME}_median").set_value(25.0).run()
    assert not app.exception
    assert int(figures(app)["Met"].rstrip("%")) > int(before["Met"].rstrip("%"))
    assert any("What-if" in c.value for c in app.caption)


def test_a_p90_below_the_median_is_named_not_a_traceback(database):
    app = open_lever()
    app.slider(key=f"{TIME}_p90").set_value(40.0).run()
    assert not app.exception
    assert "delivered: p90 (40) must be greater than median (45)" in app.error[0].value


def test_committing_to_a_lever_saves_a_version_and_shows_it_chosen(database):
    app = open_lever()
    app.button(key="lever_commit_cost").click().run()
    assert not app.exception
    assert "Saved version 2: chose to exceed on cost (was time)." in app.success[0].value
    assert "This journey exceeds on **cost**" in app.success[1].value
    commits = [b.key for b in app.button if b.key.startswith("lever_commit_")]
    assert commits == ["lever_commit_time", "lever_commit_service"]
    journey, history = stored()
    assert journey.lever is Lever.COST
    assert history[0].note == "chose to exceed on cost (was time)"


def test_adopting_the_recommended_promise_saves_it(database):
    app = open_lever()
    adopt = app.button(key=f"{TIME}_adopt")
    assert adopt.label == "Adopt the recommended 62 min"
    adopt.click().run()
    assert not app.exception
    journey, history = stored()
    assert journey.promises[0].promised == 62
    assert history[0].note.startswith("adopted the recommended time promise")
    # The slider now starts from the saved promise.
    assert app.slider(key=f"{TIME}_promised").value == 62


def test_a_journey_without_a_service_promise_offers_to_add_one(database):
    app = open_lever("dental-clinic")
    assert any("no service promise yet" in i.value for i in app.info)
    prefix = "lever_dental-clinic_new_service"
    app.selectbox(key=f"{prefix}_touchpoint").set_value("treatment")
    app.text_input(key=f"{prefix}_label").input("Free whitening")
    app.number_input(key=f"{prefix}_promised").set_value(0)
    app.text_input(key=f"{prefix}_unit").input("extras")
    app.text_input(key=f"{prefix}_parameters_discrete").input("0=0.7,1=0.3")
    app.button(key=f"{prefix}_add").click().run()
    assert not app.exception
    assert "added a service promise: Free whitening at" in app.success[0].value
    journey, _ = stored("dental-clinic")
    assert [p.lever for p in journey.promises][-1] is Lever.SERVICE
    assert len(app.table) == 3  # the new promise has its own figures


def test_a_bad_new_promise_is_named_and_nothing_is_saved(database):
    app = open_lever("dental-clinic")
    prefix = "lever_dental-clinic_new_service"
    app.number_input(key=f"{prefix}_promised").set_value(1)
    app.text_input(key=f"{prefix}_parameters_discrete").input("0=0.7,1=0.6")
    app.button(key=f"{prefix}_add").click().run()
    assert not app.exception
    assert "promises[2].delivered" in app.error[0].value
    assert "add up to 1.3, not 1" in app.error[0].value
    _, history = stored("dental-clinic")
    assert len(history) == 1


def test_an_assumption_changes_the_value_but_not_the_chances(database):
    app = open_lever()
    before = figures(app)
    app.number_input(key="lever_assumption_value_retained").set_value(6.0).run()
    after = figures(app)
    assert not app.exception
    assert after["Met"] == before["Met"]
    value = "Value / 1,000"
    assert int(after[value].replace(",", "")) > int(before[value].replace(",", ""))


def test_one_at_a_time_puts_the_levers_in_tabs(database):
    app = open_lever()
    app.button_group(key="lever_layout").set_value("One at a time").run()
    assert not app.exception
    assert [t.label for t in app.tabs] == [
        ":material/schedule: Time · chosen",
        ":material/payments: Cost",
        ":material/room_service: Service",
    ]
    assert [m.label for m in app.metric] == ["Met", "Delighted", "Value"] * 3
    assert not app.table
