"""Process-wide resources shared by every browser session: the store, and cached analyses."""

from __future__ import annotations

import streamlit as st

from journeymap.analysis import Analysis, Filters, analyse
from journeymap.samples import ensure_samples
from journeymap.store import Store, default_location, open_store


def get_store() -> Store:
    """This server's store: $JOURNEYMAP_DATABASE_URL, else $JOURNEYMAP_DB or the default file."""
    return _open_store(default_location())


@st.cache_resource(show_spinner="Opening the journey store…")
def _open_store(location: str) -> Store:
    # One store per server process and location: DuckDB allows one process per file, and a
    # PostgreSQL store's connection pool serves every session of this server.
    store = open_store(location)
    ensure_samples(store)
    return store


def analysis(
    journey_id: str, version: int, filters: Filters, *, arrivals: float = 1000
) -> Analysis:
    """The journey's figures; recomputed only when its version or its ratings change."""
    revision = get_store().rating_revision(journey_id)
    return _analysis(journey_id, version, revision, filters, arrivals)


@st.cache_data(max_entries=64, show_spinner="Computing the gaps…")
def _analysis(
    journey_id: str, version: int, revision: tuple[int, int], filters: Filters, arrivals: float
) -> Analysis:
    # `revision` is only part of the cache key: new ratings give it a new value.
    store = get_store()
    journey = store.journey(journey_id, version=version)
    return analyse(store, journey, filters=filters, arrivals=arrivals)
