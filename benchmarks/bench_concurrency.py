"""Time workshop submissions from 50 participants at once, and gap sums over 1 M ratings.

    .venv/bin/python benchmarks/bench_concurrency.py          # about a minute
    .venv/bin/python benchmarks/bench_concurrency.py --quick  # a smoke test

Needs a PostgreSQL server: $JOURNEYMAP_TEST_POSTGRES_URL (or --postgres URL); without one it
runs itself under scripts/with-postgres, a throwaway cluster on 127.0.0.1. Everything runs on
this machine, in a schema of its own that is dropped at the end.

Submissions. A "server" is one Python process with one store (as one `streamlit run` keeps
one store for all its browser sessions), whose participants are threads each calling
`workshops.submit` with a full form for the pizza journey. Every participant first submits
once untimed (joining), then all servers start together on a signal and each participant
resubmits ROUNDS times back to back (each replaces their previous ratings). 50 participants:
two servers of 25 on PostgreSQL, against one server of 50 on a DuckDB file (DuckDB allows
one process per file), plus one server of 50 on PostgreSQL to tell the backend from the
second process. Reported: submissions/s and ratings/s over the timed window, and the median
and p95 of one submission's latency; medians of REPEATS runs.

Analytics. `Store.rating_sums` runs one aggregate in PostgreSQL; the alternative reads the
journey's rows out of PostgreSQL and sums them in numpy (`gap_sums.rating_sums`). Both are
timed on the same 1 M ratings, checked equal, and compared with DuckDB's own aggregate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import median_time  # noqa: E402
from journeymap import workshops  # noqa: E402
from journeymap.gap_sums import SUM_COLUMNS, rating_sums  # noqa: E402
from journeymap.journey_file import load_journey  # noqa: E402
from journeymap.model import Journey  # noqa: E402
from journeymap.ratings import ratings_from_frame  # noqa: E402
from journeymap.store import open_store  # noqa: E402

URL_VARIABLE = "JOURNEYMAP_TEST_POSTGRES_URL"
PARTICIPANTS = 50
JOURNEY = ROOT / "sample_journeys" / "pizza_delivery.json"
SEGMENTS = np.array(["new", "regular", "corporate", "lapsed"])


# Submissions ----------------------------------------------------------------------------------


def answers(journey: Journey, rng: np.random.Generator) -> dict[str, dict[str, float]]:
    """A participant's full form: expected and experienced on the journey's scale."""
    low, high = journey.scale.min, journey.scale.max
    return {
        tp.id: {
            "expected": float(rng.integers(low, high + 1)),
            "experienced": float(rng.integers(low, high + 1)),
            "importance": float(rng.integers(1, 6)),
        }
        for tp in journey.ordered_touchpoints()
    }


def serve(location: str, code: str, first: int, count: int, rounds: int) -> None:
    """Worker: one server process with `count` participant threads; prints its timings."""
    store = open_store(location)
    workshop, journey = workshops.join(store, code)
    rng = np.random.default_rng(first)
    forms = [[answers(journey, rng) for _ in range(rounds + 1)] for _ in range(count)]
    latencies: list[list[float]] = [[] for _ in range(count)]
    stored = [0] * count
    go = threading.Event()
    ready = threading.Barrier(count + 1)

    def participant(i: int) -> None:
        def submit(form: dict, key: str) -> int:
            return workshops.submit(
                store, workshop, journey, form, participant=f"p{first + i}",
                name=f"Participant {first + i}", submission_key=key,
            )  # fmt: skip

        submit(forms[i][0], f"{code}-{first + i}-join")
        ready.wait()
        go.wait()
        for round_ in range(1, rounds + 1):
            started = time.perf_counter()
            stored[i] += submit(forms[i][round_], f"{code}-{first + i}-{round_}")
            latencies[i].append(time.perf_counter() - started)

    threads = [threading.Thread(target=participant, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    ready.wait()
    print("ready", flush=True)
    sys.stdin.readline()  # the parent's signal: every server is ready
    start = time.time()
    go.set()
    for thread in threads:
        thread.join()
    end = time.time()
    store.close()
    flat = [seconds for mine in latencies for seconds in mine]
    print(json.dumps({"start": start, "end": end, "latencies": flat, "ratings": sum(stored)}))


def submission_run(location: str, servers: int, rounds: int) -> dict[str, float]:
    """One timed run: a fresh workshop, `servers` processes sharing the 50 participants."""
    with open_store(location) as store:
        code = workshops.open_workshop(store, "pizza-delivery", title="bench").code
    share = PARTICIPANTS // servers
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                location,
                "--code",
                code,
                "--first",
                str(k * share),
                "--count",
                str(share),
                "--rounds",
                str(rounds),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for k in range(servers)
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [json.loads(process.communicate(timeout=300)[0]) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    latencies = np.array([s for r in results for s in r["latencies"]])
    with open_store(location) as store:
        progress = store.workshop_progress(code)
    assert progress.participants == PARTICIPANTS, progress  # every participant's form is stored
    return {
        "submissions/s": len(latencies) / wall,
        "ratings/s": sum(r["ratings"] for r in results) / wall,
        "median ms": float(np.median(latencies)) * 1000,
        "p95 ms": float(np.percentile(latencies, 95)) * 1000,
    }


def one_submission(location: str, *, repeats: int) -> tuple[float, float]:
    """Where one submission's time goes without contention: the form, then the transaction."""
    forms, writes = [], []
    with open_store(location) as store:
        code = workshops.open_workshop(store, "pizza-delivery", title="alone").code
        workshop, journey = workshops.join(store, code)
        rng = np.random.default_rng(3)
        for i in range(repeats):
            started = time.perf_counter()
            frame = workshops.form_ratings(journey, answers(journey, rng), respondent="Solo")
            validated = time.perf_counter()
            store.submit_workshop_ratings(
                code,
                frame,
                participant="solo",
                participant_name="Solo",
                submission_key=f"{code}-{i}",
            )
            writes.append(time.perf_counter() - validated)
            forms.append(validated - started)
    return statistics.median(forms), statistics.median(writes)


