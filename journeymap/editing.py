"""The journey as tables people edit in a workshop, and the edited tables back as a journey.

The journey editor shows a journey as four tables (stages, touchpoints, transitions, arrivals)
and as a graph. This is the core of a save, without streamlit: the tables of a journey,
tidying them while people edit (renamed stages, reordered rows, new touchpoints), and the
journey the tables describe, validated by the model with every problem named by the table,
row and column the user sees. Edits on the graph are in `edit_graph`, deletions that ask
first in `edit_removal`, the unsaved draft in `drafts`.

Touchpoint ids are the keys stored ratings refer to: an existing touchpoint keeps its id
whatever it is renamed to, and a new row gets a fresh id slugged from its name.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from journeymap.edit_cells import (
    ARRIVAL_COLUMNS,
    ARRIVALS_TABLE,
    CHANNEL,
    DESCRIPTION,
    DIMENSION,
    FROM,
    ID,
    IMPORTANCE,
    LANE,
    NAME,
    NUMBER,
    ORDER,
    ROLE,
    SAVED,
    SHARE,
    STAGE,
    STAGE_COLUMNS,
    STAGES_TABLE,
    TEXT,
    TO,
    TOUCHPOINT,
    TOUCHPOINT_COLUMNS,
    TOUCHPOINTS_TABLE,
    TRANSITION_COLUMNS,
    TRANSITIONS_TABLE,
    WAS,
    cell_number,
    cell_text,
    cell_texts,
    numbered,
    rows_where,
    share_rows,
    table_frame,
)
from journeymap.errors import JourneyFileError, Problem
from journeymap.journey_file import parse_journey
from journeymap.model import SHARE_TOLERANCE, Journey, Lane, Promise, slugify, unused_id

# A row whose text cells are all empty was added and left blank: it is ignored, not an error.
_STAGE_TEXT = (STAGE, WAS, SAVED)
_TOUCHPOINT_TEXT = (NAME, STAGE, CHANNEL, ROLE, DESCRIPTION, ID)
_TRANSITION_TEXT = (FROM, TO)
_ARRIVAL_TEXT = (TOUCHPOINT,)

# Model field -> column, to name the cell a validation error is about.
_TOUCHPOINT_FIELDS = {
    "id": ID, "name": NAME, "stage": STAGE, "lane": LANE, "channel": CHANNEL, "role": ROLE,
    "dimension": DIMENSION, "importance": IMPORTANCE, "description": DESCRIPTION,
}  # fmt: skip
_TRANSITION_FIELDS = {"from": FROM, "to": TO, "share": SHARE}
_INDEXED_PATH = re.compile(r"^(stages|touchpoints|transitions|promises)\[(\d+)\](?:\.(\w+))?")


@dataclass(frozen=True, eq=False)
class JourneyTables:
    """A journey as the editor shows it; promises ride along so deletions can take them too.

    Each frame is indexed by row number as the editor shows it (1…n; a deleted row leaves a
    gap until `normalized` tidies the tables), and problems name rows by it. Stages and
    touchpoints are in journey order with `Order` equal to the row number; transitions and
    arrivals refer to touchpoints by id, shown by name.
    """

    stages: pd.DataFrame
    touchpoints: pd.DataFrame
    transitions: pd.DataFrame
    entries: pd.DataFrame
    promises: tuple[Promise, ...] = ()


class EditError(JourneyFileError):
    """Edited tables that do not make a valid journey; each problem names table, row, column."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("edited journey", problems)

    def _describe(self) -> str:
        # Each problem already names its table; a source prefix would only repeat itself.
        return "\n".join(f"- {p}" for p in self.problems)


def journey_tables(journey: Journey) -> JourneyTables:
    """The editable tables of a journey, touchpoints in journey order."""
    touchpoints = journey.ordered_touchpoints()
    entries = journey.entries or {}
    return JourneyTables(
        stages=table_frame(
            STAGE_COLUMNS,
            {
                ORDER: range(1, len(journey.stages) + 1),
                STAGE: journey.stages,
                WAS: journey.stages,
                SAVED: journey.stages,
            },
        ),
        touchpoints=table_frame(
            TOUCHPOINT_COLUMNS,
            {
                ORDER: range(1, len(touchpoints) + 1),
                NAME: [tp.name for tp in touchpoints],
                STAGE: [tp.stage for tp in touchpoints],
                LANE: [tp.lane.value for tp in touchpoints],
                CHANNEL: [tp.channel for tp in touchpoints],
                ROLE: [tp.role for tp in touchpoints],
                DIMENSION: [tp.dimension.value if tp.dimension else None for tp in touchpoints],
                IMPORTANCE: [tp.importance for tp in touchpoints],
                DESCRIPTION: [tp.description for tp in touchpoints],
                ID: [tp.id for tp in touchpoints],
            },
        ),
        transitions=table_frame(
            TRANSITION_COLUMNS,
            {
                FROM: [t.source for t in journey.transitions],
                TO: [t.target for t in journey.transitions],
                SHARE: [t.share for t in journey.transitions],
            },
        ),
        entries=table_frame(
            ARRIVAL_COLUMNS, {TOUCHPOINT: list(entries), SHARE: list(entries.values())}
        ),
        promises=tuple(journey.promises),
    )


