"""The journey map slide: expected and experienced along the journey, touchpoint by touchpoint,
with the stages as alternating bands and labelled rules under the chart.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Inches, Pt

from journeymap import native_charts as nc
from journeymap.charts import EXCEED, EXPECTED, EXPERIENCED, SHORTFALL
from journeymap.report import Report
from journeymap.slide_format import count, number, one_line, signed
from journeymap.slide_layout import (
    BODY_BOX,
    CHART_PT,
    LABEL_PT,
    MUTED,
    Box,
    add_chart,
    axis_title,
    chart_label,
    content_slide,
    drop_theme_style,
    set_notes,
    show_message,
    text_box,
)
from journeymap.slide_notes import gap_definition
from journeymap.textfit import line_height, text_width

BAND = "#EEF0F3"
#: Journey map category labels: the room renderers leave around a label, and the length of a
#: label turned 45° (when some word would not fit across its category).
LABEL_PADDING = 0.15
ROTATED_LABEL_WIDTH = 1.9
STAGE_ROW_HEIGHT = 0.42


def journey_map_slide(prs: PresentationType, report: Report) -> None:
    table = _in_journey_order(report)
    slide = content_slide(prs, report, "Expected vs experienced along the journey")
    rated = table.dropna(subset=["gap_mean"])
    short = rated[rated["gap_mean"] < 0]
    if rated.empty:
        message = "No ratings yet: the chart shows the journey's touchpoints without figures."
    else:
        worst = rated.loc[rated["gap_mean"].idxmin()]
        message = (
            f"Falls short at {len(short)} of {count(len(rated), 'rated touchpoint')}"
            + (
                f"; largest shortfall: {one_line(worst['name'])} ({signed(worst['gap_mean'])})"
                if len(short)
                else ""
            )
            + "."
        )
    show_message(slide, message)

    box = BODY_BOX
    plot = Box(box.left + 0.85, box.top + 0.55, box.width - 1.1, 0)
    per_category = plot.width / max(len(table), 1)
    # Horizontal labels of up to three lines while every word has room; else one line at 45°.
    rotated = not _words_fit(table["name"], per_category - LABEL_PADDING)
    label_width = ROTATED_LABEL_WIDTH if rotated else per_category - LABEL_PADDING
    label_lines = 1 if rotated else 3
    labels_height = (
        label_width * math.sqrt(0.5) + 0.3 if rotated else 3 * line_height(LABEL_PT) + 0.15
    )
    plot = plot._replace(height=box.height - 0.55 - labels_height - STAGE_ROW_HEIGHT)
    stages = _stage_spans(table, plot.left, per_category)
    stage_top = plot.top + plot.height + labels_height
    for k, (_, left, width) in enumerate(stages):
        if k % 2 == 0:  # bands behind the chart: added first
            _band(slide, Box(left, plot.top, width, stage_top + STAGE_ROW_HEIGHT - plot.top))

    data = nc.TextCategoryChartData(number_format="0.00")
    data.categories = [chart_label(name, label_width, lines=label_lines) for name in table["name"]]
    gap = table["gap_mean"].to_numpy(float)
    experienced = table["experienced_mean"].to_numpy(float)
    data.add_series("Expected", nc.numbers(table["expected_mean"]))
    data.add_series("Experienced", nc.numbers(experienced))
    # Markers in the app's colour meaning, as series of their own so every renderer shows them.
    data.add_series("Falls short", nc.numbers(np.where(gap < 0, experienced, np.nan)))
    data.add_series("Meets or exceeds", nc.numbers(np.where(gap >= 0, experienced, np.nan)))
    chart = add_chart(slide, XL_CHART_TYPE.LINE_MARKERS, box, data)
    nc.transparent_background(chart)
    nc.place_plot_area(chart, left=(plot.left - box.left) / box.width,
                       top=(plot.top - box.top) / box.height, width=plot.width / box.width,
                       height=plot.height / box.height)  # fmt: skip
    expected_line, experienced_line, short_marks, met_marks = chart.plots[0].series
    nc.style_line(expected_line, EXPECTED, width_pt=2.25, dashed=True, marker_pt=7)
    nc.style_line(experienced_line, EXPERIENCED, width_pt=3, marker=None)
    for series, colour in ((short_marks, SHORTFALL), (met_marks, EXCEED)):
        nc.style_line(series, colour, marker_pt=11)
        nc.hide_line(series)
    scale = report.journey.scale
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = scale.min, scale.max
    axis.major_unit = 1 if scale.max - scale.min <= 10 else None
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = nc.rgb("#D9DDE3")
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = "0", False
    axis_title(axis, f"Rating ({scale.label()})")
    chart.category_axis.tick_labels.font.size = Pt(LABEL_PT)
    nc.rotate_labels(chart.category_axis, -45 if rotated else 0)
    for stage, left, width in stages:
        _stage_label(slide, Box(left, stage_top, width, STAGE_ROW_HEIGHT), stage)

    lines = [
        f"{row.name} ({row.stage}): expected {number(row.expected_mean)}, experienced "
        f"{number(row.experienced_mean)}, gap {signed(row.gap_mean)}, n = {int(row.n)}"
        for row in table.itertuples()
    ]
    set_notes(slide, ["Expected and experienced mean rating per touchpoint, journey order.", *lines,
                   "", gap_definition(report),
                   "Red markers: falls short (gap < 0); green: meets or exceeds."])  # fmt: skip


def _stage_spans(
    table: pd.DataFrame, left: float, per_category: float
) -> list[tuple[str, float, float]]:
    """(stage, left, width) of each run of touchpoints of one stage, in inches."""
    spans: list[tuple[str, float, float]] = []
    start = 0
    for stage, group in table.groupby("stage", sort=False):
        spans.append((str(stage), left + start * per_category, len(group) * per_category))
        start += len(group)
    return spans


def _words_fit(names: pd.Series, width_in: float) -> bool:
    """True when no word of any name would be broken across lines at `width_in`."""
    return all(
        text_width(word, LABEL_PT) <= width_in for name in names for word in str(name).split()
    )


def _band(slide: Slide, box: Box) -> None:
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *(Inches(v) for v in box))
    band.fill.solid()
    band.fill.fore_color.rgb = nc.rgb(BAND)
    band.line.fill.background()
    drop_theme_style(band)


def _stage_label(slide: Slide, box: Box, stage: str) -> None:
    rule = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Inches(box.left + 0.06),
                                      Inches(box.top), Inches(box.left + box.width - 0.06),
                                      Inches(box.top))  # fmt: skip
    rule.line.color.rgb = nc.rgb(MUTED)
    rule.line.width = Pt(1.25)
    drop_theme_style(rule)
    text_box(slide, box, one_line(stage), size=CHART_PT, min_size=LABEL_PT, bold=True,
          colour=MUTED, align=PP_ALIGN.CENTER)  # fmt: skip


def _in_journey_order(report: Report) -> pd.DataFrame:
    """The gap table's touchpoints in journey order, with name and stage from the journey."""
    present = report.gaps.drop_duplicates("touchpoint").set_index("touchpoint")
    rows = [tp for tp in report.journey.ordered_touchpoints() if tp.id in present.index]
    table = present.loc[[tp.id for tp in rows]].reset_index()
    table["name"] = [tp.name for tp in rows]
    table["stage"] = [tp.stage for tp in rows]
    return table
