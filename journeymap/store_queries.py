"""Every query and rule of the journey store, written once for any backend.

`Store` holds the journeys with their full version history, the ratings, workshops and coaching
actions; a backend (`journeymap.store.DuckDBStore`, `journeymap.postgres_store.PostgresStore`)
supplies only its dialect: how it connects, runs a transaction, reads a frame, bulk-loads
ratings and keeps two writers of the same thing apart. Every write is one transaction, so a
crash or a bad row leaves the store exactly as it was; every journey save is a new version.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import pandas as pd

from journeymap.errors import NotFound, StoreError, WorkshopClosed
from journeymap.gap_sums import (
    COUNT_COLUMNS,
    SUM_COLUMNS,
    check_curvature,
    empty_sums,
    sums_columns,
)
from journeymap.journey_file import dump_journey, parse_journey
from journeymap.model import Journey
from journeymap.ratings import RATING_COLUMNS, empty_ratings
from journeymap.store_records import JourneySummary, VersionInfo, Workshop, WorkshopProgress
from journeymap.store_schema import MIGRATIONS, SCHEMA_VERSION

_WORKSHOP_COLUMNS = "code, journey_id, version, title, segment, opened_at, opened_by, closed_at"
_RATING_DTYPES = {column: str(dtype) for column, dtype in empty_ratings().dtypes.items()}


class Unit(Protocol):
    """One connection's work in the store's SQL: `?` placeholders, plain Python values."""

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None: ...

    def all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]: ...

    def run(self, sql: str, params: Sequence[object] = ()) -> None: ...

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None: ...

    def frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame: ...


class Store(ABC):
    """Journeys, their versions, ratings and workshops: every query and rule, for any backend.

    A backend implements the hooks at the end (`_transaction`, `_reading`, `_load_ratings`,
    `_serialise`, optionally `_migration`) and `close`; nothing else differs.
    """

    #: Where the data lives, for messages: a file path, or a URL without its password.
    path: str

    #: Appended to a SELECT whose rows must not change until the transaction ends (a backend
    #: whose writers take turns needs nothing).
    _KEEP_ROW = ""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Journeys -------------------------------------------------------------------------------

    def save_journey(self, journey: Journey, *, author: str = "", note: str = "") -> int:
        """Store the journey as its next version; an unchanged journey keeps its version."""
        with self._transaction() as unit:
            return self._save(unit, journey, author=author, note=note)

    def import_journey(
        self,
        journey: Journey,
        ratings: pd.DataFrame | None = None,
        *,
        source: str = "",
        author: str = "",
        note: str = "imported",
        submission_key: str | None = None,
    ) -> int:
        """Save a journey and its ratings together: all of it is stored, or none.

        With a `submission_key` used before, the ratings are not stored again (two servers
        loading the samples into a new shared database at the same moment).
        """
        with self._transaction() as unit:
            version = self._save(unit, journey, author=author, note=note)
            if ratings is not None and len(ratings):
                self._insert_ratings(
                    unit, journey.id, ratings, source=source, submission_key=submission_key
                )
            return version

    def journey(self, journey_id: str, *, version: int | None = None) -> Journey:
        with self._reading() as unit:
            if version is None:
                row = unit.one(
                    "SELECT document FROM journey_versions WHERE journey_id = ? "
                    "ORDER BY version DESC LIMIT 1",
                    [journey_id],
                )
            else:
                row = unit.one(
                    "SELECT document FROM journey_versions WHERE journey_id = ? AND version = ?",
                    [journey_id, version],
                )
        if row is None:
            which = f"version {version} of " if version is not None else ""
            raise NotFound(f"There is no {which}journey {journey_id!r} in {self.path}.")
        return parse_journey(row[0], source=f"{journey_id} (stored)")

    def journeys(self) -> list[JourneySummary]:
        with self._reading() as unit:
            rows = unit.all(
                """
                SELECT v.journey_id, v.name, v.version, v.saved_at,
                       coalesce(r.n, 0) AS ratings
                FROM journey_versions v
                JOIN (SELECT journey_id, max(version) AS version FROM journey_versions
                      GROUP BY journey_id) latest USING (journey_id, version)
                LEFT JOIN (SELECT journey_id, count(*) AS n FROM ratings GROUP BY journey_id) r
                       USING (journey_id)
                ORDER BY lower(v.name), v.journey_id
                """
            )
        return [JourneySummary(*row) for row in rows]

    def versions(self, journey_id: str) -> list[VersionInfo]:
        """The journey's history, newest first."""
        with self._reading() as unit:
            rows = unit.all(
                "SELECT version, name, saved_at, author, note FROM journey_versions "
                "WHERE journey_id = ? ORDER BY version DESC",
                [journey_id],
            )
        if not rows:
            raise NotFound(f"There is no journey {journey_id!r} in {self.path}.")
        return [VersionInfo(*row) for row in rows]

    def restore(self, journey_id: str, version: int, *, author: str = "") -> int:
        """Undo: save an earlier version again as the newest one (history is never rewritten)."""
        old = self.journey(journey_id, version=version)
        with self._transaction() as unit:
            return self._save(unit, old, author=author, note=f"restored version {version}")

    # Ratings --------------------------------------------------------------------------------

    def add_ratings(
        self,
        journey_id: str,
        ratings: pd.DataFrame,
        *,
        source: str = "",
        submission_key: str | None = None,
    ) -> int:
        """Append validated ratings in one transaction; returns how many rows were stored.

        A repeated `submission_key` (a double-click, a rerun, two servers given the same
        request) stores nothing the second time.
        """
        self.journey(journey_id)  # raises NotFound before anything is written
        with self._transaction() as unit:
            batch_id = self._insert_ratings(
                unit, journey_id, ratings, source=source, submission_key=submission_key
            )
            return 0 if batch_id is None else len(ratings)

    def ratings(self, journey_id: str) -> pd.DataFrame:
        """All ratings of a journey in the canonical columns (see journeymap.ratings)."""
        return self._ratings_where("journey_id = ?", [journey_id])

    def rating_count(self, journey_id: str) -> int:
        with self._reading() as unit:
            row = unit.one("SELECT count(*) FROM ratings WHERE journey_id = ?", [journey_id])
        return int(row[0]) if row else 0

    def rating_sources(self, journey_id: str) -> pd.DataFrame:
        """Where a journey's ratings came from (each file, each workshop), newest first."""
        query = """
            SELECT b.source, count(DISTINCT b.id) AS batches, min(b.imported_at) AS first,
                   max(b.imported_at) AS last, count(r.batch_id) AS ratings
            FROM rating_batches b LEFT JOIN ratings r ON r.batch_id = b.id
            WHERE b.journey_id = ?
            GROUP BY b.source
            ORDER BY last DESC
        """
        with self._reading() as unit:
            frame = unit.frame(query, [journey_id])
        return frame.astype({"batches": "int64", "ratings": "int64"})

    def rating_revision(self, journey_id: str) -> tuple[int, int]:
        """Changes whenever the journey's ratings do (a cache key): row count and newest batch."""
        with self._reading() as unit:
            count, newest = unit.one(
                "SELECT count(*), coalesce(max(batch_id), 0) FROM ratings WHERE journey_id = ?",
                [journey_id],
            )
        return int(count), int(newest)

    def segments(self, journey_id: str) -> list[str]:
        """The respondent segments present in a journey's ratings, sorted."""
        with self._reading() as unit:
            rows = unit.all(
                "SELECT DISTINCT segment FROM ratings WHERE journey_id = ? AND segment <> '' "
                "ORDER BY segment",
                [journey_id],
            )
        return [row[0] for row in rows]

    def respondent_count(self, journey_id: str, *, segments: Sequence[str] | None = None) -> int:
        """Distinct named respondents (rows without a respondent name are not counted)."""
        where, params = "journey_id = ? AND respondent <> ''", [journey_id]
        if segments:
            where += f" AND segment IN ({', '.join('?' for _ in segments)})"
            params += list(segments)
        with self._reading() as unit:
            row = unit.one(f"SELECT count(DISTINCT respondent) FROM ratings WHERE {where}", params)
        return int(row[0]) if row else 0

    # Workshops ------------------------------------------------------------------------------

    def create_workshop(
        self, code: str, journey_id: str, *, title: str = "", segment: str = "", opened_by: str = ""
    ) -> Workshop:
        """Open a workshop on the journey's current version (later edits don't move it)."""
        with self._transaction() as unit:
            row = unit.one(
                "SELECT max(version) FROM journey_versions WHERE journey_id = ?", [journey_id]
            )
            if row is None or row[0] is None:
                raise NotFound(f"There is no journey {journey_id!r} in {self.path}.")
            unit.run(
                "INSERT INTO workshops VALUES (?, ?, ?, ?, ?, now(), ?, NULL)",
                [code, journey_id, row[0], title, segment, opened_by],
            )
        return self.workshop(code)

    def workshop(self, code: str) -> Workshop:
        with self._reading() as unit:
            row = unit.one(f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE code = ?", [code])
        if row is None:
            raise NotFound(f"There is no workshop with the code {code!r}.")
        return Workshop(*row)

    def workshops(self, journey_id: str) -> list[Workshop]:
        """The journey's workshops, newest first."""
        with self._reading() as unit:
            rows = unit.all(
                f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE journey_id = ? "
                "ORDER BY opened_at DESC, code",
                [journey_id],
            )
        return [Workshop(*row) for row in rows]

    def close_workshop(self, code: str) -> Workshop:
        """Close it: the join code stops working; its ratings stay."""
        with self._transaction() as unit:
            unit.run(
                "UPDATE workshops SET closed_at = now() WHERE code = ? AND closed_at IS NULL",
                [code],
            )
        return self.workshop(code)

    def submit_workshop_ratings(
        self,
        code: str,
        ratings: pd.DataFrame,
        *,
        participant: str,
        participant_name: str,
        submission_key: str,
    ) -> int:
        """Store a participant's ratings, replacing their earlier submission to this workshop.

        One transaction: the participant's old rows go and the new ones arrive together. A
        repeated `submission_key` (a double-click, a rerun) stores nothing the second time.
        """
        with self._transaction() as unit:
            # Two servers replacing the same participant's rows at once would each delete only
            # the rows they can see and both insert: one at a time per participant.
            self._serialise(unit, f"workshop {code} participant {participant}")
            # The row stays as read until this transaction ends: a close in progress elsewhere
            # is waited for and seen, and a close that starts now waits for this submission.
            row = unit.one(
                "SELECT journey_id, closed_at FROM workshops WHERE code = ?" + self._KEEP_ROW,
                [code],
            )
            if row is None:
                raise NotFound(f"There is no workshop with the code {code!r}.")
            if row[1] is not None:
                raise WorkshopClosed(f"Workshop {code} was closed by its facilitator.")
            # Claim the key first: a repeat returns here before anything is deleted.
            batch_id = self._insert_ratings(
                unit, row[0], ratings, source=f"workshop {code}", submission_key=submission_key
            )
            if batch_id is None:
                return 0
            unit.run(
                "DELETE FROM ratings WHERE batch_id IN (SELECT batch_id FROM "
                "workshop_submissions WHERE workshop = ? AND participant = ?)",
                [code, participant],
            )
            unit.run(
                "INSERT INTO workshop_submissions VALUES (?, ?, ?, ?, now())",
                [batch_id, code, participant, participant_name],
            )
            return len(ratings)

    def workshop_ratings(self, code: str) -> pd.DataFrame:
        """The current ratings of a workshop (each participant's latest submission)."""
        return self._ratings_where(
            "batch_id IN (SELECT batch_id FROM workshop_submissions WHERE workshop = ?)", [code]
        )

    def workshop_progress(self, code: str) -> WorkshopProgress:
        """Who has rated so far, for the facilitator's screen."""
        with self._reading() as unit:
            rows = unit.all(
                """
                SELECT s.participant_name, count(r.batch_id)
                FROM workshop_submissions s JOIN ratings r USING (batch_id)
                WHERE s.workshop = ?
                GROUP BY s.participant, s.participant_name
                ORDER BY min(s.submitted_at)
                """,
                [code],
            )
        return WorkshopProgress(
            participants=len(rows),
            ratings=sum(int(n) for _, n in rows),
            names=[name for name, _ in rows],
        )

    # Coaching -------------------------------------------------------------------------------

    def save_coaching_action(
        self,
        journey_id: str,
        touchpoint: str,
        *,
        action: str,
        depth: str = "",
        owner: str = "",
        author: str = "",
    ) -> None:
        """Record the action agreed for a touchpoint; earlier ones stay in the history."""
        self.journey(journey_id)  # raises NotFound before anything is written
        with self._transaction() as unit:
            unit.run(
                "INSERT INTO coaching_actions VALUES (?, ?, now(), ?, ?, ?, ?)",
                [journey_id, touchpoint, author, depth, action, owner],
            )

    def coaching_actions(self, journey_id: str, *, history: bool = False) -> pd.DataFrame:
        """The agreed action per touchpoint (newest), or every saved action with `history`."""
        columns = "touchpoint, depth, action, owner, author, saved_at"
        newest = "" if history else "WHERE newest = 1"
        query = f"""
            SELECT {columns} FROM (
                SELECT {columns},
                       row_number() OVER (PARTITION BY touchpoint ORDER BY saved_at DESC) AS newest
                FROM coaching_actions WHERE journey_id = ?
            ) AS actions
            {newest}
            ORDER BY touchpoint, saved_at DESC
        """
        with self._reading() as unit:
            return unit.frame(query, [journey_id])

    def is_empty(self) -> bool:
        with self._reading() as unit:
            row = unit.one("SELECT count(*) FROM journeys")
        return not row or row[0] == 0

    # Analytics ------------------------------------------------------------------------------

    def rating_sums(
        self,
        journey_id: str,
        *,
        curvature: float | None = None,
        by_segment: bool = False,
        segments: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The gap sums of a journey's ratings in one aggregate query (see journeymap.gap_sums).

        Same frame as `gap_sums.rating_sums` over the same ratings, so `gaps.gap_table` takes
        either. The database aggregates on both backends: only a few hundred sums travel,
        never the ratings (benchmarks/bench_concurrency.py measures it against reading the
        rows out of PostgreSQL and summing them in numpy).
        """
        alpha = check_curvature(curvature)
        # α = 1 needs no POWER(); the expression text is fixed, values go in as parameters.
        magnitude, magnitude_params = ("ABS(gap)", []) if curvature is None else (
            "POWER(ABS(gap), ?)", [alpha]
        )  # fmt: skip
        keys = "touchpoint, segment" if by_segment else "touchpoint"
        where, where_params = "journey_id = ?", [journey_id]
        if segments:
            where += f" AND segment IN ({', '.join('?' for _ in segments)})"
            where_params += list(segments)
        query = f"""
            SELECT {keys},
                   COUNT(*) AS n,
                   SUM(expected) AS sum_expected,
                   SUM(experienced) AS sum_experienced,
                   SUM(gap) AS sum_gap,
                   SUM(gap * gap) AS sum_gap_squared,
                   COUNT(CASE WHEN gap < 0 THEN 1 END) AS n_shortfall,
                   COUNT(CASE WHEN gap > 0 THEN 1 END) AS n_exceed,
                   SUM(CASE WHEN gap > 0 THEN {magnitude} ELSE 0 END) AS sum_gain_value,
                   SUM(CASE WHEN gap < 0 THEN {magnitude} ELSE 0 END) AS sum_loss_value,
                   COALESCE(SUM(importance), 0) AS sum_importance,
                   COUNT(importance) AS n_importance,
                   COALESCE(SUM(experienced - adequate), 0) AS sum_msa,
                   COUNT(adequate) AS n_msa,
                   COALESCE(SUM(experienced - desired), 0) AS sum_mss,
                   COUNT(desired) AS n_mss
            FROM (
                SELECT touchpoint, segment, expected, experienced, importance, adequate, desired,
                       experienced - expected AS gap
                FROM ratings
                WHERE {where} AND expected IS NOT NULL AND experienced IS NOT NULL
            ) AS rated
            GROUP BY {keys}
            ORDER BY {keys}
        """
        params = magnitude_params * 2 + where_params
        with self._reading() as unit:
            frame = unit.frame(query, params)
        if frame.empty:
            return empty_sums(by_segment=by_segment)
        frame["curvature"] = alpha
        return frame.astype(
            {**dict.fromkeys(SUM_COLUMNS, "float64"), **dict.fromkeys(COUNT_COLUMNS, "int64")}
        )[sums_columns(by_segment=by_segment)]

    # Shared internals -----------------------------------------------------------------------

    def _ratings_where(self, condition: str, params: list[object]) -> pd.DataFrame:
        columns = ", ".join(RATING_COLUMNS)
        query = f"SELECT {columns} FROM ratings WHERE {condition} ORDER BY batch_id"
        with self._reading() as unit:
            frame = unit.frame(query, params)
        if frame.empty:
            return empty_ratings()
        return frame.astype(_RATING_DTYPES)

    def _migrate(self) -> None:
        """Bring the schema up to SCHEMA_VERSION in one transaction: all of it, or none.

        Two servers starting at once: the second waits for the first and finds nothing to do.
        """
        with self._transaction() as unit:
            self._serialise(unit, "schema")
            unit.run("CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL)")
            row = unit.one("SELECT max(version) FROM schema_info")
            current = (row[0] if row else None) or 0
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer journeymap (schema {current}); "
                    f"this one knows schema {SCHEMA_VERSION}. Upgrade journeymap to open it."
                )
            if current == SCHEMA_VERSION:
                return
            for version in range(current + 1, SCHEMA_VERSION + 1):
                unit.run(self._migration(version))
            unit.run("DELETE FROM schema_info")
            unit.run("INSERT INTO schema_info VALUES (?)", [SCHEMA_VERSION])

    def _save(self, unit: Unit, journey: Journey, *, author: str, note: str) -> int:
        # Two servers saving the same journey at once must not both take version n + 1.
        self._serialise(unit, f"journey {journey.id}")
        document = dump_journey(journey)
        latest = unit.one(
            "SELECT version, document FROM journey_versions WHERE journey_id = ? "
            "ORDER BY version DESC LIMIT 1",
            [journey.id],
        )
        if latest is not None and latest[1] == document:
            return latest[0]
        version = 1 if latest is None else latest[0] + 1
        if latest is None:
            unit.run("INSERT INTO journeys VALUES (?, now())", [journey.id])
        unit.run(
            "INSERT INTO journey_versions VALUES (?, ?, ?, now(), ?, ?, ?)",
            [journey.id, version, journey.name, author, note, document],
        )
        stage_position = {stage: i for i, stage in enumerate(journey.stages)}
        if journey.touchpoints:
            unit.many(
                "INSERT INTO touchpoints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [journey.id, version, i, tp.id, tp.name, tp.stage, stage_position[tp.stage],
                     tp.lane.value, tp.channel, tp.role,
                     tp.dimension.value if tp.dimension else None, tp.importance]
                    for i, tp in enumerate(journey.touchpoints)
                ],
            )  # fmt: skip
        if journey.transitions:
            unit.many(
                "INSERT INTO transitions VALUES (?, ?, ?, ?, ?)",
                [[journey.id, version, t.source, t.target, t.share] for t in journey.transitions],
            )
        if journey.promises:
            unit.many(
                "INSERT INTO promises VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [journey.id, version, i, p.touchpoint, p.lever.value, p.promised, p.unit,
                     p.delivered.model_dump_json()]
                    for i, p in enumerate(journey.promises)
                ],
            )  # fmt: skip
        return version

    def _insert_ratings(
        self,
        unit: Unit,
        journey_id: str,
        ratings: pd.DataFrame,
        *,
        source: str,
        submission_key: str | None,
    ) -> int | None:
        """A new batch with its ratings; None (and nothing written) if the key was used before.

        The unique key decides, not a look-up first: when two servers insert the same key at
        once, the database makes the second wait for the first and then skip.
        """
        row = unit.one(
            "INSERT INTO rating_batches VALUES (nextval('rating_batch_ids'), ?, ?, now(), ?, ?) "
            "ON CONFLICT (submission_key) DO NOTHING RETURNING id",
            [journey_id, source, len(ratings), submission_key],
        )
        if row is None:
            return None
        self._load_ratings(unit, row[0], journey_id, ratings[list(RATING_COLUMNS)])
        return int(row[0])

    # Backend hooks --------------------------------------------------------------------------

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Unit]:
        """One all-or-nothing unit of work: committed at the end, rolled back on any error."""

    @abstractmethod
    def _reading(self) -> AbstractContextManager[Unit]:
        """A connection for reads; each statement sees committed data."""

    @abstractmethod
    def _load_ratings(
        self, unit: Unit, batch_id: int, journey_id: str, ratings: pd.DataFrame
    ) -> None:
        """Bulk-insert ratings (the canonical columns, in order) under one batch."""

    @abstractmethod
    def _serialise(self, unit: Unit, topic: str) -> None:
        """Make other writers of `topic` wait until this transaction ends."""

    def _migration(self, version: int) -> str:
        """The script that brings the schema from `version - 1` to `version`."""
        return MIGRATIONS[version - 1]
