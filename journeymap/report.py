"""What an export shows: one journey's figures under the current filters, computed once.

The deck, the images and the CSV files all read the same `Report`, so a slide and the CSV beside
it never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from journeymap.analysis import describe_filters
from journeymap.errors import InvalidInput
from journeymap.gaps import DEFAULT_RECOVERY_RATIO, GAP_COLUMNS, gap_table
from journeymap.graph import flow_table
from journeymap.model import Journey, Lever, Promise
from journeymap.prospect import DEFAULT_LOSS_AVERSION
from journeymap.simulate import DEFAULT_DRAWS, SEED, sweep_promise


@dataclass(frozen=True)
class Report:
    """A journey with its gap table and, when a lever is chosen, that lever's promise sweep.

    `gaps` has the columns of `gaps.gap_table` (one row per touchpoint); `sweep` those of
    `simulate.sweep` for `promise`; `flow` those of `graph.flow_table`.
    """

    journey: Journey
    gaps: pd.DataFrame
    ratings: int
    respondents: int | None = None
    created: date = field(default_factory=date.today)
    promise: Promise | None = None
    sweep: pd.DataFrame | None = None
    flow: pd.DataFrame | None = None
    filters: tuple[str, ...] = ()
    loss_aversion: float = DEFAULT_LOSS_AVERSION
    recovery_ratio: float = DEFAULT_RECOVERY_RATIO
    #: What could not be included and why, for the user to read (CLI warnings, title notes).
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        missing = [c for c in GAP_COLUMNS if c not in self.gaps.columns]
        if missing:
            raise ValueError(
                f"the gap table lacks column(s) {', '.join(missing)}; "
                "exports need one row per touchpoint (gap_table without `by`)"
            )
        if (self.sweep is None) != (self.promise is None):
            raise ValueError("a promise sweep needs its promise, and a promise its sweep")

    def name_of(self, touchpoint_id: str) -> str:
        try:
            return self.journey.touchpoint(touchpoint_id).name
        except KeyError:
            return touchpoint_id


def build_report(
    journey: Journey,
    ratings: pd.DataFrame,
    *,
    segments: Sequence[str] | None = None,
    roles: Sequence[str] | None = None,
    lever: Lever | str | None = None,
    loss_aversion: float = DEFAULT_LOSS_AVERSION,
    curvature: float | None = None,
    recovery_ratio: float = DEFAULT_RECOVERY_RATIO,
    rng: np.random.Generator | None = None,
    draws: int = DEFAULT_DRAWS,
    arrivals: float = 1000,
    created: date | None = None,
) -> Report:
    """Gap table, flow and the promise sweep of `lever` (default: the journey's chosen lever)
    for a canonical ratings frame (`journeymap.ratings`), under the given filters."""
    gaps = gap_table(journey, ratings, segments=segments, roles=roles,
                     loss_aversion=loss_aversion, curvature=curvature,
                     recovery_ratio=recovery_ratio)  # fmt: skip
    flow, notes = None, []
    try:
        flow = flow_table(journey, arrivals=arrivals)
    except InvalidInput as exc:
        # A loop customers cannot leave has no finite flow; the gaps and the deck still stand.
        notes.append(f"no flow table or flow chart: {exc}")
    report = report_from_gaps(
        journey,
        gaps,
        respondents=count_respondents(ratings, gaps, segments=segments),
        flow=flow,
        filters=describe_filters(segments=segments, roles=roles),
        lever=lever,
        loss_aversion=loss_aversion,
        recovery_ratio=recovery_ratio,
        rng=rng,
        draws=draws,
        created=created,
    )
    return replace(report, notes=(*report.notes, *notes))


def report_from_gaps(
    journey: Journey,
    gaps: pd.DataFrame,
    *,
    respondents: int | None = None,
    flow: pd.DataFrame | None = None,
    filters: Sequence[str] = (),
    lever: Lever | str | None = None,
    loss_aversion: float = DEFAULT_LOSS_AVERSION,
    recovery_ratio: float = DEFAULT_RECOVERY_RATIO,
    rng: np.random.Generator | None = None,
    draws: int = DEFAULT_DRAWS,
    created: date | None = None,
) -> Report:
    """A report from a gap table computed elsewhere (the app aggregates ratings in the store),
    with the promise sweep of `lever` (default: the journey's chosen lever) added. Without
    `rng` the sweep draws from `simulate.SEED`, as the lever page does, so they agree."""
    promise = chosen_promise(journey, lever)
    sweep = None
    if promise is not None:
        generator = rng if rng is not None else np.random.default_rng(SEED)
        sweep = sweep_promise(promise, rng=generator, draws=draws, loss_aversion=loss_aversion)
    return Report(
        journey=journey,
        gaps=gaps,
        ratings=int(gaps["n"].sum()),
        respondents=respondents,
        created=created or date.today(),
        promise=promise,
        sweep=sweep,
        flow=flow,
        filters=tuple(filters),
        loss_aversion=loss_aversion,
        recovery_ratio=recovery_ratio,
    )


def chosen_promise(journey: Journey, lever: Lever | str | None = None) -> Promise | None:
    """The first promise on `lever` (default: the journey's chosen lever), if any."""
    chosen = Lever(lever) if lever is not None else journey.lever
    return next((p for p in journey.promises if p.lever is chosen), None)


def count_respondents(
    ratings: pd.DataFrame, gaps: pd.DataFrame, *, segments: Sequence[str] | None = None
) -> int | None:
    """Distinct respondents behind the shown ratings; None when the ratings name nobody."""
    if "respondent" not in ratings.columns:
        return None
    shown = ratings[ratings["touchpoint"].isin(gaps["touchpoint"])]
    if segments:
        shown = shown[shown["segment"].isin(list(segments))]
    named = shown["respondent"].dropna().astype(str).str.strip()
    named = named[named != ""]
    if named.empty and not (ratings["respondent"].astype(str).str.strip() != "").any():
        return None
    return int(named.nunique())
