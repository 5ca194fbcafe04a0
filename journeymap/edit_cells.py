"""The journey editor's columns and cells, read alike by its tables, graph, deletions and draft."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

# Column names, as the user sees them in the editor.
ORDER = "Order"
STAGE = "Stage"
WAS = "Was"  # hidden: a stage's name when the tables were last tidied, so renames follow it
SAVED = "Saved name"  # hidden: a stage's name in the saved journey, to describe the changes
NAME = "Name"
LANE = "Lane"
CHANNEL = "Channel"
ROLE = "Role"
DIMENSION = "Dimension"
IMPORTANCE = "Importance"
DESCRIPTION = "Description"
ID = "Id"
FROM = "From"
TO = "To"
SHARE = "Share"
TOUCHPOINT = "Touchpoint"

STAGES_TABLE = "Stages table"
TOUCHPOINTS_TABLE = "Touchpoints table"
TRANSITIONS_TABLE = "Transitions table"
ARRIVALS_TABLE = "Arrivals table"

# Object text and nullable floats: the data editor can append a row (with blanks) to any of
# them, even to an empty table, without pandas changing the column's type.
TEXT, NUMBER = "object", "Float64"
STAGE_COLUMNS = {ORDER: NUMBER, STAGE: TEXT, WAS: TEXT, SAVED: TEXT}
TOUCHPOINT_COLUMNS = {
    ORDER: NUMBER, NAME: TEXT, STAGE: TEXT, LANE: TEXT, CHANNEL: TEXT, ROLE: TEXT,
    DIMENSION: TEXT, IMPORTANCE: NUMBER, DESCRIPTION: TEXT, ID: TEXT,
}  # fmt: skip
TRANSITION_COLUMNS = {FROM: TEXT, TO: TEXT, SHARE: NUMBER}
ARRIVAL_COLUMNS = {TOUCHPOINT: TEXT, SHARE: NUMBER}


def table_frame(columns: Mapping[str, str], values: Mapping[str, Any]) -> pd.DataFrame:
    """A table with exactly `columns` (name -> dtype), a missing one empty, rows numbered."""
    frame = pd.DataFrame(
        {
            name: pd.Series(list(values.get(name, [])), dtype=dtype)
            for name, dtype in columns.items()
        }
    )
    return numbered(frame)


def numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows numbered 1…n, as the editor shows them."""
    frame = frame.copy()
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def rows_where(frame: pd.DataFrame, keep: Sequence[bool]) -> pd.DataFrame:
    """The rows whose `keep` is true, with their row numbers."""
    return frame.iloc[[p for p, kept in enumerate(keep) if kept]]


def cell_text(value: object) -> str:
    """A text cell stripped; "" when blank (None, NaN or pd.NA alike)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    return str(value).strip()


def cell_texts(column: pd.Series) -> list[str]:
    return [cell_text(v) for v in column]


def cell_number(value: object) -> float | str | None:
    """A float; None when blank; or, for text that is not a number, the problem in words."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) and pd.isna(value):  # type: ignore[call-overload]
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return f"'{value}' is not a number"
    return None if math.isnan(number) else number


def share_rows(frame: pd.DataFrame, *text_columns: str) -> list[tuple[Any, ...]]:
    """(text, …, share) per row: the text cells stripped, the Share cell as typed."""
    texts = [cell_texts(frame[c]) for c in text_columns]
    return [(*values, share) for *values, share in zip(*texts, frame[SHARE], strict=True)]


def counted(n: int, noun: str) -> str:
    """1 transition, 2 transitions."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
