"""Exports: spreadsheet-safe CSV, the journey JSON round trip, chart images, the export command
end to end on the sample journeys, and the deck rendered by LibreOffice."""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import subprocess
import sys
from datetime import date

import numpy as np
import pandas as pd
import pytest

from journeymap import export, images, levers
from journeymap.cli import main
from journeymap.gaps import gap_table
from journeymap.journey_file import load_journey, parse_journey
from journeymap.ratings import read_ratings
from journeymap.report import build_report, report_from_gaps
from journeymap.store import open_store
from journeymap.tables import FORMULA_PREFIXES
from tests import pptx_checks as check
from tests.conftest import ROOT, SAMPLES

HOSTILE = {
    "door": "<script>alert(1)</script>",
    "till": '=HYPERLINK("http://evil.example","click")',
    "bag": "+SUM(A1:A9)",
    "call": "@cmd",
    "dash": "-2+3",
}


@pytest.fixture
def hostile_journey():
    return parse_journey(
        {
            "name": "=Hostile shop",
            "stages": ["Visit", "Pay"],
            "touchpoints": [
                {"id": tp, "name": name, "stage": "Visit" if i < 2 else "Pay",
                 "role": "=role" if i % 2 else "-cashier"}
                for i, (tp, name) in enumerate(HOSTILE.items())
            ],
            "transitions": [
                {"from": "door", "to": "till", "share": 0.5},
                {"from": "till", "to": "bag", "share": 0.5},
            ],
            "promises": [
                {"touchpoint": "till", "lever": "cost", "promised": 20, "unit": "=EUR",
                 "label": "@quote", "delivered": {"dist": "normal", "mean": 21, "sd": 2}},
            ],
            "lever": "cost",
        }
    )  # fmt: skip