def bench_submissions(postgres: str, folder: Path, *, rounds: int, repeats: int) -> None:
    duckdb_file = str(folder / "bench.duckdb")
    for location in (postgres, duckdb_file):
        with open_store(location) as store:
            store.save_journey(load_journey(JOURNEY))
    setups = [
        ("PostgreSQL, 2 servers x 25 participants", postgres, 2),
        ("DuckDB file, 1 server x 50 participants", duckdb_file, 1),
        ("PostgreSQL, 1 server x 50 participants", postgres, 1),
    ]
    journey = load_journey(JOURNEY)
    print(
        f"\nSubmissions: {PARTICIPANTS} participants, {rounds} timed resubmissions each, "
        f"{len(journey.touchpoints)} ratings per form; medians of {repeats} runs"
    )
    print(f"{'setup':<42} {'submissions/s':>14} {'ratings/s':>10} {'median ms':>10} {'p95 ms':>8}")
    figures = {}
    for name, location, servers in setups:
        runs = [submission_run(location, servers, rounds) for _ in range(repeats)]
        figures[name] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        f = figures[name]
        print(
            f"{name:<42} {f['submissions/s']:>14,.0f} {f['ratings/s']:>10,.0f} "
            f"{f['median ms']:>10.1f} {f['p95 ms']:>8.1f}"
        )
    for name, location in (("PostgreSQL", postgres), ("DuckDB file", duckdb_file)):
        form, write = one_submission(location, repeats=10 * repeats)
        print(
            f"{name}, one participant alone: validating the form {form * 1000:.1f} ms, "
            f"storing it {write * 1000:.1f} ms (medians)"
        )
    shared, embedded = figures[setups[0][0]], figures[setups[1][0]]
    print(
        f"PostgreSQL on two servers vs DuckDB on one: "
        f"{shared['ratings/s'] / embedded['ratings/s']:.2f}x the ratings/s, "
        f"p95 {shared['p95 ms'] / embedded['p95 ms']:.2f}x"
    )


# Analytics ------------------------------------------------------------------------------------


