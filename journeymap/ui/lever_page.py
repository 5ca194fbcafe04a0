"""Choose the lever: time, cost and service side by side, what-if sliders, and one commitment.

Exceed on time, cost *or* service — not all three (DOMAIN.md idea 3). Each lever shows its
promise, sliders for what is promised and what is delivered, the figures at the slider's promise
against the recommended one, and the sweep chart; the team commits to one lever.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from journeymap import charts, levers
from journeymap.delivered import EXAMPLES
from journeymap.economics import Economics
from journeymap.errors import JourneyMapError
from journeymap.model import DISTRIBUTION_NAMES, Journey, Lever, Promise
from journeymap.ui.resources import get_store
from journeymap.ui.session import current_journey
from journeymap.ui.text import plain

ICONS = {
    Lever.TIME: ":material/schedule:",
    Lever.COST: ":material/payments:",
    Lever.SERVICE: ":material/room_service:",
}
EXAMPLE_OF = {
    Lever.TIME: "promise a pizza in 60 minutes and deliver in 45.",
    Lever.COST: "quote first; the final bill comes in under the estimate.",
    Lever.SERVICE: "economy booked, a higher class delivered.",
}
NEW_PROMISE = {
    Lever.TIME: ("min", "lognormal", "median=45,p90=60"),
    Lever.COST: ("EUR", "normal", "mean=12.6,sd=0.7"),
    Lever.SERVICE: ("level", "discrete", "0=0.85,1=0.15"),
}
SIDE_BY_SIDE, ONE_AT_A_TIME = "Side by side", "One at a time"
SAVED_KEY = "lever_saved"


def render() -> None:
    journey = current_journey()
    st.title(f"{plain(journey.name)}: choose the lever")
    st.caption(
        "Exceed on time, cost **or** service — pick the one that matters most and commit to "
        "it; don't try all three. Sliders try things out; only the buttons save a new version."
    )
    saved = st.session_state.pop(SAVED_KEY, None)
    if saved:
        st.success(saved, icon=":material/check_circle:")
    _chosen_banner(journey)
    economics, threshold = _assumptions()
    layout = st.segmented_control(
        "Layout",
        [SIDE_BY_SIDE, ONE_AT_A_TIME],
        default=SIDE_BY_SIDE,
        key="lever_layout",
        label_visibility="collapsed",
        help="One at a time gives each lever the full width (narrow screens, projectors).",
    )
    if layout == ONE_AT_A_TIME:
        boxes = st.tabs(
            [
                f"{ICONS[lever]} {lever.value.capitalize()}"
                + (" · chosen" if lever is journey.lever else "")
                for lever in Lever
            ]
        )
    else:
        boxes = st.columns(len(Lever), gap="large")
    for lever, box in zip(Lever, boxes, strict=True):
        with box:
            _lever_panel(journey, lever, economics, threshold, narrow=layout != ONE_AT_A_TIME)


def _chosen_banner(journey: Journey) -> None:
    if journey.lever is None:
        st.info(
            "No lever chosen yet. Compare the three below, then press **Commit to exceeding "
            "on …** under the one you choose.",
            icon=":material/help:",
        )
        return
    promises = levers.promises_for(journey, journey.lever)
    where = "; ".join(plain(_promise_title(journey, p)) for _, p in promises)
    st.success(
        f"This journey exceeds on **{journey.lever.value}**" + (f": {where}." if where else "."),
        icon=":material/flag:",
    )


def _assumptions() -> tuple[Economics, float]:
    """The value model's assumptions, shared by the three levers, each with its source."""
    values = {}
    with st.expander("Assumptions behind the value per 1,000 prospects", icon=":material/tune:"):
        st.caption(
            "Defaults and their sources are in the (i) help of each field. The reference "
            "promise that converts at the base rate is each lever's median delivered level."
        )
        threshold = st.slider(
            "Delighted when the promise is beaten by at least (%)",
            0,
            50,
            10,
            key="lever_delight_threshold",
            help="A delivery 10 % better than promised (54 minutes on a 60-minute promise) "
            "counts as delight; a kept promise by less as merely met.",
        )
        columns = st.columns(3)
        for i, assumption in enumerate(levers.assumptions()):
            values[assumption.name] = columns[i % 3].number_input(
                assumption.label,
                min_value=assumption.low,
                max_value=assumption.high,
                value=assumption.value,
                step=assumption.step,
                format="%.0f" if assumption.percent else "%.2f",
                key=f"lever_assumption_{assumption.name}",
                help=assumption.help,
            )
    try:
        economics = levers.economics_from(values)
    except JourneyMapError as exc:
        st.error(str(exc))
        st.stop()
    return economics, threshold / 100


