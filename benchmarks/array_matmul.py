"""A matrix product reduced: ``(x @ y).sum()`` for a random 10000 x 1000 ``x``
and 1000 x 10000 ``y`` in 1000 x 1000 chunks (``--scale`` multiplies the
long sides). ferrox is also compared exactly with NumPy on a smaller input."""

from __future__ import annotations

import numpy as np
from _common import parse, report, timed, version_of


def main() -> None:
    opts = parse(["ferrox", "dask", "numpy"])
    n, k = int(10_000 * opts.scale), 1000
    if opts.engine == "numpy":

        def run() -> float:
            return float((np.random.random((n, k)) @ np.random.random((k, n))).sum())

    else:
        da = __import__(f"{opts.engine}.array", fromlist=["array"])

        def run() -> float:
            x = da.random.random((n, k), chunks=(1000, 1000))
            y = da.random.random((k, n), chunks=(1000, 1000))
            return float((x @ y).sum().compute())

        a, b = np.random.default_rng(0).random((2, 300, 300))
        got = (da.from_array(a, chunks=70) @ da.from_array(b, chunks=90)).sum().compute()
        np.testing.assert_allclose(got, (a @ b).sum(), rtol=1e-12)
    result, seconds = timed(run)
    # E[(x @ y)_ij] = k / 4.
    if abs(result / (n * n) / (k / 4) - 1) > 0.01:
        raise SystemExit(f"wrong result {result}")
    report(opts.engine, version_of(opts.engine), seconds)


if __name__ == "__main__":
    main()
