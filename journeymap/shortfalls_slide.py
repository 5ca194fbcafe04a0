"""The top shortfalls slide: the touchpoints that fall short by most, who owns each, and every
figure behind them (interval, shortfall share, loss-adjusted gap, recovery debt).
"""

from __future__ import annotations

from pptx.presentation import Presentation as PresentationType

from journeymap.charts import SHORTFALL
from journeymap.gap_bars_slide import worst_first
from journeymap.report import Report
from journeymap.slide_format import interval, number, percent, signed
from journeymap.slide_layout import (
    BODY_BOX,
    BODY_PT,
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

TOP_SHORTFALLS = 5


def shortfalls_slide(prs: PresentationType, report: Report) -> None:
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
    set_notes(slide, [*lines, "", gap_definition(report), DEFINITIONS["ci"],
                   DEFINITIONS["shortfall_share"],
                   DEFINITIONS["loss_adjusted"].format(lam=report.loss_aversion),
                   DEFINITIONS["recovery_debt"].format(ratio=report.recovery_ratio),
                   "Owner role: the front-line role named on the touchpoint in the journey file."])  # fmt: skip
