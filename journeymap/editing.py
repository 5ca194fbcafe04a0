"""The journey as tables people edit in a workshop, and the edited tables back as a journey.

The journey editor shows a journey as four tables (stages, touchpoints, transitions, arrivals)
and as a graph. Everything a save needs lives here, without streamlit: the tables of a
journey, keeping them consistent while people edit (renamed stages, reordered rows, new
touchpoints, deletions), edits made on the graph, and the journey the tables describe,
validated by the model with every problem named by the table, row and column the user sees.

Touchpoint ids are the keys stored ratings refer to: an existing touchpoint keeps its id
whatever it is renamed to, and a new row gets a fresh id slugged from its name.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from journeymap.errors import JourneyFileError, Problem
from journeymap.journey_file import parse_journey
from journeymap.model import SHARE_TOLERANCE, Journey, Lane, Promise, slugify

if TYPE_CHECKING:
    from journeymap.store import VersionInfo

# Column names, as the user sees them in the editor.
ORDER = "Order"
STAGE = "Stage"
WAS = "Was"  # hidden: a stage's name when the tables were last tidied, so renames follow it
SAVED = "Saved name"  # hidden: a stage's name in the saved journey, to describe the changes
NAME = "Name"
LANE = "Lane"
CHANNEL = "Channel"
ROLE = "Role"
DIMENSION = "Dimension"
IMPORTANCE = "Importance"
DESCRIPTION = "Description"
ID = "Id"
FROM = "From"
TO = "To"
SHARE = "Share"
TOUCHPOINT = "Touchpoint"

STAGES_TABLE = "Stages table"
TOUCHPOINTS_TABLE = "Touchpoints table"
TRANSITIONS_TABLE = "Transitions table"
ARRIVALS_TABLE = "Arrivals table"

# Object text and nullable floats: the data editor can append a row (with blanks) to any of
# them, even to an empty table, without pandas changing the column's type.
_TEXT, _NUMBER = "object", "Float64"
STAGE_COLUMNS = {ORDER: _NUMBER, STAGE: _TEXT, WAS: _TEXT, SAVED: _TEXT}
TOUCHPOINT_COLUMNS = {
    ORDER: _NUMBER, NAME: _TEXT, STAGE: _TEXT, LANE: _TEXT, CHANNEL: _TEXT, ROLE: _TEXT,
    DIMENSION: _TEXT, IMPORTANCE: _NUMBER, DESCRIPTION: _TEXT, ID: _TEXT,
}  # fmt: skip
TRANSITION_COLUMNS = {FROM: _TEXT, TO: _TEXT, SHARE: _NUMBER}
ARRIVAL_COLUMNS = {TOUCHPOINT: _TEXT, SHARE: _NUMBER}

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
_RESTORED_NOTE = re.compile(r"^restored version (\d+)$")


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
        stages=_frame(
            STAGE_COLUMNS,
            {
                ORDER: range(1, len(journey.stages) + 1),
                STAGE: journey.stages,
                WAS: journey.stages,
                SAVED: journey.stages,
            },
        ),
        touchpoints=_frame(
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
        transitions=_frame(
            TRANSITION_COLUMNS,
            {
                FROM: [t.source for t in journey.transitions],
                TO: [t.target for t in journey.transitions],
                SHARE: [t.share for t in journey.transitions],
            },
        ),
        entries=_frame(ARRIVAL_COLUMNS, {TOUCHPOINT: list(entries), SHARE: list(entries.values())}),
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
    stages = _numbered(stages.iloc[_sorted_positions(stages)])
    stages[WAS] = stages[STAGE]
    stages[ORDER] = stages.index.astype(float)

    touchpoints = _filled(_typed(tables.touchpoints, TOUCHPOINT_COLUMNS), _TOUCHPOINT_TEXT)
    touchpoints[STAGE] = [renames.get(s, s) or None for s in _texts(touchpoints[STAGE])]
    touchpoints[ID] = _ids(touchpoints, reserved=reserved)
    rank = {stage: i for i, stage in enumerate(_texts(stages[STAGE]))}
    stage_rank = [rank.get(s, len(rank)) for s in _texts(touchpoints[STAGE])]
    touchpoints = _numbered(touchpoints.iloc[_sorted_positions(touchpoints, first=stage_rank)])
    touchpoints[ORDER] = touchpoints.index.astype(float)

    return replace(
        tables,
        stages=_coerced(stages, STAGE_COLUMNS),
        touchpoints=_coerced(touchpoints, TOUCHPOINT_COLUMNS),
        transitions=_coerced(
            _numbered(_filled(_typed(tables.transitions, TRANSITION_COLUMNS), _TRANSITION_TEXT)),
            TRANSITION_COLUMNS,
        ),
        entries=_coerced(
            _numbered(_filled(_typed(tables.entries, ARRIVAL_COLUMNS), _ARRIVAL_TEXT)),
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
        isinstance(order := _number(value), float) and order != row
        for row, value in zip(frame.index, frame[ORDER], strict=True)
    )


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


# Deleting touchpoints ----------------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """What still refers to touchpoints deleted from the table, and would go with them."""

    touchpoints: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    transitions: tuple[str, ...] = ()
    arrivals: tuple[str, ...] = ()
    promises: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.transitions or self.arrivals or self.promises)

    def summary(self) -> str:
        """`Deleting 'Phone order' also removes 2 transitions (…) and 1 promise (…).`"""
        parts = [
            f"{_counted(len(items), noun)} ({'; '.join(items)})"
            for items, noun in (
                (self.transitions, "transition"),
                (self.arrivals, "arrival share"),
                (self.promises, "promise"),
            )
            if items
        ]
        if not parts:
            return ""
        joined = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        deleted = ", ".join(f"'{name}'" for name in self.touchpoints)
        return f"Deleting {deleted} also removes {joined}."


def pending_removal(tables: JourneyTables, *, names: Mapping[str, str]) -> Removal:
    """Transitions, arrivals and promises at touchpoints no longer in the touchpoints table.

    `names` maps the ids of deleted touchpoints to their names (from the saved journey).
    """
    ids = set(_texts(tables.touchpoints[ID]))
    current = _names(tables)

    def label(tp: str) -> str:
        return current.get(tp) or names.get(tp) or tp

    gone: dict[str, None] = {}
    transitions = []
    for source, target, share in _rows(tables.transitions, FROM, TO):
        missing = [tp for tp in (source, target) if tp and tp not in ids]
        if missing:
            gone.update(dict.fromkeys(missing))
            transitions.append(f"{label(source)} → {label(target)}{_share_suffix(share)}")
    arrivals = []
    for tp, share in _rows(tables.entries, TOUCHPOINT):
        if tp and tp not in ids:
            gone[tp] = None
            arrivals.append(f"{label(tp)}{_share_suffix(share)}")
    promises = []
    for promise in tables.promises:
        if promise.touchpoint not in ids:
            gone[promise.touchpoint] = None
            what = promise.label or f"{promise.lever.value} promise"
            promises.append(f"{what} at {label(promise.touchpoint)}")
    return Removal(
        touchpoints=tuple(label(tp) for tp in gone),
        ids=tuple(gone),
        transitions=tuple(transitions),
        arrivals=tuple(arrivals),
        promises=tuple(promises),
    )


def without_dangling(tables: JourneyTables) -> JourneyTables:
    """Remove the transitions, arrivals and promises of touchpoints deleted from the table."""
    ids = set(_texts(tables.touchpoints[ID]))
    transitions, entries = tables.transitions, tables.entries
    keep = [(not s or s in ids) and (not t or t in ids) for s, t, _ in _rows(transitions, FROM, TO)]
    keep_entries = [not tp or tp in ids for tp, _ in _rows(entries, TOUCHPOINT)]
    return replace(
        tables,
        transitions=_numbered(_where(transitions, keep)),
        entries=_numbered(_where(entries, keep_entries)),
        promises=tuple(p for p in tables.promises if p.touchpoint in ids),
    )


def bring_back(
    tables: JourneyTables, ids: Collection[str], *, saved: JourneyTables
) -> JourneyTables:
    """Put deleted touchpoints back as they were saved, near where they were."""
    present = set(_texts(tables.touchpoints[ID]))
    wanted = [tp in ids and tp not in present for tp in _texts(saved.touchpoints[ID])]
    returning = _where(saved.touchpoints, wanted)
    # Appended rows whose Order is below their row number count as moved up into place.
    touchpoints = _numbered(pd.concat([tables.touchpoints, returning]))
    return normalized(replace(tables, touchpoints=touchpoints))


# Edits made on the graph --------------------------------------------------------------------


@dataclass(frozen=True)
class GraphView:
    """What the touchpoint graph shows: a label per touchpoint id, a label per transition."""

    nodes: Mapping[str, str]
    edges: Mapping[tuple[str, str], str]


@dataclass(frozen=True)
class GraphEdits:
    """The changes someone made on the graph, as changes to the journey."""

    deleted: tuple[str, ...] = ()
    renamed: Mapping[str, str] = field(default_factory=dict)
    connected: tuple[tuple[str, str], ...] = ()
    disconnected: tuple[tuple[str, str], ...] = ()
    reshared: Mapping[tuple[str, str], float] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.deleted or self.renamed or self.connected or self.disconnected or self.reshared
        )


def touchpoint_labels(tables: JourneyTables) -> dict[str, str]:
    """Touchpoint id -> the name shown for it; a name used twice gets its id in brackets."""
    names = {tp: name for tp, name in _names(tables).items() if tp}
    used = defaultdict(int)
    for name in names.values():
        used[name] += 1
    return {
        tp: name if used[name] == 1 and name else f"{name} ({tp})" for tp, name in names.items()
    }


def graph_view(tables: JourneyTables) -> GraphView:
    """Touchpoints with their labels; transitions between them labelled with their share."""
    nodes = touchpoint_labels(tables)
    edges = {
        (source, target): share_label(share)
        for source, target, share in _rows(tables.transitions, FROM, TO)
        if source in nodes and target in nodes
    }
    return GraphView(nodes=nodes, edges=edges)


def graph_edits(shown: GraphView, returned: GraphView) -> GraphEdits:
    """What changed between the graph as drawn and the graph as the user left it."""
    problems: list[str] = []
    renamed = {}
    for tp, label in returned.nodes.items():
        if tp in shown.nodes and label.strip() != shown.nodes[tp]:
            if label.strip():
                renamed[tp] = label.strip()
            else:
                problems.append(f"'{shown.nodes[tp]}' keeps its name: a touchpoint needs one.")
    connected = []
    for source, target in returned.edges:
        if (source, target) in shown.edges or not {source, target} <= returned.nodes.keys():
            continue
        if source == target:
            problems.append(f"'{returned.nodes[source]}' cannot lead to itself.")
        else:
            connected.append((source, target))
    disconnected = tuple(
        edge
        for edge in shown.edges
        if edge not in returned.edges and set(edge) <= returned.nodes.keys()
    )
    reshared = {}
    for edge, label in returned.edges.items():
        if edge in shown.edges and label.strip() != shown.edges[edge]:
            try:
                reshared[edge] = parse_share(label)
            except ValueError as exc:
                problems.append(str(exc))
    return GraphEdits(
        deleted=tuple(tp for tp in shown.nodes if tp not in returned.nodes),
        renamed=renamed,
        connected=tuple(connected),
        disconnected=disconnected,
        reshared=reshared,
        problems=tuple(problems),
    )


def apply_graph_edits(tables: JourneyTables, edits: GraphEdits) -> JourneyTables:
    """The tables with the graph's edits; a deleted touchpoint leaves its dependents pending."""
    touchpoints = tables.touchpoints.copy()
    ids = _texts(touchpoints[ID])
    for tp, name in edits.renamed.items():
        if tp in ids:
            touchpoints.iloc[ids.index(tp), touchpoints.columns.get_loc(NAME)] = name
    touchpoints = _where(touchpoints, [tp not in edits.deleted for tp in ids])

    transitions = tables.transitions.copy()
    edges = [(s, t) for s, t, _ in _rows(transitions, FROM, TO)]
    for edge, share in edits.reshared.items():
        if edge in edges:
            transitions.iloc[edges.index(edge), transitions.columns.get_loc(SHARE)] = share
    keep = [edge not in edits.disconnected for edge in edges]
    leaving: dict[str, float] = defaultdict(float)
    for (source, _), share, kept in zip(edges, transitions[SHARE], keep, strict=True):
        number = _number(share)
        if kept and isinstance(number, float):
            leaving[source] += number
    added = []
    for source, target in dict.fromkeys(edits.connected):
        if (source, target) in edges:
            continue
        # What nobody else takes yet, so a new branch doesn't push the source above 1.
        share = round(max(0.0, 1.0 - leaving[source]), 2)
        leaving[source] += share
        added.append((source, target, share))
    new_rows = _frame(
        TRANSITION_COLUMNS,
        {FROM: [a[0] for a in added], TO: [a[1] for a in added], SHARE: [a[2] for a in added]},
    )
    kept = _where(transitions, keep)
    transitions = pd.concat([kept, new_rows]) if added else kept
    return replace(tables, touchpoints=_numbered(touchpoints), transitions=_numbered(transitions))


