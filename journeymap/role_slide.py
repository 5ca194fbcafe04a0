"""One slide per front-line role, for its trainers: the role's touchpoints in journey order, the
gap bars for them if there is room, and a knowing / doing / being prompt for the team.
"""

from __future__ import annotations

from pptx.presentation import Presentation as PresentationType

from journeymap.charts import EXCEED, SHORTFALL
from journeymap.gap_bars_slide import BAR_HEIGHT, gap_bars_chart, worst_first
from journeymap.report import Report
from journeymap.slide_format import number, one_line, percent, signed
from journeymap.slide_layout import (
    BODY_BOX,
    BODY_PT,
    INK,
    MIN_BODY_PT,
    MUTED,
    Box,
    add_table,
    content_slide,
    set_notes,
    show_message,
    text_box,
)
from journeymap.slide_notes import DEFINITIONS, gap_definition

MAX_ROLE_ROWS = 8
#: Role slides: the team prompt at the bottom, and gap bars between it and the table if they fit.
ROLE_PROMPT_HEIGHT = 0.7
MIN_ROLE_CHART_HEIGHT = 1.5


def role_slide(prs: PresentationType, report: Report, role: str, touchpoints: list[str]) -> None:
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
        gap_bars_chart(slide, report, rated,
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
                   gap_definition(report), DEFINITIONS["shortfall_share"],
                   "Knowing, doing, being: three depths of service for front-line training."])  # fmt: skip
