"""Readers and constructors: ``read_csv``, ``read_parquet``, ``read_json``
(polars-io's readers in Rust, ``src/frame/io/``), ``from_pandas``,
``from_dict``, ``from_array``, ``from_delayed``.

This module checks arguments and turns pandas' and Dask's options into the
core's; files are opened (schemas, footers) in Rust with the GIL released.

Known differences from pandas (each one tested as such):

- Column labels are strings: ``read_csv(header=None)`` and ``from_array``
  name the columns ``"0", "1", …`` where pandas uses the ints ``0, 1, …``.
- Dtypes are inferred from a sample (``sample`` bytes of the first file
  with rows), as in Dask, not from every row: an int column whose first
  missing value or first float comes later is still declared int64 (the
  computed frame has pandas' float64).
- ``read_csv``: ``na_values`` are matched as text (pandas also matches a
  number against numeric fields: ``na_values=[0]`` hides ``0.0``); a dict
  of ``na_values`` and ``dtype="category"`` are not supported;
  ``parse_dates`` parses mixed date formats where pandas keeps the text,
  and raises on text that is no date where pandas keeps the column as
  text.
- ``read_json``: date strings in columns with date-like names stay text
  (pandas' ``convert_dates``).
- ``read_parquet`` orders a directory's files by number (``part.2`` before
  ``part.10``, as Dask does); pandas orders them by name.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ferrox import _core
from ferrox.dataframe import _partitions
from ferrox.dataframe._collection import from_pandas_core
from ferrox.dataframe.frame import DataFrame
from ferrox.dataframe.series import Series

#: Dask's default ``blocksize`` for ``read_csv``: files larger than this are
#: split into byte ranges.
CSV_BLOCKSIZE = 64_000_000

#: Dask's default ``blocksize`` for ``read_parquet``'s ``split_row_groups="infer"``.
PARQUET_BLOCKSIZE = 256 * 2**20

_PANDAS_NA = [
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
]

_COMPRESSED = {".gz": "gzip", ".zst": "zstd", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}


def _natural_key(path: str) -> list[Any]:
    """``part.2`` before ``part.10``."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)]


def _expand(urlpath: Any, natural: bool = False) -> list[str]:
    patterns = [urlpath] if isinstance(urlpath, str | os.PathLike) else list(urlpath)
    paths: list[str] = []
    order = _natural_key if natural else None
    for pattern in patterns:
        pattern = os.fspath(pattern)
        found = sorted(glob.glob(pattern), key=order) if glob.has_magic(pattern) else [pattern]
        if not found or not os.path.exists(found[0]):
            raise FileNotFoundError(f"{pattern} resolved to no files")
        paths.extend(found)
    return paths


def _dtype_name(dtype: Any) -> str:
    """A pandas/NumPy dtype as the core's name for it."""
    if dtype is str or dtype == "str" or isinstance(dtype, pd.StringDtype):
        return "str"
    if dtype is object or dtype == "object":
        return "str"
    if isinstance(dtype, pd.CategoricalDtype) or dtype == "category":
        raise NotImplementedError("read_csv(dtype='category') is not supported yet")
    try:
        return str(np.dtype(dtype))
    except TypeError:
        raise TypeError(f"data type '{dtype}' not understood") from None


def _csv_usecols(usecols: Any, columns: list[str]) -> list[str]:
    if callable(usecols):
        return [c for c in columns if usecols(c)]
    usecols = list(usecols)
    if all(isinstance(u, int | np.integer) for u in usecols):
        if any(not 0 <= u < len(columns) for u in usecols):
            raise ValueError(
                f"Usecols do not match columns, columns expected but not found: {usecols}"
            )
        wanted = {columns[u] for u in usecols}
    else:
        usecols = [str(u) for u in usecols]
        missing = [c for c in usecols if c not in columns]
        if missing:
            raise ValueError(
                f"Usecols do not match columns, columns expected but not found: {missing}"
            )
        wanted = set(usecols)
    return [c for c in columns if c in wanted]  # the file's order, as pandas


