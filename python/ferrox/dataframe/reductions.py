"""Reductions beyond the plain group-by kernels, behind the Series and
DataFrame methods of the same names: ``skipna=False`` / ``dropna=False``
(``src/frame/reduce.rs``), ``value_counts`` and ``mode``
(``src/frame/counts.rs``), ``idxmax`` / ``idxmin`` (``src/frame/argext.rs``),
``memory_usage`` (``src/frame/memory.rs``), ``sem``, ``select_dtypes``.

Each builds one native tree reduction; Python only checks arguments and
shapes the one-partition result into pandas' Series or scalar.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ferrox import _core
from ferrox.dataframe._collection import Scalar
from ferrox.dataframe.series import Series

if TYPE_CHECKING:
    from ferrox.dataframe.frame import DataFrame

#: What a missing value does to each reduction with ``skipna=False``
#: (``dropna=False`` for ``nunique``): pandas makes the result missing,
#: counts it as true (``any``; ``all`` is unchanged, as a missing value is
#: true), or counts it as one more distinct value.
MISSING = {
    "any": "truthy",
    "all": "skip",
    "count": "skip",
    "nunique": "counted",
}


def reduce_core(
    core: _core.FrameCore,
    op: str,
    columns: list[str],
    ddof: int,
    skipna: bool,
    min_count: int = 0,
) -> Any:
    """One row of ``op`` of each column of ``core`` (named like the column),
    with pandas' ``skipna`` and ``min_count`` rules."""
    if skipna:
        aggs = [(c, op, c, ddof) for c in columns]
        return with_min_count(lambda a: core.groupby([], a), aggs, min_count)
    missing = MISSING.get(op, "propagate")
    aggs = [(c, op, c, ddof, missing) for c in columns]
    return with_min_count(lambda a: _core.reduce(core, a), aggs, min_count)


def check_min_count(op: str, kwargs: dict[str, Any], takes: tuple[str, ...]) -> int:
    """``min_count`` popped from ``kwargs`` and validated as pandas does
    (0 where not given; ``takes``: the aggregations that accept it)."""
    if "min_count" not in kwargs:
        return 0
    if op not in takes:
        raise TypeError(f"{op}() got an unexpected keyword argument 'min_count'")
    min_count = kwargs.pop("min_count")
    if isinstance(min_count, bool) or not isinstance(min_count, numbers.Integral):
        raise TypeError(f"min_count must be an integer, got {type(min_count).__name__}")
    return int(min_count)


def with_min_count(
    aggregate: Callable[[list[tuple[Any, ...]]], Any],
    aggs: list[tuple[Any, ...]],
    min_count: int,
) -> Any:
    """The core ``aggregate(aggs)`` makes, each result missing where fewer
    than ``min_count`` values went into it (pandas' ``min_count``): the
    counts are aggregated in the same tree and mask the results. ``aggs``
    are ``(column, op, out, ddof)``, with the missing-value rule after them
    for ``_core.reduce`` (the counts then skip missing values)."""
    from ferrox.dataframe.frame import DataFrame

    if min_count <= 0:
        return aggregate(aggs)
    counts = [
        (agg[0], "count", f"__count_{agg[2]}", 1, *(["skip"] if len(agg) > 4 else []))
        for agg in aggs
    ]
    frame = DataFrame(aggregate(aggs + counts))
    for agg in aggs:
        out = agg[2]
        frame[out] = frame[out].where(frame[f"__count_{out}"] >= min_count)
    return frame[[agg[2] for agg in aggs]]._core


def check_skipna(skipna: Any) -> bool:
    """``skipna`` as pandas validates it."""
    if not isinstance(skipna, bool | np.bool_):
        raise ValueError(
            f'For argument "skipna" expected type bool, received type {type(skipna).__name__}.'
        )
    return bool(skipna)


# --- value_counts / mode ------------------------------------------------------


def _split_every(split_every: Any) -> int:
    return 8 if split_every in (None, False) else int(split_every)


