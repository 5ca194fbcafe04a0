"""Process-wide resources shared by every browser session: the store."""

from __future__ import annotations

import streamlit as st

from journeymap.samples import ensure_samples
from journeymap.store import Store, default_database_path, open_store


def get_store() -> Store:
    """The store this server uses (JOURNEYMAP_DB or the per-user default file)."""
    return _open_store(str(default_database_path()))


@st.cache_resource(show_spinner="Opening the journey store…")
def _open_store(location: str) -> Store:
    # One store per server process and location: DuckDB allows one process per file.
    store = open_store(location)
    ensure_samples(store)
    return store