def share_label(share: object) -> str:
    """0.35 -> '35 %', as the graph labels a transition."""
    number = _number(share)
    return f"{number * 100:.3g} %" if isinstance(number, float) else "?"


def parse_share(text: str) -> float:
    """'35 %', '35%' or '0.35' -> 0.35; raises ValueError saying what is accepted."""
    cleaned = text.strip().replace(",", ".")
    percent = cleaned.endswith("%")
    try:
        value = float(cleaned.rstrip("%").strip())
    except ValueError:
        raise ValueError(f"'{text}' is not a share; type it as 35 % or 0.35.") from None
    value = value / 100 if percent else value
    if math.isnan(value) or not 0 <= value <= 1:
        raise ValueError(f"'{text}' is not a share between 0 and 1 (0–100 %).")
    return value


# What changed, and undo ---------------------------------------------------------------------


def draft_changes(saved: JourneyTables, draft: JourneyTables, *, limit: int = 12) -> list[str]:
    """The unsaved changes of a draft, in words; empty when it matches the saved tables."""
    saved = normalized(saved)
    return _described(saved, normalized(draft, reserved=_texts(saved.touchpoints[ID])), limit=limit)


def _described(saved: JourneyTables, draft: JourneyTables, *, limit: int = 12) -> list[str]:
    names = _names(saved) | _names(draft)
    changes = _stage_changes(saved, draft) + _touchpoint_changes(saved, draft)
    changes += _transition_changes(saved, draft, names)
    if _entry_map(saved) != _entry_map(draft):
        changes.append("Arrival shares changed")
    if len(draft.promises) < len(saved.promises):
        changes.append(f"{_counted(len(saved.promises) - len(draft.promises), 'promise')} removed")
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


