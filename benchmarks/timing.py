"""Medians of repeated runs, shared by the benchmarks: wall-clock and CPU seconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Timing(Generic[T]):
    wall: float
    #: On a shared machine wall time includes waiting for a core and CPU time does not, so CPU
    #: time is the steadier of the two (work in other processes, e.g. Chromium, is not in it).
    cpu: float
    #: What the last run returned, for checking the result of what was timed.
    result: T


def median_time(run: Callable[[], T], repeats: int) -> Timing[T]:
    """Median wall-clock (perf_counter) and CPU (process_time) seconds of `repeats` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return Timing(statistics.median(walls), statistics.median(cpus), result)
