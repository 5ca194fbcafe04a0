"""Page configuration and navigation over the app's pages."""

from __future__ import annotations

import streamlit as st

from journeymap.errors import JourneyMapError
from journeymap.ui import journeys_page


def run() -> None:
    st.set_page_config(page_title="journeymap", page_icon="🗺️", layout="wide")
    pages = [
        st.Page(journeys_page.render, title="Journeys", icon="🗺️", url_path="journeys", default=True)
    ]
    try:
        st.navigation(pages).run()
    except JourneyMapError as exc:
        st.error(str(exc))
