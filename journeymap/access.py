"""Who may do what: facilitators edit and read everything; participants only rate.

The facilitator passcode comes from the environment (or, in the app, Streamlit secrets). With
no passcode configured the app runs in single-user mode: whoever opens it is the facilitator,
which is right on a laptop and wrong on a shared server — the app says so on every page.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from enum import StrEnum

PASSCODE_VARIABLE = "JOURNEYMAP_FACILITATOR_PASSCODE"
PASSCODE_SECRET = "facilitator_passcode"


class Role(StrEnum):
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"


def configured_passcode(
    secrets: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The passcode from secrets (`facilitator_passcode`) or the environment; None if unset."""
    environ = os.environ if environ is None else environ
    for value in ((secrets or {}).get(PASSCODE_SECRET), environ.get(PASSCODE_VARIABLE)):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def passcode_matches(given: str, configured: str) -> bool:
    # Constant-time comparison: response times must not reveal how much of a guess was right.
    return hmac.compare_digest(given.strip().encode(), configured.encode())
