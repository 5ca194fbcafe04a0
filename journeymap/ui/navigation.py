"""Page configuration, who sees which pages, and navigation over them."""

from __future__ import annotations

import streamlit as st

from journeymap.access import PASSCODE_VARIABLE, Role
from journeymap.errors import JourneyMapError
from journeymap.ui import journeys_page, map_page, session, signin_page


def facilitator_pages() -> dict[str, list[st.Page]]:
    return {
        "Journey": [
            st.Page(journeys_page.render, title="Journeys", icon=":material/route:", url_path="journeys",
                    default=True),
        ],
        "Insight": [
            st.Page(map_page.render, title="Journey map", icon=":material/insights:", url_path="map"),
        ],
        "Account": [
            st.Page(signin_page.render, title="Facilitator", icon=":material/key:", url_path="sign-in"),
        ],
    }  # fmt: skip


def participant_pages() -> list[st.Page]:
    return [
        st.Page(signin_page.render, title="Facilitator sign-in", icon=":material/key:", url_path="sign-in",
                default=True),
    ]  # fmt: skip


def run() -> None:
    st.set_page_config(page_title="journeymap", page_icon=":material/route:", layout="wide")
    facilitator = session.role() is Role.FACILITATOR
    page = st.navigation(facilitator_pages() if facilitator else participant_pages())
    if facilitator:
        session.journey_picker()
        if session.single_user_mode():
            st.sidebar.caption(
                f"Single-user mode: anyone who opens this app can edit. Set "
                f"`{PASSCODE_VARIABLE}` to require a facilitator passcode."
            )
    try:
        page.run()
    except JourneyMapError as exc:
        st.error(str(exc))
