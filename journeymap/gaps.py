"""Expectation gaps per touchpoint and for the whole journey: the numbers behind every chart.

gap = experienced − expected (SERVQUAL's P − E; negative is a shortfall). Every figure is
derived from the additive sums of `journeymap.gap_sums`, so a table can come from a ratings
frame, a Parquet file or one SQL aggregate in the store, and grouping is adding sums up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from journeymap.errors import InvalidInput
from journeymap.gap_sums import (
    SUM_COLUMNS,
    RatingsInput,
    check_curvature,
    rating_sums,
)
from journeymap.graph import most_likely_path
from journeymap.model import Dimension, Journey, Lane
from journeymap.prospect import DEFAULT_LOSS_AVERSION

__all__ = [
    "DEFAULT_RECOVERY_RATIO",
    "GAP_COLUMNS",
    "GROUPINGS",
    "QUADRANTS",
    "JourneyScores",
    "gap_table",
    "journey_scores",
    "rating_sums",
    "remembered_path",
    "scores_from_gap_table",
]

#: "It takes 12 positive experiences to make up for one negative one" (the source articles).
DEFAULT_RECOVERY_RATIO = 12.0
CONFIDENCE = 0.95
GAP_COLUMNS = (
    "touchpoint",
    "stage",
    "n",
    "expected_mean",
    "experienced_mean",
    "gap_mean",
    "gap_ci_low",
    "gap_ci_high",
    "shortfall_share",
    "loss_adjusted_gap",
    "recovery_debt",
    "importance",
    "quadrant",
)
GROUPINGS = ("stage", "dimension", "role", "lane", "segment")
#: Importance–performance analysis (Martilla & James 1977), keyed by (important, performing).
QUADRANTS = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}
_TOUCHPOINT_EXTRAS = ("name", "lane", "role", "dimension", "msa", "mss", "zone")
_GROUP_EXTRAS = ("touchpoints", "msa", "mss", "zone")

RatingsOrSums = RatingsInput


def gap_table(
    journey: Journey,
    ratings_or_sums: RatingsOrSums,
    *,
    by: str | None = None,
    loss_aversion: float = DEFAULT_LOSS_AVERSION,
    curvature: float | None = None,
    recovery_ratio: float = DEFAULT_RECOVERY_RATIO,
    segments: Sequence[str] | None = None,
    roles: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per touchpoint in journey order (or per group with `by`), the issue's columns first.

    `ratings_or_sums` is a ratings frame (or Arrow data), or a sums frame from
    `rating_sums` / `Store.rating_sums`. Means are over the rows with both values, so
    gap_mean == experienced_mean − expected_mean. Touchpoints without ratings keep their row
    with n = 0 and NaN figures; their importance is their weight. `segments` keeps the ratings
    of those segments, `roles` the touchpoints owned by those roles (None or empty keeps all).
    Sums for touchpoints the journey no longer has (a stored journey edited after its ratings
    came in) are left out.
    """
    _check_options(by, loss_aversion, curvature, recovery_ratio)
    alpha = check_curvature(curvature)
    sums = _sums(journey, ratings_or_sums, alpha, by == "segment", segments)
    touchpoints = _touchpoint_frame(journey, roles)
    sums = sums[sums["touchpoint"].isin(touchpoints.index)]
    weight = sums["touchpoint"].map(touchpoints["weight"]).astype(float)
    summable = sums[list(SUM_COLUMNS)].copy()
    # A rating without its own importance counts with the touchpoint's weight.
    summable["sum_importance"] += weight * (sums["n"] - sums["n_importance"])

    if by is None:
        totals = summable.groupby(sums["touchpoint"]).sum()
        totals = totals.reindex(touchpoints.index, fill_value=0)
        fallback = touchpoints["weight"]
    elif by == "segment":
        totals = summable.groupby(sums["segment"]).sum()
        fallback = pd.Series(touchpoints["weight"].mean(), index=totals.index)
    else:
        labels = touchpoints[by]
        totals = summable.groupby(sums["touchpoint"].map(labels)).sum()
        order = _group_order(journey, by, labels)
        totals = totals.reindex(order, fill_value=0)
        fallback = touchpoints.groupby(by)["weight"].mean().reindex(order)

    table = _figures(totals, fallback, loss_aversion=loss_aversion, recovery_ratio=recovery_ratio)
    if by is None:
        info = touchpoints.reindex(table.index)
        table.insert(0, "touchpoint", table.index)
        table.insert(1, "stage", info["stage"])
        for column in ("name", "lane", "role", "dimension"):
            table[column] = info[column]
        columns = [*GAP_COLUMNS, *_TOUCHPOINT_EXTRAS]
    else:
        table.insert(0, by, table.index)
        counts = touchpoints.groupby(by).size() if by != "segment" else None
        table["touchpoints"] = (
            counts.reindex(table.index).fillna(0).astype("int64")
            if counts is not None
            else _rated_touchpoints(sums, table.index)
        )
        columns = [by, *GAP_COLUMNS[2:], *_GROUP_EXTRAS]
    table = table.reset_index(drop=True)[columns]
    return table.astype({"n": "int64"})