def normalized(tables: JourneyTables, *, reserved: Collection[str] = ()) -> JourneyTables:
    """The tables tidied after edits, without judging them (saving does that).

    Rows added and left blank go; stages and touchpoints are sorted by `Order` (touchpoints
    within their stage) and numbered 1…n; a renamed stage is renamed in its touchpoints; new
    touchpoints get an id slugged from their name and not in `reserved` (ids used before,
    whose stored ratings must not attach to a different touchpoint).
    """
    stages = _filled(_typed(tables.stages, STAGE_COLUMNS), _STAGE_TEXT)
    renames = _stage_renames(stages)
    stages = numbered(stages.iloc[_sorted_positions(stages)])
    stages[WAS] = stages[STAGE]
    stages[ORDER] = stages.index.astype(float)

    touchpoints = _filled(_typed(tables.touchpoints, TOUCHPOINT_COLUMNS), _TOUCHPOINT_TEXT)
    touchpoints[STAGE] = [renames.get(s, s) or None for s in cell_texts(touchpoints[STAGE])]
    touchpoints[ID] = _ids(touchpoints, reserved=reserved)
    rank = {stage: i for i, stage in enumerate(cell_texts(stages[STAGE]))}
    stage_rank = [rank.get(s, len(rank)) for s in cell_texts(touchpoints[STAGE])]
    touchpoints = numbered(touchpoints.iloc[_sorted_positions(touchpoints, first=stage_rank)])
    touchpoints[ORDER] = touchpoints.index.astype(float)

    return replace(
        tables,
        stages=_coerced(stages, STAGE_COLUMNS),
        touchpoints=_coerced(touchpoints, TOUCHPOINT_COLUMNS),
        transitions=_coerced(
            numbered(_filled(_typed(tables.transitions, TRANSITION_COLUMNS), _TRANSITION_TEXT)),
            TRANSITION_COLUMNS,
        ),
        entries=_coerced(
            numbered(_filled(_typed(tables.entries, ARRIVAL_COLUMNS), _ARRIVAL_TEXT)),
            ARRIVAL_COLUMNS,
        ),
    )


def journey_from_tables(
    journey: Journey, tables: JourneyTables, *, reserved: Collection[str] = ()
) -> Journey:
    """The journey the edited tables describe; raises EditError naming table, row and column.

    `journey` gives what the tables don't show (id, name, scale, lever) and the names of
    deleted touchpoints for the messages. Nothing is dropped silently: a transition, arrival
    or promise at a deleted touchpoint is a problem until `without_dangling` removes it.
    """
    problems: list[Problem] = []
    renames = _stage_renames(_filled(_typed(tables.stages, STAGE_COLUMNS), _STAGE_TEXT))
    stages, stage_rows = _read_stages(tables.stages, problems)
    touchpoints, touchpoint_rows = _read_touchpoints(
        tables.touchpoints, renames, problems, reserved=reserved
    )
    ids = {tp["id"] for tp in touchpoints}
    names = {tp.id: tp.name for tp in journey.touchpoints} | {
        tp["id"]: tp["name"] for tp in touchpoints if tp["name"]
    }
    transitions, transition_rows = _read_transitions(tables.transitions, ids, names, problems)
    entries, entry_rows = _read_entries(tables.entries, ids, names, problems)
    _check_promises(tables.promises, ids, names, problems)
    _check_stages(stages, touchpoints, touchpoint_rows, problems)
    # Journey order: stage order first, then the Order column within the stage.
    rank = {stage: i for i, stage in enumerate(stages)}
    order = sorted(range(len(touchpoints)), key=lambda i: rank.get(touchpoints[i]["stage"], 0))
    document = journey.model_dump(by_alias=True) | {
        "stages": stages,
        "touchpoints": [touchpoints[i] for i in order],
        "transitions": transitions,
        "entries": entries,
        "promises": [p.model_dump(by_alias=True) for p in tables.promises],
    }
    rows = _Rows(stage_rows, [touchpoint_rows[i] for i in order], transition_rows, entry_rows)
    # The model checks the rest even when cells above were bad (they carry stand-ins then),
    # so every problem is reported at once; a cell already reported keeps its first message.
    try:
        edited = parse_journey(document, source="edited journey")
    except JourneyFileError as exc:
        problems += [rows.locate(p) for p in exc.problems]
    if problems:
        raise EditError(_reading_order(problems))
    return edited


