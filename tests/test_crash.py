"""Crashes: SIGKILL a writer process in the middle of an import or a journey save, then reopen.

The store must open, hold either the whole change or none of it, and keep a version history
that agrees with the journey it returns. The writer runs in a subprocess (this file's
WRITER script) on a copy of a prepared DuckDB file; it prints `ready` once it is about to
write, and the test kills it a chosen time later: at several points inside the write, and
once after it reported the write done but before it closed the store (a committed change
must survive that too). The first run of each kind is not killed; it measures how long the
write takes, so the kill times cover it from start to finish.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from journeymap.journey_file import dump_journey, load_journey, parse_journey
from journeymap.model import Journey
from journeymap.ratings import read_ratings
from journeymap.store import open_store
from tests.conftest import ROOT, SAMPLES

WRITER = r"""
import sys, time
import numpy as np
import pandas as pd
from journeymap.journey_file import load_journey
from journeymap.ratings import RATING_COLUMNS, empty_ratings
from journeymap.store import open_store

mode, path, size, source, linger = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
journey = load_journey(source)
store = open_store(path)
if mode == "import":
    rng = np.random.default_rng(1)
    ids = np.array([tp.id for tp in journey.touchpoints])
    frame = pd.DataFrame({
        "touchpoint": ids[rng.integers(0, len(ids), size)],
        "expected": rng.integers(1, 8, size).astype(float),
        "experienced": rng.integers(1, 8, size).astype(float),
        "importance": rng.integers(1, 8, size).astype(float),
        "respondent": np.char.add("R", (np.arange(size) % 5000).astype(str)),
        "segment": "crash",
        "adequate": np.nan,
        "desired": np.nan,
        "recorded_at": pd.Series(pd.NaT, index=range(size), dtype="datetime64[us, UTC]"),
    })
    ratings = frame.astype(empty_ratings().dtypes.to_dict())[list(RATING_COLUMNS)]
    changed = journey.model_copy(update={"name": journey.name + " (imported)"})
    print("ready", flush=True)
    start = time.perf_counter()
    store.import_journey(changed, ratings, source="crash-import.csv", note="crash import")
else:
    print("ready", flush=True)
    start = time.perf_counter()
    for n in range(1, size + 1):
        store.save_journey(journey.model_copy(update={"description": f"save {n}"}), note=f"save {n}")
print("done", time.perf_counter() - start, flush=True)
if linger == "linger":
    time.sleep(600)  # killed here: after the commit, before the store is closed
store.close()
"""


@dataclass(frozen=True)
class Outcome:
    killed_after: float | None  # seconds after `ready`; None: after `done`
    whole: bool  # the whole change is there (every save, for a series of saves)
    found: str  # what the reopened store held


def big_journey(touchpoints: int) -> Journey:
    """The retail sample journey with many more touchpoints, so one save takes a while."""
    base = load_journey(SAMPLES / "retail_store.json")
    data = base.model_dump(by_alias=True)
    stages = data["stages"]
    data["id"], data["name"], data["description"] = "big-journey", "Many touchpoints", ""
    data["touchpoints"] = [
        {"id": f"tp{i}", "name": f"Touchpoint {i}", "stage": stages[i % len(stages)]}
        for i in range(touchpoints)
    ]
    data["transitions"] = [
        {"from": f"tp{i}", "to": f"tp{i + 1}", "share": 0.9} for i in range(touchpoints - 1)
    ]
    data["entries"], data["promises"] = None, []
    return parse_journey(data, source="big journey")


def start_writer(mode: str, db: Path, size: int, source: Path, *, linger: bool):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, mode, str(db), str(size), str(source),
         "linger" if linger else "exit"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    line = process.stdout.readline()
    if line.strip() != "ready":
        _, err = process.communicate(timeout=60)
        pytest.fail(f"the writer did not start: {line!r}\n{err}")
    return process


def measure(mode: str, template: Path, tmp: Path, size: int, source: Path) -> float:
    """Run the write to the end once, unkilled; returns how long it took."""
    db = tmp / "measure.duckdb"
    shutil.copyfile(template, db)
    process = start_writer(mode, db, size, source, linger=False)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return float(out.split()[1])


def kill_at(mode: str, template: Path, db: Path, size: int, source: Path, delay: float | None):
    """Copy the template to `db`, start the writer and SIGKILL it `delay` s after `ready`."""
    shutil.copyfile(template, db)
    process = start_writer(mode, db, size, source, linger=True)
    if delay is None:
        assert process.stdout.readline().startswith("done")
    else:
        time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def kill_times(duration: float, *, points: int) -> list[float]:
    """50 ms in, then `points` more spread evenly over the write's unkilled duration."""
    return [0.05, *(duration * k / (points + 1) for k in range(1, points + 1))]


def report(kind: str, size: int, duration: float, outcomes: list[Outcome]) -> None:
    """What was survived, for `pytest -s` (the figures quoted in the closing note)."""
    print(f"\n{kind} of {size:,} took {duration:.2f} s unkilled; reopened after SIGKILL:")
    for o in outcomes:
        when = "after done" if o.killed_after is None else f"at {o.killed_after:.3f} s"
        print(f"  killed {when}: {o.found}")