@dataclass(frozen=True)
class JourneyScores:
    """The journey in a few numbers; each touchpoint counts once, as a SERVQUAL item does.

    `peak_end_score` is what the peak–end rule (Kahneman) says customers remember of the
    `remembered_path`: the mean of the gap at its most intense rated touchpoint and at its last
    rated touchpoint.
    """

    mean_gap: float
    weighted_gap: float
    loss_adjusted_score: float
    peak_end_score: float
    peak_touchpoint: str | None
    end_touchpoint: str | None
    path: tuple[str, ...]
    recovery_debt: float
    dimension_gaps: dict[str, float] = field(default_factory=dict)
    ratings: int = 0
    rated_touchpoints: int = 0

    def as_dict(self) -> dict[str, object]:
        """Plain values for JSON: NaN as None, the path as a list."""
        data = asdict(self)
        data["path"] = list(self.path)
        data["dimension_gaps"] = {k: _finite(v) for k, v in self.dimension_gaps.items()}
        return {k: _finite(v) if isinstance(v, float) else v for k, v in data.items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per score (`score`, `value`, `about`), for tables and CSV."""
        path = " → ".join(self.path)
        rows = [
            ("mean gap", self.mean_gap, "unweighted mean of the touchpoint gaps"),
            ("weighted gap", self.weighted_gap, "importance-weighted mean of the touchpoint gaps"),
            ("loss-adjusted score", self.loss_adjusted_score, "mean loss-adjusted gap"),
            (
                "peak-end score",
                self.peak_end_score,
                f"peak {self.peak_touchpoint or '–'}, end {self.end_touchpoint or '–'}; {path}",
            ),
            ("recovery debt", self.recovery_debt, "positive experiences still owed"),
        ]
        rows += [
            (f"{dimension} gap", value, "mean gap of its touchpoints")
            for dimension, value in self.dimension_gaps.items()
        ]
        return pd.DataFrame(rows, columns=["score", "value", "about"])


def journey_scores(
    journey: Journey,
    ratings_or_sums: RatingsOrSums,
    *,
    loss_aversion: float = DEFAULT_LOSS_AVERSION,
    curvature: float | None = None,
    recovery_ratio: float = DEFAULT_RECOVERY_RATIO,
    segments: Sequence[str] | None = None,
    roles: Sequence[str] | None = None,
) -> JourneyScores:
    """Unweighted, importance-weighted and loss-adjusted mean gaps, peak–end, recovery debt and
    the five SERVQUAL dimension gaps, all over the rated touchpoints."""
    table = gap_table(
        journey,
        ratings_or_sums,
        loss_aversion=loss_aversion,
        curvature=curvature,
        recovery_ratio=recovery_ratio,
        segments=segments,
        roles=roles,
    )
    return scores_from_gap_table(journey, table)


def scores_from_gap_table(journey: Journey, table: pd.DataFrame) -> JourneyScores:
    """`journey_scores` from a per-touchpoint `gap_table` already at hand."""
    rated = table[table["n"] > 0]
    weights = rated["importance"]
    path = remembered_path(journey)
    peak, end, peak_end = _peak_end(rated.set_index("touchpoint")["gap_mean"], path)
    by_dimension = rated.groupby("dimension")["gap_mean"].mean()
    return JourneyScores(
        mean_gap=_mean(rated["gap_mean"]),
        weighted_gap=float((weights * rated["gap_mean"]).sum() / weights.sum())
        if len(rated)
        else math.nan,
        loss_adjusted_score=_mean(rated["loss_adjusted_gap"]),
        peak_end_score=peak_end,
        peak_touchpoint=peak,
        end_touchpoint=end,
        path=path,
        recovery_debt=float(rated["recovery_debt"].sum()) if len(rated) else math.nan,
        dimension_gaps={d.value: float(by_dimension.get(d.value, math.nan)) for d in Dimension},
        ratings=int(table["n"].sum()),
        rated_touchpoints=len(rated),
    )


def remembered_path(journey: Journey) -> tuple[str, ...]:
    """The path the peak–end score follows: the most likely one through the last stage.

    Customers who see an ad and leave are often the single most likely path, but they have no
    journey to remember; so the path must reach the last stage that has touchpoints (if none
    can, the most likely path of all).
    """
    staged = {tp.stage for tp in journey.touchpoints}
    last = next((stage for stage in reversed(journey.stages) if stage in staged), None)
    path = most_likely_path(journey, reaching=last) or most_likely_path(journey)
    return path.touchpoints if path else ()


def _check_options(
    by: str | None, loss_aversion: float, curvature: float | None, recovery_ratio: float
) -> None:
    problems = []
    if by is not None and by not in GROUPINGS:
        problems.append(("by", f"{by!r} is not one of {', '.join(GROUPINGS)}"))
    if not (loss_aversion > 0 and math.isfinite(loss_aversion)):
        problems.append(("loss_aversion", f"must be a positive number, got {loss_aversion:g}"))
    if curvature is not None and not 0 < curvature <= 1:
        problems.append(("curvature", f"must lie in (0, 1], got {curvature:g}"))
    if not (recovery_ratio >= 0 and math.isfinite(recovery_ratio)):
        problems.append(("recovery_ratio", f"must be zero or more, got {recovery_ratio:g}"))
    if problems:
        raise InvalidInput.single("gap analysis", *problems[0])


def _sums(
    journey: Journey,
    ratings_or_sums: RatingsOrSums,
    alpha: float,
    by_segment: bool,
    segments: Sequence[str] | None,
) -> pd.DataFrame:
    if not (isinstance(ratings_or_sums, pd.DataFrame) and "sum_gap" in ratings_or_sums):
        curvature = None if alpha == 1 else alpha
        wanted = segments or None
        return rating_sums(
            journey, ratings_or_sums, curvature=curvature, by_segment=by_segment, segments=wanted
        )
    sums = ratings_or_sums
    made_with = sums["curvature"].unique() if len(sums) else np.array([alpha])
    if not np.allclose(made_with, alpha):
        raise InvalidInput.single(
            "gap analysis",
            "curvature",
            f"the sums were made with α = {made_with[0]:g}, not {alpha:g}; "
            "compute them again with this curvature",
        )
    needs_segments = by_segment or bool(segments)
    if needs_segments and "segment" not in sums:
        raise InvalidInput.single(
            "gap analysis",
            "segment",
            "these sums are not split by segment; make them with by_segment=True",
        )
    if segments:
        sums = sums[sums["segment"].isin(list(segments))]
    return sums


def _touchpoint_frame(journey: Journey, roles: Sequence[str] | None) -> pd.DataFrame:
    """The touchpoints in journey order, with the attributes a table can group by."""
    frame = pd.DataFrame(
        [
            {
                "touchpoint": tp.id,
                "name": tp.name,
                "stage": tp.stage,
                "lane": tp.lane.value,
                "role": tp.role,
                "dimension": tp.dimension.value if tp.dimension else "",
                "weight": tp.importance,
            }
            for tp in journey.ordered_touchpoints()
        ],
        columns=["touchpoint", "name", "stage", "lane", "role", "dimension", "weight"],
    ).set_index("touchpoint")
    if roles:
        frame = frame[frame["role"].isin(list(roles))]
    return frame.astype(dict.fromkeys(("name", "stage", "lane", "role", "dimension"), str))


def _group_order(journey: Journey, by: str, labels: pd.Series) -> list[str]:
    """Groups in the order people read them: stages as listed, lanes top to bottom, …"""
    present = list(dict.fromkeys(labels))
    canonical = {
        "stage": journey.stages,
        "lane": [lane.value for lane in Lane],
        "dimension": [d.value for d in Dimension],
    }.get(by)
    if canonical is None:
        return present
    return [g for g in canonical if g in present] + [g for g in present if g not in canonical]


def _rated_touchpoints(sums: pd.DataFrame, segments: pd.Index) -> pd.Series:
    rated = sums[sums["n"] > 0].groupby("segment")["touchpoint"].nunique()
    return rated.reindex(segments).fillna(0).astype("int64")


def _figures(
    totals: pd.DataFrame, fallback: pd.Series, *, loss_aversion: float, recovery_ratio: float
) -> pd.DataFrame:
    """The issue's figures from summed statistics, one row per touchpoint or group."""
    n = totals["n"].astype("int64")
    rated = n.where(n > 0)  # NaN where there are no rows: 0/0 becomes NaN quietly
    out = pd.DataFrame(index=totals.index)
    out["n"] = n
    out["expected_mean"] = totals["sum_expected"] / rated
    out["experienced_mean"] = totals["sum_experienced"] / rated
    out["gap_mean"] = out["experienced_mean"] - out["expected_mean"]
    pairs = n.where(n > 1)
    variance = (totals["sum_gap_squared"] - totals["sum_gap"] ** 2 / pairs) / (pairs - 1)
    # Rounding can leave a hair below zero when every gap is the same.
    half_width = _t_quantile(pairs - 1) * np.sqrt(variance.clip(lower=0) / pairs)
    out["gap_ci_low"] = out["gap_mean"] - half_width
    out["gap_ci_high"] = out["gap_mean"] + half_width
    out["shortfall_share"] = totals["n_shortfall"] / rated
    out["loss_adjusted_gap"] = (
        totals["sum_gain_value"] - loss_aversion * totals["sum_loss_value"]
    ) / rated
    debt = (recovery_ratio * totals["n_shortfall"] - totals["n_exceed"]).clip(lower=0)
    out["recovery_debt"] = debt.astype(float).where(n > 0)
    out["importance"] = (totals["sum_importance"] / rated).fillna(fallback.reindex(out.index))
    out["quadrant"] = _quadrants(out["importance"], out["experienced_mean"], n > 0)
    out["msa"] = totals["sum_msa"] / totals["n_msa"].where(totals["n_msa"] > 0)
    out["mss"] = totals["sum_mss"] / totals["n_mss"].where(totals["n_mss"] > 0)
    out["zone"] = _zones(out["msa"], out["mss"])
    return out


def _t_quantile(degrees_of_freedom: pd.Series) -> pd.Series:
    df = degrees_of_freedom.to_numpy(dtype=float)
    quantile = np.full(len(df), np.nan)
    ok = np.isfinite(df)
    quantile[ok] = stats.t.ppf(0.5 + CONFIDENCE / 2, df[ok])
    return pd.Series(quantile, index=degrees_of_freedom.index)


def _quadrants(importance: pd.Series, performance: pd.Series, rated: pd.Series) -> pd.Series:
    """Cross-hairs at the means over the rated rows; a value on a cross-hair counts as high."""
    if not rated.any():
        return pd.Series(None, index=importance.index, dtype=object)
    high_importance = _at_least(importance, importance[rated].mean())
    high_performance = _at_least(performance, performance[rated].mean())
    labels = [
        QUADRANTS[(hi, hp)] if ok else None
        for hi, hp, ok in zip(high_importance, high_performance, rated, strict=True)
    ]
    return pd.Series(labels, index=importance.index, dtype=object)


def _at_least(values: pd.Series, mean: float) -> pd.Series:
    # The mean of equal values can land an ulp above them; they still sit on the cross-hair.
    return values >= mean - 1e-9 * max(1.0, abs(mean))


def _zones(msa: pd.Series, mss: pd.Series) -> pd.Series:
    """Position against the zone of tolerance between the adequate and the desired level."""
    zone = np.select(
        [msa < 0, mss > 0, (msa >= 0) & (mss <= 0)], ["below", "above", "within"], default=""
    )
    return pd.Series([z or None for z in zone], index=msa.index, dtype=object)


def _peak_end(gaps: pd.Series, path: tuple[str, ...]) -> tuple[str | None, str | None, float]:
    on_path = [tp for tp in dict.fromkeys(path) if tp in gaps.index and np.isfinite(gaps[tp])]
    if not on_path:
        return None, None, math.nan
    # Most intense: the largest gap either way; on a tie the shortfall, which weighs more.
    peak = max(on_path, key=lambda tp: (abs(gaps[tp]), gaps[tp] < 0))
    end = [tp for tp in path if tp in on_path][-1]
    return peak, end, float((gaps[peak] + gaps[end]) / 2)


def _mean(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else math.nan


def _finite(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value