def _lever_panel(
    journey: Journey, lever: Lever, economics: Economics, threshold: float, *, narrow: bool
) -> None:
    chosen = journey.lever is lever
    with st.container(horizontal=True, vertical_alignment="center"):
        st.subheader(f"{ICONS[lever]} {lever.value.capitalize()}", anchor=False)
        if chosen:
            st.badge("Chosen lever", icon=":material/flag:", color="green")
    promises = levers.promises_for(journey, lever)
    if not promises:
        st.info(f"This journey has no {lever.value} promise yet. For example: {EXAMPLE_OF[lever]}")
        _add_promise_form(journey, lever)
        return
    index = promises[0][0]
    if len(promises) > 1:
        labels = {i: _promise_title(journey, p) for i, p in promises}
        index = st.selectbox(
            "Promise",
            list(labels),
            format_func=labels.__getitem__,
            key=f"lever_{journey.id}_pick_{lever}",
        )
    stored = journey.promises[index]
    if not chosen and st.button(
        f"Commit to exceeding on {lever.value}",
        key=f"lever_commit_{lever}",
        type="primary",
        icon=":material/flag:",
        width="stretch",
        wrap=True,
    ):
        _save(levers.commit_lever(journey, lever), reset=())
    st.markdown(f"**{plain(_promise_title(journey, stored))}**")
    st.caption(
        f"Promised **{plain(_amount(stored.promised, stored.unit))}** · delivered "
        f"{plain(levers.describe_delivered(stored.delivered, stored.unit))}"
    )
    prefix = f"lever_{journey.id}_{index}"
    promised, parameters = _sliders(stored, prefix)
    try:
        outlook = _outlook(stored.model_dump_json(), promised, parameters, economics, threshold)
    except JourneyMapError as exc:
        st.error(str(exc))
        return
    _figures(outlook, stored.unit, narrow=narrow)
    figure = _chart(outlook, lever, stored.unit, narrow=narrow)
    st.plotly_chart(figure, key=f"lever_chart_{lever}")
    _decisions(journey, index, outlook, prefix)


def _sliders(stored: Promise, prefix: str) -> tuple[float, tuple[tuple[str, float], ...]]:
    knob = levers.promise_knob(stored)
    promised = _slider(knob, f"{prefix}_promised", stored.unit)
    parameters = tuple(
        (knob.name, _slider(knob, f"{prefix}_{knob.name}"))
        for knob in levers.delivered_knobs(stored)
    )
    return promised, parameters


def _slider(knob: levers.Knob, key: str, unit: str = "") -> float:
    suffix = f" {unit.replace('%', '%%')}" if unit else ""
    return float(
        st.slider(
            knob.label,
            min_value=float(knob.low),
            max_value=float(knob.high),
            value=float(knob.value),
            step=float(knob.step),
            format=f"%.{knob.decimals}f{suffix}",
            key=key,
            help=knob.help or None,
        )
    )


