"""Chart builders: the figures carry the gap table's numbers, show user text as text, and stay
legible: names clear of each other, of the points and of the captions, with 6 or 200 touchpoints.

Label boxes are recomputed here from the figures' annotations (anchor, shift, text) with the
same text measure the charts use (DejaVu Sans advance widths), in the pixels of the smallest size
each chart is laid out for.
"""

from __future__ import annotations

import html
import itertools
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from journeymap import charts
from journeymap.gaps import gap_table
from journeymap.graph import flow_table
from journeymap.journey_file import load_journey, parse_journey
from journeymap.ratings import read_ratings
from journeymap.textfit import POINTS_PER_INCH, text_width

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_journeys").glob("*.json"))


@pytest.fixture
def journey():
    return parse_journey(
        {
            "name": "Tiny <b>shop</b>",
            "stages": ["Visit", "Pay"],
            "touchpoints": [
                {
                    "id": "door",
                    "name": "<script>alert(1)</script>",
                    "stage": "Visit",
                    "lane": "customer",
                },
                {"id": "till", "name": '=HYPERLINK("x")', "stage": "Pay"},
                {"id": "bag", "name": "Bag", "stage": "Pay", "lane": "backstage"},
            ],
            "transitions": [
                {"from": "door", "to": "till", "share": 0.8},
                {"from": "till", "to": "bag"},
            ],
        }
    )


@pytest.fixture
def gaps():
    return pd.DataFrame(
        {
            "touchpoint": ["door", "till", "bag"],
            "expected_mean": [5.0, 6.0, np.nan],
            "experienced_mean": [6.0, 4.0, np.nan],
            "gap_mean": [1.0, -2.0, np.nan],
            "gap_ci_low": [0.5, -2.5, np.nan],
            "gap_ci_high": [1.5, -1.2, np.nan],
            "importance": [3.0, 5.0, np.nan],
        }
    )


def test_the_charts_public_api_is_exactly_the_sorted_all():
    public = {
        name
        for name in dir(charts)
        if not name.startswith("_") and not isinstance(getattr(charts, name), types.ModuleType)
    }
    assert charts.__all__ == sorted(charts.__all__)
    assert public == set(charts.__all__)


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_journey_map_plots_expected_and_experienced_in_journey_order(journey, gaps):
    fig = charts.journey_map_chart(journey, gaps)
    assert list(trace(fig, "Expected").y[:2]) == [5.0, 6.0]
    assert list(trace(fig, "Experienced").y[:2]) == [6.0, 4.0]
    assert np.isnan(trace(fig, "Experienced").y[2])


def test_journey_map_shades_shortfall_red_and_excess_green_split_at_the_crossing(journey, gaps):
    fig = charts.journey_map_chart(journey, gaps)
    green, red = trace(fig, "Exceeds expectation"), trace(fig, "Falls short")
    # Lines cross where 6 - 5 + t((4 - 6) - (6 - 5)) = 0, i.e. t = 1/3, at height 5 + 1/3.
    assert list(green.x) == pytest.approx([0, 1 / 3, 1, 2])
    assert green.y[1] == pytest.approx(5 + 1 / 3) and green.y[0] == 6.0 and green.y[2] == 6.0
    assert red.y[0] == 5.0 and red.y[2] == 4.0
    assert "198, 46, 58" in red.fillcolor and "35, 137, 79" in green.fillcolor


def test_gap_bars_are_sorted_worst_first_with_their_intervals(gaps):
    bar = charts.gap_bar_chart(gaps).data[0]
    # Plotly draws the first category at the bottom: the worst gap ends up on top.
    assert list(bar.x) == [1.0, -2.0]
    assert list(bar.marker.color) == [charts.EXCEED, charts.SHORTFALL]
    assert list(bar.error_x.arrayminus) == pytest.approx([0.5, 0.5])
    assert list(bar.error_x.array) == pytest.approx([0.5, 0.8])


