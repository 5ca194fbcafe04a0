"""Domain errors: each says what is wrong and where, so entry points can show it as is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: How many problems an error lists before summarising the rest; a 10,000-row file
#: with one systematic mistake should not print 10,000 lines.
MAX_LISTED_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at a place a user can find (`row 17, experienced`)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class JourneyMapError(Exception):
    """Base of every error a user can act on; entry points show its text, never a traceback."""


class InvalidInput(JourneyMapError):
    """Input that cannot be accepted; nothing was written because of it."""

    def __init__(
        self, source: str, problems: Sequence[Problem], *, total: int | None = None
    ) -> None:
        self.source = source
        self.problems = list(problems)
        # A huge file may have more problems than are worth collecting; `total` counts them all.
        self.total = max(total or 0, len(self.problems))
        super().__init__(self._describe())

    def _describe(self) -> str:
        listed = [f"{self.source}: {p}" for p in self.problems[:MAX_LISTED_PROBLEMS]]
        hidden = self.total - min(len(self.problems), MAX_LISTED_PROBLEMS)
        if hidden > 0:
            listed.append(f"{self.source}: … and {hidden:,} more problems")
        return "\n".join(listed)

    @classmethod
    def single(cls, source: str, where: str, message: str) -> InvalidInput:
        return cls(source, [Problem(where, message)])


class JourneyFileError(InvalidInput):
    """A journey document (JSON file or edited table) that breaks the journey format."""


class RatingsError(InvalidInput):
    """A ratings file or form with rows that cannot be imported."""


class StoreError(JourneyMapError):
    """The journey store could not do what was asked."""


class StoreLocked(StoreError):
    """Another process holds the embedded database file."""


class NotFound(StoreError):
    """A journey, version or workshop that does not exist."""


class WorkshopClosed(StoreError):
    """The workshop's facilitator has closed it; its join code no longer works."""
