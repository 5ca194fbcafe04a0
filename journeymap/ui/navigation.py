"""Page configuration, who sees which pages, and navigation over them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from journeymap.access import PASSCODE_VARIABLE, Role
from journeymap.errors import JourneyMapError
from journeymap.ui import (
    coaching_page,
    edit_page,
    export_page,
    flow_page,
    join_page,
    journeys_page,
    lever_page,
    map_page,
    ratings_page,
    session,
    signin_page,
    workshop_page,
)
from journeymap.ui.text import plain


@dataclass(frozen=True)
class PageSpec:
    section: str
    render: Callable[[], None]
    title: str
    icon: str
    url_path: str
    roles: tuple[Role, ...] = (Role.FACILITATOR,)


#: Every page, in menu order; the first page a role may see is its home page.
PAGES = (
    PageSpec("Journey", journeys_page.render, "Journeys", ":material/route:", "journeys"),
    PageSpec("Journey", edit_page.render, "Edit journey", ":material/edit:", "edit"),
    PageSpec("Journey", ratings_page.render, "Ratings", ":material/table_view:", "ratings"),
    PageSpec("Workshop", workshop_page.render, "Run a workshop", ":material/groups:", "workshop"),
    PageSpec(
        "Workshop", join_page.render, "Join a workshop", ":material/how_to_vote:", "join",
        roles=(Role.FACILITATOR, Role.PARTICIPANT),
    ),
    PageSpec("Insight", map_page.render, "Journey map", ":material/insights:", "map"),
    PageSpec("Insight", flow_page.render, "Flow", ":material/account_tree:", "flow"),
    PageSpec("Act", lever_page.render, "Choose the lever", ":material/tune:", "lever"),
    PageSpec("Act", coaching_page.render, "Coach the front line", ":material/school:", "coaching"),
    PageSpec("Share", export_page.render, "Export", ":material/ios_share:", "export"),
    PageSpec(
        "Account", signin_page.render, "Facilitator", ":material/key:", "sign-in",
        roles=(Role.FACILITATOR, Role.PARTICIPANT),
    ),
)  # fmt: skip


def pages_for(role: Role, *, start: str | None = None) -> dict[str, list[st.Page]]:
    """The menu of a role, by section; `start` (a url path) makes that page the home page."""
    visible = [spec for spec in PAGES if role in spec.roles]
    home = next((s.url_path for s in visible if s.url_path == start), visible[0].url_path)
    menu: dict[str, list[st.Page]] = {}
    for spec in visible:
        is_home = spec.url_path == home
        page = st.Page(
            spec.render, title=spec.title, icon=spec.icon, default=is_home,
            url_path=f"{spec.url_path}-home" if is_home else spec.url_path,
        )  # fmt: skip
        menu.setdefault(spec.section, []).append(page)
        if is_home:
            # Streamlit serves the home page at `/` only; a link or bookmark to its own name
            # (`/journeys`, a participant's `/join?code=…`) must open it too, not "Page not found".
            alias = st.Page(
                spec.render, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                visibility="hidden",
            )  # fmt: skip
            menu[spec.section].append(alias)
    return menu


def run(*, start: str | None = None) -> None:
    """The app. `start` opens a page other than the home page (tests use it)."""
    st.set_page_config(page_title="journeymap", page_icon=":material/route:", layout="wide")
    role = session.role()
    page = st.navigation(pages_for(role, start=start))
    if role is Role.FACILITATOR:
        session.journey_picker()
        if session.single_user_mode():
            st.sidebar.caption(
                f"Single-user mode: anyone who opens this app can edit. Set "
                f"`{PASSCODE_VARIABLE}` to require a facilitator passcode."
            )
    try:
        page.run()
    except JourneyMapError as exc:
        st.error(plain(exc))
