"""How long exporting the retail sample takes: the deck alone, the full export without and with
chart images, and one browser per batch against a browser per image (the naive way).

    .venv/bin/python benchmarks/bench_export.py [--quick] [--no-images] [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import kaleido
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import Timing, median_time  # noqa: E402
from journeymap import export, images  # noqa: E402
from journeymap.journey_file import load_journey  # noqa: E402
from journeymap.ratings import read_ratings  # noqa: E402
from journeymap.report import build_report  # noqa: E402

SAMPLES = ROOT / "sample_journeys"


def show(label: str, timing: Timing) -> None:
    print(f"{label:<52}{timing.wall * 1000:10.1f} ms   (cpu {timing.cpu * 1000:8.1f} ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 repeats, fewer simulated draws")
    parser.add_argument("--no-images", action="store_true", help="skip everything needing Chromium")
    parser.add_argument(
        "--repeats", type=int, help="repeats per measurement (default 5, images 3; quick 2)"
    )
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 5)
    # Images take seconds each; fewer repeats keep the whole run near two minutes.
    image_repeats = args.repeats or (2 if args.quick else 3)
    draws = 20_000 if args.quick else 200_000

    journey = load_journey(SAMPLES / "retail_store.json")
    ratings = read_ratings(SAMPLES / "retail_store.csv", journey).frame
    print(f"retail sample: {len(journey.touchpoints)} touchpoints, {len(ratings):,} ratings; "
          f"median of {repeats} runs ({image_repeats} with images); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip

    def report():
        return build_report(journey, ratings, rng=np.random.default_rng(1), draws=draws)

    t_report = median_time(report, repeats)
    built = t_report.result
    show(f"report (gap table, flow, sweep of {draws:,} draws)", t_report)
    deck_bytes = len(export.build_deck(built))
    t_deck = median_time(lambda: export.build_deck(built), repeats)
    show(f"deck (.pptx, {deck_bytes / 1024:.0f} KiB)", t_deck)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        plain = export.ExportRequest(pptx=out / "deck.pptx", csv=out / "csv", json=out / "j.json")
        t_plain = median_time(lambda: export.write_exports(built, plain), repeats)
        show("full export without images (deck, CSV, JSON)", t_plain)
        if args.no_images:
            print(f"ratio full export / deck alone: {t_plain.wall / t_deck.wall:.2f}")
            return 0
        if images.chromium_path() is None:
            print("no Chromium: skipping the image measurements", file=sys.stderr)
            return 0
        with_images = export.ExportRequest(
            pptx=out / "deck.pptx", csv=out / "csv", json=out / "j.json",
            png=out / "png", svg=out / "svg", pdf=out / "pdf",
        )  # fmt: skip
        t_full = median_time(lambda: export.write_exports(built, with_images), image_repeats)
        show("full export with PNG, SVG and PDF images", t_full)

        figures = export.figures(built)
        t_batch = median_time(lambda: images.chart_images(figures, "png"), image_repeats)
        show(f"{len(figures)} PNG charts, one browser for the batch", t_batch)

        def browser_per_image():
            # The naive way: kaleido's one-shot call starts and stops Chromium for every image.
            for figure in figures.values():
                kaleido.calc_fig_sync(figure, opts={"format": "png", "width": 1600, "height": 900})

        t_naive = median_time(browser_per_image, image_repeats)
        show(f"{len(figures)} PNG charts, a browser per image (naive)", t_naive)
        print(f"ratio naive / batch: {t_naive.wall / t_batch.wall:.2f}×; "
              f"images add {t_full.wall - t_plain.wall:.2f} s to the export")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
