"""The seed DataFrame example: ``read_csv("data_*.csv").groupby("category")
["value"].mean()`` over 8 CSV files of 1M rows each (``--scale`` multiplies
the rows), four columns of which the query needs two.

The files and pandas' answer are written once into ``benchmarks/data/`` (the
first run makes them); every engine's result is compared with that answer.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

import numpy as np
import pandas as pd
from _common import fail, parse, report, timed, version_of

FILES = 8


def make_data(rows: int) -> Path:
    """Write the CSV files and the reference answer, unless already there."""
    root = Path(__file__).resolve().parent / "data" / f"seed_csv_{rows}"
    reference = root / "reference.pkl"
    if reference.exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(42)
    categories = np.array([f"cat{i:03d}" for i in range(100)])
    parts = []
    for i in range(FILES):
        value = rng.random(rows)
        value[rng.random(rows) < 0.01] = np.nan
        df = pd.DataFrame(
            {
                "id": np.arange(i * rows, (i + 1) * rows),
                "category": categories[rng.integers(0, 100, rows)],
                "value": value,
                "note": np.where(rng.random(rows) < 0.5, "alpha", "beta"),
            }
        )
        df.to_csv(root / f"data_{i}.csv", index=False)
        parts.append(df[["category", "value"]])
    answer = pd.concat(parts, ignore_index=True).groupby("category")["value"].mean()
    answer.to_pickle(reference)
    return root


def main() -> None:
    opts = parse(["ferrox", "dask", "pandas", "polars"])
    rows = int(1_000_000 * opts.scale)
    root = make_data(rows)
    pattern = str(root / "data_*.csv")
    if opts.engine == "pandas":

        def run() -> pd.Series:
            frames = [pd.read_csv(p) for p in sorted(glob.glob(pattern))]
            return pd.concat(frames, ignore_index=True).groupby("category")["value"].mean()

    elif opts.engine == "polars":
        import polars as pl

        def run() -> pd.Series:
            out = (
                pl.scan_csv(pattern)
                .group_by("category")
                .agg(pl.col("value").mean())
                .sort("category")
                .collect()
            )
            return out.to_pandas().set_index("category")["value"]

    else:
        dd = __import__(f"{opts.engine}.dataframe", fromlist=["dataframe"])

        def run() -> pd.Series:
            df = dd.read_csv(pattern)
            return df.groupby("category")["value"].mean().compute()

    result, seconds = timed(run)
    expected = pd.read_pickle(root / "reference.pkl")
    got = pd.Series(result.to_numpy(), index=np.asarray(result.index, dtype=object))
    want = pd.Series(expected.to_numpy(), index=np.asarray(expected.index, dtype=object))
    if not got.index.equals(want.index) or not np.allclose(got, want, rtol=1e-9):
        fail(f"result differs from pandas:\n{result.head()}\n{expected.head()}")
    if opts.engine == "ferrox":  # dask returns pyarrow-backed strings
        pd.testing.assert_series_equal(result, expected, check_exact=False, rtol=1e-9)
    report(opts.engine, version_of(opts.engine), seconds, files=FILES, rows=rows * FILES)


if __name__ == "__main__":
    os.environ.setdefault("POLARS_MAX_THREADS", str(os.cpu_count()))
    main()
