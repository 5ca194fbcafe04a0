"""The journey list: what is in the store, with its size and history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeymap.ui.resources import get_store


def render() -> None:
    st.title("Journeys")
    summaries = get_store().journeys()
    if not summaries:
        st.info("No journeys yet — import one with `journeymap import FILE`.")
        st.stop()
    table = pd.DataFrame(
        {
            "Journey": [s.name for s in summaries],
            "Version": [s.version for s in summaries],
            "Ratings": [s.ratings for s in summaries],
            "Last saved": [s.saved_at for s in summaries],
            "Id": [s.id for s in summaries],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="journey_list")
