"""Where the flow chart's touchpoints stand (columns in stages, stacks in lanes) and how big."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from journeymap.charts.blueprint import equal_runs
from journeymap.charts.labels import Canvas
from journeymap.charts.style import LANE_ORDER
from journeymap.model import Journey

#: The narrowest column worth drawing (pixels), how much of a lane stacked touchpoints may
#: fill, and how many may stack in one place before a stage is packed into fewer columns.
FLOW_MIN_COLUMN = 36
FLOW_STACK = 0.6
FLOW_MAX_STACK = 4
FLOW_LABEL_WIDTH = 110  # narrower than elsewhere: columns are close together
FLOW_EDGE = FLOW_LABEL_WIDTH // 2 + 4  # pixels beside the first and last columns: half a name
FLOW_TRACK = 0.2  # lane heights between the tracks of ways back


@dataclass(frozen=True)
class FlowGrid:
    """Where the flow chart's touchpoints stand: column and height (lanes at 0, −1, −2, −3),
    whether their stage was packed rather than ordered, and the tallest stack in one cell."""

    column: np.ndarray
    y: np.ndarray
    stage: np.ndarray
    packed: np.ndarray
    stacked: int

    def way_back(self, a: int, b: int) -> bool:
        """True for a transition that runs against the journey (a loop such as reorder →
        menu). Within a packed stage columns say nothing about order: no way back there."""
        if a == b:
            return True
        if self.column[b] >= self.column[a]:
            return False
        return not (self.stage[a] == self.stage[b] and self.packed[a])


def flow_positions(journey: Journey, table: pd.DataFrame, width: float) -> FlowGrid:
    """Within a stage a touchpoint stands one column right of those that lead to it, so
    parallel ones (an ad and a catalogue) share a column and stack in their lane. A stage whose
    stacks would grow taller than FLOW_MAX_STACK, or a journey that needs more columns than
    `width` has room for, packs each lane into as few columns as the stacks allow instead, in
    journey order."""
    n = len(table)
    stages, lanes = table["stage"].tolist(), table["lane"].tolist()
    index = {tp: i for i, tp in enumerate(table["touchpoint"])}
    before: dict[int, list[int]] = defaultdict(list)
    for transition in journey.transitions:
        a, b = index[transition.source], index[transition.target]
        if a != b and stages[a] == stages[b]:
            before[b].append(a)
    runs = equal_runs(stages)
    column = np.zeros(n, dtype=int)
    packed = np.zeros(n, dtype=bool)
    start = 0
    for first, last in runs:
        column[first:last] = start + _ordered_columns(range(first, last), before)
        if max(_stack_heights(column[first:last], lanes[first:last]).values()) > FLOW_MAX_STACK:
            column[first:last] = start + _packed(lanes[first:last], FLOW_MAX_STACK)
            packed[first:last] = True
        start = int(column[first:last].max()) + 1
    if start * FLOW_MIN_COLUMN > width:
        packed[:] = True
        for stack in range(2, FLOW_MAX_STACK + 1):
            start = 0
            for first, last in runs:
                column[first:last] = start + _packed(lanes[first:last], stack)
                start = int(column[first:last].max()) + 1
            if start * FLOW_MIN_COLUMN <= width:
                break
    lane_y = {lane: -i for i, lane in enumerate(LANE_ORDER)}
    y = np.array([float(lane_y[lane]) for lane in lanes])
    cells: dict[tuple[int, object], list[int]] = defaultdict(list)
    for i in range(n):
        cells[(column[i], lanes[i])].append(i)
    for members in cells.values():
        if len(members) > 1:
            y[members] += FLOW_STACK / 2 - FLOW_STACK * np.arange(len(members)) / (len(members) - 1)
    tallest = max((len(m) for m in cells.values()), default=1)
    stage = np.repeat(np.arange(len(runs)), [last - first for first, last in runs])
    return FlowGrid(column.astype(float), y, stage, packed, tallest)


def _ordered_columns(members: range, before: dict[int, list[int]]) -> np.ndarray:
    """Columns (from 0) for one stage: each touchpoint right of those that lead to it within
    the stage, taken in file order as soon as they are free; a loop is cut at its touchpoint
    that comes first in the file (the transition that closes it becomes a way back)."""
    inside = set(members)
    column: dict[int, int] = {}
    remaining = sorted(inside)
    while remaining:
        ready = [i for i in remaining if all(u in column for u in before[i] if u in inside)]
        i = ready[0] if ready else remaining[0]
        column[i] = max([0] + [column[u] + 1 for u in before[i] if u in column])
        remaining.remove(i)
    return np.array([column[i] for i in members], dtype=int)


def _stack_heights(columns: np.ndarray, lanes: list[object]) -> dict[tuple[int, object], int]:
    heights: dict[tuple[int, object], int] = defaultdict(int)
    for c, lane in zip(columns, lanes, strict=True):
        heights[(int(c), lane)] += 1
    return heights or {(0, None): 0}


def _packed(lanes: list[object], stack: int) -> np.ndarray:
    """Columns (from 0) for one stage's touchpoints: each lane spread evenly over as many
    columns as its longest lane needs in stacks of `stack`, in journey order."""
    members: dict[object, list[int]] = defaultdict(list)
    for i, lane in enumerate(lanes):
        members[lane].append(i)
    width = max(1, math.ceil(max(len(m) for m in members.values()) / stack))
    column = np.zeros(len(lanes), dtype=int)
    for group in members.values():
        for j, i in enumerate(group):
            column[i] = j * width // len(group)
    return column


def flow_canvas(column: np.ndarray, plot: tuple[float, float], *, above: int, below: int) -> Canvas:
    """The flow's plot area: room for half a name beside the first and last columns, and a
    track above (below) the lanes for each way back, up to three."""
    columns = int(column.max()) + 1 if len(column) else 1
    # pad · column width = FLOW_EDGE pixels, where column width = plot / (columns − 1 + 2 pad)
    pad = max(0.6, FLOW_EDGE * (columns - 1) / max(plot[0] - 2 * FLOW_EDGE, 1.0))
    top = 0.5 + (FLOW_TRACK * (min(above, 3) + 0.5) if above else 0.0)
    bottom = -3.5 - (FLOW_TRACK * (min(below, 3) + 0.5) if below else 0.0)
    return Canvas(plot[0], plot[1], (-pad, columns - 1 + pad), (bottom, top))


def node_sizes(visits: np.ndarray, canvas: Canvas, stacked: int) -> tuple[np.ndarray, float, float]:
    """Circle diameters (pixels) growing with the square root of the visits, so that area
    tells the visits; the biggest leaves room between neighbours for names and between
    stacked touchpoints. Also the smallest and biggest diameter."""
    column = canvas.width / (canvas.x_range[1] - canvas.x_range[0])
    lane = canvas.height / (canvas.y_range[1] - canvas.y_range[0])
    biggest = min(44.0, 0.62 * column, 0.45 * lane)
    if stacked > 1:
        biggest = min(biggest, 0.85 * lane * FLOW_STACK / (stacked - 1))
    smallest = min(14.0, biggest)
    share = np.sqrt(visits / max(float(visits.max(initial=0.0)), 1e-9))
    return smallest + (biggest - smallest) * share, smallest, biggest


def way_up(a: int, b: int, grid: FlowGrid) -> bool:
    """Whether the way back from `a` to `b` runs above the lanes: from the upper two lanes it
    does, unless a touchpoint stands above either end in its column and none below."""

    def clear(i: int, up: bool) -> bool:
        same = grid.column == grid.column[i]
        return not np.any(same & ((grid.y > grid.y[i]) if up else (grid.y < grid.y[i])))

    preferred = (grid.y[a] + grid.y[b]) / 2 >= -1.5
    for up in (preferred, not preferred):
        if clear(a, up) and clear(b, up):
            return up
    return preferred
