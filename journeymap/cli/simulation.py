"""`journeymap simulate`: promise-margin sweeps for one delivered distribution or a journey."""

from __future__ import annotations

import argparse
from dataclasses import fields

import numpy as np

from journeymap import simulate
from journeymap.cli.common import (
    EXIT_OK,
    Commands,
    add_command,
    add_db_option,
    add_format_option,
    print_frame,
    resolve_journey,
)
from journeymap.delivered import EXAMPLES, parse_delivered, read_values
from journeymap.economics import Economics, parameter_docs
from journeymap.errors import InvalidInput
from journeymap.model import Lever, Promise
from journeymap.prospect import DEFAULT_LOSS_AVERSION

#: More promised values than this is a typo in --promise-range, not a sweep.
MAX_PROMISED_VALUES = 100_000
MAX_DRAWS = 50_000_000


def register(commands: Commands) -> None:
    parser = add_command(
        commands,
        "simulate",
        _simulate,
        "Promise-margin simulation: how often each promised value is met or beaten, "
        "the customers' satisfaction and the value per 1,000 prospects, with the "
        "recommended promise.",
    )
    parser.add_argument(
        "journey",
        nargs="?",
        metavar="JOURNEY",
        help="journey file or stored id: simulate every promise in it",
    )
    parser.add_argument(
        "--lever", choices=[lever.value for lever in Lever], help="time, cost or service"
    )
    parser.add_argument(
        "--delivered",
        metavar="SPEC",
        help="what is delivered: " + "; ".join(EXAMPLES.values()),
    )
    parser.add_argument(
        "--values-from",
        metavar="FILE.csv[:COLUMN]",
        help="observed delivered values from a CSV column (implies --delivered empirical)",
    )
    parser.add_argument("--promise", metavar="LIST", help="promised values, e.g. 30,45,60,90")
    parser.add_argument(
        "--promise-range", metavar="START:STOP:STEP", help="promised values, STOP included"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="with JOURNEY: time, cost and service side by side instead of every sweep",
    )
    parser.add_argument(
        "--draws",
        type=int,
        default=simulate.DEFAULT_DRAWS,
        metavar="N",
        help=f"delivered levels drawn (default {simulate.DEFAULT_DRAWS:,})",
    )
    parser.add_argument("--seed", type=int, metavar="N", help="make the draws reproducible")
    parser.add_argument(
        "--delight-threshold",
        type=float,
        default=simulate.DEFAULT_DELIGHT_THRESHOLD,
        metavar="SHARE",
        help="beaten by at least this share of the promise counts as delight (default 0.10)",
    )
    parser.add_argument(
        "--loss-aversion",
        type=float,
        default=DEFAULT_LOSS_AVERSION,
        metavar="LAMBDA",
        help=f"weight of a shortfall against an equal surplus (default {DEFAULT_LOSS_AVERSION})",
    )
    parser.add_argument(
        "--curvature",
        type=float,
        metavar="ALPHA",
        help="diminishing sensitivity in (0, 1], e.g. 0.88 (default: none)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        help="satisfaction scale: margin / SCALE (default: the typical delivered level)",
    )
    economics = parser.add_argument_group(
        "economics", "the acquisition / retention value model (defaults documented)"
    )
    for name, doc in parameter_docs().items():
        # argparse formats help with %, so "89 %" must be written "89 %%".
        text = f"{doc} (default: {_default(name)})".replace("%", "%%")
        economics.add_argument(_option(name), type=float, metavar="X", help=text)
    add_format_option(parser)
    add_db_option(parser)


def _simulate(args: argparse.Namespace) -> int:
    if not 1 <= args.draws <= MAX_DRAWS:
        raise InvalidInput.single("--draws", "", f"{args.draws} must be 1 to {MAX_DRAWS:,}")
    rng = np.random.default_rng(args.seed)
    options = {
        "draws": args.draws,
        "delight_threshold": args.delight_threshold,
        "loss_aversion": args.loss_aversion,
        "curvature": args.curvature,
        "scale": args.scale,
        "economics": _economics(args),
    }
    _check_numbers(args)
    if args.journey:
        frame = _journey_frame(args, rng, options)
    else:
        if args.compare:
            raise InvalidInput.single("--compare", "", "needs a JOURNEY")
        promise = _single_promise(args)
        promised = _promised_values(args)
        frame = simulate.sweep_promise(promise, promised, rng=rng, **options)
    print_frame(frame, args.format)
    return EXIT_OK


