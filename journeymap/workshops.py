"""Workshops: short, unguessable join codes and a participant's form turned into ratings.

A facilitator opens a workshop on a journey; participants type the code and their name and
rate each touchpoint. The code is the only key to the workshop: it is drawn from the OS's
secure random source and stops working when the facilitator closes the workshop.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd
import segno

from journeymap.errors import InvalidInput, NotFound, Problem, WorkshopClosed
from journeymap.gaps import gap_table
from journeymap.model import Journey, Scale, Touchpoint
from journeymap.ratings import ratings_from_frame
from journeymap.store import Store, Workshop, WorkshopProgress

#: No 0/O or 1/I/L: codes are read off a projector and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: 31^8 ≈ 8.5 × 10^11 codes: guessing one of a few open workshops is hopeless.
CODE_LENGTH = 8
MAX_NAME_LENGTH = 60
RATED_FIELDS = ("expected", "experienced", "importance")
#: A scale with at most this many whole-number points is rated by tapping a point (phones).
MAX_TAPPED_POINTS = 11
JOIN_PAGE = "join"
_PARTICIPANT_ID = re.compile(r"^[0-9a-f]{32}$")
_LOCAL_HOSTS = {"localhost", "::1", "0.0.0.0"}


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
    rows, names, problems = [], [], []
    for tp in journey.ordered_touchpoints():
        answer = answers.get(tp.id, {})
        values = {field: _number(answer.get(field)) for field in RATED_FIELDS}
        if values["expected"] is None and values["experienced"] is None:
            continue
        for field in ("expected", "experienced"):
            if values[field] is None:
                problems.append(Problem(f"{tp.name}, {field}", "is missing"))
        rows.append({"touchpoint": tp.id, **values, "respondent": respondent, "segment": segment})
        names.append(tp.name)
    if problems:
        raise InvalidInput("your ratings", problems)
    if not rows:
        raise InvalidInput.single("your ratings", "", "rate at least one touchpoint")
    frame = pd.DataFrame(rows).astype(dict.fromkeys(RATED_FIELDS, float))
    # A form has no row numbers: messages name the touchpoint the participant sees.
    return ratings_from_frame(frame, journey, source="your ratings", rows=names).frame


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


@dataclass(frozen=True)
class LiveWorkshop:
    """What the facilitator's screen shows of one workshop, read together."""

    workshop: Workshop
    journey: Journey
    progress: WorkshopProgress
    gaps: pd.DataFrame

    @property
    def has_ratings(self) -> bool:
        return self.progress.ratings > 0

    @property
    def rated_touchpoints(self) -> int:
        return int((self.gaps["n"] > 0).sum())


def workshop_gaps(
    store: Store, workshop: Workshop, *, journey: Journey | None = None
) -> pd.DataFrame:
    """The gap table of this workshop's ratings alone, on the journey version it pins.

    With two or three participants a t interval is wider than the scale itself; it is cut to
    the gaps the scale allows (±(max − min)), which keeps its coverage and the live chart legible.
    """
    journey = journey or store.journey(workshop.journey_id, version=workshop.version)
    table = gap_table(journey, store.workshop_ratings(workshop.code))
    span = journey.scale.max - journey.scale.min
    bounds = ["gap_ci_low", "gap_ci_high"]
    table[bounds] = table[bounds].clip(lower=-span, upper=span)
    return table


def live_workshop(store: Store, code: str) -> LiveWorkshop:
    """Progress and gaps of a workshop (open or closed) for the facilitator's live panel."""
    workshop = store.workshop(code)
    journey = store.journey(workshop.journey_id, version=workshop.version)
    return LiveWorkshop(
        workshop=workshop,
        journey=journey,
        progress=store.workshop_progress(code),
        gaps=workshop_gaps(store, workshop, journey=journey),
    )


def workshop_revision(store: Store, code: str) -> tuple[object, ...]:
    """Changes whenever the live panel would: the workshop closes or its journey's ratings change.

    Two cheap queries, so a screen refreshing every few seconds rebuilds its chart only when
    someone has actually sent ratings.
    """
    workshop = store.workshop(code)
    return (workshop.code, workshop.closed_at, *store.rating_revision(workshop.journey_id))


def workshop_overview(store: Store, journey_id: str) -> pd.DataFrame:
    """The journey's workshops, newest first, with how many took part in each."""
    rows = []
    for workshop in store.workshops(journey_id):
        progress = store.workshop_progress(workshop.code)
        rows.append(
            {
                "code": workshop.code,
                "join_code": format_join_code(workshop.code),
                "title": workshop.title,
                "segment": workshop.segment,
                "version": workshop.version,
                "opened_at": workshop.opened_at,
                "closed_at": workshop.closed_at,
                "is_open": workshop.is_open,
                "participants": progress.participants,
                "ratings": progress.ratings,
            }
        )
    columns = ["code", "join_code", "title", "segment", "version", "opened_at", "closed_at",
               "is_open", "participants", "ratings"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def join_url(
    app_url: str | None, code: str, *, page: str = JOIN_PAGE, current_page: str = "workshop"
) -> str:
    """The link participants open: the join page with the code filled in.

    `app_url` is the address the facilitator's browser shows; its page (`current_page`) and
    query are replaced, so an app served under a path prefix keeps the prefix. `page=""` links
    to the app's root, which is where a role's home page is served.

    >>> join_url("http://10.0.0.5:8501/workshop?journey=pizza", "K7QM4XPD")
    'http://10.0.0.5:8501/join?code=K7QM-4XPD'
    """
    parts = urlsplit(app_url or "")
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments and segments[-1] == current_page:
        segments.pop()
    path = "/" + "/".join([*segments, page]) if page else "/" + "".join(f"{s}/" for s in segments)
    query = urlencode({"code": format_join_code(code)})
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def only_reachable_here(url: str) -> bool:
    """True for a localhost address, which participants' own devices cannot open."""
    host = (urlsplit(url).hostname or "").lower()
    return host in _LOCAL_HOSTS or host.startswith("127.")


def join_qr_png(url: str, *, scale: int = 12) -> bytes:
    """A QR code of the join link as PNG, large enough to scan off a projector screen."""
    buffer = io.BytesIO()
    # Level M survives a projector's glare and keystone better than the default L.
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def participant_id(text: str | None) -> str | None:
    """A participant id kept in a join link (32 hex digits), or None for anything else."""
    return text if isinstance(text, str) and _PARTICIPANT_ID.match(text) else None


def rating_points(scale: Scale) -> list[int] | None:
    """The points of a short whole-number scale (1–7 → 1…7), or None to type a number."""
    low, high = scale.min, scale.max
    if not (low.is_integer() and high.is_integer()) or high - low + 1 > MAX_TAPPED_POINTS:
        return None
    return list(range(int(low), int(high) + 1))


def importance_points(scale: Scale) -> list[int] | None:
    """Importance is rated on the journey's scale too, but must be greater than 0."""
    points = rating_points(scale)
    return None if points is None else [p for p in points if p > 0] or None


def rating_sections(journey: Journey) -> list[tuple[str, list[Touchpoint]]]:
    """Touchpoints in journey order, grouped by stage (stages without any are left out)."""
    sections: dict[str, list[Touchpoint]] = {}
    for tp in journey.ordered_touchpoints():
        sections.setdefault(tp.stage, []).append(tp)
    return list(sections.items())


def _number(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else number
