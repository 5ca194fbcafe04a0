"""Deleting touchpoints asks first: what else would go with them, and bringing them back."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import pandas as pd

from journeymap.edit_cells import (
    FROM,
    ID,
    TO,
    TOUCHPOINT,
    cell_number,
    cell_texts,
    counted,
    numbered,
    rows_where,
    share_rows,
)
from journeymap.edit_graph import share_label
from journeymap.editing import JourneyTables, normalized, touchpoint_names


@dataclass(frozen=True)
class Removal:
    """What still refers to touchpoints deleted from the table, and would go with them."""

    touchpoints: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    transitions: tuple[str, ...] = ()
    arrivals: tuple[str, ...] = ()
    promises: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.transitions or self.arrivals or self.promises)

    def summary(self) -> str:
        """`Deleting 'Phone order' also removes 2 transitions (…) and 1 promise (…).`"""
        parts = [
            f"{counted(len(items), noun)} ({'; '.join(items)})"
            for items, noun in (
                (self.transitions, "transition"),
                (self.arrivals, "arrival share"),
                (self.promises, "promise"),
            )
            if items
        ]
        if not parts:
            return ""
        joined = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        deleted = ", ".join(f"'{name}'" for name in self.touchpoints)
        return f"Deleting {deleted} also removes {joined}."


def pending_removal(tables: JourneyTables, *, names: Mapping[str, str]) -> Removal:
    """Transitions, arrivals and promises at touchpoints no longer in the touchpoints table.

    `names` maps the ids of deleted touchpoints to their names (from the saved journey).
    """
    ids = set(cell_texts(tables.touchpoints[ID]))
    current = touchpoint_names(tables)

    def label(tp: str) -> str:
        return current.get(tp) or names.get(tp) or tp

    gone: dict[str, None] = {}
    transitions = []
    for source, target, share in share_rows(tables.transitions, FROM, TO):
        missing = [tp for tp in (source, target) if tp and tp not in ids]
        if missing:
            gone.update(dict.fromkeys(missing))
            transitions.append(f"{label(source)} → {label(target)}{_share_suffix(share)}")
    arrivals = []
    for tp, share in share_rows(tables.entries, TOUCHPOINT):
        if tp and tp not in ids:
            gone[tp] = None
            arrivals.append(f"{label(tp)}{_share_suffix(share)}")
    promises = []
    for promise in tables.promises:
        if promise.touchpoint not in ids:
            gone[promise.touchpoint] = None
            what = promise.label or f"{promise.lever.value} promise"
            promises.append(f"{what} at {label(promise.touchpoint)}")
    return Removal(
        touchpoints=tuple(label(tp) for tp in gone),
        ids=tuple(gone),
        transitions=tuple(transitions),
        arrivals=tuple(arrivals),
        promises=tuple(promises),
    )


def without_dangling(tables: JourneyTables) -> JourneyTables:
    """Remove the transitions, arrivals and promises of touchpoints deleted from the table."""
    ids = set(cell_texts(tables.touchpoints[ID]))
    transitions, entries = tables.transitions, tables.entries
    keep = [
        (not s or s in ids) and (not t or t in ids) for s, t, _ in share_rows(transitions, FROM, TO)
    ]
    keep_entries = [not tp or tp in ids for tp, _ in share_rows(entries, TOUCHPOINT)]
    return replace(
        tables,
        transitions=numbered(rows_where(transitions, keep)),
        entries=numbered(rows_where(entries, keep_entries)),
        promises=tuple(p for p in tables.promises if p.touchpoint in ids),
    )


def bring_back(
    tables: JourneyTables, ids: Collection[str], *, saved: JourneyTables
) -> JourneyTables:
    """Put deleted touchpoints back as they were saved, near where they were."""
    present = set(cell_texts(tables.touchpoints[ID]))
    wanted = [tp in ids and tp not in present for tp in cell_texts(saved.touchpoints[ID])]
    returning = rows_where(saved.touchpoints, wanted)
    # Appended rows whose Order is below their row number count as moved up into place.
    touchpoints = numbered(pd.concat([tables.touchpoints, returning]))
    return normalized(replace(tables, touchpoints=touchpoints))


def _share_suffix(share: object) -> str:
    return f" ({share_label(share)})" if isinstance(cell_number(share), float) else ""
