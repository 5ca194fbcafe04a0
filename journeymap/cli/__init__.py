"""The `journeymap` command: parse arguments, call the library, print, exit 0 / 1 / 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from journeymap.cli import analysis, data, export, simulation
from journeymap.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from journeymap.errors import InvalidInput, JourneyMapError, NotFound

# Each module contributes its subcommands through register(commands).
COMMAND_MODULES = [data, analysis, simulation, export]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (InvalidInput, NotFound) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except JourneyMapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # `journeymap list | head`
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="journeymap",
        description="Map customer journeys, measure expectation gaps, simulate promises.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser
