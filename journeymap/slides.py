"""The journey review deck: 16:9 slides with native, editable charts and speaker notes.

Built on python-pptx's default template, whose master and layouts are 4:3: we widen them to 16:9
and place every title, chart and table ourselves, fitting each text to its box (`textfit`) so
nothing wraps out of a box when the deck is opened in PowerPoint or LibreOffice.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PresentationType

from journeymap.gap_bars_slide import MAX_BARS as MAX_BARS  # the deck's cap on bars, re-exported
from journeymap.gap_bars_slide import gap_bars_slide
from journeymap.map_slide import journey_map_slide
from journeymap.quadrant_slide import quadrant_slide
from journeymap.report import Report
from journeymap.role_slide import role_slide
from journeymap.shortfalls_slide import shortfalls_slide
from journeymap.slide_format import long_date, one_line
from journeymap.slide_layout import (
    MIN_MESSAGE_PT,
    MIN_TITLE_PT,
    MUTED,
    SLIDE_WIDTH,
    Box,
    place_text,
    set_notes,
    widen_template,
)
from journeymap.slide_notes import gap_definition
from journeymap.sweep_slide import sweep_slide


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
    journey_map_slide(prs, report)
    gap_bars_slide(prs, report)
    quadrant_slide(prs, report)
    shortfalls_slide(prs, report)
    if report.sweep is not None and report.promise is not None:
        sweep_slide(prs, report)
    for role, touchpoints in roles_in_journey_order(report).items():
        role_slide(prs, report, role, touchpoints)
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
            gap_definition(report),
            *report.notes,
        ],
    )
