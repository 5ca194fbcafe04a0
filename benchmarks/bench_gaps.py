"""Time the full gap table for 10 million ratings over a 200-touchpoint journey.

    .venv/bin/python benchmarks/bench_gaps.py            # 10 M ratings (about 1.5 minutes)
    .venv/bin/python benchmarks/bench_gaps.py --quick    # 200 k ratings, a smoke test

Seeded ratings go into a temporary DuckDB store and a Parquet file. Each method then runs in a
fresh process (so its peak RSS is its own) and computes `gap_table` several times:
from the store (one SQL aggregate), streamed from the Parquet file (numpy sums per batch), from
a pandas frame in memory (numpy sums), and a straightforward pandas groupby baseline computing
the same columns. Prints medians, the ratio against the baseline, and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from journeymap.gaps import GAP_COLUMNS, QUADRANTS, gap_table  # noqa: E402
from journeymap.journey_file import dump_journey, load_journey  # noqa: E402
from journeymap.model import Dimension, Journey, Lane  # noqa: E402
from journeymap.prospect import value  # noqa: E402
from journeymap.ratings import RATING_COLUMNS  # noqa: E402
from journeymap.store import open_store  # noqa: E402

METHODS = {
    "store": "store: one SQL aggregate (DuckDB)",
    "parquet": "Parquet file: streamed numpy sums",
    "frame": "pandas frame in memory: numpy sums",
    "pandas": "pandas groupby baseline",
}
SEGMENTS = np.array(["new", "regular", "corporate", "lapsed"])
COLUMNS_READ = ["touchpoint", "expected", "experienced", "importance", "adequate", "desired"]
TARGET_SECONDS, TARGET_RATIO = 2.0, 3.0


def bench_journey(touchpoints: int) -> Journey:
    """Ten stages, touchpoints in a chain with a 10 % drop-off at each step."""
    stages = [f"Stage {i + 1}" for i in range(10)]
    lanes, dimensions = list(Lane), list(Dimension)
    return Journey.model_validate(
        {
            "id": "bench",
            "name": "Benchmark journey",
            "stages": stages,
            "touchpoints": [
                {
                    "id": f"tp{i:03d}",
                    "name": f"Touchpoint {i}",
                    "stage": stages[i * len(stages) // touchpoints],
                    "lane": lanes[i % len(lanes)].value,
                    "role": f"role {i % 7}",
                    "dimension": dimensions[i % len(dimensions)].value,
                    "importance": 1 + i % 7,
                }
                for i in range(touchpoints)
            ],
            "transitions": [
                {"from": f"tp{i:03d}", "to": f"tp{i + 1:03d}", "share": 0.9}
                for i in range(touchpoints - 1)
            ],
        }
    )


def rating_chunk(rng: np.random.Generator, start: int, size: int, touchpoints: int) -> pd.DataFrame:
    """Survey-like ratings on a 1–7 scale; some rows miss a value, some give the zone levels."""
    codes = rng.integers(0, touchpoints, size)
    bias = np.sin(np.arange(touchpoints)) * 1.5  # some touchpoints disappoint, some delight
    expected = rng.integers(1, 8, size).astype(float)
    experienced = np.clip(np.rint(expected + bias[codes] + rng.normal(0, 1.2, size)), 1, 7)
    expected[rng.random(size) < 0.01] = np.nan
    importance = rng.integers(1, 8, size).astype(float)
    importance[rng.random(size) < 0.2] = np.nan
    zone = rng.random(size) < 0.3
    adequate = np.where(zone, np.clip(np.nan_to_num(expected, nan=4) - 1, 1, 7), np.nan)
    desired = np.where(zone, np.clip(np.nan_to_num(expected, nan=4) + 1, 1, 7), np.nan)
    ids = np.array([f"tp{i:03d}" for i in range(touchpoints)])
    return pd.DataFrame(
        {
            "touchpoint": pd.Series(ids[codes], dtype="str"),
            "expected": expected,
            "experienced": experienced,
            "importance": importance,
            "respondent": pd.Series(
                np.char.add("R", (start + np.arange(size)).astype(str)), dtype="str"
            ),
            "segment": pd.Series(SEGMENTS[rng.integers(0, len(SEGMENTS), size)], dtype="str"),
            "adequate": adequate,
            "desired": desired,
            "recorded_at": pd.Series(pd.NaT, index=range(size), dtype="datetime64[us, UTC]"),
        }
    )[list(RATING_COLUMNS)]


def prepare(folder: Path, ratings: int, touchpoints: int, chunk: int) -> dict[str, float]:
    journey = bench_journey(touchpoints)
    (folder / "journey.json").write_text(dump_journey(journey), encoding="utf-8")
    rng = np.random.default_rng(20240611)
    started = time.perf_counter()
    writer = None
    with open_store(folder / "store.duckdb") as store:
        store.save_journey(journey)
        for start in range(0, ratings, chunk):
            frame = rating_chunk(rng, start, min(chunk, ratings - start), touchpoints)
            store.add_ratings(journey.id, frame, source="bench")
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(folder / "ratings.parquet", table.schema)
            writer.write_table(table, row_group_size=chunk)
    if writer is not None:
        writer.close()
    return {"prepare_seconds": time.perf_counter() - started}


# Workers: each runs in a process of its own --------------------------------------------------


def pandas_gap_table(journey: Journey, frame: pd.DataFrame) -> pd.DataFrame:
    """The obvious pandas version of the same columns, as a careful analyst would write it."""
    rated = frame.dropna(subset=["expected", "experienced"]).copy()
    rated["gap"] = rated["experienced"] - rated["expected"]
    rated["value"] = value(rated["gap"].to_numpy())
    rated["shortfall"] = rated["gap"] < 0
    rated["exceed"] = rated["gap"] > 0
    weights = {tp.id: tp.importance for tp in journey.touchpoints}
    rated["importance"] = rated["importance"].fillna(rated["touchpoint"].map(weights))
    rated["msa"] = rated["experienced"] - rated["adequate"]
    rated["mss"] = rated["experienced"] - rated["desired"]
    table = rated.groupby("touchpoint").agg(
        n=("gap", "size"),
        expected_mean=("expected", "mean"),
        experienced_mean=("experienced", "mean"),
        gap_mean=("gap", "mean"),
        gap_sd=("gap", "std"),
        shortfall_share=("shortfall", "mean"),
        loss_adjusted_gap=("value", "mean"),
        negatives=("shortfall", "sum"),
        positives=("exceed", "sum"),
        importance=("importance", "mean"),
        msa=("msa", "mean"),
        mss=("mss", "mean"),
    )
    order = [tp.id for tp in journey.ordered_touchpoints()]
    table = table.reindex(order)
    half = stats.t.ppf(0.975, table["n"] - 1) * table["gap_sd"] / np.sqrt(table["n"])
    table["gap_ci_low"] = table["gap_mean"] - half
    table["gap_ci_high"] = table["gap_mean"] + half
    table["recovery_debt"] = (12 * table["negatives"] - table["positives"]).clip(lower=0)
    high_i = table["importance"] >= table["importance"].mean()
    high_p = table["experienced_mean"] >= table["experienced_mean"].mean()
    table["quadrant"] = [QUADRANTS[(i, p)] for i, p in zip(high_i, high_p, strict=True)]
    table["stage"] = [tp.stage for tp in journey.ordered_touchpoints()]
    return table.reset_index()[list(GAP_COLUMNS)]


def worker(method: str, folder: Path, repeats: int) -> None:
    if method == "imports":
        print(json.dumps({"peak_rss_mb": peak_rss_mb()}))
        return
    journey = load_journey(folder / "journey.json")
    frame = None
    if method in ("frame", "pandas"):
        frame = pq.read_table(folder / "ratings.parquet").to_pandas()

    # The app keeps its store open; opening the file is not part of computing a table.
    store = open_store(folder / "store.duckdb") if method == "store" else None

    def run() -> pd.DataFrame:
        if store is not None:
            return gap_table(journey, store.rating_sums(journey.id))
        if method == "parquet":
            parquet = pq.ParquetFile(folder / "ratings.parquet", read_dictionary=["touchpoint"])
            return gap_table(journey, parquet.iter_batches(columns=COLUMNS_READ))
        if method == "frame":
            return gap_table(journey, frame)
        return pandas_gap_table(journey, frame)

    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        table = run()
        seconds.append(time.perf_counter() - started)
    table.to_parquet(folder / f"result-{method}.parquet")
    report = {
        "median": statistics.median(seconds),
        "min": min(seconds),
        "peak_rss_mb": peak_rss_mb(),
        "seconds": seconds,
    }
    if frame is not None:
        report["frame_mb"] = frame.memory_usage(deep=True).sum() / 1e6
    print(json.dumps(report))


def peak_rss_mb() -> float:
    """Peak resident memory of this process.

    VmHWM belongs to the process image, while ru_maxrss survives exec on Linux and so would
    report the parent's peak (the data generator) for every worker.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(method: str, folder: Path, repeats: int) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            method,
            "--dir",
            str(folder),
            "--repeats",
            str(repeats),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{method} failed:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["process_seconds"] = time.perf_counter() - started
    return report


