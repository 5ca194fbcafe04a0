"""Delivered distributions typed as text (`lognormal:median=45,p90=60`) or observed in a CSV column.

The command line and the app take a delivered distribution as one short spec; errors name the
option (or the file, row and column) so a typo can be fixed without reading a traceback.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from pydantic import TypeAdapter, ValidationError

from journeymap.errors import InvalidInput, Problem
from journeymap.journey_file import describe_validation_error
from journeymap.model import DISTRIBUTION_NAMES, Delivered
from journeymap.ratings import sniff_delimiter

#: A column of a million delivery times is ~10 MB; far beyond that is a wrong file.
MAX_VALUES_BYTES = 100_000_000
EXAMPLES = {
    "lognormal": "lognormal:median=45,p90=60",
    "normal": "normal:mean=12.6,sd=0.7",
    "triangular": "triangular:min=380,mode=440,max=560",
    "empirical": "empirical:41,45,52.5 (or --values-from FILE.csv:COLUMN)",
    "discrete": "discrete:1=0.75,2=0.2,3=0.05 (level=probability)",
}
_PARAMETERS = {
    "lognormal": ("median", "p90"),
    "normal": ("mean", "sd"),
    "triangular": ("min", "mode", "max"),
}
_DELIVERED = TypeAdapter(Delivered)


def parse_delivered(
    spec: str, *, option: str = "--delivered", values: list[float] | None = None
) -> Delivered:
    """A delivered distribution from `NAME:PARAMETERS`; `values` fills a bare `empirical`.

    >>> parse_delivered("lognormal:median=45,p90=60")
    LogNormal(dist='lognormal', median=45.0, p90=60.0)
    >>> parse_delivered("discrete:1=0.75,2=0.25").levels
    [1.0, 2.0]
    """
    name, _, text = spec.strip().partition(":")
    name = name.strip().lower()
    if name not in DISTRIBUTION_NAMES:
        raise InvalidInput.single(
            option,
            "",
            f"{name!r} is not a distribution; use one of {', '.join(DISTRIBUTION_NAMES)}, "
            f"e.g. {EXAMPLES['lognormal']}",
        )
    items = [item.strip() for item in text.split(",") if item.strip()]
    if name == "empirical":
        document = {"values": _numbers(items, option) if items else (values or [])}
        if not document["values"]:
            raise InvalidInput.single(option, "", f"empirical needs values, e.g. {EXAMPLES[name]}")
    elif name == "discrete":
        pairs = [_pair(item, option, name) for item in items]
        if not pairs:
            raise InvalidInput.single(option, "", f"discrete needs levels, e.g. {EXAMPLES[name]}")
        document = {
            "levels": [_number(level, option, label="level") for level, _ in pairs],
            "probabilities": [
                _number(p, option, label=f"probability of {level}") for level, p in pairs
            ],
        }
    else:
        given = dict(_pair(item, option, name) for item in items)
        expected = _PARAMETERS[name]
        unknown = [key for key in given if key not in expected]
        missing = [key for key in expected if key not in given]
        if unknown or missing:
            raise InvalidInput.single(
                option,
                "",
                f"{name} needs {' and '.join(expected)}"
                + (f" (not {', '.join(unknown)})" if unknown else "")
                + f", e.g. {EXAMPLES[name]}",
            )
        document = {key: _number(given[key], option, label=key) for key in expected}
    try:
        return _DELIVERED.validate_python({"dist": name, **document})
    except ValidationError as exc:
        problems = []
        for problem in describe_validation_error(exc):
            # Paths start with the distribution's tag: "normal.sd" reads as "normal sd".
            where = problem.where.removeprefix(name).lstrip(".")
            problems.append(Problem("", f"{name} {where}: {problem.message}".replace(" :", ":")))
        raise InvalidInput(option, problems) from exc


def read_values(
    source: str | Path | bytes | IO[bytes],
    column: str | None = None,
    *,
    name: str | None = None,
    max_bytes: int = MAX_VALUES_BYTES,
) -> list[float]:
    """Observed delivered values: the numbers in one column of a CSV (blank cells skipped).

    `column` may be omitted when the file has a single column. Row numbers in errors count
    like a spreadsheet (the header is row 1).
    """
    name = name or (Path(source).name if isinstance(source, str | Path) else "values.csv")
    text = _read_text(source, name, max_bytes)
    if not text.strip():
        raise InvalidInput.single(name, "", "is empty")
    delimiter = sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InvalidInput.single(name, "", f"is not a readable CSV ({exc})") from exc
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    if column is None:
        if len(frame.columns) != 1:
            raise InvalidInput.single(
                name, "row 1", f"has {len(frame.columns)} columns; say which: {name}:COLUMN"
            )
        column = frame.columns[0]
    if column not in frame.columns:
        raise InvalidInput.single(
            name, "row 1", f"no column {column!r}; the columns are {', '.join(frame.columns)}"
        )
    cells = frame[column].astype(str).str.strip()
    if delimiter == ";":
        # Semicolon-separated exports write decimal commas: 4,5 means 4.5.
        cells = cells.str.replace(",", ".", regex=False)
    present = cells != ""
    numbers = pd.to_numeric(cells.where(present), errors="coerce").astype(float)
    bad = np.flatnonzero((present & ~np.isfinite(numbers)).to_numpy())
    if bad.size:
        problems = [
            Problem(f"row {i + 2}, {column}", f"{cells.iloc[i]!r} is not a number")
            for i in bad[:20]
        ]
        raise InvalidInput(name, problems, total=int(bad.size))
    values = numbers[present].tolist()
    if not values:
        raise InvalidInput.single(name, column, "has no values")
    return values


def _pair(item: str, option: str, name: str) -> tuple[str, str]:
    key, equals, number = item.partition("=")
    if not equals:
        raise InvalidInput.single(option, "", f"{item!r} is not KEY=VALUE, e.g. {EXAMPLES[name]}")
    return key.strip().lower(), number.strip()


def _number(text: str, option: str, *, label: str | None = None) -> float:
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not np.isfinite(number):
        where = f"{label}=" if label else ""
        raise InvalidInput.single(option, "", f"{where}{text!r} is not a number")
    return number


def _numbers(items: list[str], option: str) -> list[float]:
    return [_number(item, option) for item in items]


def _read_text(source: str | Path | bytes | IO[bytes], name: str, max_bytes: int) -> str:
    try:
        if isinstance(source, bytes):
            data = source
        elif isinstance(source, str | Path):
            if Path(source).stat().st_size > max_bytes:
                raise InvalidInput.single(name, "", f"is larger than {max_bytes / 1e6:,.0f} MB")
            data = Path(source).read_bytes()
        else:
            data = source.read(max_bytes + 1)
    except OSError as exc:
        raise InvalidInput.single(name, "", f"cannot be read ({exc.strerror})") from exc
    if len(data) > max_bytes:
        raise InvalidInput.single(name, "", f"is larger than {max_bytes / 1e6:,.0f} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
