"""Partitions computed by Python code: ``map_partitions``, ``apply(axis=1)``,
``from_delayed`` and ``to_delayed``.

Each partition is one Python task (``src/python/frame_io.rs``,
``frame_from_calls``): it gets the pandas partition with its index, calls the
user's function and hands the result back as a pyarrow table, which becomes
a native partition again (cast to the dtypes ``meta`` declares), so the
steps after it run in Rust without the GIL. ``meta`` gives the schema, as in
Dask; without it the function is run once on a small made-up partition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ferrox import _core
from ferrox.base import tokenize
from ferrox.dataframe._collection import INDEX_PREFIX, _Frame, pandas_dtype, tables_to_pandas

#: The column holding a Series without a name inside a partition.
SERIES_COLUMN = "__series__"


@dataclass(frozen=True)
class PartitionInfo:
    """How a Python task reads its input and shapes its output."""

    #: Index levels of the input partition (a pyarrow table), or -1 when the
    #: input is already a pandas object (``from_delayed``).
    in_nindex: int
    in_index_names: tuple[Any, ...]
    #: The input is a Series with this name (the partition's only column).
    in_series: bool
    in_series_name: Any
    #: The output: ``"frame"`` or ``"series"``, its columns, index levels.
    out_kind: str
    out_columns: tuple[str, ...]
    out_nindex: int


def _is_series(obj: Any) -> bool:
    from ferrox.dataframe.series import Series

    return isinstance(obj, Series)


def make_meta(meta: Any) -> pd.DataFrame | pd.Series:
    """An empty pandas object from Dask's forms of ``meta``: a pandas
    object, a dict or list of ``(column, dtype)``, a ``(name, dtype)`` tuple
    or a dtype."""
    if isinstance(meta, pd.DataFrame | pd.Series):
        return meta.iloc[:0]
    if isinstance(meta, dict):
        meta = list(meta.items())
    if isinstance(meta, list) and all(isinstance(m, tuple) and len(m) == 2 for m in meta):
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in meta})
    if isinstance(meta, tuple) and len(meta) == 2:
        return pd.Series([], dtype=meta[1], name=meta[0])
    try:
        return pd.Series([], dtype=meta)
    except TypeError:
        raise TypeError(
            "`meta` must be a pandas DataFrame or Series, a dict or list of (column, dtype), "
            f"a (name, dtype) tuple or a dtype, got {type(meta).__name__}"
        ) from None


def _fake(dtype: Any, n: int) -> Any:
    kind = getattr(dtype, "kind", "O")
    if kind == "b":
        return pd.Series([True, False][:n] * n, dtype=dtype).iloc[:n]
    if kind in "iu":
        return pd.Series(range(1, n + 1), dtype=dtype)
    if kind == "f":
        return pd.Series(np.arange(1.0, n + 1.0), dtype=dtype)
    if kind == "M":
        return pd.Series(pd.date_range("2000-01-01", periods=n), dtype=dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Series(["foo"] * n, dtype="category")
    return pd.Series(["foo", "bar"][:n] * n, dtype=dtype).iloc[:n]


def nonempty(meta: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """Two made-up rows of ``meta``'s dtypes (Dask's ``meta_nonempty``), to
    learn what a function returns without running it on the data."""
    index = pd.Index(_fake(meta.index.dtype, 2)) if meta.index.nlevels == 1 else None
    if isinstance(meta, pd.Series):
        return pd.Series(_fake(meta.dtype, 2).to_numpy(), index=index, name=meta.name)
    data = {c: _fake(meta[c].dtype, 2).to_numpy() for c in meta.columns}
    return pd.DataFrame(data, index=index, columns=meta.columns)


def empty_like(obj: _Frame) -> pd.DataFrame | pd.Series:
    """An empty pandas object with ``obj``'s columns, dtypes and index."""
    core = obj._core
    data = {c: pd.Series(dtype=pandas_dtype(d)) for c, d in zip(core.columns(), core.dtypes())}
    frame = pd.DataFrame(data, columns=core.columns())
    if core.nindex:
        levels = [pd.Index([], dtype=pandas_dtype(d)) for d in core.index_dtypes()]
        if len(levels) == 1:
            frame.index = levels[0].rename(core.index_names[0])
        else:
            frame.index = pd.MultiIndex.from_arrays(levels, names=core.index_names)
    if _is_series(obj):
        series = frame.iloc[:, 0]
        series.name = obj.name  # type: ignore[attr-defined]
        return series
    return frame


