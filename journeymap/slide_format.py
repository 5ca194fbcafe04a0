"""How figures and user text read on a slide: signed gaps with a real minus, shares in percent,
names on one line, nothing XML cannot hold."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd


def count(n: int, noun: str) -> str:
    """1 touchpoint, 3 touchpoints."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def long_date(day: date) -> str:
    """30 September 2026: unambiguous in every locale that reads the deck."""
    return f"{day.day} {day:%B %Y}"


def one_line(text: object) -> str:
    """User text on one line: newlines and runs of spaces become one space."""
    return " ".join(str(text).split())


def printable(text: str) -> str:
    """Drop control characters other than newlines; XML 1.0 cannot hold most of them."""
    return "".join(ch for ch in text if ch == "\n" or ch == "\t" or ord(ch) >= 32)


def number(value: float, digits: int = 2) -> str:
    return "—" if not _finite(value) else f"{value:.{digits}f}"


def signed(value: float) -> str:
    """A gap with its sign and a real minus (−1.20, +0.35); a dash when there is none."""
    return "—" if not _finite(value) else f"{value:+.2f}".replace("-", "−")


def percent(value: float) -> str:
    return "—" if not _finite(value) else f"{value:.0%}"


def interval(row: Any) -> str:
    """The 95 % interval of a gap-table row, "−2.50 to −1.20"."""
    low, high = _get(row, "gap_ci_low"), _get(row, "gap_ci_high")
    if not (_finite(low) and _finite(high)):
        return "—"
    return f"{signed(low)} to {signed(high)}"


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, pd.Series) else getattr(row, name)


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