def needs_sorting(frame: pd.DataFrame) -> bool:
    """Whether someone typed a new Order somewhere, so the table should be sorted again."""
    return any(
        isinstance(order := cell_number(value), float) and order != row
        for row, value in zip(frame.index, frame[ORDER], strict=True)
    )


def touchpoint_names(tables: JourneyTables) -> dict[str, str]:
    """Touchpoint id -> name, as typed in the touchpoints table."""
    frame = tables.touchpoints
    return dict(zip(cell_texts(frame[ID]), cell_texts(frame[NAME]), strict=True))


@dataclass(frozen=True)
class _Rows:
    """The row number (as shown) of each item of the model's lists, to locate its problems."""

    stages: list[int]
    touchpoints: list[int]
    transitions: list[int]
    entries: dict[str, int]

    def locate(self, problem: Problem) -> Problem:
        match = _INDEXED_PATH.match(problem.where)
        if match:
            kind, index, attribute = match[1], int(match[2]), match[3] or ""
            if kind == "promises":
                return Problem(f"Promises, promise {index + 1}", problem.message)
            table, rows, columns = {
                "stages": (STAGES_TABLE, self.stages, {"": STAGE}),
                "touchpoints": (TOUCHPOINTS_TABLE, self.touchpoints, _TOUCHPOINT_FIELDS),
                "transitions": (TRANSITIONS_TABLE, self.transitions, _TRANSITION_FIELDS),
            }[kind]
            where = f"{table}, row {rows[index]}" if index < len(rows) else f"{table} {index + 1}"
            column = columns.get(attribute, attribute)
            return Problem(f"{where}, {column}" if column else where, problem.message)
        if problem.where.startswith("entries"):
            tp = problem.where.removeprefix("entries").lstrip(".")
            cell = f", row {self.entries[tp]}, {TOUCHPOINT}" if tp in self.entries else f", {SHARE}"
            return Problem(ARRIVALS_TABLE + cell, problem.message)
        return Problem(f"Journey, {problem.where}" if problem.where else "Journey", problem.message)


def _read_stages(frame: pd.DataFrame, problems: list[Problem]) -> tuple[list[str], list[int]]:
    frame = _filled(_typed(frame, STAGE_COLUMNS), _STAGE_TEXT)
    for row, name in zip(frame.index, cell_texts(frame[STAGE]), strict=True):
        if not name:
            problems.append(_cell(STAGES_TABLE, row, STAGE, "is empty; every stage needs a name"))
    positions = _sorted_positions(frame)
    return [cell_text(frame[STAGE].iloc[p]) for p in positions], [frame.index[p] for p in positions]


def _read_touchpoints(
    frame: pd.DataFrame,
    renames: Mapping[str, str],
    problems: list[Problem],
    *,
    reserved: Collection[str],
) -> tuple[list[dict[str, Any]], list[int]]:
    frame = _filled(_typed(frame, TOUCHPOINT_COLUMNS), _TOUCHPOINT_TEXT)
    ids = _ids(frame, reserved=reserved)
    touchpoints = []
    for (row, values), tp in zip(frame.iterrows(), ids, strict=True):
        name, stage = cell_text(values[NAME]), cell_text(values[STAGE])
        if not name:
            problems.append(
                _cell(TOUCHPOINTS_TABLE, row, NAME, "is empty; every touchpoint needs a name")
            )
        if not stage:
            problems.append(
                _cell(TOUCHPOINTS_TABLE, row, STAGE, "is empty; pick one of the stages")
            )
        importance = cell_number(values[IMPORTANCE])
        if not isinstance(importance, float):
            message = importance or "is empty; give a weight above 0 (1 is the usual weight)"
            problems.append(_cell(TOUCHPOINTS_TABLE, row, IMPORTANCE, message))
            importance = 1.0
        touchpoints.append(
            {
                "id": tp,
                "name": name,
                "stage": renames.get(stage, stage),
                "lane": cell_text(values[LANE]) or Lane.FRONTSTAGE.value,
                "channel": cell_text(values[CHANNEL]),
                "role": cell_text(values[ROLE]),
                "dimension": cell_text(values[DIMENSION]) or None,
                "importance": importance,
                "description": cell_text(values[DESCRIPTION]),
            }
        )
    positions = _sorted_positions(frame)
    return [touchpoints[p] for p in positions], [frame.index[p] for p in positions]