def to_table(result: Any, info: PartitionInfo) -> pa.Table:
    """A function's result as a partition: a pyarrow table, index columns
    first, shaped like ``meta``."""
    if isinstance(result, pd.Series):
        name = info.out_columns[0] if info.out_kind == "series" else None
        if name is None:
            raise ValueError(
                "the function returned a Series where `meta` describes a DataFrame; "
                "pass the right `meta`"
            )
        result = result.to_frame(name=name)
    elif isinstance(result, pd.DataFrame):
        if info.out_kind == "series":
            if len(result.columns) != 1:
                raise ValueError(
                    "the function returned a DataFrame where `meta` describes a Series; "
                    "pass the right `meta`"
                )
            result = result.set_axis(list(info.out_columns), axis=1)
    else:
        raise TypeError(
            f"the function returned {type(result).__name__}; a partition must be a pandas "
            "DataFrame or Series"
        )
    if result.index.nlevels != info.out_nindex:
        raise ValueError(
            f"the function returned a frame with {result.index.nlevels} index levels, "
            f"`meta` has {info.out_nindex}"
        )
    flat = result.copy(deep=False)
    flat.columns = [str(c) for c in flat.columns]
    missing = [c for c in info.out_columns if c not in flat.columns]
    if missing:
        raise ValueError(
            f"the computed partition has no column {missing[0]!r} (its columns are "
            f"{list(flat.columns)}); does `meta` match what the function returns?"
        )
    flat = flat[list(info.out_columns)]
    flat.index.names = [f"{INDEX_PREFIX}{i}__" for i in range(info.out_nindex)]
    return pa.Table.from_pandas(flat.reset_index(), preserve_index=False)


def call_partition(
    func: Any, part: Any, args: tuple[Any, ...], kwargs: dict[str, Any], info: PartitionInfo
) -> pa.Table:
    """The Python task of one partition: ``func(partition, *args, **kwargs)``
    as a pyarrow table (``func=None``: the partition itself)."""
    if info.in_nindex >= 0:
        part = tables_to_pandas([part], info.in_nindex, list(info.in_index_names))
        if info.in_series:
            part = part.iloc[:, 0].rename(info.in_series_name)
    result = part if func is None else func(part, *args, **kwargs)
    return to_table(result, info)


def meta_table(meta: pd.DataFrame | pd.Series) -> tuple[pa.Table, PartitionInfo]:
    """``meta`` as an empty pyarrow table (index columns first) and the
    output half of a :class:`PartitionInfo`."""
    if isinstance(meta, pd.Series):
        column = SERIES_COLUMN if meta.name is None else str(meta.name)
        frame, kind = meta.to_frame(name=column), "series"
    else:
        frame, kind = meta, "frame"
    flat = frame.copy(deep=False)
    flat.columns = [str(c) for c in flat.columns]
    nindex = flat.index.nlevels
    flat.index.names = [f"{INDEX_PREFIX}{i}__" for i in range(nindex)]
    table = pa.Table.from_pandas(flat.reset_index(), preserve_index=False)
    info = PartitionInfo(-1, (), False, None, kind, tuple(flat.columns), nindex)
    return table, info


def wrap(core: _core.FrameCore, meta: pd.DataFrame | pd.Series) -> Any:
    """The ferrox collection over ``core`` that ``meta`` describes."""
    from ferrox.dataframe.frame import DataFrame
    from ferrox.dataframe.series import Series

    if isinstance(meta, pd.Series):
        return Series(core, meta.name)
    return DataFrame(core)


