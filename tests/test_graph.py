"""Journey flow as an absorbing Markov chain, likely paths and priority, checked against a
numpy linear solve, a seeded Monte Carlo walk and hand-worked chains."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from journeymap.errors import InvalidInput
from journeymap.gaps import gap_table
from journeymap.graph import (
    exit_shares,
    flow_table,
    likely_paths,
    most_likely_path,
    to_networkx,
    unreachable,
)
from journeymap.journey_file import load_journey
from journeymap.model import Journey
from journeymap.priority import priority_table
from tests.conftest import SAMPLES

SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.json"))


def chain(transitions, *, ids=("a", "b", "c"), entries=None) -> Journey:
    return Journey.model_validate(
        {
            "name": "Chain",
            "stages": ["S"],
            "touchpoints": [{"id": tp, "name": tp.upper(), "stage": "S"} for tp in ids],
            "transitions": [{"from": s, "to": t, "share": share} for s, t, share in transitions],
            "entries": entries,
        }
    )


def solved_visits(journey: Journey, arrivals: float) -> pd.Series:
    """Independent of the module: solve (I − Q)ᵀ v = arrivals · e for the whole chain."""
    ids = [tp.id for tp in journey.ordered_touchpoints()]
    at = {tp: i for i, tp in enumerate(ids)}
    q = np.zeros((len(ids), len(ids)))
    for t in journey.transitions:
        q[at[t.source], at[t.target]] = t.share
    entries = np.zeros(len(ids))
    for tp, share in journey.entry_shares().items():
        entries[at[tp]] = share
    return pd.Series(np.linalg.solve((np.eye(len(ids)) - q).T, arrivals * entries), index=ids)


def walk(journey: Journey, customers: int, rng: np.random.Generator):
    """Send customers through the journey one step at a time; count visits and paths."""
    onward = {tp.id: [] for tp in journey.touchpoints}
    for t in journey.transitions:
        onward[t.source].append(t)
    steps = {
        tp: ([t.target for t in out], np.cumsum([t.share for t in out]))
        for tp, out in onward.items()
    }
    entries = journey.entry_shares()
    starts = rng.choice(list(entries), size=customers, p=list(entries.values()))
    visits, paths = Counter(), Counter()
    for here in starts:
        path = [here]
        while True:
            visits[here] += 1
            targets, cumulative = steps[here]
            # The first transition whose cumulative share passes u; past them all: leave.
            step = int(np.searchsorted(cumulative, rng.random(), side="right"))
            if step == len(targets):
                break
            here = targets[step]
            path.append(here)
        paths[tuple(path)] += 1
    return visits, paths


# The graph ----------------------------------------------------------------------------------


def test_networkx_graph_carries_touchpoints_and_shares(pizza):
    graph = to_networkx(pizza)
    assert set(graph.nodes) == {tp.id for tp in pizza.touchpoints}
    assert graph.nodes["deliver"]["role"] == "courier"
    assert graph.edges["menu", "app_order"]["share"] == 0.55
    assert graph.number_of_edges() == len(pizza.transitions)


def test_exit_share_is_what_the_transitions_leave_over(pizza):
    leaving = exit_shares(pizza)
    assert leaving["menu"] == pytest.approx(1 - 0.35 - 0.55)
    assert leaving["tracking"] == 0
    assert leaving["feedback"] == pytest.approx(0.7)


# Flow ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_visits_solve_the_absorbing_chain(name):
    journey = load_journey(SAMPLES / f"{name}.json")
    flow = flow_table(journey, arrivals=1000).set_index("touchpoint")
    expected = solved_visits(journey, 1000)
    np.testing.assert_allclose(flow["visits"].loc[expected.index], expected, rtol=1e-9, atol=1e-9)
    assert flow["exits"].sum() == pytest.approx(1000)


def test_visits_match_a_monte_carlo_walk_through_the_loop(pizza):
    customers = 20_000
    visits, _ = walk(pizza, customers, np.random.default_rng(20240611))
    flow = flow_table(pizza, arrivals=customers).set_index("touchpoint")
    for tp, count in visits.items():
        # Visits per customer are bounded here (the reorder loop leaks ≥ 10 %); 5 % is > 5 SE.
        assert count == pytest.approx(flow.loc[tp, "visits"], rel=0.05), tp


def test_hand_worked_loop_between_two_touchpoints():
    # a ⇄ b half the time each way: visits to a are 1 + 1/4 + 1/16 + … = 4/3.
    flow = flow_table(chain([("a", "b", 0.5), ("b", "a", 0.5)], entries={"a": 1.0}), arrivals=3)
    visits = flow.set_index("touchpoint")["visits"]
    assert visits["a"] == pytest.approx(4)
    assert visits["b"] == pytest.approx(2)
    assert visits["c"] == 0


def test_reach_is_the_share_of_arrivals_who_pass_at_least_once(pizza):
    reach = flow_table(pizza).set_index("touchpoint")["reach"]
    assert reach["ad"] == pytest.approx(0.7)
    # Everybody entering at the menu plus the 60 % of ad viewers who go on; reorders add visits,
    # not people.
    assert reach["menu"] == pytest.approx(0.3 + 0.7 * 0.6)
    assert reach["kitchen"] == pytest.approx(0.72 * (0.35 * 0.97 + 0.55 * 0.95))


def test_customers_trapped_in_a_loop_without_exit_are_reported():
    journey = chain([("a", "b", 0.5), ("b", "c", 1.0), ("c", "b", 1.0)], entries={"a": 1.0})
    with pytest.raises(InvalidInput, match="'b', 'c' can never leave"):
        flow_table(journey)


def test_a_closed_loop_nobody_reaches_does_not_matter():
    journey = chain([("b", "c", 1.0), ("c", "b", 1.0)], entries={"a": 1.0})
    assert flow_table(journey).set_index("touchpoint")["visits"].to_dict() == {
        "a": 1000,
        "b": 0,
        "c": 0,
    }


@pytest.mark.parametrize(
    "arrivals",
    [pytest.param(0, id="zero"), pytest.param(-5, id="negative"), pytest.param(np.inf, id="inf")],
)
def test_arrivals_must_be_a_positive_number(pizza, arrivals):
    with pytest.raises(InvalidInput, match="arrivals"):
        flow_table(pizza, arrivals=arrivals)


def test_unreachable_touchpoints_are_those_no_entry_leads_to():
    journey = chain([("a", "b", 0.5), ("c", "b", 0.5)], entries={"a": 1.0})
    assert unreachable(journey) == ["c"]
    assert unreachable(chain([("a", "b", 0.0)], entries={"a": 1.0})) == ["b", "c"]


def test_every_sample_touchpoint_is_reachable():
    for name in SAMPLE_NAMES:
        assert unreachable(load_journey(SAMPLES / f"{name}.json")) == [], name


# Paths --------------------------------------------------------------------------------------


def all_paths(journey: Journey) -> dict[tuple[str, ...], float]:
    """Depth-first enumeration of every path of an acyclic journey, for comparison."""
    leaving = exit_shares(journey)
    onward = {tp.id: [] for tp in journey.touchpoints}
    for t in journey.transitions:
        onward[t.source].append((t.target, t.share))
    found: dict[tuple[str, ...], float] = {}

    def extend(path, probability):
        if leaving[path[-1]] > 0:
            found[path] = probability * leaving[path[-1]]
        for target, share in onward[path[-1]]:
            extend((*path, target), probability * share)

    for tp, share in journey.entry_shares().items():
        extend((tp,), share)
    return found


def test_likely_paths_are_the_top_of_a_full_enumeration():
    journey = load_journey(SAMPLES / "retail_store.json")
    every = sorted(all_paths(journey).values(), reverse=True)
    paths = likely_paths(journey, k=10)
    assert sum(every) == pytest.approx(1)
    assert [p.probability for p in paths] == pytest.approx(every[:10])
    for p in paths:
        assert all_paths(journey)[p.touchpoints] == pytest.approx(p.probability)


def test_hand_worked_paths_with_entry_and_exit_shares():
    journey = chain([("a", "b", 0.6), ("a", "c", 0.3), ("b", "c", 0.25)], entries={"a": 1.0})
    got = [(p.touchpoints, p.probability) for p in likely_paths(journey, k=5)]
    assert got == [
        (("a", "b"), pytest.approx(0.6 * 0.75)),
        (("a", "c"), pytest.approx(0.3)),
        (("a", "b", "c"), pytest.approx(0.6 * 0.25)),
        (("a",), pytest.approx(0.1)),
    ]


def test_likely_paths_through_a_loop_match_a_monte_carlo_walk(pizza):
    customers = 20_000
    _, seen = walk(pizza, customers, np.random.default_rng(7))
    for path in likely_paths(pizza, k=4):
        share = seen[path.touchpoints] / customers
        standard_error = np.sqrt(path.probability * (1 - path.probability) / customers)
        assert abs(share - path.probability) < 5 * standard_error, path


def test_paths_may_go_round_a_loop():
    coffee = load_journey(SAMPLES / "coffee_loyalty.json")
    looping = [
        p for p in likely_paths(coffee, k=50) if len(set(p.touchpoints)) < len(p.touchpoints)
    ]
    assert looping


def test_paths_reaching_a_stage_skip_those_that_leave_before(pizza):
    paths = likely_paths(pizza, k=3, reaching="After")
    assert len(paths) == 3
    assert all({"feedback", "reorder"} & set(p.touchpoints) for p in paths)
    with pytest.raises(InvalidInput, match="'Later' is not one of the stages"):
        likely_paths(pizza, reaching="Later")


# Priority -----------------------------------------------------------------------------------


def test_priority_is_visits_times_importance_times_shortfall():
    journey = chain([("a", "b", 0.5), ("b", "c", 1.0)], entries={"a": 1.0})
    ratings = pd.DataFrame(
        {
            "touchpoint": ["a", "b", "b"],
            "expected": [4.0, 5.0, 5.0],
            "experienced": [6.0, 4.0, 3.0],  # a exceeds; b falls short by 1 and 2
            "importance": [3.0, 2.0, 2.0],
        }
    )
    table = priority_table(gap_table(journey, ratings), flow_table(journey, arrivals=100))
    got = table.set_index("touchpoint")
    assert got.loc["a", "priority"] == 0  # exceeding expectations leaves nothing to fix
    assert got.loc["b", "priority"] == pytest.approx(50 * 2 * 2.25 * 1.5)
    assert np.isnan(got.loc["c", "priority"])  # no ratings: unknown, not zero
    assert got["priority_share"].sum() == pytest.approx(1)


def test_priority_needs_the_tables_it_combines(pizza):
    with pytest.raises(ValueError, match="gap_table"):
        priority_table(pd.DataFrame({"touchpoint": []}), flow_table(pizza))


@pytest.mark.parametrize("name", sorted(p.stem for p in SAMPLES.glob("*.json")))
def test_most_likely_path_is_the_best_first_searchs_first_path(name):
    journey = load_journey(SAMPLES / f"{name}.json")
    for stage in (None, *journey.stages):
        fast = most_likely_path(journey, reaching=stage)
        searched = likely_paths(journey, k=1, reaching=stage)
        if not searched:
            assert fast is None
            continue
        assert fast.probability == pytest.approx(searched[0].probability)
        assert fast.touchpoints == searched[0].touchpoints


def test_most_likely_path_agrees_with_search_on_random_journeys_with_loops():
    rng = np.random.default_rng(17)
    for _ in range(40):
        size = int(rng.integers(3, 9))
        ids = [f"t{i}" for i in range(size)]
        transitions = []
        for i, source in enumerate(ids):
            targets = rng.choice(size, size=int(rng.integers(0, 3)), replace=False)
            shares = rng.dirichlet(np.ones(len(targets) + 1))[:-1] if len(targets) else []
            transitions += [
                (source, ids[t], round(float(share), 3))
                for t, share in zip(targets, shares, strict=True)
                if t != i
            ]
        journey = chain(transitions, ids=tuple(ids), entries={"t0": 1.0})
        fast = most_likely_path(journey)
        searched = likely_paths(journey, k=1)
        assert fast.probability == pytest.approx(searched[0].probability)
