"""Pieces every subcommand shares: exit codes, options, journey and ratings files, table output."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from journeymap.journey_file import load_journey
from journeymap.model import Journey
from journeymap.ratings import read_ratings
from journeymap.store import default_database_path, open_store
from journeymap.tables import frame_to_csv, frame_to_json

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
FORMATS = ("table", "csv", "json")
Commands = argparse._SubParsersAction


def add_command(
    commands: Commands, name: str, run: Callable[[argparse.Namespace], int], help: str
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help, description=help)
    parser.set_defaults(run=run)
    return parser


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="DuckDB file or postgresql:// URL (default: $JOURNEYMAP_DATABASE_URL, else "
        f"$JOURNEYMAP_DB or {default_database_path()})",
    )


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")


def is_journey_file(reference: str) -> bool:
    return reference.endswith(".json") or Path(reference).is_file()


def resolve_journey(reference: str, db: str | None = None) -> Journey:
    """A journey given as a file path, or as the id of a journey in the store."""
    if is_journey_file(reference):
        return load_journey(reference)
    with open_store(db) as store:
        return store.journey(reference)


def read_ratings_file(path: str | Path, journey: Journey) -> pd.DataFrame:
    """A ratings CSV for `journey`; what was noticed but not fatal goes to stderr as warnings."""
    parsed = read_ratings(path, journey)
    for warning in parsed.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return parsed.frame


def print_frame(frame: pd.DataFrame, fmt: str) -> None:
    """Write a result table to stdout as an aligned table, spreadsheet-safe CSV or JSON."""
    if fmt == "csv":
        sys.stdout.write(frame_to_csv(frame))
    elif fmt == "json":
        sys.stdout.write(frame_to_json(frame) + "\n")
    else:
        with pd.option_context("display.max_rows", None, "display.width", 200):
            print(frame.to_string(index=False, na_rep="", float_format=_readable))


def _readable(value: float) -> str:
    """At most three decimals and never scientific: a recovery debt of 2283 stays 2,283."""
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
