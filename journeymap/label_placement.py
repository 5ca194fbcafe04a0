"""Where a point's label goes so that labels cover neither each other nor the points.

A greedy choice among right, left, above and below, like a person labelling a scatter plot by
hand: the most crowded points choose first, then each label moves while moving helps. Geometry
is in inches on the slide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

POSITIONS = ("right", "left", "above", "below")
MAX_PASSES = 5


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
    max_overlap: float = 0.01,
) -> list[str | None]:
    """One of POSITIONS per point, chosen to minimise overlap with other labels, markers,
    `fixed` boxes (captions) and the area outside `bounds`; None for a label that would still
    cover more than `max_overlap` square inches (a cartographer leaves such a label out)."""
    if len(points) != len(sizes):
        raise ValueError("need one label size per point")
    markers = [Rect(x - marker / 2, y - marker / 2, marker, marker) for x, y in points]

    def cost(i: int, position: str, labels: dict[int, Rect]) -> float:
        rect = label_rect(points[i], sizes[i], position, offset=offset)
        return (
            sum(rect.overlap(other) for j, other in labels.items() if j != i)
            + sum(rect.overlap(box) for box in fixed)
            + sum(rect.overlap(m) for j, m in enumerate(markers) if j != i)
            + 2 * rect.outside(bounds)
            + POSITIONS.index(position) * 1e-4  # ties: prefer right, left, above, below
        )

    def best(i: int, labels: dict[int, Rect]) -> str:
        return min(POSITIONS, key=lambda position: cost(i, position, labels))

    chosen: dict[int, str] = {}
    labels: dict[int, Rect] = {}
    for i in _most_crowded_first(points):
        chosen[i] = best(i, labels)
        labels[i] = label_rect(points[i], sizes[i], chosen[i], offset=offset)
    # Greedy choices can block a later label; let each label move while that helps.
    for _ in range(MAX_PASSES):
        moved = False
        for i in range(len(points)):
            better = best(i, labels)
            if cost(i, better, labels) < cost(i, chosen[i], labels) - 1e-9:
                chosen[i], moved = better, True
                labels[i] = label_rect(points[i], sizes[i], better, offset=offset)
        if not moved:
            break
    # Leave out the worst clashes one at a time, so the labels they crowded can stay.
    while labels:
        worst = max(labels, key=lambda i: cost(i, chosen[i], labels))
        if cost(worst, chosen[worst], labels) <= max_overlap:
            break
        del labels[worst]
    return [chosen[i] if i in labels else None for i in range(len(points))]


def _most_crowded_first(points: Sequence[tuple[float, float]], radius: float = 1.0) -> list[int]:
    def neighbours(i: int) -> int:
        xi, yi = points[i]
        return sum((x - xi) ** 2 + (y - yi) ** 2 < radius**2 for x, y in points) - 1

    return sorted(range(len(points)), key=lambda i: -neighbours(i))
