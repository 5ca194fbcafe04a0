"""The journey editor page under AppTest: edits saved as versions, bad input refused with the
row named and the store untouched, undo, and the graph drawn from the tables."""

from __future__ import annotations

import pytest

from journeymap.edit_cells import ID, NAME, SHARE, STAGE
from journeymap.edit_graph import graph_view
from journeymap.editing import journey_tables, normalized
from journeymap.journey_file import dump_journey
from journeymap.model import Lane
from journeymap.ui import journey_graph
from journeymap.ui.text import plain
from tests.conftest import open_app

JOURNEY = "pizza-delivery"


def app_store(database):
    from journeymap.ui.resources import _open_store

    # The app holds the file open in this process; read and write through its own store.
    return _open_store(str(database))


def stored(database) -> tuple[list, str]:
    """The journey's versions and its newest document, to compare before and after."""
    store = app_store(database)
    versions = [(v.version, v.author, v.note) for v in store.versions(JOURNEY)]
    return versions, dump_journey(store.journey(JOURNEY))


@pytest.fixture
def editor(database):
    app = open_app("edit")
    app.session_state["journey"] = JOURNEY
    app.run()
    assert not app.exception, app.exception
    return app


def edit_table(app, edits: dict, *, added: list | None = None, deleted: list | None = None):
    """Cell edits as the browser sends them: {row position: {column: value}}."""
    (table,) = app.data_editor
    app.session_state[table.key] = {
        "edited_rows": edits,
        "added_rows": added or [],
        "deleted_rows": deleted or [],
    }
    app.run()
    assert not app.exception, app.exception
    return app


def open_view(app, view: str):
    app.session_state["edit_view"] = view
    app.run()
    assert not app.exception, app.exception
    return app


def texts(app) -> str:
    return "\n".join(
        [m.value for m in app.markdown]
        + [e.value for e in app.error]
        + [w.value for w in app.warning]
        + [b.label for b in app.button]
    )


def test_the_page_opens_on_the_touchpoints_of_the_current_journey(editor):
    assert editor.title[0].value == "Edit journey"
    (table,) = editor.data_editor
    assert table.editing_mode == "dynamic"
    assert table.value[NAME].iloc[2] == "Phone order"
    assert "No unsaved changes — this is version 1" in texts(editor)
    assert editor.button(key="edit_save").disabled
    assert editor.button(key="edit_undo").disabled  # nothing to undo yet


def test_a_renamed_touchpoint_is_saved_as_a_new_version(editor, database):
    edit_table(editor, {2: {NAME: "Phone call"}})
    assert "Unsaved changes" in texts(editor)
    assert "Touchpoint 'Phone order' renamed to 'Phone call'" in texts(editor)
    editor.text_input(key="edit_note_0").input("after the March workshop")
    editor.button(key="edit_save").click().run()
    assert not editor.exception, editor.exception
    versions, document = stored(database)
    assert versions[0] == (2, "facilitator", "after the March workshop")
    store = app_store(database)
    assert store.journey(JOURNEY).touchpoint("order").name == "Phone call"
    assert store.journey(JOURNEY, version=1).touchpoint("order").name == "Phone order"
    assert [t.value for t in editor.toast] == ["Saved as version 2."]
    assert "No unsaved changes — this is version 2" in texts(editor)
    assert editor.data_editor[0].value[NAME].iloc[2] == "Phone call"


def test_a_bad_share_is_refused_with_its_row_named_and_the_store_unchanged(editor, database):
    before = stored(database)
    open_view(editor, "Transitions")
    edit_table(editor, {1: {SHARE: 1.5}})
    editor.button(key="edit_save").click().run()
    assert not editor.exception, editor.exception
    (error,) = editor.error
    assert "Transitions table, row 2, Share: 1.5 is outside 0–1" in error.value
    assert stored(database) == before
    # The draft survives the refusal and further reruns: nothing typed is lost.
    editor.run()
    assert "Transition Browse the menu → Phone order: 35 % → 150 %" in texts(editor)
    open_view(editor, "Graph")
    open_view(editor, "Transitions")
    assert editor.data_editor[0].value[SHARE].iloc[1] == 1.5


def test_edits_survive_switching_views_and_a_refused_save(editor, database):
    edit_table(editor, {0: {NAME: "Door hanger"}})
    open_view(editor, "Stages")
    edit_table(editor, {1: {STAGE: "Place the order"}})
    open_view(editor, "Touchpoints")
    names = editor.data_editor[0].value
    assert names[NAME].iloc[0] == "Door hanger"
    assert set(names[STAGE]) >= {"Place the order"}
    before = stored(database)
    edit_table(editor, {3: {NAME: " "}})
    editor.button(key="edit_save").click().run()
    assert "Touchpoints table, row 4, Name: is empty" in editor.error[0].value
    assert stored(database) == before
    edit_table(editor, {3: {NAME: "App checkout"}})
    editor.button(key="edit_save").click().run()
    assert not editor.error
    journey = app_store(database).journey(JOURNEY)
    assert journey.stages[1] == "Place the order"
    assert journey.touchpoint("menu").stage == "Place the order"
    assert journey.touchpoint("ad").name == "Door hanger"


