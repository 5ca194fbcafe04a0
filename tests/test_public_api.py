"""The package's public API is exactly its sorted `__all__`, and it works end to end."""

from __future__ import annotations

import types

import numpy as np

import journeymap
from tests.conftest import SAMPLES


def test_public_api_is_exactly_the_sorted_all():
    public = {
        name
        for name in dir(journeymap)
        if not name.startswith("_") and not isinstance(getattr(journeymap, name), types.ModuleType)
    }
    assert journeymap.__all__ == sorted(journeymap.__all__)
    assert public == set(journeymap.__all__)


def test_the_public_api_maps_a_journey_end_to_end(tmp_path):
    journey = journeymap.load_journey(SAMPLES / "pizza_delivery.json")
    ratings = journeymap.read_ratings(SAMPLES / "pizza_delivery.csv", journey).frame
    gaps = journeymap.gap_table(journey, ratings)
    worst = gaps.sort_values("gap_mean").iloc[0]
    assert worst["touchpoint"] == "deliver"
    with journeymap.open_store(tmp_path / "j.duckdb") as store:
        store.import_journey(journey, ratings)
        analysis = journeymap.analyse(store, journey)
    # Summed in SQL there, in numpy here: the same figures to rounding.
    np.testing.assert_allclose(analysis.gaps["gap_mean"], gaps["gap_mean"], rtol=1e-12)
    promise = next(p for p in journey.promises if p.lever is journeymap.Lever.TIME)
    sweep = journeymap.sweep_promise(promise, [30, 60], rng=np.random.default_rng(1))
    assert sweep.loc[sweep["recommended"], "promise"].item() == 60