def _read_transitions(
    frame: pd.DataFrame, ids: set[str], names: Mapping[str, str], problems: list[Problem]
) -> tuple[list[dict[str, Any]], list[int]]:
    frame = _filled(_typed(frame, TRANSITION_COLUMNS), _TRANSITION_TEXT)
    transitions: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    leaving: dict[str, float] = defaultdict(float)
    last_leaving: dict[str, int] = {}
    cells = share_rows(frame, FROM, TO)
    for row, (source, target, raw_share) in zip(frame.index, cells, strict=True):
        for column, tp in ((FROM, source), (TO, target)):
            if message := _reference_problem(tp, ids, names):
                problems.append(_cell(TRANSITIONS_TABLE, row, column, message))
        share = _share(raw_share)
        if isinstance(share, str):
            problems.append(_cell(TRANSITIONS_TABLE, row, SHARE, share))
            share = 0.0
        if source and target and (source, target) in seen:
            repeated = f"{names.get(source, source)} → {names.get(target, target)}"
            message = f"{repeated} is already in row {seen[source, target]}"
            problems.append(Problem(f"{TRANSITIONS_TABLE}, row {row}", message))
        seen.setdefault((source, target), row)
        leaving[source] += share
        last_leaving[source] = row
        transitions.append({"from": source, "to": target, "share": share})
    for source, total in leaving.items():
        if source and total > 1 + SHARE_TOLERANCE:
            message = (
                f"shares leaving '{names.get(source, source)}' add up to {total:g}, more than 1"
            )
            problems.append(_cell(TRANSITIONS_TABLE, last_leaving[source], SHARE, message))
    return transitions, list(frame.index)


def _read_entries(
    frame: pd.DataFrame, ids: set[str], names: Mapping[str, str], problems: list[Problem]
) -> tuple[dict[str, float] | None, dict[str, int]]:
    frame = _filled(_typed(frame, ARRIVAL_COLUMNS), _ARRIVAL_TEXT)
    if frame.empty:
        return None, {}  # the model's default: wherever no transition leads
    entries: dict[str, float] = {}
    rows: dict[str, int] = {}
    for row, (tp, raw_share) in zip(frame.index, share_rows(frame, TOUCHPOINT), strict=True):
        if message := _reference_problem(tp, ids, names):
            problems.append(_cell(ARRIVALS_TABLE, row, TOUCHPOINT, message))
        elif tp in entries:
            message = f"'{names.get(tp, tp)}' is already in row {rows[tp]}"
            problems.append(_cell(ARRIVALS_TABLE, row, TOUCHPOINT, message))
        share = _share(raw_share)
        if isinstance(share, str):
            problems.append(_cell(ARRIVALS_TABLE, row, SHARE, share))
            share = 0.0
        if tp not in entries:
            entries[tp], rows[tp] = share, row
    total = sum(entries.values())
    if abs(total - 1) > SHARE_TOLERANCE:
        message = f"shares add up to {total:g}, not 1 (100 %)"
        problems.append(Problem(f"{ARRIVALS_TABLE}, {SHARE}", message))
    return entries, rows


def _check_promises(
    promises: Sequence[Promise], ids: set[str], names: Mapping[str, str], problems: list[Problem]
) -> None:
    for i, promise in enumerate(promises):
        if promise.touchpoint not in ids:
            name = names.get(promise.touchpoint, promise.touchpoint)
            problems.append(
                Problem(
                    f"Promises, promise {i + 1}",
                    f"is made at '{name}', which is deleted; remove the promise with the "
                    "touchpoint or bring the touchpoint back",
                )
            )