@st.cache_data(max_entries=256, show_spinner="Simulating deliveries…")
def _outlook(
    promise_json: str,
    promised: float,
    parameters: tuple[tuple[str, float], ...],
    economics: Economics,
    threshold: float,
) -> levers.Outlook:
    # Keyed on the stored promise as JSON: the same sliders give the same figures (fixed seed).
    return levers.outlook(
        Promise.model_validate_json(promise_json),
        promised=promised,
        parameters=dict(parameters),
        economics=economics,
        delight_threshold=threshold,
    )


def _figures(outlook: levers.Outlook, unit: str, *, narrow: bool) -> None:
    at, best = outlook.chosen, outlook.recommended
    if narrow:
        # A third of the screen is too narrow for three big numbers: a small table instead.
        table = pd.DataFrame(
            {
                column: [
                    _amount(figures.promise, unit),
                    f"{figures.p_met:.0%}",
                    f"{figures.p_delight:.0%}",
                    f"{figures.value_per_1000:,.0f}",
                ]
                for column, figures in (("Slider", at), ("Best", best))
            },
            index=["Promise", "Met", "Delighted", "Value / 1,000"],
        )
        st.table(table, border="horizontal")
        st.caption("Best: the recommended promise, the star on the chart.")
        return
    if at.promise == best.promise:
        st.markdown(
            f"At the slider's **{plain(_amount(at.promise, unit))}**, the recommended promise:"
        )
    else:
        st.markdown(
            f"At the slider's **{plain(_amount(at.promise, unit))}**, against the recommended "
            f"**{plain(_amount(best.promise, unit))}**:"
        )
    met, delighted, value = st.columns(3)
    _metric(
        met, "Met", f"{at.p_met:.0%}", 100 * (at.p_met - best.p_met), " pts",
        "Share of customers who get at least what was promised. The small figure: the "
        "difference from the recommended promise.",
    )  # fmt: skip
    _metric(
        delighted, "Delighted", f"{at.p_delight:.0%}", 100 * (at.p_delight - best.p_delight),
        " pts", "Share for whom the promise is beaten by the delight threshold (Assumptions).",
    )  # fmt: skip
    _metric(
        value, "Value", f"{at.value_per_1000:,.0f}", at.value_per_1000 - best.value_per_1000, "",
        "Value per 1,000 prospects, in first-purchase margins: prospects won by the promise, "
        "kept by meeting or beating it (Assumptions).",
    )  # fmt: skip


def _metric(column, label: str, value: str, difference: float, unit: str, help: str) -> None:
    # A difference that rounds to nothing gets no arrow: "↓ -0" would read as a loss.
    rounded = round(difference)
    column.metric(
        label,
        value,
        f"{rounded:+,d}{unit}" if rounded else f"±0{unit}",
        delta_color="normal" if rounded else "off",
        delta_arrow="auto" if rounded else "off",
        help=help,
    )


def _chart(outlook: levers.Outlook, lever: Lever, unit: str, *, narrow: bool) -> go.Figure:
    """The sweep chart, fitted to its column: the slider's promise is the dotted line."""
    figure = charts.promise_sweep_chart(
        outlook.sweep, lever=lever.value, unit=unit, title=" ", current=outlook.chosen.promise,
        current_label="slider", narrow=narrow,
    )  # fmt: skip
    figure.update_layout(height=620)
    if not narrow:
        figure.update_layout(margin={"t": 80})  # room for the labels above the lines
    return figure


