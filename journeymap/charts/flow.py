"""The flow chart: the touchpoint graph, stage across and lane down, sized by expected visits."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from journeymap.charts.blueprint import (
    GAP_COLUMNS,
    in_journey_order,
    line_of_visibility,
    line_of_visibility_label,
    stage_bands,
    stage_spans,
)
from journeymap.charts.flow_layout import (
    FLOW_LABEL_WIDTH,
    FLOW_TRACK,
    FlowGrid,
    flow_canvas,
    flow_positions,
    node_sizes,
    way_up,
)
from journeymap.charts.labels import LABEL_SIZE, Canvas, label_annotation, label_size, place_labels
from journeymap.charts.style import (
    EXPECTED,
    FULL_WIDTH,
    GAP_SCALE,
    INK,
    LANE_ORDER,
    MARGIN,
    shared_layout,
)
from journeymap.charts.text import LINE_HEIGHT, plain, text_px, two_lines
from journeymap.model import Journey

#: Its height and margins (the colour bar and the size key need room), and the size from which
#: the graph is drawn lighter.
FLOW_HEIGHT = 640
FLOW_MARGIN = {**MARGIN, "l": 120, "r": 110}
FLOW_DENSE = 60
FLOW_SPOTS = ("below", "above", "right", "left", "below right", "below left", "above right",
              "above left", "below, slid right", "below, slid left", "above, slid right",
              "above, slid left")  # fmt: skip
KEY_DROP = 46  # pixels from the plot's bottom edge to the middle of the size key


def flow_chart(
    journey: Journey,
    flow: pd.DataFrame,
    gaps: pd.DataFrame | None = None,
    *,
    title: str = "Journey flow",
    width: int = FULL_WIDTH,
    max_labels: int = 40,
) -> go.Figure:
    """The touchpoint graph: stage across, lane down; size = expected visits, colour = gap.

    `flow` needs columns touchpoint and visits; `gaps` (optional) touchpoint and gap_mean.
    Each stage is as wide as its touchpoints need: a touchpoint stands right of those that lead
    to it within its stage, and parallel ones share a column. Ways back (reorder → menu) run
    above or below the lanes. Names go where they cover no circle, other name or (where
    possible) arrow, laid out for `width` pixels or more; of many touchpoints only the
    `max_labels` most visited are named, and every name stays in the hover.
    """
    if gaps is None:
        gaps = pd.DataFrame(columns=GAP_COLUMNS)
    table = in_journey_order(journey, gaps)
    visits = flow.set_index("touchpoint")["visits"].reindex(table["touchpoint"]).fillna(0)
    visits = visits.to_numpy(float)
    plot = (width - FLOW_MARGIN["l"] - FLOW_MARGIN["r"], FLOW_HEIGHT - MARGIN["t"] - MARGIN["b"])
    grid = flow_positions(journey, table, plot[0])
    column, y = grid.column, grid.y
    index = {tp: i for i, tp in enumerate(table["touchpoint"])}
    ends = [(index[t.source], index[t.target]) for t in journey.transitions]
    upwards = [way_up(a, b, grid) for a, b in ends if grid.way_back(a, b)]
    canvas = flow_canvas(column, plot, above=sum(upwards), below=len(upwards) - sum(upwards))
    column_px = canvas.width / (canvas.x_range[1] - canvas.x_range[0])
    size, smallest, biggest = node_sizes(visits, canvas, grid.stacked)
    gap = table["gap_mean"].to_numpy(float)
    names = list(table["name"])
    nodes = go.Scatter(
        x=column, y=y, mode="markers", showlegend=False,
        customdata=np.column_stack([[plain(n) for n in names], visits, np.nan_to_num(gap)]),
        hovertemplate="%{customdata[0]}<br>expected visits %{customdata[1]:,.0f}"
        "<br>gap %{customdata[2]:+.2f}<extra></extra>",
        # Opaque (plotly makes sized "bubbles" 70 % opaque) and above the transitions' lines,
        # which run from centre to centre.
        marker={"size": size, "line": {"color": "#3A4250", "width": 1.5}, "opacity": 1,
                **_gap_colours(gap)},
        zorder=1,
    )  # fmt: skip
    centre, radius = canvas.px(column, y), size / 2
    transitions, segments = _flow_arrows(journey, ends, grid, radius, canvas)
    order = np.argsort(-visits, kind="stable")[:max_labels]
    texts = {int(i): two_lines(names[i], FLOW_LABEL_WIDTH, LABEL_SIZE) for i in order}
    visibility_y = float(canvas.px([0.0], [-1.5])[0, 1])
    visibility_box = (
        plot[0] - text_px("line of visibility", 12) - 4, visibility_y,
        plot[0], visibility_y + 12 * LINE_HEIGHT + 2,
    )  # fmt: skip
    placed = place_labels(
        centre, radius, {i: label_size(t) for i, t in texts.items()}, order, bounds=(0, 0, *plot),
        spots=FLOW_SPOTS, segments=np.array(segments), obstacles=[visibility_box],
    )  # fmt: skip
    spans = stage_spans(table["stage"].tolist(), column)
    shapes, annotations = stage_bands(
        spans, canvas.x_range, column_px, yrefs=("y domain",),
        margins=(FLOW_MARGIN["l"], FLOW_MARGIN["r"]),
    )  # fmt: skip
    shapes.append(line_of_visibility("x domain", "y"))
    annotations.append(line_of_visibility_label("y"))
    annotations += [
        label_annotation(column[i], y[i], texts[i], label, centre[i], radius[i])
        for i, label in placed.items()
    ]
    key_shapes, key_annotations = _size_key(visits, smallest, biggest)
    shapes += key_shapes
    annotations += key_annotations
    if len(placed) < len(table):
        annotations.append(_flow_note(len(table) - len(placed), len(table)))
    layout = {
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {"showticklabels": False, "showgrid": False, "zeroline": False,
                  "range": list(canvas.x_range)},
        "yaxis": {"tickmode": "array", "tickvals": [-i for i in range(len(LANE_ORDER))],
                  "ticktext": [lane.value for lane in LANE_ORDER], "showgrid": False,
                  "zeroline": False, "range": list(canvas.y_range)},
    }  # fmt: skip
    style = shared_layout(title, height=FLOW_HEIGHT, legend=False)
    return go.Figure(data=[nodes, *transitions], layout={**style, **layout, "margin": FLOW_MARGIN})


def _flow_arrows(
    journey: Journey,
    ends: list[tuple[int, int]],
    grid: FlowGrid,
    radius: np.ndarray,
    canvas: Canvas,
) -> tuple[list[go.Scatter], list[list[float]]]:
    """The transitions (`ends` are their touchpoints' rows) as lines from centre to centre,
    under the circles, each with an arrowhead standing off its target's centre by the radius
    (marker standoffs are pixels, so it touches the rim at any figure size); one trace per
    line width. Also every visible straight piece in pixels, for placing names."""
    column, y = grid.column, grid.y
    dense = len(column) > FLOW_DENSE
    # Shorter ways back take the inner tracks, so that nested ones do not cross.
    back = sorted(
        (abs(column[a] - column[b]), k) for k, (a, b) in enumerate(ends) if grid.way_back(a, b)
    )
    level: dict[int, int] = {}
    for up in (True, False):
        same_way = [k for _, k in back if way_up(*ends[k], grid) == up]
        level.update({k: n % 3 + 1 for n, k in enumerate(same_way)})
    shares = np.array([t.share for t in journey.transitions], dtype=float)
    widths = np.round(shares * 5) / 5  # six line widths: one trace each
    widths = (0.8 + 1.5 * widths) if dense else (1.5 + 3 * widths)
    source = np.array([a for a, _ in ends], dtype=int)
    target = np.array([b for _, b in ends], dtype=int)
    centre = canvas.px(column, y)
    # Straight transitions, all at once: x, y, head size and standoff per point, NaN between.
    straight = np.array([k not in level for k in range(len(ends))], dtype=bool)
    a, b = source[straight], target[straight]
    points = {
        "x": np.column_stack([column[a], column[b], np.full(len(a), np.nan)]),
        "y": np.column_stack([y[a], y[b], np.full(len(a), np.nan)]),
        "size": np.column_stack([np.zeros(len(a)), 8 + 3 * widths[straight], np.zeros(len(a))]),
        "standoff": np.column_stack([np.zeros(len(a)), radius[b] + 1, np.zeros(len(a))]),
    }
    parts = {w: {key: [v[widths[straight] == w].ravel()] for key, v in points.items()}
             for w in np.unique(widths)}  # fmt: skip
    segments = _trimmed_all(centre[a], centre[b], radius[a] + 2, radius[b] + 2).tolist()
    for k in level:
        # A way back leaves upwards (or downwards), runs along a track outside the lanes and
        # comes straight onto its target, so it crosses no touchpoint on the way.
        a_k, b_k = int(source[k]), int(target[k])
        up = way_up(a_k, b_k, grid)
        track = (0.5 if up else -3.5) + (1 if up else -1) * FLOW_TRACK * level[k]
        turn = column[b_k] + (0.2 if a_k == b_k else 0.0)
        xs, ys = [column[a_k], column[a_k], turn, column[b_k]], [y[a_k], track, track, y[b_k]]
        path = canvas.px(xs, ys)
        segments += [
            _trimmed(path[0], path[1], radius[a_k] + 2, 0.0),
            [*path[1], *path[2]],
            _trimmed(path[2], path[3], 0.0, radius[b_k] + 2),
        ]
        part = parts[widths[k]]
        part["x"].append(np.array([*xs, np.nan]))
        part["y"].append(np.array([*ys, np.nan]))
        part["size"].append(np.array([0.0, 0.0, 0.0, 8 + 3 * widths[k], 0.0]))
        part["standoff"].append(np.array([0.0, 0.0, 0.0, radius[b_k] + 1, 0.0]))
    colour = "rgba(91,103,120,0.4)" if dense else "rgba(91,103,120,0.55)"
    traces = []
    for width, part in sorted(parts.items()):
        line = {key: np.concatenate(v) for key, v in part.items()}
        if not len(line["x"]):
            continue
        traces.append(
            go.Scatter(
                x=line["x"], y=line["y"], mode="lines+markers", hoverinfo="skip",
                showlegend=False, line={"color": colour, "width": float(width)},
                marker={"symbol": "arrow", "angleref": "previous", "size": line["size"],
                        "standoff": line["standoff"], "color": "rgba(91,103,120,0.85)"},
            )
        )  # fmt: skip
    return traces, segments


def _trimmed_all(
    start: np.ndarray, end: np.ndarray, cut_start: np.ndarray, cut_end: np.ndarray
) -> np.ndarray:
    """`_trimmed` for many segments at once: (n, 4) rows of x0, y0, x1, y1."""
    length = np.hypot(*(end - start).T)
    unit = (end - start) / np.maximum(length, 1e-9)[:, None]
    visible = (length > cut_start + cut_end)[:, None]
    first = np.where(visible, start + unit * cut_start[:, None], start)
    last = np.where(visible, end - unit * cut_end[:, None], start)
    return np.hstack([first, last]).reshape(-1, 4)


def _trimmed(start: np.ndarray, end: np.ndarray, cut_start: float, cut_end: float) -> list[float]:
    """The segment from `start` to `end` without its first `cut_start` and last `cut_end` pixels."""
    length = float(np.hypot(*(end - start)))
    if length <= cut_start + cut_end:
        return [*start, *start]  # nodes touch: nothing of the arrow is visible
    unit = (end - start) / length
    return [*(start + unit * cut_start), *(end - unit * cut_end)]


def _gap_colours(gap: np.ndarray) -> dict[str, Any]:
    """Marker colours on the red–green gap scale, symmetric around 0, with its colour bar."""
    rated = np.isfinite(gap)
    limit = max(float(np.nanmax(np.abs(gap))) if rated.any() else 1.0, 0.5)
    return {
        "color": np.where(rated, gap, 0.0), "cmin": -limit, "cmax": limit,
        "colorscale": GAP_SCALE, "showscale": bool(rated.any()),
        "colorbar": {"title": {"text": "Gap (experienced − expected)", "side": "right",
                               "font": {"size": 14}},
                     "thickness": 16, "len": 0.9, "x": 1.0, "xpad": 12, "tickfont": {"size": 14}},
    }  # fmt: skip


def _size_key(
    visits: np.ndarray, smallest: float, biggest: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Below the plot: 'Circle size = expected visits' with three example circles (sized in
    pixels, so the key stays true at any figure size)."""
    most = float(visits.max(initial=0.0))
    if most <= 0:
        return [], []
    examples = sorted({_round_down(most / k) for k in (1, 4, 25)} - {0.0}, reverse=True)
    caption = "Circle size = expected visits:"
    shapes, annotations = [], []
    annotations.append(
        {"text": caption, "x": 0, "y": 0, "xref": "paper", "yref": "paper", "xanchor": "left",
         "yanchor": "middle", "yshift": -KEY_DROP, "showarrow": False,
         "font": {"size": 14, "color": EXPECTED}}
    )  # fmt: skip
    cursor = text_px(caption, 14) + 16
    for value in examples:
        d = smallest + (biggest - smallest) * math.sqrt(value / most)
        shapes.append(
            {"type": "circle", "xref": "paper", "yref": "paper", "xsizemode": "pixel",
             "ysizemode": "pixel", "xanchor": 0, "yanchor": 0, "x0": cursor, "x1": cursor + d,
             "y0": -KEY_DROP - d / 2, "y1": -KEY_DROP + d / 2, "fillcolor": "#F4F1EA",
             "line": {"color": "#3A4250", "width": 1.5}}
        )  # fmt: skip
        text = f"{value:,.0f}"
        annotations.append(
            {"text": text, "x": 0, "y": 0, "xref": "paper", "yref": "paper", "xanchor": "left",
             "yanchor": "middle", "xshift": cursor + d + 6, "yshift": -KEY_DROP,
             "showarrow": False, "font": {"size": 14, "color": INK}}
        )  # fmt: skip
        cursor += d + 6 + text_px(text, 14) + 22
    return shapes, annotations


def _round_down(value: float) -> float:
    """`value` rounded down to one significant digit (613 → 600)."""
    if value < 1:
        return 0.0
    unit = 10 ** math.floor(math.log10(value))
    return math.floor(value / unit) * unit


def _flow_note(left_out: int, total: int) -> dict[str, Any]:
    return {
        "text": f"Names of {left_out} of {total} touchpoints left out: hover over a circle",
        "x": 1, "y": 0, "xref": "paper", "yref": "paper", "xanchor": "right",
        "yanchor": "middle", "yshift": -KEY_DROP, "showarrow": False,
        "font": {"size": 14, "color": EXPECTED},
    }  # fmt: skip
