"""The gap bars: each touchpoint's mean gap, worst first, with its 95 % interval. The chart is
also drawn on the role slides, for the role's touchpoints only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pptx.enum.chart import XL_CHART_TYPE, XL_TICK_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Pt

from journeymap import native_charts as nc
from journeymap.charts import EXCEED, SHORTFALL
from journeymap.report import Report
from journeymap.slide_format import count, interval, one_line, signed
from journeymap.slide_layout import (
    BODY_BOX,
    CHART_PT,
    LABEL_PT,
    Box,
    add_chart,
    axis_title,
    chart_label,
    content_slide,
    set_notes,
    show_message,
    text_box,
)
from journeymap.slide_notes import DEFINITIONS, gap_definition

#: Gap bars: room for the touchpoint names left of the plot and the values right of it.
BAR_LABEL_WIDTH, BAR_VALUE_WIDTH = 3.4, 0.95
#: Bars a slide can show at a readable size; the rest are listed in the notes.
MAX_BARS = 16
#: Height of one bar, with its share of the gaps between bars.
BAR_HEIGHT = 0.42


def gap_bars_slide(prs: PresentationType, report: Report) -> None:
    ordered = worst_first(report.gaps)
    shown = ordered.head(MAX_BARS)
    slide = content_slide(prs, report, "Expectation gap per touchpoint, worst first")
    if ordered.empty:
        show_message(slide, "No ratings yet: no gaps to show.")
    else:
        worst = ordered.iloc[0]
        short = int((ordered["gap_mean"] < 0).sum())
        message = (
            f"{short} of {count(len(ordered), 'touchpoint')} "
            f"{'falls' if short == 1 else 'fall'} short; worst: "
            f"{one_line(report.name_of(worst['touchpoint']))} {signed(worst['gap_mean'])}"
            f" (95 % interval {interval(worst)})."
        )
        if len(ordered) > MAX_BARS:
            message += f" Showing the {MAX_BARS} lowest of {len(ordered)}; all are in the notes."
        show_message(slide, message)

    if len(shown):
        # Bars as thick as the room allows, but no fatter than a few at a readable size.
        height = min(BODY_BOX.height, 1.05 + BAR_HEIGHT * max(len(shown), 4))
        gap_bars_chart(slide, report, shown, BODY_BOX._replace(height=height))
    lines = [
        f"{i}. {report.name_of(row.touchpoint)}: gap {signed(row.gap_mean)} "
        f"(95 % interval {interval(row)}), n = {int(row.n)}"
        for i, row in enumerate(ordered.itertuples(), start=1)
    ]
    unrated = [report.name_of(tp) for tp in report.gaps.loc[report.gaps["n"] == 0, "touchpoint"]]
    set_notes(slide, ["Mean gap per touchpoint, lowest first; whiskers are the 95 % interval.", *lines,
                   *([f"No ratings: {', '.join(unrated)}"] if unrated else []),
                   "", gap_definition(report), DEFINITIONS["ci"]])  # fmt: skip


def gap_bars_chart(slide: Slide, report: Report, shown: pd.DataFrame, box: Box = BODY_BOX) -> None:
    """Horizontal gap bars in the given order (first on top), 95 % whiskers, values at right."""
    data = nc.TextCategoryChartData(number_format="0.00")
    # Fixed plot area: names to its left, the values in a column to its right, row by row.
    plot = Box(box.left + BAR_LABEL_WIDTH, box.top + 0.1,
               box.width - BAR_LABEL_WIDTH - BAR_VALUE_WIDTH, box.height - 0.85)  # fmt: skip
    data.categories = [
        chart_label(report.name_of(tp), BAR_LABEL_WIDTH - 0.3, lines=1, size=CHART_PT)
        for tp in shown["touchpoint"]
    ]
    data.add_series("Gap (experienced − expected)", nc.numbers(shown["gap_mean"]))
    chart = add_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, box, data, legend=False)
    nc.place_plot_area(chart, left=BAR_LABEL_WIDTH / box.width, top=0.1 / box.height,
                       width=plot.width / box.width, height=plot.height / box.height)  # fmt: skip
    bars = chart.plots[0]
    bars.gap_width = 45
    series = bars.series[0]
    series.invert_if_negative = False
    gap = shown["gap_mean"].to_numpy(float)
    for i, value in enumerate(gap):
        nc.colour_bar(series, i, SHORTFALL if value < 0 else EXCEED)
    nc.add_error_bars(
        series,
        minus=gap - shown["gap_ci_low"].to_numpy(float),
        plus=shown["gap_ci_high"].to_numpy(float) - gap,
        colour="#3A4250",
    )
    categories = chart.category_axis
    categories.reverse_order = True  # worst at the top, read top to bottom
    nc.value_axis_at_last_category(chart)  # so the value axis stays at the bottom
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    categories.tick_labels.font.size = Pt(CHART_PT)
    values = chart.value_axis
    low, high = _gap_axis_range(shown)
    values.minimum_scale, values.maximum_scale = low, high
    values.major_unit = 0.5 if high - low <= 5 else 1.0  # ticks on round values
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = nc.rgb("#D9DDE3")
    values.tick_labels.number_format = '+0.0;"−"0.0;0'
    values.tick_labels.number_format_is_linked = False
    axis_title(values, "Gap (experienced − expected); below 0 is a shortfall")
    row_height = plot.height / max(len(shown), 1)
    for i, value in enumerate(gap):
        text_box(slide, Box(plot.left + plot.width + 0.05, plot.top + i * row_height,
                         BAR_VALUE_WIDTH - 0.05, row_height),
              signed(value), size=CHART_PT, min_size=LABEL_PT, bold=True,
              colour=SHORTFALL if value < 0 else EXCEED, anchor=MSO_ANCHOR.MIDDLE, inset_y=0.0)  # fmt: skip


def worst_first(gaps: pd.DataFrame) -> pd.DataFrame:
    """Rated touchpoints, lowest mean gap first (ties keep journey order)."""
    return gaps.dropna(subset=["gap_mean"]).sort_values("gap_mean", kind="stable")


def _gap_axis_range(shown: pd.DataFrame) -> tuple[float, float]:
    """A symmetric-enough range around 0 that holds every bar and whisker, in half steps."""
    values = shown[["gap_mean", "gap_ci_low", "gap_ci_high"]].to_numpy(float)
    finite = values[np.isfinite(values)]
    low = min(float(finite.min()) if finite.size else -1.0, 0.0)
    high = max(float(finite.max()) if finite.size else 1.0, 0.0)
    return math.floor(low * 2 - 0.2) / 2, math.ceil(high * 2 + 0.2) / 2
