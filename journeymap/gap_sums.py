"""Sufficient statistics of ratings per touchpoint: the additive sums every gap figure comes from.

Sums add up where means do not: across chunks of a file, across segments, across the
touchpoints of a stage. So ten million ratings are one pass of `np.bincount` here (or one SQL
aggregate in `Store.rating_sums`, which returns the same frame), and grouping by stage or
segment later only adds up a few hundred rows.

Only rows with both `expected` and `experienced` count; `n` is their number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from journeymap.errors import Problem, RatingsError
from journeymap.model import Journey

#: The sums, in order. `sum_gain_value` / `sum_loss_value` add g^α over gains and |g|^α over
#: losses; λ is applied later, so the sums do not depend on it. `sum_msa` / `sum_mss` add
#: experienced − adequate and experienced − desired over the rows that give those levels.
SUM_COLUMNS = (
    "n",
    "sum_expected",
    "sum_experienced",
    "sum_gap",
    "sum_gap_squared",
    "n_shortfall",
    "n_exceed",
    "sum_gain_value",
    "sum_loss_value",
    "sum_importance",
    "n_importance",
    "sum_msa",
    "n_msa",
    "sum_mss",
    "n_mss",
)
COUNT_COLUMNS = tuple(c for c in SUM_COLUMNS if c.startswith("n"))
#: Big inputs are summed in slices of this many rows: temporaries of 2 MB stay in the CPU
#: cache, which makes the sums faster than in one pass as well as lighter on memory.
CHUNK_ROWS = 1 << 18

RatingsInput = pd.DataFrame | pa.Table | pa.RecordBatch | Iterable[pa.RecordBatch]


def sums_columns(*, by_segment: bool = False) -> list[str]:
    """Columns of a sums frame: the keys, the sums, and the curvature α the sums were made with."""
    return ["touchpoint", *(["segment"] if by_segment else []), *SUM_COLUMNS, "curvature"]


def check_curvature(curvature: float | None) -> float:
    """α as a number (1 when no curvature is asked for), checked like `prospect.value` does."""
    if curvature is None:
        return 1.0
    if not 0 < curvature <= 1:
        raise ValueError(f"curvature must lie in (0, 1], got {curvature:g}")
    return float(curvature)


def empty_sums(*, by_segment: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=float) for c in sums_columns(by_segment=by_segment)})
    frame["touchpoint"] = frame["touchpoint"].astype(str)
    if by_segment:
        frame["segment"] = frame["segment"].astype(str)
    return frame.astype(dict.fromkeys(COUNT_COLUMNS, "int64"))


def rating_sums(
    journey: Journey,
    ratings: RatingsInput,
    *,
    curvature: float | None = None,
    by_segment: bool = False,
    segments: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Sums per touchpoint (and per segment) over a ratings frame or Arrow data, vectorised.

    `ratings` is the canonical frame of `journeymap.ratings`, an Arrow table, or Arrow record
    batches (e.g. `pyarrow.parquet.ParquetFile(...).iter_batches()`, which keeps memory flat for
    big files). Only touchpoints with rated rows get a row. `segments` keeps ratings of those
    segments only (None or empty keeps all).

    >>> from journeymap.model import Journey
    >>> j = Journey(name="J", stages=["S"], touchpoints=[{"id": "a", "name": "A", "stage": "S"}])
    >>> frame = pd.DataFrame({"touchpoint": ["a", "a"], "expected": [5, 4], "experienced": [3, 6]})
    >>> rating_sums(j, frame)[["touchpoint", "n", "sum_gap", "n_shortfall"]].to_dict("records")
    [{'touchpoint': 'a', 'n': 2, 'sum_gap': 0.0, 'n_shortfall': 1}]
    """
    alpha = check_curvature(curvature)
    ids = [tp.id for tp in journey.ordered_touchpoints()]
    wanted = set(segments) if segments else None
    totals: dict[str, np.ndarray] = {}
    need_segments = by_segment or wanted is not None
    for chunk in _chunks(journey, ids, ratings, need_segments):
        for segment, matrix in _chunk_sums(chunk, len(ids), alpha, wanted, by_segment):
            if segment in totals:
                totals[segment] += matrix
            else:
                totals[segment] = matrix
    if not totals:
        return empty_sums(by_segment=by_segment)
    parts = []
    for segment in sorted(totals):
        part = pd.DataFrame(totals[segment], columns=list(SUM_COLUMNS))
        part.insert(0, "touchpoint", ids)
        if by_segment:
            part.insert(1, "segment", segment)
        parts.append(part[part["n"] > 0])
    frame = pd.concat(parts, ignore_index=True)
    frame["curvature"] = alpha
    frame["touchpoint"] = frame["touchpoint"].astype(str)
    if by_segment:
        frame["segment"] = frame["segment"].astype(str)
    return frame.astype(dict.fromkeys(COUNT_COLUMNS, "int64"))[sums_columns(by_segment=by_segment)]


