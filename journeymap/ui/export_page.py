"""Export: the review deck with editable charts, chart images, CSV tables and the journey file,
for the current journey and filters."""

from __future__ import annotations

import streamlit as st

from journeymap import export
from journeymap.analysis import Analysis
from journeymap.report import Report, report_from_gaps
from journeymap.ui.filters import filter_bar
from journeymap.ui.resources import analysis
from journeymap.ui.session import current_journey, current_summary
from journeymap.ui.text import plain


def render() -> None:
    summary = current_summary()
    journey = current_journey(summary)
    st.title(f"{plain(journey.name)}: export")
    st.caption(
        "Everything below follows the filters you choose here, like the Journey map page. "
        "The slide deck's charts are native PowerPoint charts: they open editable, with their data."
    )
    result = analysis(summary.id, summary.version, filter_bar(journey))
    if not result.has_ratings:
        st.info("No ratings yet — open a workshop or import a CSV; the journey file is below.")
    else:
        report = _report(result)
        for note in report.notes:
            st.warning(plain(note))
        _deck(report)
        _images(report)
        _tables(report)
    st.subheader("Journey file")
    st.download_button(
        "Download the journey (JSON)",
        export.journey_json(journey),
        file_name=f"{journey.id}.json",
        mime="application/json",
        icon=":material/data_object:",
        key="export_json",
        help="Reads back with `journeymap import` or the Journeys page.",
    )


def _report(result: Analysis) -> Report:
    filters = result.filters
    return report_from_gaps(
        result.journey,
        result.gaps,
        respondents=result.respondents,
        flow=result.flow,
        filters=filters.describe(),
        loss_aversion=filters.loss_aversion,
        recovery_ratio=filters.recovery_ratio,
    )


def _deck(report: Report) -> None:
    st.subheader("Slide deck (PowerPoint, 16:9)")
    if st.button("Build the deck", type="primary", icon=":material/slideshow:", key="export_deck"):
        with st.spinner("Building slides…"):
            st.session_state["export_deck_bytes"] = (_view(report), export.build_deck(report))
    built = st.session_state.get("export_deck_bytes")
    if built and built[0] == _view(report):
        st.download_button(
            "Download the deck (.pptx)",
            built[1],
            file_name=export.deck_file_name(report.journey),
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            icon=":material/download:",
            key="export_deck_download",
        )


def _images(report: Report) -> None:
    st.subheader("Chart images")
    fmt = st.segmented_control(
        "Format", ["png", "svg", "pdf"], default="png", key="export_image_format", required=True
    )
    if st.button("Render the charts", icon=":material/image:", key="export_images"):
        with st.spinner("Rendering the charts in Chromium…"):
            files = export.image_files(report, fmt)
            st.session_state["export_image_bytes"] = (
                (_view(report), fmt),
                export.zip_bundle(files),
            )
    built = st.session_state.get("export_image_bytes")
    if built and built[0] == (_view(report), fmt):
        st.download_button(
            f"Download the charts ({fmt.upper()}, zip)",
            built[1],
            file_name=f"{report.journey.id}-charts-{fmt}.zip",
            mime="application/zip",
            icon=":material/download:",
            key="export_images_download",
        )


def _tables(report: Report) -> None:
    st.subheader("Tables (CSV)")
    st.caption("Safe to open in a spreadsheet: text starting with = + - @ is kept as text.")
    for i, (name, data) in enumerate(export.csv_tables(report).items()):
        st.download_button(
            name,
            data,
            file_name=name,
            mime="text/csv",
            icon=":material/csv:",
            key=f"export_csv_{i}",
        )


def _view(report: Report) -> tuple[object, ...]:
    """What the built files depend on: a deck of another view must not be offered."""
    return (report.journey.id, report.journey, report.filters, report.ratings, report.loss_aversion)
