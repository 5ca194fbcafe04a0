"""The journey review deck: 16:9 slides with native, editable charts and speaker notes.

Built on python-pptx's default template, whose master and layouts are 4:3: we widen them to 16:9
and place every title, chart and table ourselves, fitting each text to its box (`textfit`) so
nothing wraps out of a box when the deck is opened in PowerPoint or LibreOffice.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Inches, Pt

from journeymap import native_charts as nc
from journeymap.charts import EXCEED, EXPECTED, EXPERIENCED, SHORTFALL
from journeymap.label_placement import Rect, place_labels
from journeymap.report import Report
from journeymap.slide_format import (
    count,
    interval,
    long_date,
    number,
    one_line,
    percent,
    signed,
)
from journeymap.slide_layout import (
    BODY_BOX,
    BODY_PT,
    CHART_PT,
    INK,
    INSET_X,
    INSET_Y,
    LABEL_PT,
    MIN_BODY_PT,
    MIN_MESSAGE_PT,
    MIN_TITLE_PT,
    MUTED,
    SLIDE_WIDTH,
    Box,
    Paragraph,
    add_chart,
    add_table,
    axes_at_the_edges,
    axis_title,
    chart_label,
    content_slide,
    drop_theme_style,
    place_text,
    point_label,
    rich_text,
    set_notes,
    show_message,
    text_box,
    widen_template,
)
from journeymap.sweep_slide import sweep_slide
from journeymap.textfit import line_height, text_width

BAND = "#EEF0F3"
#: Journey map category labels: the room renderers leave around a label, and the length of a
#: label turned 45° (when some word would not fit across its category).
LABEL_PADDING = 0.15
ROTATED_LABEL_WIDTH = 1.9
STAGE_ROW_HEIGHT = 0.42
#: Gap bars: room for the touchpoint names left of the plot and the values right of it.
BAR_LABEL_WIDTH, BAR_VALUE_WIDTH = 3.4, 0.95
#: Bars a slide can show at a readable size; the rest are listed in the notes.
MAX_BARS = 16
TOP_SHORTFALLS = 5
MAX_ROLE_ROWS = 8
#: Role slides: the team prompt at the bottom, and gap bars between it and the table if they fit.
ROLE_PROMPT_HEIGHT = 0.7
MIN_ROLE_CHART_HEIGHT = 1.5
BAR_HEIGHT = 0.42
QUADRANTS = ("concentrate here", "keep up the good work", "low priority", "possible overkill")
QUADRANT_COLOURS = dict(zip(QUADRANTS, (SHORTFALL, EXCEED, MUTED, MUTED), strict=True))
QUADRANT_LABEL_WIDTH = 1.9
LABEL_POSITIONS = {
    "right": XL_LABEL_POSITION.RIGHT,
    "left": XL_LABEL_POSITION.LEFT,
    "above": XL_LABEL_POSITION.ABOVE,
    "below": XL_LABEL_POSITION.BELOW,
}

GAP_DEFINITION = (
    "Gap = experienced − expected, per rating, on the journey's {scale} scale "
    "(SERVQUAL P − E); below 0 the touchpoint falls short of what customers expected."
)
DEFINITIONS = {
    "ci": "95 % interval: Student-t interval of the mean gap (needs at least 2 ratings).",
    "shortfall_share": "Falls short for: share of ratings whose gap is below 0.",
    "loss_adjusted": (
        "Loss-adjusted gap: mean of v(gap), v(g) = g for g ≥ 0 and λ·g for g < 0, λ = {lam:g} "
        "(losses loom larger than gains; Tversky & Kahneman 1992)."
    ),
    "recovery_debt": (
        "Recovery debt: max(0, {ratio:g} × negative − positive experiences): the positive "
        "experiences still owed ('12 good experiences make up for one bad one')."
    ),
    "ipa": (
        "Importance–performance (Martilla & James 1977): performance = mean experienced, "
        "importance = mean importance; cross-hairs at the means across touchpoints."
    ),
}


def build_deck(report: Report) -> bytes:
    """The deck as .pptx bytes (for a download button or a file)."""
    buffer = io.BytesIO()
    deck(report).save(buffer)
    return buffer.getvalue()


def deck(report: Report) -> PresentationType:
    """Title, journey map, gap bars, importance–performance, top shortfalls, the chosen lever's
    promise sweep, and one slide per front-line role."""
    prs = Presentation()
    widen_template(prs)
    _title_slide(prs, report)
    _journey_map_slide(prs, report)
    _gap_bars_slide(prs, report)
    _quadrant_slide(prs, report)
    _shortfalls_slide(prs, report)
    if report.sweep is not None and report.promise is not None:
        sweep_slide(prs, report)
    for role, touchpoints in roles_in_journey_order(report).items():
        _role_slide(prs, report, role, touchpoints)
    return prs


def roles_in_journey_order(report: Report) -> dict[str, list[str]]:
    """Front-line role → its touchpoints in the gap table, in journey order; unowned ones left out."""
    present = set(report.gaps["touchpoint"])
    roles: dict[str, list[str]] = {}
    for tp in report.journey.ordered_touchpoints():
        if tp.id in present and tp.role.strip():
            roles.setdefault(tp.role.strip(), []).append(tp.id)
    return roles


def _title_slide(prs: PresentationType, report: Report) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    journey = report.journey
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    place_text(title, Box(0.9, 1.9, SLIDE_WIDTH - 1.8, 1.7), one_line(journey.name), size=44,
                min_size=MIN_TITLE_PT, bold=True, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.BOTTOM)  # fmt: skip
    people = (
        f"{report.respondents:,} respondents · " if report.respondents is not None else ""
    ) + f"{report.ratings:,} ratings · {len(report.gaps)} touchpoints"
    lines = [f"Customer journey review · {long_date(report.created)}", people]
    if report.filters:
        lines.append("Showing " + "; ".join(report.filters))
    if journey.lever is not None:
        lines.append(f"Chosen lever: exceed on {journey.lever.value}")
    place_text(subtitle, Box(0.9, 3.8, SLIDE_WIDTH - 1.8, 2.2), "\n".join(lines), size=22,
                min_size=MIN_MESSAGE_PT, colour=MUTED, align=PP_ALIGN.CENTER)  # fmt: skip
    set_notes(
        slide,
        [
            f"Journey: {journey.name} ({journey.id}); exported {report.created.isoformat()}.",
            f"Ratings: {report.ratings:,}; respondents: "
            + ("not recorded" if report.respondents is None else f"{report.respondents:,}"),
            "Filters: " + ("; ".join(report.filters) if report.filters else "none"),
            f"Rating scale: {journey.scale.label()}.",
            _gap_definition(report),
            *report.notes,
        ],
    )


def _journey_map_slide(prs: PresentationType, report: Report) -> None:
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
                   "", _gap_definition(report),
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


def _gap_bars_slide(prs: PresentationType, report: Report) -> None:
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
        _gap_bars_chart(slide, report, shown, BODY_BOX._replace(height=height))
    lines = [
        f"{i}. {report.name_of(row.touchpoint)}: gap {signed(row.gap_mean)} "
        f"(95 % interval {interval(row)}), n = {int(row.n)}"
        for i, row in enumerate(ordered.itertuples(), start=1)
    ]
    unrated = [report.name_of(tp) for tp in report.gaps.loc[report.gaps["n"] == 0, "touchpoint"]]
    set_notes(slide, ["Mean gap per touchpoint, lowest first; whiskers are the 95 % interval.", *lines,
                   *([f"No ratings: {', '.join(unrated)}"] if unrated else []),
                   "", _gap_definition(report), DEFINITIONS["ci"]])  # fmt: skip


def _gap_bars_chart(slide: Slide, report: Report, shown: pd.DataFrame, box: Box = BODY_BOX) -> None:
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


def _quadrant_slide(prs: PresentationType, report: Report) -> None:
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


def _shortfalls_slide(prs: PresentationType, report: Report) -> None:
    ordered = worst_first(report.gaps)
    top = ordered[ordered["gap_mean"] < 0].head(TOP_SHORTFALLS)
    slide = content_slide(prs, report, f"Top {TOP_SHORTFALLS} shortfalls and who owns them")
    show_message(
        slide,
        (
            "The largest shortfall; it needs its owner's attention."
            if len(top) == 1
            else f"The {len(top)} largest shortfalls, worst first; each needs its owner's attention."
        )
        if len(top)
        else "No touchpoint falls short of expectations.",
    )
    header = ["Touchpoint", "Stage", "Owner role", "Gap", "95 % interval", "Falls short for",
              "Loss-adjusted gap", "Recovery debt"]  # fmt: skip
    widths = [2.6, 1.2, 1.75, 0.9, 1.95, 1.2, 1.55, 1.15]
    rows = []
    for row in top.itertuples():
        touchpoint = report.journey.touchpoint(row.touchpoint)
        rows.append(
            [touchpoint.name, touchpoint.stage, touchpoint.role or "unassigned",
             signed(row.gap_mean), interval(row), percent(row.shortfall_share),
             signed(row.loss_adjusted_gap), number(row.recovery_debt, 0)]
        )  # fmt: skip
    height = add_table(slide, Box(BODY_BOX.left, BODY_BOX.top, sum(widths), 0), header, rows,
                    widths, colours={3: SHORTFALL}, numeric={3, 4, 5, 6, 7})  # fmt: skip
    scale = report.journey.scale.label()
    legend = (
        f"Gap: experienced − expected on the {scale} scale, with the 95 % interval of the mean. "
        "Falls short for: share of ratings below expectation. Loss-adjusted: a shortfall weighs "
        f"{report.loss_aversion:g}× a surplus. Recovery debt: good experiences still owed, at "
        f"{report.recovery_ratio:g} per bad one."
    )
    top_of_legend = BODY_BOX.top + height + 0.3
    text_box(slide, Box(BODY_BOX.left, top_of_legend, BODY_BOX.width,
                     BODY_BOX.top + BODY_BOX.height - top_of_legend),
          legend, size=BODY_PT, min_size=MIN_BODY_PT, colour=MUTED)  # fmt: skip
    lines = [
        f"{i}. {report.name_of(row.touchpoint)} — owner "
        f"{report.journey.touchpoint(row.touchpoint).role or 'unassigned'}: gap "
        f"{signed(row.gap_mean)} ({interval(row)}), falls short for "
        f"{percent(row.shortfall_share)} of ratings, loss-adjusted {signed(row.loss_adjusted_gap)}, "
        f"recovery debt {number(row.recovery_debt, 0)}, n = {int(row.n)}"
        for i, row in enumerate(top.itertuples(), start=1)
    ]
    set_notes(slide, [*lines, "", _gap_definition(report), DEFINITIONS["ci"],
                   DEFINITIONS["shortfall_share"],
                   DEFINITIONS["loss_adjusted"].format(lam=report.loss_aversion),
                   DEFINITIONS["recovery_debt"].format(ratio=report.recovery_ratio),
                   "Owner role: the front-line role named on the touchpoint in the journey file."])  # fmt: skip


def _role_slide(prs: PresentationType, report: Report, role: str, touchpoints: list[str]) -> None:
    table = report.gaps.set_index("touchpoint").loc[touchpoints].reset_index()
    slide = content_slide(prs, report, f"For trainers: {one_line(role)}")
    rated = table.dropna(subset=["gap_mean"])
    if rated.empty:
        message = "No ratings yet for these touchpoints."
    elif (rated["gap_mean"] < 0).any():
        worst = rated.loc[rated["gap_mean"].idxmin()]
        message = (
            f"Biggest shortfall: {one_line(report.name_of(worst['touchpoint']))}: customers "
            f"expect {number(worst['expected_mean'], 1)}, experience "
            f"{number(worst['experienced_mean'], 1)} ({signed(worst['gap_mean'])})."
        )
    else:
        message = "Every rated touchpoint meets or exceeds expectations: keep it up."
    show_message(slide, message)
    header = ["Touchpoint", "Stage", "Expected", "Experienced", "Gap", "Falls short for",
              "Quadrant"]  # fmt: skip
    widths = [3.0, 1.4, 1.2, 1.45, 1.0, 1.35, 2.9]
    shown = table.head(MAX_ROLE_ROWS)
    rows = [
        [report.name_of(row.touchpoint), row.stage, number(row.expected_mean),
         number(row.experienced_mean), signed(row.gap_mean), percent(row.shortfall_share),
         row.quadrant.capitalize() if isinstance(row.quadrant, str) else "—"]
        for row in shown.itertuples()
    ]  # fmt: skip
    colours = [SHORTFALL if g < 0 else EXCEED if g >= 0 else INK for g in shown["gap_mean"]]
    height = add_table(slide, Box(BODY_BOX.left, BODY_BOX.top, sum(widths), 0), header, rows,
                    widths, colours={4: colours}, numeric={2, 3, 4, 5})  # fmt: skip
    bottom = BODY_BOX.top + BODY_BOX.height
    prompt_box = Box(BODY_BOX.left, bottom - ROLE_PROMPT_HEIGHT, BODY_BOX.width, ROLE_PROMPT_HEIGHT)
    rated = worst_first(shown)
    room = prompt_box.top - (BODY_BOX.top + height + 0.2)
    if len(rated) and room >= MIN_ROLE_CHART_HEIGHT:
        # The same bars as the gap slide, for this role's touchpoints only.
        chart_height = min(room, 1.05 + BAR_HEIGHT * len(rated))
        _gap_bars_chart(slide, report, rated,
                        Box(BODY_BOX.left, BODY_BOX.top + height + 0.2, BODY_BOX.width,
                            chart_height))  # fmt: skip
    prompt = (
        "Discuss with the team: knowing (is the standard kept every time?), doing (do we adapt "
        "to this customer without being asked?), being (are we genuinely present?)."
    )
    if len(table) > MAX_ROLE_ROWS:
        prompt = f"{len(table) - MAX_ROLE_ROWS} more touchpoints are in the notes. " + prompt
    text_box(slide, prompt_box, prompt, size=BODY_PT, min_size=MIN_BODY_PT, colour=MUTED)
    lines = [
        f"{report.name_of(row.touchpoint)} ({row.stage}): expected {number(row.expected_mean)}, "
        f"experienced {number(row.experienced_mean)}, gap {signed(row.gap_mean)}, falls short for "
        f"{percent(row.shortfall_share)} of {int(row.n)} ratings, quadrant {row.quadrant}"
        for row in table.itertuples()
    ]
    set_notes(slide, [f"Touchpoints owned by {role}, in journey order.", *lines, "",
                   _gap_definition(report), DEFINITIONS["shortfall_share"],
                   "Knowing, doing, being: three depths of service for front-line training."])  # fmt: skip


def worst_first(gaps: pd.DataFrame) -> pd.DataFrame:
    """Rated touchpoints, lowest mean gap first (ties keep journey order)."""
    return gaps.dropna(subset=["gap_mean"]).sort_values("gap_mean", kind="stable")


def _in_journey_order(report: Report) -> pd.DataFrame:
    """The gap table's touchpoints in journey order, with name and stage from the journey."""
    present = report.gaps.drop_duplicates("touchpoint").set_index("touchpoint")
    rows = [tp for tp in report.journey.ordered_touchpoints() if tp.id in present.index]
    table = present.loc[[tp.id for tp in rows]].reset_index()
    table["name"] = [tp.name for tp in rows]
    table["stage"] = [tp.stage for tp in rows]
    return table


def _gap_axis_range(shown: pd.DataFrame) -> tuple[float, float]:
    """A symmetric-enough range around 0 that holds every bar and whisker, in half steps."""
    values = shown[["gap_mean", "gap_ci_low", "gap_ci_high"]].to_numpy(float)
    finite = values[np.isfinite(values)]
    low = min(float(finite.min()) if finite.size else -1.0, 0.0)
    high = max(float(finite.max()) if finite.size else 1.0, 0.0)
    return math.floor(low * 2 - 0.2) / 2, math.ceil(high * 2 + 0.2) / 2


def _nice_range(values: np.ndarray) -> tuple[float, float]:
    """Axis bounds on half steps with room around the outermost points."""
    if not len(values):
        return 0.0, 1.0
    pad = max(0.25, float(values.max() - values.min()) * 0.1)
    return math.floor((values.min() - pad) * 2) / 2, math.ceil((values.max() + pad) * 2) / 2


def _gap_definition(report: Report) -> str:
    return GAP_DEFINITION.format(scale=report.journey.scale.label())
