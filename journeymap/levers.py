"""Choosing the lever: what-if promises, their outlook, and saving the choice as a new version.

The articles insist on exceeding on time, cost *or* service — one lever (DOMAIN.md idea 3).
This module turns the lever page's sliders into a validated what-if `Promise`, sweeps it with a
fixed seed (the same sliders always give the same figures), and turns the team's decisions —
commit to a lever, adopt a promise, add a missing one — into a validated `Revision` of the
journey that `save_revision` stores as a new version with a note saying what changed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from pydantic import ValidationError

from journeymap.delivered import parse_delivered
from journeymap.economics import Economics, parameter_docs
from journeymap.errors import InvalidInput
from journeymap.journey_file import describe_validation_error, parse_journey
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
from journeymap.simulate import (
    DEFAULT_DELIGHT_THRESHOLD,
    DEFAULT_DRAWS,
    SEED,
    default_promise_range,
    nice_step,
    sweep_promise,
    typical_level,
)
from journeymap.store import Store

__all__ = [
    "SEED",
    "Assumption",
    "Figures",
    "Knob",
    "Outlook",
    "Revision",
    "add_promise",
    "assumptions",
    "commit_lever",
    "delivered_knobs",
    "describe_delivered",
    "economics_from",
    "outlook",
    "promise_knob",
    "promises_for",
    "replace_promise",
    "save_revision",
    "what_if",
]

#: A positive what-if parameter (a median, a spread) slides from a quarter to 2.5 times its
#: stored value, a level (a mean, a best case) a few spreads either way; both in about 50 round
#: steps through the stored value: wide enough for "what if deliveries took twice as long",
#: fine enough to come back to today's value exactly.
_KNOB_LOW, _KNOB_HIGH, _KNOB_STEPS = 0.25, 2.5, 50
_WHAT_IF = "what-if"


# What-if promises -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Knob:
    """A slider over one number of a promise: `name` is what `what_if` takes it as."""

    name: str
    label: str
    low: float
    high: float
    step: float
    value: float
    help: str = ""

    @property
    def decimals(self) -> int:
        return _decimals_of(self.step)


def promises_for(journey: Journey, lever: Lever | str) -> list[tuple[int, Promise]]:
    """The journey's promises on `lever`, with their position in `journey.promises`."""
    lever = Lever(lever)
    return [(i, p) for i, p in enumerate(journey.promises) if p.lever is lever]


def promise_knob(promise: Promise) -> Knob:
    """The promised value's slider: `default_promise_range`, which covers what is delivered."""
    low, high, step = default_promise_range(promise)
    value = min(max(promise.promised, low), high)
    return Knob(
        "promised",
        promise.label or f"Promised {promise.lever.value}",
        low,
        high,
        step,
        value,
        help=f"What you tell customers{_in(promise.unit)}. The figures below and the marked "
        "line on the chart follow this slider; nothing is saved until you press a button.",
    )


