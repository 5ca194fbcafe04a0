"""Scatter labels: placed so they cover neither each other nor the other points."""

from __future__ import annotations

import itertools

import pytest

from journeymap.label_placement import POSITIONS, Rect, label_rect, place_labels

BOUNDS = Rect(0, 0, 8, 5)
SIZE = (1.2, 0.25)


def rects(points, positions):
    return [label_rect(p, SIZE, pos, offset=0.12) for p, pos in zip(points, positions, strict=True)]


def overlaps(boxes):
    return sum(a.overlap(b) for a, b in itertools.combinations(boxes, 2))


def test_overlap_is_the_shared_area():
    assert Rect(0, 0, 2, 2).overlap(Rect(1, 1, 2, 2)) == 1.0
    assert Rect(0, 0, 1, 1).overlap(Rect(2, 2, 1, 1)) == 0.0
    assert Rect(-1, 0, 2, 1).outside(Rect(0, 0, 5, 5)) == 1.0


def test_labels_of_a_tight_cluster_go_to_different_sides():
    cluster = [(4.0, 2.5), (4.0, 2.35), (4.0, 2.65)]
    naive = rects(cluster, ["right"] * 3)
    assert overlaps(naive) > 0  # the problem the placement solves
    placed = rects(cluster, place_labels(cluster, [SIZE] * 3, bounds=BOUNDS))
    assert overlaps(placed) == pytest.approx(0.0)


def test_labels_stay_inside_the_plot():
    corners = [(7.5, 4.6), (0.5, 0.4), (7.5, 0.4), (0.5, 4.6)]  # near the edges
    placed = rects(corners, place_labels(corners, [SIZE] * 4, bounds=BOUNDS))
    assert sum(r.outside(BOUNDS) for r in placed) == pytest.approx(0.0)


def test_labels_avoid_fixed_captions():
    caption = Rect(4.1, 2.35, 1.5, 0.3)  # right of the point
    (position,) = place_labels([(4.0, 2.5)], [SIZE], bounds=BOUNDS, fixed=[caption])
    assert position != "right"
    assert label_rect((4.0, 2.5), SIZE, position, offset=0.12).overlap(caption) == 0


def test_labels_that_cannot_be_placed_clear_of_others_are_left_out():
    pile = [(4.0, 2.5)] * 6  # six touchpoints with the same figures
    positions = place_labels(pile, [SIZE] * 6, bounds=BOUNDS)
    kept = [(p, pos) for p, pos in zip(pile, positions, strict=True) if pos is not None]
    assert 0 < len(kept) < 6
    boxes = rects([p for p, _ in kept], [pos for _, pos in kept])
    for box in boxes:  # each kept label is clear of the others but for a sliver
        assert sum(box.overlap(other) for other in boxes if other is not box) <= 0.01


def test_every_position_is_one_renderers_know():
    assert set(place_labels([(1, 1), (1.1, 1)], [SIZE] * 2, bounds=BOUNDS)) <= set(POSITIONS)
    with pytest.raises(ValueError, match="one label size per point"):
        place_labels([(1, 1)], [], bounds=BOUNDS)
