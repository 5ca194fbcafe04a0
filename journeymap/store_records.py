"""What the store hands back besides journeys and frames: small, immutable records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class JourneySummary:
    id: str
    name: str
    version: int
    saved_at: datetime
    ratings: int


@dataclass(frozen=True)
class VersionInfo:
    version: int
    name: str
    saved_at: datetime
    author: str
    note: str


@dataclass(frozen=True)
class Workshop:
    """A rating session: participants with the join code rate one pinned journey version."""

    code: str
    journey_id: str
    version: int
    title: str
    segment: str
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class WorkshopProgress:
    participants: int
    ratings: int
    names: list[str]
