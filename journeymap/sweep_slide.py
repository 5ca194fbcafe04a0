"""The chosen lever's slide: how often each promised value is met and beaten, what it is worth
per 1,000 prospects, and the recommended promise against today's (DOMAIN.md: exceed on one lever).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_MARKER_STYLE
from pptx.presentation import Presentation as PresentationType

from journeymap import native_charts as nc
from journeymap.charts import EXCEED, EXPECTED, EXPERIENCED
from journeymap.report import Report
from journeymap.slide_format import one_line, percent
from journeymap.slide_layout import (
    BODY_BOX,
    Box,
    add_chart,
    axes_at_the_edges,
    axis_title,
    content_slide,
    point_label,
    set_notes,
    show_message,
)


def sweep_slide(prs: PresentationType, report: Report) -> None:
    assert report.sweep is not None and report.promise is not None
    promise, sweep = report.promise, report.sweep.sort_values("promise")
    unit = f"\u00a0{one_line(promise.unit)}" if promise.unit else ""  # "60 min" stays together
    what = promise.label or report.name_of(promise.touchpoint)
    slide = content_slide(prs, report, f"Exceed on {promise.lever.value}: {one_line(what)}")
    best = sweep[sweep["recommended"].astype(bool)].iloc[0]
    current = sweep[np.isclose(sweep["promise"], promise.promised)]
    figures = (
        f"met {percent(best['p_met'])}, beaten {percent(best['p_delight'])}, "
        f"value {best['value_per_1000']:,.0f} per 1,000 prospects"
    )
    if np.isclose(best["promise"], promise.promised):
        message = (
            f"Today's promise, {promise.promised:g}{unit}, is the best one simulated: {figures}"
        )
    else:
        message = f"Recommended promise {best['promise']:g}{unit}: {figures}"
        if len(current):
            now = current.iloc[0]
            message += (
                f"; today's {promise.promised:g}{unit}: met {percent(now['p_met'])}, "
                f"value {now['value_per_1000']:,.0f}"
            )
    show_message(slide, message + ".")

    half = (BODY_BOX.width - 0.3) / 2
    x_values = sweep["promise"].to_numpy(float)
    # A handful of promised values (service levels) are points, not a curve: show them.
    kind = (
        XL_CHART_TYPE.XY_SCATTER_LINES
        if len(sweep) <= 12
        else XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS
    )
    markers = XL_MARKER_STYLE.CIRCLE if len(sweep) <= 12 else None
    share = nc.TextXyChartData(number_format="0.000")
    for name, column in (("Promise met", "p_met"), ("Beaten (delight)", "p_delight")):
        series = share.add_series(name)
        for xv, yv in zip(x_values, sweep[column].to_numpy(float), strict=True):
            series.add_data_point(xv, yv)
    _vertical(share, f"Recommended {best['promise']:g}{unit}", best["promise"], (0.0, 1.0))
    _vertical(share, f"Today {promise.promised:g}{unit}", promise.promised, (0.0, 1.0))
    box = Box(BODY_BOX.left, BODY_BOX.top, half, BODY_BOX.height)
    chart = add_chart(slide, kind, box, share)
    _sweep_plot_area(chart, box)
    met, beaten, recommended, today = chart.plots[0].series
    nc.style_line(met, EXPERIENCED, width_pt=3, marker=markers)
    nc.style_line(beaten, EXCEED, width_pt=3, dashed=True, marker=markers)
    nc.style_line(recommended, EXCEED, width_pt=2, marker=None)
    nc.style_line(today, EXPECTED, width_pt=2, dashed=True, marker=None)
    chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 0.0, 1.05
    chart.value_axis.major_unit = 0.25
    chart.value_axis.tick_labels.number_format = "0%"
    chart.value_axis.tick_labels.number_format_is_linked = False
    _promise_axis(chart, x_values, promise.promised, unit)
    axis_title(chart.value_axis, "Share of customers")

    value = nc.TextXyChartData(number_format="#,##0.0")
    series = value.add_series("Value per 1,000 prospects")
    values = sweep["value_per_1000"].to_numpy(float)
    for xv, yv in zip(x_values, values, strict=True):
        series.add_data_point(xv, yv)
    value.add_series("Recommended").add_data_point(
        float(best["promise"]), float(best["value_per_1000"])
    )
    low, high = _value_range(values)
    _vertical(value, "Today", promise.promised, (low, high))
    box = Box(BODY_BOX.left + half + 0.3, BODY_BOX.top, half, BODY_BOX.height)
    chart = add_chart(slide, kind, box, value)
    _sweep_plot_area(chart, box)
    nc.hide_legend_entries(chart, [2])
    value_line, recommended, today = chart.plots[0].series
    nc.style_line(value_line, "#3A4250", width_pt=3, marker=markers)
    nc.style_line(recommended, EXCEED, marker=XL_MARKER_STYLE.DIAMOND, marker_pt=17)
    nc.hide_line(recommended)
    nc.style_line(today, EXPECTED, width_pt=2, dashed=True, marker=None)
    point_label(recommended, 0, f"{best['promise']:g}{unit}", EXCEED, XL_LABEL_POSITION.ABOVE)
    chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = low, high
    chart.value_axis.major_unit = _nice_step((high - low) / 5)
    chart.value_axis.tick_labels.number_format = "#,##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    _promise_axis(chart, x_values, promise.promised, unit)
    axis_title(chart.value_axis, "Value per 1,000 prospects")

    step = max(1, len(sweep) // 25)
    rows = [
        f"promise {r.promise:g}{unit}: met {percent(r.p_met)}, beaten {percent(r.p_delight)}, "
        f"mean margin {r.mean_margin:+.3g}, satisfaction {r.satisfaction:+.3f}, "
        f"value {r.value_per_1000:,.1f} per 1,000" + (" ← recommended" if r.recommended else "")
        for r in sweep.iloc[::step].itertuples()
    ]
    direction = "lower" if promise.lever.lower_is_better else "higher"
    set_notes(slide, [
        f"Lever: {promise.lever.value} ({direction} is better for the customer); promise today: "
        f"{promise.promised:g}{unit} at {report.name_of(promise.touchpoint)}.", *rows, "",
        "Promise met: share of simulated deliveries at or better than the promise. Beaten "
        "(delight): better by at least the delight threshold. Value per 1,000 prospects: the "
        "customers a promise wins (conversion) times what they are worth when it is kept, beaten "
        "or missed (retention). A bolder promise wins more customers but is missed more often; "
        "the recommended promise has the highest value. Over-promise to acquire, over-deliver "
        "to retain.",
    ])  # fmt: skip


def _vertical(data: Any, name: str, x: float, span: tuple[float, float]) -> None:
    series = data.add_series(name)
    for y in span:
        series.add_data_point(float(x), float(y))


def _sweep_plot_area(chart: Any, box: Box) -> None:
    top, bottom, left, right = 0.85, 0.85, 1.0, 0.3
    axes_at_the_edges(chart)
    nc.place_legend(chart, left=0.02, top=0.0, width=0.96, height=(top - 0.1) / box.height)
    nc.place_plot_area(chart, left=left / box.width, top=top / box.height,
                       width=(box.width - left - right) / box.width,
                       height=(box.height - top - bottom) / box.height)  # fmt: skip


def _value_range(values: np.ndarray) -> tuple[float, float]:
    """Round bounds with room above the highest value for the recommended label."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    spread = max(high - low, abs(high) * 0.05, 1.0)
    step = _nice_step((spread * 1.4) / 5)
    return math.floor((low - 0.1 * spread) / step) * step, math.ceil(
        (high + 0.3 * spread) / step
    ) * step


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw` (axis tick spacing)."""
    exponent = math.floor(math.log10(raw)) if raw > 0 else 0
    for mantissa in (1, 2, 2.5, 5, 10):
        step = mantissa * 10.0**exponent
        if step >= raw * (1 - 1e-9):
            return step
    return 10.0 ** (exponent + 1)


def _promise_axis(chart: Any, x_values: np.ndarray, current: float, unit: str) -> None:
    """Round ticks, with a step of room when a promise sits on the edge of the range."""
    axis = chart.category_axis
    low, high = min(float(x_values.min()), current), max(float(x_values.max()), current)
    step = _nice_step((high - low) / 6) if high > low else 1.0
    start, stop = math.floor(low / step) * step, math.ceil(high / step) * step
    start -= step if math.isclose(start, low) else 0
    stop += step if math.isclose(stop, high) else 0
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = start, stop, step
    # An empty negative section hides the ticks below 0 of a scale that cannot go negative.
    axis.tick_labels.number_format = "General;;0" if low >= 0 else "General"
    axis.tick_labels.number_format_is_linked = False
    axis_title(axis, f"Promise{' (' + unit.strip() + ')' if unit else ''}")