def delivered_knobs(promise: Promise) -> list[Knob]:
    """Sliders over the delivered distribution's parameters, starting at the stored values."""
    unit = _in(promise.unit)
    match promise.delivered:
        case LogNormal(median=median, p90=p90):
            return [
                _positive_knob("median", f"Typical delivered{unit}", median,
                               "The median: half of what is delivered is below it."),
                _positive_knob("p90", f"9 in 10 at or below{unit}", p90,
                               "The 90th percentile; it must be above the typical level."),
            ]  # fmt: skip
        case Normal(mean=mean, sd=sd):
            return [
                _location_knob("mean", f"Average delivered{unit}", mean, width=3 * sd,
                               help="The mean of what is delivered."),
                _positive_knob("sd", f"Spread (standard deviation){unit}", sd,
                               "About 2 in 3 deliveries lie within one spread of the average."),
            ]  # fmt: skip
        case Triangular(min=low, mode=mode, max=high):
            spread = high - low
            return [
                _location_knob("min", f"Lowest delivered{unit}", low, width=spread),
                _location_knob("mode", f"Most likely{unit}", mode, width=spread),
                _location_knob("max", f"Highest delivered{unit}", high, width=spread),
            ]
        case Empirical(values=values):
            spread = float(np.ptp(values)) or abs(float(np.median(values))) * 0.5 or 1.0
            step = nice_step(2 * spread / _KNOB_STEPS)
            return [
                Knob(
                    "shift", f"Shift every observed value by{unit}", _floor(-spread, step),
                    _ceil(spread, step), step, 0.0,
                    help=f"Adds this to each of the {len(values):,} observed values: "
                    "'what if every delivery were five minutes faster'.",
                )
            ]  # fmt: skip
        case Discrete(levels=levels, probabilities=probabilities):
            first = _level_name(promise.delivered, 0)
            return [
                Knob(
                    f"percent_{i}", f"Customers who get {_level_name(promise.delivered, i)} (%)",
                    0.0, 100.0, 1.0, round(100 * probabilities[i], 1),
                    help=f"Level {levels[i]:g}. Whatever the other levels leave goes to {first}.",
                )
                for i in range(1, len(levels))
            ]  # fmt: skip
    raise TypeError(f"not a delivered distribution: {promise.delivered!r}")


def what_if(
    promise: Promise, *, promised: float | None = None, parameters: Mapping[str, float] = {}
) -> Promise:
    """`promise` with the sliders' values; a combination the model refuses names its field.

    >>> from journeymap.model import LogNormal
    >>> pizza = Promise(touchpoint="deliver", lever="time", promised=30,
    ...                 delivered=LogNormal(median=45, p90=60))
    >>> what_if(pizza, promised=50, parameters={"median": 40}).delivered.median
    40.0
    """
    known = {knob.name for knob in delivered_knobs(promise)}
    unknown = sorted(set(parameters) - known)
    if unknown:
        raise ValueError(f"not a parameter of {promise.delivered.dist}: {', '.join(unknown)}")
    delivered: dict[str, Any] = promise.delivered.model_dump()
    match promise.delivered:
        case Empirical(values=values):
            shift = float(parameters.get("shift", 0.0))
            delivered["values"] = [v + shift for v in values]
        case Discrete(probabilities=probabilities):
            shares = [
                parameters.get(f"percent_{i}", 100 * p) / 100 for i, p in enumerate(probabilities)
            ]
            rest = 1 - sum(shares[1:])
            if rest < -1e-9:
                raise InvalidInput.single(
                    _WHAT_IF,
                    "delivered.probabilities",
                    f"the levels above {_level_name(promise.delivered, 0)} add up to "
                    f"{100 * sum(shares[1:]):.0f} %, more than 100 %",
                )
            delivered["probabilities"] = [max(rest, 0.0), *shares[1:]]
        case _:
            delivered.update({name: float(value) for name, value in parameters.items()})
    document = promise.model_dump() | {"delivered": delivered}
    if promised is not None:
        document["promised"] = float(promised)
    try:
        changed = Promise.model_validate(document)
    except ValidationError as exc:
        raise InvalidInput(_WHAT_IF, describe_validation_error(exc)) from exc
    _check_promised(changed, where="promised", source=_WHAT_IF)
    return changed


# Outlook --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """How one promised value fares: kept, beaten by the delight threshold, worth per 1,000."""

    promise: float
    p_met: float
    p_delight: float
    value_per_1000: float

    @classmethod
    def from_row(cls, row: pd.Series) -> Figures:
        return cls(
            promise=float(row["promise"]),
            p_met=float(row["p_met"]),
            p_delight=float(row["p_delight"]),
            value_per_1000=float(row["value_per_1000"]),
        )


@dataclass(frozen=True)
class Outlook:
    """A what-if promise, its sweep, and the figures at its promise and at the recommended one."""

    promise: Promise
    sweep: pd.DataFrame
    chosen: Figures
    recommended: Figures

    stored: Promise

    def recommended_promise(self) -> Promise:
        return self.promise.model_copy(update={"promised": self.recommended.promise})

    @property
    def changes_delivered(self) -> bool:
        """Whether the sliders moved delivery away from the journey's stored distribution."""
        return self.stored.delivered != self.promise.delivered


