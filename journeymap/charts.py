"""Plotly figures of a journey's gaps: data in, go.Figure out; built to read on a projector.

Callers decide whether to show, export or test a figure. Every label that comes from users
(touchpoint, stage and role names) goes through `plain()` so it is shown as text, never markup.

Labels are placed in pixels for the smallest size a chart is shown at (`width`, and the layout's
height): the app's half or full width. A bigger render (a 1600 × 900 slide image) only moves the
points further apart, so labels that are clear of each other there stay clear. The geometry uses
DejaVu Sans' advance widths (`textfit`), the widest of the fonts the browser may pick.
"""

from __future__ import annotations

import html
import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from journeymap.model import Journey, Lane
from journeymap.textfit import POINTS_PER_INCH, text_width

SHORTFALL = "#C62E3A"
EXCEED = "#23894F"
EXPECTED = "#5B6778"
EXPERIENCED = "#1F5FA8"
NO_DATA = "#B8BEC8"
INK = "#1E2430"
STAGE_BAND = "rgba(91, 103, 120, 0.07)"
GAP_SCALE = [[0.0, SHORTFALL], [0.5, "#F4F1EA"], [1.0, EXCEED]]
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 16, "color": INK}
LANE_ORDER = [Lane.CUSTOMER, Lane.FRONTSTAGE, Lane.BACKSTAGE, Lane.SUPPORT]
GAP_COLUMNS = ("touchpoint", "expected_mean", "experienced_mean", "gap_mean")
#: The narrowest the app commonly shows a chart (pixels): the main column of a 1600-pixel
#: window, and half of it for the gap bars beside the quadrant. Names are placed for these
#: widths; wider (a 1600 × 900 slide image) only moves the points apart.
FULL_WIDTH = 1100
HALF_WIDTH = 540
#: Margins of every chart (pixels); labels are placed inside the plot area they leave.
MARGIN = {"l": 90, "r": 40, "t": 110, "b": 90}
#: Point labels: font size, the widest a line may be before it wraps, and their backing.
LABEL_SIZE = 14
LABEL_WIDTH = 130
LABEL_BACKING = "rgba(255, 255, 255, 0.8)"


def plain(text: object) -> str:
    """User text as plotly shows it literally (plotly reads a subset of HTML in labels)."""
    return html.escape(str(text), quote=False)


def journey_map_chart(
    journey: Journey, gaps: pd.DataFrame, *, title: str | None = None, width: int = FULL_WIDTH
) -> go.Figure:
    """Expected vs experienced along the journey, the gap shaded, and the blueprint lanes below.

    Laid out for `width` pixels or more: with many touchpoints the names shrink, and then only
    the largest shortfalls keep theirs (every name stays in the hover).
    """
    table = _aligned(journey, gaps)
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
    spans = _stage_spans(table["stage"].tolist(), np.arange(n, dtype=float))
    shapes, annotations = _stage_bands(
        spans, (-0.6, n - 0.4), slot, yrefs=("y domain", "y2 domain"),
        margins=(MARGIN["l"], MARGIN["r"]),
    )  # fmt: skip
    # The line of visibility separates what the customer sees from what happens backstage.
    shapes.append(_line_of_visibility("x2 domain", "y2"))
    annotations.append(_line_of_visibility_label("y2"))
    layout.update(shapes=shapes, annotations=annotations)
    title = title or f"{plain(journey.name)}: expected vs experienced"
    return go.Figure(data=traces, layout={**_style(title, height=720), **layout})