def _decisions(journey: Journey, index: int, outlook: levers.Outlook, prefix: str) -> None:
    stored = journey.promises[index]
    unit = stored.unit
    best = outlook.recommended.promise
    keys = [f"{prefix}_promised", *(f"{prefix}_{k.name}" for k in levers.delivered_knobs(stored))]
    if outlook.changes_delivered:
        st.caption(
            ":material/science: What-if: the delivered sliders differ from the journey's. "
            "Saving a promise saves them too."
        )
    # The buttons flow onto as many lines as the column needs; their labels wrap, not clip.
    buttons = st.container(horizontal=True, wrap=True)
    if buttons.button(
        f"Adopt the recommended {_amount(best, unit)}",
        key=f"{prefix}_adopt",
        icon=":material/star:",
        wrap=True,
        disabled=best == stored.promised and not outlook.changes_delivered,
        help="Save the recommended promise (the star on the chart) as the journey's promise.",
    ):
        revision = levers.replace_promise(
            journey, index, outlook.recommended_promise(), why="adopted the recommended"
        )
        _save(revision, reset=keys)
    slider_promise = outlook.promise
    if buttons.button(
        f"Save {_amount(slider_promise.promised, unit)}",
        key=f"{prefix}_keep",
        icon=":material/save:",
        wrap=True,
        disabled=slider_promise == stored,
        help="Save the promise and delivery on the sliders as the journey's promise.",
    ):
        _save(levers.replace_promise(journey, index, slider_promise, why="set the"), reset=keys)
    if buttons.button(
        "Reset",
        key=f"{prefix}_reset",
        icon=":material/undo:",
        help="Back to the journey's promise and delivery.",
    ):
        _forget(keys)
        st.rerun()


def _add_promise_form(journey: Journey, lever: Lever) -> None:
    """A promise for a lever that has none: where, what is promised, what is delivered."""
    if not journey.touchpoints:
        st.caption("Add touchpoints on the **Edit journey** page first; a promise is made at one.")
        return
    unit, dist, example = NEW_PROMISE[lever]
    prefix = f"lever_{journey.id}_new_{lever}"
    names = {tp.id: tp.name for tp in journey.ordered_touchpoints()}
    with st.expander(f"Add a {lever.value} promise", icon=":material/add:"):
        touchpoint = st.selectbox(
            "At touchpoint", list(names), format_func=names.__getitem__, key=f"{prefix}_touchpoint"
        )
        label = st.text_input(
            "What is promised", key=f"{prefix}_label", placeholder="e.g. Delivered within"
        )
        left, right = st.columns(2)
        promised = left.number_input("Promised", value=None, key=f"{prefix}_promised")
        unit = right.text_input("Unit", value=unit, key=f"{prefix}_unit")
        name = st.selectbox(
            "Delivered as",
            DISTRIBUTION_NAMES,
            index=DISTRIBUTION_NAMES.index(dist),
            key=f"{prefix}_dist",
            help="lognormal: times with a long tail; normal: bills around an average; "
            "triangular: best / most likely / worst; empirical: observed values; "
            "discrete: service levels with their shares.",
        )
        parameters = st.text_input(
            "Parameters",
            value=example if name == dist else "",
            key=f"{prefix}_parameters_{name}",
            placeholder=EXAMPLES[name].partition(":")[2],
        )
        if st.button(f"Add the {lever.value} promise", key=f"{prefix}_add", icon=":material/add:"):
            try:
                revision = levers.add_promise(
                    journey,
                    touchpoint=touchpoint,
                    lever=lever,
                    promised=promised,
                    delivered=f"{name}:{parameters}",
                    unit=unit,
                    label=label,
                )
            except JourneyMapError as exc:
                st.error(str(exc))
                return
            _save(revision, reset=())


def _save(revision: levers.Revision, *, reset: tuple[str, ...] | list[str]) -> None:
    version = levers.save_revision(get_store(), revision)
    st.session_state[SAVED_KEY] = f"Saved version {version}: {revision.note}."
    _forget(reset)
    st.rerun()


def _forget(keys: tuple[str, ...] | list[str]) -> None:
    for key in keys:
        st.session_state.pop(key, None)


def _promise_title(journey: Journey, promise: Promise) -> str:
    place = journey.touchpoint(promise.touchpoint).name
    return f"{promise.label} · {place}" if promise.label else place


def _amount(value: float, unit: str) -> str:
    return f"{value:g} {unit}".strip()
