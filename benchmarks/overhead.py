"""Scheduler overhead: 100,000 trivial tasks in one Dask-format dict graph.

100 independent chains of 1000 increments, each task with one dependency::

    ("x", i, 0): (inc, i)
    ("x", i, j): (inc, ("x", i, j - 1))
    ("total",):  (sum, [("x", i, 999) for i in range(100)])

run by ``ferrox.get(dsk, ("total",), scheduler="threads")`` and by
``dask.threaded.get(dsk, ("total",))``. ``--kind native`` uses
``ferrox.ops.inc`` and ``ferrox.ops.sum`` (native and GIL-free in ferrox,
ordinary Python callables to dask); ``--kind python`` plain Python ``inc`` and
the ``sum`` builtin. Only the ``get`` call is timed; the graph is built first.
``--scale`` multiplies the number of chains. The result must equal the plain
Python answer, computed by calling the Python functions in a loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from _common import fail, parse, report, timed, version_of

CHAINS = 100
LENGTH = 1000


def inc(x: int) -> int:
    return x + 1


def graph(
    f: Callable[[Any], Any], total: Callable[[Any], Any], chains: int, length: int
) -> dict[Any, Any]:
    """``chains`` chains of ``length`` calls of ``f``, and ``total`` of their ends."""
    dsk: dict[Any, Any] = {}
    for i in range(chains):
        dsk[("x", i, 0)] = (f, i)
        for j in range(1, length):
            dsk[("x", i, j)] = (f, ("x", i, j - 1))
    dsk[("total",)] = (total, [("x", i, length - 1) for i in range(chains)])
    return dsk


def reference(chains: int, length: int) -> int:
    """The plain-Python answer: every chain run as a loop, then summed."""
    ends = []
    for i in range(chains):
        x = i
        for _ in range(length):
            x = inc(x)
        ends.append(x)
    return sum(ends)


def main() -> None:
    opts = parse(["ferrox", "dask"], kind=["native", "python"])
    chains = max(1, round(CHAINS * opts.scale))
    expected = reference(chains, LENGTH)
    if opts.kind == "native":
        from ferrox import ops

        dsk = graph(ops.inc, ops.sum, chains, LENGTH)
    else:
        dsk = graph(inc, sum, chains, LENGTH)
    if opts.engine == "ferrox":
        import ferrox

        result, seconds = timed(lambda: ferrox.get(dsk, ("total",), scheduler="threads"))
    else:
        import dask.threaded

        result, seconds = timed(lambda: dask.threaded.get(dsk, ("total",)))
    if type(result) is not type(expected) or result != expected:
        fail(f"{opts.engine} gave {result!r}, plain Python {expected!r}")
    report(
        opts.engine,
        version_of(opts.engine),
        seconds,
        tasks=len(dsk),
        tasks_per_s=len(dsk) / seconds,
    )


if __name__ == "__main__":
    main()
