"""Slide geometry and type, and the building blocks that place fitted text, tables and charts.

Every text is written at the largest size that fits its box (`textfit`), never below the
minimum for its role; titles read from the back of a room, charts and tables from mid-room.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from journeymap import native_charts as nc
from journeymap.report import Report
from journeymap.slide_format import long_date, one_line, printable
from journeymap.textfit import fit_text, fits, line_height

# Geometry, in inches. PowerPoint's own 16:9 is 12,192,000 × 6,858,000 EMU.
SLIDE_WIDTH_EMU, SLIDE_HEIGHT_EMU = 12_192_000, 6_858_000
SLIDE_WIDTH, SLIDE_HEIGHT = SLIDE_WIDTH_EMU / 914_400, SLIDE_HEIGHT_EMU / 914_400
MARGIN = 0.5
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
INSET_X, INSET_Y = 0.08, 0.04
# Type sizes, in points.
TITLE_PT, MIN_TITLE_PT = 32, 28
MESSAGE_PT, MIN_MESSAGE_PT = 20, 16
BODY_PT, MIN_BODY_PT = 16, 12
CHART_PT = 14
LABEL_PT = 12
TABLE_PT, MIN_TABLE_PT = 14, 12
FOOTER_PT = 12
INK = "#1E2430"
MUTED = "#5B6778"


class Box(NamedTuple):
    left: float
    top: float
    width: float
    height: float


class Paragraph(NamedTuple):
    text: str
    bold: bool = False
    colour: str = INK


TITLE_BOX = Box(MARGIN, 0.3, CONTENT_WIDTH, 0.85)
MESSAGE_BOX = Box(MARGIN, 1.15, CONTENT_WIDTH, 0.66)
BODY_BOX = Box(MARGIN, 1.88, CONTENT_WIDTH, 4.92)
FOOTER_BOX = Box(MARGIN, 6.95, CONTENT_WIDTH, 0.4)


def widen_template(prs: PresentationType) -> None:
    """16:9 slides, with the 4:3 master and layouts stretched so new slides fit too."""
    factor = SLIDE_WIDTH_EMU / prs.slide_width
    prs.slide_width, prs.slide_height = Emu(SLIDE_WIDTH_EMU), Emu(SLIDE_HEIGHT_EMU)
    for master in prs.slide_masters:
        for holder in (master, *master.slide_layouts):
            for shape in holder.shapes:
                # A layout placeholder without its own position inherits the (widened) master's.
                own = shape._element.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
                if own is not None:
                    shape.left = Emu(round(shape.left * factor))
                    shape.width = Emu(round(shape.width * factor))


def content_slide(prs: PresentationType, report: Report, title: str) -> Slide:
    """A "Title Only" slide with the fitted title and a footer naming journey, date, filters."""
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
    place_text(slide.shapes.title, TITLE_BOX, title, size=TITLE_PT, min_size=MIN_TITLE_PT,
                bold=True, anchor=MSO_ANCHOR.BOTTOM)  # fmt: skip
    footer = [one_line(report.journey.name), long_date(report.created), *report.filters]
    text_box(slide, FOOTER_BOX, " · ".join(footer), size=FOOTER_PT, colour=MUTED)
    return slide


def show_message(slide: Slide, text: str) -> None:
    """The slide's one-sentence takeaway, under the title."""
    text_box(slide, MESSAGE_BOX, text, size=MESSAGE_PT, min_size=MIN_MESSAGE_PT)


def text_box(slide: Slide, box: Box, text: str, **style: Any) -> Any:
    """A new text box at `box` with `text` fitted to it (`place_text` options)."""
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    place_text(shape, box, text, **style)
    return shape


def rich_text(
    slide: Slide, box: Box, paragraphs: Sequence[Paragraph], *, size: float, min_size: float
) -> Any:
    """A text box of differently styled paragraphs (headings and lists), fitted as one."""
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    place_paragraphs(shape, box, paragraphs, size=size, min_size=min_size)
    return shape


def place_text(
    shape: Any,
    box: Box,
    text: str,
    *,
    bold: bool = False,
    colour: str = INK,
    **layout: Any,
) -> None:
    """Put `shape` at `box` and write `text` at the largest size that fits (then "…")."""
    paragraphs = [Paragraph(line, bold, colour) for line in text.split("\n")]
    place_paragraphs(shape, box, paragraphs, **layout)


def place_paragraphs(
    shape: Any,
    box: Box,
    paragraphs: Sequence[Paragraph],
    *,
    size: float,
    min_size: float | None = None,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    inset_y: float = INSET_Y,
) -> None:
    shape.left, shape.top, shape.width, shape.height = (Inches(v) for v in box)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Inches(INSET_X)
    frame.margin_top = frame.margin_bottom = Inches(inset_y)
    frame.vertical_anchor = anchor
    # Measured as bold when any paragraph is: never narrower than what is drawn.
    fitted = fit_text("\n".join(printable(p.text) for p in paragraphs),
                      width_in=box.width - 2 * INSET_X, height_in=box.height - 2 * inset_y,
                      size_pt=size, min_size_pt=min_size, bold=any(p.bold for p in paragraphs))  # fmt: skip
    kept = fitted.text.split("\n")
    styled = [p._replace(text=text) for p, text in zip(paragraphs, kept, strict=False)]
    write_paragraphs(frame, styled, fitted.size_pt, align=align)


