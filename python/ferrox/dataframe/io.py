"""Readers and constructors: ``read_csv`` (polars' CSV reader in Rust,
``src/frame/io/csv.rs``), ``from_pandas``, ``from_dict``, ``from_array``,
``from_delayed``."""

from __future__ import annotations

import glob
import os
from typing import Any

import numpy as np
import pandas as pd

from ferrox import _core
from ferrox.dataframe import _partitions
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


# --- in memory ---------------------------------------------------------------


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
    """A DataFrame from a dict of columns, like ``pandas.DataFrame.from_dict``.

    Examples
    --------
    >>> import ferrox.dataframe as dd
    >>> dd.from_dict({"x": [1, 2, 3]}, npartitions=2).x.max().compute()
    np.int64(3)
    """
    return from_pandas(pd.DataFrame.from_dict(data, orient=orient), npartitions=npartitions)


def from_array(
    x: Any, chunksize: int = 50_000, columns: Any = None, meta: Any = None
) -> DataFrame | Series:
    """A DataFrame (2-d or structured array) or Series (1-d array) of a
    NumPy array, ``chunksize`` rows per partition.

    Parameters
    ----------
    x : numpy.ndarray
        The data (anything ``numpy.asarray`` takes).
    chunksize : int, default 50000
        Rows per partition.
    columns : list or str, optional
        Column names (the Series' name for a 1-d array); default
        ``"0", "1", …`` (pandas uses the integers ``0, 1, …``).

    Returns
    -------
    DataFrame or Series

    Examples
    --------
    >>> import numpy as np, ferrox.dataframe as dd
    >>> df = dd.from_array(np.arange(6).reshape(3, 2), chunksize=2, columns=["a", "b"])
    >>> df.npartitions, df.b.sum().compute()
    (2, np.int64(9))
    """
    if meta is not None:
        raise NotImplementedError("from_array(meta=...) is not supported yet")
    if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize <= 0:
        raise ValueError(f"`chunksize` must be a positive int, got {chunksize!r}")
    arr = np.asarray(x)
    if arr.ndim == 1 and arr.dtype.names is None:
        if columns is not None and not isinstance(columns, str | int):
            raise ValueError("a 1-d array gives a Series: `columns` must be its name")
        return from_pandas(pd.Series(arr, name=columns), chunksize=chunksize)
    if arr.ndim == 1:
        frame = pd.DataFrame(arr)
        if columns is not None:
            frame = frame[list(columns)]
    elif arr.ndim == 2:
        if columns is not None and len(columns) != arr.shape[1]:
            raise ValueError(
                f"Number of column names does not match shape of array: {len(columns)} names "
                f"for {arr.shape[1]} columns"
            )
        frame = pd.DataFrame(arr, columns=columns)
    else:
        raise ValueError(f"from_array takes a 1-d or 2-d array, got {arr.ndim} dimensions")
    return from_pandas(frame, chunksize=chunksize)


def from_delayed(
    dfs: Any,
    meta: Any = None,
    divisions: Any = None,
    prefix: str | None = None,
    verify_meta: bool = True,
) -> DataFrame | Series:
    """A DataFrame (or Series) whose partitions are the values of delayed
    objects, each computing a pandas DataFrame (or Series).

    Parameters
    ----------
    dfs : list of Delayed
        One delayed value per partition, in order.
    meta : pandas object, dict or list of (column, dtype), optional
        The partitions' schema; without it the first one is computed to
        find it, as in Dask.

    Returns
    -------
    DataFrame or Series

    Examples
    --------
    >>> import pandas as pd, ferrox.dataframe as dd
    >>> from ferrox import delayed
    >>> parts = [delayed(pd.DataFrame)({"x": [i, i + 1]}) for i in (0, 10)]
    >>> dd.from_delayed(parts, meta={"x": "int64"}).x.sum().compute()
    np.int64(22)
    """
    if divisions not in (None, "sorted"):
        raise NotImplementedError("from_delayed(divisions=...) is not supported yet")
    if not isinstance(dfs, list | tuple):
        dfs = [dfs]
    if not dfs:
        raise ValueError("from_delayed needs at least one delayed value")
    tasks = []
    for d in dfs:
        get_task = getattr(type(d), "__ferrox_task__", None)
        if get_task is None:
            raise TypeError(f"Expected Delayed object, got {type(d).__name__}")
        tasks.append(d.__ferrox_task__())
    if meta is None:
        first = dfs[0].compute()
        if not isinstance(first, pd.DataFrame | pd.Series):
            raise TypeError(
                f"the delayed values must compute pandas objects, got {type(first).__name__}"
            )
        meta = first.iloc[:0]
    else:
        meta = _partitions.make_meta(meta)
    return _partitions.from_calls(prefix or "from-delayed", tasks, None, (), {}, meta, None)
