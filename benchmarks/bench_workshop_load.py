"""Workshop load: 30 participants submitting ratings at once to one shared store while the
facilitator saves journey versions, against the naive baseline of one submission at a time.

    .venv/bin/python benchmarks/bench_workshop_load.py            # about a minute
    .venv/bin/python benchmarks/bench_workshop_load.py --quick    # a smoke test

As in the app, one process holds one store (a DuckDB file) for every browser session; each
participant is a thread calling `workshops.submit` with a full form for the pizza journey
(10 touchpoints: 10 ratings a submission). Every participant joins with one untimed
submission; then all start together on a barrier and resubmit ROUNDS times back to back
(each submission replaces their previous one), while a facilitator thread saves a new journey
version every 50 ms. The baseline makes the same submissions from one thread, one at a time,
with nobody editing. Reported, as medians of REPEATS fresh stores: ratings/s and
submissions/s over the timed window, and the median (p50) and p95 of one submission's
latency; then the ratio of the two runs. After every run the store must hold each
participant's last form exactly once (checked, or the benchmark fails).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from journeymap import workshops  # noqa: E402
from journeymap.journey_file import load_journey  # noqa: E402
from journeymap.model import Journey  # noqa: E402
from journeymap.store import Store, open_store  # noqa: E402

JOURNEY = ROOT / "sample_journeys" / "pizza_delivery.json"
EDIT_EVERY_SECONDS = 0.05


@dataclass(frozen=True)
class Run:
    seconds: float
    submissions: int
    ratings: int
    latencies: list[float]
    versions_saved: int

    @property
    def ratings_per_second(self) -> float:
        return self.ratings / self.seconds

    @property
    def submissions_per_second(self) -> float:
        return self.submissions / self.seconds

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies, q))


def form(journey: Journey, rng: np.random.Generator) -> dict[str, dict[str, float | None]]:
    return {
        tp.id: {
            "expected": float(rng.integers(1, 8)),
            "experienced": float(rng.integers(1, 8)),
            "importance": float(rng.integers(1, 8)),
        }
        for tp in journey.touchpoints
    }


def run_once(
    folder: Path, journey: Journey, *, participants: int, rounds: int, together: bool
) -> Run:
    store = open_store(folder / f"{'together' if together else 'alone'}.duckdb")
    try:
        store.save_journey(journey, author="facilitator")
        workshop = workshops.open_workshop(store, journey.id, title="load test")
        rng = np.random.default_rng(7)
        forms = [[form(journey, rng) for _ in range(rounds + 1)] for _ in range(participants)]

        def submit(i: int, n: int) -> float:
            start = time.perf_counter()
            workshops.submit(
                store, workshop, journey, forms[i][n], participant=f"p{i:02d}",
                name=f"Participant {i}", submission_key=f"p{i}-{n}",
            )  # fmt: skip
            return time.perf_counter() - start

        for i in range(participants):  # joining: each participant's first form, untimed
            submit(i, 0)
        latencies: list[float] = []
        versions = [0]
        if together:
            seconds = _together(store, journey, participants, rounds, submit, latencies, versions)
        else:
            start = time.perf_counter()
            latencies = [submit(i, n) for n in range(1, rounds + 1) for i in range(participants)]
            seconds = time.perf_counter() - start
        _check(store, workshop.code, journey, forms, participants, versions[0])
    finally:
        store.close()
    submissions = participants * rounds
    return Run(seconds, submissions, submissions * len(journey.touchpoints), latencies, versions[0])


def _together(store, journey, participants, rounds, submit, latencies, versions) -> float:
    barrier = threading.Barrier(participants + 1)
    done = threading.Event()
    lock = threading.Lock()

    def participant(i: int) -> None:
        barrier.wait()
        mine = [submit(i, n) for n in range(1, rounds + 1)]
        with lock:
            latencies.extend(mine)

    def facilitator() -> None:
        n = 0
        while not done.wait(EDIT_EVERY_SECONDS):
            n += 1
            store.save_journey(journey.model_copy(update={"description": f"edit {n}"}))
        versions[0] = n

    threads = [threading.Thread(target=participant, args=(i,)) for i in range(participants)]
    for thread in threads:
        thread.start()
    editor = threading.Thread(target=facilitator)
    barrier.wait()
    start = time.perf_counter()
    editor.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    done.set()
    editor.join()
    return seconds


def _check(store: Store, code: str, journey: Journey, forms, participants: int, edits: int) -> None:
    """Every participant's last form, once; the facilitator's edits as consecutive versions."""
    stored = store.workshop_ratings(code)
    assert len(stored) == participants * len(journey.touchpoints), len(stored)
    assert not stored.duplicated(["respondent", "touchpoint"]).any()
    for i in range(participants):
        mine = stored[stored["respondent"] == f"Participant {i}"].set_index("touchpoint")
        last = forms[i][-1]
        assert all(mine.loc[tp, "experienced"] == last[tp]["experienced"] for tp in last), i
    assert [v.version for v in store.versions(journey.id)] == list(range(edits + 1, 0, -1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check it runs")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--participants", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    participants = args.participants or (6 if args.quick else 30)
    rounds = args.rounds or (2 if args.quick else 5)
    repeats = args.repeats or (1 if args.quick else 3)
    journey = load_journey(JOURNEY)

    runs: dict[str, list[Run]] = {"together": [], "alone": []}
    with TemporaryDirectory() as tmp:
        for repeat in range(repeats):
            for mode in runs:
                folder = Path(tmp) / f"{mode}-{repeat}"
                folder.mkdir()
                runs[mode].append(
                    run_once(folder, journey, participants=participants, rounds=rounds,
                             together=mode == "together")
                )  # fmt: skip

    def median(mode: str, figure) -> float:
        return statistics.median(figure(run) for run in runs[mode])

    print(
        f"Workshop load on one DuckDB store: {participants} participants × {rounds} "
        f"resubmissions of {len(journey.touchpoints)} ratings; medians of {repeats} repeats"
    )
    labels = {
        "together": f"{participants} at once, facilitator saving every {EDIT_EVERY_SECONDS * 1000:.0f} ms",
        "alone": "baseline: one submission at a time",
    }
    print(f"  {'':<52} {'ratings/s':>10} {'subm./s':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for mode, label in labels.items():
        print(
            f"  {label:<52} {median(mode, lambda r: r.ratings_per_second):>10,.0f} "
            f"{median(mode, lambda r: r.submissions_per_second):>8,.1f} "
            f"{median(mode, lambda r: r.percentile(50)) * 1000:>8,.1f} "
            f"{median(mode, lambda r: r.percentile(95)) * 1000:>8,.1f}"
        )
    throughput = median("together", lambda r: r.ratings_per_second) / median(
        "alone", lambda r: r.ratings_per_second
    )
    p95 = median("together", lambda r: r.percentile(95)) / median(
        "alone", lambda r: r.percentile(95)
    )
    saved = median("together", lambda r: r.versions_saved)
    print(
        f"  ratio at once / one at a time: throughput {throughput:.2f}×, p95 latency {p95:.1f}×; "
        f"{saved:.0f} journey versions saved meanwhile; every form stored exactly once"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
