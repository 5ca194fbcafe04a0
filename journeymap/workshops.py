"""Workshops: short, unguessable join codes and a participant's form turned into ratings.

A facilitator opens a workshop on a journey; participants type the code and their name and
rate each touchpoint. The code is the only key to the workshop: it is drawn from the OS's
secure random source and stops working when the facilitator closes the workshop.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

import numpy as np
import pandas as pd

from journeymap.errors import InvalidInput, NotFound, Problem, WorkshopClosed
from journeymap.model import Journey
from journeymap.ratings import ratings_from_frame
from journeymap.store import Store, Workshop

#: No 0/O or 1/I/L: codes are read off a projector and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: 31^8 ≈ 8.5 × 10^11 codes: guessing one of a few open workshops is hopeless.
CODE_LENGTH = 8
MAX_NAME_LENGTH = 60
RATED_FIELDS = ("expected", "experienced", "importance")


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_join_code(code: str) -> str:
    """`K7QM4XPD` as `K7QM-4XPD`, easier to read aloud."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_join_code(text: str) -> str:
    """Accept what people type: any case, spaces or dashes; refuse anything else."""
    code = "".join(ch for ch in text.upper() if ch not in " -")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise InvalidInput.single(
            "join code",
            "",
            f"{text.strip()!r} is not a workshop code; it has {CODE_LENGTH} letters and digits, "
            "like K7QM-4XPD",
        )
    return code


def open_workshop(
    store: Store, journey_id: str, *, title: str = "", segment: str = "", opened_by: str = ""
) -> Workshop:
    """Open a workshop on the journey's current version under a fresh join code."""
    for _ in range(5):
        code = new_join_code()
        try:
            store.workshop(code)
        except NotFound:
            return store.create_workshop(
                code, journey_id, title=title.strip(), segment=segment.strip(), opened_by=opened_by
            )
    raise RuntimeError("could not draw an unused join code")  # pragma: no cover


def join(store: Store, text: str) -> tuple[Workshop, Journey]:
    """The open workshop behind a typed code and the journey version it rates."""
    code = normalise_join_code(text)
    try:
        workshop = store.workshop(code)
    except NotFound:
        # Same words for unknown and mistyped codes: nothing to learn from probing.
        raise InvalidInput.single(
            "join code", "", f"no open workshop has the code {format_join_code(code)}"
        ) from None
    if not workshop.is_open:
        raise WorkshopClosed(f"Workshop {format_join_code(code)} has been closed.")
    return workshop, store.journey(workshop.journey_id, version=workshop.version)


def participant_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise InvalidInput.single("your name", "", "is required, so the facilitator can thank you")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput.single("your name", "", f"is longer than {MAX_NAME_LENGTH} characters")
    return name


def form_ratings(
    journey: Journey,
    answers: Mapping[str, Mapping[str, float | None]],
    *,
    respondent: str,
    segment: str = "",
) -> pd.DataFrame:
    """A participant's answers {touchpoint: {expected, experienced, importance}} as ratings.

    Touchpoints left blank are skipped; one rated on only one side is an error that names it,
    because in a workshop that is a half-filled form, not a survey's deliberate blank.
    """
    rows, problems = [], []
    for tp in journey.ordered_touchpoints():
        answer = answers.get(tp.id, {})
        values = {field: _number(answer.get(field)) for field in RATED_FIELDS}
        if values["expected"] is None and values["experienced"] is None:
            continue
        for field in ("expected", "experienced"):
            if values[field] is None:
                problems.append(Problem(f"{tp.name}, {field}", "is missing"))
        rows.append({"touchpoint": tp.id, **values, "respondent": respondent, "segment": segment})
    if problems:
        raise InvalidInput("your ratings", problems)
    if not rows:
        raise InvalidInput.single("your ratings", "", "rate at least one touchpoint")
    frame = pd.DataFrame(rows).astype(dict.fromkeys(RATED_FIELDS, float))
    return ratings_from_frame(frame, journey, source="your ratings").frame


def submit(
    store: Store,
    workshop: Workshop,
    journey: Journey,
    answers: Mapping[str, Mapping[str, float | None]],
    *,
    participant: str,
    name: str,
    submission_key: str,
) -> int:
    """Validate and store a participant's ratings; their earlier submission is replaced."""
    respondent = participant_name(name)
    frame = form_ratings(journey, answers, respondent=respondent, segment=workshop.segment)
    return store.submit_workshop_ratings(
        workshop.code,
        frame,
        participant=participant,
        participant_name=respondent,
        submission_key=submission_key,
    )


def _number(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else number
