"""Array workloads from Dask's examples on a random 10000 x 10000 float64
array in 1000 x 1000 chunks (``--scale`` multiplies each side):

- ``transpose``: ``(x + x.T).sum()``
- ``strided``: ``x[::2, ::3].std(axis=1)``

Each engine draws its own random numbers, so results are checked
statistically, and ferrox is also compared exactly with NumPy on a smaller
input."""

from __future__ import annotations

from typing import Any

import numpy as np
from _common import parse, report, timed, version_of


def workload(kind: str, x: Any) -> Any:
    if kind == "transpose":
        return (x + x.T).sum()
    return x[::2, ::3].std(axis=1)


def main() -> None:
    opts = parse(["ferrox", "dask", "numpy"], kind=["transpose", "strided"])
    n = int(10_000 * opts.scale)
    c = max(1, n // 10)
    if opts.engine == "numpy":
        result, seconds = timed(lambda: workload(opts.kind, np.random.random((n, n))))
    else:
        da = __import__(f"{opts.engine}.array", fromlist=["array"])
        result, seconds = timed(
            lambda: workload(opts.kind, da.random.random((n, n), chunks=(c, c))).compute()
        )
        small = np.random.default_rng(0).random((400, 400))
        exact = workload(opts.kind, da.from_array(small, chunks=(70, 90))).compute()
        np.testing.assert_allclose(exact, workload(opts.kind, small), rtol=1e-12)
    result = np.asarray(result)
    if opts.kind == "transpose":
        ok = abs(float(result) / (n * n) - 1.0) < 0.01  # E[x + x.T] = 1
    else:
        ok = result.shape == (n // 2,) and abs(float(result.mean()) - (1 / 12) ** 0.5) < 0.01
    if not ok:
        raise SystemExit(f"wrong result {result}")
    report(opts.engine, version_of(opts.engine), seconds)


if __name__ == "__main__":
    main()