def outlook(
    stored: Promise,
    *,
    promised: float | None = None,
    parameters: Mapping[str, float] = {},
    economics: Economics | None = None,
    delight_threshold: float = DEFAULT_DELIGHT_THRESHOLD,
    seed: int = SEED,
    draws: int = DEFAULT_DRAWS,
) -> Outlook:
    """The stored promise as the sliders change it, swept with a fixed seed.

    The sweep covers the stored promise's slider range and the what-if promise's own range, so
    the recommendation can move when the sliders move delivery far from today's.
    """
    promise = what_if(stored, promised=promised, parameters=parameters)
    grid = np.union1d(
        np.union1d(default_promise_range(stored).values(), default_promise_range(promise).values()),
        [promise.promised],
    )
    table = sweep_promise(
        promise,
        grid,
        rng=np.random.default_rng(seed),
        draws=draws,
        economics=economics,
        delight_threshold=delight_threshold,
    )
    chosen = table.loc[np.isclose(table["promise"], promise.promised)].iloc[0]
    best = table.loc[table["recommended"]].iloc[0]
    return Outlook(
        promise=promise,
        sweep=table,
        chosen=Figures.from_row(chosen),
        recommended=Figures.from_row(best),
        stored=stored,
    )


def describe_delivered(delivered: Delivered, unit: str = "") -> str:
    """What is delivered, in a workshop's words: 'typically 45 min; 9 in 10 within 60 min'."""
    u = _spaced(unit)
    match delivered:
        case LogNormal(median=median, p90=p90):
            return f"typically {median:g}{u}; 9 in 10 at or below {p90:g}{u}"
        case Normal(mean=mean, sd=sd):
            return f"on average {mean:g}{u}, give or take {sd:g}"
        case Triangular(min=low, mode=mode, max=high):
            return f"{low:g}–{high:g}{u}, most often {mode:g}"
        case Empirical(values=values):
            return f"{len(values):,} observed values, typically {typical_level(delivered):g}{u}"
        case Discrete(probabilities=probabilities):
            return ", ".join(
                f"{_level_name(delivered, i)} {100 * p:.0f} %" for i, p in enumerate(probabilities)
            )
    raise TypeError(f"not a delivered distribution: {delivered!r}")


# Economics assumptions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Assumption:
    """One `Economics` field as an input: shares are shown in percent."""

    name: str
    label: str
    value: float
    low: float
    high: float | None
    step: float
    percent: bool
    help: str


_ASSUMPTION_LABELS = {
    "base_conversion": "Prospects who buy at the typical promise (%)",
    "time_elasticity": "Time elasticity of conversion",
    "cost_elasticity": "Price elasticity of conversion",
    "service_uplift_per_level": "Conversion uplift per service level (%)",
    "max_conversion_gain": "Conversion ceiling (× the base)",
    "retention_delight": "Retention after a beaten promise (%)",
    "retention_met": "Retention after a kept promise (%)",
    "retention_miss": "Retention after a missed promise (%)",
    "value_first_purchase": "Value of a first purchase",
    "value_retained": "Further value of a retained customer",
    "cost_per_upgrade": "Cost of one service level above the promise",
}
_PERCENT = {
    "base_conversion",
    "service_uplift_per_level",
    "retention_delight",
    "retention_met",
    "retention_miss",
}