def gap_bar_chart(
    gaps: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    title: str = "Expectation gap per touchpoint",
    worst: int = 10,
    best: int = 5,
) -> go.Figure:
    """Mean gap (experienced − expected) with its 95 % interval, worst on top.

    Of many touchpoints only the `worst` largest shortfalls and the `best` largest surpluses
    are drawn, with a note of how many lie between them; pass larger numbers to see all.
    """
    if worst < 0 or best < 0:
        raise ValueError(f"worst and best must be 0 or more, got worst={worst}, best={best}")
    ranked = gaps.dropna(subset=["gap_mean"]).sort_values("gap_mean", ascending=False)
    hidden = ranked.iloc[0:0]
    if len(ranked) > worst + best:
        hidden = ranked.iloc[best : len(ranked) - worst]
        ranked = pd.concat([ranked.iloc[:best], ranked.iloc[len(ranked) - worst :]])
    names = [(labels or {}).get(tp, tp) for tp in ranked["touchpoint"]]
    gap = ranked["gap_mean"].to_numpy(float)
    # Plotly draws y = 0 at the bottom: the best come first, then a free row for the note.
    y = np.arange(len(ranked), dtype=float)
    if len(hidden):
        y[best:] += 1
    error = None
    if {"gap_ci_low", "gap_ci_high"} <= set(ranked.columns):
        error = {
            "type": "data",
            "symmetric": False,
            "array": np.nan_to_num(ranked["gap_ci_high"].to_numpy(float) - gap),
            "arrayminus": np.nan_to_num(gap - ranked["gap_ci_low"].to_numpy(float)),
            "color": "#3A4250",
            "thickness": 2,
        }
    colours = [SHORTFALL if g < 0 else EXCEED for g in gap]
    bars = go.Bar(
        x=gap, y=y, orientation="h", error_x=error, marker={"color": colours},
        customdata=[plain(n) for n in names], hovertemplate="%{customdata}<br>gap %{x:+.2f}<extra></extra>",
    )  # fmt: skip
    # Values in a column right of the plot, clear of bars and error whiskers.
    annotations = [
        {"x": 1.0, "xref": "paper", "y": row, "yref": "y", "text": f"<b>{g:+.2f}</b>",
         "showarrow": False, "xshift": 10, "xanchor": "left",
         "font": {"size": 15, "color": colour}}
        for row, g, colour in zip(y, gap, colours, strict=True)
    ]  # fmt: skip
    tick_values = list(y)
    tick_names = ["<br>".join(plain(line) for line in _two_lines(n, 160, 15)) for n in names]
    if len(hidden):
        # The note stands in the column of names, on the free row between best and worst.
        low, high = hidden["gap_mean"].min(), hidden["gap_mean"].max()
        tick_values.append(float(best))
        tick_names.append(
            f"<span style='color:{EXPECTED}'><i>{_count(len(hidden), 'more touchpoint')}"
            f"<br>gaps {low:+.2f} to {high:+.2f}</i></span>"
        )
    rows = len(y) + (1 if len(hidden) else 0)
    layout = {
        "annotations": annotations,
        "shapes": [{"type": "line", "x0": 0, "x1": 0, "xref": "x", "y0": 0, "y1": 1,
                    "yref": "y domain", "line": {"color": INK, "width": 2}}],
        "xaxis": {"title": {"text": "Gap: experienced − expected<br>"
                                    "<span style='font-size:14px'>below 0 falls short</span>"}},
        "yaxis": {"tickmode": "array", "tickvals": tick_values, "ticktext": tick_names,
                  "range": [-0.6, rows - 0.4], "showgrid": False, "tickfont": {"size": 15}},
    }  # fmt: skip
    style = _style(title, height=max(420, 46 * rows + 160), legend=False)
    return go.Figure(data=[bars], layout={**style, **layout, "margin": {**MARGIN, "r": 90}})