def many_ratings(journey: Journey, size: int, rng: np.random.Generator) -> pd.DataFrame:
    ids = np.array([tp.id for tp in journey.touchpoints])
    low, high = journey.scale.min, journey.scale.max
    raw = pd.DataFrame(
        {
            "touchpoint": ids[rng.integers(0, len(ids), size)],
            "expected": rng.integers(low, high + 1, size).astype(float),
            "experienced": rng.integers(low, high + 1, size).astype(float),
            "importance": np.where(rng.random(size) < 0.5, rng.integers(1, 6, size), np.nan),
            "respondent": [f"r{i}" for i in rng.integers(0, size // 10 + 1, size)],
            "segment": SEGMENTS[rng.integers(0, len(SEGMENTS), size)],
        }
    )
    return ratings_from_frame(raw, journey, source="bench").frame


def bench_analytics(postgres: str, folder: Path, *, size: int, repeats: int) -> None:
    # A journey of its own, apart from the workshops' ratings of the submission benchmark.
    journey = load_journey(JOURNEY).model_copy(update={"id": "pizza-analytics"})
    ratings = many_ratings(journey, size, np.random.default_rng(7))
    print(f"\nGap sums over {size:,} ratings of one journey; medians of {repeats} runs")
    with open_store(postgres) as pg, open_store(folder / "analytics.duckdb") as duck:
        load_pg = median_time(lambda: pg.import_journey(journey, ratings, source="bench"), 1)
        load_duck = median_time(lambda: duck.import_journey(journey, ratings, source="bench"), 1)
        with pg._transaction() as unit:  # fresh statistics, as autovacuum would gather
            unit.run("ANALYZE ratings")
        in_sql = median_time(lambda: pg.rating_sums(journey.id, by_segment=True), repeats)
        reading, summing = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            rows = pg.ratings(journey.id)
            read = time.perf_counter()
            sums_numpy = rating_sums(journey, rows, by_segment=True)
            reading.append(read - started)
            summing.append(time.perf_counter() - read)
        in_duckdb = median_time(lambda: duck.rating_sums(journey.id, by_segment=True), repeats)
    numpy_time = statistics.median(np.add(reading, summing))
    assert len(rows) == size
    for other in (sums_numpy, in_duckdb.result):  # the three ways agree
        keys = ["touchpoint", "segment"]
        a, b = in_sql.result.set_index(keys).sort_index(), other.set_index(keys).sort_index()
        np.testing.assert_allclose(a[list(SUM_COLUMNS)], b[list(SUM_COLUMNS)], rtol=1e-9)
    print(
        f"{'import (one transaction)':<52} PostgreSQL COPY {load_pg.wall:6.2f} s, DuckDB {load_duck.wall:.2f} s"
    )
    rows_ = [
        ("PostgreSQL: rating_sums, one SQL aggregate", in_sql.wall),
        ("PostgreSQL: read the rows out, then numpy sums", numpy_time),
        ("  of which reading the rows (Store.ratings)", statistics.median(reading)),
        ("  of which the numpy sums (gap_sums.rating_sums)", statistics.median(summing)),
        ("DuckDB file: rating_sums, one SQL aggregate", in_duckdb.wall),
    ]
    for name, seconds in rows_:
        print(f"{name:<52} {seconds * 1000:10.1f} ms")
    winner = "in PostgreSQL SQL" if in_sql.wall < numpy_time else "in numpy after reading the rows"
    print(
        f"Aggregating in PostgreSQL is {numpy_time / in_sql.wall:.1f}x faster than reading the rows "
        f"out and summing in numpy: rating_sums runs {winner}."
    )


# Set-up ---------------------------------------------------------------------------------------


@contextmanager
def bench_schema(server: str) -> Iterator[str]:
    """A URL whose tables land in a new schema of the server's database, dropped afterwards."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get(URL_VARIABLE))
    parser.add_argument("--serve", metavar="LOCATION", help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.code, args.first, args.count, args.rounds)
        return
    if not args.postgres:
        # No server given: run again inside a throwaway cluster on 127.0.0.1.
        script = ROOT / "scripts" / "with-postgres"
        os.execv(script, [str(script), sys.executable, __file__, *sys.argv[1:]])
    rounds, repeats, size = (2, 1, 20_000) if args.quick else (4, 3, 1_000_000)
    with bench_schema(args.postgres) as url, TemporaryDirectory() as folder:
        bench_submissions(url, Path(folder), rounds=rounds, repeats=repeats)
        bench_analytics(url, Path(folder), size=size, repeats=repeats)


if __name__ == "__main__":
    main()