def _journey_frame(args, rng, options):
    for option, given in (
        ("--delivered", args.delivered),
        ("--values-from", args.values_from),
        ("--promise", args.promise),
        ("--promise-range", args.promise_range),
    ):
        if given:
            raise InvalidInput.single(
                option, "", "applies to one delivered distribution, not to a JOURNEY's promises"
            )
    journey = resolve_journey(args.journey, args.db)
    if args.compare:
        return simulate.compare_levers(journey, rng=rng, **options)
    if args.lever:
        journey = journey.model_copy(
            update={"promises": [p for p in journey.promises if p.lever.value == args.lever]}
        )
    if not journey.promises:
        on = f" on {args.lever}" if args.lever else ""
        raise InvalidInput.single(args.journey, "promises", f"the journey makes no promise{on}")
    return simulate.journey_sweeps(journey, rng=rng, **options)


def _single_promise(args: argparse.Namespace) -> Promise:
    if not args.lever:
        raise InvalidInput.single("--lever", "", "say time, cost or service (or give a JOURNEY)")
    if not (args.delivered or args.values_from):
        raise InvalidInput.single(
            "--delivered", "", f"say what is delivered, e.g. {EXAMPLES['lognormal']}"
        )
    values = None
    spec = args.delivered or "empirical"
    if args.values_from:
        if spec.partition(":")[0].strip().lower() != "empirical" or ":" in spec:
            raise InvalidInput.single(
                "--values-from", "", "goes with --delivered empirical (or no --delivered)"
            )
        path, column = _values_source(args.values_from)
        values = read_values(path, column)
    delivered = parse_delivered(spec, values=values)
    typical = simulate.typical_level(delivered)
    return Promise(touchpoint="-", lever=Lever(args.lever), promised=typical, delivered=delivered)


def _values_source(text: str) -> tuple[str, str | None]:
    """`times.csv:minutes` -> ("times.csv", "minutes"); a bare file has no column."""
    path, colon, column = text.rpartition(":")
    if not colon or "/" in column or "\\" in column:
        return text, None
    return path, column.strip() or None


def _promised_values(args: argparse.Namespace) -> np.ndarray | None:
    values: list[float] = []
    if args.promise:
        values += [_float(item, "--promise") for item in args.promise.split(",") if item.strip()]
        if not values:
            raise InvalidInput.single("--promise", "", "give promised values, e.g. 30,45,60")
    if args.promise_range:
        values += list(_range(args.promise_range))
    return np.array(values) if values else None


def _range(text: str) -> np.ndarray:
    parts = text.split(":")
    if len(parts) != 3:
        raise InvalidInput.single("--promise-range", "", f"{text!r} is not START:STOP:STEP")
    start, stop, step = (_float(part, "--promise-range") for part in parts)
    if step <= 0 or stop < start:
        raise InvalidInput.single(
            "--promise-range", "", f"{text!r} needs START ≤ STOP and a positive STEP"
        )
    count = int(np.floor((stop - start) / step + 1e-9)) + 1
    if count > MAX_PROMISED_VALUES:
        raise InvalidInput.single(
            "--promise-range",
            "",
            f"{text!r} makes {count:,} promises; at most {MAX_PROMISED_VALUES:,}",
        )
    return simulate.PromiseRange(start, start + (count - 1) * step, step).values()


def _float(text: str, option: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise InvalidInput.single(option, "", f"{text.strip()!r} is not a number") from None
    if not np.isfinite(number):
        raise InvalidInput.single(option, "", f"{text.strip()!r} is not a finite number")
    return number


def _check_numbers(args: argparse.Namespace) -> None:
    checks = [
        ("--delight-threshold", args.delight_threshold, lambda v: v >= 0, "must be 0 or more"),
        ("--loss-aversion", args.loss_aversion, lambda v: v > 0, "must be greater than 0"),
        ("--curvature", args.curvature, lambda v: 0 < v <= 1, "must lie in (0, 1]"),
        ("--scale", args.scale, lambda v: v > 0, "must be greater than 0"),
    ]
    for option, number, ok, message in checks:
        if number is not None and not ok(number):
            raise InvalidInput.single(option, "", f"{number:g} {message}")


def _economics(args: argparse.Namespace) -> Economics:
    given = {
        f.name: getattr(args, f.name)
        for f in fields(Economics)
        if getattr(args, f.name) is not None
    }
    try:
        return Economics(**given)
    except ValueError as exc:
        name = str(exc).split()[0]
        raise InvalidInput.single(_option(name), "", str(exc).removeprefix(name).strip()) from None


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _default(name: str) -> object:
    default = getattr(Economics(), name)
    return "median delivered" if default is None else f"{default:g}"