def quadrant_chart(
    gaps: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    title: str = "Importance–performance",
    width: int = HALF_WIDTH,
    max_labels: int = 20,
) -> go.Figure:
    """Martilla & James: performance across, importance up, cross-hairs at the means.

    Names sit next to their points where they cover no other point, name or corner caption,
    laid out for `width` pixels or more; the most urgent (important and short) are placed first
    and at most `max_labels` are shown. Every name stays in the hover.
    """
    table = gaps.dropna(subset=["experienced_mean", "importance"])
    x = table["experienced_mean"].to_numpy(float)
    y = table["importance"].to_numpy(float)
    names = [str((labels or {}).get(tp, tp)) for tp in table["touchpoint"]]
    gap = table["gap_mean"].fillna(0).to_numpy(float)
    colours = [SHORTFALL if g < 0 else EXCEED for g in gap]
    # Smaller dots when there are many, so that neighbours stay apart.
    radius = 8.0 if len(table) <= 40 else 6.0 if len(table) <= 100 else 5.0
    points = go.Scatter(
        x=x, y=y, mode="markers", customdata=[plain(n) for n in names],
        marker={"size": 2 * radius, "color": colours, "line": {"color": "white", "width": 1.5}},
        hovertemplate="%{customdata}<br>performance %{x:.2f}<br>importance %{y:.2f}<extra></extra>",
    )  # fmt: skip
    layout: dict[str, Any] = {"annotations": [], "shapes": []}
    axis_title = "Performance (mean experienced)"
    if len(table):
        x_mid, y_mid = float(np.mean(x)), float(np.mean(y))
        for axis, value in (("x", x_mid), ("y", y_mid)):
            other = "y" if axis == "x" else "x"
            layout["shapes"].append(
                {"type": "line", f"{axis}0": value, f"{axis}1": value, f"{axis}ref": axis,
                 f"{other}0": 0, f"{other}1": 1, f"{other}ref": f"{other} domain",
                 "line": {"color": EXPECTED, "dash": "dot", "width": 2}}
            )  # fmt: skip
        plot = (width - MARGIN["l"] - MARGIN["r"], QUADRANT_HEIGHT - MARGIN["t"] - MARGIN["b"])
        layout["annotations"] += [caption for caption, _ in _quadrant_captions(*plot)]
        urgency = y * np.clip(-gap, 0, None)
        order = np.lexsort((-np.abs(gap), -urgency))[:max_labels]
        texts = {int(i): _two_lines(names[i], LABEL_WIDTH, LABEL_SIZE) for i in order}
        x_range, y_range, centres, placed = _quadrant_layout(
            x, y, texts, order, plot, radius=radius, roomier=len(table) <= max_labels
        )
        layout["xaxis"] = {"range": list(x_range)}
        layout["yaxis"] = {"range": list(y_range)}
        layout["annotations"] += [
            _label_annotation(x[i], y[i], texts[i], label, centres[i], radius)
            for i, label in placed.items()
        ]
        if len(placed) < len(table):
            axis_title += (
                f"<br><span style='font-size:14px;color:{EXPECTED}'>Names of "
                f"{len(table) - len(placed)} of {len(table)} touchpoints left out: "
                "hover over a point</span>"
            )
    layout.setdefault("xaxis", {})["title"] = {"text": axis_title}
    layout.setdefault("yaxis", {})["title"] = {"text": "Importance"}
    style = _style(title, height=QUADRANT_HEIGHT, legend=False)
    return go.Figure(data=[points], layout={**style, **layout})


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
    table = _aligned(journey, gaps if gaps is not None else pd.DataFrame(columns=GAP_COLUMNS))
    visits = flow.set_index("touchpoint")["visits"].reindex(table["touchpoint"]).fillna(0)
    visits = visits.to_numpy(float)
    plot = (width - FLOW_MARGIN["l"] - FLOW_MARGIN["r"], FLOW_HEIGHT - MARGIN["t"] - MARGIN["b"])
    grid = _flow_positions(journey, table, plot[0])
    column, y = grid.column, grid.y
    index = {tp: i for i, tp in enumerate(table["touchpoint"])}
    ends = [(index[t.source], index[t.target]) for t in journey.transitions]
    upwards = [_way_up(a, b, grid) for a, b in ends if grid.way_back(a, b)]
    canvas = _flow_canvas(column, plot, above=sum(upwards), below=len(upwards) - sum(upwards))
    column_px = canvas.width / (canvas.x_range[1] - canvas.x_range[0])
    size, smallest, biggest = _node_sizes(visits, canvas, grid.stacked)
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
    texts = {int(i): _two_lines(names[i], FLOW_LABEL_WIDTH, LABEL_SIZE) for i in order}
    visibility_y = float(canvas.px([0.0], [-1.5])[0, 1])
    visibility_box = (
        plot[0] - _text_px("line of visibility", 12) - 4, visibility_y,
        plot[0], visibility_y + 12 * LINE_HEIGHT + 2,
    )  # fmt: skip
    placed = _place_labels(
        centre, radius, {i: _label_size(t) for i, t in texts.items()}, order, bounds=(0, 0, *plot),
        spots=FLOW_SPOTS, segments=np.array(segments), obstacles=[visibility_box],
    )  # fmt: skip
    spans = _stage_spans(table["stage"].tolist(), column)
    shapes, annotations = _stage_bands(
        spans, canvas.x_range, column_px, yrefs=("y domain",),
        margins=(FLOW_MARGIN["l"], FLOW_MARGIN["r"]),
    )  # fmt: skip
    shapes.append(_line_of_visibility("x domain", "y"))
    annotations.append(_line_of_visibility_label("y"))
    annotations += [
        _label_annotation(column[i], y[i], texts[i], label, centre[i], radius[i])
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
    style = _style(title, height=FLOW_HEIGHT, legend=False)
    return go.Figure(data=[nodes, *transitions], layout={**style, **layout, "margin": FLOW_MARGIN})


def promise_sweep_chart(
    sweep: pd.DataFrame,
    *,
    lever: str,
    unit: str = "",
    title: str | None = None,
    current: float | None = None,
) -> go.Figure:
    """Chance of meeting / beating each promise above, value per 1,000 prospects below.

    `sweep` is a `simulate.sweep` table (promise, p_met, p_delight, value_per_1000,
    recommended); the recommended promise is marked on both panels, `current` if given.
    """
    from journeymap.model import Lever  # only this chart needs it; keeps the imports as they were

    lever = Lever(lever)
    needed = {"promise", "p_met", "p_delight", "value_per_1000", "recommended"}
    missing = sorted(needed - set(sweep.columns))
    if missing:
        raise ValueError(f"sweep lacks column(s) {', '.join(missing)}")
    if sweep.empty:
        raise ValueError("sweep has no rows")
    table = sweep.sort_values("promise")
    x = table["promise"].to_numpy(float)
    suffix = f" {plain(unit)}" if unit else ""
    # A few promised values (service levels) are points, not a curve: show them.
    mode = "lines+markers" if len(x) <= 12 else "lines"
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.55, 0.45], vertical_spacing=0.08
    )
    for column, name, colour, dash in (
        ("p_met", "Promise met", EXPERIENCED, "solid"),
        ("p_delight", "Beaten (delight)", EXCEED, "dash"),
    ):
        fig.add_trace(
            go.Scatter(
                x=x, y=100 * table[column].to_numpy(float), name=name, mode=mode,
                line={"color": colour, "width": 4, "dash": dash}, marker={"size": 10},
                hovertemplate=f"promise %{{x:g}}{suffix}<br>{name.lower()} %{{y:.1f}} %<extra></extra>",
            ),
            row=1, col=1,
        )  # fmt: skip
    value = table["value_per_1000"].to_numpy(float)
    fig.add_trace(
        go.Scatter(
            x=x, y=value, name="Value per 1,000 prospects", mode=mode,
            line={"color": "#3A4250", "width": 4}, marker={"size": 10},
            hovertemplate=f"promise %{{x:g}}{suffix}<br>value %{{y:,.1f}}<extra></extra>",
        ),
        row=2, col=1,
    )  # fmt: skip
    best = table.loc[table["recommended"].astype(bool)]
    if len(best):
        best_x, best_value = float(best["promise"].iloc[0]), float(best["value_per_1000"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=[best_x], y=[best_value], mode="markers", name="Recommended promise",
                marker={"symbol": "star", "size": 22, "color": EXCEED, "line": {"color": "white", "width": 1.5}},
                hovertemplate=f"recommended %{{x:g}}{suffix}<br>value %{{y:,.1f}}<extra></extra>",
            ),
            row=2, col=1,
        )  # fmt: skip
        for row in (1, 2):
            fig.add_vline(x=best_x, line={"color": EXCEED, "width": 2}, row=row, col=1)
        fig.add_annotation(
            text=f"<b>Recommended: {best_x:g}{suffix}</b>", x=best_x, y=1.0, xref="x",
            yref="y domain", yanchor="bottom", showarrow=False, font={"size": 16, "color": EXCEED},
        )  # fmt: skip
    if current is not None:
        for row in (1, 2):
            fig.add_vline(
                x=current, line={"color": EXPECTED, "width": 2, "dash": "dot"}, row=row, col=1
            )
        fig.add_annotation(
            text=f"now: {current:g}{suffix}", x=current, y=1.0, xref="x", yref="y2 domain",
            yanchor="top", xanchor="left", xshift=4, showarrow=False, bgcolor="white",
            font={"size": 15, "color": EXPECTED},
        )  # fmt: skip
    direction = "lower" if lever.lower_is_better else "higher"
    fig.update_yaxes(title_text="Share of customers (%)", range=[-2, 104], row=1, col=1)
    fig.update_yaxes(title_text="Value per 1,000", row=2, col=1)
    fig.update_xaxes(
        title_text=f"Promised {lever.value}{f' ({plain(unit)})' if unit else ''}; "
        f"{direction} is better for the customer",
        row=2, col=1,
    )  # fmt: skip
    return _styled(fig, title or f"What to promise on {lever.value}", height=680)