def series_value_counts(
    s: Series,
    normalize: bool,
    sort: bool,
    ascending: bool,
    dropna: bool,
    split_every: Any = None,
) -> Series:
    """``Series.value_counts``: counts of each distinct value, in the
    order of the data, then (``sort``) stably by count."""
    normalize, sort, ascending, dropna = map(bool, (normalize, sort, ascending, dropna))
    column = s._core.columns()[0]
    core = _core.value_counts(
        s._core, [column], dropna, sort, ascending, normalize, _split_every(split_every)
    )
    return _Counts(core, "proportion" if normalize else "count", [s.name], False)


def frame_value_counts(
    df: DataFrame,
    subset: Any,
    normalize: bool,
    sort: bool,
    ascending: bool,
    dropna: bool,
) -> Series:
    """``DataFrame.value_counts``: counts of each distinct row of
    ``subset``, indexed by its values (a MultiIndex for a list of
    columns, even of one)."""
    normalize, sort, ascending, dropna = map(bool, (normalize, sort, ascending, dropna))
    columns = list(df._core.columns())
    if subset is None:
        keys, as_list = columns, True
    elif isinstance(subset, str):
        keys, as_list = [subset], False
    else:
        keys, as_list = [str(k) for k in subset], True
    missing = [k for k in keys if k not in columns]
    if missing:
        raise KeyError(missing[0] if len(missing) == 1 else missing)
    core = _core.value_counts(df._core, keys, dropna, sort, ascending, normalize)
    return _Counts(core, "proportion" if normalize else "count", keys, as_list and len(keys) == 1)


def mode(s: Series, dropna: bool) -> Series:
    """``Series.mode``: the most frequent values, sorted."""
    column = s._core.columns()[0]
    return Series(_core.mode(s._core, column, bool(dropna)), s.name)


class _Counts(Series):
    """``value_counts``: one partition indexed by the values counted
    (``multi``: as a one-level MultiIndex, as pandas gives for a list of
    one column)."""

    def __init__(
        self, core: _core.FrameCore, name: Any, index_names: list[Any], multi: bool
    ) -> None:
        super().__init__(core, name)
        self._index_names = index_names
        self._multi = multi

    def _with_core(self, core: _core.FrameCore) -> Series:
        return _Counts(core, self.name, self._index_names, self._multi)

    def _finalize(self, frame: pd.DataFrame) -> pd.Series:
        out = super()._finalize(frame)
        if self._multi:
            out.index = pd.MultiIndex.from_arrays([out.index], names=self._index_names)
        else:
            out.index.names = self._index_names
        return out


# --- idxmax / idxmin ----------------------------------------------------------


def series_idx(s: Series, largest: bool, skipna: bool) -> Scalar:
    """``Series.idxmax`` / ``idxmin``: the index label of the first
    largest / smallest value."""
    if s._core.nindex > 1:
        raise NotImplementedError("idxmax / idxmin of a series with a MultiIndex")
    column = s._core.columns()[0]
    core = _core.idx_extreme(s._core, [column], largest, bool(skipna))
    # pandas' label of a default (Range) index is a Python int.
    return Scalar(core, int if s._core.nindex == 0 else None)


def frame_idx(df: DataFrame, largest: bool, skipna: bool, numeric_only: bool) -> Series:
    """``DataFrame.idxmax`` / ``idxmin`` of each column."""
    from ferrox.dataframe.frame import _Reduced

    cols = numeric_columns(df) if numeric_only else list(df._core.columns())
    return _Reduced(_core.idx_extreme(df._core.project(cols), cols, largest, bool(skipna)))


def numeric_columns(df: DataFrame) -> list[str]:
    """The columns pandas' ``numeric_only=True`` keeps."""
    return [c for c in df._core.columns() if df[c].dtype.kind in "biufc"]


# --- sem ----------------------------------------------------------------------


def _check_sem(dtypes: list[Any]) -> None:
    for d in dtypes:
        if not (hasattr(d, "kind") and d.kind in "biuf"):
            name = "string" if isinstance(d, pd.StringDtype) else str(d)
            raise TypeError(f"Cannot perform reduction 'sem' with {name} dtype")