def read_csv(
    urlpath: Any,
    blocksize: Any = "default",
    sample: int = 256_000,
    sep: str = ",",
    delimiter: str | None = None,
    header: Any = "infer",
    names: Sequence[Any] | None = None,
    usecols: Any = None,
    dtype: Any = None,
    parse_dates: Any = None,
    na_values: Any = None,
    keep_default_na: bool = True,
    compression: str | None = "infer",
    **kwargs: Any,
) -> DataFrame:
    """Read CSV files into a DataFrame, as ``pandas.read_csv`` parses them.

    Parameters
    ----------
    urlpath : str, path or list of them
        A file, a glob (``"data_*.csv"``, files in name order) or a list.
    blocksize : int, str or None, default "default"
        Bytes per partition: files larger than this are split at line
        boundaries into several partitions (the header line belongs to the
        first). ``"default"`` is Dask's 64 MB; ``None`` reads each file as
        one partition. Compressed files are never split.
    sample : int, default 256000
        Bytes of the first file the column dtypes are inferred from.
    sep, delimiter : str, default ","
        The field separator (one character).
    header : "infer", 0 or None
        ``0``: the first line names the columns. ``None``: no header; the
        columns are ``names`` or ``"0", "1", …``. ``"infer"``: ``0`` unless
        ``names`` is given.
    names : list, optional
        Column names, by position (replacing the header if ``header=0``).
    usecols : list of str or int, or callable, optional
        The columns to read (names, positions, or a predicate on names),
        kept in the file's order.
    dtype : dtype or dict, optional
        One dtype for every column, or a dtype per column name.
    parse_dates : list of str, optional
        Columns to parse as ``datetime64[us]``.
    na_values : str or list of str, optional
        Extra missing-value markers for every column.
    keep_default_na : bool, default True
        Whether pandas' default markers (``""``, ``"NA"``, ``"nan"``, …)
        also mean missing.
    compression : "infer", "gzip", "zstd" or None
        ``"infer"`` detects gzip and zstd files (by their first bytes).

    Returns
    -------
    DataFrame

    Notes
    -----
    ``header=None`` names the columns ``"0", "1", …`` (strings); pandas uses
    the integers ``0, 1, …``. Dtypes are inferred from ``sample`` bytes of
    the first file with rows (as Dask does), not from every row. A quoted
    field holding a newline may be cut by ``blocksize`` splitting (as in
    Dask).

    Examples
    --------
    >>> import os, tempfile, pandas as pd, ferrox.dataframe as dd
    >>> path = os.path.join(tempfile.mkdtemp(), "x.csv")
    >>> pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", None]}).to_csv(path, index=False)
    >>> dd.read_csv(path).compute()
       a    b
    0  1    x
    1  2    y
    2  3  NaN
    """
    if kwargs:
        raise NotImplementedError(f"read_csv({', '.join(kwargs)}=...) is not supported yet")
    if delimiter is not None:
        sep = delimiter
    if not isinstance(sep, str) or len(sep) != 1:
        raise ValueError(f"`sep` must be one character, got {sep!r}")
    paths = _expand(urlpath)
    if compression not in ("infer", None, "gzip", "zstd"):
        raise NotImplementedError(f"read_csv(compression={compression!r}) is not supported")
    for path in paths:
        ext = os.path.splitext(path)[1].lower()
        if ext in _COMPRESSED and _COMPRESSED[ext] not in ("gzip", "zstd"):
            raise NotImplementedError(
                f"reading {_COMPRESSED[ext]}-compressed CSV files is not supported: {path}"
            )
    if blocksize == "default":
        blocksize = CSV_BLOCKSIZE
    elif isinstance(blocksize, str):
        blocksize = _parse_bytes(blocksize)
    if blocksize is not None and (not isinstance(blocksize, int | np.integer) or blocksize <= 0):
        raise ValueError(
            f"`blocksize` must be a positive number of bytes or None, got {blocksize!r}"
        )
    if header == "infer":
        header = None if names is not None else 0
    if header not in (0, None):
        raise NotImplementedError(f"read_csv(header={header!r}) is not supported yet")
    if names is not None:
        names = [str(n) for n in names]
        if len(set(names)) != len(names):
            raise ValueError("Duplicate names are not allowed.")
    na = list(_PANDAS_NA) if keep_default_na else []
    if na_values is not None:
        if isinstance(na_values, dict):
            raise NotImplementedError("read_csv(na_values={column: ...}) is not supported yet")
        extra = [na_values] if isinstance(na_values, str | int | float) else list(na_values)
        na.extend(str(v) for v in extra)
    fixed: list[tuple[str, str]] = []
    if parse_dates is not None and parse_dates is not False:
        if parse_dates is True or not isinstance(parse_dates, list | tuple):
            raise NotImplementedError(
                "read_csv(parse_dates=...) takes a list of column names; "
                f"{parse_dates!r} is not supported"
            )
        fixed.extend((str(c), "datetime64[us]") for c in parse_dates)
    size = int(blocksize) if blocksize is not None else None

    def build(names: list[str] | None, fixed: list[tuple[str, str]]) -> _core.FrameCore:
        return _core.read_csv(paths, size, sep, header == 0, names, na, fixed, sample)

    core = build(names, [])
    if names is None and header is None:
        # No header and no names: the columns are numbered, as in pandas.
        names = [str(i) for i in range(len(core.columns()))]
        core = build(names, [])
    columns = core.columns()
    missing = [c for c, _ in fixed if c not in columns]
    if missing:
        raise ValueError(f"Missing column provided to 'parse_dates': '{', '.join(missing)}'")
    if dtype is not None:
        if isinstance(dtype, dict):
            # As pandas, a dtype for a column the file does not have is ignored.
            pairs = [(str(c), _dtype_name(d)) for c, d in dtype.items() if str(c) in columns]
        else:
            pairs = [(c, _dtype_name(dtype)) for c in columns]
        dated = {c for c, _ in fixed}
        fixed = fixed + [p for p in pairs if p[0] not in dated]
    if fixed:
        core = build(names, fixed)
    frame = DataFrame(core)
    if usecols is None:
        return frame
    return frame[_csv_usecols(usecols, core.columns())]


