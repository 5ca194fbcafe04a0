"""The app, driven by Streamlit's AppTest against a real DuckDB file."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("JOURNEYMAP_DB", str(tmp_path / "app.duckdb"))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def test_first_start_loads_the_sample_journeys(app):
    app.run()
    assert not app.exception
    listed = app.dataframe[0].value
    assert "Pizza delivery" in set(listed["Journey"])
    assert len(listed) == 6
