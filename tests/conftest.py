"""Shared fixtures: sample journeys, a fresh store per test on each backend, the app (AppTest)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from journeymap.journey_file import load_journey
from journeymap.model import Journey
from journeymap.ratings import read_ratings
from journeymap.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_journeys"


@pytest.fixture
def pizza() -> Journey:
    return load_journey(SAMPLES / "pizza_delivery.json")


@pytest.fixture
def pizza_ratings(pizza: Journey) -> pd.DataFrame:
    return read_ratings(SAMPLES / "pizza_delivery.csv", pizza).frame


@pytest.fixture
def retail() -> Journey:
    return load_journey(SAMPLES / "retail_store.json")


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store on each backend: a DuckDB file, and a PostgreSQL schema."""
    if request.param == "duckdb":
        with open_store(tmp_path / "journeys.duckdb") as opened:
            yield opened
        return
    with postgres_schema() as url, open_store(url) as opened:
        yield opened


POSTGRES_URL_VARIABLE = "JOURNEYMAP_TEST_POSTGRES_URL"


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL of the test server whose tables land in a new, empty schema, dropped afterwards.

    Without a server the test is skipped with the reason (on CI it fails: CI has one).
    """
    server = os.environ.get(POSTGRES_URL_VARIABLE)
    if not server:
        reason = (
            f"no PostgreSQL server: {POSTGRES_URL_VARIABLE} is unset "
            "(run the tests under scripts/with-postgres, as `make test` does)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        separator = "&" if "?" in server else "?"
        yield f"{server}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def open_app(start: str | None = None, *, timeout: float = 30) -> AppTest:
    """The real app (navigation, roles, store) opened on the page at url path `start`."""
    script = f"from journeymap.ui.navigation import run\nrun(start={start!r})\n"
    return AppTest.from_string(script, default_timeout=timeout)


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("JOURNEYMAP_DB", str(path))
    monkeypatch.delenv("JOURNEYMAP_DATABASE_URL", raising=False)  # it would win over the file
    monkeypatch.delenv("JOURNEYMAP_FACILITATOR_PASSCODE", raising=False)
    return path


def stored_ratings(database, journey_id="pizza-delivery") -> int:
    from journeymap.ui.resources import _open_store

    # The app holds the file open in this process; read through its own store.
    return _open_store(str(database)).rating_count(journey_id)


def rendered(markdown: str) -> str:
    """Markdown source as it reads on screen, for messages whose user text is escaped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """The `journeymap` command in this process: exit code, stdout, stderr."""
    from journeymap.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
