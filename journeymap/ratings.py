"""Ratings: expected vs experienced per touchpoint, read from survey CSVs and forms.

Row numbers in messages count like a spreadsheet: the header is row 1, the first rating row 2.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from journeymap.errors import Problem, RatingsError
from journeymap.model import Journey

REQUIRED_COLUMNS = ("touchpoint", "expected", "experienced")
SCALE_COLUMNS = ("expected", "experienced", "adequate", "desired")
TEXT_COLUMNS = ("respondent", "segment")
OPTIONAL_COLUMNS = ("importance", "respondent", "segment", "adequate", "desired", "recorded_at")
RATING_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
#: A survey export of a million ratings is ~40 MB; far beyond that is a wrong file.
MAX_RATINGS_BYTES = 100_000_000
_DELIMITERS = (",", ";", "\t")
_HEADER_CHARS = 1 << 16  # a header row is far shorter; no need to copy a 100 MB text
_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\r|\n))+")
_PROBLEMS_DESCRIBED_PER_CHECK = 100


@dataclass(frozen=True)
class ParsedRatings:
    """Validated ratings in canonical columns, plus what was noticed but not fatal."""

    frame: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def empty_ratings() -> pd.DataFrame:
    """A ratings frame with no rows and the canonical columns and dtypes."""
    return _canonical({c: pd.Series(dtype=object) for c in REQUIRED_COLUMNS}, pd.RangeIndex(0))


def read_ratings(
    source: str | Path | bytes | IO[bytes],
    journey: Journey,
    *,
    name: str | None = None,
    max_bytes: int = MAX_RATINGS_BYTES,
) -> ParsedRatings:
    """Read a ratings CSV (comma, semicolon or tab; BOM and Windows line ends accepted)."""
    name = name or (Path(source).name if isinstance(source, str | Path) else "ratings.csv")
    data = _read_bytes(source, name, max_bytes)
    text = _decode(data, name)
    if not text.strip():
        raise RatingsError.single(name, "", "is empty")
    # Blank lines before the header are dropped here; blank rows further down are read as rows
    # (and dropped below) so that row numbers stay the ones a spreadsheet shows.
    leading = _BLANK_LINES.match(text)
    blank_before = len(leading.group().splitlines()) if leading else 0
    text = text[leading.end() :] if leading else text
    delimiter = sniff_delimiter(text)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise RatingsError.single(name, *_parser_problem(exc, blank_before)) from exc
    # pandas renames a repeated column ("expected.1"); the header as written lets that be caught.
    start = io.StringIO(text[:_HEADER_CHARS], newline="")
    header = next(csv.reader(start, delimiter=delimiter, skipinitialspace=True))
    if len(header) == len(raw.columns):
        raw.columns = header
    if delimiter == ";":
        # Spreadsheets that separate with semicolons write decimal commas: 4,5 means 4.5.
        for column in raw.columns:
            if _normalise_header(column) in (*SCALE_COLUMNS, "importance"):
                raw[column] = raw[column].str.replace(",", ".", regex=False)
    rows = np.arange(len(raw)) + 2 + blank_before
    # A blank row has an empty first cell; only those few are checked whole (2 M rows stay fast).
    maybe_blank = np.flatnonzero((raw.iloc[:, 0].fillna("") == "").to_numpy())
    blank = maybe_blank[(raw.iloc[maybe_blank].fillna("") == "").all(axis=1).to_numpy()]
    if len(blank):
        keep = np.ones(len(raw), dtype=bool)
        keep[blank] = False
        raw, rows = raw[keep], rows[keep]
    return ratings_from_frame(raw, journey, source=name, rows=rows)


def ratings_from_frame(
    raw: pd.DataFrame,
    journey: Journey,
    *,
    source: str,
    rows: Sequence[int] | Sequence[str] | None = None,
) -> ParsedRatings:
    """Validate ratings given as a table (a parsed CSV, or rows typed into a form).

    `rows` name the rows in messages: numbers as a spreadsheet shows them (by default 2, 3, …
    after the header row), or labels such as the touchpoint names of a form.
    """
    raw = raw.rename(columns=_normalise_header)
    warnings: list[str] = []
    unknown = [c or "(no name)" for c in raw.columns if c not in RATING_COLUMNS]
    if unknown:
        warnings.append(
            f"{source}: ignored columns not in the ratings format: {', '.join(unknown)}"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise RatingsError.single(
            source,
            "row 1",
            f"missing column(s) {', '.join(missing)}; the header needs {', '.join(REQUIRED_COLUMNS)}",
        )
    duplicated = sorted({c for c in raw.columns if c and list(raw.columns).count(c) > 1})
    if duplicated:
        raise RatingsError.single(
            source, "row 1", f"column(s) {', '.join(duplicated)} appear twice"
        )
    if raw.empty:
        raise RatingsError.single(source, "", "has a header but no rating rows")

    raw = raw.reset_index(drop=True)
    numbers = np.arange(len(raw)) + 2 if rows is None else np.asarray(rows)
    numbered = numbers.dtype.kind in "iu"
    problems: list[tuple[int, Problem]] = []
    total = 0

    def where(i: int) -> str:
        return f"row {numbers[i]}, " if numbered else f"{numbers[i]}, "

    def flag(mask: pd.Series, column: str, describe) -> None:
        nonlocal total
        hits = np.flatnonzero(mask.to_numpy())
        total += len(hits)
        # Describe only the first few of a kind: a million bad rows need not build a million messages.
        for i in hits[:_PROBLEMS_DESCRIBED_PER_CHECK]:
            problems.append((i, Problem(f"{where(i)}{column}", describe(raw[column].iloc[i]))))

    checked = {"touchpoint": _touchpoint_ids(raw["touchpoint"], journey, flag)}
    low, high = journey.scale.min, journey.scale.max
    for column in ("expected", "experienced", "adequate", "desired", "importance"):
        if column not in raw.columns:
            continue
        values = _numbers(raw[column], column, flag)
        if column == "importance":
            flag(values <= 0, column, lambda v: f"{v} must be greater than 0")
        else:
            flag(
                (values < low) | (values > high),
                column,
                lambda v: f"{v} is outside the journey's {journey.scale.label()} scale",
            )
        checked[column] = values
    for column in TEXT_COLUMNS:
        if column in raw.columns:
            checked[column] = raw[column].fillna("").astype(str).str.strip()
    if "recorded_at" in raw.columns:
        checked["recorded_at"] = _timestamps(raw["recorded_at"], flag)

    if problems:
        problems.sort(key=lambda item: item[0])
        raise RatingsError(source, [p for _, p in problems], total=total)
    return ParsedRatings(_canonical(checked, raw.index), warnings)


def _canonical(frame: Mapping[str, pd.Series], index: pd.Index) -> pd.DataFrame:
    # Built in one go from whole columns: a workshop form of ten rows is validated on every
    # submission, and column-by-column assignment costs more than the data.
    n = len(index)
    columns: dict[str, object] = {"touchpoint": frame["touchpoint"].astype(str)}
    for column in (*SCALE_COLUMNS, "importance"):
        columns[column] = frame[column].astype(float) if column in frame else np.full(n, np.nan)
    for column in TEXT_COLUMNS:
        columns[column] = frame[column].astype(str) if column in frame else ""
    stamps = frame["recorded_at"] if "recorded_at" in frame else pd.Series(pd.NaT, index=index)
    columns["recorded_at"] = pd.to_datetime(stamps, utc=True).astype("datetime64[us, UTC]")
    return pd.DataFrame(columns, index=index)[list(RATING_COLUMNS)]


def _touchpoint_ids(column: pd.Series, journey: Journey, flag) -> pd.Series:
    """Accept ids and, because survey tools export labels, touchpoint names (any case)."""
    by_key = {tp.name.casefold(): tp.id for tp in journey.touchpoints}
    by_key.update({tp.id.casefold(): tp.id for tp in journey.touchpoints})
    cleaned = column.fillna("").astype(str).str.strip()
    ids = cleaned.str.casefold().map(by_key)
    flag(cleaned == "", "touchpoint", lambda _: "is empty")
    flag(
        ids.isna() & (cleaned != ""),
        "touchpoint",
        lambda v: f"{str(v).strip()!r} is not a touchpoint of {journey.name!r}",
    )
    return ids.fillna("")


def _numbers(column: pd.Series, name: str, flag) -> pd.Series:
    empty = column.isna() | (column.astype(str).str.strip() == "")
    values = pd.to_numeric(column.where(~empty), errors="coerce").astype(float)
    flag(values.isna() & ~empty, name, lambda v: f"{v!r} is not a number")
    flag(np.isinf(values), name, lambda v: f"{v} is not a finite number")
    return values.where(np.isfinite(values))


def _timestamps(column: pd.Series, flag) -> pd.Series:
    text = column.fillna("").astype(str).str.strip()
    stamps = pd.to_datetime(text.where(text != ""), errors="coerce", utc=True, format="ISO8601")
    flag(stamps.isna() & (text != ""), "recorded_at", lambda v: f"{v!r} is not an ISO date/time")
    return stamps


def _normalise_header(column: object) -> str:
    return str(column).strip().lstrip("\ufeff").lower().replace(" ", "_")


def sniff_delimiter(text: str) -> str:
    """The separator a CSV's header row uses most: comma, semicolon or tab."""
    header = text.lstrip("\ufeff").splitlines()[0]
    return max(_DELIMITERS, key=header.count)


