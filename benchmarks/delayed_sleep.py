"""The dask tutorial's Delayed program: 8 ``inc`` and 4 ``add`` calls, each
sleeping 0.5 s, summed; on 8 workers the critical path is ~1 s."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from _common import parse, report, timed, version_of

SLEEP = 0.5


def inc(x: int) -> int:
    time.sleep(SLEEP)
    return x + 1


def add(x: int, y: int) -> int:
    time.sleep(SLEEP)
    return x + y


def build(delayed: Callable[..., Any]) -> Any:
    xs = [delayed(inc)(i) for i in range(8)]
    pairs = [delayed(add)(xs[2 * i], xs[2 * i + 1]) for i in range(4)]
    return delayed(sum)(pairs)


def main() -> None:
    opts = parse(["ferrox", "dask", "python"])
    expected = sum((i + 1) + (i + 2) for i in range(0, 8, 2))
    if opts.engine == "python":
        result, seconds = timed(lambda: build(lambda f: f))
    else:
        delayed = __import__(opts.engine).delayed
        total = build(delayed)
        result, seconds = timed(lambda: total.compute(scheduler="threads", num_workers=8))
    if result != expected:
        raise SystemExit(f"wrong result {result}, expected {expected}")
    report(opts.engine, version_of(opts.engine), seconds)


if __name__ == "__main__":
    main()
