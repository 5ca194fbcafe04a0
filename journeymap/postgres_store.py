"""PostgreSQL behind the store interface: one database shared by several app servers.

DuckDB in a file is locked by one process; an organisation that runs many workshops at once
puts several app servers behind a load balancer, and they share this store instead. Every
query and rule lives in `journeymap.store_queries.Store`; this module supplies only the dialect:
a connection pool (one store per server process is shared by all its browser sessions),
`%s` placeholders, ratings loaded with COPY, and advisory locks that keep two servers from
taking the same journey version or replacing the same participant's ratings at once.
This is the only module that imports psycopg.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg_pool import ConnectionPool, PoolTimeout

from journeymap.errors import StoreError
from journeymap.ratings import RATING_COLUMNS
from journeymap.store_queries import Store, Unit

#: Connections one server process keeps at most; Streamlit runs each browser session's script
#: in a thread of its own, and a transaction needs a connection to itself.
MAX_CONNECTIONS = 10
CONNECT_TIMEOUT_SECONDS = 10
_COPY_BLOCK_BYTES = 1 << 20

# PostgreSQL-only indexes, by migration: DuckDB scans its columns fast without them, but here
# a participant's resubmission deletes by batch and every page reads by journey.
_INDEXES = {
    1: """
        CREATE INDEX IF NOT EXISTS ratings_by_journey ON ratings (journey_id);
        CREATE INDEX IF NOT EXISTS ratings_by_batch ON ratings (batch_id);
        CREATE INDEX IF NOT EXISTS rating_batches_by_journey ON rating_batches (journey_id);
    """,
    2: """
        CREATE INDEX IF NOT EXISTS submissions_by_participant
            ON workshop_submissions (workshop, participant);
        CREATE INDEX IF NOT EXISTS workshops_by_journey ON workshops (journey_id);
        CREATE INDEX IF NOT EXISTS coaching_actions_by_journey ON coaching_actions (journey_id);
    """,
}


class PostgresStore(Store):
    """The shared store: a PostgreSQL database, reached through a pool of connections."""

    _KEEP_ROW = " FOR SHARE"

    def __init__(self, url: str, *, max_connections: int = MAX_CONNECTIONS) -> None:
        self.path = without_password(url)
        try:
            # Connect once by hand first: a wrong URL or a stopped server is a clear message
            # now, not a pool timeout half a minute later.
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS).close()
        except psycopg.Error as exc:
            raise StoreError(
                f"The PostgreSQL database {self.path} cannot be reached: {exc}"
            ) from exc
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
            configure=_configure,
            check=ConnectionPool.check_connection,
            name=f"journeymap {self.path}",
            open=False,
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS)
            self._migrate()
        except BaseException:
            self._pool.close()
            raise

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def _transaction(self) -> Iterator[Unit]:
        with self._connection() as conn, conn.transaction(), conn.cursor() as cur:
            yield _PostgresUnit(cur)

    @contextmanager
    def _reading(self) -> Iterator[Unit]:
        # Autocommit: each read is a statement of its own and sees everything committed.
        with self._connection() as conn, conn.cursor() as cur:
            yield _PostgresUnit(cur)

    def _load_ratings(
        self, unit: Unit, batch_id: int, journey_id: str, ratings: pd.DataFrame
    ) -> None:
        assert isinstance(unit, _PostgresUnit)
        # COPY in CSV written by Arrow: a million ratings without a Python object per value.
        # Missing values are unquoted empty fields (NULL); empty text is quoted ("").
        table = pa.Table.from_pandas(ratings, preserve_index=False)
        table = table.add_column(0, "journey_id", pa.array([journey_id] * len(table), pa.string()))
        table = table.add_column(0, "batch_id", pa.array(np.full(len(table), batch_id)))
        data = io.BytesIO()
        pa_csv.write_csv(table, data, write_options=pa_csv.WriteOptions(include_header=False))
        columns = ", ".join(RATING_COLUMNS)
        statement = f"COPY ratings (batch_id, journey_id, {columns}) FROM STDIN (FORMAT csv)"
        with data.getbuffer() as view, unit.cursor.copy(statement) as copy:
            for start in range(0, len(view), _COPY_BLOCK_BYTES):
                copy.write(view[start : start + _COPY_BLOCK_BYTES])

    def _serialise(self, unit: Unit, topic: str) -> None:
        # A transaction-scoped advisory lock: released by COMMIT or ROLLBACK, whatever happens.
        # Keyed by schema too, so stores in different schemas of one database don't wait.
        unit.run(
            "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ' ' || ?, 0))",
            [topic],
        )

    def _migration(self, version: int) -> str:
        return super()._migration(version) + _INDEXES.get(version, "")

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise StoreError(
                f"The PostgreSQL database {self.path} has no free connection: {exc}"
            ) from exc
        except psycopg.OperationalError as exc:
            # The server restarted or the network dropped: the pool replaces the connection.
            raise StoreError(
                f"The PostgreSQL database {self.path} stopped answering: {exc}"
            ) from exc


class _PostgresUnit:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.cursor = cursor

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        return self.cursor.execute(_dialect(sql), params or None).fetchone()

    def all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self.cursor.execute(_dialect(sql), params or None).fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        # Without parameters several statements may go at once (the migration scripts).
        self.cursor.execute(_dialect(sql), params or None)

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self.cursor.executemany(_dialect(sql), rows)

    def frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        self.cursor.execute(_dialect(sql), params or None)
        columns = [column.name for column in self.cursor.description or ()]
        return pd.DataFrame(self.cursor.fetchall(), columns=columns)


def without_password(url: str) -> str:
    """The URL to show in messages and logs: user, host and database, never the password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@functools.lru_cache(maxsize=256)
def _dialect(sql: str) -> str:
    """The store's `?` placeholders as psycopg's `%s` (the store's SQL has no `%` or `?` else)."""
    return sql.replace("?", "%s")


def _configure(conn: psycopg.Connection[Any]) -> None:
    # Timestamps come back in UTC, as DuckDB gives them.
    conn.execute("SET TIME ZONE 'UTC'")
