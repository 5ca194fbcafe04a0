"""The lever page's library: what-if promises, their outlook, and decisions saved as versions."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from scipy import stats

from journeymap import levers
from journeymap.economics import Economics
from journeymap.errors import InvalidInput
from journeymap.journey_file import load_journey
from journeymap.model import Discrete, Empirical, Lever, LogNormal, Promise
from journeymap.simulate import Z90
from tests.conftest import SAMPLES

PIZZA_TIME = 0  # index of "Delivered within" in pizza_delivery.json


def sample_promises():
    for path in sorted(SAMPLES.glob("*.json")):
        journey = load_journey(path)
        for i, promise in enumerate(journey.promises):
            yield pytest.param(promise, id=f"{journey.id}-{i}-{promise.lever}")


def versions(store, journey_id):
    return len(store.versions(journey_id))


# Committing to one lever -------------------------------------------------------------------


def test_committing_a_lever_saves_a_new_version_that_has_it(store, pizza):
    store.save_journey(pizza)
    revision = levers.commit_lever(pizza, "cost")
    version = levers.save_revision(store, revision, author="Ana")
    assert version == 2
    assert store.journey(pizza.id).lever is Lever.COST
    assert store.journey(pizza.id, version=1).lever is Lever.TIME
    newest = store.versions(pizza.id)[0]
    assert newest.note == "chose to exceed on cost (was time)"
    assert newest.author == "Ana"


def test_committing_leaves_everything_but_the_lever_as_it_was(pizza):
    revised = levers.commit_lever(pizza, Lever.SERVICE).journey
    assert revised.model_copy(update={"lever": pizza.lever}) == pizza


def test_a_lever_without_a_promise_cannot_be_committed_and_nothing_is_saved(store, pizza):
    no_service = pizza.model_copy(
        update={"promises": [p for p in pizza.promises if p.lever is not Lever.SERVICE]}
    )
    store.save_journey(no_service)
    with pytest.raises(InvalidInput, match=r"pizza-delivery: lever: there is no service promise"):
        levers.save_revision(store, levers.commit_lever(no_service, "service"))
    assert versions(store, pizza.id) == 1


# Adopting a promise ------------------------------------------------------------------------


def test_adopting_the_recommended_promise_changes_only_that_promised_value(store, pizza):
    store.save_journey(pizza)
    outlook = levers.outlook(pizza.promises[PIZZA_TIME])
    revision = levers.replace_promise(
        pizza, PIZZA_TIME, outlook.recommended_promise(), why="adopted the recommended"
    )
    levers.save_revision(store, revision)
    saved = store.journey(pizza.id)
    assert saved.promises[PIZZA_TIME].promised == outlook.recommended.promise
    assert saved.promises[PIZZA_TIME].delivered == pizza.promises[PIZZA_TIME].delivered
    assert saved.promises[1:] == pizza.promises[1:]
    assert versions(store, pizza.id) == 2
    assert revision.note == (
        f"adopted the recommended time promise: Delivered within at Delivery at the door "
        f"{outlook.recommended.promise:g} min (was 30)"
    )


def test_the_recommended_promise_has_the_highest_value_per_1000(pizza):
    outlook = levers.outlook(pizza.promises[PIZZA_TIME])
    best = outlook.sweep.loc[outlook.sweep["value_per_1000"].idxmax()]
    assert outlook.recommended.promise == best["promise"]
    assert outlook.recommended.value_per_1000 == pytest.approx(best["value_per_1000"])
    # Promise 60, deliver 45 beats promise 30, deliver 45 (DOMAIN.md idea 3).
    assert 50 < outlook.recommended.promise < 75


def test_saving_a_what_if_promise_saves_its_delivery_too_and_says_so(pizza):
    outlook = levers.outlook(
        pizza.promises[PIZZA_TIME], promised=40, parameters={"median": 35, "p90": 50}
    )
    assert outlook.changes_delivered
    revision = levers.replace_promise(pizza, PIZZA_TIME, outlook.promise, why="set the")
    promise = revision.journey.promises[PIZZA_TIME]
    assert (promise.promised, promise.delivered) == (40, LogNormal(median=35, p90=50))
    assert "was typically 45 min" in revision.note and "(was 30)" in revision.note


BAD_REPLACEMENTS = [
    pytest.param({"promised": 0.0}, r"promises\[0\]\.promised: 0 is not a time", id="zero-time"),
    pytest.param({"promised": -5.0}, r"promises\[0\]\.promised", id="negative-time"),
    pytest.param({"touchpoint": "moon"}, r"promises\[0\]\.touchpoint: 'moon'", id="no-such-place"),
]


@pytest.mark.parametrize(("change", "message"), BAD_REPLACEMENTS)
def test_a_bad_promise_names_its_field_and_nothing_is_saved(store, pizza, change, message):
    store.save_journey(pizza)
    bad = pizza.promises[PIZZA_TIME].model_copy(update=change)
    with pytest.raises(InvalidInput, match=message):
        levers.save_revision(store, levers.replace_promise(pizza, PIZZA_TIME, bad))
    assert versions(store, pizza.id) == 1
    assert store.journey(pizza.id) == pizza


# Adding a promise --------------------------------------------------------------------------


def test_adding_a_promise_for_a_lever_without_one_saves_it(store):
    dental = load_journey(SAMPLES / "dental_clinic.json")
    store.save_journey(dental)
    assert not levers.promises_for(dental, Lever.SERVICE)
    revision = levers.add_promise(
        dental,
        touchpoint="treatment",
        lever="service",
        promised=0,
        delivered="discrete:0=0.7,1=0.3",
        unit="extras",
        label="Free whitening",
    )
    levers.save_revision(store, revision)
    saved = store.journey(dental.id)
    [(index, promise)] = levers.promises_for(saved, Lever.SERVICE)
    assert index == len(dental.promises)
    assert promise.delivered == Discrete(levels=[0, 1], probabilities=[0.7, 0.3])
    assert "added a service promise: Free whitening at" in store.versions(dental.id)[0].note


BAD_NEW_PROMISES = [
    pytest.param(
        {"touchpoint": "moon"}, r"promises\[2\]\.touchpoint: 'moon' is not a touchpoint", id="place"
    ),
    pytest.param(
        {"delivered": "lognormal:median=45"},
        r"promises\[2\]\.delivered.*lognormal needs median and p90",
        id="missing-p90",
    ),
    pytest.param(
        {"delivered": "lognormal:median=45,p90=30"},
        r"promises\[2\]\.delivered.*p90 \(30\) must be greater than median",
        id="p90-below-median",
    ),
    pytest.param({"promised": float("nan")}, r"promises\[2\]\.promised", id="no-number"),
    pytest.param(
        {"promised": None}, r"promises\[2\]\.promised: give the promised value", id="empty"
    ),
    pytest.param({"promised": 0.0}, r"promises\[2\]\.promised: 0 is not a time", id="zero"),
    pytest.param({"unit": "x" * 201}, r"promises\[2\]\.unit", id="unit-too-long"),
]


@pytest.mark.parametrize(("change", "message"), BAD_NEW_PROMISES)
def test_a_bad_new_promise_names_its_field_and_nothing_is_saved(store, change, message):
    dental = load_journey(SAMPLES / "dental_clinic.json")
    store.save_journey(dental)
    options = {
        "touchpoint": "treatment",
        "lever": "time",
        "promised": 30.0,
        "delivered": "lognormal:median=25,p90=40",
        "unit": "min",
    } | change
    with pytest.raises(InvalidInput, match=message):
        levers.save_revision(store, levers.add_promise(dental, **options))
    assert versions(store, dental.id) == 1


# What-if sliders ---------------------------------------------------------------------------


@pytest.mark.parametrize("promise", list(sample_promises()))
def test_every_slider_starts_at_the_stored_value_on_its_own_grid(promise):
    for knob in [levers.promise_knob(promise), *levers.delivered_knobs(promise)]:
        assert knob.low <= knob.value <= knob.high, knob
        steps = (knob.value - knob.low) / knob.step
        if knob.name != "promised":  # the promise range is round numbers around delivery
            assert steps == pytest.approx(round(steps), abs=1e-6), knob
    assert levers.what_if(promise) == promise


@pytest.mark.parametrize("promise", list(sample_promises()))
def test_sliders_left_alone_give_the_stored_promises_figures(promise):
    outlook = levers.outlook(promise, draws=20_000)
    assert not outlook.changes_delivered
    assert outlook.chosen.promise == promise.promised
    assert outlook.recommended.value_per_1000 >= outlook.chosen.value_per_1000


def test_the_delivered_sliders_change_the_figures_as_scipy_says(pizza):
    promise = pizza.promises[PIZZA_TIME]
    draws = 400_000
    outlook = levers.outlook(
        promise, promised=45, parameters={"median": 40, "p90": 55}, draws=draws
    )
    sigma = np.log(55 / 40) / stats.norm.ppf(0.9)
    expected = stats.lognorm(s=sigma, scale=40).cdf(45)
    standard_error = np.sqrt(expected * (1 - expected) / draws)
    assert abs(outlook.chosen.p_met - expected) < 4 * standard_error
    delight = stats.lognorm(s=sigma, scale=40).cdf(45 * 0.9)
    assert outlook.chosen.p_delight == pytest.approx(delight, abs=4 * standard_error)


def test_the_same_sliders_always_give_the_same_figures(pizza):
    promise = pizza.promises[PIZZA_TIME]
    first = levers.outlook(promise, promised=50, parameters={"median": 42})
    again = levers.outlook(promise, promised=50, parameters={"median": 42})
    assert first.chosen == again.chosen and first.recommended == again.recommended
    # ...because every sweep uses the same seed: the draws are numpy's for that seed.
    rng = np.random.default_rng(levers.SEED)
    delivered = rng.lognormal(np.log(42), np.log(60 / 42) / Z90, 200_000)
    assert first.chosen.p_met == np.mean(delivered <= 50)


def test_slow_deliveries_move_the_recommendation_beyond_todays_range(pizza):
    promise = pizza.promises[PIZZA_TIME]
    today = levers.promise_knob(promise)
    slower = levers.outlook(promise, parameters={"median": 90, "p90": 120})
    assert slower.recommended.promise > today.high


def test_discrete_shares_leave_the_rest_to_the_lowest_level():
    taxi = load_journey(SAMPLES / "taxi_booking.json").promises[0]
    changed = levers.what_if(taxi, parameters={"percent_1": 30, "percent_2": 10})
    assert changed.delivered.probabilities == pytest.approx([0.6, 0.3, 0.1])


def test_discrete_shares_above_100_percent_name_the_field():
    taxi = load_journey(SAMPLES / "taxi_booking.json").promises[0]
    with pytest.raises(InvalidInput, match=r"delivered\.probabilities: .* 110 %, more than 100 %"):
        levers.what_if(taxi, parameters={"percent_1": 80, "percent_2": 30})


def test_an_empirical_shift_moves_every_observed_value():
    price = Promise(
        touchpoint="checkout",
        lever="cost",
        promised=29,
        delivered=Empirical(values=[29, 31.5, 27.5]),
    )
    assert levers.what_if(price, parameters={"shift": -1.5}).delivered.values == [27.5, 30, 26]


def test_a_p90_slid_below_the_median_names_the_field(pizza):
    with pytest.raises(InvalidInput, match=r"what-if: delivered: p90 \(40\) must be greater"):
        levers.outlook(pizza.promises[PIZZA_TIME], parameters={"p90": 40})


def test_an_unknown_slider_is_a_programming_error(pizza):
    with pytest.raises(ValueError, match="not a parameter of lognormal: mean"):
        levers.what_if(pizza.promises[PIZZA_TIME], parameters={"mean": 3})


# Economics and descriptions ----------------------------------------------------------------


def test_assumptions_are_every_economics_field_but_the_reference_promise():
    names = [a.name for a in levers.assumptions()]
    defaults = Economics()
    assert "reference_promise" not in names
    assert levers.economics_from({a.name: a.value for a in levers.assumptions()}) == defaults
    assert all(a.help for a in levers.assumptions())


def test_percent_assumptions_are_converted_to_shares():
    economics = levers.economics_from({"retention_miss": 20, "cost_elasticity": 1.5})
    assert (economics.retention_miss, economics.cost_elasticity) == (0.2, 1.5)


def test_an_impossible_assumption_is_an_input_error():
    with pytest.raises(InvalidInput, match="retention_met must lie between 0 and 1"):
        levers.economics_from({"retention_met": 150})


@pytest.mark.parametrize(
    ("index", "text"),
    [
        pytest.param(0, "typically 45 min; 9 in 10 at or below 60 min", id="lognormal"),
        pytest.param(1, "on average 12.6 EUR, give or take 0.7", id="normal"),
        pytest.param(2, "none 85 %, garlic bread 15 %", id="discrete"),
    ],
)
def test_delivery_is_described_in_a_workshops_words(pizza, index, text):
    promise = pizza.promises[index]
    assert levers.describe_delivered(promise.delivered, promise.unit) == text


def test_docstring_examples_run():
    assert doctest.testmod(levers).failed == 0
