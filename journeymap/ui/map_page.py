"""The journey map: expected vs experienced along the journey, where the gaps are and which
ones matter most."""

from __future__ import annotations

import math

import streamlit as st

from journeymap import charts
from journeymap.analysis import Analysis
from journeymap.tables import frame_to_csv
from journeymap.ui.filters import filter_bar
from journeymap.ui.resources import analysis
from journeymap.ui.session import current_journey, current_summary
from journeymap.ui.text import plain

NO_RATINGS = (
    "No ratings yet — open a workshop on the **Run a workshop** page or import a survey CSV "
    "on the **Ratings** page."
)


def render() -> None:
    summary = current_summary()
    journey = current_journey(summary)
    st.title(f"{plain(journey.name)}: journey map")
    result = analysis(summary.id, summary.version, filter_bar(journey))
    if not result.has_ratings:
        st.info(NO_RATINGS)
        st.stop()
    _headline(result)
    labels = {tp.id: tp.name for tp in journey.touchpoints}
    st.plotly_chart(charts.journey_map_chart(journey, result.gaps), key="map_chart")
    left, right = st.columns(2)
    left.plotly_chart(charts.gap_bar_chart(result.gaps, labels=labels), key="map_gap_bars")
    right.plotly_chart(charts.quadrant_chart(result.gaps, labels=labels), key="map_quadrant")
    _gap_table(result)


def _headline(result: Analysis) -> None:
    scores = result.scores
    figures = [
        ("Ratings", f"{result.ratings:,}", "Rating rows with both expected and experienced."),
        ("Respondents", f"{result.respondents:,}", "Distinct named respondents."),
        ("Mean gap", _signed(scores.mean_gap), "Experienced − expected, mean over touchpoints."),
        (
            "Weighted gap",
            _signed(scores.weighted_gap),
            "Importance-weighted mean gap (Σ w·gap / Σ w).",
        ),
        (
            "Peak–end",
            _signed(scores.peak_end_score),
            "Mean of the gap at the most intense moment and at the end of the most likely "
            "path: what customers remember (Kahneman).",
        ),
        (
            "Recovery debt",
            f"{scores.recovery_debt:,.0f}",
            "Good experiences still owed: 12 per bad one, minus the good ones (the articles).",
        ),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(label, value, help=help_text, border=True)


def _gap_table(result: Analysis) -> None:
    st.subheader("Gap table")
    shown = result.gaps[
        ["name", "stage", "role", "n", "expected_mean", "experienced_mean", "gap_mean",
         "gap_ci_low", "gap_ci_high", "shortfall_share", "loss_adjusted_gap", "importance",
         "quadrant"]
    ]  # fmt: skip
    number = st.column_config.NumberColumn
    st.dataframe(
        shown,
        hide_index=True,
        key="map_gap_table",
        column_config={
            "name": "Touchpoint",
            "stage": "Stage",
            "role": "Owner",
            "n": number("Ratings", format="localized"),
            "expected_mean": number("Expected", format="%.2f"),
            "experienced_mean": number("Experienced", format="%.2f"),
            "gap_mean": number("Gap", format="%+.2f"),
            "gap_ci_low": number("95 % CI low", format="%+.2f"),
            "gap_ci_high": number("95 % CI high", format="%+.2f"),
            "shortfall_share": number("Fell short", format="percent"),
            "loss_adjusted_gap": number("Loss-adjusted", format="%+.2f"),
            "importance": number("Importance", format="%.1f"),
            "quadrant": "Importance–performance",
        },
    )
    st.download_button(
        "Download the gap table (CSV)",
        frame_to_csv(result.gaps),
        file_name=f"{result.journey.id}-gaps.csv",
        mime="text/csv",
        icon=":material/download:",
        key="map_gap_csv",
    )


def _signed(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:+.2f}"