def test_undo_restores_the_previous_version_as_a_new_one(editor, database):
    original = app_store(database).journey(JOURNEY)
    edit_table(editor, {2: {NAME: "Phone call"}})
    editor.button(key="edit_save").click().run()
    assert not editor.button(key="edit_undo").disabled
    editor.button(key="edit_undo").click().run()
    assert not editor.exception, editor.exception
    versions, document = stored(database)
    assert [v[0] for v in versions] == [3, 2, 1]
    assert versions[0][2] == "restored version 1"
    assert document == dump_journey(original)
    assert editor.data_editor[0].value[NAME].iloc[2] == "Phone order"
    # Nothing earlier than version 1 is left to undo.
    assert editor.button(key="edit_undo").disabled


def test_undo_waits_until_the_draft_is_saved_or_discarded(editor, database):
    edit_table(editor, {2: {NAME: "Phone call"}})
    editor.button(key="edit_save").click().run()
    edit_table(editor, {2: {NAME: "Call us"}})
    assert editor.button(key="edit_undo").disabled
    editor.button(key="edit_discard").click().run()
    assert "No unsaved changes — this is version 2" in texts(editor)
    assert editor.data_editor[0].value[NAME].iloc[2] == "Phone call"
    assert not editor.button(key="edit_undo").disabled


def test_deleting_a_touchpoint_says_what_goes_with_it_before_it_goes(editor, database):
    before = stored(database)
    edit_table(editor, {}, deleted=[6])  # Delivery at the door
    warning = editor.warning[0].value
    assert warning.startswith("Deleting 'Delivery at the door' also removes 2 transitions")
    assert "1 promise" in warning
    assert editor.button(key="edit_save").disabled
    editor.button(key="edit_removal_restore").click().run()
    assert not editor.warning
    assert "No unsaved changes" in texts(editor)
    edit_table(editor, {}, deleted=[6])
    editor.button(key="edit_removal_confirm").click().run()
    editor.button(key="edit_save").click().run()
    assert not editor.exception and not editor.error
    journey = app_store(database).journey(JOURNEY)
    assert "deliver" not in {tp.id for tp in journey.touchpoints}
    assert all("deliver" not in (t.source, t.target) for t in journey.transitions)
    assert all(p.touchpoint != "deliver" for p in journey.promises)
    assert stored(database)[0][1:] == before[0]


def test_a_new_touchpoint_row_gets_an_id_and_is_saved(editor, database):
    edit_table(
        editor,
        {},
        added=[{NAME: "Thank-you call", STAGE: "After", "Lane": "frontstage", "Importance": 2.0}],
    )
    assert "Touchpoint 'Thank-you call' added" in texts(editor)
    editor.button(key="edit_save").click().run()
    assert not editor.error, editor.error
    journey = app_store(database).journey(JOURNEY)
    assert journey.touchpoint("thank-you-call").stage == "After"


def test_a_journey_created_from_scratch_gets_touchpoints_and_a_transition(database):
    from journeymap.catalog import create_journey

    journey = create_journey(app_store(database), "Bakery")
    app = open_app("edit")
    app.session_state["journey"] = journey.id
    app.run()
    open_view(app, "Graph")
    assert "No touchpoints yet" in app.info[0].value
    open_view(app, "Touchpoints")
    new_rows = [
        {NAME: "Shop sign", STAGE: "Discover", "Lane": "frontstage", "Importance": 1.0},
        {NAME: "Till", STAGE: "Buy", "Lane": "frontstage", "Importance": 2.0},
    ]
    edit_table(app, {}, added=new_rows)
    open_view(app, "Transitions")
    edit_table(app, {}, added=[{"From": "shop-sign", "To": "till", SHARE: 0.4}])
    open_view(app, "Graph")
    app.button(key="edit_save").click().run()
    assert not app.exception and not app.error, app.error
    saved = app_store(database).journey(journey.id)
    assert [(tp.id, tp.stage) for tp in saved.touchpoints] == [
        ("shop-sign", "Discover"),
        ("till", "Buy"),
    ]
    assert [(t.source, t.target, t.share) for t in saved.transitions] == [
        ("shop-sign", "till", 0.4)
    ]


def test_a_version_saved_elsewhere_is_announced_and_the_draft_kept(editor, database):
    edit_table(editor, {2: {NAME: "Phone call"}})
    store = app_store(database)
    elsewhere = store.journey(JOURNEY).model_copy(update={"description": "edited elsewhere"})
    store.save_journey(elsewhere, author="someone else")
    editor.run()
    assert "Version 2 was saved since this draft started from version 1" in texts(editor)
    assert "Touchpoint 'Phone order' renamed to 'Phone call'" in texts(editor)
    editor.button(key="edit_save").click().run()
    assert store.versions(JOURNEY)[0].version == 3
    assert store.journey(JOURNEY).touchpoint("order").name == "Phone call"


