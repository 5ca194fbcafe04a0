"""Where a point's label goes so that labels cover neither each other nor the points.

A greedy choice among right, left, above and below, like a person labelling a scatter plot by
hand: the most crowded points choose first. Geometry is in inches on the slide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

POSITIONS = ("right", "left", "above", "below")


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    width: float
    height: float

    def overlap(self, other: Rect) -> float:
        """Area shared with `other`."""
        dx = min(self.left + self.width, other.left + other.width) - max(self.left, other.left)
        dy = min(self.top + self.height, other.top + other.height) - max(self.top, other.top)
        return max(dx, 0.0) * max(dy, 0.0)

    def outside(self, bounds: Rect) -> float:
        """Area that lies outside `bounds`."""
        return self.width * self.height - self.overlap(bounds)


def label_rect(
    point: tuple[float, float], size: tuple[float, float], position: str, *, offset: float
) -> Rect:
    """The box a label of `size` (width, height) takes at `position` next to `point`."""
    (x, y), (w, h) = point, size
    if position == "right":
        return Rect(x + offset, y - h / 2, w, h)
    if position == "left":
        return Rect(x - offset - w, y - h / 2, w, h)
    if position == "above":
        return Rect(x - w / 2, y - offset - h, w, h)
    if position == "below":
        return Rect(x - w / 2, y + offset, w, h)
    raise ValueError(f"unknown label position {position!r}; expected one of {POSITIONS}")


def place_labels(
    points: Sequence[tuple[float, float]],
    sizes: Sequence[tuple[float, float]],
    *,
    bounds: Rect,
    marker: float = 0.17,
    offset: float = 0.12,
    fixed: Sequence[Rect] = (),
) -> list[str]:
    """One of POSITIONS per point, chosen to minimise overlap with markers, earlier labels,
    `fixed` boxes (captions) and the area outside `bounds`."""
    if len(points) != len(sizes):
        raise ValueError("need one label size per point")
    markers = [Rect(x - marker / 2, y - marker / 2, marker, marker) for x, y in points]
    taken: list[Rect] = list(fixed)
    chosen: list[str] = [POSITIONS[0]] * len(points)
    for i in _most_crowded_first(points):
        best, best_cost = POSITIONS[0], float("inf")
        for rank, position in enumerate(POSITIONS):
            rect = label_rect(points[i], sizes[i], position, offset=offset)
            cost = (
                sum(rect.overlap(other) for other in taken)
                + sum(rect.overlap(m) for j, m in enumerate(markers) if j != i)
                + 2 * rect.outside(bounds)
                + rank * 1e-4  # ties: prefer the reading order right, left, above, below
            )
            if cost < best_cost:
                best, best_cost = position, cost
        chosen[i] = best
        taken.append(label_rect(points[i], sizes[i], best, offset=offset))
    return chosen


def _most_crowded_first(points: Sequence[tuple[float, float]], radius: float = 1.0) -> list[int]:
    def neighbours(i: int) -> int:
        xi, yi = points[i]
        return sum((x - xi) ** 2 + (y - yi) ** 2 < radius**2 for x, y in points) - 1

    return sorted(range(len(points)), key=lambda i: -neighbours(i))
