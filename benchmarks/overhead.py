"""Scheduler overhead: 100,000 trivial tasks in one Dask-style dict graph
(100 chains of 1000 increments and a final sum), run by ``ferrox.get`` and by
``dask.threaded.get``. ``--kind native`` uses ``ferrox.ops`` functions (native,
GIL-free in ferrox; ordinary Python callables to dask), ``--kind python``
plain Python functions. Only the ``get`` call is timed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from _common import parse, report, timed, version_of


def inc(x: int) -> int:
    return x + 1


def graph(
    f: Callable[[Any], Any], total: Callable[[Any], Any], chains: int, length: int
) -> dict[Any, Any]:
    dsk: dict[Any, Any] = {}
    for i in range(chains):
        dsk[("x", i, 0)] = (f, i)
        for j in range(1, length):
            dsk[("x", i, j)] = (f, ("x", i, j - 1))
    dsk["total"] = (total, [("x", i, length - 1) for i in range(chains)])
    return dsk


def main() -> None:
    opts = parse(["ferrox", "dask"], kind="native")
    chains, length = max(1, int(100 * opts.scale)), 1000
    expected = sum(i + length for i in range(chains))
    if opts.kind == "native":
        import ferrox

        dsk = graph(ferrox.ops.inc, ferrox.ops.sum, chains, length)
    else:
        dsk = graph(inc, sum, chains, length)
    if opts.engine == "ferrox":
        import ferrox

        result, seconds = timed(lambda: ferrox.get(dsk, "total", scheduler="threads"))
    else:
        import dask.threaded

        result, seconds = timed(lambda: dask.threaded.get(dsk, "total"))
    if result != expected:
        raise SystemExit(f"wrong result {result}, expected {expected}")
    report(opts.engine, version_of(opts.engine), seconds, tasks_per_s=len(dsk) / seconds)


if __name__ == "__main__":
    main()