@dataclass
class _Chunk:
    """A slice of ratings as arrays: touchpoint as its index in journey order, NaN for missing."""

    touchpoint: np.ndarray
    segment_codes: np.ndarray
    segment_labels: list[str]
    values: dict[str, np.ndarray | None]


def _chunk_sums(
    chunk: _Chunk, n_touchpoints: int, alpha: float, wanted: set[str] | None, by_segment: bool
) -> Iterator[tuple[str, np.ndarray]]:
    expected, experienced = chunk.values["expected"], chunk.values["experienced"]
    keep = ~(np.isnan(expected) | np.isnan(experienced))
    if wanted is not None:
        allowed = np.array([label in wanted for label in chunk.segment_labels], dtype=bool)
        keep &= allowed[chunk.segment_codes]
    rows = None if keep.all() else np.flatnonzero(keep)

    def take(values: np.ndarray) -> np.ndarray:
        return values if rows is None else values[rows]

    groups = take(chunk.touchpoint)
    n_groups = n_touchpoints
    labels = [""]
    if by_segment:
        groups = groups + take(chunk.segment_codes) * n_touchpoints
        labels = chunk.segment_labels
        n_groups = n_touchpoints * len(labels)
    expected, experienced = take(expected), take(experienced)
    gap = experienced - expected

    def add(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(groups, weights, minlength=n_groups)

    # One pass splits rows into shortfall / met / exceeded: group code × 3 + sign of the gap.
    by_sign = groups * 3 + (np.sign(gap).astype(np.intp) + 1)
    signs = np.bincount(by_sign, minlength=3 * n_groups).reshape(n_groups, 3)
    magnitude = np.abs(gap) if alpha == 1 else np.abs(gap) ** alpha
    values = np.bincount(by_sign, magnitude, minlength=3 * n_groups).reshape(n_groups, 3)
    sums = {
        "n": signs.sum(axis=1),
        "sum_expected": add(expected),
        "sum_experienced": add(experienced),
        "sum_gap": add(gap),
        "sum_gap_squared": add(np.square(gap)),
        "n_shortfall": signs[:, 0],
        "n_exceed": signs[:, 2],
        "sum_gain_value": values[:, 2],
        "sum_loss_value": values[:, 0],
    }
    for name, column, minus in (
        ("importance", "importance", None),
        ("msa", "adequate", experienced),
        ("mss", "desired", experienced),
    ):
        raw = chunk.values[column]
        if raw is None:
            sums[f"sum_{name}"] = sums[f"n_{name}"] = np.zeros(n_groups)
            continue
        level = take(raw)
        # MSA and MSS are experienced minus the level: the measures of service adequacy and
        # superiority of Parasuraman, Zeithaml & Berry (1994).
        figure = level if minus is None else minus - level
        present = ~np.isnan(figure)
        sums[f"sum_{name}"] = add(np.where(present, figure, 0.0))
        sums[f"n_{name}"] = add(present.astype(float))
    matrix = np.column_stack([np.asarray(sums[c], dtype=float) for c in SUM_COLUMNS])
    for i, label in enumerate(labels):
        yield label, matrix[i * n_touchpoints : (i + 1) * n_touchpoints]


def _chunks(
    journey: Journey, ids: list[str], ratings: RatingsInput, need_segments: bool
) -> Iterator[_Chunk]:
    index = {tp_id: i for i, tp_id in enumerate(ids)}
    if isinstance(ratings, pd.DataFrame):
        yield from _frame_chunks(journey, index, ratings, need_segments)
        return
    batches: Iterable[pa.RecordBatch]
    if isinstance(ratings, pa.Table):
        batches = ratings.to_batches(max_chunksize=CHUNK_ROWS)
    elif isinstance(ratings, pa.RecordBatch):
        batches = [ratings]
    else:
        batches = ratings
    for batch in batches:
        if batch.num_rows:
            yield _arrow_chunk(journey, index, batch, need_segments)


def _frame_chunks(
    journey: Journey, index: dict[str, int], frame: pd.DataFrame, need_segments: bool
) -> Iterator[_Chunk]:
    _require_columns(frame.columns)
    codes, uniques = pd.factorize(frame["touchpoint"].fillna(""))
    touchpoint = _journey_index(journey, index, [str(u) for u in uniques])[codes]
    if need_segments and "segment" in frame:
        segment_codes, segment_uniques = pd.factorize(frame["segment"].fillna(""))
        segment_labels = [str(u) for u in segment_uniques]
    else:
        segment_codes, segment_labels = np.zeros(len(frame), dtype=np.intp), [""]
    values = {
        column: frame[column].to_numpy(dtype=float, na_value=np.nan) if column in frame else None
        for column in ("expected", "experienced", "importance", "adequate", "desired")
    }
    for start in range(0, len(frame), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        yield _Chunk(
            touchpoint=touchpoint[part],
            segment_codes=np.asarray(segment_codes[part], dtype=np.intp),
            segment_labels=segment_labels,
            values={k: None if v is None else v[part] for k, v in values.items()},
        )


def _arrow_chunk(
    journey: Journey, index: dict[str, int], batch: pa.RecordBatch, need_segments: bool
) -> _Chunk:
    _require_columns(batch.schema.names)
    touchpoint, labels = _dictionary(batch.column("touchpoint"))
    touchpoint = _journey_index(journey, index, labels)[touchpoint]
    if need_segments and "segment" in batch.schema.names:
        segment_codes, segment_labels = _dictionary(batch.column("segment"))
    else:
        segment_codes, segment_labels = np.zeros(batch.num_rows, dtype=np.intp), [""]
    values = {
        column: (
            batch.column(column).cast(pa.float64()).to_numpy(zero_copy_only=False)
            if column in batch.schema.names
            else None
        )
        for column in ("expected", "experienced", "importance", "adequate", "desired")
    }
    return _Chunk(touchpoint, segment_codes, segment_labels, values)


def _dictionary(column: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes and labels of a string column; a Parquet dictionary column is used as it is."""
    if column.null_count:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        column = pc.fill_null(column, "")
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    codes = column.indices.to_numpy(zero_copy_only=False).astype(np.intp)
    return codes, [str(label) for label in column.dictionary.to_pylist()]


def _journey_index(journey: Journey, index: dict[str, int], labels: list[str]) -> np.ndarray:
    unknown = [label for label in labels if label not in index]
    if unknown:
        raise RatingsError(
            "ratings",
            [
                Problem("touchpoint", f"{label!r} is not a touchpoint of {journey.name!r}")
                for label in unknown
            ],
        )
    return np.array([index[label] for label in labels], dtype=np.intp)


def _require_columns(columns: Iterable[str]) -> None:
    missing = [c for c in ("touchpoint", "expected", "experienced") if c not in set(columns)]
    if missing:
        raise RatingsError.single("ratings", "columns", f"missing {', '.join(missing)}")