def assumptions() -> list[Assumption]:
    """The value model's assumptions the three levers share, with their documented sources.

    The reference promise is left out: it is a level in one lever's unit (minutes, euros), so
    one number cannot serve the three; it stays the median delivered level.
    """
    docs = parameter_docs()
    defaults = Economics()
    found = []
    for f in fields(Economics):
        if f.name not in _ASSUMPTION_LABELS:
            continue
        percent = f.name in _PERCENT
        value = float(getattr(defaults, f.name))
        found.append(
            Assumption(
                name=f.name,
                label=_ASSUMPTION_LABELS[f.name],
                value=100 * value if percent else value,
                low=1.0 if f.name == "max_conversion_gain" else 0.0,
                high=100.0 if percent and f.name != "service_uplift_per_level" else None,
                step=1.0 if percent else 0.05 if "elasticity" in f.name else 0.25,
                percent=percent,
                help=docs[f.name],
            )
        )
    return found


def economics_from(values: Mapping[str, float]) -> Economics:
    """`Economics` from the assumption inputs (percent where `Assumption.percent`)."""
    known = {a.name: a for a in assumptions()}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"not an assumption: {', '.join(unknown)}")
    given = {
        name: float(value) / 100 if known[name].percent else float(value)
        for name, value in values.items()
    }
    try:
        return Economics(**given)
    except ValueError as exc:
        raise InvalidInput.single("assumptions", "", str(exc)) from exc


# Revisions ------------------------------------------------------------------------------------


class Revision(NamedTuple):
    """A changed, validated journey and the version note that says what changed."""

    journey: Journey
    note: str


def commit_lever(journey: Journey, lever: Lever | str) -> Revision:
    """Exceed on `lever` from now on; the journey needs a promise on it to exceed."""
    lever = Lever(lever)
    if not promises_for(journey, lever):
        raise InvalidInput.single(
            journey.id,
            "lever",
            f"there is no {lever.value} promise to exceed; add one first",
        )
    before = f"was {journey.lever.value}" if journey.lever else "no lever chosen before"
    revised = _revised(journey, lever=lever.value)
    return Revision(revised, f"chose to exceed on {lever.value} ({before})")


def replace_promise(
    journey: Journey, index: int, promise: Promise, *, why: str = "revised the"
) -> Revision:
    """`journey.promises[index]` becomes `promise` (same lever); the note lists what changed.

    `why` starts the note: "adopted the recommended" gives "adopted the recommended time
    promise: Delivered within at Delivery at the door 60 min (was 30)".
    """
    if not 0 <= index < len(journey.promises):
        raise IndexError(f"the journey has {len(journey.promises)} promises, not {index + 1}")
    old = journey.promises[index]
    if promise.lever is not old.lever:
        raise ValueError(f"promises[{index}] is a {old.lever.value} promise, not {promise.lever}")
    _check_promised(promise, where=f"promises[{index}].promised", source=journey.id)
    documents = [p.model_dump(by_alias=True) for p in journey.promises]
    documents[index] = promise.model_dump(by_alias=True)
    revised = _revised(journey, promises=documents)
    changes = []
    if promise.promised != old.promised:
        changes.append(
            f"{_promise_name(journey, promise)} {promise.promised:g}{_spaced(promise.unit)} "
            f"(was {old.promised:g})"
        )
    if promise.delivered != old.delivered:
        changes.append(
            f"delivered {describe_delivered(promise.delivered, promise.unit)} "
            f"(was {describe_delivered(old.delivered, old.unit)})"
        )
    what = "; ".join(changes) or "no change"
    return Revision(revised, f"{why} {promise.lever.value} promise: {what}")


def add_promise(
    journey: Journey,
    *,
    touchpoint: str,
    lever: Lever | str,
    promised: float | None,
    delivered: Delivered | str,
    unit: str = "",
    label: str = "",
) -> Revision:
    """A new promise at `touchpoint`; `delivered` may be a spec like `lognormal:median=45,p90=60`.

    Problems name the new promise's fields (`promises[3].touchpoint`), and nothing changes.
    """
    index = len(journey.promises)
    where = f"promises[{index}]"
    if promised is None:  # a form's empty number field
        raise InvalidInput.single(journey.id, f"{where}.promised", "give the promised value")
    if isinstance(delivered, str):
        delivered = parse_delivered(delivered, option=f"{journey.id}: {where}.delivered")
    document = {
        "touchpoint": touchpoint,
        "lever": str(Lever(lever)),
        "promised": promised,
        "unit": unit,
        "label": label,
        "delivered": delivered.model_dump(),
    }
    revised = _revised(
        journey, promises=[*(p.model_dump(by_alias=True) for p in journey.promises), document]
    )
    promise = revised.promises[index]
    _check_promised(promise, where=f"{where}.promised", source=journey.id)
    return Revision(
        revised,
        f"added a {promise.lever.value} promise: {_promise_name(revised, promise)} "
        f"{promise.promised:g}{_spaced(promise.unit)}, delivered "
        f"{describe_delivered(promise.delivered, promise.unit)}",
    )


