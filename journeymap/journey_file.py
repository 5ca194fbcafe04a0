"""Reading and writing journey files (JSON), with errors that name the field path."""

from __future__ import annotations

import json
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
    data = _decode(document, source) if isinstance(document, str | bytes) else document
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
    if isinstance(document, bytes):
        try:
            document = document.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JourneyFileError.single(
                source, f"byte {exc.start}", "is not UTF-8 text; save the file as UTF-8"
            ) from exc
    if not document.strip():
        raise JourneyFileError.single(source, "", "is empty")
    try:
        # NaN and Infinity are not JSON; Python would accept them silently.
        return json.loads(document, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise JourneyFileError.single(
            source, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})"
        ) from exc
    except ValueError as exc:
        raise JourneyFileError.single(source, "", str(exc)) from exc


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


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
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return f"{value!r}: {message[0].lower()}{message[1:]}"
    return message
