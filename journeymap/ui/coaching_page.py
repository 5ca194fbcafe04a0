"""Coach the front line: a role's touchpoints worst gap first, knowing / doing / being, and the
actions agreed with the people who own them — printable as a one-page review."""

from __future__ import annotations

import streamlit as st

from journeymap import coaching
from journeymap.coaching import CoachingItem, Depth, RoleReview
from journeymap.errors import JourneyMapError
from journeymap.model import Journey
from journeymap.ui.filters import filter_bar
from journeymap.ui.resources import analysis, get_store
from journeymap.ui.session import current_journey, current_summary
from journeymap.ui.text import plain

NO_RATINGS = (
    "No ratings yet — open a workshop on the **Run a workshop** page or import a survey CSV "
    "on the **Ratings** page."
)
NO_ROLES = (
    "No touchpoint of this journey has a front-line role yet. On the **Edit journey** page, "
    "fill in the *Role* of the touchpoints staff own (barista, courier, receptionist …); "
    "each role then gets its review here."
)
DEPTH_ICONS = {
    Depth.KNOWING: ":material/menu_book:",
    Depth.DOING: ":material/handshake:",
    Depth.BEING: ":material/favorite:",
}
SAVED_KEY = "coaching_saved"


def render() -> None:
    summary = current_summary()
    journey = current_journey(summary)
    st.title(f"{plain(journey.name)}: coach the front line")
    roles = coaching.front_line_roles(journey)
    if not roles:
        st.info(NO_ROLES, icon=":material/badge:")
        st.stop()
    result = analysis(summary.id, summary.version, filter_bar(journey, roles=False))
    if not result.has_ratings:
        st.info(NO_RATINGS)
        st.stop()
    if st.session_state.get("coaching_role") not in roles:
        st.session_state.pop("coaching_role", None)
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    role = left.selectbox(
        "Front-line role",
        roles,
        key="coaching_role",
        help="The touchpoints this role owns (set on the Edit journey page).",
    )
    author = right.text_input(
        "Your name",
        key="coaching_author",
        max_chars=coaching.MAX_OWNER_CHARS,
        help="Saved with every action you agree, with the date and time.",
    )
    actions = get_store().coaching_actions(journey.id, history=True)
    review = coaching.role_review(result, actions, role=role)
    saved = st.session_state.pop(SAVED_KEY, None)
    if saved:
        st.success(saved, icon=":material/check_circle:")
    _depths()
    st.subheader(f"The {plain(role)}'s touchpoints, worst gap first", anchor=False)
    for number, item in enumerate(review.items, start=1):
        _touchpoint(journey, number, item, author)
    _printable(review)


def _depths() -> None:
    columns = st.columns(len(Depth))
    for column, depth in zip(columns, Depth, strict=True):
        column.markdown(f"{DEPTH_ICONS[depth]} **{depth.value.capitalize()}** — {depth.meaning}")
    st.caption(
        "Where to start: a shortfall most customers felt, or a large one, starts at knowing — "
        "the basic promise first. A smaller one starts where its SERVQUAL dimension asks "
        "(reliability and tangibles: knowing; responsiveness and assurance: doing; empathy: "
        "being). A touchpoint that meets expectations goes one depth further."
    )


