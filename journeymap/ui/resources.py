"""Process-wide resources shared by every browser session: the store."""

from __future__ import annotations

import streamlit as st

from journeymap.samples import ensure_samples
from journeymap.store import Store, open_store


@st.cache_resource(show_spinner="Opening the journey store…")
def get_store() -> Store:
    """One store per server process (DuckDB allows one writer process per file)."""
    store = open_store()
    ensure_samples(store)
    return store