def assert_history_intact(store, journey_id: str) -> list[int]:
    """versions() newest first, 1…N without gaps, each readable, and agreeing with journey()."""
    history = store.versions(journey_id)
    numbers = [v.version for v in history]
    assert numbers == list(range(len(numbers), 0, -1)), numbers
    for info in history:
        assert store.journey(journey_id, version=info.version).name == info.name
    assert store.journey(journey_id) == store.journey(journey_id, version=numbers[0])
    return numbers


# A big import ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def import_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "import-template.duckdb"
    with open_store(path) as store:
        pizza = load_journey(SAMPLES / "pizza_delivery.json")
        store.import_journey(pizza, read_ratings(SAMPLES / "pizza_delivery.csv", pizza).frame)
    return path


def crash_import(tmp_path: Path, template: Path, rows: int, points: int) -> list[Outcome]:
    source = SAMPLES / "pizza_delivery.json"
    with open_store(template) as store:
        before = store.rating_count("pizza-delivery")
    duration = measure("import", template, tmp_path, rows, source)
    outcomes = []
    for delay in [*kill_times(duration, points=points), None]:
        db = tmp_path / f"import-{len(outcomes)}.duckdb"
        kill_at("import", template, db, rows, source, delay)
        with open_store(db) as store:  # opens: the write-ahead log is replayed or discarded
            count = store.rating_count("pizza-delivery")
            numbers = assert_history_intact(store, "pizza-delivery")
            sources = set(store.rating_sources("pizza-delivery")["source"])
            whole = count == before + rows
            assert whole or count == before, f"killed after {delay}: {count - before:,} rows"
            # The journey's new version and its ratings are one change: both or neither.
            assert numbers[0] == (2 if whole else 1), (delay, numbers, count)
            assert ("crash-import.csv" in sources) == whole
            assert store.journey("pizza-delivery").name.endswith("(imported)") == whole
            # And the store takes the next write.
            assert (
                store.save_journey(load_journey(source).model_copy(update={"name": "after"}))
                == numbers[0] + 1
            )
        outcomes.append(Outcome(delay, whole, "the whole import" if whole else "none of it"))
    report("import", rows, duration, outcomes)
    assert outcomes[-1].whole, "a committed import was lost when the process was killed"
    if duration > 0.1:  # killed 50 ms into a longer write: nothing of it can be there yet
        assert not outcomes[0].whole, "the import was there 50 ms after it started"
    return outcomes


def test_killed_import_leaves_all_or_none_of_it(tmp_path, import_template):
    crash_import(tmp_path, import_template, rows=200_000, points=2)


@pytest.mark.slow
def test_killed_two_million_row_import_leaves_all_or_none_of_it(tmp_path, import_template):
    crash_import(tmp_path, import_template, rows=2_000_000, points=10)


# Journey saves --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def save_template(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("crash")
    journey = big_journey(300)
    source = folder / "big-journey.json"
    source.write_text(dump_journey(journey))
    path = folder / "save-template.duckdb"
    with open_store(path) as store:
        store.save_journey(journey, note="first")
    return path, source


def touchpoint_rows_per_version(db: Path) -> dict[int, int]:
    """The normalised touchpoint rows each version wrote alongside its document."""
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT version, count(*) FROM touchpoints WHERE journey_id = 'big-journey' "
            "GROUP BY version"
        ).fetchall()
    return dict(rows)


def crash_saves(tmp_path: Path, template: Path, source: Path, saves: int, points: int):
    size = len(load_journey(source).touchpoints)
    duration = measure("save", template, tmp_path, saves, source)
    outcomes = []
    for delay in [*kill_times(duration, points=points), None]:
        db = tmp_path / f"save-{len(outcomes)}.duckdb"
        kill_at("save", template, db, saves, source, delay)
        with open_store(db) as store:
            numbers = assert_history_intact(store, "big-journey")
            latest = store.journey("big-journey")
            # Version n + 1 is the n-th save, whole: its description and all its touchpoints.
            expected = "" if numbers[0] == 1 else f"save {numbers[0] - 1}"
            assert latest.description == expected and len(latest.touchpoints) == size
            assert store.versions("big-journey")[0].note == (expected or "first")
        assert touchpoint_rows_per_version(db) == dict.fromkeys(numbers, size)
        found = f"{numbers[0] - 1} of {saves} saves, each whole"
        outcomes.append(Outcome(delay, numbers[0] == saves + 1, found))
    report("saves", saves, duration, outcomes)
    assert outcomes[-1].whole, "committed saves were lost when the process was killed"
    return outcomes


def test_killed_journey_saves_leave_whole_versions_only(tmp_path, save_template):
    template, source = save_template
    crash_saves(tmp_path, template, source, saves=3, points=2)


@pytest.mark.slow
def test_killed_journey_saves_at_many_points_leave_whole_versions_only(tmp_path, save_template):
    template, source = save_template
    crash_saves(tmp_path, template, source, saves=10, points=10)


# A damaged file -------------------------------------------------------------------------------


def test_a_truncated_database_file_is_a_message_not_a_traceback(tmp_path, import_template):
    damaged = tmp_path / "damaged.duckdb"
    data = import_template.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])  # a copy cut short: a full disk, a pulled stick
    result = subprocess.run(
        [sys.executable, "-m", "journeymap.cli", "list", "--db", str(damaged)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "damaged.duckdb" in result.stderr