def _touchpoint(journey: Journey, number: int, item: CoachingItem, author: str) -> None:
    with st.container(border=True, key=f"coaching_card_{item.touchpoint}"):
        st.markdown(f"#### {number}. {plain(item.name)}")
        dimension = f" · {item.dimension}" if item.dimension else ""
        st.caption(plain(f"{item.stage}{dimension}"))
        gap, short, visits, priority = st.columns(4)
        if item.rated:
            gap.metric(
                "Gap",
                f"{item.gap:+.2f}",
                help=f"Experienced {item.experienced:.2f} − expected {item.expected:.2f} "
                f"({item.n:,} ratings). Negative: customers got less than they expected.",
            )
            short.metric("Fell short", f"{item.shortfall_share:.0%}", help="Share of ratings "
                         "where the experience was below the expectation.")  # fmt: skip
        else:
            gap.metric("Gap", "–", help="No ratings for this touchpoint yet.")
            short.metric("Fell short", "–")
        visits.metric(
            "Visits per 1,000",
            f"{item.visits:,.0f}",
            help="Expected visits per 1,000 customers starting the journey (loops included).",
        )
        priority.metric(
            "Share of priority",
            f"{item.priority_share:.0%}",
            help="This touchpoint's part of the journey's visits × importance × shortfall.",
        )
        for column, depth in zip(st.columns(len(Depth)), Depth, strict=True):
            start = " :blue-badge[:material/flag: Start here]" if depth is item.start else ""
            column.markdown(
                f"{DEPTH_ICONS[depth]} **{depth.value.capitalize()}**{start}  \n"
                f"*{plain(depth.question(item.name))}*"
            )
        st.caption(f"Why start at {item.start.value}: {item.reason}")
        _agreed(item)
        _agree_form(journey, item, author)


def _agreed(item: CoachingItem) -> None:
    if item.agreed is None:
        st.caption("Nothing agreed yet.")
        return
    st.markdown(f":material/task_alt: **Agreed:** {_describe(item.agreed)}")
    if item.earlier:
        with st.expander(f"Agreed before ({len(item.earlier)})"):
            for earlier in item.earlier:
                st.markdown(f"- {_describe(earlier)}")


def _describe(action: coaching.AgreedAction) -> str:
    owner = f" — owner: {plain(action.owner)}" if action.owner else ""
    by = f" by {plain(action.author)}" if action.author else ""
    return (
        f"*{action.depth}* · {plain(action.action)}{owner} "
        f":gray[({action.saved_at:%d %b %Y, %H:%M}{by})]"
    )


def _agree_form(journey: Journey, item: CoachingItem, author: str) -> None:
    key = f"coaching_{journey.id}_{item.touchpoint}"
    current = item.agreed
    with st.form(f"{key}_form", border=False):
        depth_column, action_column, owner_column = st.columns([1.3, 3, 1.2])
        depth = depth_column.selectbox(
            "Depth",
            list(Depth),
            index=list(Depth).index(Depth(current.depth) if current else item.start),
            format_func=lambda d: d.value.capitalize(),
            key=f"{key}_depth",
        )
        action = action_column.text_area(
            "Agreed action",
            value=current.action if current else "",
            max_chars=coaching.MAX_ACTION_CHARS,
            height=68,
            key=f"{key}_action",
            placeholder="What will we do differently, starting when?",
        )
        owner = owner_column.text_input(
            "Owner", value=current.owner if current else "", key=f"{key}_owner"
        )
        submitted = st.form_submit_button("Save the agreed action", icon=":material/save:")
    if not submitted:
        return
    try:
        coaching.agree_action(
            get_store(),
            journey,
            item.touchpoint,
            action=action,
            depth=depth,
            owner=owner,
            author=author,
        )
    except JourneyMapError as exc:
        st.error(plain(exc))
        return
    st.session_state[SAVED_KEY] = f"Saved the action agreed for {plain(item.name)}."
    st.rerun()


def _printable(review: RoleReview) -> None:
    st.subheader("One-page review", anchor=False)
    page = coaching.review_html(review)
    shown = min(len(review.items), coaching.MAX_PRINTED)
    st.caption(
        f"A4 landscape, the {shown} worst touchpoints with what was agreed; open it in a "
        "browser and print. Blank lines are left to write on."
    )
    st.download_button(
        "Download one-page review",
        page,
        file_name=f"{review.journey_id}-{review.role}-review.html".replace(" ", "-"),
        mime="text/html",
        icon=":material/download:",
        key="coaching_download",
    )
    with st.expander("Preview", icon=":material/visibility:"):
        # Every text in the page is escaped (coaching.review_html); it holds no script.
        st.iframe(page, height=820)
