"""The importance–performance slide: every touchpoint placed by how it performs and how much it
matters, the four quadrants named in the corners and listed in a panel beside the chart.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide

from journeymap import native_charts as nc
from journeymap.charts import EXCEED, EXPECTED, SHORTFALL
from journeymap.label_placement import Rect, place_labels
from journeymap.report import Report
from journeymap.slide_format import count, number
from journeymap.slide_layout import (
    BODY_BOX,
    BODY_PT,
    INK,
    INSET_X,
    INSET_Y,
    LABEL_PT,
    MIN_BODY_PT,
    MUTED,
    Box,
    Paragraph,
    add_chart,
    axes_at_the_edges,
    axis_title,
    chart_label,
    content_slide,
    point_label,
    rich_text,
    set_notes,
    show_message,
    text_box,
)
from journeymap.slide_notes import DEFINITIONS
from journeymap.textfit import line_height, text_width

QUADRANTS = ("concentrate here", "keep up the good work", "low priority", "possible overkill")
QUADRANT_COLOURS = dict(zip(QUADRANTS, (SHORTFALL, EXCEED, MUTED, MUTED), strict=True))
QUADRANT_LABEL_WIDTH = 1.9
LABEL_POSITIONS = {
    "right": XL_LABEL_POSITION.RIGHT,
    "left": XL_LABEL_POSITION.LEFT,
    "above": XL_LABEL_POSITION.ABOVE,
    "below": XL_LABEL_POSITION.BELOW,
}


def quadrant_slide(prs: PresentationType, report: Report) -> None:
    table = report.gaps.dropna(subset=["experienced_mean", "importance"])
    slide = content_slide(prs, report, "Importance–performance: where to concentrate")
    concentrate = int((table["quadrant"] == "concentrate here").sum())
    verbs = ("matters", "performs") if concentrate == 1 else ("matter", "perform")
    show_message(
        slide,
        f"{count(concentrate, 'touchpoint')} {verbs[0]} more than average and {verbs[1]} "
        "below average."
        if len(table)
        else "No ratings yet: nothing to place.",
    )
    chart_box = Box(BODY_BOX.left, BODY_BOX.top, 8.4, BODY_BOX.height)
    unlabelled = _quadrant_chart(slide, report, table, chart_box) if len(table) else []
    panel = Box(chart_box.left + chart_box.width + 0.2, BODY_BOX.top,
                BODY_BOX.width - chart_box.width - 0.2, BODY_BOX.height)  # fmt: skip
    paragraphs: list[Paragraph] = []
    for quadrant in QUADRANTS:
        names = [
            report.name_of(tp) for tp in table.loc[table["quadrant"] == quadrant, "touchpoint"]
        ]
        paragraphs.append(Paragraph(f"{quadrant.capitalize()} ({len(names)})", True,
                                    QUADRANT_COLOURS[quadrant]))  # fmt: skip
        short = [
            chart_label(name, panel.width - 2 * INSET_X, lines=1, size=MIN_BODY_PT)
            for name in names
        ]
        paragraphs.append(Paragraph(", ".join(short) or "—"))
    rich_text(slide, panel, paragraphs, size=BODY_PT, min_size=MIN_BODY_PT)
    lines = [
        f"{report.name_of(row.touchpoint)}: performance {number(row.experienced_mean)}, "
        f"importance {number(row.importance)}, quadrant {row.quadrant}"
        for row in table.itertuples()
    ]
    crowded = (
        [f"Unlabelled where labels would overlap: {', '.join(unlabelled)}."] if unlabelled else []
    )
    set_notes(slide, [DEFINITIONS["ipa"], *lines, *crowded,
                   "Red: falls short (gap < 0); green: meets or exceeds."])  # fmt: skip


def _quadrant_chart(slide: Slide, report: Report, table: pd.DataFrame, chart_box: Box) -> list[str]:
    """The scatter with cross-hairs and captions; returns the names left unlabelled."""
    plot = Box(chart_box.left + 0.95, chart_box.top + 0.5, chart_box.width - 1.25,
               chart_box.height - 1.35)  # fmt: skip
    data = nc.TextXyChartData(number_format="0.00")
    groups = [(table[table["gap_mean"] < 0], SHORTFALL), (table[~(table["gap_mean"] < 0)], EXCEED)]
    for name, (group, _) in zip(("Falls short", "Meets or exceeds"), groups, strict=True):
        series = data.add_series(name)
        for row in group.itertuples():
            series.add_data_point(row.experienced_mean, row.importance)
    x, y = table["experienced_mean"].to_numpy(float), table["importance"].to_numpy(float)
    x_range, y_range = _nice_range(x), _nice_range(y)
    x_mid, y_mid = float(np.mean(x)), float(np.mean(y))
    crosshair = data.add_series("Mean performance")
    for value in y_range:
        crosshair.add_data_point(x_mid, value)
    crosshair = data.add_series("Mean importance")
    for value in x_range:
        crosshair.add_data_point(value, y_mid)
    chart = add_chart(slide, XL_CHART_TYPE.XY_SCATTER, chart_box, data)
    nc.place_plot_area(chart, left=(plot.left - chart_box.left) / chart_box.width,
                       top=(plot.top - chart_box.top) / chart_box.height,
                       width=plot.width / chart_box.width,
                       height=plot.height / chart_box.height)  # fmt: skip
    nc.hide_legend_entries(chart, [2, 3])
    axes_at_the_edges(chart)
    plot_series = list(chart.plots[0].series)
    for series in plot_series[2:]:
        nc.style_line(series, EXPECTED, width_pt=1.5, dashed=True, marker=None)
    for axis, bounds in ((chart.category_axis, x_range), (chart.value_axis, y_range)):
        axis.minimum_scale, axis.maximum_scale = bounds
        axis.major_unit = 0.5 if bounds[1] - bounds[0] <= 4 else 1.0
        axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = "0.0", False
        axis.has_major_gridlines = False
    axis_title(chart.category_axis, "Performance (mean experienced)")
    axis_title(chart.value_axis, "Importance")

    captions = _quadrant_captions(slide, plot)

    # Each touchpoint's name beside its marker, placed so names don't cover each other.
    def to_slide(px: float, py: float) -> tuple[float, float]:
        return (
            plot.left + (px - x_range[0]) / (x_range[1] - x_range[0]) * plot.width,
            plot.top + (y_range[1] - py) / (y_range[1] - y_range[0]) * plot.height,
        )

    labelled = [
        (series, i, row, chart_label(report.name_of(row.touchpoint), QUADRANT_LABEL_WIDTH, lines=1))
        for series, (group, _) in zip(plot_series, groups, strict=False)
        for i, row in enumerate(group.itertuples())
    ]
    positions = place_labels(
        [to_slide(row.experienced_mean, row.importance) for _, _, row, _ in labelled],
        [(text_width(text, LABEL_PT) + 0.12, line_height(LABEL_PT) + 0.06)
         for *_, text in labelled],
        bounds=Rect(*plot), fixed=captions,
    )  # fmt: skip
    unlabelled = []
    for (series, i, row, text), position in zip(labelled, positions, strict=True):
        if position is None:  # left out where it would cover another; the panel names all
            unlabelled.append(report.name_of(row.touchpoint))
        else:
            point_label(series, i, text, INK, LABEL_POSITIONS[position], bold=False)
    for series, (_, colour) in zip(plot_series, groups, strict=False):
        nc.style_line(series, colour, marker_pt=12)
        nc.hide_line(series)
    return unlabelled


def _quadrant_captions(slide: Slide, plot: Box) -> list[Rect]:
    """The four quadrant names in the plot's corners, as in the app; returns their boxes."""
    height = line_height(LABEL_PT) + 2 * INSET_Y + 0.02  # + rounding to whole EMUs
    boxes = []
    for quadrant, right, bottom in zip(QUADRANTS, (False, True, False, True),
                                       (False, False, True, True), strict=True):  # fmt: skip
        text = quadrant.capitalize()
        width = text_width(text, LABEL_PT, bold=True) + 2 * INSET_X + 0.1
        box = Box(plot.left + plot.width - width - 0.05 if right else plot.left + 0.05,
                  plot.top + plot.height - height - 0.05 if bottom else plot.top + 0.05,
                  width, height)  # fmt: skip
        text_box(slide, box, text, size=LABEL_PT, bold=True, colour=QUADRANT_COLOURS[quadrant],
              align=PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT)  # fmt: skip
        boxes.append(Rect(*box))
    return boxes


def _nice_range(values: np.ndarray) -> tuple[float, float]:
    """Axis bounds on half steps with room around the outermost points."""
    if not len(values):
        return 0.0, 1.0
    pad = max(0.25, float(values.max() - values.min()) * 0.1)
    return math.floor((values.min() - pad) * 2) / 2, math.ceil((values.max() + pad) * 2) / 2
