"""Promise-margin simulations: how often a promise is kept, beaten or missed, and what it is worth.

Promise the pizza in 60 minutes and deliver in 45, rather than promise 30 and deliver in the
same 45 (DOMAIN.md §3). A promise is a level on one lever — time, cost (lower is better) or
service (higher is better) — and a distribution of what is actually delivered. The margin is
promised − delivered for time and cost (positive = early / cheaper) and delivered − promised
for service (positive = an upgrade).

Randomness is injected (`rng`). A sweep draws once, sorts once, and answers every promised
value with `searchsorted` and prefix sums, so 200 promised values cost little more than one.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from journeymap.economics import Economics
from journeymap.errors import InvalidInput
from journeymap.model import (
    Delivered,
    Discrete,
    Empirical,
    Journey,
    Lever,
    LogNormal,
    Normal,
    Promise,
    Triangular,
)
from journeymap.prospect import DEFAULT_LOSS_AVERSION, value

#: z of the 90th percentile: a lognormal's sigma is ln(p90 / median) / Z90.
Z90 = NormalDist().inv_cdf(0.9)
DEFAULT_DRAWS = 200_000
#: The seed of every sweep shown to people: the lever page, the deck and the CLI's export show
#: the same recommended promise, and moving a slider and back gives the same figures.
SEED = 20_250_501
DEFAULT_DELIGHT_THRESHOLD = 0.10
SWEEP_COLUMNS = (
    "promise",
    "p_met",
    "p_delight",
    "mean_margin",
    "mean_shortfall",
    "satisfaction",
    "conversion",
    "retention",
    "value_per_1000",
    "recommended",
)
_SOURCE = "simulation"


def draw(delivered: Delivered, size: int, *, rng: np.random.Generator) -> np.ndarray:
    """`size` delivered levels drawn from the distribution (empirical values are resampled)."""
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    match delivered:
        case LogNormal(median=median):
            return rng.lognormal(np.log(median), lognormal_sigma(delivered), size)
        case Normal(mean=mean, sd=sd):
            return rng.normal(mean, sd, size)
        case Triangular(min=low, mode=mode, max=high):
            return rng.triangular(low, mode, high, size)
        case Empirical(values=values):
            return rng.choice(np.asarray(values, dtype=float), size)
        case Discrete(levels=levels, probabilities=probabilities):
            # The model accepts sums within 1e-6 of 1; numpy wants them closer.
            p = np.asarray(probabilities, dtype=float)
            return rng.choice(np.asarray(levels, dtype=float), size, p=p / p.sum())
    raise TypeError(f"not a delivered distribution: {delivered!r}")


def lognormal_sigma(delivered: LogNormal) -> float:
    return float(np.log(delivered.p90 / delivered.median) / Z90)


def typical_level(delivered: Delivered) -> float:
    """The median delivered level: the default reference promise and satisfaction scale."""
    match delivered:
        case LogNormal(median=median):
            return median
        case Normal(mean=mean):
            return mean
        case Triangular(min=a, mode=c, max=b):
            if c >= (a + b) / 2:
                return a + float(np.sqrt((b - a) * (c - a) / 2))
            return b - float(np.sqrt((b - a) * (b - c) / 2))
        case Empirical(values=values):
            return float(np.median(values))
        case Discrete(levels=levels, probabilities=probabilities):
            order = np.argsort(levels)
            cumulative = np.cumsum(np.asarray(probabilities, dtype=float)[order])
            return float(np.asarray(levels)[order][np.searchsorted(cumulative, 0.5 - 1e-12)])
    raise TypeError(f"not a delivered distribution: {delivered!r}")


def sweep(
    lever: Lever | str,
    delivered: Delivered,
    promised_values: npt.ArrayLike,
    *,
    rng: np.random.Generator,
    draws: int = DEFAULT_DRAWS,
    delight_threshold: float = DEFAULT_DELIGHT_THRESHOLD,
    loss_aversion: float = DEFAULT_LOSS_AVERSION,
    curvature: float | None = None,
    scale: float | None = None,
    economics: Economics | None = None,
) -> pd.DataFrame:
    """One row per promised value (ascending, deduplicated); columns `SWEEP_COLUMNS`.

    - p_met: delivered at or better than promised; p_delight: better by at least
      `delight_threshold` × |promise| (and strictly better, so a promise of 0 extras is not
      "beaten" by delivering 0);
    - mean_margin; mean_shortfall: mean amount a miss misses by, averaged over all draws;
    - satisfaction: mean of v(margin / scale), the loss-averse value of `prospect.value`
      (expectation–disconfirmation); `scale` defaults to the typical delivered level, so
      +0.33 reads "a third of a typical delivery early";
    - conversion, retention, value_per_1000 from `economics` (default `Economics()`);
      recommended marks the promise with the highest value_per_1000.

    >>> from journeymap.model import LogNormal
    >>> pizza = LogNormal(median=45, p90=60)
    >>> table = sweep("time", pizza, [30, 60], rng=np.random.default_rng(1))
    >>> table.loc[table.recommended, "promise"].item()
    60.0
    """
    return sweep_draws(
        lever,
        draw(delivered, draws, rng=rng),
        promised_values,
        delight_threshold=delight_threshold,
        loss_aversion=loss_aversion,
        curvature=curvature,
        scale=scale,
        economics=economics,
        typical=typical_level(delivered),
    )


def sweep_promise(
    promise: Promise,
    promised_values: npt.ArrayLike | None = None,
    *,
    rng: np.random.Generator,
    **options: Any,
) -> pd.DataFrame:
    """`sweep` for a journey's promise; by default over `default_promise_range(promise)`."""
    if promised_values is None:
        promised_values = np.union1d(default_promise_range(promise).values(), [promise.promised])
    return sweep(promise.lever, promise.delivered, promised_values, rng=rng, **options)


def sweep_draws(
    lever: Lever | str,
    draws: npt.ArrayLike,
    promised_values: npt.ArrayLike,
    *,
    delight_threshold: float = DEFAULT_DELIGHT_THRESHOLD,
    loss_aversion: float = DEFAULT_LOSS_AVERSION,
    curvature: float | None = None,
    scale: float | None = None,
    economics: Economics | None = None,
    typical: float | None = None,
) -> pd.DataFrame:
    """`sweep` on given delivered draws; `typical` defaults to their median."""
    lever = Lever(lever)
    economics = economics or Economics()
    promised = _promised_values(lever, promised_values)
    if not delight_threshold >= 0:
        raise InvalidInput.single(
            _SOURCE, "delight threshold", f"{delight_threshold:g} must be 0 or more"
        )
    ordered = np.sort(np.asarray(draws, dtype=float))
    if ordered.size == 0 or not np.isfinite(ordered).all():
        raise InvalidInput.single(_SOURCE, "delivered", "needs at least one finite value")
    if typical is None:
        typical = float(np.median(ordered))
    if scale is None:
        scale = abs(typical) or 1.0
    if not scale > 0:
        raise InvalidInput.single(_SOURCE, "scale", f"{scale:g} must be greater than 0")

    p_met, p_delight, mean_margin, mean_shortfall = _margin_statistics(
        lever, ordered, promised, delight_threshold
    )
    if curvature is None:
        # With α = 1, v is linear on each side of 0, so the mean of v(margin / scale) splits
        # into the mean gain and the mean loss: no pass over the draws per promise.
        gains = mean_margin + mean_shortfall
        satisfaction = value(gains / scale, loss_aversion=loss_aversion) + value(
            -mean_shortfall / scale, loss_aversion=loss_aversion
        )
    else:
        sign = 1.0 if lever.lower_is_better else -1.0
        satisfaction = np.array(
            [
                value(
                    sign * (p - ordered) / scale, loss_aversion=loss_aversion, curvature=curvature
                ).mean()
                for p in promised
            ]
        )

    reference = economics.reference_promise
    reference = typical if reference is None else reference
    if lever.lower_is_better and reference <= 0:
        raise InvalidInput.single(
            _SOURCE,
            "reference promise",
            f"{reference:g} is not a {lever.value} anyone would promise; conversion is measured "
            "against it (the median delivered level unless reference_promise is set)",
        )
    conversion = economics.conversion(lever, promised, reference=reference)
    retention = economics.retention(p_met, p_delight)
    # Only a service upgrade costs the business: an early pizza or a lower bill is the same
    # delivery whatever was promised.
    upgrades = mean_margin + mean_shortfall if lever is Lever.SERVICE else 0.0
    value_per_1000 = economics.value_per_1000(conversion, retention, upgrades=upgrades)
    recommended = np.zeros(promised.size, dtype=bool)
    recommended[int(np.argmax(value_per_1000))] = True
    return pd.DataFrame(
        {
            "promise": promised,
            "p_met": p_met,
            "p_delight": p_delight,
            "mean_margin": mean_margin,
            "mean_shortfall": mean_shortfall,
            "satisfaction": satisfaction,
            "conversion": conversion,
            "retention": retention,
            "value_per_1000": value_per_1000,
            "recommended": recommended,
        }
    )


