"""The promise sweep chart carries the sweep's numbers and marks the recommended promise."""

from __future__ import annotations

import numpy as np
import pytest

from journeymap import charts, simulate
from journeymap.model import LogNormal


@pytest.fixture
def sweep():
    return simulate.sweep(
        "time", LogNormal(median=45, p90=60), np.arange(20, 121, 5),
        rng=np.random.default_rng(1), draws=20_000,
    )  # fmt: skip


def test_the_chart_plots_met_and_delight_shares_and_the_value(sweep):
    fig = charts.promise_sweep_chart(sweep, lever="time", unit="min")
    traces = {trace.name: trace for trace in fig.data}
    np.testing.assert_allclose(traces["Promise met"].y, 100 * sweep["p_met"])
    np.testing.assert_allclose(traces["Beaten (delight)"].y, 100 * sweep["p_delight"])
    np.testing.assert_allclose(traces["Value per 1,000 prospects"].y, sweep["value_per_1000"])


def test_the_recommended_promise_is_starred_and_labelled(sweep):
    fig = charts.promise_sweep_chart(sweep, lever="time", unit="min", current=30)
    best = sweep.loc[sweep["recommended"], "promise"].item()
    star = next(trace for trace in fig.data if trace.name == "Recommended promise")
    assert list(star.x) == [best]
    texts = [annotation.text for annotation in fig.layout.annotations]
    assert f"<b>Recommended: {best:g} min</b>" in texts and "now: 30 min" in texts


def test_the_unit_is_shown_as_text_not_markup(sweep):
    fig = charts.promise_sweep_chart(sweep, lever="cost", unit="<b>EUR</b>")
    assert "&lt;b&gt;EUR&lt;/b&gt;" in fig.layout.xaxis2.title.text


def test_a_table_without_the_sweep_columns_is_refused(sweep):
    with pytest.raises(ValueError, match="value_per_1000"):
        charts.promise_sweep_chart(sweep.drop(columns="value_per_1000"), lever="time")
