"""Everything the insight pages and exports show about one journey, computed together.

The ratings are aggregated once, in the store (one SQL query, however many ratings there are),
and the gap table, scores, flow and priorities are all derived from those sums, so a chart and
the table beside it never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from journeymap.gaps import (
    DEFAULT_RECOVERY_RATIO,
    JourneyScores,
    gap_table,
    scores_from_gap_table,
)
from journeymap.graph import Path, flow_table, likely_paths, unreachable
from journeymap.model import Journey
from journeymap.priority import priority_table
from journeymap.prospect import DEFAULT_LOSS_AVERSION
from journeymap.store import Store


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the view to, and the behavioural assumptions they chose."""

    segments: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    loss_aversion: float = DEFAULT_LOSS_AVERSION
    curvature: float | None = None
    recovery_ratio: float = DEFAULT_RECOVERY_RATIO

    def describe(self) -> tuple[str, ...]:
        """Human-readable notes for chart captions and slide footers."""
        return describe_filters(segments=self.segments, roles=self.roles)


def describe_filters(
    *, segments: Sequence[str] | None = None, roles: Sequence[str] | None = None
) -> tuple[str, ...]:
    """Filters as short notes for slide footers ("segments: walk-in")."""
    notes = []
    if segments:
        notes.append("segments: " + ", ".join(segments))
    if roles:
        notes.append("roles: " + ", ".join(roles))
    return tuple(notes)


@dataclass(frozen=True)
class Analysis:
    journey: Journey
    filters: Filters
    gaps: pd.DataFrame
    scores: JourneyScores
    flow: pd.DataFrame
    priority: pd.DataFrame
    paths: list[Path]
    unreachable: list[str]
    respondents: int

    @property
    def ratings(self) -> int:
        return int(self.gaps["n"].sum())

    @property
    def has_ratings(self) -> bool:
        return self.ratings > 0


def analyse(
    store: Store,
    journey: Journey,
    *,
    filters: Filters = Filters(),  # noqa: B008 - frozen, so a shared default is safe
    arrivals: float = 1000,
    paths: int = 5,
) -> Analysis:
    """Gap table, scores, flow, likely paths and priorities of a stored journey's ratings."""
    segments = list(filters.segments) or None
    sums = store.rating_sums(journey.id, curvature=filters.curvature, segments=segments)
    options = {
        "loss_aversion": filters.loss_aversion,
        "curvature": filters.curvature,
        "recovery_ratio": filters.recovery_ratio,
        "roles": list(filters.roles) or None,
    }
    gaps = gap_table(journey, sums, **options)
    flow = flow_table(journey, arrivals=arrivals)
    return Analysis(
        journey=journey,
        filters=filters,
        gaps=gaps,
        scores=scores_from_gap_table(journey, gaps),
        flow=flow,
        priority=priority_table(gaps, flow),
        paths=likely_paths(journey, k=paths),
        unreachable=unreachable(journey),
        respondents=store.respondent_count(journey.id, segments=segments),
    )
