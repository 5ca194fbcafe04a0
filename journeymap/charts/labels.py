"""Names beside their points, placed in pixels where they cover no point, name or caption."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from journeymap.charts.style import EXPECTED, INK
from journeymap.charts.text import LINE_HEIGHT, LINE_PITCH, plain, text_px

#: Point labels: font size, the widest a line may be before it wraps, and their backing.
LABEL_SIZE = 14
LABEL_WIDTH = 130
LABEL_BACKING = "rgba(255, 255, 255, 0.8)"
#: Names: padding inside their box (pixels); by how many pixels a name must be nearer to its
#: own point than to any other, and beyond which distance no point is near; how many times
#: placed names may move to make room for one left out.
LABEL_PAD = 2
NEARER = 6
NEAR_ENOUGH = 60
REPAIRS = 60


@dataclass(frozen=True)
class Canvas:
    """The plot area in pixels (y downwards) and the data ranges it shows."""

    width: float
    height: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def px(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return np.column_stack(
            (
                (np.asarray(x) - x0) / (x1 - x0) * self.width,
                (y1 - np.asarray(y)) / (y1 - y0) * self.height,
            )
        )


# Spots for a name next to its point: the annotation's anchors, the direction it moves (x
# right, y up, as plotly's shifts; the diagonal ones sit off the marker's corner) and how far
# it slides sideways, as a share of its width (still under or over its point).
_SPOTS = {
    "right": ("left", "middle", 1.0, 0.0, 0.0),
    "left": ("right", "middle", -1.0, 0.0, 0.0),
    "above": ("center", "bottom", 0.0, 1.0, 0.0),
    "below": ("center", "top", 0.0, -1.0, 0.0),
    "above right": ("left", "bottom", 0.7, 0.7, 0.0),
    "above left": ("right", "bottom", -0.7, 0.7, 0.0),
    "below right": ("left", "top", 0.7, -0.7, 0.0),
    "below left": ("right", "top", -0.7, -0.7, 0.0),
    "below, slid right": ("center", "top", 0.0, -1.0, 0.3),
    "below, slid left": ("center", "top", 0.0, -1.0, -0.3),
    "above, slid right": ("center", "bottom", 0.0, 1.0, 0.3),
    "above, slid left": ("center", "bottom", 0.0, 1.0, -0.3),
}
_SPOT_LEFT = {"left": 0.0, "center": -0.5, "right": -1.0}
_SPOT_TOP = {"top": 0.0, "middle": -0.5, "bottom": -1.0}


@dataclass(frozen=True)
class Placed:
    """Where a name went: its spot, the annotation shift (pixels, y up), the box it covers
    (pixels, y down) and whether it stands apart with a leader line to its point."""

    spot: str
    shift: tuple[float, float]
    box: tuple[float, float, float, float]
    leader: bool = False


def _spot_box(
    centre: np.ndarray, size: tuple[float, float], spot: str, distance: float
) -> tuple[tuple[float, float, float, float], tuple[float, float]]:
    """The box (left, top, right, bottom; pixels, y down) a name of `size` takes at `spot`, and
    the annotation shift that puts it there."""
    xanchor, yanchor, dx, dy, slide = _SPOTS[spot]
    w, h = size
    shift = (dx * distance + slide * w, dy * distance)
    x, y = centre[0] + shift[0], centre[1] - shift[1]
    left, top = x + _SPOT_LEFT[xanchor] * w, y + _SPOT_TOP[yanchor] * h
    return (left, top, left + w, top + h), shift


def place_labels(
    centres: np.ndarray,
    radii: np.ndarray,
    sizes: Mapping[int, tuple[float, float]],
    order: Sequence[int],
    *,
    bounds: tuple[float, float, float, float],
    spots: Sequence[str],
    leader_distance: float | None = None,
    obstacles: Sequence[Sequence[float]] = (),
    segments: np.ndarray | None = None,
    gap: float = 3.0,
) -> dict[int, Placed]:
    """Greedy, as a person labels a map: in `order`, each name takes the first of `spots` where
    it stays inside `bounds` and covers no marker, no name placed before it and no obstacle
    box. Segments (arrows) are avoided where possible: a name that cannot miss them all takes
    the spot crossing the fewest. With `leader_distance`, a name with no free spot next to its
    point may stand that many pixels further out, joined to it by a line. A name left without
    a spot may then take one that a single placed name blocks, if that name can move; one that
    still finds none is left out (the hover still has it)."""
    markers = np.column_stack([centres - radii[:, None], centres + radii[:, None]])
    boxes = np.asarray(obstacles, float).reshape(-1, 4)
    lines = np.empty((0, 4)) if segments is None else np.asarray(segments, float).reshape(-1, 4)
    rings = [0.0] if leader_distance is None else [0.0, leader_distance]
    cache: dict[int, tuple[list[Placed], np.ndarray, np.ndarray]] = {}

    def options(i: int) -> tuple[list[Placed], np.ndarray, np.ndarray]:
        """Every spot of name `i`, whether it is free of all but other names, and how many
        arrows it crosses."""
        if i not in cache:
            candidates = []
            for ring in rings:
                for spot in spots:
                    box, shift = _spot_box(centres[i], sizes[i], spot, radii[i] + gap + ring)
                    candidates.append(Placed(spot, shift, box, leader=ring > 0))
            box = np.array([c.box for c in candidates])
            free = (
                (box[:, 0] >= bounds[0]) & (box[:, 1] >= bounds[1])
                & (box[:, 2] <= bounds[2]) & (box[:, 3] <= bounds[3])
            )  # fmt: skip
            # Only what lies near the spots can get in their way (a point further off than
            # NEAR_ENOUGH is never the nearer one either).
            reach = box.min(axis=0)[:2] - NEAR_ENOUGH, box.max(axis=0)[2:] + NEAR_ENOUGH
            near = _overlapping(np.array([[*reach[0], *reach[1]]]), markers)[0]
            near[i] = True
            local = int(np.count_nonzero(near[:i]))
            hits = _overlapping(box, markers[near])
            hits[:, local] = False
            free &= ~hits.any(axis=1) & ~_overlapping(box, boxes).any(axis=1)
            # A name beside its point must clearly be its point's and no other's: nearer to
            # its rim, or with its middle nearer to its centre, than to any other point's (or
            # else stand apart with a leader line that says whose it is).
            beside = np.array([not c.leader for c in candidates])
            free &= ~beside | _clearly_own(box, centres[near], radii[near], local)
            cache[i] = (candidates, free, _crossing(box, lines).sum(axis=1))
        return cache[i]

    def blockers(i: int, placed: dict[int, Placed]) -> tuple[list[Placed], np.ndarray, list]:
        candidates, free, _ = options(i)
        others = list(placed)
        if not others:
            return candidates, np.zeros((len(candidates), 0), dtype=bool), others
        taken = np.array([placed[j].box for j in others])
        return candidates, _overlapping(np.array([c.box for c in candidates]), taken), others

    def best(i: int, placed: dict[int, Placed]) -> Placed | None:
        candidates, free, crossings = options(i)
        _, blocked, _ = blockers(i, placed)
        ok = free & ~blocked.any(axis=1)
        if not ok.any():
            return None
        return candidates[int(np.argmin(np.where(ok, crossings, np.iinfo(np.int64).max)))]

    placed: dict[int, Placed] = {}
    left_out = []
    for i in map(int, order):
        choice = best(i, placed)
        if choice is None:
            left_out.append(i)
        else:
            placed[i] = choice
    budget = REPAIRS
    for i in left_out:
        candidates, free, _ = options(i)
        _, blocked, others = blockers(i, placed)
        for k in np.flatnonzero(free & (blocked.sum(axis=1) == 1)):
            if budget == 0:
                return placed
            budget -= 1
            j = others[int(np.argmax(blocked[k]))]
            trial = {n: p for n, p in placed.items() if n != j}
            trial[i] = candidates[k]
            moved = best(j, trial)
            if moved is not None:
                placed = {**trial, j: moved}
                break
    return placed


def _overlapping(boxes: np.ndarray, others: np.ndarray, tolerance: float = 0.5) -> np.ndarray:
    """(boxes × others) True where two boxes share more than a hairline."""
    a, b = boxes[:, None, :], others[None, :, :]
    return (
        (a[..., 0] < b[..., 2] - tolerance) & (a[..., 2] > b[..., 0] + tolerance)
        & (a[..., 1] < b[..., 3] - tolerance) & (a[..., 3] > b[..., 1] + tolerance)
    )  # fmt: skip


def _clearly_own(boxes: np.ndarray, centres: np.ndarray, radii: np.ndarray, i: int) -> np.ndarray:
    """For each box around point `i`: whether it is nearer (by NEARER pixels) to `i`'s rim than
    to any other point's, or has its middle nearer to `i`'s centre than to any other."""
    if len(centres) < 2:
        return np.ones(len(boxes), dtype=bool)
    rim = _distance(boxes, centres) - radii
    middles = np.column_stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2])
    middle = np.hypot(*(middles[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    others = np.arange(len(centres)) != i
    return (rim[:, others].min(axis=1) > rim[:, i] + NEARER) | (
        middle[:, others].min(axis=1) > middle[:, i] + NEARER
    )


def _distance(boxes: np.ndarray, points: np.ndarray) -> np.ndarray:
    """(boxes × points) distance from each box's nearest edge to each point (0 inside)."""
    x, y = points[None, :, 0], points[None, :, 1]
    dx = np.maximum(np.maximum(boxes[:, None, 0] - x, x - boxes[:, None, 2]), 0.0)
    dy = np.maximum(np.maximum(boxes[:, None, 1] - y, y - boxes[:, None, 3]), 0.0)
    return np.hypot(dx, dy)


