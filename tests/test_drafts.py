"""A draft's unsaved changes in words, what it offers the page, and which version undo restores."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from journeymap.drafts import Draft, draft_changes, undo_target
from journeymap.edit_cells import IMPORTANCE, LANE, NAME, ORDER, SHARE, STAGE
from journeymap.editing import journey_tables, normalized
from journeymap.model import Lane
from tests.table_edits import row_of, with_cell, with_row, without_row


def test_an_untouched_draft_has_no_changes(pizza):
    assert draft_changes(journey_tables(pizza), journey_tables(pizza)) == []


def test_changes_are_described_in_words(pizza):
    before = journey_tables(pizza)
    after = with_cell(before, "touchpoints", row_of(before, "order"), NAME, "Phone call")
    after = with_cell(after, "touchpoints", row_of(before, "menu"), LANE, Lane.SUPPORT.value)
    after = with_cell(after, "stages", 4, STAGE, "At the door")
    after = with_cell(after, "transitions", 2, SHARE, 0.3)
    after = with_row(after, "touchpoints", **{NAME: "Survey", STAGE: "After", IMPORTANCE: 1.0})
    after = without_row(after, "touchpoints", row_of(before, "feedback"))
    assert draft_changes(before, after) == [
        "Stage 'Receive' renamed to 'At the door'",
        "'Browse the menu': lane changed",
        "Touchpoint 'Phone order' renamed to 'Phone call'",
        "'Delivery at the door': stage changed",
        "'Pizza on the table': stage changed",
        "Touchpoint 'Survey' added",
        "Touchpoint 'Feedback SMS' deleted",
        "Transition Browse the menu → Phone call: 35 % → 30 %",
    ]


def test_renames_are_still_described_after_the_tables_are_tidied(pizza):
    before = journey_tables(pizza)
    after = normalized(with_cell(before, "stages", 1, STAGE, "Notice"))
    assert after.stages[STAGE].iloc[0] == "Notice"
    assert draft_changes(before, after)[0] == "Stage 'Discover' renamed to 'Notice'"


def test_reordering_is_a_change(pizza):
    before = journey_tables(pizza)
    assert draft_changes(before, with_cell(before, "stages", 5, ORDER, 1)) == ["Stages reordered"]


def test_a_draft_offers_what_the_page_needs(pizza):
    draft = Draft.of(pizza, 4)
    assert draft.changes() == [] and not draft.removal()
    edited = draft.edited(with_cell(draft.tables, "touchpoints", 3, NAME, "Phone call"))
    assert edited.changes() == ["Touchpoint 'Phone order' renamed to 'Phone call'"]
    assert edited.journey_to_save().touchpoint("order").name == "Phone call"
    assert draft.changes() == []  # drafts are values: the edit made a new one


@dataclass
class Version:
    version: int
    note: str


@pytest.mark.parametrize(
    ("notes", "target"),
    [
        pytest.param(["sample"], None, id="only-one-version"),
        pytest.param(["sample", "edited"], 1, id="after-a-save"),
        pytest.param(["sample", "edited", "edited"], 2, id="after-two-saves"),
        pytest.param(["sample", "edited", "edited", "restored version 2"], 1, id="undo-twice"),
        pytest.param(
            ["sample", "edited", "edited", "restored version 2", "restored version 1"],
            None,
            id="nothing-left-to-undo",
        ),
        pytest.param(
            ["sample", "edited", "restored version 1", "edited"], 3, id="a-save-after-an-undo"
        ),
    ],
)
def test_undo_goes_back_one_save_at_a_time(notes, target):
    versions = [Version(i + 1, note) for i, note in enumerate(notes)][::-1]
    assert undo_target(versions) == target
