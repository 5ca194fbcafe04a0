"""Analysis commands: gaps, score and flow, the numbers behind the charts as tables."""

from __future__ import annotations

import argparse
import json

from journeymap.cli.common import (
    EXIT_OK,
    Commands,
    add_command,
    add_db_option,
    add_format_option,
    is_journey_file,
    print_frame,
    read_ratings_file,
)
from journeymap.errors import InvalidInput
from journeymap.gaps import (
    DEFAULT_RECOVERY_RATIO,
    GROUPINGS,
    RatingsOrSums,
    gap_table,
    journey_scores,
)
from journeymap.graph import flow_table, likely_paths, unreachable
from journeymap.journey_file import load_journey
from journeymap.model import Journey
from journeymap.priority import priority_table
from journeymap.prospect import DEFAULT_LOSS_AVERSION, TK_CURVATURE
from journeymap.store import open_store
from journeymap.tables import frame_to_json


def _add_analysis_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "journey", metavar="JOURNEY", help="journey file, or id of a stored journey"
    )
    parser.add_argument(
        "--ratings",
        metavar="CSV",
        help="ratings file (default for a stored journey: its stored ratings)",
    )
    parser.add_argument(
        "--loss-aversion",
        type=float,
        default=DEFAULT_LOSS_AVERSION,
        metavar="λ",
        help=f"weight of a shortfall against an equal surplus (default {DEFAULT_LOSS_AVERSION})",
    )
    parser.add_argument(
        "--curvature",
        action="store_const",
        const=TK_CURVATURE,
        help=f"diminishing sensitivity to big gaps (Tversky–Kahneman α = {TK_CURVATURE})",
    )
    parser.add_argument(
        "--recovery-ratio",
        type=float,
        default=DEFAULT_RECOVERY_RATIO,
        metavar="R",
        help="positive experiences that make up for one negative (default %(default)g)",
    )
    parser.add_argument(
        "--segment",
        action="extend",
        nargs="+",
        metavar="S",
        help="only ratings of these customer segments",
    )
    parser.add_argument(
        "--role", action="extend", nargs="+", metavar="R", help="only touchpoints of these roles"
    )
    add_db_option(parser)
    add_format_option(parser)


def _analysis_input(
    args: argparse.Namespace, *, required: bool = True
) -> tuple[Journey, RatingsOrSums | None, list[str] | None]:
    """The journey, its ratings (a frame, or sums aggregated in the store), and the segments
    still to filter by (None when the store has already filtered them)."""
    if is_journey_file(args.journey):
        journey = load_journey(args.journey)
        if args.ratings:
            return journey, read_ratings_file(args.ratings, journey), args.segment
        if required:
            raise InvalidInput.single(
                args.journey,
                "",
                "a journey file has no ratings; give --ratings CSV, or import it and use its id",
            )
        return journey, None, args.segment
    with open_store(args.db) as store:
        journey = store.journey(args.journey)
        if args.ratings:
            return journey, read_ratings_file(args.ratings, journey), args.segment
        sums = store.rating_sums(
            journey.id,
            curvature=args.curvature,
            by_segment=getattr(args, "by", None) == "segment",
            segments=args.segment,
        )
        return journey, sums, None


def _options(args: argparse.Namespace, segments: list[str] | None) -> dict[str, object]:
    return {
        "loss_aversion": args.loss_aversion,
        "curvature": args.curvature,
        "recovery_ratio": args.recovery_ratio,
        "segments": segments,
        "roles": args.role,
    }


# gaps ---------------------------------------------------------------------------------------


def _add_gaps(commands: Commands) -> None:
    parser = add_command(
        commands,
        "gaps",
        _gaps,
        "Expectation gap per touchpoint (or per stage, dimension, role, lane, segment).",
    )
    _add_analysis_options(parser)
    parser.add_argument("--by", choices=GROUPINGS, help="aggregate over groups of touchpoints")


def _gaps(args: argparse.Namespace) -> int:
    journey, ratings, segments = _analysis_input(args)
    table = gap_table(journey, ratings, by=args.by, **_options(args, segments))
    print_frame(table, args.format)
    return EXIT_OK


# score --------------------------------------------------------------------------------------


def _add_score(commands: Commands) -> None:
    parser = add_command(
        commands,
        "score",
        _score,
        "Journey scores: mean, importance-weighted and loss-adjusted gap, peak–end, "
        "recovery debt, SERVQUAL dimension gaps.",
    )
    _add_analysis_options(parser)


def _score(args: argparse.Namespace) -> int:
    journey, ratings, segments = _analysis_input(args)
    scores = journey_scores(journey, ratings, **_options(args, segments))
    if args.format == "json":
        print(json.dumps(scores.as_dict(), indent=2, ensure_ascii=False))
    else:
        print_frame(scores.to_frame(), args.format)
    return EXIT_OK


# flow ---------------------------------------------------------------------------------------


def _add_flow(commands: Commands) -> None:
    parser = add_command(
        commands,
        "flow",
        _flow,
        "Expected visits and exits per touchpoint, the most likely paths, unreachable "
        "touchpoints; with ratings, the priority of each gap (visits × importance × shortfall). "
        "CSV holds the touchpoint table; JSON adds the paths.",
    )
    _add_analysis_options(parser)
    parser.add_argument(
        "--entries",
        "--arrivals",
        dest="arrivals",
        type=float,
        default=1000,
        metavar="N",
        help="arriving customers (default %(default)g)",
    )
    parser.add_argument(
        "--paths", type=int, default=5, metavar="K", help="most likely paths to list"
    )


def _flow(args: argparse.Namespace) -> int:
    journey, ratings, segments = _analysis_input(args, required=False)
    table = flow_table(journey, arrivals=args.arrivals)
    if ratings is not None:
        gaps = gap_table(journey, ratings, **_options(args, segments))
        priority = priority_table(gaps, table).drop(columns=["visits"])
        table = table.merge(priority, on="touchpoint", how="left")
    paths = likely_paths(journey, k=args.paths)
    lost = unreachable(journey)
    if args.format == "json":
        document = {
            "touchpoints": json.loads(frame_to_json(table)),
            "paths": [{"touchpoints": list(p.touchpoints), "probability": p.probability} for p in paths],
            "unreachable": lost,
        }  # fmt: skip
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return EXIT_OK
    print_frame(table, args.format)
    if args.format == "table":
        print(f"\nMost likely paths of {args.arrivals:,.0f} arriving customers:")
        for rank, path in enumerate(paths, start=1):
            print(f"{rank:>3}. {path.probability:6.1%}  {' → '.join(path.touchpoints)}")
        if lost:
            print(f"\nUnreachable from any entry: {', '.join(lost)}")
    return EXIT_OK


def register(commands: Commands) -> None:
    for add in (_add_gaps, _add_score, _add_flow):
        add(commands)