def _read_bytes(source: str | Path | bytes | IO[bytes], name: str, max_bytes: int) -> bytes:
    try:
        if isinstance(source, bytes):
            data = source
        elif isinstance(source, str | Path):
            size = Path(source).stat().st_size
            if size > max_bytes:
                raise RatingsError.single(name, "", _too_big(size, max_bytes))
            data = Path(source).read_bytes()
        else:
            data = source.read(max_bytes + 1)
    except OSError as exc:
        raise RatingsError.single(name, "", f"cannot be read ({exc.strerror})") from exc
    if len(data) > max_bytes:
        raise RatingsError.single(name, "", _too_big(len(data), max_bytes))
    return data


def _too_big(size: int, max_bytes: int) -> str:
    return f"is {size / 1e6:,.0f} MB; ratings files are at most {max_bytes / 1e6:,.0f} MB"


def _parser_problem(exc: Exception, blank_before: int) -> tuple[str, str]:
    """pandas' tokenizer error as `row N` and a sentence; its line and row counts differ."""
    text = str(exc).strip()
    if match := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text):
        expected, line, saw = map(int, match.groups())
        row = f"row {line + blank_before}"
        return row, f"has {saw} cells but the header has {expected}; check the separators"
    if match := re.search(r"EOF inside string starting at row (\d+)", text):
        row = f"row {int(match.group(1)) + 1 + blank_before}"
        return row, 'opens a quote (") that is never closed'
    return "", f"is not a readable CSV ({text})"


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        # A zip archive: what Excel saves as .xlsx, often renamed or picked by mistake.
        raise RatingsError.single(
            name, "", "is a spreadsheet workbook (.xlsx), not CSV; use Save As → CSV UTF-8"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a byte-order mark, tab separated.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RatingsError.single(name, "", "is not valid UTF-16 text") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel versions save CSV as Windows-1252.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise RatingsError.single(name, "", "is not UTF-8 text; save it as CSV UTF-8") from exc