def _margin_statistics(
    lever: Lever, ordered: np.ndarray, promised: np.ndarray, delight_threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """p_met, p_delight, mean margin and mean shortfall for every promise, from sorted draws."""
    n = ordered.size
    # Prefix sums of centred draws keep the differences of large sums accurate.
    centre = ordered[n // 2]
    prefix = np.concatenate(([0.0], np.cumsum(ordered - centre)))
    mean_delivered = centre + prefix[-1] / n
    bound = delight_threshold * np.abs(promised)
    if lever.lower_is_better:
        met = np.searchsorted(ordered, promised, side="right")  # delivered <= promise
        delighted = np.where(
            bound > 0,
            np.searchsorted(ordered, promised - bound, side="right"),
            np.searchsorted(ordered, promised, side="left"),  # strictly earlier / cheaper
        )
        over = (prefix[-1] - prefix[met]) - (n - met) * (promised - centre)
        return met / n, delighted / n, promised - mean_delivered, over / n
    below = np.searchsorted(ordered, promised, side="left")  # delivered < promise
    delighted = n - np.where(
        bound > 0,
        np.searchsorted(ordered, promised + bound, side="left"),
        np.searchsorted(ordered, promised, side="right"),  # strictly above the promise
    )
    under = below * (promised - centre) - prefix[below]
    return 1 - below / n, delighted / n, mean_delivered - promised, under / n


def _promised_values(lever: Lever, promised_values: npt.ArrayLike) -> np.ndarray:
    promised = np.unique(np.asarray(promised_values, dtype=float).ravel())
    if promised.size == 0:
        raise InvalidInput.single(_SOURCE, "promise", "give at least one promised value")
    if not np.isfinite(promised).all():
        raise InvalidInput.single(_SOURCE, "promise", "promised values must be finite numbers")
    if lever.lower_is_better and promised[0] < 0:
        raise InvalidInput.single(
            _SOURCE, "promise", f"{promised[0]:g} is negative; a {lever.value} promise is 0 or more"
        )
    return promised


# Promise ranges -------------------------------------------------------------------------------


class PromiseRange(NamedTuple):
    """Inclusive grid of promised values: `low, high, step = default_promise_range(p)`."""

    start: float
    stop: float
    step: float

    def values(self) -> np.ndarray:
        count = int(round((self.stop - self.start) / self.step)) + 1
        return np.round(self.start + self.step * np.arange(count), _decimals(self.step))


def default_promise_range(promise: Promise, *, steps: int = 40) -> PromiseRange:
    """About `steps` round-numbered promises covering what is delivered and the current promise.

    Continuous distributions: their 0.5 % to 99.5 % quantiles widened by a tenth; discrete
    service levels: from the lowest to the highest level one level apart.
    """
    delivered = promise.delivered
    if isinstance(delivered, Discrete):
        levels = np.unique([*delivered.levels, promise.promised])
        gaps = np.diff(levels)
        step = float(gaps.min()) if gaps.size else 1.0
        return PromiseRange(float(levels[0]), float(levels[-1]), step)
    low, high = _quantile(delivered, 0.005), _quantile(delivered, 0.995)
    low, high = min(low, promise.promised), max(high, promise.promised)
    pad = 0.1 * (high - low) or 0.1 * abs(high) or 1.0
    step = nice_step((high - low + 2 * pad) / steps)
    start = np.floor((low - pad) / step) * step
    stop = np.ceil((high + pad) / step) * step
    if promise.lever.lower_is_better:
        # A promise of "0 minutes" or less says nothing.
        start = max(start, step)
        stop = max(stop, start)
    digits = _decimals(step)
    return PromiseRange(round(float(start), digits), round(float(stop), digits), step)


def _quantile(delivered: Delivered, q: float) -> float:
    z = NormalDist().inv_cdf(q)
    match delivered:
        case LogNormal(median=median):
            return float(median * np.exp(lognormal_sigma(delivered) * z))
        case Normal(mean=mean, sd=sd):
            return mean + sd * z
        case Triangular(min=low, max=high):
            return low if q < 0.5 else high
        case Empirical(values=values):
            return float(np.quantile(values, q))
    raise TypeError(f"no quantiles for {delivered!r}")


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw` (1 when `raw` is not positive).

    >>> nice_step(0.7), nice_step(3), nice_step(240)
    (1.0, 5.0, 250.0)
    """
    if not raw > 0:
        return 1.0
    exponent = np.floor(np.log10(raw))
    for mantissa in (1, 2, 2.5, 5, 10):
        step = mantissa * 10**exponent
        if step >= raw * (1 - 1e-9):
            return float(round(step, _decimals(step)))
    raise AssertionError("unreachable")


def _decimals(step: float) -> int:
    return max(0, int(-np.floor(np.log10(step))) + 1)


# Journeys ------------------------------------------------------------------------------------


PROMISE_COLUMNS = ("touchpoint", "label", "lever", "unit", "current")


def sweep_with_promise(table: pd.DataFrame, promise: Promise) -> pd.DataFrame:
    """A sweep of `promise` with the promise in front (`PROMISE_COLUMNS`); `current` marks the
    row of the value promised now."""
    table = table.copy()
    table.insert(0, "current", table["promise"] == promise.promised)
    for position, (column, fill) in enumerate(
        [
            ("touchpoint", promise.touchpoint),
            ("label", promise.label),
            ("lever", promise.lever.value),
            ("unit", promise.unit),
        ]
    ):
        table.insert(position, column, fill)
    return table


def journey_sweeps(
    journey: Journey,
    *,
    rng: np.random.Generator,
    draws: int = DEFAULT_DRAWS,
    **options: Any,
) -> pd.DataFrame:
    """A sweep for every promise of the journey over its default range, stacked.

    Columns: promise_index (position in `journey.promises`), touchpoint, label, lever, unit,
    current (the row is the promise made now), then `SWEEP_COLUMNS`; `recommended` is True
    once per promise.
    """
    frames = []
    for index, promise in enumerate(journey.promises):
        table = sweep_with_promise(sweep_promise(promise, rng=rng, draws=draws, **options), promise)
        table.insert(0, "promise_index", index)
        frames.append(table)
    if not frames:
        return pd.DataFrame(columns=["promise_index", *PROMISE_COLUMNS, *SWEEP_COLUMNS])
    return pd.concat(frames, ignore_index=True)


COMPARE_COLUMNS = (
    "lever",
    "chosen",
    "touchpoint",
    "label",
    "unit",
    "current_promise",
    "p_met",
    "p_delight",
    "satisfaction",
    "value_current",
    "recommended_promise",
    "recommended_p_met",
    "value_recommended",
    "uplift",
    "note",
)


def compare_levers(
    journey: Journey,
    *,
    rng: np.random.Generator,
    draws: int = DEFAULT_DRAWS,
    **options: Any,
) -> pd.DataFrame:
    """Time, cost and service side by side: one row per lever, the journey's choice marked.

    Each row takes the lever's first promise in the journey: how the current promise fares
    (p_met, p_delight, satisfaction, value per 1,000 prospects), the recommended promise, its
    value and the uplift over the current one. Exceed on one lever — "or", not "and".
    """
    rows = []
    for lever in Lever:
        promises = [p for p in journey.promises if p.lever is lever]
        row: dict[str, object] = dict.fromkeys(COMPARE_COLUMNS, np.nan)
        row.update(lever=lever.value, chosen=journey.lever is lever, note="")
        if not promises:
            row.update(
                touchpoint="", label="", unit="", note=f"no {lever.value} promise in this journey"
            )
            rows.append(row)
            continue
        promise = promises[0]
        table = sweep_promise(promise, rng=rng, draws=draws, **options)
        current = table.loc[table["promise"] == promise.promised].iloc[0]
        best = table.loc[table["recommended"]].iloc[0]
        row.update(
            touchpoint=promise.touchpoint,
            label=promise.label,
            unit=promise.unit,
            current_promise=promise.promised,
            p_met=current["p_met"],
            p_delight=current["p_delight"],
            satisfaction=current["satisfaction"],
            value_current=current["value_per_1000"],
            recommended_promise=best["promise"],
            recommended_p_met=best["p_met"],
            value_recommended=best["value_per_1000"],
            uplift=best["value_per_1000"] - current["value_per_1000"],
        )
        if len(promises) > 1:
            others = ", ".join(p.touchpoint for p in promises[1:])
            row["note"] = f"first of {len(promises)} {lever.value} promises; also {others}"
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