def _crossing(boxes: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """(boxes × segments) True where a segment passes through a box: their bounding boxes
    overlap and the box's corners do not all lie on one side of the segment's line."""
    a, s = boxes[:, None, :], segments[None, :, :]
    x0, y0, x1, y1 = s[..., 0], s[..., 1], s[..., 2], s[..., 3]
    near = (
        (np.minimum(x0, x1) < a[..., 2]) & (np.maximum(x0, x1) > a[..., 0])
        & (np.minimum(y0, y1) < a[..., 3]) & (np.maximum(y0, y1) > a[..., 1])
    )  # fmt: skip
    sides = [
        (x1 - x0) * (a[..., cy] - y0) - (y1 - y0) * (a[..., cx] - x0)
        for cx, cy in ((0, 1), (2, 1), (0, 3), (2, 3))
    ]
    one_side = np.all([side > 0 for side in sides], axis=0) | np.all(
        [side < 0 for side in sides], axis=0
    )
    return near & ~one_side


def label_size(lines: list[str], size: float = LABEL_SIZE) -> tuple[float, float]:
    """Width and height in pixels of an annotation box holding `lines`."""
    width = max((text_px(line, size) for line in lines), default=0.0)
    height = size * (LINE_HEIGHT + LINE_PITCH * (len(lines) - 1))
    return width + 2 * LABEL_PAD + 2, height + 2 * LABEL_PAD


def label_annotation(
    x: float, y: float, lines: list[str], placed: Placed, centre: np.ndarray, radius: float
) -> dict[str, Any]:
    """The annotation that shows a placed name; `centre` is its point in pixels."""
    xanchor, yanchor, *_ = _SPOTS[placed.spot]
    annotation = {
        "x": x, "y": y, "xref": "x", "yref": "y", "showarrow": False,
        "text": "<br>".join(plain(line) for line in lines),
        "xanchor": xanchor, "yanchor": yanchor, "xshift": placed.shift[0],
        "yshift": placed.shift[1], "align": xanchor if xanchor != "center" else "center",
        "font": {"size": LABEL_SIZE, "color": INK}, "bgcolor": LABEL_BACKING,
        "borderpad": LABEL_PAD,
    }  # fmt: skip
    if placed.leader:
        # A leader line from the box to the point: plotly centres the box on (ax, ay) pixels
        # from the point (y down) and draws the line from the box's edge.
        left, top, right, bottom = placed.box
        annotation.update(
            showarrow=True, xanchor="auto", yanchor="auto", xshift=0, yshift=0,
            ax=(left + right) / 2 - centre[0], ay=(top + bottom) / 2 - centre[1],
            axref="pixel", ayref="pixel", arrowhead=0, arrowwidth=1, arrowcolor=EXPECTED,
            standoff=radius + 1,
        )  # fmt: skip
    return annotation