def _check_args(args: tuple[Any, ...], kwargs: dict[str, Any], label: str) -> None:
    for a in [*args, *kwargs.values()]:
        if isinstance(a, _Frame):
            raise NotImplementedError(
                f"passing a ferrox {type(a).__name__} to `{label}` is not supported yet; "
                "compute it first or pass a delayed value"
            )


def from_calls(
    label: str,
    parts: list[Any],
    func: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    meta: pd.DataFrame | pd.Series,
    source: _Frame | None,
) -> Any:
    """A collection whose partition ``i`` is ``func(parts[i], *args,
    **kwargs)``; ``source`` is the frame the parts come from (``None``:
    they are pandas objects)."""
    _check_args(args, kwargs, label)
    table, out = meta_table(meta)
    if source is not None:
        core = source._core
        in_series = _is_series(source)
        info = PartitionInfo(
            core.nindex,
            tuple(core.index_names),
            in_series,
            getattr(source, "name", None),
            out.out_kind,
            out.out_columns,
            out.out_nindex,
        )
    else:
        info = out
    token = tokenize(label, func, [getattr(p, "key", None) for p in parts], args, kwargs, pure=True)
    index_names = list(meta.index.names)
    core = _core.frame_from_calls(
        f"{label}-{token}",
        parts,
        call_partition,
        func,
        tuple(args),
        dict(kwargs),
        info,
        table,
        out.out_nindex,
        index_names,
    )
    return wrap(core, meta)


def map_partitions(obj: _Frame, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``obj.map_partitions(func, *args, meta=..., **kwargs)``."""
    from ferrox.dataframe.series import Series

    meta = kwargs.pop("meta", None)
    _check_args(args, kwargs, "map_partitions")
    for unsupported in ("align_dataframes", "transform_divisions", "clear_divisions"):
        kwargs.pop(unsupported, None)
    if not callable(func):
        raise TypeError(f"`func` must be callable, got {type(func).__name__}")
    # Partitions carry their index: a default index is materialized.
    source_core = obj._core.row_index()
    source = (
        Series(source_core, obj.name)  # type: ignore[attr-defined]
        if _is_series(obj)
        else type(obj)(source_core)
    )
    if meta is None:
        try:
            sample = func(nonempty(empty_like(source)), *args, **kwargs)
        except Exception as err:
            raise ValueError(
                "could not infer `meta` by running the function on made-up data; "
                f"pass `meta=` ({type(err).__name__}: {err})"
            ) from err
        if not isinstance(sample, pd.DataFrame | pd.Series):
            raise NotImplementedError(
                f"the function returns {type(sample).__name__}; map_partitions supports "
                "functions returning a DataFrame or Series"
            )
        meta = sample.iloc[:0]
    else:
        meta = make_meta(meta)
    return from_calls(
        "map-partitions", source._core.partition_tasks(), func, args, kwargs, meta, source
    )


def apply_rows(df: pd.DataFrame, func: Any, args: tuple[Any, ...], kwds: dict[str, Any]) -> Any:
    """``df.apply(func, axis=1, args=args, **kwds)`` on one partition."""
    return df.apply(func, axis=1, args=args, **kwds)


def to_delayed(obj: _Frame) -> list[Any]:
    """One Delayed per partition, computing the pandas partition (with its
    index)."""
    from ferrox.delayed import Delayed

    core = obj._core.row_index()
    in_series = _is_series(obj)
    info = PartitionInfo(
        core.nindex,
        tuple(core.index_names),
        in_series,
        getattr(obj, "name", None),
        "",
        (),
        0,
    )
    name = f"to-delayed-{core.name}"
    return [
        Delayed(_core.TaskCore.call((name, i), _to_pandas, (task, info)))
        for i, task in enumerate(core.partition_tasks())
    ]


def _to_pandas(table: pa.Table, info: PartitionInfo) -> Any:
    part = tables_to_pandas([table], info.in_nindex, list(info.in_index_names))
    if info.in_series:
        return part.iloc[:, 0].rename(info.in_series_name)
    return part
