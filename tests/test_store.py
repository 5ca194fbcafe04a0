"""The store on both backends: round trips, version history, all-or-nothing imports; and a
DuckDB file locked by one process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from journeymap.errors import NotFound, StoreLocked
from journeymap.ratings import ratings_from_frame
from journeymap.samples import ensure_samples, sample_files
from journeymap.store import open_store


def renamed(journey, name):
    return journey.model_copy(update={"name": name})


def test_saved_journey_reads_back_equal(store, pizza):
    assert store.save_journey(pizza) == 1
    assert store.journey("pizza-delivery") == pizza


def test_every_save_is_a_new_version_and_old_versions_stay(store, pizza):
    store.save_journey(pizza, author="ana")
    store.save_journey(renamed(pizza, "Pizza delivery v2"), author="ben", note="renamed")
    assert [v.version for v in store.versions("pizza-delivery")] == [2, 1]
    assert store.journey("pizza-delivery").name == "Pizza delivery v2"
    assert store.journey("pizza-delivery", version=1).name == "Pizza delivery"
    assert store.versions("pizza-delivery")[0].author == "ben"


def test_saving_an_unchanged_journey_keeps_its_version(store, pizza):
    store.save_journey(pizza)
    assert store.save_journey(pizza) == 1
    assert len(store.versions("pizza-delivery")) == 1


def test_restore_saves_the_old_version_as_the_newest(store, pizza):
    store.save_journey(pizza)
    store.save_journey(renamed(pizza, "Oops"))
    assert store.restore("pizza-delivery", 1) == 3
    assert store.journey("pizza-delivery").name == "Pizza delivery"
    assert store.versions("pizza-delivery")[0].note == "restored version 1"
    assert store.journey("pizza-delivery", version=2).name == "Oops"


def test_ratings_round_trip_with_their_types(store, pizza, pizza_ratings):
    store.import_journey(pizza, pizza_ratings)
    back = store.ratings("pizza-delivery")
    pd.testing.assert_frame_equal(back.reset_index(drop=True), pizza_ratings.reset_index(drop=True))


def test_awkward_text_and_missing_values_round_trip(store, pizza):
    raw = pd.DataFrame(
        {
            "touchpoint": ["order", "order", "deliver", "deliver"],
            "expected": ["5", "4.25", "1", "7"],
            "experienced": ["3", "6", "7", "1"],
            "importance": ["2", "", "0.5", ""],
            "respondent": ['O"Brien, Ann', "line\nbreak", "", "Zoë 🍕"],
            "segment": ["", "a,b", "NULL", "\\N"],
            "adequate": ["", "2", "", "3.5"],
            "recorded_at": ["2026-05-01T10:00:00.123456Z", "", "2026-05-02T23:59:59+02:00", ""],
        }
    )
    ratings = ratings_from_frame(raw, pizza, source="awkward.csv").frame
    store.import_journey(pizza, ratings)
    pd.testing.assert_frame_equal(store.ratings("pizza-delivery"), ratings)


def test_journey_without_ratings_gives_empty_canonical_frame(store, pizza, pizza_ratings):
    store.save_journey(pizza)
    assert list(store.ratings("pizza-delivery").columns) == list(pizza_ratings.columns)
    assert store.rating_count("pizza-delivery") == 0


def count(store, query):
    """A count straight from the tables, the same SQL on either backend."""
    with store._reading() as unit:
        return unit.one(query)[0]


def test_normalised_tables_hold_each_version(store, pizza):
    store.save_journey(pizza)
    store.save_journey(renamed(pizza, "v2"))
    assert count(store, "SELECT count(*) FROM touchpoints") == 2 * len(pizza.touchpoints)
    assert count(store, "SELECT count(*) FROM transitions WHERE version = 2") == len(
        pizza.transitions
    )
    assert count(store, "SELECT count(*) FROM promises WHERE version = 1") == len(pizza.promises)


def test_a_failing_import_stores_neither_journey_nor_ratings(store, pizza, pizza_ratings):
    broken = pizza_ratings.copy()
    broken["recorded_at"] = "not a time"  # fails inside the INSERT, after the journey row
    # DuckDB says it cannot convert or cast the text; PostgreSQL that it is invalid input.
    with pytest.raises(Exception, match="(?i)conver|cast|invalid input syntax"):
        store.import_journey(pizza, broken)
    assert store.journeys() == []
    assert count(store, "SELECT count(*) FROM ratings") == 0
    assert count(store, "SELECT count(*) FROM rating_batches") == 0


def test_repeated_submission_key_stores_ratings_once(store, pizza, pizza_ratings):
    store.save_journey(pizza)
    first = store.add_ratings("pizza-delivery", pizza_ratings.head(10), submission_key="ana-1")
    again = store.add_ratings("pizza-delivery", pizza_ratings.head(10), submission_key="ana-1")
    assert (first, again) == (10, 0)
    assert store.rating_count("pizza-delivery") == 10


def test_ratings_for_an_unknown_journey_are_refused(store, pizza_ratings):
    with pytest.raises(NotFound, match="no journey 'nope'"):
        store.add_ratings("nope", pizza_ratings)


def test_unknown_version_is_not_found(store, pizza):
    store.save_journey(pizza)
    with pytest.raises(NotFound, match="no version 7 of journey 'pizza-delivery'"):
        store.journey("pizza-delivery", version=7)


def test_journeys_lists_latest_name_and_rating_count(store, pizza, pizza_ratings):
    store.import_journey(pizza, pizza_ratings)
    store.save_journey(renamed(pizza, "Pizza 2"))
    (summary,) = store.journeys()
    assert (summary.id, summary.name, summary.version, summary.ratings) == (
        "pizza-delivery",
        "Pizza 2",
        2,
        len(pizza_ratings),
    )


def test_samples_load_once_into_an_empty_store(store):
    assert len(ensure_samples(store)) == len(sample_files()) == 6
    assert ensure_samples(store) == []
    assert all(s.ratings >= 300 for s in store.journeys())


def test_store_survives_reopening(tmp_path, pizza, pizza_ratings):
    path = tmp_path / "j.duckdb"
    with open_store(path) as store:
        store.import_journey(pizza, pizza_ratings)
    with open_store(path) as store:
        assert store.rating_count("pizza-delivery") == len(pizza_ratings)


def test_second_process_gets_a_clear_locked_message(tmp_path):
    path = tmp_path / "j.duckdb"
    with open_store(path):
        script = textwrap.dedent(
            f"""
            from journeymap.errors import StoreLocked
            from journeymap.store import open_store
            try:
                open_store({str(path)!r})
            except StoreLocked as exc:
                print(exc)
            """
        )
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
    assert "is in use by another journeymap process" in out.stdout
    assert issubclass(StoreLocked, Exception)


def test_default_database_follows_environment(monkeypatch, tmp_path):
    from journeymap.store import default_database_path

    monkeypatch.delenv("JOURNEYMAP_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database_path() == tmp_path / "journeymap" / "journeymap.duckdb"
    monkeypatch.setenv("JOURNEYMAP_DB", str(tmp_path / "x.duckdb"))
    assert default_database_path() == tmp_path / "x.duckdb"