def check_agreement(folder: Path) -> float:
    """Largest difference between any method's figures and the pandas baseline's."""
    baseline = pd.read_parquet(folder / "result-pandas.parquet")
    worst = 0.0
    for method in ("store", "parquet", "frame"):
        table = pd.read_parquet(folder / f"result-{method}.parquet")
        assert list(table["quadrant"]) == list(baseline["quadrant"]), method
        numbers = [c for c in GAP_COLUMNS if c not in ("touchpoint", "stage", "quadrant")]
        difference = (table[numbers] - baseline[numbers]).abs().max().max()
        worst = max(worst, float(difference))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 k ratings: a smoke test")
    parser.add_argument("--ratings", type=int, default=None)
    parser.add_argument("--touchpoints", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", choices=[*METHODS, "imports"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.dir, args.repeats)
        return

    ratings = args.ratings or (200_000 if args.quick else 10_000_000)
    with tempfile.TemporaryDirectory(prefix="bench-gaps-") as tmp:
        folder = Path(tmp)
        setup = prepare(folder, ratings, args.touchpoints, chunk=min(ratings, 1_000_000))
        print(
            f"gap table for {ratings:,} ratings over {args.touchpoints} touchpoints "
            f"(median of {args.repeats}; each method in a fresh process; "
            f"data prepared in {setup['prepare_seconds']:.1f} s)"
        )
        results = {method: run_worker(method, folder, args.repeats) for method in METHODS}
        floor = run_worker("imports", folder, 0)["peak_rss_mb"]
        agreement = check_agreement(folder)
    baseline = results["pandas"]["median"]
    print(f"{'method':<40} {'median s':>9} {'min s':>7} {'ratio':>7} {'peak RSS MB':>12}")
    for method, label in METHODS.items():
        r = results[method]
        print(
            f"{label:<40} {r['median']:>9.3f} {r['min']:>7.3f} "
            f"{baseline / r['median']:>6.1f}× {r['peak_rss_mb']:>12,.0f}"
        )
    frame_mb = results["pandas"]["frame_mb"]
    print(
        f"ratings as a pandas frame: {frame_mb:,.0f} MB; "
        f"a process that only imports the libraries: {floor:,.0f} MB"
    )
    print(f"largest difference from the pandas baseline in any figure: {agreement:.1e}")
    best = min(results["store"]["median"], results["parquet"]["median"])
    print(
        f"target: under {TARGET_SECONDS:g} s and ≥ {TARGET_RATIO:g}× the baseline "
        f"(speed-up ratio: store {baseline / results['store']['median']:.1f}, "
        f"parquet {baseline / results['parquet']['median']:.1f}); "
        f"fastest file/store route {best:.2f} s"
    )


if __name__ == "__main__":
    main()
