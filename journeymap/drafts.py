"""Unsaved edits to a saved journey: the draft the editor works on, its changes, undo."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from journeymap.edit_cells import (
    CHANNEL,
    DESCRIPTION,
    DIMENSION,
    FROM,
    ID,
    IMPORTANCE,
    LANE,
    NAME,
    ORDER,
    ROLE,
    SAVED,
    STAGE,
    TO,
    TOUCHPOINT,
    cell_number,
    cell_text,
    cell_texts,
    counted,
    share_rows,
)
from journeymap.edit_graph import GraphEdits, apply_graph_edits, share_label
from journeymap.edit_removal import Removal, bring_back, pending_removal, without_dangling
from journeymap.editing import (
    JourneyTables,
    journey_from_tables,
    journey_tables,
    normalized,
    touchpoint_names,
)
from journeymap.model import Journey

if TYPE_CHECKING:
    from journeymap.store import VersionInfo

_RESTORED_NOTE = re.compile(r"^restored version (\d+)$")


@dataclass(frozen=True, eq=False)
class Draft:
    """Unsaved edits to one saved version of a journey: what the editor works on."""

    journey: Journey
    version: int
    tables: JourneyTables
    saved: JourneyTables

    @classmethod
    def of(cls, journey: Journey, version: int) -> Draft:
        tables = journey_tables(journey)
        return cls(journey, version, tables, tables)

    @property
    def reserved(self) -> set[str]:
        """Ids a new touchpoint must not take: the saved ones carry ratings."""
        return {tp.id for tp in self.journey.touchpoints}

    def edited(self, tables: JourneyTables) -> Draft:
        return replace(self, tables=tables)

    def tidied(self) -> Draft:
        return self.edited(normalized(self.tables, reserved=self.reserved))

    def changes(self) -> list[str]:
        # `saved` comes tidy from journey_tables; only the draft needs tidying to compare.
        return _described(self.saved, normalized(self.tables, reserved=self.reserved))

    def removal(self) -> Removal:
        return pending_removal(
            self.tables, names={tp.id: tp.name for tp in self.journey.touchpoints}
        )

    def confirm_removal(self) -> Draft:
        return self.edited(without_dangling(self.tables)).tidied()

    def bring_back(self) -> Draft:
        return self.edited(bring_back(self.tables, self.removal().ids, saved=self.saved))

    def with_graph_edits(self, edits: GraphEdits) -> Draft:
        return self.edited(apply_graph_edits(self.tables, edits)).tidied()

    def journey_to_save(self) -> Journey:
        """The journey to store; raises EditError naming table, row and column."""
        return journey_from_tables(self.journey, self.tables, reserved=self.reserved)


def draft_changes(saved: JourneyTables, draft: JourneyTables, *, limit: int = 12) -> list[str]:
    """The unsaved changes of a draft, in words; empty when it matches the saved tables."""
    saved = normalized(saved)
    return _described(
        saved, normalized(draft, reserved=cell_texts(saved.touchpoints[ID])), limit=limit
    )


def _described(saved: JourneyTables, draft: JourneyTables, *, limit: int = 12) -> list[str]:
    names = touchpoint_names(saved) | touchpoint_names(draft)
    changes = _stage_changes(saved, draft) + _touchpoint_changes(saved, draft)
    changes += _transition_changes(saved, draft, names)
    if _entry_map(saved) != _entry_map(draft):
        changes.append("Arrival shares changed")
    if len(draft.promises) < len(saved.promises):
        changes.append(f"{counted(len(saved.promises) - len(draft.promises), 'promise')} removed")
    if len(changes) > limit:
        changes = changes[:limit] + [f"… and {len(changes) - limit} more"]
    return changes


def undo_target(versions: Sequence[VersionInfo]) -> int | None:
    """The version "Undo last save" restores: the one before the newest, skipping undone saves.

    `versions` is newest first (Store.versions). Undoing twice steps back twice: when the
    newest version restored version k, the next undo goes to the version before k.
    """
    if not versions:
        return None
    notes = {v.version: v.note for v in versions}
    current = versions[0].version
    while (match := _RESTORED_NOTE.match(notes.get(current, ""))) and int(match[1]) < current:
        current = int(match[1])
    return current - 1 if current - 1 in notes else None


def _stage_changes(saved: JourneyTables, draft: JourneyTables) -> list[str]:
    before = cell_texts(saved.stages[STAGE])
    changes, kept = [], []
    for name, origin in zip(
        cell_texts(draft.stages[STAGE]), cell_texts(draft.stages[SAVED]), strict=True
    ):
        if origin in before:
            kept.append(origin)
            if name != origin:
                changes.append(f"Stage '{origin}' renamed to '{name}'")
        else:
            changes.append(f"Stage '{name}' added")
    changes += [f"Stage '{name}' deleted" for name in before if name not in kept]
    if kept != [name for name in before if name in kept]:
        changes.append("Stages reordered")
    return changes


def _touchpoint_changes(saved: JourneyTables, draft: JourneyTables) -> list[str]:
    before = {row[ID]: row for row in _records(saved.touchpoints)}
    after = _records(draft.touchpoints)
    changes = []
    for row in after:
        old = before.get(row[ID])
        if old is None:
            changes.append(f"Touchpoint '{row[NAME]}' added")
            continue
        if row[NAME] != old[NAME]:
            changes.append(f"Touchpoint '{old[NAME]}' renamed to '{row[NAME]}'")
        columns = (STAGE, LANE, CHANNEL, ROLE, DIMENSION, IMPORTANCE, DESCRIPTION)
        changed = [c for c in columns if not _same(row[c], old[c])]
        if changed:
            changes.append(f"'{row[NAME]}': {', '.join(changed).lower()} changed")
    present = {row[ID] for row in after}
    changes += [
        f"Touchpoint '{old[NAME]}' deleted" for tp, old in before.items() if tp not in present
    ]
    # Moving a stage moves its touchpoints; only a new order within a stage counts here.
    saved_order = {tp: i for i, tp in enumerate(before)}
    by_stage: dict[str, list[int]] = defaultdict(list)
    for row in after:
        if row[ID] in saved_order:
            by_stage[row[STAGE]].append(saved_order[row[ID]])
    if any(positions != sorted(positions) for positions in by_stage.values()):
        changes.append("Touchpoints reordered")
    return changes


def _transition_changes(
    saved: JourneyTables, draft: JourneyTables, names: Mapping[str, str]
) -> list[str]:
    before = {(s, t): share for s, t, share in share_rows(saved.transitions, FROM, TO)}
    after = {(s, t): share for s, t, share in share_rows(draft.transitions, FROM, TO)}

    def edge(e: tuple[str, str]) -> str:
        return " → ".join(names.get(tp) or tp or "?" for tp in e)

    changes = [f"Transition {edge(e)} added" for e in after if e not in before]
    changes += [f"Transition {edge(e)} deleted" for e in before if e not in after]
    changes += [
        f"Transition {edge(e)}: {share_label(before[e])} → {share_label(share)}"
        for e, share in after.items()
        if e in before and not _same(share, before[e])
    ]
    return changes


def _entry_map(tables: JourneyTables) -> dict[str, float | str | None]:
    return {tp: cell_number(share) for tp, share in share_rows(tables.entries, TOUCHPOINT)}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {c: (v if c in (ORDER, IMPORTANCE) else cell_text(v)) for c, v in row.items()}
        for row in frame.to_dict("records")
    ]


def _same(a: object, b: object) -> bool:
    a_number, b_number = cell_number(a), cell_number(b)
    if isinstance(a_number, float) and isinstance(b_number, float):
        return math.isclose(a_number, b_number, rel_tol=1e-12, abs_tol=1e-12)
    return cell_text(a) == cell_text(b)
