"""The journey: stages, touchpoints as a graph, and the promises made along it (pydantic v2)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from journeymap.errors import Problem

#: Shares are floats typed by people; 1/3 + 1/3 + 1/3 must still count as 1.
SHARE_TOLERANCE = 1e-6


def _not_a_bool(value: object) -> object:
    # pydantic would read `"importance": true` as 1.0; a true/false is a mistake, not a weight.
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a number")
    return value


Number = Annotated[float, BeforeValidator(_not_a_bool)]


class Lane(StrEnum):
    """Service-blueprint swimlane (Shostack; Bitner et al.)."""

    CUSTOMER = "customer"
    FRONTSTAGE = "frontstage"
    BACKSTAGE = "backstage"
    SUPPORT = "support"


class Dimension(StrEnum):
    """The five SERVQUAL dimensions (Parasuraman, Zeithaml & Berry 1988)."""

    TANGIBLES = "tangibles"
    RELIABILITY = "reliability"
    RESPONSIVENESS = "responsiveness"
    ASSURANCE = "assurance"
    EMPATHY = "empathy"


class Lever(StrEnum):
    """The one thing a business chooses to exceed on: time, cost *or* service."""

    TIME = "time"
    COST = "cost"
    SERVICE = "service"

    @property
    def lower_is_better(self) -> bool:
        return self is not Lever.SERVICE


class _Strict(BaseModel):
    # Unknown fields are reported rather than dropped: a misspelt "improtance" must not
    # silently become the default weight.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        serialize_by_alias=True,
        str_strip_whitespace=True,
        allow_inf_nan=False,
    )


class Scale(_Strict):
    """The rating scale every expected/experienced value of a journey lies on."""

    min: Number = 1.0
    max: Number = 7.0

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max:g}) must be greater than min ({self.min:g})")
        return self

    def label(self) -> str:
        return f"{self.min:g}–{self.max:g}"


Text = Annotated[str, Field(max_length=200)]
TouchpointId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[\w][\w.\-]*$", examples=["order"])
]


class Touchpoint(_Strict):
    """A place, moment or interface where the customer meets the business."""

    id: TouchpointId
    name: Annotated[str, Field(min_length=1, max_length=200)]
    stage: str
    lane: Lane = Lane.FRONTSTAGE
    channel: Text = ""
    role: Text = Field("", description="Front-line role that owns the touchpoint, e.g. 'courier'.")
    dimension: Dimension | None = None
    importance: Number = Field(1.0, gt=0, description="Relative weight; used when ratings omit it.")
    description: Annotated[str, Field(max_length=2000)] = ""

    @field_validator("dimension", mode="before")
    @classmethod
    def _empty_dimension_is_none(cls, value: object) -> object:
        return None if value == "" else value


class Transition(_Strict):
    """Share of the customers at `source` who go on to `target` next."""

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    share: Number = Field(1.0, ge=0, le=1)


class LogNormal(_Strict):
    """Delivered level with a long right tail (delivery times, final bills)."""

    dist: Literal["lognormal"] = "lognormal"
    median: Number = Field(gt=0)
    p90: Number = Field(gt=0)

    @model_validator(mode="after")
    def _tail_above_median(self) -> LogNormal:
        if self.p90 <= self.median:
            raise ValueError(f"p90 ({self.p90:g}) must be greater than median ({self.median:g})")
        return self


class Normal(_Strict):
    dist: Literal["normal"] = "normal"
    mean: Number
    sd: Number = Field(gt=0)


class Triangular(_Strict):
    """Three-point estimate (best case, most likely, worst case)."""

    dist: Literal["triangular"] = "triangular"
    min: Number
    mode: Number
    max: Number

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.min <= self.mode <= self.max) or self.min == self.max:
            raise ValueError("needs min ≤ mode ≤ max with min < max")
        return self


class Empirical(_Strict):
    """Observed delivered values, resampled as they are."""

    dist: Literal["empirical"] = "empirical"
    values: list[Number] = Field(min_length=1)


class Discrete(_Strict):
    """Service levels with their probabilities (e.g. economy 0.7, comfort 0.3)."""

    dist: Literal["discrete"] = "discrete"
    levels: list[Number] = Field(min_length=1)
    probabilities: list[Annotated[Number, Field(ge=0)]] = Field(min_length=1)
    names: list[str] = Field(default_factory=list, description="Optional label per level.")

    @model_validator(mode="after")
    def _consistent(self) -> Discrete:
        if len(self.levels) != len(self.probabilities):
            raise ValueError("levels and probabilities must have the same length")
        if self.names and len(self.names) != len(self.levels):
            raise ValueError("names, when given, need one per level")
        if abs(sum(self.probabilities) - 1) > SHARE_TOLERANCE:
            raise ValueError(f"probabilities add up to {sum(self.probabilities):g}, not 1")
        return self


Delivered = Annotated[
    LogNormal | Normal | Triangular | Empirical | Discrete, Field(discriminator="dist")
]
DISTRIBUTION_NAMES = ("lognormal", "normal", "triangular", "empirical", "discrete")


class Promise(_Strict):
    """What the business says it will deliver at a touchpoint, and what it actually delivers."""

    touchpoint: str
    lever: Lever
    promised: Number
    unit: Text = ""
    delivered: Delivered
    label: Text = ""


class ReferenceProblems(ValueError):
    """Cross-field problems found after each field is valid on its own; carries their paths."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class Journey(_Strict):
    """A customer journey: stages in order, touchpoints, transitions between them, promises."""

    id: TouchpointId = Field(description="Stable key; defaults to a slug of the name.")
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=5000)] = ""
    scale: Scale = Field(default_factory=Scale)
    stages: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(min_length=1)
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    transitions: list[Transition] = Field(default_factory=list)
    entries: dict[str, Annotated[Number, Field(ge=0, le=1)]] | None = Field(
        None, description="Where customers arrive, as shares summing to 1."
    )
    promises: list[Promise] = Field(default_factory=list)
    lever: Lever | None = Field(None, description="The one lever the team chose to exceed on.")

    @model_validator(mode="before")
    @classmethod
    def _default_id(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("id") and isinstance(data.get("name"), str):
            data = {**data, "id": slugify(data["name"])}
        return data

    @model_validator(mode="after")
    def _references(self) -> Journey:
        problems = _reference_problems(self)
        if problems:
            raise ReferenceProblems(problems)
        return self

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        for tp in self.touchpoints:
            if tp.id == touchpoint_id:
                return tp
        raise KeyError(touchpoint_id)

    def ordered_touchpoints(self) -> list[Touchpoint]:
        """Journey order: stage order first, then the order of the file."""
        rank = {stage: i for i, stage in enumerate(self.stages)}
        return sorted(self.touchpoints, key=lambda tp: rank[tp.stage])

    def entry_shares(self) -> dict[str, float]:
        """Where customers arrive; by default every touchpoint nobody transitions into."""
        if self.entries is not None:
            return dict(self.entries)
        targets = {t.target for t in self.transitions}
        starts = [tp.id for tp in self.ordered_touchpoints() if tp.id not in targets]
        if not starts and self.touchpoints:
            starts = [self.ordered_touchpoints()[0].id]
        return {tp: 1 / len(starts) for tp in starts}


def slugify(name: str) -> str:
    slug = re.sub(r"[^\w]+", "-", name.strip().lower()).strip("-")
    return slug[:64] or "journey"


def unused_id(base: str, taken: Collection[str]) -> str:
    """`base`, else the first of `base-2`, `base-3`, … not in `taken` (cut to stay an id)."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[: 64 - len(str(n)) - 1]}-{n}"
    return candidate


def _reference_problems(journey: Journey) -> list[Problem]:
    problems: list[Problem] = []
    stages = set(journey.stages)
    seen_stage: dict[str, int] = {}
    for i, stage in enumerate(journey.stages):
        if stage in seen_stage:
            problems.append(Problem(f"stages[{i}]", f"{stage!r} is listed twice"))
        seen_stage.setdefault(stage, i)

    first_use: dict[str, int] = {}
    for i, tp in enumerate(journey.touchpoints):
        if tp.id in first_use:
            problems.append(
                Problem(
                    f"touchpoints[{i}].id",
                    f"{tp.id!r} is already used by touchpoints[{first_use[tp.id]}]",
                )
            )
        first_use.setdefault(tp.id, i)
        if tp.stage not in stages:
            problems.append(
                Problem(f"touchpoints[{i}].stage", f"{tp.stage!r} is not one of the stages")
            )

    outgoing: dict[str, float] = defaultdict(float)
    last_leaving: dict[str, int] = {}
    seen_edges: dict[tuple[str, str], int] = {}
    for i, tr in enumerate(journey.transitions):
        for end, tp_id in (("from", tr.source), ("to", tr.target)):
            if tp_id not in first_use:
                problems.append(
                    Problem(f"transitions[{i}].{end}", f"{tp_id!r} is not a touchpoint")
                )
        edge = (tr.source, tr.target)
        if edge in seen_edges:
            problems.append(
                Problem(
                    f"transitions[{i}]",
                    f"{tr.source!r} → {tr.target!r} repeats transitions[{seen_edges[edge]}]",
                )
            )
        seen_edges.setdefault(edge, i)
        outgoing[tr.source] += tr.share
        last_leaving[tr.source] = i
    for source, total in outgoing.items():
        if total > 1 + SHARE_TOLERANCE:
            problems.append(
                Problem(
                    f"transitions[{last_leaving[source]}].share",
                    f"shares leaving {source!r} add up to {total:g}, more than 1",
                )
            )

    if journey.entries is not None:
        for tp_id in journey.entries:
            if tp_id not in first_use:
                problems.append(Problem(f"entries.{tp_id}", f"{tp_id!r} is not a touchpoint"))
        total = sum(journey.entries.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            problems.append(Problem("entries", f"shares add up to {total:g}, not 1"))

    for i, promise in enumerate(journey.promises):
        if promise.touchpoint not in first_use:
            problems.append(
                Problem(f"promises[{i}].touchpoint", f"{promise.touchpoint!r} is not a touchpoint")
            )
    return problems