def _sem_core(core: _core.FrameCore, columns: list[str], ddof: int, skipna: bool) -> Any:
    """One row: ``std / sqrt(count)`` of each column."""
    from ferrox.dataframe.frame import DataFrame

    aggs = []
    for c in columns:
        aggs.append((c, "std", f"{c}__std", ddof, "skip" if skipna else "propagate"))
        aggs.append((c, "count", f"{c}__n", 1, "skip"))
    parts = DataFrame(_core.reduce(core.project(columns), aggs))
    sem = {c: parts[f"{c}__std"] / parts[f"{c}__n"].astype("float64") ** 0.5 for c in columns}
    return parts._from_series(sem)._core


def series_sem(s: Series, ddof: int, skipna: bool) -> Scalar:
    """``Series.sem``: the standard error of the mean."""
    skipna = check_skipna(skipna)
    _check_sem([s.dtype])
    column = s._core.columns()[0]
    return Scalar(_sem_core(s._core, [column], ddof, skipna))


def frame_sem(df: DataFrame, ddof: int, skipna: bool, numeric_only: bool) -> Series:
    """``DataFrame.sem`` of each column."""
    from ferrox.dataframe.frame import _Reduced

    skipna = check_skipna(skipna)
    cols = numeric_columns(df) if numeric_only else list(df._core.columns())
    _check_sem([df[c].dtype for c in cols])
    return _Reduced(_sem_core(df._core, cols, ddof, skipna))


# --- select_dtypes ------------------------------------------------------------


def select_dtypes(df: DataFrame, include: Any, exclude: Any) -> DataFrame:
    """``DataFrame.select_dtypes``: pandas' own rules, applied to an empty
    frame of the same dtypes."""
    from ferrox.dataframe.frame import DataFrame

    dtypes = df.dtypes
    meta = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in dtypes.items()})
    kept = meta.select_dtypes(include=include, exclude=exclude).columns
    return DataFrame(df._core.project([str(c) for c in kept]))


# --- memory_usage -------------------------------------------------------------


def _memory_core(obj: Any, deep: bool) -> Any:
    sizes = (sys.getsizeof(True), sys.getsizeof(False), sys.getsizeof(np.nan)) if deep else None
    return _core.memory_usage(obj._core, sizes)


def _index_bytes(row: np.ndarray, nindex: int) -> int:
    """pandas' memory usage of the computed frame's index: a ``RangeIndex``
    for a default index (its size depends only on the row count) and for
    an integer index that is an arithmetic progression (which pandas'
    ``set_index`` turns into one), else the index column's bytes."""
    start, stop, step = (int(v) for v in row[-3:])
    if nindex == 0:
        return int(pd.RangeIndex(int(row[0])).memory_usage())
    if step:
        return int(pd.RangeIndex(start, stop, step).memory_usage())
    return int(row[1])


def frame_memory_usage(df: DataFrame, index: bool, deep: bool) -> Series:
    """``DataFrame.memory_usage``: bytes of each column (and the index)."""
    from ferrox.dataframe.stats import _one_row

    nindex = df._core.nindex
    if index and nindex > 1:
        raise NotImplementedError("memory_usage(index=True) of a frame with a MultiIndex")
    columns = list(df._core.columns())
    labels = ["Index", *columns] if index else columns

    def shape(row: pd.Series) -> pd.Series:
        values = row.to_numpy(dtype=np.int64)
        data = [int(v) for v in values[1 + nindex : 1 + nindex + len(columns)]]
        if index:
            data = [_index_bytes(values, nindex), *data]
        return pd.Series(data, index=pd.Index(labels), dtype=np.int64)

    meta = pd.Series([], dtype=np.int64)
    return _one_row(_memory_core(df, deep), shape, meta)  # type: ignore[no-any-return]


def series_memory_usage(s: Series, index: bool, deep: bool) -> Scalar:
    """``Series.memory_usage``: bytes of the values (and the index)."""
    nindex = s._core.nindex
    if index and nindex > 1:
        raise NotImplementedError("memory_usage(index=True) of a series with a MultiIndex")

    class _Bytes(Scalar):
        def _finalize(self, frame: pd.DataFrame) -> Any:
            values = frame.iloc[0].to_numpy(dtype=np.int64)
            total = int(values[1 + nindex])
            if index:
                total += _index_bytes(values, nindex)
            return total

    return _Bytes(_memory_core(s, deep))