# Internals --------------------------------------------------------------------------------

#: Quadrant chart: its height, how far (pixels) points stay from the plot's edges (tried in
#: turn until every name finds a free spot) and how much further out a name may stand, joined
#: to its point by a leader line, where there is no room next to it.
QUADRANT_HEIGHT = 620
QUADRANT_PADS = ((40, 40), (64, 56), (96, 80))
QUADRANT_LEADER = 26
QUADRANT_SPOTS = ("right", "left", "above", "below", "above right", "below right",
                  "above left", "below left")  # fmt: skip
#: Flow chart: its height and margins (the colour bar and the size key need room), the
#: narrowest column worth drawing, how much of a lane stacked touchpoints may fill, and the
#: size from which the graph is drawn lighter.
FLOW_HEIGHT = 640
FLOW_MARGIN = {**MARGIN, "l": 120, "r": 110}
FLOW_MIN_COLUMN = 36
FLOW_STACK = 0.6
FLOW_MAX_STACK = 4
FLOW_DENSE = 60
FLOW_SPOTS = ("below", "above", "right", "left", "below right", "below left", "above right",
              "above left", "below, slid right", "below, slid left", "above, slid right",
              "above, slid left")  # fmt: skip
FLOW_LABEL_WIDTH = 110  # narrower than elsewhere: columns are close together
FLOW_EDGE = FLOW_LABEL_WIDTH // 2 + 4  # pixels beside the first and last columns: half a name
FLOW_TRACK = 0.2  # lane heights between the tracks of ways back
KEY_DROP = 46  # pixels from the plot's bottom edge to the middle of the size key
#: Names: padding inside their box (pixels); a line's ascent + descent and plotly's line pitch
#: as multiples of the font size; by how many pixels a name must be nearer to its own point
#: than to any other, and beyond which distance no point is near; how many times placed names
#: may move to make room for one left out.
LABEL_PAD = 2
LINE_HEIGHT = 1.17
LINE_PITCH = 1.3
NEARER = 6
NEAR_ENOUGH = 60
REPAIRS = 60
#: Names under the journey map: slanted by this angle, wrapped at this width (pixels).
TICK_ANGLE = math.radians(35)
TICK_WIDTH = 150


