"""The export command: the journey review deck, chart images, CSV tables and the journey file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
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
from journeymap.export import ExportRequest, write_exports
from journeymap.gaps import DEFAULT_RECOVERY_RATIO
from journeymap.journey_file import load_journey
from journeymap.model import Journey, Lever
from journeymap.prospect import DEFAULT_LOSS_AVERSION, TK_CURVATURE
from journeymap.report import build_report
from journeymap.simulate import DEFAULT_DRAWS, SEED
from journeymap.store import open_store


def register(commands: Commands) -> None:
    parser = add_command(
        commands,
        "export",
        _export,
        "Export a journey's review deck (.pptx with editable charts), chart images, "
        "CSV tables and the journey file.",
    )
    parser.add_argument(
        "journey", metavar="JOURNEY", help="journey file, or id of a stored journey"
    )
    parser.add_argument(
        "--ratings", metavar="CSV", help="ratings file (default for a stored journey: its ratings)"
    )
    outputs = parser.add_argument_group("outputs (at least one)")
    outputs.add_argument("--pptx", type=Path, metavar="FILE", help="the review deck, 16:9")
    for fmt in ("png", "svg", "pdf"):
        outputs.add_argument(
            f"--{fmt}", type=Path, metavar="DIR", help=f"chart images as {fmt.upper()} into DIR"
        )
    outputs.add_argument(
        "--csv", type=Path, metavar="DIR", help="gap table, flow and promise sweep as CSV into DIR"
    )
    outputs.add_argument(
        "--json", type=Path, metavar="FILE", help="the journey file (reads back with `import`)"
    )
    filters = parser.add_argument_group("what to show")
    filters.add_argument(
        "--segment", action="extend", nargs="+", metavar="S", help="only these customer segments"
    )
    filters.add_argument(
        "--role", action="extend", nargs="+", metavar="R", help="only touchpoints of these roles"
    )
    filters.add_argument(
        "--lever",
        choices=[lever.value for lever in Lever],
        help="lever whose promise sweep to show (default: the journey's chosen lever)",
    )
    filters.add_argument(
        "--loss-aversion", type=float, default=DEFAULT_LOSS_AVERSION, metavar="λ",
        help="weight of a shortfall against an equal surplus (default %(default)g)",
    )  # fmt: skip
    filters.add_argument(
        "--curvature", action="store_const", const=TK_CURVATURE,
        help=f"diminishing sensitivity to big gaps (Tversky–Kahneman α = {TK_CURVATURE})",
    )  # fmt: skip
    filters.add_argument(
        "--recovery-ratio", type=float, default=DEFAULT_RECOVERY_RATIO, metavar="R",
        help="positive experiences that make up for one negative (default %(default)g)",
    )  # fmt: skip
    filters.add_argument(
        "--seed", type=int, default=SEED, metavar="N",
        help="seed of the promise sweep (default: the app's, so the deck matches its lever page)",
    )  # fmt: skip
    filters.add_argument(
        "--draws", type=int, default=DEFAULT_DRAWS, metavar="N",
        help="simulated deliveries per promise (default %(default)s)",
    )  # fmt: skip
    add_db_option(parser)


def _export(args: argparse.Namespace) -> int:
    request = ExportRequest(
        pptx=args.pptx, png=args.png, svg=args.svg, pdf=args.pdf, csv=args.csv, json=args.json
    )
    if request.is_empty():
        print("error: nothing to export; give --pptx, --png, --svg, --pdf, --csv or --json",
              file=sys.stderr)  # fmt: skip
        return EXIT_BAD_INPUT
    if args.draws < 1:
        raise InvalidInput.single("--draws", "", f"must be at least 1, got {args.draws}")
    journey, ratings = _journey_and_ratings(args)
    report = build_report(
        journey,
        ratings,
        segments=args.segment,
        roles=args.role,
        lever=args.lever,
        loss_aversion=args.loss_aversion,
        curvature=args.curvature,
        recovery_ratio=args.recovery_ratio,
        rng=np.random.default_rng(args.seed),
        draws=args.draws,
    )
    for note in report.notes:
        print(f"warning: {note}", file=sys.stderr)
    for path in write_exports(report, request):
        print(f"wrote {path}")
    return EXIT_OK


def _journey_and_ratings(args: argparse.Namespace) -> tuple[Journey, pd.DataFrame]:
    if is_journey_file(args.journey):
        journey = load_journey(args.journey)
        if not args.ratings:
            raise InvalidInput.single(
                args.journey,
                "",
                "a journey file has no ratings; give --ratings CSV, or import it and use its id",
            )
        return journey, read_ratings_file(args.ratings, journey)
    with open_store(args.db) as store:
        journey = store.journey(args.journey)
        if args.ratings:
            return journey, read_ratings_file(args.ratings, journey)
        return journey, store.ratings(journey.id)