def test_typing_an_order_moves_the_row_at_once(editor, database):
    edit_table(editor, {3: {"Order": 2}})  # App checkout, 4th, to 2nd
    names = editor.data_editor[0].value[NAME].tolist()
    assert names[:4] == ["Flyer and social ad", "App checkout", "Browse the menu", "Phone order"]
    assert editor.data_editor[0].value["Order"].tolist() == list(range(1, 11))
    assert "Touchpoints reordered" in texts(editor)
    editor.button(key="edit_save").click().run()
    ids = [tp.id for tp in app_store(database).journey(JOURNEY).touchpoints]
    assert ids[:4] == ["ad", "app_order", "menu", "order"]


def test_names_with_markup_are_shown_as_text(editor):
    edit_table(editor, {0: {NAME: "<script>alert(1)</script> **bold**"}})
    shown = texts(editor)
    assert plain("<script>alert(1)</script> **bold**") in shown


def test_the_graph_view_renders_without_error(editor):
    open_view(editor, "Graph")
    assert not editor.exception


# The graph drawing (journey_graph) ----------------------------------------------------------


def test_nodes_are_laid_out_by_stage_across_and_lane_down(pizza):
    state = journey_graph.flow_state(journey_tables(pizza), timestamp=1)
    position = {n.id: (n.position["x"], n.position["y"]) for n in state.nodes}
    rank = {stage: i for i, stage in enumerate(pizza.stages)}
    lanes = list(Lane)
    for a in pizza.touchpoints:
        for b in pizza.touchpoints:
            if rank[a.stage] < rank[b.stage]:
                assert position[a.id][0] < position[b.id][0], (a.id, b.id)
            if lanes.index(a.lane) < lanes.index(b.lane):
                assert position[a.id][1] < position[b.id][1], (a.id, b.id)
    # Two touchpoints in the same stage and lane are stacked, not on top of each other.
    assert position["order"][0] == position["app_order"][0]
    assert position["order"][1] != position["app_order"][1]


def test_edges_are_labelled_with_shares_and_returns_are_dashed(pizza):
    state = journey_graph.flow_state(journey_tables(pizza), timestamp=1)
    edges = {(e.source, e.target): e for e in state.edges}
    assert len(edges) == len(pizza.transitions)
    assert edges["menu", "order"].label == "35 %"
    assert "strokeDasharray" in edges["reorder", "menu"].style  # back to an earlier stage
    assert "strokeDasharray" not in edges["menu", "order"].style


def test_the_graph_is_tall_enough_for_a_projector(pizza, retail):
    for journey in (pizza, retail):
        state = journey_graph.flow_state(journey_tables(journey), timestamp=1)
        assert journey_graph.MIN_HEIGHT <= journey_graph.graph_height(state) <= 900
    assert journey_graph.MIN_HEIGHT >= 500


def test_what_comes_back_from_the_graph_is_read_as_touchpoint_ids(pizza):
    tables = journey_tables(pizza)
    state = journey_graph.flow_state(tables, timestamp=1)
    assert journey_graph.returned_view(state) == graph_view(tables)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("<img src=x onerror=alert(1)>", id="html"),
        pytest.param("**bold** _it_ `code` [link](http://x)", id="markdown"),
        pytest.param("$x^2$ costs $5", id="maths"),
        pytest.param("1. First", id="ordered-list"),
        pytest.param("- dash", id="bullet"),
        pytest.param('=HYPERLINK("http://evil.example")', id="formula"),
        pytest.param("Café \\ back\\slash", id="backslash"),
    ],
)
def test_node_labels_show_names_literally_and_read_back_unchanged(pizza, name):
    tables = journey_tables(pizza)
    frame = tables.touchpoints.copy()
    frame.loc[1, NAME] = name
    tables = normalized(type(tables)(tables.stages, frame, tables.transitions, tables.entries))
    state = journey_graph.flow_state(tables, timestamp=1)
    node = next(n for n in state.nodes if n.id == tables.touchpoints[ID].iloc[0])
    content = node.data["content"]
    assert "<" not in content.replace("\\<", "")
    assert journey_graph.unescape(content) == name
    assert journey_graph.returned_view(state).nodes[node.id] == name


def test_a_new_drawing_is_stamped_after_the_browsers_last_answer(pizza):
    tables = journey_tables(pizza)
    first = journey_graph.draw(tables, drawn=None)
    assert journey_graph.draw(tables, drawn=first) is first  # same tables: nothing to resend
    first.seen = first.state.timestamp + 10_000_000  # a browser clock far ahead
    frame = tables.touchpoints.copy()
    frame.loc[1, NAME] = "Door hanger"
    changed = type(tables)(tables.stages, frame, tables.transitions, tables.entries)
    second = journey_graph.draw(changed, drawn=first)
    assert second.state.timestamp > first.seen
