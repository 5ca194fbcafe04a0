"""Journeys: pick one, create or import one, and browse or restore its versions (undo)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeymap.catalog import create_journey, import_journey_document
from journeymap.errors import JourneyMapError
from journeymap.journey_file import dump_journey, load_journey
from journeymap.samples import sample_files
from journeymap.store import JourneySummary
from journeymap.ui.resources import get_store
from journeymap.ui.session import current_summary, select_journey
from journeymap.ui.text import plain

BLANK = "A blank journey"


def render() -> None:
    st.title("Journeys")
    store = get_store()
    summaries = store.journeys()
    if summaries:
        _journey_list(summaries)
    else:
        st.info("No journeys yet — create one below, or import a journey file.")
    create, upload, history = st.tabs(
        [
            ":material/add: New journey",
            ":material/upload: Import a file",
            ":material/history: Versions",
        ]
    )
    with create:
        _create_form(summaries)
    with upload:
        _import_form()
    with history:
        if summaries:
            _history()


def _journey_list(summaries: list[JourneySummary]) -> None:
    table = pd.DataFrame(
        {
            "Journey": [s.name for s in summaries],
            "Version": [s.version for s in summaries],
            "Ratings": [s.ratings for s in summaries],
            "Last saved": [s.saved_at for s in summaries],
            "Id": [s.id for s in summaries],
        }
    )
    st.caption("Click a row to work on that journey; the sidebar shows which one is open.")
    picked = st.dataframe(
        table,
        hide_index=True,
        key="journey_list",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Ratings": st.column_config.NumberColumn(format="localized"),
            "Last saved": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
        },
    )
    rows = picked.selection.rows if picked else []
    if rows and table["Id"].iloc[rows[0]] != st.session_state.get("journey"):
        select_journey(table["Id"].iloc[rows[0]])
        st.rerun()


def _create_form(summaries: list[JourneySummary]) -> None:
    store = get_store()
    templates = {BLANK: None} | {s.name: s.id for s in summaries}
    with st.form("new_journey", clear_on_submit=False, border=False):
        name = st.text_input("Name of the new journey", key="new_journey_name", max_chars=200)
        start = st.selectbox(
            "Start from",
            list(templates),
            key="new_journey_template",
            help="A copy keeps the touchpoints, transitions and promises but not the ratings.",
        )
        if not st.form_submit_button("Create journey", type="primary"):
            return
    template_id = templates[start]
    try:
        template = store.journey(template_id) if template_id else None
        journey = create_journey(store, name, template=template)
    except JourneyMapError as exc:
        st.error(plain(exc))
        return
    select_journey(journey.id)
    st.toast(
        f"Created “{journey.name}”. Add touchpoints on the Edit page.",
        icon=":material/check_circle:",
    )
    st.rerun()


def _import_form() -> None:
    st.write(
        "A journey file is JSON (`journeymap schema` prints its format). A file whose `id` is "
        "already stored becomes that journey's next version; nothing is overwritten."
    )
    uploaded = st.file_uploader("Journey file (.json)", type=["json"], key="journey_upload")
    samples = {load_journey(path).name: path for path, _ in sample_files()}
    with st.expander("Or download a sample journey file to start from"):
        pick = st.selectbox("Sample", list(samples), key="sample_download_pick")
        st.download_button(
            "Download sample JSON",
            samples[pick].read_bytes(),
            file_name=samples[pick].name,
            mime="application/json",
            key="sample_download",
        )
    if uploaded is None:
        return
    if st.button("Import this file", type="primary", key="journey_upload_import"):
        try:
            journey, version = import_journey_document(
                get_store(), uploaded.getvalue(), source=uploaded.name
            )
        except JourneyMapError as exc:
            st.error(plain(exc))
            return
        select_journey(journey.id)
        st.toast(
            f"Stored “{plain(journey.name)}” as version {version}.", icon=":material/check_circle:"
        )
        st.rerun()


def _history() -> None:
    summary = current_summary()
    store = get_store()
    versions = store.versions(summary.id)
    st.subheader(f"Versions of {plain(summary.name)}")
    st.caption("Every save is a version. Restoring saves an old version again as the newest.")
    table = pd.DataFrame(
        {
            "Version": [v.version for v in versions],
            "Saved": [v.saved_at for v in versions],
            "By": [v.author for v in versions],
            "Note": [v.note for v in versions],
            "Name": [v.name for v in versions],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        key="version_list",
        column_config={"Saved": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm:ss")},
    )
    older = [v.version for v in versions[1:]]
    if not older:
        st.caption("Only one version so far.")
        return
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    version = left.selectbox("Version to restore", older, key="restore_version")
    if right.button(f"Restore version {version}", key="restore_button"):
        new = store.restore(summary.id, version)
        st.toast(f"Version {version} is now version {new}.", icon=":material/undo:")
        st.rerun()
    st.download_button(
        "Download the current version as JSON",
        dump_journey(store.journey(summary.id)),
        file_name=f"{summary.id}.json",
        mime="application/json",
        key="journey_json_download",
    )
