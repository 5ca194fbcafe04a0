"""Deleting a touchpoint says what else goes with it, takes it on confirmation, or brings it back."""

from __future__ import annotations

from journeymap.edit_cells import IMPORTANCE, NAME, SHARE, STAGE, TOUCHPOINT
from journeymap.edit_removal import bring_back, pending_removal, without_dangling
from journeymap.editing import journey_tables, normalized
from journeymap.journey_file import dump_journey
from tests.table_edits import problems_of, row_of, saved, with_cell, with_row, without_row


def test_deleting_a_touchpoint_says_what_else_goes_before_it_goes(pizza):
    tables = without_row(
        journey_tables(pizza), "touchpoints", row_of(journey_tables(pizza), "deliver")
    )
    removal = pending_removal(tables, names={tp.id: tp.name for tp in pizza.touchpoints})
    assert removal.ids == ("deliver",)
    assert removal.transitions == (
        "Delivery tracker → Delivery at the door (100 %)",
        "Delivery at the door → Pizza on the table (99 %)",
    )
    assert removal.promises == ("Promised 30 min, delivered in ~45 at Delivery at the door",) or (
        len(removal.promises) == 1 and removal.promises[0].endswith("at Delivery at the door")
    )
    assert removal.summary().startswith(
        "Deleting 'Delivery at the door' also removes 2 transitions ("
    )
    assert "and 1 promise (" in removal.summary()


def test_confirming_a_deletion_removes_its_transitions_arrivals_and_promises(pizza):
    tables = journey_tables(pizza)
    tables = without_row(tables, "touchpoints", row_of(tables, "ad"))
    tables = without_dangling(tables)
    assert tables.entries[TOUCHPOINT].tolist() == ["menu"]
    journey = saved(pizza, with_cell(tables, "entries", 1, SHARE, 1.0))
    assert "ad" not in {tp.id for tp in journey.touchpoints}
    assert [(t.source, t.target) for t in journey.transitions] == [
        (t.source, t.target) for t in pizza.transitions if "ad" not in (t.source, t.target)
    ]
    assert journey.entries == {"menu": 1.0}
    assert len(journey.promises) == len(pizza.promises)


def test_arrivals_left_after_a_deletion_must_add_up_again(pizza):
    tables = without_dangling(
        without_row(journey_tables(pizza), "touchpoints", row_of(journey_tables(pizza), "ad"))
    )
    assert problems_of(pizza, tables) == [
        "Arrivals table, Share: shares add up to 0.3, not 1 (100 %)"
    ]


def test_a_deleted_touchpoint_with_a_promise_cannot_be_saved_until_confirmed(pizza):
    tables = journey_tables(pizza)
    tables = without_row(tables, "touchpoints", row_of(tables, "pizza"))
    problems = problems_of(pizza, tables)
    assert any(
        p.startswith("Promises, promise 3: is made at 'Pizza on the table', which is deleted")
        for p in problems
    )


def test_bringing_a_deleted_touchpoint_back_restores_it_where_it_was(pizza):
    tables = journey_tables(pizza)
    deleted = without_row(tables, "touchpoints", row_of(tables, "kitchen"))
    back = bring_back(deleted, ["kitchen"], saved=tables)
    assert not pending_removal(back, names={})
    assert dump_journey(saved(pizza, back)) == dump_journey(pizza)


def test_a_touchpoint_nothing_refers_to_goes_without_asking(pizza):
    tables = with_row(
        journey_tables(pizza), "touchpoints", **{NAME: "Survey", STAGE: "After", IMPORTANCE: 1.0}
    )
    tables = normalized(tables)
    tables = without_row(tables, "touchpoints", row_of(tables, "survey"))
    assert not pending_removal(tables, names={})