def save_revision(store: Store, revision: Revision, *, author: str = "") -> int:
    """Store the revised journey as its next version; returns the version number."""
    return store.save_journey(revision.journey, author=author, note=revision.note)


# Internals ------------------------------------------------------------------------------------


def _revised(journey: Journey, **update: Any) -> Journey:
    # Through the journey file's parser so a problem reads `promises[3].touchpoint: ...`.
    return parse_journey(journey.model_dump(by_alias=True) | update, source=journey.id)


def _check_promised(promise: Promise, *, where: str, source: str) -> None:
    # The model allows any number; a promise of "0 minutes" or a free quote says nothing a
    # customer can be delighted against, and the sweep's conversion model needs it positive.
    if promise.lever.lower_is_better and not promise.promised > 0:
        raise InvalidInput.single(
            source,
            where,
            f"{promise.promised:g} is not a {promise.lever.value} anyone would promise; "
            "use a positive number",
        )


def _promise_name(journey: Journey, promise: Promise) -> str:
    place = journey.touchpoint(promise.touchpoint).name
    return f"{promise.label} at {place}" if promise.label else place


def _level_name(delivered: Discrete, i: int) -> str:
    return delivered.names[i] if delivered.names else f"level {delivered.levels[i]:g}"


def _positive_knob(name: str, label: str, value: float, help: str = "") -> Knob:
    # The grid runs through the stored value, so the slider can always return to it exactly.
    step = nice_step(value / _KNOB_STEPS)
    down = math.floor(value * (1 - _KNOB_LOW) / step + 1e-9)
    up = math.ceil(value * (_KNOB_HIGH - 1) / step - 1e-9)
    digits = _decimals_of(step) + _decimals_of(value)
    return Knob(
        name, label, round(value - down * step, digits), round(value + up * step, digits),
        step, value, help,
    )  # fmt: skip


def _location_knob(name: str, label: str, value: float, *, width: float, help: str = "") -> Knob:
    """`value` ± `width` (at least a quarter of the value), through the stored value."""
    width = max(width, abs(value) * _KNOB_LOW) or 1.0
    step = nice_step(2 * width / _KNOB_STEPS)
    down, up = math.floor(width / step + 1e-9), math.ceil(width / step - 1e-9)
    if value > 0:
        # A positive level (minutes, euros) stays positive.
        down = min(down, math.floor((value - step) / step + 1e-9))
    digits = _decimals_of(step) + _decimals_of(value)
    return Knob(
        name, label, round(value - down * step, digits), round(value + up * step, digits),
        step, value, help,
    )  # fmt: skip


def _floor(value: float, step: float) -> float:
    return round(math.floor(value / step + 1e-9) * step, _decimals_of(step))


def _ceil(value: float, step: float) -> float:
    return round(math.ceil(value / step - 1e-9) * step, _decimals_of(step))


def _decimals_of(number: float) -> int:
    """Decimal places `number` needs to be written exactly (at most 12)."""
    for digits in range(13):
        if abs(round(number, digits) - number) <= 1e-12 * max(1.0, abs(number)):
            return digits
    return 12


def _in(unit: str) -> str:
    return f" ({unit})" if unit else ""


def _spaced(unit: str) -> str:
    return f" {unit}" if unit else ""
