"""Edits to the journey editor's tables as the data editor makes them, for the editing tests."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from journeymap.edit_cells import ID
from journeymap.editing import EditError, journey_from_tables


def with_cell(tables, table: str, row: int, column: str, value):
    """The tables with one cell changed, as the data editor returns them (row numbers kept)."""
    frame = getattr(tables, table).copy()
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    return replace(tables, **{table: frame})


def with_row(tables, table: str, **values):
    frame = getattr(tables, table)
    added = pd.DataFrame([values], index=[frame.index.max() + 1 if len(frame) else 1])
    return replace(tables, **{table: pd.concat([frame, added])})


def without_row(tables, table: str, row: int):
    return replace(tables, **{table: getattr(tables, table).drop(index=row)})


def row_of(tables, touchpoint_id: str) -> int:
    frame = tables.touchpoints
    return int(frame.index[frame[ID] == touchpoint_id][0])


def saved(journey, tables, **options):
    return journey_from_tables(journey, tables, **options)


def problems_of(journey, tables) -> list[str]:
    with pytest.raises(EditError) as caught:
        journey_from_tables(journey, tables)
    return [str(p) for p in caught.value.problems]