def test_quadrant_cross_hairs_sit_at_the_means(gaps):
    fig = charts.quadrant_chart(gaps)
    vertical = [s for s in fig.layout.shapes if s.x0 == s.x1]
    horizontal = [s for s in fig.layout.shapes if s.y0 == s.y1]
    assert vertical[0].x0 == pytest.approx(5.0)  # mean performance of 6 and 4
    assert horizontal[0].y0 == pytest.approx(4.0)  # mean importance of 3 and 5
    texts = {a.text for a in fig.layout.annotations}
    assert "<b>Concentrate here</b>" in texts and "<b>Possible overkill</b>" in texts


def test_flow_sizes_nodes_by_visits_and_colours_by_gap(journey, gaps):
    flow = pd.DataFrame({"touchpoint": ["door", "till", "bag"], "visits": [1000.0, 800.0, 800.0]})
    nodes = charts.flow_chart(journey, flow, gaps).data[0]
    assert nodes.marker.size[0] > nodes.marker.size[1] == nodes.marker.size[2]
    assert list(nodes.marker.color) == [1.0, -2.0, 0.0]


def arrowheads(fig):
    """(x, y, standoff) of every arrowhead the flow chart draws."""
    return [
        (x, y, standoff)
        for trace in fig.data[1:]
        for x, y, size, standoff in zip(
            trace.x, trace.y, trace.marker.size, trace.marker.standoff, strict=True
        )
        if size
    ]


def test_flow_draws_one_arrow_per_transition_ending_on_the_targets_rim(journey, gaps):
    flow = pd.DataFrame({"touchpoint": ["door", "till", "bag"], "visits": [1000.0, 800.0, 0.0]})
    fig = charts.flow_chart(journey, flow, gaps)
    nodes = fig.data[0]
    heads = arrowheads(fig)
    assert len(heads) == len(journey.transitions)
    # door → till and till → bag: each head sits on its target, a radius (pixels) off centre.
    expected = sorted((nodes.x[t], nodes.y[t], nodes.marker.size[t] / 2 + 1) for t in (1, 2))
    np.testing.assert_allclose(sorted(heads), expected)


def test_user_text_is_escaped_everywhere(journey, gaps):
    labels = {tp.id: tp.name for tp in journey.touchpoints}
    flow = pd.DataFrame({"touchpoint": ["door"], "visits": [1.0]})
    figures = [
        charts.journey_map_chart(journey, gaps),
        charts.gap_bar_chart(gaps, labels=labels),
        charts.quadrant_chart(gaps, labels=labels),
        charts.flow_chart(journey, flow, gaps),
    ]
    for fig in figures:
        text = fig.to_json()
        assert "<script>" not in text and "<b>shop" not in text
        assert "&lt;script&gt;" in text


# Legibility: geometry ------------------------------------------------------------------------


def sample(path: Path):
    journey = load_journey(path)
    ratings = read_ratings(path.with_suffix(".csv"), journey).frame
    return journey, gap_table(journey, ratings), flow_table(journey)


@pytest.fixture(scope="module", params=SAMPLES, ids=[p.stem for p in SAMPLES])
def sample_journey(request):
    return sample(request.param)


def synthetic(touchpoints: int, seed: int):
    """A seeded journey of 8 stages over the 4 lanes; each touchpoint leads to 1–3 of the next
    dozen; gaps, importance and performance drawn at random."""
    rng = np.random.default_rng(seed)
    stage = np.sort(np.r_[np.arange(8), rng.integers(0, 8, touchpoints - 8)])
    lanes = rng.choice(["customer", "frontstage", "backstage", "support"], touchpoints)
    points = [
        {"id": f"t{i}", "name": f"Touchpoint number {i} with a longish name", "lane": lane,
         "stage": f"Stage {s}"}
        for i, (s, lane) in enumerate(zip(stage, lanes, strict=True))
    ]  # fmt: skip
    transitions = []
    for i in range(touchpoints - 1):
        ahead = rng.choice(np.arange(i + 1, min(i + 13, touchpoints)), size=1 + (i % 3 == 0))
        for j in set(ahead.tolist()):
            transitions.append({"from": f"t{i}", "to": f"t{j}", "share": 0.4})
    journey = parse_journey({"name": "Synthetic", "stages": [f"Stage {s}" for s in range(8)],
                             "touchpoints": points, "transitions": transitions,
                             "entries": {"t0": 1.0}})  # fmt: skip
    gap = rng.normal(-0.3, 0.8, touchpoints)
    expected = rng.uniform(3, 6, touchpoints)
    gaps = pd.DataFrame({
        "touchpoint": [p["id"] for p in points], "expected_mean": expected,
        "experienced_mean": expected + gap, "gap_mean": gap, "gap_ci_low": gap - 0.3,
        "gap_ci_high": gap + 0.3, "importance": rng.uniform(1, 7, touchpoints),
    })  # fmt: skip
    return journey, gaps, flow_table(journey)


