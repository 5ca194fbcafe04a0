"""Edits on the journey editor's graph: connecting, disconnecting, deleting, renaming, shares."""

from __future__ import annotations

import pytest

from journeymap.edit_cells import ID, NAME
from journeymap.edit_graph import (
    GraphView,
    apply_graph_edits,
    graph_edits,
    graph_view,
    parse_share,
    share_label,
    touchpoint_labels,
)
from journeymap.edit_removal import pending_removal
from journeymap.editing import journey_tables
from tests.table_edits import saved, with_cell


def test_the_graph_shows_touchpoints_and_transitions_labelled_with_shares(pizza):
    view = graph_view(journey_tables(pizza))
    assert view.nodes["order"] == "Phone order"
    assert view.edges["menu", "order"] == "35 %"
    assert len(view.edges) == len(pizza.transitions)


def test_connecting_two_touchpoints_adds_a_transition_with_the_share_left_over(pizza):
    tables = journey_tables(pizza)
    shown = graph_view(tables)
    returned = GraphView(shown.nodes, {**shown.edges, ("pizza", "menu"): ""})
    edits = graph_edits(shown, returned)
    assert edits.connected == (("pizza", "menu"),)
    journey = saved(pizza, apply_graph_edits(tables, edits))
    added = [t for t in journey.transitions if (t.source, t.target) == ("pizza", "menu")]
    leaving_before = sum(t.share for t in pizza.transitions if t.source == "pizza")
    assert added[0].share == pytest.approx(1 - leaving_before)


def test_a_connection_from_a_fully_taken_touchpoint_starts_at_zero(pizza):
    tables = journey_tables(pizza)
    shown = graph_view(tables)
    edits = graph_edits(shown, GraphView(shown.nodes, {**shown.edges, ("kitchen", "deliver"): ""}))
    journey = saved(pizza, apply_graph_edits(tables, edits))
    assert [t.share for t in journey.transitions if t.source == "kitchen"] == [1.0, 0.0]


def test_deleting_an_edge_on_the_graph_removes_the_transition(pizza):
    tables = journey_tables(pizza)
    shown = graph_view(tables)
    edges = {e: label for e, label in shown.edges.items() if e != ("pizza", "feedback")}
    edits = graph_edits(shown, GraphView(shown.nodes, edges))
    assert edits.disconnected == (("pizza", "feedback"),)
    journey = saved(pizza, apply_graph_edits(tables, edits))
    assert ("pizza", "feedback") not in {(t.source, t.target) for t in journey.transitions}
    assert len(journey.transitions) == len(pizza.transitions) - 1


def test_deleting_a_node_on_the_graph_deletes_the_touchpoint_and_asks_about_the_rest(pizza):
    tables = journey_tables(pizza)
    shown = graph_view(tables)
    nodes = {tp: label for tp, label in shown.nodes.items() if tp != "tracking"}
    edges = {e: label for e, label in shown.edges.items() if "tracking" not in e}
    edits = graph_edits(shown, GraphView(nodes, edges))
    # The edges went with the node; they are not separate deletions.
    assert (edits.deleted, edits.disconnected) == (("tracking",), ())
    after = apply_graph_edits(tables, edits)
    assert "tracking" not in set(after.touchpoints[ID])
    removal = pending_removal(after, names={tp.id: tp.name for tp in pizza.touchpoints})
    assert len(removal.transitions) == 2


def test_renaming_on_the_graph_and_relabelling_a_share(pizza):
    tables = journey_tables(pizza)
    shown = graph_view(tables)
    nodes = {**shown.nodes, "order": " Phone call "}
    edges = {**shown.edges, ("menu", "order"): "40%"}
    edits = graph_edits(shown, GraphView(nodes, edges))
    journey = saved(pizza, apply_graph_edits(tables, edits))
    assert journey.touchpoint("order").name == "Phone call"
    assert [t.share for t in journey.transitions if (t.source, t.target) == ("menu", "order")] == [
        0.4
    ]


def test_unreadable_graph_edits_are_reported_and_change_nothing(pizza):
    tables = journey_tables(pizza)
    shown = graph_view(tables)
    nodes = {**shown.nodes, "order": "  "}
    edges = {**shown.edges, ("menu", "order"): "lots", ("menu", "menu"): ""}
    edits = graph_edits(shown, GraphView(nodes, edges))
    assert not edits
    assert edits.problems == (
        "'Phone order' keeps its name: a touchpoint needs one.",
        "'Browse the menu' cannot lead to itself.",
        "'lots' is not a share; type it as 35 % or 0.35.",
    )


@pytest.mark.parametrize(
    ("text", "share"),
    [("35 %", 0.35), ("35%", 0.35), ("0.35", 0.35), ("0,35", 0.35), ("100 %", 1.0), ("0", 0.0)],
)
def test_shares_are_read_as_percentages_or_fractions(text, share):
    assert parse_share(text) == pytest.approx(share)
    assert parse_share(share_label(share)) == pytest.approx(share)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("150 %", id="above-100-percent"),
        pytest.param("1.5", id="fraction-above-1"),
        pytest.param("-0.1", id="negative"),
        pytest.param("nan", id="nan"),
        pytest.param("half", id="word"),
    ],
)
def test_impossible_shares_are_refused(text):
    with pytest.raises(ValueError, match=f"'{text}'"):
        parse_share(text)


def test_touchpoints_sharing_a_name_are_told_apart_by_id(pizza):
    tables = with_cell(journey_tables(pizza), "touchpoints", 4, NAME, "Phone order")
    labels = touchpoint_labels(tables)
    assert labels["order"] == "Phone order (order)"
    assert labels["app_order"] == "Phone order (app_order)"
    assert labels["menu"] == "Browse the menu"
