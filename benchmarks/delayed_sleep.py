"""The dask tutorial's Delayed program, cut to a known critical path.

For ``data = [1, ..., 8]``: 8 ``inc`` calls, 4 ``add`` calls pairing their
results, and a delayed ``sum`` of the 4 sums. ``inc`` and ``add`` each sleep
0.5 s, so the plain sequential program (engine ``python``, the reference)
takes 6 s, and 8 workers need ~1 s (one ``inc`` then one ``add``); the time
above that is reported as ``overhead_s``. ``--scale`` multiplies both the
length of ``data`` (rounded to an even number of items) and the number of
workers, so the ideal stays 1 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from _common import fail, parse, report, timed, version_of

SLEEP = 0.5

#: Seconds each call sleeps; the reference is computed with 0.
_sleep = SLEEP


def inc(x: int) -> int:
    time.sleep(_sleep)
    return x + 1


def add(x: int, y: int) -> int:
    time.sleep(_sleep)
    return x + y


def build(delayed: Callable[..., Any], data: list[int]) -> Any:
    """The program, with every call wrapped in ``delayed`` (identity: plain Python)."""
    incs = [delayed(inc)(x) for x in data]
    sums = [delayed(add)(incs[i], incs[i + 1]) for i in range(0, len(incs), 2)]
    return delayed(sum)(sums)


def reference(data: list[int]) -> int:
    """The plain-Python answer, computed without sleeping."""
    global _sleep
    _sleep = 0.0
    try:
        return build(lambda f: f, data)
    finally:
        _sleep = SLEEP


def main() -> None:
    opts = parse(["ferrox", "dask", "python"])
    pairs = max(1, round(4 * opts.scale))
    data, workers = list(range(1, 2 * pairs + 1)), 2 * pairs
    expected = reference(data)
    if opts.engine == "python":
        result, seconds = timed(lambda: build(lambda f: f, data))
    else:
        total = build(__import__(opts.engine).delayed, data)
        result, seconds = timed(lambda: total.compute(scheduler="threads", num_workers=workers))
    if result != expected:
        fail(f"{opts.engine} gave {result!r}, plain Python {expected!r}")
    # The least time possible: one `inc` then one `add` on enough workers,
    # all 1.5 * len(data) calls one after another in plain Python.
    ideal = 1.5 * len(data) * SLEEP if opts.engine == "python" else 2 * SLEEP
    report(opts.engine, version_of(opts.engine), seconds, overhead_s=seconds - ideal)


if __name__ == "__main__":
    main()
