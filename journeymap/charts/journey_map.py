"""The journey map: expected vs experienced along the journey, its blueprint lanes below."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from journeymap.charts.blueprint import (
    in_journey_order,
    line_of_visibility,
    line_of_visibility_label,
    stage_bands,
    stage_spans,
)
from journeymap.charts.style import (
    EXCEED,
    EXPECTED,
    EXPERIENCED,
    FULL_WIDTH,
    LANE_ORDER,
    MARGIN,
    NO_DATA,
    SHORTFALL,
    shared_layout,
)
from journeymap.charts.text import LINE_HEIGHT, LINE_PITCH, ellipsized, plain, two_lines
from journeymap.model import Journey

#: Names under the journey map: slanted by this angle, wrapped at this width (pixels).
TICK_ANGLE = math.radians(35)
TICK_WIDTH = 150


def journey_map_chart(
    journey: Journey, gaps: pd.DataFrame, *, title: str | None = None, width: int = FULL_WIDTH
) -> go.Figure:
    """Expected vs experienced along the journey, the gap shaded, and the blueprint lanes below.

    Laid out for `width` pixels or more: with many touchpoints the names shrink, and then only
    the largest shortfalls keep theirs (every name stays in the hover).
    """
    table = in_journey_order(journey, gaps)
    n = len(table)
    x = np.arange(n, dtype=float)
    slot = (width - MARGIN["l"] - MARGIN["r"]) / (n + 0.2)  # pixels per touchpoint
    expected = table["expected_mean"].to_numpy(float)
    experienced = table["experienced_mean"].to_numpy(float)
    hover = [plain(name) for name in table["name"]]
    # Markers stop being readable (and start hiding the line) below ~12 px per touchpoint.
    mode = "lines+markers" if slot >= 12 else "lines"
    dot = min(1.0, slot / 24)
    thin = min(1.0, max(slot / 16, 0.4))  # lines thin out with the touchpoints
    traces = [*_gap_fills(x, expected, experienced)]
    traces.append(
        go.Scatter(
            x=x, y=expected, name="Expected", mode=mode, customdata=hover,
            line={"color": EXPECTED, "width": 3 * thin, "dash": "dash"}, marker={"size": 9 * dot},
            hovertemplate="%{customdata}<br>expected %{y:.2f}<extra></extra>",
        )
    )  # fmt: skip
    traces.append(
        go.Scatter(
            x=x, y=experienced, name="Experienced", mode=mode, customdata=hover,
            line={"color": EXPERIENCED, "width": 4 * thin}, marker={"size": 11 * dot},
            hovertemplate="%{customdata}<br>experienced %{y:.2f}<extra></extra>",
        )
    )  # fmt: skip
    traces.append(_blueprint_lane_markers(table, x, size=max(4.0, min(16.0, 0.8 * slot))))
    ticks, tick_size, left_out = _thinned_ticks(table, slot)
    layout: dict[str, Any] = {
        "xaxis": {"anchor": "y", "matches": "x2", "showticklabels": False,
                  "range": [-0.6, n - 0.4], "domain": [0, 1]},
        "xaxis2": {"anchor": "y2", "range": [-0.6, n - 0.4], "domain": [0, 1],
                   "tickmode": "array", "tickvals": [i for i, _ in ticks],
                   "ticktext": [text for _, text in ticks], "tickangle": -35,
                   "tickfont": {"size": tick_size}},
        "yaxis": {"domain": [0.38, 1], "title": {"text": "Rating"},
                  "range": [journey.scale.min - 0.1, journey.scale.max + 0.25]},
        "yaxis2": {"domain": [0, 0.32], "tickmode": "array", "showgrid": False,
                   "tickvals": [-i for i in range(len(LANE_ORDER))],
                   "ticktext": [lane.value for lane in LANE_ORDER], "range": [-3.5, 0.5]},
    }  # fmt: skip
    if left_out:
        layout["xaxis2"]["title"] = {
            "text": f"Names of {len(ticks)} of {n} touchpoints, the largest shortfalls first; "
            "hover over a point for the others",
            "font": {"size": 14, "color": EXPECTED},
        }
    spans = stage_spans(table["stage"].tolist(), np.arange(n, dtype=float))
    shapes, annotations = stage_bands(
        spans, (-0.6, n - 0.4), slot, yrefs=("y domain", "y2 domain"),
        margins=(MARGIN["l"], MARGIN["r"]),
    )  # fmt: skip
    # The line of visibility separates what the customer sees from what happens backstage.
    shapes.append(line_of_visibility("x2 domain", "y2"))
    annotations.append(line_of_visibility_label("y2"))
    layout.update(shapes=shapes, annotations=annotations)
    title = title or f"{plain(journey.name)}: expected vs experienced"
    return go.Figure(data=traces, layout={**shared_layout(title, height=720), **layout})


def _gap_fills(x: np.ndarray, expected: np.ndarray, experienced: np.ndarray) -> list[go.Scatter]:
    """Red area where experience falls short, green where it exceeds, split at crossings."""
    xs, lower, upper = [], [], []
    for i in range(len(x)):
        xs.append(x[i])
        lower.append(expected[i])
        upper.append(experienced[i])
        if i + 1 < len(x):
            d0, d1 = experienced[i] - expected[i], experienced[i + 1] - expected[i + 1]
            if np.isfinite(d0) and np.isfinite(d1) and d0 * d1 < 0:
                t = d0 / (d0 - d1)
                xs.append(x[i] + t)
                crossing = expected[i] + t * (expected[i + 1] - expected[i])
                lower.append(crossing)
                upper.append(crossing)
    xs_arr, lo, up = np.array(xs), np.array(lower), np.array(upper)
    traces = []
    for colour, name, edge in (
        (EXCEED, "Exceeds expectation", np.fmax(lo, up)),
        (SHORTFALL, "Falls short", np.fmin(lo, up)),
    ):
        edge = np.where(np.isfinite(lo) & np.isfinite(up), edge, np.nan)
        base = np.where(np.isfinite(edge), lo, np.nan)
        traces.append(
            go.Scatter(
                x=xs_arr, y=base, mode="lines", line={"width": 0}, hoverinfo="skip",
                showlegend=False, legendgroup=name,
            )
        )  # fmt: skip
        traces.append(
            go.Scatter(
                x=xs_arr, y=edge, mode="lines", line={"width": 0}, fill="tonexty",
                fillcolor=_alpha(colour, 0.35), name=name, hoverinfo="skip", legendgroup=name,
            )
        )  # fmt: skip
    return traces


def _blueprint_lane_markers(table: pd.DataFrame, x: np.ndarray, *, size: float) -> go.Scatter:
    lane_y = {lane: -i for i, lane in enumerate(LANE_ORDER)}
    gap = table["gap_mean"].to_numpy(float)
    colours = np.where(~np.isfinite(gap), NO_DATA, np.where(gap < 0, SHORTFALL, EXCEED))
    return go.Scatter(
        x=x, y=[lane_y[lane] for lane in table["lane"]], mode="markers", showlegend=False,
        xaxis="x2", yaxis="y2", customdata=[plain(n) for n in table["name"]],
        marker={"size": size, "color": colours, "symbol": "square",
                "line": {"color": "white", "width": 1 if size >= 8 else 0}},
        hovertemplate="%{customdata}<extra></extra>",
    )  # fmt: skip


def _thinned_ticks(table: pd.DataFrame, slot: float) -> tuple[list[tuple[int, str]], int, bool]:
    """Touchpoint names under the journey map as (position, text), their font size, and
    whether some were left out: smaller type first, then only the largest shortfalls on one
    line each, far enough from their neighbours that the slanted names do not touch."""
    names = table["name"].tolist()

    def room(lines: list[str], size: int) -> float:  # horizontal distance a slanted name needs
        return size * (LINE_HEIGHT + LINE_PITCH * (len(lines) - 1)) / math.sin(TICK_ANGLE) + 2

    for size in (16, 14, 12):
        if room([""], size) > slot:  # not even one line each fits
            continue
        texts = [two_lines(name, TICK_WIDTH, size) for name in names]
        rooms = [room(t, size) for t in texts]
        # Neighbours share the distance between them: half of it is each one's.
        if all(a + b <= 2 * slot for a, b in itertools.pairwise(rooms)):
            return [(i, "<br>".join(plain(s) for s in t)) for i, t in enumerate(texts)], size, False
    size = 12
    need = room([""], size)
    gap = table["gap_mean"].to_numpy(float)
    order = np.lexsort((np.arange(len(gap)), np.where(np.isfinite(gap), gap, np.inf)))
    kept: list[int] = []
    for i in order:
        if all(abs(int(i) - j) * slot >= need for j in kept):
            kept.append(int(i))
    kept.sort()
    ticks = [(i, plain(ellipsized(names[i], TICK_WIDTH, size))) for i in kept]
    return ticks, size, len(kept) < len(names)


def _alpha(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
