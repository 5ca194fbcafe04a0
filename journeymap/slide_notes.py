"""The definitions the speaker notes give, shared by several slides so every slide words a
figure the same way (the gap, its interval, the shortfall share, the loss-adjusted gap, ...).
"""

from __future__ import annotations

from journeymap.report import Report

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


def gap_definition(report: Report) -> str:
    return GAP_DEFINITION.format(scale=report.journey.scale.label())
