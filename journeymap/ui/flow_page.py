"""The flow: how many customers each touchpoint meets, where they leave, which paths they take,
and where fixing a gap reaches the most of them."""

from __future__ import annotations

import streamlit as st

from journeymap import charts
from journeymap.analysis import Analysis
from journeymap.ui.filters import filter_bar
from journeymap.ui.resources import analysis
from journeymap.ui.session import current_journey, current_summary
from journeymap.ui.text import plain


def render() -> None:
    summary = current_summary()
    journey = current_journey(summary)
    st.title(f"{plain(journey.name)}: flow")
    if not journey.touchpoints:
        st.info("This journey has no touchpoints yet — add some on the **Edit journey** page.")
        st.stop()
    filters = filter_bar(journey)
    arrivals = st.number_input(
        "Customers arriving",
        min_value=1,
        max_value=10_000_000,
        value=1000,
        step=100,
        key="flow_arrivals",
        persist_state="session",
        help="Expected visits are for this many customers entering the journey.",
    )
    result = analysis(summary.id, summary.version, filters, arrivals=float(arrivals))
    if result.unreachable:
        names = ", ".join(journey.touchpoint(tp).name for tp in result.unreachable)
        st.warning(f"No customer can reach: {plain(names)}. Add a transition or an entry share.")
    st.plotly_chart(
        charts.flow_chart(journey, result.flow, result.gaps if result.has_ratings else None),
        key="flow_chart",
    )
    _priorities(result)
    _paths(result)
    _visits(result)


def _priorities(result: Analysis) -> None:
    st.subheader("Where fixing a gap reaches the most customers")
    st.caption(
        "Priority = expected visits × importance × shortfall (the loss-adjusted gap, where it "
        "is negative). Touchpoints that meet or exceed expectations have nothing to fix."
    )
    if not result.has_ratings:
        st.info("No ratings yet — open a workshop or import a CSV to see priorities.")
        return
    names = {tp.id: tp.name for tp in result.journey.touchpoints}
    table = result.priority.assign(name=result.priority["touchpoint"].map(names))
    table = table[table["priority"] > 0].sort_values("priority", ascending=False)
    number = st.column_config.NumberColumn
    st.dataframe(
        table[["name", "visits", "importance", "shortfall", "priority", "priority_share"]],
        hide_index=True,
        key="flow_priorities",
        column_config={
            "name": "Touchpoint",
            "visits": number("Visits", format="%.0f"),
            "importance": number("Importance", format="%.1f"),
            "shortfall": number("Shortfall", format="%.2f"),
            "priority": number("Priority", format="%.0f"),
            "priority_share": st.column_config.ProgressColumn(
                "Share of all", format="percent", min_value=0.0, max_value=1.0
            ),
        },
    )


def _paths(result: Analysis) -> None:
    st.subheader("Most likely paths")
    names = {tp.id: tp.name for tp in result.journey.touchpoints}
    rows = [
        {"Path": " → ".join(names[tp] for tp in path.touchpoints), "Share": 100 * path.probability}
        for path in result.paths
    ]
    st.dataframe(
        rows,
        hide_index=True,
        key="flow_paths",
        column_config={
            "Share": st.column_config.NumberColumn("Share of arrivals", format="%.1f%%"),
            "Path": st.column_config.TextColumn(width="large"),
        },
    )


def _visits(result: Analysis) -> None:
    st.subheader("Visits and drop-off per touchpoint")
    # Shares shown as whole percentages, which is how people read drop-off.
    flow = result.flow.assign(
        reach=result.flow["reach"] * 100, exit_share=result.flow["exit_share"] * 100
    )
    number = st.column_config.NumberColumn
    st.dataframe(
        flow[["name", "stage", "lane", "visits", "reach", "exits", "exit_share"]],
        hide_index=True,
        key="flow_visits",
        column_config={
            "name": "Touchpoint",
            "stage": "Stage",
            "lane": "Lane",
            "visits": number("Expected visits", format="%.0f"),
            "reach": number("Reached by", format="%.0f%%"),
            "exits": number("Leave here", format="%.0f"),
            "exit_share": number("Share who leave", format="%.0f%%"),
        },
    )
