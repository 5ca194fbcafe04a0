"""Promise sweep: 1 M delivered draws × 200 promised values, vectorised vs a per-promise loop.

    .venv/bin/python benchmarks/bench_simulate.py [--quick] [--repeats N]

The vectorised sweep (`simulate.sweep`: draw, sort once, searchsorted + prefix sums) is timed
end to end, drawing included. The naive baseline gets the same draws for free and computes
the same columns with one pass over the draws per promised value. Medians of several repeats;
the ratio is measured in the same run. Target: sweep under 0.5 s and at least 20× the loop.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import median_time  # noqa: E402
from journeymap import simulate  # noqa: E402
from journeymap.economics import Economics  # noqa: E402
from journeymap.model import Lever, LogNormal  # noqa: E402
from journeymap.prospect import value  # noqa: E402

PIZZA = LogNormal(median=45, p90=60)
TARGET_SECONDS, TARGET_RATIO = 0.5, 20.0


def naive_sweep(draws: np.ndarray, promises: np.ndarray, *, scale: float) -> list[dict]:
    """What one would write first: every figure from the draws, one promise at a time."""
    economics = Economics()
    rows = []
    for promise in promises:
        margin = promise - draws
        p_met = (draws <= promise).mean()
        p_delight = (draws <= promise - 0.1 * promise).mean()
        conversion = economics.conversion(Lever.TIME, promise, reference=45.0)
        retention = economics.retention(p_met, p_delight)
        rows.append(
            {
                "promise": promise,
                "p_met": p_met,
                "p_delight": p_delight,
                "mean_margin": margin.mean(),
                "mean_shortfall": np.maximum(-margin, 0).mean(),
                "satisfaction": value(margin / scale).mean(),
                "value_per_1000": economics.value_per_1000(conversion, retention),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check it runs")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    n_draws, n_promises = (20_000, 20) if args.quick else (1_000_000, 200)
    repeats = args.repeats or (2 if args.quick else 5)
    promises = np.linspace(20, 120, n_promises)

    sweep = median_time(
        lambda: simulate.sweep(
            "time", PIZZA, promises, rng=np.random.default_rng(1), draws=n_draws
        ),
        repeats,
    )
    draws = simulate.draw(PIZZA, n_draws, rng=np.random.default_rng(1))
    loop = median_time(lambda: naive_sweep(draws, promises, scale=45.0), max(1, repeats // 2))

    # Same draws (seed 1), so the two must agree to rounding.
    for column in ("p_met", "mean_shortfall", "satisfaction", "value_per_1000"):
        np.testing.assert_allclose(
            sweep.result[column], [r[column] for r in loop.result], rtol=1e-9, atol=1e-9
        )

    ratio = loop.wall / sweep.wall
    print(f"promise sweep: {n_draws:,} draws x {n_promises} promised values (lognormal pizza)")
    print(
        f"  vectorised sweep (draw + sort + searchsorted), median of {repeats}: {sweep.wall:.3f} s"
    )
    print(
        f"  naive per-promise loop on the same draws, median of {max(1, repeats // 2)}: {loop.wall:.3f} s"
    )
    print(f"  ratio: {ratio:.1f}x  (target: < {TARGET_SECONDS} s and >= {TARGET_RATIO:.0f}x)")
    if not args.quick and (sweep.wall >= TARGET_SECONDS or ratio < TARGET_RATIO):
        print("  MISSED the target on this run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