def plot_area(fig, width: float, margin: dict[str, int]) -> tuple[float, float]:
    return width - margin["l"] - margin["r"], fig.layout.height - margin["t"] - margin["b"]


def to_px(fig, x, y, area, *, xref="x", yref="y"):
    """Pixels in the plot area (y down) of data or paper coordinates."""
    if xref == "paper":
        px = x * area[0]
    else:
        x0, x1 = fig.layout.xaxis.range
        px = (np.asarray(x, float) - x0) / (x1 - x0) * area[0]
    if yref == "paper":
        py = (1 - y) * area[1]
    else:
        y0, y1 = fig.layout.yaxis.range
        py = (y1 - np.asarray(y, float)) / (y1 - y0) * area[1]
    return px, py


def box(annotation, fig, area) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in pixels of an annotation's text box."""
    text = annotation.text.replace("<b>", "").replace("</b>", "")
    lines = [html.unescape(line) for line in text.split("<br>")]
    size, pad = annotation.font.size, annotation.borderpad or 1
    bold = "<b>" in annotation.text
    w = max(text_width(line, size, bold=bold) for line in lines) * POINTS_PER_INCH + 2 * pad
    h = size * (1.17 + 1.3 * (len(lines) - 1)) + 2 * pad
    px, py = to_px(
        fig, annotation.x, annotation.y, area, xref=annotation.xref, yref=annotation.yref
    )
    if annotation.showarrow:  # a leader line: the box is centred (ax, ay) pixels off the point
        cx, cy = px + annotation.ax, py + annotation.ay
        return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    px, py = px + (annotation.xshift or 0), py - (annotation.yshift or 0)
    left = px - {"left": 0, "center": w / 2, "right": w}[annotation.xanchor]
    top = py - {"top": 0, "middle": h / 2, "bottom": h}[annotation.yanchor]
    return (left, top, left + w, top + h)


