"""Opening the journey store, and its embedded backend: a DuckDB file.

Every query and rule lives in `journeymap.store_queries.Store`; `DuckDBStore` supplies the
DuckDB dialect (this is the only module that imports duckdb). Several app servers share one
PostgreSQL database instead (`journeymap.postgres_store`), chosen by a postgresql:// location.
`open_store` picks the backend; importers take the store's public names from here.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from journeymap.errors import StoreError, StoreLocked
from journeymap.ratings import RATING_COLUMNS
from journeymap.store_queries import Store, Unit
from journeymap.store_records import JourneySummary, VersionInfo, Workshop, WorkshopProgress
from journeymap.store_schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "DATABASE_URL_VARIABLE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "DuckDBStore",
    "JourneySummary",
    "Store",
    "Unit",
    "VersionInfo",
    "Workshop",
    "WorkshopProgress",
    "default_database_path",
    "default_location",
    "is_postgres_url",
    "open_store",
]

#: The setting that chooses the store: a postgresql:// URL (several app servers share it) or a
#: DuckDB file path. Unset, the per-user DuckDB file is used.
DATABASE_URL_VARIABLE = "JOURNEYMAP_DATABASE_URL"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def default_database_path() -> Path:
    """The per-user embedded database: $JOURNEYMAP_DB, else the XDG data folder."""
    if configured := os.environ.get("JOURNEYMAP_DB"):
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "journeymap" / "journeymap.duckdb"


def default_location() -> str:
    """Where this process's store lives: $JOURNEYMAP_DATABASE_URL, else the DuckDB file."""
    return os.environ.get(DATABASE_URL_VARIABLE) or str(default_database_path())


def is_postgres_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def open_store(location: str | Path | None = None) -> Store:
    """Open (creating and migrating if needed) the store at a location.

    A postgresql:// URL opens the shared PostgreSQL store; anything else is a DuckDB file
    path. Without a location: $JOURNEYMAP_DATABASE_URL, else the per-user DuckDB file.
    """
    location = default_location() if location is None else location
    if not is_postgres_url(location):
        return DuckDBStore(location)
    try:
        from journeymap.postgres_store import PostgresStore
    except ImportError as exc:
        raise StoreError(
            f"A PostgreSQL store needs psycopg ({exc}); install it with "
            "pip install 'journeymap[postgres]'."
        ) from exc
    return PostgresStore(str(location))


class DuckDBStore(Store):
    """The embedded store: one DuckDB file, opened by one process at a time."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            folder = Path(self.path).parent
            raise StoreError(
                f"{self.path} cannot be created: its folder {folder} cannot be made "
                f"({exc.strerror})."
            ) from exc
        try:
            self._con = duckdb.connect(self.path)
        except duckdb.IOException as exc:
            raise _locked_error(self.path, exc) from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"{self.path} cannot be opened as a journeymap database: {exc}"
            ) from exc
        self._write_lock = threading.Lock()
        self._migrate()

    def close(self) -> None:
        self._con.close()

    @contextmanager
    def _transaction(self) -> Iterator[Unit]:
        """One all-or-nothing unit of work on a cursor of its own.

        Writes are serialised inside the process: DuckDB allows one process per file, so
        this lock is all it takes for two sessions saving at once not to race for a version.
        """
        with self._damage_reported(), self._write_lock, self._con.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield _DuckDBUnit(cur)
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[Unit]:
        with self._damage_reported(), self._con.cursor() as cur:
            yield _DuckDBUnit(cur)

    @contextmanager
    def _damage_reported(self) -> Iterator[None]:
        """A file DuckDB cannot read or write (cut short, a full disk) is a message naming it."""
        try:
            yield
        except duckdb.IOException as exc:
            raise StoreError(
                f"{self.path} cannot be read or written: {exc}. If the file is damaged (a copy "
                "cut short, a full disk), restore it from a backup."
            ) from exc

    def _load_ratings(
        self, unit: Unit, batch_id: int, journey_id: str, ratings: pd.DataFrame
    ) -> None:
        assert isinstance(unit, _DuckDBUnit)
        columns = ", ".join(RATING_COLUMNS)
        # Registered on this transaction's own cursor, so it disappears when the cursor closes.
        unit.cursor.register("incoming_ratings", ratings)
        unit.run(
            f"INSERT INTO ratings (batch_id, journey_id, {columns}) "
            f"SELECT ?, ?, {columns} FROM incoming_ratings",
            [batch_id, journey_id],
        )

    def _serialise(self, unit: Unit, topic: str) -> None:
        """Nothing to do: the process's write lock already makes every writer wait its turn."""


class _DuckDBUnit:
    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self.cursor = cursor

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        return self.cursor.execute(sql, list(params)).fetchone()

    def all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self.cursor.execute(sql, list(params)).fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        self.cursor.execute(sql, list(params))

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self.cursor.executemany(sql, [list(row) for row in rows])

    def frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        return self.cursor.sql(sql, params=list(params)).to_arrow_table().to_pandas()


def _locked_error(path: str, exc: duckdb.IOException) -> StoreError:
    text = str(exc)
    if "lock" not in text.lower():
        return StoreError(f"{path} cannot be opened: {text}")
    pid = re.search(r"PID (\d+)", text)
    holder = f" (process {pid.group(1)})" if pid else ""
    return StoreLocked(
        f"The database {path} is in use by another journeymap process{holder}. "
        "Close that app or command, or choose another file with --db / JOURNEYMAP_DB. "
        f"Several processes share one PostgreSQL database instead ({DATABASE_URL_VARIABLE})."
    )
