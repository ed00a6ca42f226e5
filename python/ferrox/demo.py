"""``python -m ferrox.demo``: the seed examples on generated data, timed.

Each example runs through ferrox with a progress bar, then through the
reference library (dask, and plain Python) when it is installed, and prints
the wall times side by side with their ratio.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from typing import Any

import ferrox
from ferrox.diagnostics import ProgressBar

SLEEP = 0.2


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _row(name: str, seconds: float, ref: float | None) -> None:
    ratio = f"{seconds / ref:6.2f}x ferrox" if ref else ""
    print(f"  {name:<28} {seconds:8.3f} s  {ratio}")


def _have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def delayed_example() -> None:
    """The dask tutorial's Delayed program: 8 ``inc`` and 4 ``add`` calls that sleep."""

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

    print(f"Delayed: 8 inc + 4 add calls, each sleeping {SLEEP} s, on 8 workers")
    with ProgressBar():
        result, t_fx = _timed(lambda: build(ferrox.delayed).compute(num_workers=8))
    _row("ferrox", t_fx, None)
    if _have("dask"):
        import dask

        expected, t_dask = _timed(lambda: build(dask.delayed).compute(num_workers=8))
        assert expected == result, (expected, result)
        _row("dask", t_dask, t_fx)
    plain, t_py = _timed(lambda: build(lambda f: f))
    assert plain == result
    _row("plain Python (sequential)", t_py, t_fx)
    print(f"  result: {result}\n")


def many_tasks_example(chains: int = 20, length: int = 1000) -> None:
    """A graph of many small tasks: scheduler overhead, native and Python tasks."""

    def inc(x: int) -> int:
        return x + 1

    def graph(f: Callable[[Any], Any], total: Callable[[Any], Any]) -> dict[Any, Any]:
        dsk: dict[Any, Any] = {}
        for i in range(chains):
            dsk[("x", i, 0)] = (f, i)
            for j in range(1, length):
                dsk[("x", i, j)] = (f, ("x", i, j - 1))
        dsk["total"] = (total, [("x", i, length - 1) for i in range(chains)])
        return dsk

    n = chains * length + 1
    print(f"Scheduler overhead: {n:,} tiny tasks in one graph")
    native = graph(ferrox.ops.inc, ferrox.ops.sum)
    python = graph(inc, sum)
    with ProgressBar():
        result, t_native = _timed(lambda: ferrox.get(native, "total"))
    _row(f"ferrox native ({n / t_native:,.0f}/s)", t_native, None)
    res_py, t_py = _timed(lambda: ferrox.get(python, "total"))
    assert res_py == result
    _row(f"ferrox Python ({n / t_py:,.0f}/s)", t_py, t_native)
    if _have("dask"):
        import dask.threaded

        expected, t_dask = _timed(lambda: dask.threaded.get(python, "total"))
        assert expected == result
        _row(f"dask threads ({n / t_dask:,.0f}/s)", t_dask, t_native)
    print(f"  result: {result}\n")


def array_example(n: int = 10_000) -> None:
    """The seed's Array example: column means of a random n x n array."""
    import numpy as np

    import ferrox.array as fa

    c = n // 10
    print(f"Array: da.mean(da.random.random(({n}, {n}), chunks=({c}, {c})), axis=0)")
    with ProgressBar():
        result, t_fx = _timed(
            lambda: fa.mean(fa.random.random((n, n), chunks=(c, c)), axis=0).compute()
        )
    _row("ferrox", t_fx, None)
    if _have("dask"):
        import dask.array as da

        expected, t_dask = _timed(
            lambda: da.mean(da.random.random((n, n), chunks=(c, c)), axis=0).compute()
        )
        assert expected.shape == result.shape
        _row("dask", t_dask, t_fx)
    reference, t_np = _timed(lambda: np.mean(np.random.rand(n, n), axis=0))
    assert reference.shape == result.shape and abs(result.mean() - reference.mean()) < 0.01
    _row("NumPy", t_np, t_fx)
    small = np.random.default_rng(0).random((1000, 300))
    same = fa.mean(fa.from_array(small, chunks=(100, 100)), axis=0).compute()
    np.testing.assert_allclose(same, np.mean(small, axis=0), rtol=1e-12)
    print(f"  result: shape {result.shape}, mean {result.mean():.4f}")
    print("  (on the same data, ferrox's column means equal NumPy's)\n")


def dataframe_example(files: int = 8, rows: int = 500_000) -> None:
    """The seed's DataFrame example: mean value per category over CSV files."""
    import glob
    import os
    import tempfile

    import numpy as np
    import pandas as pd

    import ferrox.dataframe as fd

    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(0)
        categories = np.array([f"cat{i:02d}" for i in range(50)])
        for i in range(files):
            pd.DataFrame(
                {
                    "category": categories[rng.integers(0, 50, rows)],
                    "value": rng.random(rows),
                    "other": rng.integers(0, 1000, rows),
                }
            ).to_csv(os.path.join(tmp, f"data_{i}.csv"), index=False)
        pattern = os.path.join(tmp, "data_*.csv")
        print(f"DataFrame: {files} CSV files of {rows:,} rows")
        print("  dd.read_csv('data_*.csv').groupby('category')['value'].mean().compute()")
        with ProgressBar():
            result, t_fx = _timed(
                lambda: fd.read_csv(pattern).groupby("category")["value"].mean().compute()
            )
        _row("ferrox", t_fx, None)
        if _have("dask"):
            import dask.dataframe as dd

            _, t_dask = _timed(
                lambda: dd.read_csv(pattern).groupby("category")["value"].mean().compute()
            )
            _row("dask", t_dask, t_fx)

        def eager() -> pd.Series:
            frames = [pd.read_csv(p) for p in sorted(glob.glob(pattern))]
            return pd.concat(frames, ignore_index=True).groupby("category")["value"].mean()

        expected, t_pd = _timed(eager)
        _row("pandas", t_pd, t_fx)
        pd.testing.assert_series_equal(result, expected)
        print(f"  result: {len(result)} categories, equal to pandas' Series\n")


def main() -> None:
    """Run every example."""
    print(f"ferrox {ferrox.__version__}\n")
    array_example()
    dataframe_example()
    delayed_example()
    many_tasks_example()


if __name__ == "__main__":
    main()