def write_paragraphs(
    frame: Any, paragraphs: Sequence[Paragraph], size: float, *, align: PP_ALIGN
) -> None:
    frame.clear()
    for i, styled in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.line_spacing = 1.0
        run = paragraph.add_run()
        run.text = styled.text
        run.font.size = Pt(size)
        run.font.bold = styled.bold
        run.font.color.rgb = nc.rgb(styled.colour)


def add_table(
    slide: Slide,
    box: Box,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    colours: dict[int, str | Sequence[str]] | None = None,
    numeric: frozenset[int] | set[int] = frozenset(),
) -> float:
    """A table whose every cell fits on its row; returns its height in inches."""
    header_height, row_height = 0.62, 0.42
    height = header_height + row_height * len(rows)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), Inches(box.left), Inches(box.top),
                                   Inches(sum(widths)), Inches(height))  # fmt: skip
    table = shape.table
    for j, width in enumerate(widths):
        table.columns[j].width = Inches(width)
    table.rows[0].height = Inches(header_height)
    for i in range(1, len(rows) + 1):
        table.rows[i].height = Inches(row_height)
    # One type size for the header and one for the body, the largest at which every cell
    # fits; a cell that still does not fit at the smallest size is cut with "…".
    header_size = _common_size(header, widths, header_height, bold=True)
    body_size = min(
        (_common_size(values, widths, row_height, bold=False) for values in rows),
        default=TABLE_PT,
    )
    for i, values in enumerate([header, *rows]):
        for j, value in enumerate(values):
            colour = INK if i else "#FFFFFF"
            if i and colours and j in colours:
                given = colours[j]
                colour = given if isinstance(given, str) else given[i - 1]
            right = j in numeric  # figures line up on the right
            _fill_cell(table.cell(i, j), widths[j], header_height if i == 0 else row_height,
                       str(value), size=body_size if i else header_size, bold=i == 0,
                       colour=colour, align=PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT)  # fmt: skip
    return height


def _common_size(
    values: Sequence[str], widths: Sequence[float], height: float, *, bold: bool
) -> float:
    for size in range(TABLE_PT, MIN_TABLE_PT - 1, -1):
        if all(
            fits(printable(str(v)), size_pt=size, width_in=w - 2 * INSET_X,
                 height_in=height - 2 * INSET_Y, bold=bold)
            for v, w in zip(values, widths, strict=True)
        ):  # fmt: skip
            return size
    return MIN_TABLE_PT


def _fill_cell(
    cell: Any,
    width: float,
    height: float,
    text: str,
    *,
    size: float,
    bold: bool,
    colour: str,
    align: PP_ALIGN,
) -> None:
    cell.margin_left = cell.margin_right = Inches(INSET_X)
    cell.margin_top = cell.margin_bottom = Inches(INSET_Y)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    fitted = fit_text(printable(text), width_in=width - 2 * INSET_X,
                      height_in=height - 2 * INSET_Y, size_pt=size, bold=bold)  # fmt: skip
    write_paragraphs(
        cell.text_frame, [Paragraph(fitted.text, bold, colour)], fitted.size_pt, align=align
    )


def add_chart(
    slide: Slide, kind: XL_CHART_TYPE, box: Box, data: Any, *, legend: bool = True
) -> Any:
    """A native chart of `data` at `box`, in the deck's chart type size; returns the chart."""
    frame = slide.shapes.add_chart(kind, *(Inches(v) for v in box), data)
    nc.style_chart(frame.chart, font_pt=CHART_PT, legend=legend)
    return frame.chart


def axis_title(axis: Any, text: str) -> None:
    """An axis title at the chart type size (python-pptx leaves it at the theme's 10 pt)."""
    axis.has_title = True
    frame = axis.axis_title.text_frame
    frame.text = text
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.bold = Pt(CHART_PT), False


def set_notes(slide: Slide, lines: Sequence[str]) -> None:
    """Speaker notes, one paragraph per line."""
    slide.notes_slide.notes_text_frame.text = printable("\n".join(lines))


def chart_label(text: str, width_in: float, *, lines: int, size: float = LABEL_PT) -> str:
    """A chart label shortened with "…" to `lines` lines of `width_in` (charts wrap labels)."""
    return fit_text(one_line(text), width_in=width_in, height_in=lines * line_height(size),
                    size_pt=size).text  # fmt: skip


def drop_theme_style(shape: Any) -> None:
    """Shapes take a theme style with a drop shadow; LibreOffice draws it despite overrides."""
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)


def point_label(
    series: Any, index: int, text: str, colour: str, position: Any, *, bold: bool = True
) -> None:
    """A data label with its own text on one line; the run carries the font (renderers ignore
    the label's own)."""
    label = series.points[index].data_label
    label.has_text_frame = True
    label.position = position
    label.text_frame.word_wrap = False  # LibreOffice otherwise wraps labels at about 1.2 in
    paragraph = label.text_frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(LABEL_PT), bold
    run.font.color.rgb = nc.rgb(colour)


def axes_at_the_edges(chart: Any) -> None:
    """XY axes along the left and bottom edges, not through 0 inside the plot."""
    chart.category_axis.crosses = XL_AXIS_CROSSES.MINIMUM
    chart.value_axis.crosses = XL_AXIS_CROSSES.MINIMUM
