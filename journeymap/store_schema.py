"""The store's tables, as migrations: one script per schema version, for both backends.

A database records the last migration applied (`schema_info`); opening it runs the ones after.
Kept apart from the queries so a schema change reads as one diff in one place.
"""

from __future__ import annotations

# The schema is written once for both backends: types and statements both dialects accept.
_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS journeys (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS journey_versions (
    journey_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    saved_at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL,
    note TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (journey_id, version)
);
CREATE TABLE IF NOT EXISTS touchpoints (
    journey_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    position INTEGER NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    stage TEXT NOT NULL,
    stage_position INTEGER NOT NULL,
    lane TEXT NOT NULL,
    channel TEXT NOT NULL,
    role TEXT NOT NULL,
    dimension TEXT,
    importance DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (journey_id, version, id)
);
CREATE TABLE IF NOT EXISTS transitions (
    journey_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    share DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS promises (
    journey_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    position INTEGER NOT NULL,
    touchpoint TEXT NOT NULL,
    lever TEXT NOT NULL,
    promised DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL,
    delivered TEXT NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS rating_batch_ids;
CREATE TABLE IF NOT EXISTS rating_batches (
    id BIGINT PRIMARY KEY,
    journey_id TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    rows INTEGER NOT NULL,
    submission_key TEXT UNIQUE
);
CREATE TABLE IF NOT EXISTS ratings (
    batch_id BIGINT NOT NULL,
    journey_id TEXT NOT NULL,
    touchpoint TEXT NOT NULL,
    expected DOUBLE PRECISION,
    experienced DOUBLE PRECISION,
    importance DOUBLE PRECISION,
    respondent TEXT NOT NULL,
    segment TEXT NOT NULL,
    adequate DOUBLE PRECISION,
    desired DOUBLE PRECISION,
    recorded_at TIMESTAMPTZ
);
"""
# Workshops: a join code pins one journey version; each participant's latest submission counts.
# Coaching actions keep their history: the newest row per touchpoint is the agreed action.
_SCHEMA_V2 = """
CREATE TABLE IF NOT EXISTS workshops (
    code TEXT PRIMARY KEY,
    journey_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    segment TEXT NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    opened_by TEXT NOT NULL,
    closed_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS workshop_submissions (
    batch_id BIGINT PRIMARY KEY,
    workshop TEXT NOT NULL,
    participant TEXT NOT NULL,
    participant_name TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS coaching_actions (
    journey_id TEXT NOT NULL,
    touchpoint TEXT NOT NULL,
    saved_at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL,
    depth TEXT NOT NULL,
    action TEXT NOT NULL,
    owner TEXT NOT NULL
);
"""
#: Schema migrations in order; a database records the last one applied in schema_info.
MIGRATIONS = (_SCHEMA_V1, _SCHEMA_V2)
SCHEMA_VERSION = len(MIGRATIONS)
