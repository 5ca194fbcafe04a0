"""Data commands: validate, schema, import, list, and app (which starts the browser app)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from journeymap.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    Commands,
    add_command,
    add_db_option,
    is_journey_file,
    read_ratings_file,
)
from journeymap.errors import InvalidInput
from journeymap.journey_file import journey_schema, load_journey
from journeymap.model import Journey
from journeymap.store import DATABASE_URL_VARIABLE, Store, is_postgres_url, open_store

# validate -----------------------------------------------------------------------------------


def _add_validate(commands: Commands) -> None:
    parser = add_command(
        commands,
        "validate",
        _validate,
        "Check journey files (.json) and ratings files (.csv) without storing anything.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--journey",
        metavar="JOURNEY",
        help="journey the ratings belong to (default: the .json beside each .csv)",
    )


def _validate(args: argparse.Namespace) -> int:
    failed = False
    for name in args.files:
        try:
            print(f"ok  {name}: {_check_file(Path(name), args.journey)}")
        except InvalidInput as exc:
            failed = True
            print(f"error: {exc}", file=sys.stderr)
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _check_file(path: Path, journey_reference: str | None) -> str:
    if path.suffix.lower() == ".csv":
        journey = load_journey(journey_reference or path.with_suffix(".json"))
        ratings = read_ratings_file(path, journey)
        return f"{len(ratings):,} ratings for {journey.name!r}"
    journey = load_journey(path)
    return (
        f"{journey.name!r}, {len(journey.touchpoints)} touchpoints, "
        f"{len(journey.transitions)} transitions, {len(journey.promises)} promises"
    )


# schema -------------------------------------------------------------------------------------


def _add_schema(commands: Commands) -> None:
    add_command(commands, "schema", _schema, "Print the JSON Schema of journey files.")


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(journey_schema(), indent=2))
    return EXIT_OK


# import -------------------------------------------------------------------------------------


def _add_import(commands: Commands) -> None:
    parser = add_command(
        commands,
        "import",
        _import,
        "Store a journey file as a new version, with its ratings, in one transaction; "
        "or add a ratings file to a stored journey.",
    )
    parser.add_argument(
        "journey", metavar="JOURNEY", help="journey file, or id of a stored journey"
    )
    parser.add_argument("--ratings", metavar="CSV", help="ratings to store with it")
    parser.add_argument("--author", default=os.environ.get("USER", ""), help=argparse.SUPPRESS)
    add_db_option(parser)


def _import(args: argparse.Namespace) -> int:
    if is_journey_file(args.journey):
        # Read and check every file before the database is opened: a refused import leaves
        # no trace, not even a new empty database file.
        journey = load_journey(args.journey)
        ratings, source = _read_ratings_option(args, journey)
        with open_store(args.db) as store:
            version = store.import_journey(journey, ratings, source=source, author=args.author)
            print(f"stored {journey.name!r} as {journey.id} version {version}", end="")
            _print_stored(ratings, store)
        return EXIT_OK
    with open_store(args.db) as store:
        journey = store.journey(args.journey)
        ratings, source = _read_ratings_option(args, journey)
        if ratings is not None:
            store.add_ratings(journey.id, ratings, source=source)
        print(f"added to {journey.id}", end="")
        _print_stored(ratings, store)
    return EXIT_OK


def _read_ratings_option(
    args: argparse.Namespace, journey: Journey
) -> tuple[pd.DataFrame | None, str]:
    if not args.ratings:
        return None, ""
    return read_ratings_file(args.ratings, journey), Path(args.ratings).name


def _print_stored(ratings: pd.DataFrame | None, store: Store) -> None:
    print(f" with {len(ratings):,} ratings" if ratings is not None else "", f"({store.path})")


# list ---------------------------------------------------------------------------------------


def _add_list(commands: Commands) -> None:
    add_db_option(add_command(commands, "list", _list, "List the stored journeys."))


def _list(args: argparse.Namespace) -> int:
    with open_store(args.db) as store:
        summaries = store.journeys()
        if not summaries:
            print(f"No journeys in {store.path}. Import one with `journeymap import FILE`.")
            return EXIT_OK
        width = max(len(s.id) for s in summaries)
        print(f"{'ID':<{width}}  {'VERSION':>7}  {'RATINGS':>9}  {'SAVED':<16}  NAME")
        for s in summaries:
            saved = s.saved_at.strftime("%Y-%m-%d %H:%M")
            print(f"{s.id:<{width}}  {s.version:>7}  {s.ratings:>9,}  {saved:<16}  {s.name}")
    return EXIT_OK


# app ----------------------------------------------------------------------------------------


def _add_app(commands: Commands) -> None:
    parser = add_command(
        commands, "app", _app, "Start the workshop app in the browser (Streamlit)."
    )
    parser.add_argument("--port", type=int, default=8501)
    add_db_option(parser)


def _app(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.db and is_postgres_url(args.db):
        env[DATABASE_URL_VARIABLE] = args.db
    elif args.db:
        env["JOURNEYMAP_DB"] = str(Path(args.db).resolve())
        env.pop(DATABASE_URL_VARIABLE, None)
    entry = Path(__file__).parent.parent / "ui" / "entry.py"
    command = [sys.executable, "-m", "streamlit", "run", str(entry)]
    command += ["--server.port", str(args.port), "--browser.gatherUsageStats", "false"]
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return EXIT_OK


def register(commands: Commands) -> None:
    for add in (_add_validate, _add_schema, _add_import, _add_list, _add_app):
        add(commands)
