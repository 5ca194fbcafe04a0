"""The journey as a graph: where customers go next, how often each touchpoint meets them, and
the paths they most likely take.

The transitions form an absorbing Markov chain: from a touchpoint, `share` of the customers
move on along each transition and the rest (1 − Σ shares) leave the journey there. Loops such as
reorder → menu are allowed as long as customers can leave somewhere along them.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from journeymap.errors import InvalidInput
from journeymap.model import SHARE_TOLERANCE, Journey

FLOW_COLUMNS = (
    "touchpoint",
    "visits",
    "exits",
    "reach",
    "entries",
    "exit_share",
    "name",
    "stage",
    "lane",
)
#: The virtual start and end of every path; touchpoint ids can't contain angle brackets.
_ARRIVE, _LEAVE = "<arrive>", "<leave>"
#: Best-first search stops after this many partial paths, in case a loop leaks almost nothing.
MAX_PATH_EXPANSIONS = 200_000


@dataclass(frozen=True)
class Path:
    """A complete path from an entry to leaving, and the share of arrivals who take it."""

    touchpoints: tuple[str, ...]
    probability: float

    def __str__(self) -> str:
        return f"{' → '.join(self.touchpoints)} ({self.probability:.1%})"


def to_networkx(journey: Journey) -> nx.DiGraph:
    """Touchpoints as nodes (with their attributes), transitions as edges with `share`.

    >>> from journeymap.model import Journey
    >>> j = Journey(name="J", stages=["S"], touchpoints=[
    ...     {"id": "a", "name": "A", "stage": "S"}, {"id": "b", "name": "B", "stage": "S"}],
    ...     transitions=[{"from": "a", "to": "b", "share": 0.5}])
    >>> to_networkx(j).edges["a", "b"]["share"]
    0.5
    """
    graph = nx.DiGraph(id=journey.id, name=journey.name, entries=journey.entry_shares())
    for tp in journey.ordered_touchpoints():
        graph.add_node(tp.id, **tp.model_dump(mode="json", exclude={"id"}))
    for transition in journey.transitions:
        graph.add_edge(transition.source, transition.target, share=transition.share)
    return graph


def exit_shares(journey: Journey) -> dict[str, float]:
    """Share of the customers at each touchpoint who leave the journey there."""
    leaving = {tp.id: 1.0 for tp in journey.touchpoints}
    for transition in journey.transitions:
        leaving[transition.source] -= transition.share
    # 1/3 + 1/3 + 1/3 typed by a person is a full split, not a 1e-16 leak.
    return {tp: 0.0 if share <= SHARE_TOLERANCE else share for tp, share in leaving.items()}


def unreachable(journey: Journey) -> list[str]:
    """Touchpoints no arriving customer can get to (transitions of share 0 lead nowhere)."""
    reached = _reachable(journey)
    return [tp.id for tp in journey.ordered_touchpoints() if tp.id not in reached]


def flow_table(journey: Journey, *, arrivals: float = 1000) -> pd.DataFrame:
    """Expected visits and exits per touchpoint for `arrivals` customers, loops included.

    visits = arrivals · entries · (I − Q)⁻¹ over the transition shares Q; `reach` is the share
    of arrivals who pass a touchpoint at least once; the exits add up to `arrivals`.
    """
    if not (arrivals > 0 and math.isfinite(arrivals)):
        raise InvalidInput.single("flow", "arrivals", f"must be a positive number, got {arrivals}")
    ordered = journey.ordered_touchpoints()
    ids = [tp.id for tp in ordered]
    position = {tp_id: i for i, tp_id in enumerate(ids)}
    leaving = exit_shares(journey)
    reachable = _reachable(journey)
    _check_customers_can_leave(journey, leaving, reachable)
    reached = [position[tp] for tp in reachable]

    q = np.zeros((len(ids), len(ids)))
    for transition in journey.transitions:
        q[position[transition.source], position[transition.target]] = transition.share
    entries = np.zeros(len(ids))
    for tp_id, share in journey.entry_shares().items():
        entries[position[tp_id]] = share

    visits, reach = np.zeros(len(ids)), np.zeros(len(ids))
    if reached:
        r = np.array(sorted(reached))
        # The fundamental matrix N = (I − Q)⁻¹: N[i, j] is the expected number of visits to j
        # of a customer starting at i, and N[j, j] the visits to j of one who is already there.
        fundamental = np.linalg.inv(np.eye(len(r)) - q[np.ix_(r, r)])
        per_arrival = entries[r] @ fundamental
        visits[r] = arrivals * per_arrival
        reach[r] = per_arrival / np.diag(fundamental)
    exit_share = np.array([leaving[tp_id] for tp_id in ids])
    return pd.DataFrame(
        {
            "touchpoint": ids,
            "visits": visits,
            "exits": visits * exit_share,
            "reach": np.clip(reach, 0.0, 1.0),
            "entries": arrivals * entries,
            "exit_share": exit_share,
            "name": [tp.name for tp in ordered],
            "stage": [tp.stage for tp in ordered],
            "lane": [tp.lane.value for tp in ordered],
        },
        columns=list(FLOW_COLUMNS),
    )


def likely_paths(journey: Journey, *, k: int = 5, reaching: str | None = None) -> list[Path]:
    """The k most likely complete paths, most likely first (best-first search; loops allowed).

    A path's probability is its entry share × the shares along it × the exit share at its end.
    Every step multiplies by a share ≤ 1, so a partial path is never less likely than any of
    its completions, and completed paths come off the queue in order of probability.
    `reaching` (a stage) keeps only paths that pass one of that stage's touchpoints.
    """
    if k < 1:
        return []
    if reaching is not None and reaching not in journey.stages:
        raise InvalidInput.single("paths", "reaching", f"{reaching!r} is not one of the stages")
    wanted = {tp.id for tp in journey.touchpoints if reaching is None or tp.stage == reaching}
    leaving = exit_shares(journey)
    onward: dict[str, list[tuple[str, float]]] = {tp.id: [] for tp in journey.touchpoints}
    for transition in journey.transitions:
        if transition.share > 0:
            onward[transition.source].append((transition.target, transition.share))
    order = 0  # ties leave the queue in the order they entered: entries, then file order
    queue: list[tuple[float, int, tuple[str, ...], bool]] = []
    for tp_id, share in journey.entry_shares().items():
        if share > 0:
            queue.append((-share, order := order + 1, (tp_id,), False))
    heapq.heapify(queue)
    found: list[Path] = []
    for _ in range(MAX_PATH_EXPANSIONS):
        if not queue or len(found) == k:
            break
        negative, _, path, complete = heapq.heappop(queue)
        if complete:
            if not wanted.isdisjoint(path):
                found.append(Path(path, -negative))
            continue
        last = path[-1]
        if leaving[last] > 0:
            heapq.heappush(queue, (negative * leaving[last], order := order + 1, path, True))
        for target, share in onward[last]:
            heapq.heappush(queue, (negative * share, order := order + 1, (*path, target), False))
    return found


def most_likely_path(journey: Journey, *, reaching: str | None = None) -> Path | None:
    """The single most likely complete path (through a touchpoint of stage `reaching`), fast.

    Shares are probabilities, so with weights −log(share) ≥ 0 the most likely path is a
    shortest path: the best path through a touchpoint is the best way in to it followed by the
    best way out of it, two Dijkstra runs however large the journey. Same answer as
    `likely_paths(journey, k=1, reaching=...)`, whose best-first search can take seconds on a
    journey of hundreds of touchpoints where few paths reach the end.
    """
    if reaching is not None and reaching not in journey.stages:
        raise InvalidInput.single("paths", "reaching", f"{reaching!r} is not one of the stages")
    graph = nx.DiGraph()
    for tp_id, share in journey.entry_shares().items():
        if share > 0:
            graph.add_edge(_ARRIVE, tp_id, weight=-math.log(share))
    for transition in journey.transitions:
        if transition.share > 0:
            graph.add_edge(transition.source, transition.target, weight=-math.log(transition.share))
    for tp_id, share in exit_shares(journey).items():
        if share > 0:
            graph.add_edge(tp_id, _LEAVE, weight=-math.log(share))
    if _ARRIVE not in graph or _LEAVE not in graph:
        return None
    way_in, paths_in = nx.single_source_dijkstra(graph, _ARRIVE)
    way_out, paths_out = nx.single_source_dijkstra(graph.reverse(copy=False), _LEAVE)
    wanted = [tp.id for tp in journey.ordered_touchpoints() if reaching in (None, tp.stage)]
    through = [tp for tp in wanted if tp in way_in and tp in way_out]
    if not through:
        return None
    best = min(through, key=lambda tp: way_in[tp] + way_out[tp])
    steps = paths_in[best][1:] + paths_out[best][::-1][1:-1]
    return Path(tuple(steps), math.exp(-(way_in[best] + way_out[best])))


def _reachable(journey: Journey) -> set[str]:
    onward: dict[str, list[str]] = {tp.id: [] for tp in journey.touchpoints}
    for transition in journey.transitions:
        if transition.share > 0:
            onward[transition.source].append(transition.target)
    starts = [tp for tp, share in journey.entry_shares().items() if share > 0]
    return _search(onward, starts)


def _check_customers_can_leave(
    journey: Journey, leaving: dict[str, float], reachable: set[str]
) -> None:
    """Customers caught in a loop with no way out would visit it forever: say where."""
    backward: dict[str, list[str]] = {tp.id: [] for tp in journey.touchpoints}
    for transition in journey.transitions:
        if transition.share > 0:
            backward[transition.target].append(transition.source)
    can_leave = _search(backward, [tp for tp, share in leaving.items() if share > 0])
    trapped = [
        tp.id
        for tp in journey.ordered_touchpoints()
        if tp.id in reachable and tp.id not in can_leave
    ]
    if trapped:
        raise InvalidInput.single(
            f"journey {journey.id!r}",
            "transitions",
            f"customers who reach {', '.join(repr(t) for t in trapped)} can never leave: the "
            "shares out of them add up to 1 and lead back in a loop; lower one of them so "
            "some customers leave",
        )


def _search(neighbours: dict[str, list[str]], starts: list[str]) -> set[str]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        for nxt in neighbours[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
