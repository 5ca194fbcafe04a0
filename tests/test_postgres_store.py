"""The PostgreSQL store as several app servers use it: one database, many writers at once.

Each "server" here is a store of its own (its own connection pool, so its own PostgreSQL
sessions), as each `streamlit run` process has; threads released together by a barrier make
the writes collide. The shared behaviour of both backends is tested in test_store.py and
test_workshops.py through the parametrised `store` fixture.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from journeymap import workshops
from journeymap.cli import main
from journeymap.errors import StoreError, WorkshopClosed
from journeymap.samples import ensure_samples, sample_files
from journeymap.store import SCHEMA_VERSION, DuckDBStore, Store, open_store
from tests.conftest import POSTGRES_URL_VARIABLE, ROOT, SAMPLES, postgres_schema

SERVERS = 2
CALLS_PER_SERVER = 4


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def servers(postgres_url) -> Iterator[list[Store]]:
    """Two app servers' stores on the same database."""
    opened = [open_store(postgres_url) for _ in range(SERVERS)]
    yield opened
    for store in opened:
        store.close()


def catching(call: Callable[[], object]) -> object:
    """What the call returned, or what it raised."""
    try:
        return call()
    except Exception as exc:  # the test inspects what was raised
        return exc


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released at the same instant; their results, in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = catching(calls[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def no_errors(results: list[object]) -> list[object]:
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return results


# Choosing the backend (no server needed) ------------------------------------------------------


def test_a_path_opens_duckdb_even_when_it_looks_like_a_name(tmp_path):
    with open_store(tmp_path / "postgresql.duckdb") as store:
        assert isinstance(store, DuckDBStore)


def test_the_database_url_setting_wins_over_the_duckdb_file(monkeypatch, tmp_path):
    from journeymap.store import default_location

    monkeypatch.setenv("JOURNEYMAP_DB", str(tmp_path / "x.duckdb"))
    monkeypatch.delenv("JOURNEYMAP_DATABASE_URL", raising=False)
    assert default_location() == str(tmp_path / "x.duckdb")
    monkeypatch.setenv("JOURNEYMAP_DATABASE_URL", "postgresql://app@db.example/journeys")
    assert default_location() == "postgresql://app@db.example/journeys"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param(
            "postgresql://app:s3cret@db:5433/j", "postgresql://app@db:5433/j", id="password"
        ),
        pytest.param("postgresql://app@db/j", "postgresql://app@db/j", id="no-password"),
        pytest.param(
            "postgres://:s3cret@db/j?sslmode=require",
            "postgres://db/j?sslmode=require",
            id="no-user",
        ),
    ],
)
def test_messages_show_the_url_without_its_password(url, shown):
    from journeymap.postgres_store import without_password

    assert without_password(url) == shown


def test_an_unreachable_server_is_a_store_error_without_the_password():
    # Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    with pytest.raises(
        StoreError, match="postgresql://app@127.0.0.1:9/j cannot be reached"
    ) as info:
        open_store("postgresql://app:s3cret@127.0.0.1:9/j")
    assert "s3cret" not in str(info.value)


# Several servers on one database --------------------------------------------------------------


@pytest.mark.postgres
def test_servers_starting_at_the_same_moment_migrate_the_schema_once(postgres_url, pizza):
    stores = no_errors(at_once([lambda: open_store(postgres_url) for _ in range(6)]))
    try:
        with stores[0]._reading() as unit:
            assert unit.all("SELECT version FROM schema_info") == [(SCHEMA_VERSION,)]
        stores[0].save_journey(pizza)
        assert all(s.journeys()[0].id == "pizza-delivery" for s in stores)
    finally:
        for store in stores:
            store.close()


@pytest.mark.postgres
def test_a_server_reopening_a_migrated_database_keeps_its_data(postgres_url, pizza, pizza_ratings):
    with open_store(postgres_url) as store:
        store.import_journey(pizza, pizza_ratings)
    with open_store(postgres_url) as store:
        assert store.rating_count("pizza-delivery") == len(pizza_ratings)


@pytest.mark.postgres
def test_a_database_from_a_newer_journeymap_is_refused(postgres_url):
    with open_store(postgres_url) as store, store._transaction() as unit:
        unit.run("UPDATE schema_info SET version = ?", [SCHEMA_VERSION + 1])
    with pytest.raises(StoreError, match="written by a newer journeymap"):
        open_store(postgres_url)


@pytest.mark.postgres
def test_one_submission_key_sent_to_two_servers_at_once_is_stored_once(
    servers, pizza, pizza_ratings
):
    servers[0].save_journey(pizza)
    rows = pizza_ratings.head(7)
    for attempt in range(CALLS_PER_SERVER):
        key = f"double-click-{attempt}"
        stored = no_errors(
            at_once([
                lambda s=s, key=key: s.add_ratings("pizza-delivery", rows, submission_key=key)
                for s in servers
            ])
        )  # fmt: skip
        assert sorted(stored) == [0, len(rows)]
    assert servers[1].rating_count("pizza-delivery") == CALLS_PER_SERVER * len(rows)


