"""The executor: deep graphs, memory release, Ctrl-C, pool reuse, progress."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import dask
import ferrox
import pytest
from ferrox.diagnostics import ProgressBar


def inc(x: int) -> int:
    return x + 1


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("scheduler", ["threads", "sync"])
def test_a_chain_of_100k_tasks_does_not_recurse(scheduler: str) -> None:
    n = 100_000
    dsk = {("x", 0): 0, **{("x", i): (inc, ("x", i - 1)) for i in range(1, n)}}
    expected = 0
    for _ in range(1, n):
        expected = inc(expected)
    assert ferrox.get(dsk, ("x", n - 1), scheduler=scheduler) == expected
    assert ferrox.get(dsk, ("x", n - 1), scheduler=scheduler) == dask.get(
        {k: v for k, v in dsk.items() if k[1] >= n - 50} | {("x", n - 51): n - 51}, ("x", n - 1)
    )


def test_a_delayed_chain_of_10k_calls() -> None:
    x = ferrox.delayed(0)
    for _ in range(10_000):
        x = ferrox.delayed(inc)(x)
    assert x.compute() == 10_000
    assert x.compute(scheduler="sync") == 10_000


@pytest.mark.memory
def test_intermediates_are_released_after_their_last_consumer() -> None:
    """50 tasks in a chain, each 200 MB: peak RSS stays near two tasks' worth."""
    result = run_python(
        """
        import resource
        import numpy as np
        from ferrox import delayed

        n = 25_000_000  # 200 MB of float64
        first = delayed(np.ones)(n)
        x = first
        for _ in range(49):
            x = delayed(np.add)(x, 1)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = x.compute()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert out[0] == 50.0
        print((peak - base) * 1024 / (n * 8))
        """
    )
    assert result.returncode == 0, result.stderr
    arrays = float(result.stdout.split()[-1])
    assert arrays < 3.5, f"peak grew by {arrays:.1f} arrays' worth"


def test_ctrl_c_stops_within_a_second_and_the_pool_stays_usable() -> None:
    result = run_python(
        """
        import os, signal, threading, time
        from ferrox import delayed

        def slow(i):
            time.sleep(2)
            return i

        fired = []
        def interrupt():
            time.sleep(0.5)
            fired.append(time.perf_counter())
            os.kill(os.getpid(), signal.SIGINT)

        threading.Thread(target=interrupt, daemon=True).start()
        try:
            delayed(sum)([delayed(slow)(i) for i in range(40)]).compute(num_workers=2)
            print("not interrupted")
        except KeyboardInterrupt:
            print("latency", time.perf_counter() - fired[0])
        print("after", delayed(sum)([delayed(abs)(-i) for i in range(10)]).compute(num_workers=2))
        """
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert float(lines["latency"]) < 1.0
    assert lines["after"] == str(sum(range(10)))


def test_progress_bar_reports_completion() -> None:
    out = io.StringIO()
    with ProgressBar(out=out):
        ferrox.delayed(sum)([ferrox.delayed(inc)(i) for i in range(100)]).compute()
    assert "100% Completed" in out.getvalue()
