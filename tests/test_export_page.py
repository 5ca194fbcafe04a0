"""The Export page: the deck and CSVs of the current journey and filters, as downloads."""

from __future__ import annotations

import io
import zipfile

from pptx import Presentation

from tests.conftest import open_app


def open_export(journey="pizza-delivery"):
    app = open_app("export", timeout=120)
    app.session_state["journey"] = journey
    return app.run()


def test_deck_download_is_a_16_by_9_deck_of_this_journey(database):
    app = open_export()
    assert not app.exception
    app.button(key="export_deck").click().run()
    download = app.get("download_button")
    labels = [d.proto.label for d in download]
    assert "Download the deck (.pptx)" in labels
    deck_bytes = app.session_state["export_deck_bytes"][1]
    deck = Presentation(io.BytesIO(deck_bytes))
    assert round(deck.slide_width / deck.slide_height, 3) == round(16 / 9, 3)
    assert "Pizza delivery" in deck.slides[0].shapes.title.text


def deck_text(app) -> str:
    deck = Presentation(io.BytesIO(app.session_state["export_deck_bytes"][1]))
    return "\n".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )


def test_the_deck_follows_the_segment_filter(database):
    app = open_export()
    app.multiselect(key="filter_segments").select("new").run()
    app.button(key="export_deck").click().run()
    assert not app.exception
    assert "segments: new" in deck_text(app)


def test_chart_images_come_as_one_zip(database):
    app = open_export()
    app.button(key="export_images").click().run()
    assert not app.exception
    archive = zipfile.ZipFile(io.BytesIO(app.session_state["export_image_bytes"][1]))
    names = archive.namelist()
    assert "pizza-delivery-journey-map.png" in names
    assert archive.read(names[0]).startswith(b"\x89PNG")
