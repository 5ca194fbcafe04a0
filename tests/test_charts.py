"""Chart builders: the figures carry the gap table's numbers and show user text as text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journeymap import charts
from journeymap.journey_file import parse_journey


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
    targets = [1, 2]
    for (x, y, standoff), target in zip(heads, targets, strict=True):
        assert (x, y) == (nodes.x[target], nodes.y[target])
        assert standoff == pytest.approx(nodes.marker.size[target] / 2 + 1)


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
