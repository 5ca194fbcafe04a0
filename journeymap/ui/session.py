"""What this browser session is: its role, and the journey it is looking at."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from journeymap.access import PASSCODE_SECRET, Role, configured_passcode, passcode_matches
from journeymap.model import Journey
from journeymap.store import JourneySummary
from journeymap.ui.resources import get_store

JOURNEY_KEY = "journey"
PENDING_KEY = "journey_pending"


def passcode() -> str | None:
    return configured_passcode(_secrets())


def single_user_mode() -> bool:
    return passcode() is None


def role() -> Role:
    """Facilitator when signed in, or when no passcode is configured (single-user mode)."""
    if single_user_mode() or st.session_state.get("signed_in"):
        return Role.FACILITATOR
    return Role.PARTICIPANT


def sign_in(given: str) -> bool:
    configured = passcode()
    ok = configured is not None and passcode_matches(given, configured)
    st.session_state["signed_in"] = ok
    return ok


def sign_out() -> None:
    st.session_state.pop("signed_in", None)


def session_id() -> str:
    """A random id for this browser session (a workshop participant's identity)."""
    return st.session_state.setdefault("session_id", uuid.uuid4().hex)


def journey_picker() -> None:
    """The sidebar's journey selector; the address bar keeps its id (`?journey=…`) to share."""
    summaries = get_store().journeys()
    if not summaries:
        return
    # Labels must differ: Streamlit tells options apart by their label, so two journeys of
    # one name would swap on the next rerun. A repeated name shows its id too.
    uses = Counter(s.name for s in summaries)
    names = {
        s.id: f"{s.name} ({s.id})  ·  v{s.version}"
        if uses[s.name] > 1
        else f"{s.name}  ·  v{s.version}"
        for s in summaries
    }
    # A journey picked on a page (select_journey) wins; then the current one; then a link's
    # `?journey=`; an unknown or missing id falls back to the first journey.
    wanted = (
        st.session_state.pop(PENDING_KEY, None)
        or st.session_state.get(JOURNEY_KEY)
        or st.query_params.get(JOURNEY_KEY)
    )
    st.session_state[JOURNEY_KEY] = wanted if wanted in names else summaries[0].id
    st.sidebar.selectbox(
        "Journey",
        list(names),
        format_func=names.__getitem__,
        key=JOURNEY_KEY,
        help="Every page shows this journey. The address bar keeps it, so a link shares it.",
    )
    # Synced by hand rather than with `bind`, which would put the label (with its version
    # number) in the address instead of the id, and links would break after the next save.
    st.query_params[JOURNEY_KEY] = st.session_state[JOURNEY_KEY]


def select_journey(journey_id: str) -> None:
    """Open another journey from the next rerun on (the picker widget already exists now)."""
    st.session_state[PENDING_KEY] = journey_id


def current_summary() -> JourneySummary:
    """The selected journey's summary; pages stop with a hint when there is none."""
    summaries = {s.id: s for s in get_store().journeys()}
    chosen = summaries.get(st.session_state.get(JOURNEY_KEY, ""))
    if chosen is None:
        st.info("No journey yet — create one on the **Journeys** page or import a JSON file.")
        st.stop()
    return chosen


def current_journey(summary: JourneySummary | None = None) -> Journey:
    """The selected journey; pass the `current_summary()` a page already has, to read it once."""
    return get_store().journey((summary or current_summary()).id)


def _secrets() -> Mapping[str, object]:
    try:
        return {PASSCODE_SECRET: st.secrets[PASSCODE_SECRET]}
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):
        return {}
