"""Native PowerPoint chart parts: data that stays text, colours, fonts, error bars.

A native chart opens in PowerPoint with its numbers in an embedded workbook, so people can
restyle or re-plot it. python-pptx writes that workbook with XlsxWriter, whose `write()` turns a
string starting with "=" into a formula and one starting with "http" into a link; a touchpoint
named `=HYPERLINK(...)` would become a live formula in the deck. The chart data classes here keep
every label a plain string.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Pt
from xlsxwriter import Workbook

#: XlsxWriter options that store every string as a string.
_STRINGS_STAY_TEXT = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


@contextmanager
def _text_only_worksheet(xlsx_file: Any) -> Iterator[tuple[Any, Any]]:
    workbook = Workbook(xlsx_file, _STRINGS_STAY_TEXT)
    worksheet = workbook.add_worksheet()
    yield workbook, worksheet
    workbook.close()


class _TextCategoryWorkbookWriter(CategoryWorkbookWriter):
    def _open_worksheet(self, xlsx_file: Any) -> Any:
        return _text_only_worksheet(xlsx_file)


class _TextXyWorkbookWriter(XyWorkbookWriter):
    def _open_worksheet(self, xlsx_file: Any) -> Any:
        return _text_only_worksheet(xlsx_file)


class TextCategoryChartData(CategoryChartData):
    """CategoryChartData whose embedded workbook keeps category labels as text."""

    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:
        return _TextCategoryWorkbookWriter(self)


class TextXyChartData(XyChartData):
    """XyChartData whose embedded workbook keeps series names as text."""

    @property
    def _workbook_writer(self) -> XyWorkbookWriter:
        return _TextXyWorkbookWriter(self)


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def numbers(values: Iterable[float]) -> list[float | None]:
    """Chart values with NaN as a gap in the series (None), which PowerPoint leaves blank."""
    return [None if v is None or not math.isfinite(float(v)) else float(v) for v in values]


def style_chart(chart: Chart, *, font_pt: float, legend: bool = True) -> None:
    """One font size for the whole chart, no chart title (the slide has one), legend on top."""
    chart.font.size = Pt(font_pt)
    chart.has_title = False
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(font_pt)


def style_line(
    series: Any,
    colour: str,
    *,
    width_pt: float = 2.5,
    dashed: bool = False,
    marker: XL_MARKER_STYLE | None = XL_MARKER_STYLE.CIRCLE,
    marker_pt: int = 9,
) -> None:
    """A line series in one colour; `marker=None` draws the line alone."""
    series.smooth = False
    line = series.format.line
    line.color.rgb = rgb(colour)
    line.width = Pt(width_pt)
    if dashed:
        line.dash_style = MSO_LINE_DASH_STYLE.DASH
    if marker is None:
        series.marker.style = XL_MARKER_STYLE.NONE
        return
    series.marker.style = marker
    series.marker.size = marker_pt
    series.marker.format.fill.solid()
    series.marker.format.fill.fore_color.rgb = rgb(colour)
    series.marker.format.line.color.rgb = rgb(colour)


def place_plot_area(chart: Chart, *, left: float, top: float, width: float, height: float) -> None:
    """Fix the plot area (axes excluded) at fractions of the chart frame.

    Renderers otherwise size it from the labels, each its own way; a fixed plot area lets
    shapes outside the chart (a row of stage labels) line up with the categories.
    """
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    existing = plot_area.find(qn("c:layout"))
    if existing is not None:
        plot_area.remove(existing)
    plot_area.insert(
        0,
        parse_xml(
            f'<c:layout {nsdecls("c")}><c:manualLayout><c:layoutTarget val="inner"/>'
            '<c:xMode val="edge"/><c:yMode val="edge"/>'
            f'<c:x val="{left:.4f}"/><c:y val="{top:.4f}"/><c:w val="{width:.4f}"/>'
            f'<c:h val="{height:.4f}"/></c:manualLayout></c:layout>'
        ),
    )


def place_legend(chart: Chart, *, left: float, top: float, width: float, height: float) -> None:
    """Fix the legend's box (fractions of the chart frame) so entries flow into rows across it
    instead of a renderer stacking them in one column over the plot."""
    legend = chart._chartSpace.find(qn("c:chart")).find(qn("c:legend"))
    layout = legend.find(qn("c:layout"))
    if layout is None:
        layout = parse_xml(f"<c:layout {nsdecls('c')}/>")
        legend.find(qn("c:legendPos")).addnext(layout)
    for child in list(layout):
        layout.remove(child)
    layout.append(
        parse_xml(
            f"<c:manualLayout {nsdecls('c')}>"
            '<c:xMode val="edge"/><c:yMode val="edge"/>'
            f'<c:x val="{left:.4f}"/><c:y val="{top:.4f}"/><c:w val="{width:.4f}"/>'
            f'<c:h val="{height:.4f}"/></c:manualLayout>'
        )
    )


def hide_legend_entries(chart: Chart, indexes: Sequence[int]) -> None:
    """Leave helper series (cross-hairs, markers) out of the legend."""
    legend = chart._chartSpace.find(qn("c:chart")).find(qn("c:legend"))
    position = legend.find(qn("c:legendPos"))
    for index in sorted(indexes, reverse=True):
        position.addnext(
            parse_xml(
                f'<c:legendEntry {nsdecls("c")}><c:idx val="{index}"/>'
                '<c:delete val="1"/></c:legendEntry>'
            )
        )


def value_axis_at_last_category(chart: Chart) -> None:
    """Cross the category axis at its last category: with the categories reversed (first on
    top), the value axis then stays at the bottom. python-pptx only sets the other direction."""
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    plot_area.find(qn("c:valAx")).find(qn("c:crosses")).set("val", "max")


def transparent_background(chart: Chart) -> None:
    """No fill behind the chart, so shapes under it (stage bands) show through."""
    space = chart._chartSpace
    if space.find(qn("c:spPr")) is not None:
        return
    space.find(qn("c:chart")).addnext(
        parse_xml(f"<c:spPr {nsdecls('c', 'a')}><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>")
    )


def rotate_labels(axis: Any, degrees: float) -> None:
    """Tick labels at a fixed angle; at 0° renderers wrap long labels instead of turning them."""
    body = axis._element.get_or_add_txPr().find(qn("a:bodyPr"))
    body.set("rot", str(round(degrees * 60_000)))
    body.set("vert", "horz")


def hide_line(series: Any) -> None:
    """Markers only (XY scatter series)."""
    series.format.line.fill.background()


def colour_bar(series: Any, index: int, colour: str) -> None:
    fill = series.points[index].format.fill
    fill.solid()
    fill.fore_color.rgb = rgb(colour)


def add_error_bars(
    series: Any, minus: Sequence[float], plus: Sequence[float], *, colour: str
) -> None:
    """Custom error bars (e.g. a 95 % interval) on a bar or line series; python-pptx has no API.

    `minus` and `plus` are the distances below and above each value; NaN draws no bar.
    """
    n = len(minus)

    def literal(values: Sequence[float]) -> str:
        points = "".join(
            f'<c:pt idx="{i}"><c:v>{0.0 if not math.isfinite(v) else max(v, 0.0):.6g}</c:v></c:pt>'
            for i, v in enumerate(values)
        )
        return f'<c:numLit><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{points}</c:numLit>'

    colour_hex = colour.lstrip("#").upper()
    err_bars = parse_xml(
        f"<c:errBars {nsdecls('c', 'a')}>"
        '<c:errBarType val="both"/><c:errValType val="cust"/><c:noEndCap val="0"/>'
        f"<c:plus>{literal(plus)}</c:plus><c:minus>{literal(minus)}</c:minus>"
        f'<c:spPr><a:ln w="19050"><a:solidFill><a:srgbClr val="{colour_hex}"/></a:solidFill>'
        "</a:ln></c:spPr></c:errBars>"
    )
    element = series._element
    # The schema orders a series' children; error bars go right before the categories.
    anchor = element.find(qn("c:cat"))
    if anchor is None:
        anchor = element.find(qn("c:xVal"))
    if anchor is None:
        raise ValueError("series has no categories to place error bars before")
    anchor.addprevious(err_bars)


def error_bar_values(series: Any) -> tuple[list[float], list[float]]:
    """Read back (minus, plus) of custom error bars, for tests and checks."""
    bars = series._element.find(qn("c:errBars"))
    if bars is None:
        return [], []

    def read(tag: str) -> list[float]:
        return [float(v.text) for v in bars.find(qn(tag)).iter(qn("c:v"))]

    return read("c:minus"), read("c:plus")


def chart_font_sizes(chart: Chart) -> list[float]:
    """Every font size (points) written anywhere in the chart's XML."""
    root = chart._chartSpace
    return [int(node.get("sz")) / 100 for node in root.iter() if _is_sized(node)]


def _is_sized(node: etree._Element) -> bool:
    return isinstance(node.tag, str) and node.get("sz") is not None and node.tag.endswith("rPr")
