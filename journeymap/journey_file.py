"""Reading and writing journey files (JSON), with errors that name the field path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from journeymap.errors import JourneyFileError, Problem
from journeymap.model import DISTRIBUTION_NAMES, Journey, ReferenceProblems

#: Journey files are small; anything larger is a mistake (or an attack) we refuse to parse.
MAX_JOURNEY_BYTES = 5_000_000


def load_journey(path: str | Path) -> Journey:
    """Read and validate a journey file; raises JourneyFileError naming the file and field."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_JOURNEY_BYTES:
            raise JourneyFileError.single(
                path.name, "", f"is {size:,} bytes; journey files are at most {MAX_JOURNEY_BYTES:,}"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise JourneyFileError.single(str(path), "", f"cannot be read ({exc.strerror})") from exc
    return parse_journey(raw, source=path.name)


def parse_journey(document: str | bytes | dict[str, Any], *, source: str = "journey") -> Journey:
    """Validate a journey given as JSON text or as an already-parsed dict."""
    if isinstance(document, str | bytes):
        # An upload arrives as bytes, not as a file: the size limit must hold here too.
        size = len(document) if isinstance(document, bytes) else len(document.encode())
        if size > MAX_JOURNEY_BYTES:
            raise JourneyFileError.single(
                source, "", f"is {size:,} bytes; journey files are at most {MAX_JOURNEY_BYTES:,}"
            )
        data = _decode(document, source)
    else:
        data = document
    try:
        return Journey.model_validate(data)
    except ValidationError as exc:
        raise JourneyFileError(source, describe_validation_error(exc)) from exc


def dump_journey(journey: Journey) -> str:
    """The journey as the JSON a user would write; parse_journey reads it back unchanged."""
    return journey.model_dump_json(indent=2, by_alias=True)


def journey_schema() -> dict[str, Any]:
    return Journey.model_json_schema(by_alias=True)


def _decode(document: str | bytes, source: str) -> Any:
    text = _text(document, source) if isinstance(document, bytes) else document
    if not text.strip():
        raise JourneyFileError.single(source, "", "is empty")
    try:
        # NaN and Infinity are not JSON, and a repeated key silently drops the first value;
        # Python's json accepts both, so each becomes a marker reported with its field path.
        data = json.loads(
            text, parse_constant=_NotJson.constant, object_pairs_hook=_object_keeping_repeats
        )
        problems = [Problem(where, marker.message) for where, marker in _markers(data, ())]
    except json.JSONDecodeError as exc:
        raise JourneyFileError.single(
            source, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})"
        ) from exc
    except RecursionError as exc:
        raise JourneyFileError.single(source, "", "is nested too deeply to be a journey") from exc
    if problems:
        raise JourneyFileError(source, problems)
    return data


def _text(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 as old editors save."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise JourneyFileError.single(
                source, f"byte {exc.start}", "is not UTF-16 text, though it starts like it"
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise JourneyFileError.single(
                source, f"byte {exc.start}", "is not UTF-8 text; save the file as UTF-8"
            ) from exc


class _NotJson:
    """Stands in for a value JSON does not allow, until its field path is known."""

    def __init__(self, message: str) -> None:
        self.message = message

    @classmethod
    def constant(cls, name: str) -> _NotJson:
        return cls(f"{name} is not a number JSON allows")


def _object_keeping_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        data[key] = _NotJson("appears twice in one object; keep one") if key in data else value
    return data


def _markers(data: Any, loc: tuple[int | str, ...]) -> Iterator[tuple[str, _NotJson]]:
    if isinstance(data, _NotJson):
        yield field_path(loc), data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _markers(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _markers(value, (*loc, i))


def describe_validation_error(exc: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into `touchpoints[3].stage: ...` problems."""
    problems: list[Problem] = []
    for error in exc.errors():
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, ReferenceProblems):
            prefix = field_path(error["loc"])
            problems.extend(
                Problem(".".join(filter(None, [prefix, p.where])), p.message)
                for p in cause.problems
            )
        else:
            problems.append(Problem(field_path(error["loc"]), _message(error)))
    return problems


def field_path(loc: tuple[int | str, ...]) -> str:
    """('touchpoints', 3, 'stage') -> 'touchpoints[3].stage'; drops union tags like 'lognormal'."""
    path = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in DISTRIBUTION_NAMES and i > 0 and loc[i - 1] == "delivered":
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; see `journeymap schema`)"
    if kind == "missing":
        return "is required"
    if not error["loc"] and kind in ("model_type", "dict_type"):
        return 'is not a journey: a journey file holds one JSON object, {"name": …}'
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return f"{_shortened(repr(value))}: {message[0].lower()}{message[1:]}"
    return message


def _shortened(text: str, limit: int = 80) -> str:
    # A pasted paragraph or a 400-digit number should not flood the message.
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
