"""Edits made on the journey editor's graph, read back as changes to its tables."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from journeymap.edit_cells import (
    FROM,
    ID,
    NAME,
    SHARE,
    TO,
    TRANSITION_COLUMNS,
    cell_number,
    cell_texts,
    numbered,
    rows_where,
    share_rows,
    table_frame,
)
from journeymap.editing import JourneyTables, touchpoint_names


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
    names = {tp: name for tp, name in touchpoint_names(tables).items() if tp}
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
        for source, target, share in share_rows(tables.transitions, FROM, TO)
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
    ids = cell_texts(touchpoints[ID])
    for tp, name in edits.renamed.items():
        if tp in ids:
            touchpoints.iloc[ids.index(tp), touchpoints.columns.get_loc(NAME)] = name
    touchpoints = rows_where(touchpoints, [tp not in edits.deleted for tp in ids])

    transitions = tables.transitions.copy()
    edges = [(s, t) for s, t, _ in share_rows(transitions, FROM, TO)]
    for edge, share in edits.reshared.items():
        if edge in edges:
            transitions.iloc[edges.index(edge), transitions.columns.get_loc(SHARE)] = share
    keep = [edge not in edits.disconnected for edge in edges]
    leaving: dict[str, float] = defaultdict(float)
    for (source, _), share, kept in zip(edges, transitions[SHARE], keep, strict=True):
        number = cell_number(share)
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
    new_rows = table_frame(
        TRANSITION_COLUMNS,
        {FROM: [a[0] for a in added], TO: [a[1] for a in added], SHARE: [a[2] for a in added]},
    )
    kept = rows_where(transitions, keep)
    transitions = pd.concat([kept, new_rows]) if added else kept
    return replace(tables, touchpoints=numbered(touchpoints), transitions=numbered(transitions))


def share_label(share: object) -> str:
    """0.35 -> '35 %', as the graph labels a transition."""
    number = cell_number(share)
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