# The parts of plotly's "plotly_white" these charts use: the full template costs ~10 ms to
# validate per figure and adds ~10 KB to every figure's JSON.
_AXIS = {
    "gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8",
    "zerolinewidth": 2, "ticks": "", "automargin": True, "title": {"standoff": 15},
}  # fmt: skip
_TEMPLATE = go.layout.Template(
    layout={
        "plot_bgcolor": "white", "paper_bgcolor": "white", "hovermode": "closest",
        "hoverlabel": {"align": "left"}, "xaxis": _AXIS, "yaxis": _AXIS,
    },
    data={"scatter": [{"marker": {"colorbar": {"outlinewidth": 0, "ticks": ""}}}]},
)  # fmt: skip


@dataclass(frozen=True)
class _Canvas:
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
class _Placed:
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


def _place_labels(
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
) -> dict[int, _Placed]:
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
    cache: dict[int, tuple[list[_Placed], np.ndarray, np.ndarray]] = {}

    def options(i: int) -> tuple[list[_Placed], np.ndarray, np.ndarray]:
        """Every spot of name `i`, whether it is free of all but other names, and how many
        arrows it crosses."""
        if i not in cache:
            candidates = []
            for ring in rings:
                for spot in spots:
                    box, shift = _spot_box(centres[i], sizes[i], spot, radii[i] + gap + ring)
                    candidates.append(_Placed(spot, shift, box, leader=ring > 0))
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

    def blockers(i: int, placed: dict[int, _Placed]) -> tuple[list[_Placed], np.ndarray, list]:
        candidates, free, _ = options(i)
        others = list(placed)
        if not others:
            return candidates, np.zeros((len(candidates), 0), dtype=bool), others
        taken = np.array([placed[j].box for j in others])
        return candidates, _overlapping(np.array([c.box for c in candidates]), taken), others

    def best(i: int, placed: dict[int, _Placed]) -> _Placed | None:
        candidates, free, crossings = options(i)
        _, blocked, _ = blockers(i, placed)
        ok = free & ~blocked.any(axis=1)
        if not ok.any():
            return None
        return candidates[int(np.argmin(np.where(ok, crossings, np.iinfo(np.int64).max)))]

    placed: dict[int, _Placed] = {}
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


