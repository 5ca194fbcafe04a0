"""The importance–performance quadrant (Martilla & James), names placed beside the points."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from journeymap.charts.labels import (
    LABEL_BACKING,
    LABEL_PAD,
    LABEL_SIZE,
    LABEL_WIDTH,
    Canvas,
    Placed,
    label_annotation,
    label_size,
    place_labels,
)
from journeymap.charts.style import (
    EXCEED,
    EXPECTED,
    HALF_WIDTH,
    MARGIN,
    SHORTFALL,
    shared_layout,
)
from journeymap.charts.text import LINE_HEIGHT, plain, text_px, two_lines

#: Its height, how far (pixels) points stay from the plot's edges (tried in turn until every
#: name finds a free spot) and how much further out a name may stand, joined to its point by a
#: leader line, where there is no room next to it.
QUADRANT_HEIGHT = 620
QUADRANT_PADS = ((40, 40), (64, 56), (96, 80))
QUADRANT_LEADER = 26
QUADRANT_SPOTS = ("right", "left", "above", "below", "above right", "below right",
                  "above left", "below left")  # fmt: skip


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
        texts = {int(i): two_lines(names[i], LABEL_WIDTH, LABEL_SIZE) for i in order}
        x_range, y_range, centres, placed = _quadrant_layout(
            x, y, texts, order, plot, radius=radius, roomier=len(table) <= max_labels
        )
        layout["xaxis"] = {"range": list(x_range)}
        layout["yaxis"] = {"range": list(y_range)}
        layout["annotations"] += [
            label_annotation(x[i], y[i], texts[i], label, centres[i], radius)
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
    style = shared_layout(title, height=QUADRANT_HEIGHT, legend=False)
    return go.Figure(data=[points], layout={**style, **layout})


def _quadrant_layout(
    x: np.ndarray,
    y: np.ndarray,
    texts: dict[int, list[str]],
    order: np.ndarray,
    plot: tuple[float, float],
    *,
    radius: float,
    roomier: bool,
) -> tuple[tuple[float, float], tuple[float, float], np.ndarray, dict[int, Placed]]:
    """Axis ranges that keep the points clear of the corner captions, the points in pixels,
    and a spot for every name it can find; if `roomier`, with more room at the plot's edges
    as long as that places more names."""
    width, height = plot
    sizes = {i: label_size(t) for i, t in texts.items()}
    captions = [box for _, box in _quadrant_captions(width, height)]
    best = None
    for pad_x, pad_y in QUADRANT_PADS if roomier else QUADRANT_PADS[:1]:
        x_range, y_range = _padded(x, pad_x, width), _padded(y, pad_y, height)
        centres = Canvas(width, height, x_range, y_range).px(x, y)
        placed = place_labels(
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
        w = text_px(text, 15, bold=True) + 2 * LABEL_PAD + 2
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
