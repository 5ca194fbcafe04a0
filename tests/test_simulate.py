"""Promise-margin simulations checked against closed forms, a per-draw loop and the pizza case."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from journeymap import simulate
from journeymap.economics import Economics, parameter_docs
from journeymap.errors import InvalidInput
from journeymap.journey_file import load_journey
from journeymap.model import Discrete, Empirical, Lever, LogNormal, Normal, Promise, Triangular
from journeymap.prospect import value
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
#: Monte Carlo checks allow this many binomial standard errors, sqrt(p (1 - p) / n).
TOLERANCE_SE = 4
DRAWS = 400_000
PIZZA = LogNormal(median=45, p90=60)


def frozen(delivered):
    """The same distribution in scipy.stats, written independently of simulate.py."""
    match delivered:
        case LogNormal(median=median, p90=p90):
            sigma = np.log(p90 / median) / stats.norm.ppf(0.9)
            return stats.lognorm(s=sigma, scale=median)
        case Normal(mean=mean, sd=sd):
            return stats.norm(mean, sd)
        case Triangular(min=low, mode=mode, max=high):
            return stats.triang(c=(mode - low) / (high - low), loc=low, scale=high - low)
    raise TypeError(delivered)


CONTINUOUS = [
    pytest.param(PIZZA, id="lognormal-pizza"),
    pytest.param(Normal(mean=12.6, sd=0.7), id="normal-app-price"),
    pytest.param(Triangular(min=380, mode=440, max=560), id="triangular-dental-bill"),
]


def within_binomial_error(estimate, p, n=DRAWS):
    standard_error = np.sqrt(np.asarray(p) * (1 - np.asarray(p)) / n)
    # A floor of half a draw keeps p = 0 or 1 from demanding an exact hit.
    return np.abs(np.asarray(estimate) - p) <= TOLERANCE_SE * standard_error + 0.5 / n


# Probabilities against closed forms ---------------------------------------------------------


@pytest.mark.parametrize("delivered", CONTINUOUS)
def test_p_met_is_the_delivered_cdf_at_the_promise(delivered):
    truth = frozen(delivered)
    promises = truth.ppf([0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98])
    table = simulate.sweep(
        Lever.TIME, delivered, promises, rng=np.random.default_rng(7), draws=DRAWS
    )
    assert within_binomial_error(table["p_met"], truth.cdf(table["promise"])).all()


@pytest.mark.parametrize("delivered", CONTINUOUS)
def test_p_delight_is_the_cdf_a_tenth_below_the_promise(delivered):
    truth = frozen(delivered)
    promises = truth.ppf([0.2, 0.5, 0.8, 0.95])
    table = simulate.sweep(
        Lever.COST, delivered, promises, rng=np.random.default_rng(8), draws=DRAWS
    )
    expected = truth.cdf(0.9 * table["promise"])
    assert within_binomial_error(table["p_delight"], expected).all()


@pytest.mark.parametrize("delivered", CONTINUOUS)
def test_service_is_met_when_delivered_at_or_above_the_promise(delivered):
    truth = frozen(delivered)
    promises = truth.ppf([0.1, 0.5, 0.9])
    table = simulate.sweep(
        Lever.SERVICE, delivered, promises, rng=np.random.default_rng(9), draws=DRAWS
    )
    assert within_binomial_error(table["p_met"], truth.sf(table["promise"])).all()
    assert within_binomial_error(table["p_delight"], truth.sf(1.1 * table["promise"])).all()


@pytest.mark.parametrize("delivered", CONTINUOUS)
def test_mean_shortfall_is_the_integral_of_the_survival_function_above_the_promise(delivered):
    # E[(D - p)+] = ∫_p^∞ P(D > x) dx, integrated by scipy, independent of the draws.
    truth = frozen(delivered)
    promises = truth.ppf([0.2, 0.5, 0.9])
    draws = simulate.draw(delivered, DRAWS, rng=np.random.default_rng(10))
    table = simulate.sweep_draws(Lever.TIME, draws, promises)
    for promise, shortfall in zip(promises, table["mean_shortfall"], strict=True):
        exact, _ = integrate.quad(truth.sf, promise, truth.ppf(1 - 1e-12))
        standard_error = np.maximum(draws - promise, 0).std() / np.sqrt(DRAWS)
        assert abs(shortfall - exact) <= TOLERANCE_SE * standard_error


def test_mean_margin_is_promise_minus_mean_delivered_for_time_and_the_reverse_for_service():
    draws = simulate.draw(PIZZA, DRAWS, rng=np.random.default_rng(11))
    time = simulate.sweep_draws(Lever.TIME, draws, [30, 60])
    service = simulate.sweep_draws(Lever.SERVICE, draws, [30, 60])
    np.testing.assert_allclose(time["mean_margin"], [30 - draws.mean(), 60 - draws.mean()])
    np.testing.assert_allclose(service["mean_margin"], -time["mean_margin"])


# The vectorised sweep against a plain per-draw loop -------------------------------------------


def per_draw_loop(
    lever, draws, promises, *, threshold=0.10, loss_aversion=2.25, scale, curvature=None
):
    """Every figure straight from the margins of the draws, one promise at a time."""
    rows = []
    for promise in promises:
        margin = promise - draws if Lever(lever).lower_is_better else draws - promise
        bound = threshold * abs(promise)
        delighted = margin >= bound if bound > 0 else margin > 0
        rows.append(
            {
                "promise": promise,
                "p_met": np.mean(margin >= 0),
                "p_delight": np.mean(delighted),
                "mean_margin": margin.mean(),
                "mean_shortfall": np.maximum(-margin, 0).mean(),
                "satisfaction": value(
                    margin / scale, loss_aversion=loss_aversion, curvature=curvature
                ).mean(),
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("lever", "delivered", "promises"),
    [
        pytest.param("time", PIZZA, np.arange(20.0, 121.0, 5.0), id="time-lognormal"),
        pytest.param(
            "cost", Triangular(min=380, mode=440, max=560), [380, 450, 560], id="cost-triangular"
        ),
        pytest.param(
            "service",
            Discrete(levels=[1, 2, 3], probabilities=[0.75, 0.2, 0.05]),
            [0.0, 1.0, 1.5, 2.0, 3.0, 4.0],
            id="service-discrete-ties",
        ),
        pytest.param(
            "time",
            Empirical(values=[41, 45, 45, 45, 52.5, 60]),
            [41, 45, 50, 60],
            id="time-empirical-ties",
        ),
    ],
)
@pytest.mark.parametrize("threshold", [0.0, 0.1], ids=["strictly-better", "a-tenth-better"])
def test_vectorised_sweep_equals_the_per_draw_loop_on_the_same_draws(
    lever, delivered, promises, threshold
):
    draws = simulate.draw(delivered, 50_000, rng=np.random.default_rng(12))
    table = simulate.sweep_draws(lever, draws, promises, scale=7.0, delight_threshold=threshold)
    unique = np.unique(np.asarray(promises, dtype=float))
    naive = per_draw_loop(lever, draws, unique, scale=7.0, threshold=threshold)
    pd.testing.assert_frame_equal(
        table[naive.columns], naive, check_exact=False, rtol=1e-9, atol=1e-9
    )


def test_satisfaction_with_curvature_equals_the_per_draw_value():
    draws = simulate.draw(PIZZA, 20_000, rng=np.random.default_rng(13))
    promises = [30.0, 45.0, 60.0]
    table = simulate.sweep_draws("time", draws, promises, curvature=0.88, scale=45.0)
    naive = per_draw_loop("time", draws, promises, curvature=0.88, scale=45.0)
    np.testing.assert_allclose(table["satisfaction"], naive["satisfaction"], rtol=1e-12)


def test_satisfaction_weighs_a_shortfall_lambda_times_an_equal_surplus():
    # Two draws, 10 early and 10 late: (10 - λ·10) / 2 / scale.
    table = simulate.sweep_draws("time", [50.0, 70.0], [60.0], loss_aversion=2.25, scale=10.0)
    assert table["satisfaction"].item() == pytest.approx((1 - 2.25) / 2)


def test_default_satisfaction_scale_is_the_typical_delivered_level():
    draws = simulate.draw(PIZZA, 10_000, rng=np.random.default_rng(14))
    default = simulate.sweep_draws("time", draws, [60.0], typical=45.0)
    explicit = simulate.sweep_draws("time", draws, [60.0], scale=45.0)
    assert default["satisfaction"].item() == explicit["satisfaction"].item()


# Properties of a sweep --------------------------------------------------------------------------


def test_a_fixed_seed_gives_the_same_sweep_and_another_seed_does_not():
    def run(seed):
        return simulate.sweep("time", PIZZA, [30, 45, 60], rng=np.random.default_rng(seed))

    pd.testing.assert_frame_equal(run(1), run(1))
    assert not run(1)["p_met"].equals(run(2)["p_met"])


@pytest.mark.parametrize("lever", ["time", "cost", "service"])
def test_p_met_moves_monotonically_with_the_promise(lever):
    table = simulate.sweep(
        lever, PIZZA, np.linspace(10, 150, 200), rng=np.random.default_rng(15), draws=50_000
    )
    steps = np.diff(table["p_met"].to_numpy())
    assert (steps >= 0).all() if lever != "service" else (steps <= 0).all()
    assert (table["p_delight"] <= table["p_met"]).all()


def test_promised_values_come_back_sorted_and_once_each():
    table = simulate.sweep("time", PIZZA, [60, 30, 60, 45], rng=np.random.default_rng(16))
    assert table["promise"].tolist() == [30.0, 45.0, 60.0]
    assert list(table.columns) == list(simulate.SWEEP_COLUMNS)


def test_recommended_marks_exactly_the_row_with_the_highest_value():
    table = simulate.sweep("time", PIZZA, np.arange(20, 121, 5), rng=np.random.default_rng(17))
    assert table["recommended"].sum() == 1
    assert table.loc[table["recommended"], "value_per_1000"].item() == table["value_per_1000"].max()


def test_a_promise_of_nothing_extra_is_beaten_only_by_delivering_something_extra():
    garlic_bread = Discrete(levels=[0, 1], probabilities=[0.85, 0.15])
    table = simulate.sweep("service", garlic_bread, [0.0], rng=np.random.default_rng(18))
    assert table["p_met"].item() == 1.0
    assert within_binomial_error(table["p_delight"].item(), 0.15, n=simulate.DEFAULT_DRAWS)


def test_taxi_booked_economy_is_always_met_and_upgraded_a_quarter_of_the_time():
    taxi = Discrete(levels=[1, 2, 3], probabilities=[0.75, 0.2, 0.05])
    table = simulate.sweep(
        "service", taxi, [1.0, 2.0], rng=np.random.default_rng(19), draws=DRAWS
    ).set_index("promise")
    assert table.loc[1.0, "p_met"] == 1.0
    assert within_binomial_error(table.loc[1.0, "p_delight"], 0.25)
    assert within_binomial_error(table.loc[2.0, "p_met"], 0.25)
    # Mean levels above the booked economy: 0.2 × 1 + 0.05 × 2.
    assert table.loc[1.0, "mean_margin"] == pytest.approx(0.3, abs=0.005)


# The pizza reference (DOMAIN.md §3) -------------------------------------------------------------


def test_pizza_promising_60_minutes_beats_promising_30_for_the_same_45_minute_delivery():
    table = simulate.sweep(
        "time", PIZZA, [30, 60], rng=np.random.default_rng(20), draws=DRAWS
    ).set_index("promise")
    for column in ("p_met", "p_delight", "satisfaction", "retention", "value_per_1000"):
        assert table.loc[60.0, column] > table.loc[30.0, column], column
    assert table.loc[30.0, "conversion"] > table.loc[60.0, "conversion"]  # bolder wins more
    assert table.loc[60.0, "recommended"]


def test_pizza_recommended_promise_lies_between_the_median_and_the_95th_percentile():
    table = simulate.sweep(
        "time", PIZZA, np.arange(5, 181, 1), rng=np.random.default_rng(21), draws=DRAWS
    )
    recommended = table.loc[table["recommended"], "promise"].item()
    assert 45 < recommended < frozen(PIZZA).ppf(0.95)


def test_without_a_reward_for_keeping_promises_the_boldest_promise_wins():
    # The 60-minute recommendation comes from retention, not from a rule about promises.
    flat = Economics(retention_delight=0.3, retention_met=0.3, retention_miss=0.3)
    table = simulate.sweep(
        "time", PIZZA, np.arange(20, 121, 5), rng=np.random.default_rng(22), economics=flat
    )
    boldest_at_the_ceiling = table.loc[table["conversion"] == table["conversion"].max()]
    assert (
        table.loc[table["recommended"], "promise"].item()
        in boldest_at_the_ceiling["promise"].values
    )


# Economics ------------------------------------------------------------------------------------


def test_value_per_1000_is_conversion_times_first_purchase_plus_retained_value():
    economics = Economics()
    # 1,000 × 0.1 × (1 + 0.5 × 3) by hand.
    assert economics.value_per_1000(0.1, 0.5).item() == pytest.approx(250.0)
    assert economics.value_per_1000(0.1, 0.5, upgrades=2).item() == pytest.approx(200.0)


def test_retention_mixes_delight_met_and_miss_by_their_shares():
    economics = Economics(retention_delight=0.6, retention_met=0.4, retention_miss=0.1)
    # 30 % delighted, 20 % only met, 50 % missed.
    assert economics.retention(0.5, 0.3).item() == pytest.approx(0.3 * 0.6 + 0.2 * 0.4 + 0.5 * 0.1)


def test_conversion_follows_the_elasticity_against_the_reference_and_stops_at_the_ceiling():
    economics = Economics(base_conversion=0.1, time_elasticity=0.5, max_conversion_gain=1.5)
    conversion = economics.conversion(Lever.TIME, [45, 90, 20, 1], reference=45)
    np.testing.assert_allclose(conversion, [0.1, 0.1 * 0.5**0.5, 0.15, 0.15])
    cost = Economics(cost_elasticity=2.0).conversion(Lever.COST, [500], reference=450)
    assert cost.item() == pytest.approx(0.1 * (450 / 500) ** 2)
    service = Economics(service_uplift_per_level=0.1).conversion(Lever.SERVICE, [2, 0], reference=1)
    np.testing.assert_allclose(service, [0.11, 0.1 / 1.1])


def test_retention_after_a_miss_defaults_to_the_89_percent_who_leave_after_poor_service():
    assert Economics().retention_miss == pytest.approx(1 - 0.89)
    assert "89 %" in parameter_docs()["retention_miss"]


def test_every_economics_parameter_explains_its_default():
    assert all(len(doc) > 20 for doc in parameter_docs().values())


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"retention_miss": 1.2}, id="retention-above-one"),
        pytest.param({"base_conversion": -0.1}, id="negative-conversion"),
        pytest.param({"time_elasticity": float("nan")}, id="nan-elasticity"),
        pytest.param({"max_conversion_gain": 0.5}, id="ceiling-below-base"),
        pytest.param({"reference_promise": float("inf")}, id="infinite-reference"),
    ],
)
def test_economics_rejects_impossible_parameters(changes):
    with pytest.raises(ValueError, match=next(iter(changes))):
        Economics(**changes)


# Draws, typical levels and ranges --------------------------------------------------------------


def test_draws_of_discrete_and_empirical_use_only_the_given_levels():
    rng = np.random.default_rng(23)
    levels = simulate.draw(
        Discrete(levels=[1, 2, 3], probabilities=[0.75, 0.2, 0.05]), 100_000, rng=rng
    )
    assert set(np.unique(levels)) == {1.0, 2.0, 3.0}
    assert within_binomial_error(np.mean(levels == 2), 0.2, n=100_000)
    observed = simulate.draw(Empirical(values=[41, 45, 52.5]), 1_000, rng=rng)
    assert set(np.unique(observed)) <= {41.0, 45.0, 52.5}


@pytest.mark.parametrize("delivered", CONTINUOUS)
def test_typical_level_is_the_median_of_the_distribution(delivered):
    assert simulate.typical_level(delivered) == pytest.approx(frozen(delivered).median())


def test_typical_level_of_discrete_levels_is_their_weighted_median():
    taxi = Discrete(levels=[3, 1, 2], probabilities=[0.05, 0.75, 0.2])
    assert simulate.typical_level(taxi) == 1.0
    assert simulate.typical_level(Discrete(levels=[0, 1], probabilities=[0.5, 0.5])) == 0.0


@pytest.mark.parametrize(
    "promise",
    [
        pytest.param(p, id=f"{journey}-{p.touchpoint}-{p.lever.value}")
        for journey in ("pizza_delivery", "dental_clinic", "taxi_booking", "monthly_supplement")
        for p in load_journey(SAMPLES / f"{journey}.json").promises
    ],
)
def test_default_range_covers_the_current_promise_and_almost_all_deliveries(promise):
    low, high, step = simulate.default_promise_range(promise)
    values = simulate.default_promise_range(promise).values()
    assert values[0] == low and values[-1] == pytest.approx(high) and step > 0
    assert low <= promise.promised <= high
    assert 2 <= len(values) <= 100
    if promise.lever.lower_is_better:
        assert low > 0
    draws = simulate.draw(promise.delivered, 10_000, rng=np.random.default_rng(24))
    assert np.mean((draws >= low) & (draws <= high)) > 0.98


# Journeys ----------------------------------------------------------------------------------------


def test_journey_sweeps_runs_every_promise_with_one_recommendation_and_one_current_row_each(pizza):
    table = simulate.journey_sweeps(pizza, rng=np.random.default_rng(25), draws=20_000)
    assert sorted(table["promise_index"].unique()) == [0, 1, 2]
    per_promise = table.groupby("promise_index")
    assert (per_promise["recommended"].sum() == 1).all()
    assert (per_promise["current"].sum() == 1).all()
    current = table.loc[table["current"]].set_index("touchpoint")["promise"]
    assert current.to_dict() == {p.touchpoint: p.promised for p in pizza.promises}


def test_compare_levers_has_one_row_per_lever_and_marks_the_journeys_choice():
    dental = load_journey(SAMPLES / "dental_clinic.json")
    table = simulate.compare_levers(dental, rng=np.random.default_rng(26), draws=50_000)
    assert table["lever"].tolist() == ["time", "cost", "service"]
    assert table.set_index("lever")["chosen"].to_dict() == {
        "time": False,
        "cost": True,
        "service": False,
    }
    service = table.set_index("lever").loc["service"]
    assert service["note"] == "no service promise in this journey" and np.isnan(service["p_met"])
    cost = table.set_index("lever").loc["cost"]
    assert cost["current_promise"] == 450.0
    assert cost["uplift"] == pytest.approx(cost["value_recommended"] - cost["value_current"])
    assert cost["uplift"] >= 0


def test_compare_levers_reports_the_current_promise_as_the_sweep_does(pizza):
    table = simulate.compare_levers(pizza, rng=np.random.default_rng(27), draws=DRAWS)
    time = table.set_index("lever").loc["time"]
    assert within_binomial_error(time["p_met"], frozen(PIZZA).cdf(30.0))
    assert time["recommended_promise"] > time["current_promise"]


def test_compare_levers_says_which_promise_it_took_when_a_lever_has_several(pizza):
    extra = Promise(
        touchpoint="oven", lever=Lever.TIME, promised=15, delivered=Normal(mean=14, sd=2)
    )
    journey = pizza.model_copy(update={"promises": [*pizza.promises, extra]})
    table = simulate.compare_levers(journey, rng=np.random.default_rng(28), draws=10_000)
    assert table.set_index("lever").loc["time", "note"] == "first of 2 time promises; also oven"


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lever", "promises", "message"),
    [
        pytest.param("time", [-5, 30], "-5 is negative", id="negative-time"),
        pytest.param("cost", [], "at least one", id="no-promise"),
        pytest.param("time", [np.nan], "finite", id="nan-promise"),
    ],
)
def test_impossible_promises_are_rejected_by_name(lever, promises, message):
    with pytest.raises(InvalidInput, match=message):
        simulate.sweep(lever, PIZZA, promises, rng=np.random.default_rng(29), draws=100)


def test_a_negative_delight_threshold_is_rejected():
    with pytest.raises(InvalidInput, match="delight threshold"):
        simulate.sweep("time", PIZZA, [30], rng=np.random.default_rng(30), delight_threshold=-0.1)


def test_a_time_sweep_needs_a_positive_reference_for_conversion():
    centred = Normal(mean=0, sd=1)
    with pytest.raises(InvalidInput, match="reference promise: 0 is not a time"):
        simulate.sweep("time", centred, [1.0], rng=np.random.default_rng(31), draws=100)
    explicit = Economics(reference_promise=1.0)
    table = simulate.sweep(
        "time", centred, [1.0], rng=np.random.default_rng(31), draws=100, economics=explicit
    )
    assert table["conversion"].item() == pytest.approx(0.1)


# Docs and benchmark ------------------------------------------------------------------------------


def test_docstring_examples_run():
    from journeymap import delivered

    for module in (simulate, delivered):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_the_benchmark_runs_in_quick_mode():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_simulate.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "vectorised" in result.stdout and "naive" in result.stdout
