"""What the journey map and the flow chart share: touchpoint rows, stage bands, visibility line."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from journeymap.charts.style import EXPECTED, STAGE_BAND
from journeymap.charts.text import ellipsized, plain, text_px
from journeymap.model import Journey

#: The gap table's columns the journey map and the flow chart read (more are ignored).
GAP_COLUMNS = ("touchpoint", "expected_mean", "experienced_mean", "gap_mean")


def in_journey_order(journey: Journey, gaps: pd.DataFrame) -> pd.DataFrame:
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


def equal_runs(values: list[object]) -> list[tuple[int, int]]:
    """(first, end) of each run of equal neighbours."""
    runs, first = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[first]:
            runs.append((first, i))
            first = i
    return runs


def stage_spans(stages: list[str], xs: np.ndarray) -> list[tuple[str, float, float]]:
    """(stage, left, right) in x units for each run of touchpoints in one stage."""
    return [
        (stages[first], float(xs[first:last].min()) - 0.5, float(xs[first:last].max()) + 0.5)
        for first, last in equal_runs(stages)
    ]


def stage_bands(
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
    wanted = [text_px(stage, 15, bold=True) for stage, _, _ in spans]
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
        text = ellipsized(stage, room, size, bold=True)
        # Off centre where one side has more room than the other.
        half = text_px(text, size, bold=True) / 2
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


def line_of_visibility(xref: str, yref: str) -> dict[str, Any]:
    return {
        "type": "line", "xref": xref, "x0": 0, "x1": 1, "yref": yref, "y0": -1.5, "y1": -1.5,
        "line": {"color": EXPECTED, "dash": "dot", "width": 1.5}, "layer": "below",
    }  # fmt: skip


def line_of_visibility_label(yref: str) -> dict[str, Any]:
    xref = "x2 domain" if yref == "y2" else "x domain"
    return {
        "text": "line of visibility", "x": 1, "xref": xref, "xanchor": "right", "y": -1.5,
        "yref": yref, "yanchor": "top", "showarrow": False,
        "font": {"size": 12, "color": EXPECTED},
    }  # fmt: skip
