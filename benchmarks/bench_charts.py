"""How long building each chart takes for a large journey (200 touchpoints in 8 stages and 4
lanes, random transitions, seeded) and for the retail sample; prints the medians.

The journey map page rebuilds its figures on every rerun, so the set has to stay well under a
second of script time (issue #5); there is no naive baseline, only the budget.

    .venv/bin/python benchmarks/bench_charts.py [--quick] [--repeats N] [--touchpoints N]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import median_time  # noqa: E402
from journeymap import charts  # noqa: E402
from journeymap.graph import flow_table  # noqa: E402
from journeymap.journey_file import load_journey, parse_journey  # noqa: E402
from journeymap.ratings import read_ratings  # noqa: E402
from journeymap.report import build_report  # noqa: E402

SAMPLES = ROOT / "sample_journeys"
BUDGET_SECONDS = 0.3
REACH = 12  # a transition goes to one of the next REACH touchpoints
WORDS = (
    "parcel", "locker", "pickup", "reminder", "invoice", "courier", "showroom", "loyalty", "card",
    "refund", "hotline", "receipt", "upgrade", "voucher", "checkout", "web", "chat", "delivery",
    "window", "fitting", "room", "warranty", "registration", "brochure", "price", "label",
    "queue", "self-service", "kiosk", "installation", "follow-up", "call",
)  # fmt: skip


def synthetic_journey(
    touchpoints: int = 200, *, rng: np.random.Generator, stages: int = 8
) -> tuple[object, pd.DataFrame, pd.DataFrame]:
    """A journey of `touchpoints` over `stages` stages and the four lanes, each touchpoint
    leading to one to three of the next few, with a made-up gap table and its flow."""
    lanes = ["customer", "frontstage", "backstage", "support"]
    stage_of = np.sort(rng.integers(0, stages, touchpoints))
    stage_of[:stages] = np.arange(stages)  # every stage has a touchpoint
    stage_of.sort()
    points = []
    for i in range(touchpoints):
        words = rng.choice(WORDS, size=rng.integers(1, 5), replace=False)
        name = " ".join(words).capitalize() + f" {i}"
        points.append({"id": f"tp{i}", "name": name, "stage": f"Stage {stage_of[i] + 1}",
                       "lane": lanes[rng.choice(4, p=[0.3, 0.4, 0.2, 0.1])]})  # fmt: skip
    transitions = []
    for i in range(touchpoints - 1):
        # Customers mostly move on to one of the next few touchpoints, as in real journeys.
        ahead = np.arange(i + 1, min(i + 1 + REACH, touchpoints))
        later = rng.choice(ahead, size=min(3, len(ahead)), replace=False)[: rng.integers(1, 4)]
        shares = rng.dirichlet(np.ones(len(later))) * rng.uniform(0.5, 0.95)
        transitions += [{"from": f"tp{i}", "to": f"tp{j}", "share": round(float(s), 3)}
                        for j, s in zip(later, shares, strict=True)]  # fmt: skip
    journey = parse_journey({
        "name": f"Synthetic journey of {touchpoints}",
        "stages": [f"Stage {s + 1}" for s in range(stages)],
        "touchpoints": points, "transitions": transitions,
        "entries": {"tp0": 1.0},
    })  # fmt: skip
    expected = rng.uniform(3, 6.5, touchpoints)
    gap = rng.normal(-0.3, 0.8, touchpoints)
    half_width = rng.uniform(0.2, 0.6, touchpoints)
    gaps = pd.DataFrame({
        "touchpoint": [p["id"] for p in points], "expected_mean": expected,
        "experienced_mean": np.clip(expected + gap, 1, 7), "gap_mean": gap,
        "gap_ci_low": gap - half_width, "gap_ci_high": gap + half_width,
        "importance": rng.uniform(1, 7, touchpoints),
    })  # fmt: skip
    return journey, gaps, flow_table(journey)


def builders(journey, gaps: pd.DataFrame, flow: pd.DataFrame) -> dict[str, Callable[[], object]]:
    labels = {tp.id: tp.name for tp in journey.touchpoints}
    return {
        "journey_map_chart": lambda: charts.journey_map_chart(journey, gaps),
        "gap_bar_chart": lambda: charts.gap_bar_chart(gaps, labels=labels),
        "quadrant_chart": lambda: charts.quadrant_chart(gaps, labels=labels),
        "flow_chart": lambda: charts.flow_chart(journey, flow, gaps),
    }


def report(title: str, built: dict[str, Callable[[], object]], repeats: int) -> float:
    print(f"{title:<44} {'wall ms':>9} {'cpu ms':>9}")
    total = total_cpu = 0.0
    for name, build in built.items():
        build()  # warm-up: plotly imports its validators lazily on first use
        timing = median_time(build, repeats)
        total, total_cpu = total + timing.wall, total_cpu + timing.cpu
        print(f"  {name:<42} {timing.wall * 1000:9.1f} {timing.cpu * 1000:9.1f}")
    print(f"  {'all four':<42} {total * 1000:9.1f} {total_cpu * 1000:9.1f}")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 touchpoints, 2 repeats")
    parser.add_argument("--repeats", type=int, help="repeats per measurement (default 7; quick 2)")
    parser.add_argument("--touchpoints", type=int, help="size of the synthetic journey (200)")
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 7)
    size = args.touchpoints or (40 if args.quick else 200)

    journey = load_journey(SAMPLES / "retail_store.json")
    ratings = read_ratings(SAMPLES / "retail_store.csv", journey).frame
    sample = build_report(journey, ratings, rng=np.random.default_rng(1), draws=2_000)
    load = os.getloadavg()[0]
    print(f"median of {repeats} builds; load average {load:.1f} on {os.cpu_count()} CPUs")
    report(f"retail sample ({len(journey.touchpoints)} touchpoints)",
           builders(journey, sample.gaps, sample.flow), repeats)  # fmt: skip
    big = synthetic_journey(size, rng=np.random.default_rng(5))
    total = report(f"synthetic journey ({size} touchpoints, 8 stages, 4 lanes)",
                   builders(*big), repeats)  # fmt: skip
    print(f"budget {BUDGET_SECONDS * 1000:.0f} ms for the set: "
          f"{'within' if total <= BUDGET_SECONDS else 'OVER'} ({total / BUDGET_SECONDS:.2f}×)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
