"""Shared fixtures: the sample journeys, a fresh DuckDB store per test, and the app under AppTest."""

from __future__ import annotations

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


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "journeys.duckdb") as opened:
        yield opened


def open_app(start: str | None = None, *, timeout: float = 30) -> AppTest:
    """The real app (navigation, roles, store) opened on the page at url path `start`."""
    script = f"from journeymap.ui.navigation import run\nrun(start={start!r})\n"
    return AppTest.from_string(script, default_timeout=timeout)


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("JOURNEYMAP_DB", str(path))
    monkeypatch.delenv("JOURNEYMAP_FACILITATOR_PASSCODE", raising=False)
    return path


def stored_ratings(database, journey_id="pizza-delivery") -> int:
    from journeymap.ui.resources import _open_store

    # The app holds the file open in this process; read through its own store.
    return _open_store(str(database)).rating_count(journey_id)
