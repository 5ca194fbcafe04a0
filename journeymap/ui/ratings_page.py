"""Ratings: import a survey CSV — preview and row-level errors first, then one transaction."""

from __future__ import annotations

import streamlit as st

from journeymap.errors import JourneyMapError
from journeymap.imports import RatingsPreview, import_ratings, preview_ratings
from journeymap.ratings import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from journeymap.ui.resources import get_store
from journeymap.ui.session import current_journey
from journeymap.ui.text import plain

PREVIEW_KEY = "ratings_preview"


def render() -> None:
    journey = current_journey()
    st.title(f"{plain(journey.name)}: ratings")
    _sources(journey.id)
    st.subheader("Import a survey file")
    st.caption(
        f"CSV with a header row: {', '.join(REQUIRED_COLUMNS)} (touchpoint id or name), and "
        f"optionally {', '.join(OPTIONAL_COLUMNS)}. Values on the journey's "
        f"{journey.scale.label()} scale. Comma, semicolon or tab separated, as spreadsheets "
        "export them. A file with any bad row imports nothing."
    )
    uploaded = st.file_uploader("Ratings file (.csv)", type=["csv", "txt"], key="ratings_upload")
    if uploaded is None:
        st.session_state.pop(PREVIEW_KEY, None)
        return
    preview = _preview(uploaded, journey)
    if preview is None:
        return
    _show_preview(preview, journey)
    if st.button(f"Import {preview.rows:,} ratings", type="primary", key="ratings_import_button"):
        stored = import_ratings(get_store(), journey, preview)
        if stored:
            st.success(f"Imported {stored:,} ratings from {plain(preview.source)}.")
        else:
            st.warning(f"{plain(preview.source)} was imported before; nothing was added twice.")


def _preview(uploaded, journey) -> RatingsPreview | None:
    """Parse once per uploaded file (a 100 MB file should not be re-read on every click)."""
    cached = st.session_state.get(PREVIEW_KEY)
    if cached and cached[0] == (uploaded.file_id, journey.id):
        result = cached[1]
    else:
        try:
            result = preview_ratings(uploaded.getvalue(), journey, source=uploaded.name)
        except JourneyMapError as exc:
            result = exc
        st.session_state[PREVIEW_KEY] = ((uploaded.file_id, journey.id), result)
    if isinstance(result, JourneyMapError):
        st.error(f"Nothing was imported. Fix these and upload the file again:\n\n{plain(result)}")
        return None
    return result


def _show_preview(preview: RatingsPreview, journey) -> None:
    for warning in preview.warnings:
        st.warning(plain(warning))
    left, middle, right = st.columns(3)
    left.metric("Rating rows", f"{preview.rows:,}", border=True)
    middle.metric("Respondents", f"{preview.respondents:,}", border=True)
    right.metric(
        "Touchpoints rated",
        f"{preview.frame['touchpoint'].nunique()} of {len(journey.touchpoints)}",
        border=True,
    )
    counts, rows = st.columns([1, 2])
    counts.dataframe(
        preview.per_touchpoint(journey),
        hide_index=True,
        key="ratings_preview_counts",
        column_config={"touchpoint": "Touchpoint", "rows": "Rows", "with_gap": "With a gap"},
    )
    rows.dataframe(preview.frame.head(200), hide_index=True, key="ratings_preview_rows")


def _sources(journey_id: str) -> None:
    sources = get_store().rating_sources(journey_id)
    if sources.empty:
        st.info("No ratings yet — open a workshop or import a survey CSV below.")
        return
    st.dataframe(
        sources,
        hide_index=True,
        key="ratings_sources",
        column_config={
            "source": "Source",
            "batches": st.column_config.NumberColumn("Submissions"),
            "first": st.column_config.DatetimeColumn("First", format="D MMM YYYY, HH:mm"),
            "last": st.column_config.DatetimeColumn("Latest", format="D MMM YYYY, HH:mm"),
            "ratings": st.column_config.NumberColumn("Ratings held", format="localized"),
        },
    )