@pytest.mark.postgres
def test_saves_from_two_servers_at_once_take_consecutive_versions(servers, pizza):
    servers[0].save_journey(pizza)
    saves = [
        lambda s=s, i=i: s.save_journey(pizza.model_copy(update={"name": f"Edit {i}"}))
        for i, s in enumerate(servers * CALLS_PER_SERVER)
    ]
    versions = no_errors(at_once(saves))
    assert sorted(versions) == list(range(2, 2 + len(saves)))
    history = servers[1].versions("pizza-delivery")
    assert [v.version for v in history] == list(range(1 + len(saves), 0, -1))


@pytest.mark.postgres
def test_a_participant_resubmitting_through_two_servers_keeps_one_submission(servers, pizza):
    servers[0].save_journey(pizza)
    workshop = workshops.open_workshop(servers[0], "pizza-delivery", segment="staff")
    _, journey = workshops.join(servers[1], workshop.code)

    def resubmit(store: Store, i: int) -> int:
        answers = {
            tp.id: {"expected": 4.0, "experienced": float(1 + i % 7)}
            for tp in journey.ordered_touchpoints()[: 2 + i]
        }
        return workshops.submit(
            store, workshop, journey, answers, participant="p1", name="Ana",
            submission_key=f"ana-{i}",
        )  # fmt: skip

    calls = [lambda s=s, i=i: resubmit(s, i) for i, s in enumerate(servers * CALLS_PER_SERVER)]
    sizes = no_errors(at_once(calls))
    current = servers[1].workshop_ratings(workshop.code)
    # Exactly one of the submissions survives, whole: one batch, with that submission's size.
    with servers[0]._reading() as unit:
        batches = unit.all("SELECT DISTINCT batch_id FROM ratings")
    assert len(batches) == 1
    assert len(current) in sizes
    assert servers[0].workshop_progress(workshop.code).participants == 1
    assert servers[0].workshop_progress(workshop.code).ratings == len(current)
    assert servers[0].rating_count("pizza-delivery") == len(current)


@pytest.mark.postgres
def test_a_submission_racing_the_close_waits_for_it_and_is_refused(servers, pizza, postgres_url):
    servers[0].save_journey(pizza)
    workshop = workshops.open_workshop(servers[0], "pizza-delivery", segment="staff")
    _, journey = workshops.join(servers[1], workshop.code)
    answers = {"order": {"expected": 5.0, "experienced": 4.0, "importance": None}}

    def submit() -> int:
        return workshops.submit(
            servers[1], workshop, journey, answers, participant="p1", name="Ana",
            submission_key="late",
        )  # fmt: skip

    import psycopg

    # The facilitator's close is under way (row updated, not yet committed) when the
    # participant presses Submit: the submission must wait for it, then see it closed.
    with psycopg.connect(postgres_url) as closing:
        closing.execute("UPDATE workshops SET closed_at = now() WHERE code = %s", [workshop.code])
        outcome: list[object] = []
        participant = threading.Thread(target=lambda: outcome.append(catching(submit)))
        participant.start()
        participant.join(timeout=1.0)
        assert participant.is_alive(), f"the submission did not wait for the close: {outcome}"
        closing.commit()
    participant.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], WorkshopClosed), outcome
    assert servers[0].workshop_ratings(workshop.code).empty


@pytest.mark.postgres
def test_two_servers_loading_the_samples_at_once_store_each_sample_once(servers):
    no_errors(at_once([lambda s=s: ensure_samples(s) for s in servers]))
    summaries = servers[0].journeys()
    assert len(summaries) == len(sample_files())
    assert all(s.version == 1 for s in summaries)
    with servers[0]._reading() as unit:
        assert unit.one("SELECT count(*) FROM rating_batches")[0] == sum(
            1 for _, ratings in sample_files() if ratings
        )


@pytest.mark.postgres
def test_the_cli_imports_and_lists_journeys_in_postgres(capsys, postgres_url):
    pizza_file = Path(SAMPLES / "pizza_delivery.json")
    ratings_file = Path(SAMPLES / "pizza_delivery.csv")
    assert (
        main(["import", str(pizza_file), "--ratings", str(ratings_file), "--db", postgres_url]) == 0
    )
    assert main(["list", "--db", postgres_url]) == 0
    out = capsys.readouterr().out
    assert "pizza-delivery" in out
    assert "postgresql://" in out


@pytest.mark.postgres
@pytest.mark.slow
def test_the_concurrency_benchmark_runs_in_quick_mode(postgres_url):
    server = os.environ[POSTGRES_URL_VARIABLE]  # the bench makes a schema of its own
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_concurrency.py"), "--quick",
         "--postgres", server],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "PostgreSQL, 2 servers x 25 participants" in result.stdout
    assert "rating_sums runs in" in result.stdout
