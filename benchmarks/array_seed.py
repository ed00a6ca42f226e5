"""The seed example: the column means of a random 10000 x 10000 array in
1000 x 1000 chunks (``--scale`` multiplies each side).

Engines draw different random numbers, so the check is statistical (means of
uniform [0, 1) values) plus an exact comparison of ferrox against NumPy on
the same, smaller input."""

from __future__ import annotations

import numpy as np
from _common import parse, report, timed, version_of


def main() -> None:
    opts = parse(["ferrox", "dask", "numpy"])
    n = int(10_000 * opts.scale)
    c = max(1, n // 10)
    if opts.engine == "numpy":
        result, seconds = timed(lambda: np.mean(np.random.random((n, n)), axis=0))
    else:
        da = __import__(f"{opts.engine}.array", fromlist=["array"])

        def run() -> np.ndarray:
            arr = da.random.random((n, n), chunks=(c, c))
            return da.mean(arr, axis=0).compute()

        result, seconds = timed(run)
        small = np.random.default_rng(0).random((300, 200))
        exact = da.mean(da.from_array(small, chunks=(70, 30)), axis=0).compute()
        np.testing.assert_allclose(exact, np.mean(small, axis=0), rtol=1e-12)
    if result.shape != (n,) or abs(float(result.mean()) - 0.5) > 0.01:
        raise SystemExit(f"wrong result: shape {result.shape}, mean {result.mean()}")
    report(opts.engine, version_of(opts.engine), seconds)


if __name__ == "__main__":
    main()
