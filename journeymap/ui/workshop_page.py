"""Run a workshop: open one on the current journey, project its code and QR, watch ratings arrive.

The top of the page is what the room sees on the projector (the code, the join link, who has
rated and the live gap chart, refreshed every few seconds); opening, switching and closing
workshops sit below it, out of the projected area.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import streamlit as st

from journeymap import charts
from journeymap.store import Workshop
from journeymap.ui import session
from journeymap.ui.resources import get_store
from journeymap.ui.session import current_summary
from journeymap.ui.text import plain
from journeymap.workshops import (
    JOIN_PAGE,
    LiveWorkshop,
    format_join_code,
    join_qr_png,
    join_url,
    live_workshop,
    only_reachable_here,
    open_workshop,
    workshop_overview,
    workshop_revision,
)

REFRESH_SECONDS = 2
TABLE_REFRESH_SECONDS = 10
SHOWN_KEY = "workshop_shown"
PENDING_KEY = "workshop_pending"
#: The live chart is capped so that code, QR and chart fit one 16:9 projector screen.
LIVE_CHART_HEIGHT = 520
#: Readable from the back of a room, and sized to its column (container query units), so the
#: code never runs into the QR code on a narrow screen. The code is drawn from a fixed
#: alphabet and needs no escaping; it is escaped anyway because this is HTML.
CODE_HTML = (
    '<div style="container-type: inline-size"><div style="font-family: \'DejaVu Sans Mono\', '
    "monospace; font-size: clamp(2.5rem, 15cqi, 7rem); font-weight: 700; letter-spacing: "
    '0.06em; line-height: 1.1; color: #1E2430; white-space: nowrap">{code}</div></div>'
)


def render() -> None:
    summary = current_summary()
    st.title(f"{plain(summary.name)}: workshop")
    overview = workshop_overview(get_store(), summary.id)
    screen = st.container()
    st.divider()
    st.subheader("Workshops of this journey")
    shown = _shown_workshop(overview)
    with screen:
        if shown is None:
            st.info(
                "No workshop yet for this journey — open one below. Participants then join on "
                "their own laptops or phones with the code shown here."
            )
        elif shown.is_open:
            _live_fragment(shown.code)
        else:
            _live_screen(shown.code)
    if shown is not None and shown.is_open:
        _close_button(shown)
    _open_form(summary.id, len(overview))
    if len(overview):
        _workshop_table(summary.id)


def _shown_workshop(overview) -> Workshop | None:
    """The workshop on screen: the one just opened, the one picked, else the newest open one."""
    if overview.empty:
        return None
    codes = overview["code"].tolist()
    labels = {
        row.code: " · ".join(
            part for part in (row.join_code, row.title, "open" if row.is_open else "closed") if part
        )
        for row in overview.itertuples()
    }
    wanted = st.session_state.pop(PENDING_KEY, None) or st.session_state.get(SHOWN_KEY)
    if wanted not in codes:
        open_codes = overview.loc[overview["is_open"], "code"].tolist()
        wanted = (open_codes or codes)[0]
    st.session_state[SHOWN_KEY] = wanted
    code = st.selectbox(
        "Workshop on the screen above",
        codes,
        format_func=labels.__getitem__,
        key=SHOWN_KEY,
        help="Several workshops can be open at once, e.g. one per branch.",
    )
    return get_store().workshop(code)


@st.cache_resource(max_entries=16, show_spinner=False)
def _live_view(code: str, revision: tuple[object, ...]) -> tuple[LiveWorkshop, go.Figure | None]:
    # Shared and read-only; `revision` is only part of the cache key, so the gap chart is
    # rebuilt only when ratings arrive and a refresh without news takes milliseconds (a slow
    # one would fade the chart on the projector every few seconds).
    live = live_workshop(get_store(), code)
    if not live.has_ratings:
        return live, None
    labels = {tp.id: tp.name for tp in live.journey.touchpoints}
    figure = charts.gap_bar_chart(
        live.gaps, labels=labels, title="Expectation gap per touchpoint, this workshop"
    )
    figure.update_layout(height=min(figure.layout.height, LIVE_CHART_HEIGHT))
    return live, figure


def _live_screen(code: str) -> None:
    live, figure = _live_view(code, workshop_revision(get_store(), code))
    workshop, progress = live.workshop, live.progress
    join_column, qr_column, count_column = st.columns([3.2, 1.1, 1.2], vertical_alignment="center")
    with join_column:
        if workshop.is_open:
            _join_instructions(workshop, qr_column)
        else:
            st.info(
                f"Workshop {format_join_code(workshop.code)} was closed on "
                f"{workshop.closed_at:%d %b %Y, %H:%M}; its code no longer works. Its ratings "
                "are part of the journey's map.",
                icon=":material/lock:",
            )
    count_column.metric("Participants", f"{progress.participants:,}", border=True)
    count_column.metric("Ratings", f"{progress.ratings:,}", border=True)
    chart_column, people_column = st.columns([3, 1])
    with people_column:
        st.metric(
            "Touchpoints rated",
            f"{live.rated_touchpoints} of {len(live.journey.touchpoints)}",
            border=True,
        )
        if progress.names:
            st.markdown("**Rated so far**")
            # Names are shown exactly as typed, as plain text: never Markdown or HTML.
            st.text("\n".join(progress.names))
    with chart_column:
        if figure is None:
            st.info(
                "No ratings yet — the chart appears as soon as the first participant sends theirs.",
                icon=":material/hourglass_top:",
            )
        else:
            st.plotly_chart(figure, key="workshop_gap_chart")


# Re-run just this part every few seconds: the rest of the page (forms, tables) stays put.
_live_fragment = st.fragment(_live_screen, run_every=REFRESH_SECONDS)


def _join_instructions(workshop: Workshop, qr_column) -> None:
    # Streamlit serves a role's home page only at the app root; with a passcode, the
    # participants' home page is Join, so their link goes to the root.
    page = JOIN_PAGE if session.single_user_mode() else ""
    url = join_url(st.context.url, workshop.code, page=page)
    lead = f"{plain(workshop.title)}: open" if workshop.title else "Open"
    st.markdown(f"##### {lead} the app, choose **Join a workshop** and type")
    st.html(CODE_HTML.format(code=html.escape(format_join_code(workshop.code))))
    st.markdown(f"##### or scan the QR code · {plain(url)}")
    if only_reachable_here(url):
        st.caption(
            ":material/warning: This address only works on this computer. Open the app "
            "through its network address (e.g. http://192.168.1.20:8501) so that the link "
            "and QR code work on participants' devices."
        )
    qr_column.image(join_qr_png(url), width="stretch", alt=f"QR code of {url}")


def _close_button(workshop: Workshop) -> None:
    code = format_join_code(workshop.code)
    with st.popover(f"Close workshop {code}", icon=":material/lock:"):
        st.write(
            "Participants can no longer join or change their answers; the code stops working. "
            "Their ratings stay in the journey's map. This cannot be undone."
        )
        if st.button(f"Close {code} now", type="primary", key="workshop_close_confirm"):
            get_store().close_workshop(workshop.code)
            st.toast(f"Workshop {code} is closed.", icon=":material/lock:")
            st.rerun()


def _open_form(journey_id: str, existing: int) -> None:
    # The form's identity changes with every workshop opened, so a double-click's second
    # submit belongs to a form that no longer exists and opens nothing.
    with st.form(f"workshop_open_{existing}", border=True):
        st.markdown("**Open a new workshop** on the journey's current version")
        left, right = st.columns(2)
        title = left.text_input(
            "Title (optional)",
            key=f"workshop_title_{existing}",
            max_chars=120,
            placeholder="e.g. Branch 12 team, 14 March",
        )
        segment = right.text_input(
            "Tag the ratings as segment (optional)",
            key=f"workshop_segment_{existing}",
            max_chars=60,
            placeholder="e.g. staff",
            help="Ratings from this workshop carry this segment, so the journey map can show "
            "them apart from survey answers.",
        )
        if not st.form_submit_button(
            "Open a workshop", type="primary", icon=":material/play_arrow:"
        ):
            return
    opened = open_workshop(get_store(), journey_id, title=title, segment=segment)
    st.session_state[PENDING_KEY] = opened.code
    st.rerun()


@st.fragment(run_every=TABLE_REFRESH_SECONDS)
def _workshop_table(journey_id: str) -> None:
    st.dataframe(
        workshop_overview(get_store(), journey_id).drop(columns=["code"]),
        hide_index=True,
        key="workshop_table",
        column_config={
            "join_code": "Code",
            "title": "Title",
            "segment": "Segment",
            "version": st.column_config.NumberColumn("Journey version"),
            "opened_at": st.column_config.DatetimeColumn("Opened", format="D MMM YYYY, HH:mm"),
            "closed_at": st.column_config.DatetimeColumn("Closed", format="D MMM YYYY, HH:mm"),
            "is_open": st.column_config.CheckboxColumn("Open"),
            "participants": st.column_config.NumberColumn("Participants"),
            "ratings": st.column_config.NumberColumn("Ratings", format="localized"),
        },
    )