@pytest.fixture
def hostile_ratings():
    rng = np.random.default_rng(11)
    rows = []
    for respondent in range(20):
        for tp in HOSTILE:
            rows.append(
                {
                    "touchpoint": tp,
                    "expected": float(rng.integers(3, 8)),
                    "experienced": float(rng.integers(1, 8)),
                    "importance": np.nan,
                    "respondent": f"=R{respondent}",
                    "segment": "-walk-in",
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def hostile_report(hostile_journey, hostile_ratings):
    return build_report(
        hostile_journey,
        hostile_ratings,
        rng=np.random.default_rng(5),
        draws=5_000,
        created=date(2026, 9, 30),
    )


@pytest.fixture
def retail():
    return load_journey(SAMPLES / "retail_store.json")


@pytest.fixture
def retail_ratings(retail):
    return read_ratings(SAMPLES / "retail_store.csv", retail).frame


# CSV -----------------------------------------------------------------------------------------


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_exports_are_the_gap_table_flow_and_sweep(hostile_report):
    files = export.csv_tables(hostile_report)
    assert sorted(files) == ["hostile-shop-flow.csv", "hostile-shop-gaps.csv",
                             "hostile-shop-promise-sweep.csv"]  # fmt: skip
    gaps = pd.read_csv(io.BytesIO(files["hostile-shop-gaps.csv"]))
    assert list(gaps["touchpoint"]) == list(hostile_report.gaps["touchpoint"])
    assert gaps["gap_mean"].to_numpy() == pytest.approx(hostile_report.gaps["gap_mean"].to_numpy())
    sweep = pd.read_csv(io.BytesIO(files["hostile-shop-promise-sweep.csv"]))
    assert sweep["value_per_1000"].to_numpy() == pytest.approx(
        hostile_report.sweep["value_per_1000"].to_numpy()
    )
    assert sweep["recommended"].sum() == 1


def test_no_csv_cell_from_user_text_can_run_as_a_formula(hostile_report):
    for name, data in export.csv_tables(hostile_report).items():
        cells = [cell for row in _cells(data) for cell in row]
        dangerous = [c for c in cells if c.startswith(FORMULA_PREFIXES) and not _is_number(c)]
        assert dangerous == [], name
    gaps = export.csv_tables(hostile_report)["hostile-shop-gaps.csv"].decode()
    assert "'=HYPERLINK" in gaps and "'+SUM(A1:A9)" in gaps and "'@cmd" in gaps
    assert "'-2+3" in gaps and "'-cashier" in gaps
    sweep = export.csv_tables(hostile_report)["hostile-shop-promise-sweep.csv"].decode()
    assert "'@quote" in sweep and "'=EUR" in sweep


def test_negative_numbers_stay_numbers_in_the_csv(hostile_report):
    rows = _cells(export.csv_tables(hostile_report)["hostile-shop-gaps.csv"])
    column = rows[0].index("gap_mean")
    values = [row[column] for row in rows[1:]]
    assert any(v.startswith("-") for v in values)
    assert all(_is_number(v) for v in values)


# JSON ----------------------------------------------------------------------------------------


def test_journey_json_round_trips_through_import(tmp_path, hostile_journey, capsys):
    path = tmp_path / "journey.json"
    path.write_bytes(export.journey_json(hostile_journey))
    db = str(tmp_path / "round.duckdb")
    assert main(["import", str(path), "--db", db]) == 0
    with open_store(db) as store:
        assert store.journey(hostile_journey.id) == hostile_journey
    assert load_journey(path) == hostile_journey


# Report --------------------------------------------------------------------------------------


def test_report_counts_ratings_and_respondents_under_the_filters(retail, retail_ratings):
    report = build_report(retail, retail_ratings, rng=np.random.default_rng(1), draws=2_000)
    both = retail_ratings.dropna(subset=["expected", "experienced"])
    assert report.ratings == len(both)
    assert report.respondents == retail_ratings["respondent"].nunique()
    walk_in = build_report(
        retail, retail_ratings, segments=["walk-in"], rng=np.random.default_rng(1), draws=2_000
    )
    in_segment = retail_ratings[retail_ratings["segment"] == "walk-in"]
    assert walk_in.respondents == in_segment["respondent"].nunique()
    assert walk_in.filters == ("segments: walk-in",)


def test_a_report_from_the_stores_sums_gives_the_same_deck_numbers(tmp_path):
    # The app aggregates ratings in the store and hands over its gap table.
    journey = load_journey(SAMPLES / "pizza_delivery.json")
    ratings = read_ratings(SAMPLES / "pizza_delivery.csv", journey).frame
    with open_store(tmp_path / "app.duckdb") as store:
        store.import_journey(journey, ratings)
        gaps = gap_table(journey, store.rating_sums(journey.id))
        respondents = store.respondent_count(journey.id)
    report = report_from_gaps(
        journey, gaps, respondents=respondents, rng=np.random.default_rng(2), draws=2_000
    )
    assert report.ratings == int(gap_table(journey, ratings)["n"].sum())
    assert report.respondents == ratings["respondent"].nunique()
    deck = check.open_deck(export.build_deck(report))
    (chart,) = check.slide_charts(deck, 2)
    experienced = {s.name: s.values for s in chart.plots[0].series}["Experienced"]
    assert experienced == pytest.approx(tuple(gap_table(journey, ratings)["experienced_mean"]))


def test_report_sweeps_the_chosen_lever_or_the_one_asked_for(retail, retail_ratings):
    chosen = build_report(retail, retail_ratings, rng=np.random.default_rng(1), draws=2_000)
    assert chosen.promise.lever.value == retail.lever.value == "service"
    time = build_report(
        retail, retail_ratings, lever="time", rng=np.random.default_rng(1), draws=2_000
    )
    assert time.promise.lever.value == "time" and time.promise.unit == "days"
    assert time.sweep["recommended"].sum() == 1


def test_zip_bundle_holds_each_file_once_under_its_name(hostile_report):
    import zipfile

    files = export.csv_tables(hostile_report)
    with zipfile.ZipFile(io.BytesIO(export.zip_bundle(files))) as bundle:
        assert sorted(bundle.namelist()) == sorted(files)
        assert all(bundle.read(name) == data for name, data in files.items())
    with zipfile.ZipFile(io.BytesIO(export.zip_bundle({"../escape.csv": b"x"}))) as bundle:
        assert bundle.namelist() == ["escape.csv"]  # no paths out of the folder it unzips into


# Files and the command -----------------------------------------------------------------------


def test_write_exports_writes_what_was_asked_and_nothing_else(tmp_path, hostile_report):
    request = export.ExportRequest(
        pptx=tmp_path / "deck" / "review.pptx", csv=tmp_path / "csv", json=tmp_path / "j.json"
    )
    written = export.write_exports(hostile_report, request)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        "deck/review.pptx", "csv/hostile-shop-gaps.csv", "csv/hostile-shop-flow.csv",
        "csv/hostile-shop-promise-sweep.csv", "j.json",
    }  # fmt: skip
    assert all(p.stat().st_size > 0 for p in written)


def test_export_command_builds_the_retail_deck_from_the_gap_table(
    tmp_path, capsys, retail, retail_ratings
):
    deck_path = tmp_path / "retail.pptx"
    code = main(
        ["export", str(SAMPLES / "retail_store.json"), "--ratings",
         str(SAMPLES / "retail_store.csv"), "--pptx", str(deck_path), "--csv",
         str(tmp_path / "csv"), "--seed", "1", "--draws", "20000"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"wrote {deck_path}" in out
    deck = check.open_deck(deck_path.read_bytes())
    roles = {tp.role for tp in retail.touchpoints if tp.role}
    # title, journey map, gap bars, quadrant, shortfalls, service sweep, one per role
    assert len(deck.slides) == 6 + len(roles)
    gaps = gap_table(retail, retail_ratings)
    (chart,) = check.slide_charts(deck, 2)
    values = {s.name: s.values for s in chart.plots[0].series}
    assert values["Experienced"] == pytest.approx(tuple(gaps["experienced_mean"]))
    assert values["Expected"] == pytest.approx(tuple(gaps["expected_mean"]))
    (bars,) = check.slide_charts(deck, 3)
    assert bars.plots[0].series[0].values == pytest.approx(
        tuple(np.sort(gaps["gap_mean"].to_numpy()))
    )
    assert check.overflowing(deck) == []
    assert check.outside_the_slide(deck) == []
    csv_gaps = pd.read_csv(tmp_path / "csv" / "retail-store-gaps.csv")
    assert csv_gaps["gap_mean"].to_numpy() == pytest.approx(gaps["gap_mean"].to_numpy())


def test_export_command_filters_by_role_and_segment(tmp_path, capsys, retail):
    deck_path = tmp_path / "cashier.pptx"
    code = main(
        ["export", str(SAMPLES / "retail_store.json"), "--ratings",
         str(SAMPLES / "retail_store.csv"), "--pptx", str(deck_path), "--role", "cashier",
         "--segment", "walk-in", "--draws", "2000"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    deck = check.open_deck(deck_path.read_bytes())
    cashier = [tp.name for tp in retail.ordered_touchpoints() if tp.role == "cashier"]
    (bars,) = check.slide_charts(deck, 3)
    assert sorted(bars.plots[0].categories) == sorted(cashier)
    assert check.title(deck, len(deck.slides)) == "For trainers: cashier"
    assert "segments: walk-in" in check.slide_text(deck, 2)


def test_a_journey_customers_cannot_leave_still_exports_without_the_flow(tmp_path, capsys):
    journey = {
        "name": "Loop",
        "stages": ["Ask", "Answer"],
        "touchpoints": [{"id": "ask", "name": "Ask", "stage": "Ask"},
                        {"id": "answer", "name": "Answer", "stage": "Answer"}],
        "transitions": [{"from": "ask", "to": "answer", "share": 1.0},
                        {"from": "answer", "to": "ask", "share": 1.0}],
    }  # fmt: skip
    (tmp_path / "loop.json").write_text(json.dumps(journey))
    (tmp_path / "loop.csv").write_text("touchpoint,expected,experienced\nask,5,4\nanswer,5,6\n")
    code = main(["export", str(tmp_path / "loop.json"), "--ratings", str(tmp_path / "loop.csv"),
                 "--pptx", str(tmp_path / "loop.pptx"), "--csv", str(tmp_path / "csv")])  # fmt: skip
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "warning: no flow table or flow chart" in err
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["loop-gaps.csv"]
    assert len(check.open_deck((tmp_path / "loop.pptx").read_bytes()).slides) == 5


def test_export_command_reads_a_stored_journey_and_its_ratings(tmp_path, capsys):
    db = str(tmp_path / "stored.duckdb")
    journey, ratings = SAMPLES / "pizza_delivery.json", SAMPLES / "pizza_delivery.csv"
    assert main(["import", str(journey), "--ratings", str(ratings), "--db", db]) == 0
    deck_path = tmp_path / "pizza.pptx"
    code = main(
        ["export", "pizza-delivery", "--db", db, "--pptx", str(deck_path), "--draws", "2000"]
    )
    assert code == 0, capsys.readouterr().err
    deck = check.open_deck(deck_path.read_bytes())
    assert check.title(deck, 1) == "Pizza delivery"
    assert check.title(deck, 6) == "Exceed on time: Delivered within"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--csv", "out"], "has no ratings", id="journey-file-without-ratings"),
        pytest.param(
            ["--ratings", str(SAMPLES / "retail_store.csv")],
            "nothing to export",
            id="no-output-asked-for",
        ),  # fmt: skip
        pytest.param(
            ["--ratings", str(SAMPLES / "pizza_delivery.csv"), "--csv", "out"],
            "is not a touchpoint",
            id="ratings-of-another-journey",
        ),  # fmt: skip
        pytest.param(
            ["--ratings", str(SAMPLES / "retail_store.csv"), "--csv", "out", "--draws", "0"],
            "--draws",
            id="no-draws",
        ),  # fmt: skip
    ],
)
def test_export_command_refuses_bad_input_with_exit_2(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    code = main(["export", str(SAMPLES / "retail_store.json"), *args])
    _, err = capsys.readouterr()
    assert code == 2 and message in err
    assert not (tmp_path / "out").exists()


def test_export_is_listed_in_the_help():
    out = subprocess.run(
        [sys.executable, "-m", "journeymap.cli", "export", "--help"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for option in ("--pptx", "--png", "--svg", "--pdf", "--csv", "--json", "--segment"):
        assert option in out


# Images (Chromium) ---------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    images.chromium_path() is None, reason="no Chromium for kaleido (install Debian's chromium)"
)


@needs_chromium
@pytest.mark.slow
def test_chart_images_are_slide_sized_png_svg_and_pdf(hostile_report):
    figures = export.figures(hostile_report)
    assert set(figures) == {"journey-map", "gap-bars", "importance-performance", "flow",
                            "promise-sweep"}  # fmt: skip
    one = {"gap-bars": figures["gap-bars"]}
    png = images.chart_images(one, "png")["gap-bars"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1600, 900)
    assert images.chart_images(one, "png", scale=2)["gap-bars"][16:24] == struct.pack(
        ">II", 3200, 1800
    )
    svg = images.chart_images(one, "svg")["gap-bars"].decode()
    assert svg.startswith("<svg") and 'width="1600"' in svg
    # The name is drawn as text: escaped in the SVG, never a <script> element.
    assert "&#60;script&#62;alert(1)" in svg and "<script>" not in svg
    assert images.chart_images(one, "pdf")["gap-bars"].startswith(b"%PDF")


@needs_chromium
@pytest.mark.slow
def test_a_batch_of_images_starts_one_browser(tmp_path, hostile_report, monkeypatch):
    starts = []
    original = images.kaleido.start_sync_server
    monkeypatch.setattr(
        images.kaleido, "start_sync_server", lambda **kw: (starts.append(1), original(**kw))
    )
    request = export.ExportRequest(png=tmp_path / "png", svg=tmp_path / "svg")
    written = export.write_exports(hostile_report, request)
    assert len(written) == 10 and len(starts) == 1


@pytest.mark.parametrize(
    ("fmt", "size"),
    [pytest.param("gif", (1600, 900), id="unknown-format"),
     pytest.param("png", (0, 900), id="zero-width")],
)  # fmt: skip
def test_bad_image_requests_are_refused_before_rendering(fmt, size):
    with pytest.raises(ValueError):
        images.chart_image(None, fmt, width=size[0], height=size[1])


def test_missing_chromium_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    with pytest.raises(images.ImageExportError, match="chromium"), images.image_server():
        pass


# The deck in LibreOffice ---------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="libreoffice is not installed")
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_libreoffice_renders_every_slide_of_the_retail_deck(tmp_path, retail, retail_ratings):
    report = build_report(retail, retail_ratings, rng=np.random.default_rng(1), draws=20_000)
    deck_path = tmp_path / "retail.pptx"
    deck_path.write_bytes(export.build_deck(report))
    deck = check.open_deck(deck_path.read_bytes())
    profile = (tmp_path / "lo-profile").as_uri()  # LibreOffice needs a writable profile per run
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(deck_path)],
        check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": _path()},
    )  # fmt: skip
    pdf = tmp_path / "retail.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert int(fields["Pages"]) == len(deck.slides)
    width, _, height, *_ = fields["Page size"].split()
    assert float(width) / float(height) == pytest.approx(16 / 9, abs=1e-3)  # 960 × 540 pt
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    for number in range(1, len(deck.slides) + 1):
        assert check.title(deck, number) in text
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(deck.slides)
    from PIL import Image

    for page in pages:
        with Image.open(page) as image:
            # Something is drawn beyond the white background on every page.
            grey = np.asarray(image.convert("L"))
            assert (grey < 200).mean() > 0.005, page.name


def _path() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")


# Benchmark -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_export_benchmark_runs_in_quick_mode():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_export.py"), "--quick", "--no-images"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "deck" in result.stdout and "ratio" in result.stdout


def promises_on_its_lever(path) -> bool:
    journey = load_journey(path)
    return any(promise.lever == journey.lever for promise in journey.promises)


SAMPLES_WITH_A_LEVER_PROMISE = sorted(
    path.stem for path in SAMPLES.glob("*.json") if promises_on_its_lever(path)
)


@pytest.mark.parametrize("sample", SAMPLES_WITH_A_LEVER_PROMISE)
def test_the_deck_recommends_the_promise_the_lever_page_recommends(sample):
    journey = load_journey(SAMPLES / f"{sample}.json")
    report = build_report(journey, read_ratings(SAMPLES / f"{sample}.csv", journey).frame)
    assert report.promise is not None
    sweep = report.sweep
    recommended = sweep.loc[sweep["recommended"], "promise"].item()
    assert recommended == levers.outlook(report.promise).recommended.promise