# Reading the tables -------------------------------------------------------------------------


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
            table, rows, columns = {
                "stages": (STAGES_TABLE, self.stages, {"": STAGE}),
                "touchpoints": (TOUCHPOINTS_TABLE, self.touchpoints, _TOUCHPOINT_FIELDS),
                "transitions": (TRANSITIONS_TABLE, self.transitions, _TRANSITION_FIELDS),
                "promises": ("Promises", [], {}),
            }[kind]
            if kind == "promises":
                return Problem(f"Promises, promise {index + 1}", problem.message)
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
    for row, name in zip(frame.index, _texts(frame[STAGE]), strict=True):
        if not name:
            problems.append(_cell(STAGES_TABLE, row, STAGE, "is empty; every stage needs a name"))
    positions = _sorted_positions(frame)
    return [_text(frame[STAGE].iloc[p]) for p in positions], [frame.index[p] for p in positions]


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
        name, stage = _text(values[NAME]), _text(values[STAGE])
        if not name:
            problems.append(
                _cell(TOUCHPOINTS_TABLE, row, NAME, "is empty; every touchpoint needs a name")
            )
        if not stage:
            problems.append(
                _cell(TOUCHPOINTS_TABLE, row, STAGE, "is empty; pick one of the stages")
            )
        importance = _number(values[IMPORTANCE])
        if not isinstance(importance, float):
            message = importance or "is empty; give a weight above 0 (1 is the usual weight)"
            problems.append(_cell(TOUCHPOINTS_TABLE, row, IMPORTANCE, message))
            importance = 1.0
        touchpoints.append(
            {
                "id": tp,
                "name": name,
                "stage": renames.get(stage, stage),
                "lane": _text(values[LANE]) or Lane.FRONTSTAGE.value,
                "channel": _text(values[CHANNEL]),
                "role": _text(values[ROLE]),
                "dimension": _text(values[DIMENSION]) or None,
                "importance": importance,
                "description": _text(values[DESCRIPTION]),
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
    for row, (source, target, raw_share) in zip(frame.index, _rows(frame, FROM, TO), strict=True):
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
    for row, (tp, raw_share) in zip(frame.index, _rows(frame, TOUCHPOINT), strict=True):
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


# Changes in words ---------------------------------------------------------------------------


def _stage_changes(saved: JourneyTables, draft: JourneyTables) -> list[str]:
    before = _texts(saved.stages[STAGE])
    changes, kept = [], []
    for name, origin in zip(_texts(draft.stages[STAGE]), _texts(draft.stages[SAVED]), strict=True):
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
    before = {(s, t): share for s, t, share in _rows(saved.transitions, FROM, TO)}
    after = {(s, t): share for s, t, share in _rows(draft.transitions, FROM, TO)}

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
    return {tp: _number(share) for tp, share in _rows(tables.entries, TOUCHPOINT)}


# Small helpers ------------------------------------------------------------------------------


def _frame(columns: Mapping[str, str], values: Mapping[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            name: pd.Series(list(values.get(name, [])), dtype=dtype)
            for name, dtype in columns.items()
        }
    )
    return _numbered(frame)


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows numbered 1…n, as the editor shows them."""
    frame = frame.copy()
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def _typed(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Exactly the editor's columns (a missing one empty), text stripped, row numbers kept.

    Number columns keep what was typed, so a word in one is reported rather than lost.
    """
    blank = [None] * len(frame)
    typed = {}
    for name, dtype in columns.items():
        values = frame[name].tolist() if name in frame else blank
        if dtype == _TEXT:
            values = [_text(v) or None for v in values]
        typed[name] = pd.Series(values, index=frame.index, dtype=object)
    return pd.DataFrame(typed, index=frame.index)


def _coerced(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    numbers = {
        name: [v if isinstance(v, float) else None for v in map(_number, frame[name].tolist())]
        for name, dtype in columns.items()
        if dtype == _NUMBER
    }
    return frame.assign(**numbers).astype(columns)


def _filled(frame: pd.DataFrame, text_columns: Sequence[str]) -> pd.DataFrame:
    """Without the rows someone added and left blank (every text cell empty)."""
    cells = zip(*(frame[c].tolist() for c in text_columns), strict=True)
    return _where(frame, [any(_text(v) for v in row) for row in cells])


def _where(frame: pd.DataFrame, keep: Sequence[bool]) -> pd.DataFrame:
    return frame.iloc[[p for p, kept in enumerate(keep) if kept]]


def _stage_renames(stages: pd.DataFrame) -> dict[str, str]:
    return {
        was: name
        for name, was in zip(_texts(stages[STAGE]), _texts(stages[WAS]), strict=True)
        if was and name and was != name
    }


def _sorted_positions(frame: pd.DataFrame, *, first: Sequence[int] | None = None) -> list[int]:
    """Row positions sorted by the Order column; rows without one stay last, in table order.

    A row whose Order differs from its row number was moved there: moved up, it goes before
    the row already at that number; moved down, after it (so "move to 2" means "be 2nd").
    """
    keys = []
    for position, (row, value) in enumerate(zip(frame.index, frame[ORDER], strict=True)):
        order = _number(value)
        if isinstance(order, float):
            keys.append((order, (order > row) - (order < row), position))
        else:
            keys.append((math.inf, 0, position))
    ranks = first if first is not None else [0] * len(keys)
    return sorted(range(len(keys)), key=lambda p: (ranks[p], keys[p]))


def _ids(frame: pd.DataFrame, *, reserved: Collection[str]) -> list[str]:
    existing = _texts(frame[ID])
    taken = set(reserved) | set(existing)
    ids = []
    for tp, name in zip(existing, _texts(frame[NAME]), strict=True):
        if not tp:
            tp = _fresh_id(name, taken)
            taken.add(tp)
        ids.append(tp)
    return ids


def _fresh_id(name: str, taken: Collection[str]) -> str:
    base = slugify(name) if re.search(r"\w", name) else "touchpoint"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[: 64 - len(str(n)) - 1]}-{n}"
    return candidate


def _names(tables: JourneyTables) -> dict[str, str]:
    frame = tables.touchpoints
    return dict(zip(_texts(frame[ID]), _texts(frame[NAME]), strict=True))


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    return str(value).strip()


def _texts(column: pd.Series) -> list[str]:
    return [_text(v) for v in column]


def _number(value: object) -> float | str | None:
    """A float; None when blank; or, for text that is not a number, the problem in words."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) and pd.isna(value):  # type: ignore[call-overload]
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return f"'{value}' is not a number"
    return None if math.isnan(number) else number


def _share(value: object) -> float | str:
    share = _number(value)
    if share is None:
        return "is empty; give a share between 0 and 1"
    if isinstance(share, str):
        return share
    if not 0 <= share <= 1:
        return f"{share:g} is outside 0–1 (a share of the customers: 0.35 is 35 %)"
    return share


def _rows(frame: pd.DataFrame, *text_columns: str) -> list[tuple[Any, ...]]:
    """(text, …, share) per row: the text cells stripped, the Share cell as typed."""
    texts = [_texts(frame[c]) for c in text_columns]
    return [(*values, share) for *values, share in zip(*texts, frame[SHARE], strict=True)]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {c: (v if c in (ORDER, IMPORTANCE) else _text(v)) for c, v in row.items()}
        for row in frame.to_dict("records")
    ]


def _same(a: object, b: object) -> bool:
    a_number, b_number = _number(a), _number(b)
    if isinstance(a_number, float) and isinstance(b_number, float):
        return math.isclose(a_number, b_number, rel_tol=1e-12, abs_tol=1e-12)
    return _text(a) == _text(b)


def _cell(table: str, row: int, column: str, message: str) -> Problem:
    return Problem(f"{table}, row {row}, {column}", message)


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _share_suffix(share: object) -> str:
    return f" ({share_label(share)})" if isinstance(_number(share), float) else ""
