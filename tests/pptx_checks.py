"""Reading a deck back the way a reviewer would: every text in its box, charts and their numbers."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pptx import Presentation
from pptx.presentation import Presentation as PresentationType
from pptx.util import Emu

from journeymap import textfit

EMU_PER_INCH = 914_400
MIN_PT = 12


def open_deck(data: bytes) -> PresentationType:
    return Presentation(io.BytesIO(data))


@dataclass(frozen=True)
class TextBox:
    slide: int
    where: str
    frame: Any
    width: float  # inner width, inches
    height: float  # inner height, inches


def text_boxes(prs: PresentationType) -> Iterator[TextBox]:
    """Every text frame of every slide (shapes and table cells) with the room inside it."""
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame:
                frame = shape.text_frame
                yield TextBox(
                    number,
                    shape.name,
                    frame,
                    _inches(shape.width - frame.margin_left - frame.margin_right),
                    _inches(shape.height - frame.margin_top - frame.margin_bottom),
                )
            if shape.has_table:
                table = shape.table
                for i, row in enumerate(table.rows):
                    for j, column in enumerate(table.columns):
                        cell = table.cell(i, j)
                        yield TextBox(
                            number,
                            f"{shape.name} cell ({i}, {j})",
                            cell.text_frame,
                            _inches(column.width - cell.margin_left - cell.margin_right),
                            _inches(row.height - cell.margin_top - cell.margin_bottom),
                        )


def overflowing(prs: PresentationType) -> list[str]:
    """Text that needs more room than its box has (or breaks a word), described for a message."""
    problems = []
    for box in text_boxes(prs):
        needed = 0.0
        for paragraph in box.frame.paragraphs:
            text = "".join(run.text for run in paragraph.runs)
            sizes = [run.font.size for run in paragraph.runs]
            if not text:
                continue
            if any(size is None for size in sizes):
                problems.append(f"slide {box.slide} {box.where}: {text!r} has no explicit size")
                continue
            size = max(s.pt for s in sizes)
            bold = any(run.font.bold for run in paragraph.runs)
            for word in text.split():
                # Breaking a word is a fitting mistake unless it is too long even at 12 pt.
                too_wide = textfit.text_width(word, size, bold=bold) > box.width + 1e-6
                if too_wide and textfit.text_width(word, MIN_PT, bold=bold) <= box.width:
                    problems.append(f"slide {box.slide} {box.where}: word {word!r} is broken")
            needed += textfit.text_height(text, size, box.width, bold=bold)
        if needed > box.height + 1e-6:
            problems.append(
                f"slide {box.slide} {box.where}: needs {needed:.2f} in, has {box.height:.2f} in"
            )
    return problems


def outside_the_slide(prs: PresentationType) -> list[str]:
    problems = []
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            right, bottom = shape.left + shape.width, shape.top + shape.height
            if (
                shape.left < 0
                or shape.top < 0
                or right > prs.slide_width
                or bottom > prs.slide_height
            ):
                problems.append(f"slide {number} {shape.name}")
    return problems


def run_sizes(prs: PresentationType) -> list[tuple[int, str, float]]:
    """(slide, text, size in points) of every run with text."""
    sizes = []
    for box in text_boxes(prs):
        for paragraph in box.frame.paragraphs:
            for run in paragraph.runs:
                if run.text and run.font.size is not None:
                    sizes.append((box.slide, run.text, run.font.size.pt))
    return sizes


def slide_charts(prs: PresentationType, number: int) -> list[Any]:
    return [s.chart for s in prs.slides[number - 1].shapes if s.has_chart]


def slide_tables(prs: PresentationType, number: int) -> list[list[list[str]]]:
    tables = []
    for shape in prs.slides[number - 1].shapes:
        if shape.has_table:
            rows = shape.table.rows
            tables.append([[cell.text for cell in row.cells] for row in rows])
    return tables


def slide_text(prs: PresentationType, number: int) -> str:
    return "\n".join(box.frame.text for box in text_boxes(prs) if box.slide == number)


def notes(prs: PresentationType, number: int) -> str:
    return prs.slides[number - 1].notes_slide.notes_text_frame.text


def title(prs: PresentationType, number: int) -> str:
    return prs.slides[number - 1].shapes.title.text_frame.text


def workbook_sheet(chart: Any) -> tuple[str, str]:
    """(sheet XML, shared strings XML) of the workbook embedded in a chart."""
    blob = chart.part.chart_workbook.xlsx_part.blob
    with zipfile.ZipFile(io.BytesIO(blob)) as xlsx:
        sheet = xlsx.read("xl/worksheets/sheet1.xml").decode()
        names = xlsx.namelist()
        strings = (
            xlsx.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
        )
    return sheet, strings


def formulas(sheet_xml: str) -> list[str]:
    return re.findall(r"<f>(.*?)</f>", sheet_xml)


def _inches(value: int | Emu) -> float:
    return int(value) / EMU_PER_INCH