def _check_stages(
    stages: list[str],
    touchpoints: list[dict[str, Any]],
    rows: list[int],
    problems: list[Problem],
) -> None:
    # The model checks this too, but only once every field is valid on its own.
    known = set(stages)
    for tp, row in zip(touchpoints, rows, strict=True):
        if tp["stage"] and tp["stage"] not in known:
            message = f"{tp['stage']!r} is not one of the stages"
            problems.append(_cell(TOUCHPOINTS_TABLE, row, STAGE, message))


def _reading_order(problems: list[Problem]) -> list[Problem]:
    """Problems table by table, row by row; one per cell (the first found says it best)."""
    unique: dict[str, Problem] = {}
    for problem in problems:
        unique.setdefault(problem.where, problem)
    tables = [STAGES_TABLE, TOUCHPOINTS_TABLE, TRANSITIONS_TABLE, ARRIVALS_TABLE, "Promises"]

    def place(problem: Problem) -> tuple[int, int]:
        table = next((i for i, t in enumerate(tables) if problem.where.startswith(t)), len(tables))
        row = re.search(r", (?:row|promise) (\d+)", problem.where)
        return table, int(row[1]) if row else 0

    return sorted(unique.values(), key=place)


def _reference_problem(tp: str, ids: set[str], names: Mapping[str, str]) -> str | None:
    if not tp:
        return "is empty; pick a touchpoint"
    if tp in ids:
        return None
    if tp in names:
        return f"'{names[tp]}' is deleted from the touchpoints table"
    return f"'{tp}' is not a touchpoint"


def _typed(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Exactly the editor's columns (a missing one empty), text stripped, row numbers kept.

    Number columns keep what was typed, so a word in one is reported rather than lost.
    """
    blank = [None] * len(frame)
    typed = {}
    for name, dtype in columns.items():
        values = frame[name].tolist() if name in frame else blank
        if dtype == TEXT:
            values = [cell_text(v) or None for v in values]
        typed[name] = pd.Series(values, index=frame.index, dtype=object)
    return pd.DataFrame(typed, index=frame.index)


def _coerced(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    numbers = {
        name: [v if isinstance(v, float) else None for v in map(cell_number, frame[name].tolist())]
        for name, dtype in columns.items()
        if dtype == NUMBER
    }
    return frame.assign(**numbers).astype(columns)


def _filled(frame: pd.DataFrame, text_columns: Sequence[str]) -> pd.DataFrame:
    """Without the rows someone added and left blank (every text cell empty)."""
    cells = zip(*(frame[c].tolist() for c in text_columns), strict=True)
    return rows_where(frame, [any(cell_text(v) for v in row) for row in cells])


def _stage_renames(stages: pd.DataFrame) -> dict[str, str]:
    return {
        was: name
        for name, was in zip(cell_texts(stages[STAGE]), cell_texts(stages[WAS]), strict=True)
        if was and name and was != name
    }


def _sorted_positions(frame: pd.DataFrame, *, first: Sequence[int] | None = None) -> list[int]:
    """Row positions sorted by the Order column; rows without one stay last, in table order.

    A row whose Order differs from its row number was moved there: moved up, it goes before
    the row already at that number; moved down, after it (so "move to 2" means "be 2nd").
    """
    keys = []
    for position, (row, value) in enumerate(zip(frame.index, frame[ORDER], strict=True)):
        order = cell_number(value)
        if isinstance(order, float):
            keys.append((order, (order > row) - (order < row), position))
        else:
            keys.append((math.inf, 0, position))
    ranks = first if first is not None else [0] * len(keys)
    return sorted(range(len(keys)), key=lambda p: (ranks[p], keys[p]))


def _ids(frame: pd.DataFrame, *, reserved: Collection[str]) -> list[str]:
    existing = cell_texts(frame[ID])
    taken = set(reserved) | set(existing)
    ids = []
    for tp, name in zip(existing, cell_texts(frame[NAME]), strict=True):
        if not tp:
            tp = _fresh_id(name, taken)
            taken.add(tp)
        ids.append(tp)
    return ids


def _fresh_id(name: str, taken: Collection[str]) -> str:
    return unused_id(slugify(name) if re.search(r"\w", name) else "touchpoint", taken)


def _share(value: object) -> float | str:
    share = cell_number(value)
    if share is None:
        return "is empty; give a share between 0 and 1"
    if isinstance(share, str):
        return share
    if not 0 <= share <= 1:
        return f"{share:g} is outside 0–1 (a share of the customers: 0.35 is 35 %)"
    return share


def _cell(table: str, row: int, column: str, message: str) -> Problem:
    return Problem(f"{table}, row {row}, {column}", message)