def _parse_bytes(text: str) -> int:
    """``"64MB"`` → 64000000, ``"1 MiB"`` → 1048576."""
    m = re.fullmatch(r"\s*([\d.]+)\s*([kKmMgGtT]?i?[bB]?)\s*", text)
    if not m:
        raise ValueError(f"`blocksize` must be a number of bytes like '64MB', got {text!r}")
    number, unit = float(m.group(1)), m.group(2).lower().rstrip("b")
    scale = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
    scale.update({"ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40})
    if unit not in scale:
        raise ValueError(f"`blocksize` must be a number of bytes like '64MB', got {text!r}")
    return int(number * scale[unit])


# --- parquet -----------------------------------------------------------------

_FILTER_OPS = {"==", "=", "!=", "<", "<=", ">", ">=", "in", "not in"}


def _parquet_paths(path: Any) -> list[str]:
    if isinstance(path, str | os.PathLike) and os.path.isdir(path):
        root = os.fspath(path)
        found = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            for f in filenames:
                if not f.startswith((".", "_")) and not f.endswith((".crc", ".tmp")):
                    found.append(os.path.join(dirpath, f))
        if not found:
            raise FileNotFoundError(f"{root} holds no parquet files")
        return sorted(found, key=_natural_key)
    return _expand(path, natural=True)


def _pandas_index(path: str) -> tuple[list[str], list[Any]]:
    """The index columns the pandas metadata of ``path`` names, and the
    index levels' names."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).pandas_metadata or {}
    except (OSError, ValueError) as err:
        raise type(err)(f"{path}: {err}") from err
    columns = [c for c in meta.get("index_columns", []) if isinstance(c, str)]
    names: list[Any] = []
    described = {c.get("field_name"): c.get("name") for c in meta.get("columns", [])}
    for c in columns:
        default = None if re.fullmatch(r"__index_level_\d+__", c) else c
        names.append(described.get(c, default))
    return columns, names


def _filter_mask(frame: DataFrame, filters: Any) -> Series:
    """pyarrow-style ``filters`` (a list of ``(column, op, value)`` — AND —
    or a list of such lists — OR of ANDs) as a boolean series over
    ``frame``. As in pyarrow, a missing value never satisfies a comparison
    (``!=`` included) but does satisfy ``not in``."""
    if not isinstance(filters, list | tuple) or not filters:
        raise ValueError("Malformed filters: expected a non-empty list of (column, op, value)")
    groups = (
        filters
        if isinstance(filters[0], list | tuple) and not isinstance(filters[0][0], str)
        else [filters]
    )
    columns = frame._core.columns()
    ors = None
    for group in groups:
        ands = None
        for term in group:
            if not isinstance(term, list | tuple) or len(term) != 3:
                raise ValueError(f"Malformed filters: expected (column, op, value), got {term!r}")
            column, op, value = term
            if op not in _FILTER_OPS:
                raise ValueError(f'"{op}" is not a valid operator in predicates.')
            if column not in columns:
                raise ValueError(
                    f"No match for FieldRef.Name({column}) in the files' columns {columns}"
                )
            s = frame[column]
            if op in ("==", "="):
                m = s == value
            elif op == "!=":
                m = (s != value) & s.notna()
            elif op == "<":
                m = s < value
            elif op == "<=":
                m = s <= value
            elif op == ">":
                m = s > value
            elif op == ">=":
                m = s >= value
            elif op == "in":
                m = s.isin(list(value))
            else:  # pyarrow's `not in` keeps missing values (is_in(null) is false)
                m = ~s.isin(list(value))
            ands = m if ands is None else ands & m
        if ands is not None:
            ors = ands if ors is None else ors | ands
    assert ors is not None
    return ors


def read_parquet(
    path: Any,
    columns: Any = None,
    filters: Any = None,
    index: Any = None,
    split_row_groups: Any = "infer",
    blocksize: Any = "default",
    engine: str = "auto",
    **kwargs: Any,
) -> Any:
    """Read Parquet files (a file, a directory, a glob or a list) into a
    DataFrame.

    Parameters
    ----------
    path : str, path or list of them
        A file, a directory (every file in it, ``part.2`` before
        ``part.10``), a glob or a list of files.
    columns : str or list of str, optional
        The columns to read (a str gives a Series). Only the columns a query
        needs are decoded anyway.
    filters : list of tuples, or list of lists of tuples, optional
        pyarrow's DNF filters: ``[("x", ">", 3)]`` keeps rows where
        ``x > 3``; a list of lists is an OR of ANDs. Operators ``==``,
        ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in``, ``not in``. Row groups
        whose statistics rule them out are skipped; the other rows are
        filtered inside the scan.
    index : None or False
        ``None``: the index the files' pandas metadata names (what
        ``to_parquet`` writes); ``False``: no index, those columns are data.
    split_row_groups : "infer", bool or int
        ``True``: one partition per row group; an int: that many row groups
        per partition; ``False``: one per file; ``"infer"``: per row group
        when the first file is larger than an eighth of ``blocksize``.
    blocksize : int or "default"
        For ``split_row_groups="infer"`` (default 256 MiB).

    Returns
    -------
    DataFrame or Series

    Examples
    --------
    >>> import os, tempfile, pandas as pd, ferrox.dataframe as dd
    >>> path = os.path.join(tempfile.mkdtemp(), "x.parquet")
    >>> pd.DataFrame({"x": [1, 5, 3], "y": ["a", "b", "c"]}).to_parquet(path)
    >>> dd.read_parquet(path, filters=[("x", ">", 2)]).compute()
       x  y
    0  5  b
    1  3  c
    """
    if kwargs:
        raise NotImplementedError(f"read_parquet({', '.join(kwargs)}=...) is not supported yet")
    if engine not in ("auto", "pyarrow"):
        raise NotImplementedError(f"read_parquet(engine={engine!r}) is not supported")
    paths = _parquet_paths(path)
    if index is False:
        index_columns, index_names = [], []
    elif index is None:
        index_columns, index_names = _pandas_index(paths[0])
    else:
        raise NotImplementedError(
            "read_parquet(index=<column>) is not supported yet; use index=None"
        )
    if blocksize == "default":
        blocksize = PARQUET_BLOCKSIZE
    if split_row_groups == "infer":
        # Partitions are polars frames processed in parallel: a file worth
        # an eighth of the block size already gains from a partition per
        # row group (Dask compares with the whole block size).
        split_row_groups = os.path.getsize(paths[0]) > blocksize // 8
    if split_row_groups is True:
        split: int | None = 1
    elif split_row_groups is False:
        split = None
    elif isinstance(split_row_groups, int) and split_row_groups > 0:
        split = split_row_groups
    else:
        raise ValueError(
            "`split_row_groups` must be 'infer', True, False or a positive int, "
            f"got {split_row_groups!r}"
        )
    core = _core.read_parquet(paths, index_columns, index_names, split)
    frame = DataFrame(core)
    if filters is not None:
        mask = _filter_mask(frame, filters)
        frame = DataFrame(_core.scan_filter(core, mask._core))
    if columns is None:
        return frame
    if isinstance(columns, str):
        return frame[columns]
    return frame[list(columns)]


# --- json --------------------------------------------------------------------


def read_json(
    url_path: Any,
    orient: str = "records",
    lines: bool | None = None,
    blocksize: Any = None,
    sample: int = 2**20,
    compression: str | None = "infer",
    **kwargs: Any,
) -> DataFrame:
    """Read JSON Lines files (one record per line) into a DataFrame, one
    partition per file.

    Parameters
    ----------
    url_path : str, path or list of them
        A file, a glob or a list of files.
    orient : "records"
        The only layout supported: one JSON object per line.
    lines : bool, optional
        Must be true (the default for ``orient="records"``, as in Dask).
    sample : int, default 2**20
        Bytes of the first file the dtypes are inferred from.

    Returns
    -------
    DataFrame

    Notes
    -----
    pandas also turns columns with date-like names (``"date"``, ``"*_at"``,
    ``"timestamp*"``, …) holding date strings into datetimes
    (``convert_dates``); ferrox keeps them as text.

    Examples
    --------
    >>> import pathlib, tempfile, ferrox.dataframe as dd
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = path.write_text('{"a": 1, "b": "x"}\\n{"a": 2, "b": null}\\n')
    >>> dd.read_json(path, lines=True).compute()
       a    b
    0  1    x
    1  2  NaN
    """
    if kwargs:
        raise NotImplementedError(f"read_json({', '.join(kwargs)}=...) is not supported yet")
    if lines is None:
        lines = orient == "records"
    if orient != "records" or not lines:
        raise NotImplementedError(
            "read_json supports only JSON Lines (orient='records', lines=True)"
        )
    if blocksize is not None:
        raise NotImplementedError("read_json(blocksize=...) is not supported yet")
    if compression not in ("infer", None):
        raise NotImplementedError(f"read_json(compression={compression!r}) is not supported")
    return DataFrame(_core.read_json(_expand(url_path), sample))


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
