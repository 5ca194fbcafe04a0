"""Survey imports: read and check a ratings file, show what would be stored, then store it once.

Nothing is written until the user has seen the preview; the file's content hash is the import's
key, so a double-click or importing the same file twice stores its ratings only once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from journeymap.model import Journey
from journeymap.ratings import read_ratings
from journeymap.store import Store


@dataclass(frozen=True)
class RatingsPreview:
    source: str
    key: str
    frame: pd.DataFrame
    warnings: list[str]

    @property
    def rows(self) -> int:
        return len(self.frame)

    @property
    def respondents(self) -> int:
        named = self.frame["respondent"]
        return int(named[named != ""].nunique())

    def per_touchpoint(self, journey: Journey) -> pd.DataFrame:
        """Rows per touchpoint in journey order, with how many have a gap (both values)."""
        frame = self.frame
        complete = frame["expected"].notna() & frame["experienced"].notna()
        counts = pd.DataFrame(
            {
                "rows": frame.groupby("touchpoint").size(),
                "with_gap": complete.groupby(frame["touchpoint"]).sum(),
            }
        )
        order = [tp.id for tp in journey.ordered_touchpoints()]
        table = counts.reindex(order, fill_value=0).astype("int64")
        table.insert(0, "touchpoint", [journey.touchpoint(tp).name for tp in order])
        return table.reset_index(drop=True)


def preview_ratings(data: bytes, journey: Journey, *, source: str) -> RatingsPreview:
    """Parse and validate a ratings file; raises RatingsError naming row and column."""
    parsed = read_ratings(data, journey, name=source)
    key = f"{journey.id}:{hashlib.sha256(data).hexdigest()}"
    return RatingsPreview(source, key, parsed.frame, parsed.warnings)


def import_ratings(store: Store, journey: Journey, preview: RatingsPreview) -> int:
    """Store the previewed ratings in one transaction; 0 if this file was imported before."""
    return store.add_ratings(
        journey.id, preview.frame, source=preview.source, submission_key=preview.key
    )
