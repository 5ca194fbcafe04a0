"""Result tables as text: CSV that is safe to open in a spreadsheet, and JSON records."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

#: A cell starting with one of these runs as a formula in Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Prefix a quote so `=HYPERLINK(...)` typed as a touchpoint name stays text (OWASP)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def frame_to_csv(frame: pd.DataFrame) -> str:
    """CSV with text cells neutralised; numbers (a gap of -1.2) are left as numbers."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: neutralise_formula(v) if isinstance(v, str) else v
            )
    safe.columns = [neutralise_formula(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, lineterminator="\n")


def frame_to_json(frame: pd.DataFrame) -> str:
    """Records with NaN as null (JSON has no NaN)."""
    records = frame.replace({np.nan: None}).to_dict(orient="records")
    return json.dumps(records, indent=2, default=str, ensure_ascii=False)
