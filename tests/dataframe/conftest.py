"""Shared fixtures for the ``ferrox.dataframe`` tests: writing CSV files with
pandas and reading them back with pandas, the reference every test compares with."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import pandas as pd
import pytest

WriteCsvs = Callable[..., list[str]]
ReadPandas = Callable[..., pd.DataFrame]


def _write_csvs(
    directory: str | os.PathLike[str],
    frames: Sequence[pd.DataFrame | str],
    prefix: str = "data",
    **to_csv: object,
) -> list[str]:
    """Write ``frames`` as ``{prefix}_00.csv``, ``{prefix}_01.csv``, ... in
    ``directory`` (pandas frames with ``to_csv(index=False, **to_csv)``; a
    ``str`` is written verbatim); return the paths, in order."""
    paths = []
    for i, frame in enumerate(frames):
        path = os.path.join(os.fspath(directory), f"{prefix}_{i:02d}.csv")
        if isinstance(frame, str):
            with open(path, "w", encoding="utf-8") as f:
                f.write(frame)
        else:
            frame.to_csv(path, index=False, **to_csv)
        paths.append(path)
    return paths


def _read_pandas(paths: Sequence[str], **read_csv: object) -> pd.DataFrame:
    """The reference: ``pandas.read_csv`` on each file, concatenated with
    ``ignore_index=True``.

    Files without rows are left out of the concatenation unless every file is
    empty: pandas reads a header-only file as ``object`` columns (it has no
    values to infer from), and pandas 3's ``concat`` then turns every column
    of the result into ``object``, which is an artefact of the reference, not
    something a partitioned reader should reproduce (Dask keeps the dtypes
    inferred from the data).
    """
    frames = [pd.read_csv(p, **read_csv) for p in paths]
    nonempty = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(nonempty, ignore_index=True)


@pytest.fixture(scope="session")
def write_csvs() -> WriteCsvs:
    """``write_csvs(directory, frames, prefix="data", **to_csv) -> paths``."""
    return _write_csvs


@pytest.fixture(scope="session")
def read_pandas() -> ReadPandas:
    """``read_pandas(paths, **read_csv) -> pandas.DataFrame`` (the reference)."""
    return _read_pandas
