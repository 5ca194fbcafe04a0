"""The filter bar the insight pages share: segments, roles and the loss-aversion assumption.

The widgets keep their values for the whole session (`persist_state`), so moving from the map
to the flow page keeps the same view.
"""

from __future__ import annotations

import streamlit as st

from journeymap.analysis import Filters
from journeymap.model import Journey
from journeymap.prospect import DEFAULT_LOSS_AVERSION, TK_CURVATURE
from journeymap.ui.resources import get_store


def filter_bar(journey: Journey, *, roles: bool = True) -> Filters:
    segments = get_store().segments(journey.id)
    owners = sorted({tp.role for tp in journey.touchpoints if tp.role})
    # Another journey has other segments and roles: drop choices this one doesn't offer.
    for key, options in (("filter_segments", segments), ("filter_roles", owners)):
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in options]
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    chosen_segments = left.multiselect(
        "Segments",
        segments,
        key="filter_segments",
        placeholder="All respondents",
        persist_state="session",
        disabled=not segments,
    )
    chosen_roles = (
        middle.multiselect(
            "Front-line roles",
            owners,
            key="filter_roles",
            placeholder="All touchpoints",
            persist_state="session",
            disabled=not owners,
        )
        if roles
        else []
    )
    with right.popover("Assumptions", icon=":material/tune:", width="stretch"):
        loss_aversion = st.slider(
            "Loss aversion λ",
            1.0,
            12.0,
            DEFAULT_LOSS_AVERSION,
            step=0.25,
            key="filter_loss_aversion",
            persist_state="session",
            help="How much more a shortfall weighs than an equal surplus. 2.25 is Tversky & "
            "Kahneman's estimate; the articles' '12 good experiences make up for one bad' is 12.",
        )
        curved = st.toggle(
            f"Diminishing sensitivity (α = {TK_CURVATURE})",
            key="filter_curvature",
            persist_state="session",
            help="Big gaps feel less than proportionally bigger (Tversky & Kahneman 1992).",
        )
        recovery = st.number_input(
            "Good experiences to make up for one bad one",
            1.0,
            50.0,
            12.0,
            step=1.0,
            key="filter_recovery_ratio",
            persist_state="session",
        )
    return Filters(
        segments=tuple(chosen_segments),
        roles=tuple(chosen_roles),
        loss_aversion=float(loss_aversion),
        curvature=TK_CURVATURE if curved else None,
        recovery_ratio=float(recovery),
    )
