"""Writers: ``to_parquet`` and ``to_csv``, computed right away (Dask's
``compute=True``).

Each partition is written by a native task (``src/frame/io/write.rs``, GIL
released) to a temporary name next to its destination; one last task moves
the files into place after every write succeeded. If anything fails, the
temporary files are removed and the destination is left as it was.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from ferrox import _core, base
from ferrox.dataframe._collection import INDEX_PREFIX, _Frame
from ferrox.dataframe._partitions import empty_like


def _index_renames(core: _core.FrameCore, unnamed: Callable[[int], str]) -> list[tuple[str, str]]:
    """Index columns renamed to their pandas names (``unnamed(i)`` for a
    level without one)."""
    return [
        (f"{INDEX_PREFIX}{i}__", unnamed(i) if name is None else str(name))
        for i, name in enumerate(core.index_names)
    ]


def _run(task: _core.TaskCore, cleanup: Callable[[], None]) -> None:
    try:
        base.compute_cores([task])
    except BaseException:
        cleanup()
        raise


def to_parquet(
    df: _Frame,
    path: Any,
    compression: str | None = "snappy",
    write_index: bool = True,
    overwrite: bool = False,
    name_function: Callable[[int], str] | None = None,
    **kwargs: Any,
) -> None:
    """Write ``df`` as a directory of Parquet files, ``part.0.parquet``,
    ``part.1.parquet``, … (one per partition), with the index stored as
    columns and pandas metadata, so that ``read_parquet`` and
    ``pandas.read_parquet`` restore it.

    Parameters
    ----------
    df : DataFrame
        What to write.
    path : str or path
        The directory (created if missing).
    compression : str or None, default "snappy"
        ``"snappy"``, ``"gzip"``, ``"zstd"``, ``"lz4"`` or ``None``.
    write_index : bool, default True
        Whether to store the index (a default index is not stored: it is
        the row position, which reading restores).
    overwrite : bool, default False
        Remove what the directory held first (only once the new files are
        written).
    name_function : callable, optional
        The file name of partition ``i`` (default ``f"part.{i}.parquet"``).

    Examples
    --------
    >>> import os, tempfile, pandas as pd, ferrox.dataframe as dd
    >>> path = os.path.join(tempfile.mkdtemp(), "out")
    >>> dd.from_pandas(pd.DataFrame({"x": [1, 2, 3]}), npartitions=2).to_parquet(path)
    >>> sorted(os.listdir(path))
    ['part.0.parquet', 'part.1.parquet']
    >>> dd.read_parquet(path).x.sum().compute()
    np.int64(6)
    """
    if kwargs.pop("compute", True) is not True:
        raise NotImplementedError("to_parquet(compute=False) is not supported yet")
    if kwargs:
        raise NotImplementedError(f"to_parquet({', '.join(kwargs)}=...) is not supported yet")
    from ferrox.dataframe.frame import DataFrame

    if not isinstance(df, DataFrame):
        raise TypeError(f"to_parquet writes a DataFrame, got {type(df).__name__}")
    core = df._core
    path = os.fspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise FileExistsError(f"{path} exists and is not a directory")
    names = [
        name_function(i) if name_function else f"part.{i}.parquet" for i in range(core.npartitions)
    ]
    if len(set(names)) != len(names):
        raise ValueError("`name_function` must give a different name to every partition")
    renames = _index_renames(core, lambda i: f"{INDEX_PREFIX}{i}__") if write_index else []
    meta = empty_like(DataFrame(core))
    meta_schema = pa.Schema.from_pandas(meta, preserve_index=bool(core.nindex and write_index))
    pandas_metadata = (meta_schema.metadata or {}).get(b"pandas", b"").decode() or None
    codec = "none" if compression is None else str(compression)
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    tmp_dir = os.path.join(parent, f".{os.path.basename(path)}.tmp-{token}")
    os.makedirs(tmp_dir)
    old = None
    if overwrite and os.path.isdir(path):
        old = os.path.join(parent, f".{os.path.basename(path)}.old-{token}")
        os.replace(path, old)

    def cleanup() -> None:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        if old is not None:
            shutil.rmtree(path, ignore_errors=True)
            os.replace(old, path)

    task = _core.to_parquet(
        core,
        [os.path.join(tmp_dir, n) for n in names],
        [os.path.join(path, n) for n in names],
        renames,
        pandas_metadata,
        codec,
        tmp_dir,
    )
    _run(task, cleanup)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def to_csv(
    df: _Frame,
    filename: Any,
    single_file: bool = False,
    sep: str = ",",
    na_rep: str = "",
    header: bool = True,
    index: bool = True,
    name_function: Callable[[int], str] | None = None,
    **kwargs: Any,
) -> list[str]:
    """Write ``df`` as CSV: one file per partition (``*`` in ``filename``
    replaced by the partition number, or ``filename/0.part``, … for a
    directory), or one file with ``single_file=True``.

    Parameters
    ----------
    df : DataFrame or Series
        What to write.
    filename : str or path
        ``"out-*.csv"``, a directory, or (``single_file``) one file.
    single_file : bool, default False
        Append every partition, in order, to one file (one header).
    sep : str, default ","
        Field separator.
    na_rep : str, default ""
        What a missing value is written as.
    header : bool, default True
        Whether to write the column names.
    index : bool, default True
        Whether to write the index as the first columns (pandas' default).
    name_function : callable, optional
        What replaces ``*`` for partition ``i`` (default ``str(i)``).

    Returns
    -------
    list of str
        The files written.

    Notes
    -----
    Values are written by polars' CSV writer; reading the files back with
    ``pandas.read_csv`` gives pandas' values, but the text can differ from
    ``pandas.DataFrame.to_csv`` (``1e300`` rather than ``1e+300``,
    fractional seconds of datetimes).

    Examples
    --------
    >>> import os, tempfile, pandas as pd, ferrox.dataframe as dd
    >>> out = os.path.join(tempfile.mkdtemp(), "x-*.csv")
    >>> files = dd.from_pandas(pd.DataFrame({"x": [1, 2]}), npartitions=2).to_csv(out, index=False)
    >>> [os.path.basename(f) for f in files]
    ['x-0.csv', 'x-1.csv']
    """
    if kwargs.pop("compute", True) is not True:
        raise NotImplementedError("to_csv(compute=False) is not supported yet")
    if kwargs.pop("mode", "wt") not in ("w", "wt"):
        raise NotImplementedError("to_csv(mode=...) other than 'w' is not supported yet")
    if kwargs:
        raise NotImplementedError(f"to_csv({', '.join(kwargs)}=...) is not supported yet")
    if not isinstance(sep, str) or len(sep) != 1:
        raise TypeError('"delimiter" must be a 1-character string')
    if not isinstance(header, bool):
        raise NotImplementedError("to_csv(header=<list of names>) is not supported yet")
    from ferrox.dataframe.series import Series

    core = df._core
    if isinstance(df, Series) and core.columns() == ["__series__"]:
        # An unnamed Series: pandas writes the column name "0".
        core = core.rename([("__series__", "0")])
    if index:
        core = core.row_index()
        unnamed = [n for n in core.index_names if n is None]
        if len(unnamed) > 1:
            raise NotImplementedError("to_csv of a MultiIndex with unnamed levels is not supported")
        renames = _index_renames(core, lambda i: "")
    else:
        renames = []
    filename = os.fspath(filename)
    if single_file:
        finals = [filename]
    else:
        if "*" not in filename:
            filename = os.path.join(filename, "*.part")
        namer = name_function or str
        finals = [filename.replace("*", namer(i)) for i in range(core.npartitions)]
        if len(set(finals)) != len(finals):
            raise ValueError("`name_function` must give a different name to every partition")
    token = uuid.uuid4().hex[:12]
    tmps = []
    for final in finals:
        folder = os.path.dirname(os.path.abspath(final))
        os.makedirs(folder, exist_ok=True)
        tmps.append(os.path.join(folder, f".{os.path.basename(final)}.tmp-{token}"))

    def cleanup() -> None:
        for t in tmps:
            if os.path.exists(t):
                os.remove(t)

    task = _core.to_csv(core, tmps, finals, renames, sep, header, na_rep, single_file)
    _run(task, cleanup)
    return [os.path.abspath(f) for f in finals]
