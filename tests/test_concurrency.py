"""A workshop under load: 30 participants rating at once on one shared store, double-clicking
and rerunning, while the facilitator keeps saving the journey. Nothing lost, nothing twice.

The app shares one store per server process between every browser session, so the threads
here share one `Store` too (the `store` fixture: a DuckDB file, and PostgreSQL when a test
server is configured).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from journeymap import workshops
from journeymap.model import Journey

PARTICIPANTS = 30
FACILITATOR_SAVES = 15


def answers_for(journey: Journey, seed: int) -> dict[str, dict[str, float | None]]:
    """One participant's form: every touchpoint rated, values drawn from the seed."""
    rng = np.random.default_rng(seed)
    low, high = int(journey.scale.min), int(journey.scale.max)
    return {
        tp.id: {
            "expected": float(rng.integers(low, high + 1)),
            "experienced": float(rng.integers(low, high + 1)),
            "importance": float(rng.integers(1, high + 1)),
        }
        for tp in journey.touchpoints
    }


def run_together(tasks: list[Callable[[], object]]) -> list[object]:
    """Start every task at the same instant (a barrier), wait for all, re-raise any error."""
    barrier = threading.Barrier(len(tasks))

    def start(task: Callable[[], object]) -> object:
        barrier.wait()
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(start, task) for task in tasks]
        return [future.result() for future in futures]


@pytest.fixture
def workshop(store, pizza):
    store.save_journey(pizza, author="facilitator")
    return workshops.open_workshop(store, pizza.id, title="Branch 12", segment="staff")


def test_thirty_participants_double_clicking_and_rerunning_while_the_journey_is_edited(
    store, pizza, workshop
):
    first = {i: answers_for(pizza, seed=1000 + i) for i in range(PARTICIPANTS)}
    final = {i: answers_for(pizza, seed=2000 + i) for i in range(PARTICIPANTS)}
    returned: dict[int, list[int]] = {}

    def participant(i: int) -> Callable[[], None]:
        def session() -> None:
            # Each participant joins with the code, as the Join page does.
            joined, journey = workshops.join(store, workshops.format_join_code(workshop.code))

            def send(answers, key: str) -> int:
                return workshops.submit(
                    store, joined, journey, answers, participant=f"p{i:02d}",
                    name=f"Participant {i}", submission_key=key,
                )  # fmt: skip

            counts = [send(first[i], f"p{i}-a")]
            # A double-click: the same submission twice at once, from two threads.
            counts += run_together([lambda: send(final[i], f"p{i}-b")] * 2)
            # A rerun of the script re-sends the first submission's key: it must not come back.
            counts.append(send(first[i], f"p{i}-a"))
            returned[i] = counts

        return session

    versions: list[int] = []

    def facilitator() -> None:
        for n in range(FACILITATOR_SAVES):
            edited = pizza.model_copy(update={"description": f"edited during the workshop ({n})"})
            versions.append(store.save_journey(edited, author="facilitator", note=f"edit {n}"))

    run_together([participant(i) for i in range(PARTICIPANTS)] + [facilitator])

    rated = len(pizza.touchpoints)
    for i, counts in returned.items():
        # Stored once on the first try, once (not twice) for the double-click, never on rerun.
        assert counts[0] == rated and sorted(counts[1:3]) == [0, rated] and counts[3] == 0, i

    stored = store.workshop_ratings(workshop.code)
    assert len(stored) == PARTICIPANTS * rated
    assert not stored.duplicated(["respondent", "touchpoint"]).any()
    for i in range(PARTICIPANTS):
        mine = stored[stored["respondent"] == f"Participant {i}"].set_index("touchpoint")
        for tp_id, values in final[i].items():
            assert mine.loc[tp_id, ["expected", "experienced", "importance"]].tolist() == [
                values["expected"], values["experienced"], values["importance"],
            ], (i, tp_id)  # fmt: skip
    progress = store.workshop_progress(workshop.code)
    assert (progress.participants, progress.ratings) == (PARTICIPANTS, PARTICIPANTS * rated)
    # Ratings of other journeys' or earlier submissions are gone from the journey's total too.
    assert store.rating_count(pizza.id) == PARTICIPANTS * rated

    # The facilitator's saves: consecutive versions, the newest readable, the workshop pinned.
    assert versions == list(range(2, FACILITATOR_SAVES + 2))
    history = store.versions(pizza.id)
    assert [v.version for v in history] == list(range(FACILITATOR_SAVES + 1, 0, -1))
    assert (
        store.journey(pizza.id).description
        == f"edited during the workshop ({FACILITATOR_SAVES - 1})"
    )
    assert store.workshop(workshop.code).version == 1


def test_two_facilitators_saving_at_once_get_distinct_consecutive_versions(store, pizza):
    store.save_journey(pizza)
    edits = [pizza.model_copy(update={"description": f"tab {n}"}) for n in range(20)]
    saved = run_together([lambda j=j: store.save_journey(j) for j in edits])
    assert sorted(saved) == list(range(2, 22))
    by_version = {v: edits[k].description for k, v in enumerate(saved)}
    for version, description in by_version.items():
        assert store.journey(pizza.id, version=version).description == description


def test_the_same_survey_file_imported_from_many_sessions_at_once_is_stored_once(
    store, pizza, pizza_ratings
):
    from journeymap.imports import RatingsPreview, import_ratings

    store.save_journey(pizza)
    preview = RatingsPreview("survey.csv", f"{pizza.id}:same-content", pizza_ratings, [])
    stored = run_together([lambda: import_ratings(store, pizza, preview)] * 8)
    assert sorted(stored) == [0] * 7 + [len(pizza_ratings)]
    assert store.rating_count(pizza.id) == len(pizza_ratings)


def test_workshop_load_benchmark_runs_and_checks_what_it_stored():
    bench = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_workshop_load.py"
    result = subprocess.run(
        [sys.executable, str(bench), "--quick", "--participants", "4"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "ratings/s" in result.stdout and "every form stored exactly once" in result.stdout
