"""Readers and constructors: ``read_csv`` (polars' CSV reader in Rust,
``src/frame/io/csv.rs``), ``from_pandas``, ``from_dict``."""

from __future__ import annotations

import glob
import os
from typing import Any

import pandas as pd

from ferrox import _core
from ferrox.dataframe._collection import from_pandas_core
from ferrox.dataframe.frame import DataFrame
from ferrox.dataframe.series import Series


def _expand(urlpath: Any) -> list[str]:
    patterns = [urlpath] if isinstance(urlpath, str | os.PathLike) else list(urlpath)
    paths: list[str] = []
    for pattern in patterns:
        pattern = os.fspath(pattern)
        found = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not found or not os.path.exists(found[0]):
            raise FileNotFoundError(f"{pattern} resolved to no files")
        paths.extend(found)
    return paths


def read_csv(
    urlpath: Any,
    blocksize: Any = None,
    sep: str = ",",
    header: Any = "infer",
    usecols: list[str] | None = None,
    **kwargs: Any,
) -> DataFrame:
    """Read CSV files (a path, a glob or a list of them) into a DataFrame,
    one partition per file.

    Values are parsed like ``pandas.read_csv`` by default: pandas' missing
    value markers become missing values, integer columns with missing
    values become float64, text columns become pandas' string dtype.
    """
    if kwargs:
        raise NotImplementedError(f"read_csv({', '.join(kwargs)}=...) is not supported yet")
    if blocksize not in (None, "default"):
        raise NotImplementedError("read_csv(blocksize=...) is not supported yet")
    if header not in ("infer", 0, None):
        raise NotImplementedError(f"read_csv(header={header!r}) is not supported yet")
    core = _core.FrameCore.read_csv(_expand(urlpath), sep, header is not None)
    frame = DataFrame(core)
    if usecols is None:
        return frame
    columns = core.columns()
    missing = [c for c in usecols if c not in columns]
    if missing:
        raise ValueError(f"Usecols do not match columns, columns expected but not found: {missing}")
    return frame[[c for c in columns if c in set(usecols)]]  # the file's order, as pandas


def from_pandas(
    data: pd.DataFrame | pd.Series,
    npartitions: int | None = None,
    chunksize: int | None = None,
    sort: bool = True,
) -> Any:
    """A DataFrame (or Series) cut into ``npartitions`` row ranges of a
    pandas object held in memory.

    Examples
    --------
    >>> import pandas as pd, ferrox.dataframe as dd
    >>> df = dd.from_pandas(pd.DataFrame({"x": [1, 2, 3, 4]}), npartitions=2)
    >>> df.npartitions, df.x.sum().compute()
    (2, np.int64(10))
    """
    if not isinstance(data, pd.DataFrame | pd.Series):
        raise TypeError("Input must be a pandas DataFrame or Series.")
    if npartitions is None and chunksize is None:
        npartitions = 1
    if chunksize is not None:
        if npartitions is not None:
            raise ValueError("Exactly one of npartitions and chunksize must be specified.")
        npartitions = max(1, -(-len(data) // chunksize))
    assert npartitions is not None
    if isinstance(data, pd.Series):
        name = data.name
        frame = data.to_frame(name="__series__" if name is None else str(name))
        core = from_pandas_core(frame, npartitions)
        return Series(core, name)
    return DataFrame(from_pandas_core(data, npartitions))


def from_dict(data: dict[str, Any], npartitions: int = 1, orient: str = "columns") -> DataFrame:
    """A DataFrame from a dict of columns, like ``pandas.DataFrame.from_dict``."""
    return from_pandas(pd.DataFrame.from_dict(data, orient=orient), npartitions=npartitions)
