"""What a journey leaves the product as: the deck, chart images, spreadsheet-safe CSV and JSON.

Every function returns bytes keyed by a file name, so the app offers them as downloads and the
CLI writes them to disk (`write_exports`) from the same code.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from journeymap import charts
from journeymap.errors import JourneyMapError
from journeymap.images import IMAGE_FORMATS, chart_images, image_server
from journeymap.journey_file import dump_journey
from journeymap.model import Journey
from journeymap.report import Report
from journeymap.simulate import sweep_with_promise
from journeymap.slides import build_deck
from journeymap.tables import frame_to_csv

__all__ = [
    "IMAGE_FORMATS",
    "ExportError",
    "ExportRequest",
    "build_deck",
    "csv_tables",
    "deck_file_name",
    "figures",
    "image_files",
    "journey_json",
    "write_exports",
    "zip_bundle",
]


class ExportError(JourneyMapError):
    """An export file could not be written."""


@dataclass(frozen=True)
class ExportRequest:
    """Where each requested export goes; None skips it. Directories are created."""

    pptx: Path | None = None
    png: Path | None = None
    svg: Path | None = None
    pdf: Path | None = None
    csv: Path | None = None
    json: Path | None = None

    def image_dirs(self) -> dict[str, Path]:
        return {fmt: d for fmt in IMAGE_FORMATS if (d := getattr(self, fmt)) is not None}

    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in self.__dataclass_fields__)


def deck_file_name(journey: Journey) -> str:
    return f"{journey.id}-review.pptx"


def figures(report: Report) -> dict[str, go.Figure]:
    """The app's charts for the report, keyed by the file stem they are saved under."""
    journey, gaps = report.journey, report.gaps
    labels = {tp.id: tp.name for tp in journey.touchpoints}
    built = {
        "journey-map": charts.journey_map_chart(journey, gaps),
        "gap-bars": charts.gap_bar_chart(gaps, labels=labels),
        "importance-performance": charts.quadrant_chart(gaps, labels=labels),
    }
    if report.flow is not None:
        built["flow"] = charts.flow_chart(journey, report.flow, gaps)
    if report.sweep is not None and report.promise is not None:
        promise = report.promise
        built["promise-sweep"] = charts.promise_sweep_chart(
            report.sweep,
            lever=promise.lever.value,
            unit=promise.unit,
            title=f"Exceed on {promise.lever.value}: {charts.plain(promise.label or promise.touchpoint)}",
            current=promise.promised,
        )
    return built


def image_files(
    report: Report, fmt: str, *, width: int = 1600, height: int = 900, scale: float = 1
) -> dict[str, bytes]:
    """Every chart of the report as `fmt` ("png", "svg", "pdf"), keyed by file name."""
    rendered = chart_images(figures(report), fmt, width=width, height=height, scale=scale)
    return {f"{report.journey.id}-{name}.{fmt}": data for name, data in rendered.items()}


def csv_tables(report: Report) -> dict[str, bytes]:
    """Gap table, flow and promise sweep as CSV that opens safely in a spreadsheet: user text
    starting with = + - @ is prefixed with a quote (`tables.frame_to_csv`)."""
    stem = report.journey.id
    tables = {f"{stem}-gaps.csv": report.gaps}
    if report.flow is not None:
        tables[f"{stem}-flow.csv"] = report.flow
    if report.sweep is not None and report.promise is not None:
        tables[f"{stem}-promise-sweep.csv"] = sweep_table(report)
    return {name: frame_to_csv(frame).encode("utf-8") for name, frame in tables.items()}


def sweep_table(report: Report) -> pd.DataFrame:
    """The promise sweep with the promise it belongs to, one row per promised value."""
    if report.sweep is None or report.promise is None:
        raise ValueError("the report has no promise sweep")
    return sweep_with_promise(report.sweep, report.promise)


def zip_bundle(files: Mapping[str, bytes]) -> bytes:
    """Several export files as one zip archive, for a single download; names without folders,
    so unzipping never writes outside the folder it unzips into."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(Path(name).name, data)
    return buffer.getvalue()


def journey_json(journey: Journey) -> bytes:
    """The journey file; `journeymap import` reads it back unchanged."""
    return (dump_journey(journey) + "\n").encode("utf-8")


def write_exports(report: Report, request: ExportRequest) -> list[Path]:
    """Write every requested export; returns the paths written, in the order written."""
    written: list[Path] = []
    if request.pptx is not None:
        written.append(_write(request.pptx, build_deck(report)))
    if request.csv is not None:
        written += _write_all(request.csv, csv_tables(report).items())
    if request.json is not None:
        written.append(_write(request.json, journey_json(report.journey)))
    dirs = request.image_dirs()
    if dirs:
        with image_server():  # one browser for every format
            for fmt, directory in dirs.items():
                written += _write_all(directory, image_files(report, fmt).items())
    return written


def _write_all(directory: Path, files: Iterable[tuple[str, bytes]]) -> list[Path]:
    return [_write(directory / name, data) for name, data in files]


def _write(path: Path, data: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ExportError(f"{path}: cannot be written ({exc.strerror})") from exc
    return path