def _label_annotation(
    x: float, y: float, lines: list[str], placed: _Placed, centre: np.ndarray, radius: float
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


def _label_size(lines: list[str], size: float = LABEL_SIZE) -> tuple[float, float]:
    """Width and height in pixels of an annotation box holding `lines`."""
    width = max((_text_px(line, size) for line in lines), default=0.0)
    height = size * (LINE_HEIGHT + LINE_PITCH * (len(lines) - 1))
    return width + 2 * LABEL_PAD + 2, height + 2 * LABEL_PAD


def _text_px(text: str, size: float, *, bold: bool = False) -> float:
    """Width in pixels of one line at font size `size` pixels."""
    return text_width(text, size, bold=bold) * POINTS_PER_INCH


def _two_lines(text: str, width: float, size: float) -> list[str]:
    """`text` on one line of about `width` pixels, or else split at the space that makes the
    two lines most even; a line is cut with "…" only beyond a fifth more than `width` (the
    hover has the whole name)."""
    words = text.split()
    most = width * 1.2
    widths = np.array([_text_px(word, size) for word in words])
    space = _text_px(" ", size)
    if len(words) <= 1 or widths.sum() + space * (len(words) - 1) <= width:
        return [_ellipsized(" ".join(words), most, size)]
    before = np.cumsum(widths)[:-1] + space * np.arange(len(words) - 1)  # first k + 1 words
    after = widths.sum() + space * (len(words) - 1) - before - space  # the rest
    k = int(np.argmin(np.maximum(before, after)))
    if max(before[k], after[k]) > most:  # too long for even lines: fill the first, cut the rest
        k = max(int(np.searchsorted(before, most, side="right")) - 1, 0)
    lines = [" ".join(words[: k + 1]), " ".join(words[k + 1 :])]
    return [_ellipsized(line, most, size) for line in lines]


def _ellipsized(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """`text`, or its longest start that fits `width` pixels with "…" appended."""
    if _text_px(text, size, bold=bold) <= width:
        return text
    low, high = 0, len(text)  # text[:low] + "…" fits, text[:high] + "…" does not
    while high - low > 1:
        middle = (low + high) // 2
        if _text_px(text[:middle].rstrip() + "…", size, bold=bold) <= width:
            low = middle
        else:
            high = middle
    return text[:low].rstrip() + "…"


def _quadrant_layout(
    x: np.ndarray,
    y: np.ndarray,
    texts: dict[int, list[str]],
    order: np.ndarray,
    plot: tuple[float, float],
    *,
    radius: float,
    roomier: bool,
) -> tuple[tuple[float, float], tuple[float, float], np.ndarray, dict[int, _Placed]]:
    """Axis ranges that keep the points clear of the corner captions, the points in pixels,
    and a spot for every name it can find; if `roomier`, with more room at the plot's edges
    as long as that places more names."""
    width, height = plot
    sizes = {i: _label_size(t) for i, t in texts.items()}
    captions = [box for _, box in _quadrant_captions(width, height)]
    best = None
    for pad_x, pad_y in QUADRANT_PADS if roomier else QUADRANT_PADS[:1]:
        x_range, y_range = _padded(x, pad_x, width), _padded(y, pad_y, height)
        centres = _Canvas(width, height, x_range, y_range).px(x, y)
        placed = _place_labels(
            centres, np.full(len(x), radius), sizes, order, bounds=(0, 0, width, height),
            spots=QUADRANT_SPOTS, leader_distance=QUADRANT_LEADER, obstacles=captions,
        )  # fmt: skip
        if best is None or len(placed) > len(best[3]):
            best = (x_range, y_range, centres, placed)
        if len(placed) == len(order):
            break
    assert best is not None
    return best


def _quadrant_captions(width: float, height: float) -> list[tuple[dict[str, Any], list[float]]]:
    """Martilla & James' four advices in the corners, with the boxes (pixels) they cover."""
    captions = []
    for text, right, top, colour in (
        ("Concentrate here", False, True, SHORTFALL),
        ("Keep up the good work", True, True, EXCEED),
        ("Low priority", False, False, EXPECTED),
        ("Possible overkill", True, False, EXPECTED),
    ):
        w = _text_px(text, 15, bold=True) + 2 * LABEL_PAD + 2
        h = 15 * LINE_HEIGHT + 2 * LABEL_PAD
        left = width - 6 - w if right else 6
        upper = 4 if top else height - 4 - h
        annotation = {
            "text": f"<b>{text}</b>", "x": 1 if right else 0, "y": 1 if top else 0,
            "xref": "paper", "yref": "paper", "xanchor": "right" if right else "left",
            "yanchor": "top" if top else "bottom", "xshift": -6 if right else 6,
            "yshift": -4 if top else 4, "showarrow": False, "bgcolor": LABEL_BACKING,
            "borderpad": LABEL_PAD, "font": {"size": 15, "color": colour},
        }  # fmt: skip
        captions.append((annotation, [left, upper, left + w, upper + h]))
    return captions


def _padded(values: np.ndarray, pad: float, length: float) -> tuple[float, float]:
    """The axis range that shows `values` with `pad` pixels free at both ends of `length`."""
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    per_pixel = (high - low) / max(length - 2 * pad, 1.0)
    return low - pad * per_pixel, high + pad * per_pixel


@dataclass(frozen=True)
class _FlowGrid:
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


def _flow_positions(journey: Journey, table: pd.DataFrame, width: float) -> _FlowGrid:
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
    runs = _runs(stages)
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
    return _FlowGrid(column.astype(float), y, stage, packed, tallest)


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


def _runs(values: list[object]) -> list[tuple[int, int]]:
    """(first, end) of each run of equal neighbours."""
    runs, first = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[first]:
            runs.append((first, i))
            first = i
    return runs


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


def _flow_canvas(
    column: np.ndarray, plot: tuple[float, float], *, above: int, below: int
) -> _Canvas:
    """The flow's plot area: room for half a name beside the first and last columns, and a
    track above (below) the lanes for each way back, up to three."""
    columns = int(column.max()) + 1 if len(column) else 1
    # pad · column width = FLOW_EDGE pixels, where column width = plot / (columns − 1 + 2 pad)
    pad = max(0.6, FLOW_EDGE * (columns - 1) / max(plot[0] - 2 * FLOW_EDGE, 1.0))
    top = 0.5 + (FLOW_TRACK * (min(above, 3) + 0.5) if above else 0.0)
    bottom = -3.5 - (FLOW_TRACK * (min(below, 3) + 0.5) if below else 0.0)
    return _Canvas(plot[0], plot[1], (-pad, columns - 1 + pad), (bottom, top))


def _node_sizes(
    visits: np.ndarray, canvas: _Canvas, stacked: int
) -> tuple[np.ndarray, float, float]:
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


def _flow_arrows(
    journey: Journey,
    ends: list[tuple[int, int]],
    grid: _FlowGrid,
    radius: np.ndarray,
    canvas: _Canvas,
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
        same_way = [k for _, k in back if _way_up(*ends[k], grid) == up]
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
        up = _way_up(a_k, b_k, grid)
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


def _way_up(a: int, b: int, grid: _FlowGrid) -> bool:
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
    cursor = _text_px(caption, 14) + 16
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
        cursor += d + 6 + _text_px(text, 14) + 22
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


def _aligned(journey: Journey, gaps: pd.DataFrame) -> pd.DataFrame:
    """One row per touchpoint in journey order with name, stage, lane and the gap figures."""
    ordered = journey.ordered_touchpoints()
    ids = [tp.id for tp in ordered]
    figures = gaps.drop_duplicates("touchpoint").set_index("touchpoint")
    # Ids are text on both sides, even in empty frames (whose columns pandas types as floats).
    figures.index = figures.index.astype(str)
    table = pd.DataFrame(
        {
            "touchpoint": ids,
            "name": [tp.name for tp in ordered],
            "stage": [tp.stage for tp in ordered],
            "lane": [tp.lane for tp in ordered],
        }
    )
    for column in GAP_COLUMNS[1:]:
        present = column in figures
        table[column] = figures[column].reindex(ids).to_numpy(float) if present else np.nan
    return table


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


def _line_of_visibility(xref: str, yref: str) -> dict[str, Any]:
    return {
        "type": "line", "xref": xref, "x0": 0, "x1": 1, "yref": yref, "y0": -1.5, "y1": -1.5,
        "line": {"color": EXPECTED, "dash": "dot", "width": 1.5}, "layer": "below",
    }  # fmt: skip


def _line_of_visibility_label(yref: str) -> dict[str, Any]:
    xref = "x2 domain" if yref == "y2" else "x domain"
    return {
        "text": "line of visibility", "x": 1, "xref": xref, "xanchor": "right", "y": -1.5,
        "yref": yref, "yanchor": "top", "showarrow": False,
        "font": {"size": 12, "color": EXPECTED},
    }  # fmt: skip


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
        texts = [_two_lines(name, TICK_WIDTH, size) for name in names]
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
    ticks = [(i, plain(_ellipsized(names[i], TICK_WIDTH, size))) for i in kept]
    return ticks, size, len(kept) < len(names)


def _stage_spans(stages: list[str], xs: np.ndarray) -> list[tuple[str, float, float]]:
    """(stage, left, right) in x units for each run of touchpoints in one stage."""
    return [
        (stages[first], float(xs[first:last].min()) - 0.5, float(xs[first:last].max()) + 0.5)
        for first, last in _runs(stages)
    ]


def _stage_bands(
    spans: list[tuple[str, float, float]],
    x_range: tuple[float, float],
    px_per_unit: float,
    *,
    yrefs: tuple[str, ...],
    margins: tuple[float, float],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Alternate shaded bands per stage, with the stage name above the chart. A name wider than
    its band may use what its neighbours' names leave free, or at the ends the plot's edge and
    most of the margin (nothing else stands that high); beyond that it is set smaller, then
    shortened (the full name is in its hover)."""
    shapes: list[dict[str, Any]] = []
    for k, (_, left, right) in enumerate(spans):
        for yref in yrefs:
            shapes.append(
                {"type": "rect", "xref": "x", "yref": yref, "x0": left, "x1": right, "y0": 0,
                 "y1": 1, "fillcolor": STAGE_BAND if k % 2 == 0 else "rgba(0,0,0,0)",
                 "line": {"width": 0}, "layer": "below"}
            )  # fmt: skip
    if not spans:
        return shapes, []
    bands = [(right - left) * px_per_unit - 6 for _, left, right in spans]
    wanted = [_text_px(stage, 15, bold=True) for stage, _, _ in spans]
    spare = [max(band - want, 0.0) / 2 for band, want in zip(bands, wanted, strict=True)]
    edges = (
        (spans[0][1] - x_range[0]) * px_per_unit + 0.8 * margins[0],
        (x_range[1] - spans[-1][2]) * px_per_unit + 0.8 * margins[1],
    )
    annotations = []
    for k, (stage, left, right) in enumerate(spans):
        before = spare[k - 1] if k > 0 else edges[0]
        after = spare[k + 1] if k + 1 < len(spans) else edges[1]
        room = bands[k] + before + after
        size = 15 if wanted[k] <= room else 12
        text = _ellipsized(stage, room, size, bold=True)
        # Off centre where one side has more room than the other.
        half = _text_px(text, size, bold=True) / 2
        shift = min(bands[k] / 2 + after - half, 0.0) + max(half - bands[k] / 2 - before, 0.0)
        annotation = {
            "text": f"<b>{plain(text)}</b>", "x": (left + right) / 2, "y": 1.0, "xref": "x",
            "xshift": shift, "yref": "y domain", "yanchor": "bottom", "showarrow": False,
            "font": {"size": size},
        }  # fmt: skip
        if text != stage:
            annotation["hovertext"] = plain(stage)
        annotations.append(annotation)
    return shapes, annotations


def _style(title: str, *, height: int, legend: bool = True) -> dict[str, Any]:
    """The layout every chart shares; given with the figure's own layout, plotly checks it
    once (restyling a built figure costs as much again)."""
    return {
        "template": _TEMPLATE,
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 24}},
        "font": FONT,
        "height": height,
        "margin": MARGIN,
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.04, "xanchor": "right", "x": 1},
        "hoverlabel": {"font": {"size": 15}},
    }


def _styled(fig: go.Figure, title: str, *, height: int, legend: bool = True) -> go.Figure:
    return fig.update_layout(_style(title, height=height, legend=legend))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _alpha(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