def overlap(a, b) -> bool:
    """Whether two boxes share more than a hairline."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


def circle_hits_box(centre, radius, b) -> bool:
    nearest = np.clip(centre[0], b[0], b[2]), np.clip(centre[1], b[1], b[3])
    return bool(np.hypot(centre[0] - nearest[0], centre[1] - nearest[1]) < radius - 0.5)


def point_labels(fig):
    return [a for a in fig.layout.annotations if a.xref == "x" and a.yref == "y" and a.text]


def quadrant_geometry(gaps, labels, width=charts.HALF_WIDTH):
    fig = charts.quadrant_chart(gaps, labels=labels, width=width)
    area = plot_area(fig, width, charts.MARGIN)
    points = fig.data[0]
    centres = np.column_stack(to_px(fig, points.x, points.y, area))
    names = [box(a, fig, area) for a in point_labels(fig)]
    captions = [box(a, fig, area) for a in fig.layout.annotations if a.xref == "paper"]
    return fig, area, centres, points.marker.size / 2, names, captions


# Quadrant ------------------------------------------------------------------------------------


def test_quadrant_names_every_sample_touchpoint_clear_of_points_names_and_captions(sample_journey):
    journey, gaps, _ = sample_journey
    labels = {tp.id: tp.name for tp in journey.touchpoints}
    fig, area, centres, radius, names, captions = quadrant_geometry(gaps, labels)
    assert len(names) == len(centres)  # the samples are small enough to name every point
    for a, b in itertools.combinations(names, 2):
        assert not overlap(a, b)
    for name, caption in itertools.product(names, captions):
        assert not overlap(name, caption)
    # Each name covers no point: its own sits beside it, every other is clear of it too.
    for name, centre in itertools.product(names, centres):
        assert not circle_hits_box(centre, radius, name)
    for left, top, right, bottom in names:
        assert left >= 0 and top >= 0 and right <= area[0] and bottom <= area[1]


def test_quadrant_points_keep_clear_of_the_corner_captions(sample_journey):
    journey, gaps, _ = sample_journey
    _, _, centres, radius, _, captions = quadrant_geometry(gaps, None)
    for centre, caption in itertools.product(centres, captions):
        assert not circle_hits_box(centre, radius + 2, caption)


def test_quadrant_names_stay_clear_at_a_bigger_export_size(sample_journey):
    journey, gaps, _ = sample_journey
    labels = {tp.id: tp.name for tp in journey.touchpoints}
    fig = charts.quadrant_chart(gaps, labels=labels)
    fig.update_layout(height=900)  # a 1600 × 900 slide image: the points move apart
    area = plot_area(fig, 1600, charts.MARGIN)
    names = [box(a, fig, area) for a in point_labels(fig)]
    for a, b in itertools.combinations(names, 2):
        assert not overlap(a, b)


def test_quadrant_of_many_touchpoints_names_the_most_urgent_and_says_how_many_are_left_out():
    journey, gaps, _ = synthetic(200, seed=3)
    fig, _, centres, radius, names, _ = quadrant_geometry(gaps, None)
    labelled = point_labels(fig)
    assert 0 < len(labelled) <= 20
    for a, b in itertools.combinations(names, 2):
        assert not overlap(a, b)
    # The most urgent shortfall (important and far short) is named first, so it always is.
    urgency = gaps["importance"] * (-gaps["gap_mean"]).clip(lower=0)
    worst = gaps.loc[urgency.idxmax()]
    assert any(a.x == worst["experienced_mean"] and a.y == worst["importance"] for a in labelled)
    assert f"Names of {200 - len(labelled)} of 200 touchpoints left out" in (
        fig.layout.xaxis.title.text
    )


def test_quadrant_wraps_long_names_onto_two_lines_and_keeps_the_whole_name_in_the_hover():
    gaps = pd.DataFrame({
        "touchpoint": ["a", "b"], "experienced_mean": [4.0, 5.0], "importance": [3.0, 5.0],
        "gap_mean": [-1.0, 0.5],
    })  # fmt: skip
    long = "Security check at the exit where the guard looks into every single bag"
    fig = charts.quadrant_chart(gaps, labels={"a": long, "b": "Parking"})
    text = next(a.text for a in point_labels(fig) if a.x == 4.0)
    first, second = text.split("<br>")
    assert long.startswith(first) and second.endswith("…")
    assert long in fig.data[0].customdata


# Flow ----------------------------------------------------------------------------------------


def flow_geometry(journey, flow, gaps, width=charts.FULL_WIDTH):
    fig = charts.flow_chart(journey, flow, gaps, width=width)
    area = plot_area(fig, width, charts.FLOW_MARGIN)
    nodes = fig.data[0]
    centres = np.column_stack(to_px(fig, nodes.x, nodes.y, area))
    return fig, area, centres, np.asarray(nodes.marker.size) / 2


@pytest.mark.parametrize("size", [None, 60, 200], ids=["sample", "60", "200"])
def test_flow_circles_never_overlap(sample_journey, size):
    journey, gaps, flow = sample_journey if size is None else synthetic(size, seed=size)
    _, _, centres, radius = flow_geometry(journey, flow, gaps)
    for i, j in itertools.combinations(range(len(centres)), 2):
        distance = np.hypot(*(centres[i] - centres[j]))
        assert distance >= radius[i] + radius[j], (i, j)


def test_flow_names_every_sample_touchpoint_clear_of_circles_and_other_names(sample_journey):
    journey, gaps, flow = sample_journey
    fig, area, centres, radius = flow_geometry(journey, flow, gaps)
    names = [box(a, fig, area) for a in point_labels(fig)]
    assert len(names) == len(journey.touchpoints)
    for a, b in itertools.combinations(names, 2):
        assert not overlap(a, b)
    for name, (centre, r) in itertools.product(names, zip(centres, radius, strict=True)):
        assert not circle_hits_box(centre, r, name)
    for left, top, right, bottom in names:
        assert left >= 0 and top >= 0 and right <= area[0] and bottom <= area[1]


def test_flow_names_go_above_or_below_a_row_of_arrows():
    journey = parse_journey({
        "name": "Row", "stages": ["One"],
        "touchpoints": [{"id": k, "name": f"Step {k}", "stage": "One"} for k in "abcd"],
        "transitions": [{"from": a, "to": b} for a, b in ("ab", "bc", "cd")],
    })  # fmt: skip
    fig, area, centres, _ = flow_geometry(journey, flow_table(journey), None)
    lane = centres[0][1]
    for _, top, _, bottom in (box(a, fig, area) for a in point_labels(fig)):
        assert bottom <= lane or top >= lane  # never across the line the arrows run along


def test_flow_puts_a_stage_in_columns_that_follow_its_transitions(sample_journey):
    journey, gaps, flow = sample_journey
    nodes = charts.flow_chart(journey, flow, gaps).data[0]
    ordered = journey.ordered_touchpoints()
    x = {tp.id: nodes.x[i] for i, tp in enumerate(ordered)}
    stage = {tp.id: tp.stage for tp in ordered}
    rank = {s: i for i, s in enumerate(journey.stages)}
    for t in journey.transitions:
        if rank[stage[t.target]] > rank[stage[t.source]]:
            assert x[t.target] > x[t.source]  # later stages stand further right
    # Stages do not share columns: each stage's columns come after the previous stage's.
    for a, b in itertools.pairwise([s for s in journey.stages if s in stage.values()]):
        assert max(v for k, v in x.items() if stage[k] == a) < min(
            v for k, v in x.items() if stage[k] == b
        )


def test_flow_stacks_parallel_touchpoints_of_a_lane_in_one_column():
    journey, gaps, flow = sample(ROOT / "sample_journeys" / "retail_store.json")
    nodes = charts.flow_chart(journey, flow, gaps).data[0]
    at = {tp.id: (nodes.x[i], nodes.y[i]) for i, tp in enumerate(journey.ordered_touchpoints())}
    # The ad and the catalogue both lead to the shop sign: one column, two heights.
    assert at["ad"][0] == at["catalogue"][0] < at["sign"][0]
    assert at["ad"][1] > at["catalogue"][1] and -1.5 < at["catalogue"][1] < at["ad"][1] < -0.5
    # Within a stage, a touchpoint stands right of the one that leads to it.
    assert at["layout"][0] < at["labels"][0] < at["consultant"][0] < at["stock"][0]


def test_flow_gives_a_stage_width_in_proportion_to_its_sequence_of_touchpoints():
    journey, gaps, flow = sample(ROOT / "sample_journeys" / "retail_store.json")
    fig = charts.flow_chart(journey, flow, gaps)
    bands = [s for s in fig.layout.shapes if s.type == "rect" and s.xref == "x"]
    widths = [band.x1 - band.x0 for band in bands]
    # Aware: ad ∥ catalogue (1 column); Choose: layout → labels → consultant → stock (4).
    assert widths[0] == 1 and widths[2] == 4


def test_flow_runs_a_way_back_above_the_lanes_with_its_arrowhead_on_the_target():
    journey, gaps, flow = sample(ROOT / "sample_journeys" / "pizza_delivery.json")
    fig = charts.flow_chart(journey, flow, gaps)
    ordered = [tp.id for tp in journey.ordered_touchpoints()]
    nodes = fig.data[0]
    back = [t for t in journey.transitions if ordered.index(t.target) < ordered.index(t.source)]
    assert back, "the pizza sample has a reorder loop"
    lines = [y for trace in fig.data[1:] for y in trace.y if np.isfinite(y)]
    assert max(lines) > 0.5  # a track above the customer lane (lanes are at 0, −1, −2, −3)
    target = ordered.index(back[0].target)
    assert (nodes.x[target], nodes.y[target]) in {(x, y) for x, y, _ in arrowheads(fig)}


def test_flow_names_only_the_most_visited_when_crowded_and_says_how_many_are_left_out():
    journey, gaps, flow = synthetic(200, seed=4)
    fig = charts.flow_chart(journey, flow, gaps, max_labels=30)
    labelled = point_labels(fig)
    assert len(labelled) <= 30
    visits = flow.set_index("touchpoint")["visits"]
    top = set(visits.sort_values(ascending=False, kind="stable").index[:30])
    nodes = fig.data[0]
    named = {journey.ordered_touchpoints()[i].id for i in range(len(nodes.x))
             if any(a.x == nodes.x[i] and a.y == nodes.y[i] for a in labelled)}  # fmt: skip
    assert named <= top
    note = f"Names of {200 - len(labelled)} of 200 touchpoints left out"
    assert any(note in a.text for a in fig.layout.annotations)
    assert len(nodes.customdata) == 200  # and every one has its hover


def test_flow_size_key_draws_its_circles_as_big_as_the_nodes_with_those_visits(journey, gaps):
    # The key shows the most visits, a quarter and a 25th of it, each rounded down to one
    # significant digit (1,000, 200, 40): here exactly the visits of the three nodes.
    flow = pd.DataFrame({"touchpoint": ["door", "till", "bag"], "visits": [1000.0, 200.0, 40.0]})
    fig = charts.flow_chart(journey, flow, gaps)
    nodes = fig.data[0]
    key = [s for s in fig.layout.shapes if s.type == "circle"]
    assert [s.x1 - s.x0 for s in key] == pytest.approx(list(nodes.marker.size))
    assert [s.y1 - s.y0 for s in key] == pytest.approx(list(nodes.marker.size))
    texts = [a.text for a in fig.layout.annotations if a.xref == "paper"]
    assert "Circle size = expected visits:" in texts
    assert {"1,000", "200", "40"} <= set(texts)
    assert "Gap" in nodes.marker.colorbar.title.text


def test_flow_wraps_long_names_onto_two_lines():
    journey, gaps, flow = sample(ROOT / "sample_journeys" / "retail_store.json")
    texts = {a.text for a in point_labels(charts.flow_chart(journey, flow, gaps))}
    assert "Security check<br>at the exit" in texts and "Parking" in texts


# Gap bars ------------------------------------------------------------------------------------


def test_gap_bars_show_the_worst_and_the_best_and_count_the_ones_between():
    rng = np.random.default_rng(11)
    gap = rng.normal(0, 1, 40)
    gaps = pd.DataFrame({"touchpoint": [f"t{i}" for i in range(40)], "gap_mean": gap})
    fig = charts.gap_bar_chart(gaps, worst=6, best=3)
    shown = np.sort(fig.data[0].x)
    ranked = np.sort(gap)
    np.testing.assert_array_equal(shown, np.r_[ranked[:6], ranked[-3:]])
    hidden = ranked[6:-3]
    # The note has a row of its own, among the names, between the best (bottom) and the worst.
    y = np.asarray(fig.data[0].y)
    assert sorted(y) == [0, 1, 2, 4, 5, 6, 7, 8, 9]
    note = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))[3]
    assert f"{len(hidden)} more touchpoints" in note
    assert f"gaps {hidden.min():+.2f} to {hidden.max():+.2f}" in note


def test_gap_bars_of_a_few_touchpoints_show_them_all_without_a_note(gaps):
    fig = charts.gap_bar_chart(gaps)
    assert len(fig.data[0].x) == 2
    assert not any("more touchpoint" in text for text in fig.layout.yaxis.ticktext)


@pytest.mark.parametrize(
    "counts", [pytest.param({"worst": -1}, id="negative-worst"),
               pytest.param({"best": -2}, id="negative-best")],
)  # fmt: skip
def test_gap_bars_refuse_a_negative_count(gaps, counts):
    with pytest.raises(ValueError, match="0 or more"):
        charts.gap_bar_chart(gaps, **counts)


# Journey map ---------------------------------------------------------------------------------


def test_journey_map_names_every_sample_touchpoint(sample_journey):
    journey, gaps, _ = sample_journey
    fig = charts.journey_map_chart(journey, gaps)
    assert list(fig.layout.xaxis2.tickvals) == list(range(len(journey.touchpoints)))


def test_journey_map_of_many_touchpoints_names_the_largest_shortfalls_far_enough_apart():
    journey, gaps, _ = synthetic(200, seed=6)
    fig = charts.journey_map_chart(journey, gaps, width=1200)
    ticks = list(fig.layout.xaxis2.tickvals)
    assert 5 < len(ticks) < 60
    slot = (1200 - charts.MARGIN["l"] - charts.MARGIN["r"]) / 200.2  # pixels per touchpoint
    size = fig.layout.xaxis2.tickfont.size
    slanted = size * 1.17 / np.sin(np.radians(35))  # a one-line name at 35°, measured across
    assert min(np.diff(ticks)) * slot >= slanted
    order = [tp.id for tp in journey.ordered_touchpoints()]
    worst = order.index(gaps.loc[gaps["gap_mean"].idxmin(), "touchpoint"])
    assert worst in ticks
    assert "largest shortfalls" in fig.layout.xaxis2.title.text


# Scale ---------------------------------------------------------------------------------------


def test_all_four_charts_of_200_touchpoints_build_well_within_a_second():
    journey, gaps, flow = synthetic(200, seed=8)
    labels = {tp.id: tp.name for tp in journey.touchpoints}
    charts.quadrant_chart(gaps, labels=labels)  # warm plotly's lazily imported validators
    start = time.process_time()
    charts.journey_map_chart(journey, gaps)
    charts.gap_bar_chart(gaps, labels=labels)
    charts.quadrant_chart(gaps, labels=labels)
    charts.flow_chart(journey, flow, gaps)
    # About 0.15 s of CPU on the shared CI machine; a generous bound keeps this from flaking.
    assert time.process_time() - start < 1.0


def test_the_chart_benchmark_runs_in_quick_mode():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_charts.py"), "--quick"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "flow_chart" in result.stdout and "all four" in result.stdout


@pytest.mark.parametrize("size", [None, 60], ids=["sample", "60"])
def test_flow_stage_names_do_not_run_into_each_other(sample_journey, size):
    journey, gaps, flow = sample_journey if size is None else synthetic(size, seed=size)
    fig, area, _, _ = flow_geometry(journey, flow, gaps)
    extents = []
    for a in fig.layout.annotations:
        if a.yref == "y domain":
            text = html.unescape(a.text.removeprefix("<b>").removesuffix("</b>"))
            half = text_width(text, a.font.size, bold=True) * POINTS_PER_INCH / 2
            middle = to_px(fig, a.x, 0.0, area)[0] + a.xshift
            extents.append((middle - half, middle + half))
    assert len(extents) == len({tp.stage for tp in journey.touchpoints})
    for (_, right), (left, _) in itertools.pairwise(extents):
        assert right <= left + 0.5


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"name": "E", "stages": ["A"]}, id="no-touchpoints"),
        pytest.param({"name": "O", "stages": ["A"],
                      "touchpoints": [{"id": "a", "name": "Alone", "stage": "A"}]},
                     id="one-touchpoint"),
        pytest.param({"name": "L", "stages": ["A", "B"],
                      "touchpoints": [{"id": "a", "name": "A", "stage": "A"},
                                      {"id": "b", "name": "B", "stage": "B", "lane": "support"}],
                      "transitions": [{"from": "a", "to": "b", "share": 0.5},
                                      {"from": "b", "to": "a", "share": 0.3},
                                      {"from": "b", "to": "b", "share": 0.2}]},
                     id="loop-and-self-loop"),
    ],
)  # fmt: skip
def test_charts_of_small_and_looping_journeys_build_without_ratings(document):
    journey = parse_journey(document)
    no_gaps = pd.DataFrame(columns=["touchpoint", "expected_mean", "experienced_mean",
                                    "gap_mean", "importance"])  # fmt: skip
    fig = charts.flow_chart(journey, flow_table(journey), None)
    assert len(arrowheads(fig)) == len(journey.transitions)
    assert len(charts.journey_map_chart(journey, no_gaps).data[-1].x) == len(journey.touchpoints)
    assert len(charts.quadrant_chart(no_gaps).data[0].x) == 0
    assert len(charts.gap_bar_chart(no_gaps).data[0].x) == 0
