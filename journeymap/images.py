"""Static images (PNG, SVG, PDF) of the plotly charts, rendered by kaleido in the system Chromium.

Works offline: kaleido 1.x drives the `chromium` on PATH and ships plotly.js with plotly.py.
Starting Chromium costs about a second, so a batch of images shares one browser
(`image_server()`, kaleido's sync server) instead of starting one per image. That server is one
per process and hands results back in order, so batches from different threads (app sessions)
take turns.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import kaleido
import plotly.graph_objects as go

from journeymap.errors import JourneyMapError

IMAGE_FORMATS = ("png", "svg", "pdf")
#: 16:9 at the size of a full slide on a 1600-pixel-wide screen; scale 2 for print.
SLIDE_IMAGE_WIDTH, SLIDE_IMAGE_HEIGHT = 1600, 900

_servers_open = 0
_turn = threading.RLock()


class ImageExportError(JourneyMapError):
    """A chart could not be rendered to an image (no Chromium, or the browser failed)."""


@contextmanager
def image_server() -> Iterator[None]:
    """Keep one Chromium running for the images made inside the block (nesting is fine)."""
    global _servers_open
    with _turn:
        if _servers_open == 0:
            # Without a browser kaleido's server thread dies and later calls would wait forever.
            if chromium_path() is None:
                raise ImageExportError(
                    "chart images need Chromium: install Debian's `chromium` package "
                    "(or set BROWSER_PATH to a Chrome/Chromium executable)"
                )
            try:
                kaleido.start_sync_server(silence_warnings=True)
            except Exception as exc:  # choreographer raises several kinds without Chromium
                raise ImageExportError(f"cannot start Chromium for chart images: {exc}") from exc
        _servers_open += 1
        try:
            yield
        finally:
            _servers_open -= 1
            if _servers_open == 0:
                kaleido.stop_sync_server(silence_warnings=True)


def chromium_path() -> str | None:
    """The Chrome/Chromium kaleido would use, or None when there is none."""
    from choreographer.browsers.chromium import Chromium

    return Chromium.find_browser(skip_local=False)


def chart_image(
    figure: go.Figure,
    fmt: str = "png",
    *,
    width: int = SLIDE_IMAGE_WIDTH,
    height: int = SLIDE_IMAGE_HEIGHT,
    scale: float = 1,
) -> bytes:
    """One figure as PNG, SVG or PDF bytes, `width` × `height` CSS pixels times `scale`."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; expected one of {IMAGE_FORMATS}")
    if width <= 0 or height <= 0 or scale <= 0:
        raise ValueError(f"image size must be positive, got {width}×{height} at scale {scale}")
    options = {"format": fmt, "width": width, "height": height, "scale": scale}
    try:
        with _turn:
            data = kaleido.calc_fig_sync(figure, opts=options)
    except Exception as exc:
        raise ImageExportError(f"cannot render the chart as {fmt.upper()}: {exc}") from exc
    return bytes(data)


def chart_images(
    figures: Mapping[str, go.Figure],
    fmt: str = "png",
    *,
    width: int = SLIDE_IMAGE_WIDTH,
    height: int = SLIDE_IMAGE_HEIGHT,
    scale: float = 1,
) -> dict[str, bytes]:
    """Every figure as `fmt` bytes, keyed like `figures`, rendered by one browser."""
    with image_server():
        return {
            name: chart_image(figure, fmt, width=width, height=height, scale=scale)
            for name, figure in figures.items()
        }
