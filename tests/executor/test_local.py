"""The executor: deep and wide graphs, memory release, Ctrl-C, progress.

The subprocess tests run the same program with ``dask`` and with ``ferrox``
(parameter ``engine_name``), so the dask run checks the test's own bounds.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import dask
import dask.diagnostics
import ferrox
import pytest
from ferrox.diagnostics import ProgressBar

RunSubprocess = Callable[..., Any]
CHAIN = 100_000


def inc(x: int) -> int:
    return x + 1


@pytest.fixture(scope="module")
def chain_graph() -> dict[Any, Any]:
    """``('x', 0) <- ('x', 1) <- … <- ('x', 99_999)``, each link ``inc``."""
    return {("x", 0): 0, **{("x", i): (inc, ("x", i - 1)) for i in range(1, CHAIN)}}


@pytest.fixture(scope="module")
def chain_expected(chain_graph: dict[Any, Any]) -> Any:
    """What dask's synchronous scheduler computes for the chain (a loop if it recurses)."""
    try:
        return dask.get(chain_graph, ("x", CHAIN - 1))
    except RecursionError:
        value = 0
        for _ in range(1, CHAIN):
            value = inc(value)
        return value


@pytest.mark.parametrize("scheduler", ["threads", "sync"])
def test_a_chain_of_100k_tasks_does_not_recurse(
    chain_graph: dict[Any, Any], chain_expected: Any, scheduler: str
) -> None:
    """A linear graph far deeper than Python's recursion limit.

    ('x', 0) -> ('x', 1) -> ... -> ('x', 99_999)
    """
    assert ferrox.get(chain_graph, ("x", CHAIN - 1), scheduler=scheduler) == chain_expected


@pytest.mark.parametrize("scheduler", ["threads", "sync"])
def test_a_delayed_chain_of_10k_calls(scheduler: str) -> None:
    """inc(inc(inc(... inc(0) ...))), 10,000 deep, built with ferrox.delayed."""
    x = ferrox.delayed(0)
    expected = 0
    for _ in range(10_000):
        x = ferrox.delayed(inc)(x)
        expected = inc(expected)
    assert x.compute(scheduler=scheduler) == expected
    assert ferrox.compute(x, x, scheduler=scheduler) == (expected, expected)


@pytest.mark.parametrize("scheduler", ["threads", "sync"])
def test_a_wide_graph_of_20k_tasks(scheduler: str) -> None:
    """20,000 independent tasks feeding one sum.

    ('x', 0)  ('x', 1)  ...  ('x', 19_999)
         \\        |           /
                 'total'
    """
    dsk: dict[Any, Any] = {("x", i): (inc, i) for i in range(20_000)}
    dsk["total"] = (sum, list(dsk))
    assert ferrox.get(dsk, "total", scheduler=scheduler) == dask.get(dsk, "total")


@pytest.mark.memory
@pytest.mark.parametrize("scheduler", ["threads", "sync"])
@pytest.mark.parametrize("engine_name", ["dask", "ferrox"])
def test_intermediates_are_released_after_their_last_consumer(
    run_subprocess: RunSubprocess, engine_name: str, scheduler: str
) -> None:
    """A chain of 50 tasks, each a new 200 MB array from its input.

    ones -> f -> f -> ... -> f   (f(prev) = prev + 1; only the last is asked for)

    Peak RSS over the compute stays near two arrays (the input and the output
    of the running task): each array is freed as soon as its consumer ran.
    """
    result = run_subprocess(
        f"""
        import resource
        import numpy as np
        import {engine_name} as engine

        N = 25_000_000  # 200 MB of float64
        STEPS = 49

        def f(prev):
            return prev + 1

        x = engine.delayed(np.ones)(N)
        for _ in range(STEPS):
            x = engine.delayed(f)(x)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = x.compute(scheduler={scheduler!r})
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print("arrays", (peak - base) * 1024 / (N * 8))
        print("first", out[0], 1.0 + STEPS)
        """
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    got, expected = lines["first"].split()
    assert float(got) == float(expected)
    arrays = float(lines["arrays"])
    assert arrays < 3.5, f"peak RSS grew by {arrays:.2f} arrays' worth"


@pytest.mark.parametrize("engine_name", ["dask", "ferrox"])
def test_ctrl_c_stops_within_a_second_and_the_pool_stays_usable(
    run_subprocess: RunSubprocess, engine_name: str
) -> None:
    """40 tasks of 2 s on 2 threads (~40 s); SIGINT after 0.5 s stops the compute."""
    result = run_subprocess(
        f"""
        import os, signal, threading, time
        import {engine_name} as engine

        def slow(i):
            time.sleep(2)
            return i

        fired = []

        def interrupt():
            time.sleep(0.5)
            fired.append(time.perf_counter())
            os.kill(os.getpid(), signal.SIGINT)

        threading.Thread(target=interrupt, daemon=True).start()
        total = engine.delayed(sum)([engine.delayed(slow)(i) for i in range(40)])
        try:
            total.compute(scheduler="threads", num_workers=2)
            print("interrupted no")
        except KeyboardInterrupt:
            print("latency", time.perf_counter() - fired[0])
        start = time.perf_counter()
        again = engine.delayed(sum)([engine.delayed(abs)(-i) for i in range(10)])
        print("after", again.compute(scheduler="threads", num_workers=2))
        print("after_seconds", time.perf_counter() - start)
        """,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert "latency" in lines, result.stdout
    assert float(lines["latency"]) < 1.0
    assert lines["after"] == str(sum(abs(-i) for i in range(10)))
    # The interrupted tasks were cancelled, not left to run on: at most the two
    # in flight (2 s each) delay the next compute.
    assert float(lines["after_seconds"]) < 5.0


def test_progress_bar_reports_completion_like_dask() -> None:
    outputs = {}
    for name, engine, bar in (
        ("dask", dask, dask.diagnostics.ProgressBar),
        ("ferrox", ferrox, ProgressBar),
    ):
        out = io.StringIO()
        with bar(out=out):
            engine.delayed(sum)([engine.delayed(inc)(i) for i in range(100)]).compute()
        outputs[name] = out.getvalue()
    assert "100% Completed" in outputs["dask"]
    assert "100% Completed" in outputs["ferrox"]
