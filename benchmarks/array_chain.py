"""A blockwise chain on two random arrays, reduced: ``((a + 1) * 2 - b).sum()``
over 10000 x 10000 float64 in 1000 x 1000 chunks."""

from __future__ import annotations

import numpy as np
from _common import parse, report, timed, version_of


def main() -> None:
    opts = parse(["ferrox", "dask", "numpy"])
    n = int(10_000 * opts.scale)
    c = max(1, n // 10)
    if opts.engine == "numpy":

        def run() -> float:
            a, b = np.random.random((n, n)), np.random.random((n, n))
            return float(((a + 1) * 2 - b).sum())

    else:
        da = __import__(f"{opts.engine}.array", fromlist=["array"])

        def run() -> float:
            a = da.random.random((n, n), chunks=(c, c))
            b = da.random.random((n, n), chunks=(c, c))
            return float(((a + 1) * 2 - b).sum().compute())

        x, y = np.random.default_rng(0).random((2, 300, 200))
        got = ((da.from_array(x, chunks=70) + 1) * 2 - da.from_array(y, chunks=70)).sum().compute()
        np.testing.assert_allclose(got, ((x + 1) * 2 - y).sum(), rtol=1e-12)
    result, seconds = timed(run)
    # E[(a + 1) * 2 - b] = 2.5 per element.
    if abs(result / (n * n) - 2.5) > 0.01:
        raise SystemExit(f"wrong result {result}")
    report(opts.engine, version_of(opts.engine), seconds)


if __name__ == "__main__":
    main()
