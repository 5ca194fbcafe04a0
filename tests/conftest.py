"""Shared fixtures: the sample journeys and a fresh DuckDB store per test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

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
