"""Group-by: ``df.groupby(keys)[cols].agg(...)`` as one native tree
reduction (``src/frame/groupby.rs``): partial results per partition, merged
with fan-in ``split_every``, finished and sorted by the keys like pandas
(``split_out=n``: ``n`` trees, one per hash partition of the keys).

Row-preserving operations keep the frame's rows and index: ``transform``,
the cumulative ones (``src/frame/group_ops.rs``) and ``shift`` / ``diff`` /
``ffill`` / ``bfill`` (``src/frame/neighbour.rs``). ``apply`` is Dask's:
rows are hash-partitioned so each group is in one partition, then pandas'
``groupby(...).apply`` runs on each (``_apply_groups``).
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ferrox import _core
from ferrox.dataframe.frame import DataFrame
from ferrox.dataframe.reductions import check_min_count, with_min_count
from ferrox.dataframe.series import _NO_NAME, Series

#: ``apply`` without ``meta``.
_NO_META = object()

#: Aggregations by name (pandas' names).
AGGS = (
    "sum",
    "mean",
    "count",
    "size",
    "min",
    "max",
    "std",
    "var",
    "first",
    "last",
    "nunique",
    "median",
    "prod",
    "any",
    "all",
)


def _agg_name(func: Any) -> str:
    """pandas' name of an aggregation given as a string or a NumPy / builtin
    function."""
    if isinstance(func, str):
        name = func
    else:
        name = getattr(func, "__name__", repr(func))
    name = {
        "amin": "min",
        "amax": "max",
        "product": "prod",
        "nanmean": "mean",
        "nansum": "sum",
    }.get(name, name)
    if name not in AGGS:
        raise AttributeError(f"'SeriesGroupBy' object has no attribute '{name}'")
    return name


def _sort_groups(obj: Any, nlevels: int) -> Any:
    """``obj`` stably sorted by its first ``nlevels`` index levels, missing
    keys last: the partitions of a hash-partitioned result in pandas' group
    order (each partition is sorted already; this orders the groups across
    partitions)."""
    if not nlevels or len(obj) < 2:
        return obj
    level = list(range(nlevels)) if obj.index.nlevels > 1 else None
    return obj.sort_index(level=level, sort_remaining=False, kind="stable", na_position="last")


class _KeepsOrder:
    """Arithmetic and comparisons keep a group-by result's class (keys as
    the index), so that computing the outcome still orders the groups."""

    def _binary(self, op: str, other: Any, reflected: bool = False) -> Any:
        out = super()._binary(op, other, reflected)  # type: ignore[misc]
        if not self._as_index:  # type: ignore[attr-defined]
            # The keys become columns only when computed; pandas' operation
            # would apply to them too.
            return out
        kept = self._with_core(out._core)  # type: ignore[attr-defined]
        if isinstance(out, Series):
            kept.name = out.name
        return kept


class _GroupedFrame(_KeepsOrder, DataFrame):
    """A group-by result as pandas shapes it (keys as index or columns)."""

    _range_index = False

    def __init__(
        self,
        core: Any,
        as_index: bool = True,
        columns: pd.Index | None = None,
        sort_levels: int = 0,
    ) -> None:
        super().__init__(core)
        self._as_index = as_index
        self._result_columns = columns
        self._sort_levels = sort_levels

    def _with_core(self, core: Any) -> DataFrame:
        return _GroupedFrame(core, self._as_index, self._result_columns, self._sort_levels)

    def _empty(self) -> pd.DataFrame:
        """The result without rows, shaped as computing shapes it."""
        from ferrox.dataframe._partitions import empty_like

        return self._finalize(empty_like(DataFrame(self._core)))

    @property
    def columns(self) -> pd.Index:
        """Column labels, as pandas labels the result (``(column, agg)``
        pairs for a list of aggregations; the keys first for
        ``as_index=False``)."""
        return self._empty().columns

    @property
    def dtypes(self) -> pd.Series:
        """The columns' pandas dtypes."""
        return self._empty().dtypes

    def _finalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self._result_columns is not None:
            frame.columns = self._result_columns
        frame = _sort_groups(frame, self._sort_levels)
        return frame if self._as_index else frame.reset_index()


class _GroupedSeries(_KeepsOrder, Series):
    """A one-column group-by result, as a Series named like pandas'."""

    _range_index = False

    def __init__(self, core: Any, name: Any, as_index: bool = True, sort_levels: int = 0) -> None:
        super().__init__(core, name)
        self._as_index = as_index
        self._sort_levels = sort_levels

    def _with_core(self, core: Any) -> Series:
        return _GroupedSeries(core, self.name, self._as_index, self._sort_levels)

    def _finalize(self, frame: pd.DataFrame) -> Any:
        out = _sort_groups(super()._finalize(frame), self._sort_levels)
        return out if self._as_index else out.reset_index()


class _Applied(_KeepsOrder):
    """The result of ``groupby(...).apply``: partitions hold whole groups
    (their keys the first ``nkeys`` index levels); computing orders the
    groups as pandas does, sorted or (``order``: a one-partition frame of
    the keys in order of first appearance, computed with the result) for
    ``sort=False``, and shapes the result for ``as_index=False``."""

    _core: Any
    _range_index = False

    def _setup(self, nkeys: int, order: Any, as_index: bool) -> None:
        self._nkeys, self._order, self._as_index = nkeys, order, as_index

    def _order_cores(self) -> list[Any]:
        return [] if self._order is None else self._order.partition_tasks()

    def __ferrox_cores__(self) -> list[Any]:
        return [*self._core.partition_tasks(), *self._order_cores()]

    def __ferrox_finalize__(self, values: list[Any]) -> Any:
        from ferrox.dataframe._collection import tables_to_pandas

        n = self._core.npartitions
        out = super().__ferrox_finalize__(values[:n])  # type: ignore[misc]
        if self._order is None:
            out = _sort_groups(out, self._nkeys)
        else:
            out = _in_order_seen(out, tables_to_pandas(values[n:], 0, []), self._nkeys)
        return out if self._as_index else _without_keys(out, self._nkeys)

    def __ferrox_rebuild__(self, values: list[Any]) -> Any:
        import uuid

        n = self._core.npartitions
        rebuilt = super().__ferrox_rebuild__(values[:n])  # type: ignore[misc]
        if self._order is not None:
            rebuilt._order = _core.FrameCore.from_arrow(values[n:], 0, [], uuid.uuid4().hex)
        return rebuilt


def _in_order_seen(obj: Any, order: pd.DataFrame, nkeys: int) -> Any:
    """``obj``'s groups (its first ``nkeys`` index levels) in the order of
    ``order``'s rows, each group's rows as they are."""
    if len(obj) < 2:
        return obj
    if nkeys > 1:
        seen: pd.Index = pd.MultiIndex.from_frame(order)
    else:
        seen = pd.Index(order.iloc[:, 0])
    keys = obj.index
    if keys.nlevels > nkeys:
        keys = keys.droplevel(list(range(nkeys, keys.nlevels)))
    rank = seen.get_indexer(keys)
    return obj.iloc[np.argsort(rank, kind="stable")]


def _without_keys(obj: Any, nkeys: int) -> Any:
    """pandas' ``as_index=False`` shape of an ``apply`` result: the keys
    become columns of one row per group, or, where the function gave rows
    of the group (an index after the keys), are left out."""
    if obj.index.nlevels > nkeys:
        return obj.droplevel(list(range(nkeys)))
    if isinstance(obj, pd.Series):
        out = obj.reset_index()
        out.columns = [*out.columns[:-1], obj.name]
        return out
    return obj.reset_index()


class _AppliedFrame(_Applied, DataFrame):
    """A DataFrame result of ``groupby(...).apply``; ``value_name``: the
    name of the one column, for a Series result computed as a frame
    (``as_index=False`` and a row per group)."""

    def __init__(
        self,
        core: Any,
        nkeys: int,
        order: Any = None,
        as_index: bool = True,
        value_name: Any = _NO_NAME,
    ) -> None:
        super().__init__(core)
        self._setup(nkeys, order, as_index)
        self._value_name = value_name

    def _with_core(self, core: Any) -> DataFrame:
        return _AppliedFrame(core, self._nkeys, self._order, self._as_index, self._value_name)

    def _finalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self._value_name is not _NO_NAME:
            frame.columns = [self._value_name]
        return frame

    @property
    def columns(self) -> pd.Index:
        """Column labels, as computing shapes them (the keys first for
        ``as_index=False`` when each group gives one row)."""
        return self._empty().columns

    @property
    def dtypes(self) -> pd.Series:
        """The columns' pandas dtypes, as computing gives them."""
        return self._empty().dtypes

    def _empty(self) -> pd.DataFrame:
        from ferrox.dataframe._partitions import empty_like

        empty = self._finalize(empty_like(DataFrame(self._core)))
        return empty if self._as_index else _without_keys(empty, self._nkeys)


class _AppliedSeries(_Applied, Series):
    """A Series result of ``groupby(...).apply``."""

    def __init__(
        self, core: Any, name: Any, nkeys: int, order: Any = None, as_index: bool = True
    ) -> None:
        super().__init__(core, name)
        self._setup(nkeys, order, as_index)

    def _with_core(self, core: Any) -> Series:
        return _AppliedSeries(core, self.name, self._nkeys, self._order, self._as_index)


class DataFrameGroupBy:
    """``df.groupby(by)``: pick columns with ``[...]`` or aggregate them all."""

    def __init__(
        self,
        frame: DataFrame,
        by: Any,
        sort: bool = True,
        dropna: bool = True,
        as_index: bool = True,
        split_every: int | None = None,
        split_out: int | None = None,
        **kwargs: Any,
    ) -> None:
        group_keys = kwargs.pop("group_keys", True)
        if kwargs:
            raise NotImplementedError(f"groupby({', '.join(kwargs)}=...) is not supported yet")
        if not isinstance(dropna, bool):
            raise TypeError(f"`dropna` must be True or False, got {dropna!r}")
        self._frame = frame
        keys = by if isinstance(by, list) else [by]
        self._keys: list[str] = []
        # Keys grouped under another column name: a Series named like a
        # column of the frame but with other values (``df.t.dt.month``).
        self._key_labels: dict[str, Any] = {}
        for i, k in enumerate(keys):
            if isinstance(k, Series):
                if not frame._core.same_rows(k._core):
                    raise NotImplementedError("grouping by a Series of another frame")
                name = str(k.name)
                if name in frame._core.columns():
                    if frame._core.project([name]).name != k._core.name:
                        name = f"__ferrox_key_{i}__"
                        self._key_labels[name] = k.name
                if name not in frame._core.columns():
                    frame = frame.assign(**{name: k})
                    self._frame = frame
                self._keys.append(name)
            elif isinstance(k, str):
                self._keys.append(k)
            else:
                raise NotImplementedError("grouping by something other than column names")
        frame._core.project(self._keys)  # KeyError naming an unknown key, with close matches
        self._as_index = as_index
        self._sort = sort
        self._split_every = split_every or 8
        self._dropna = dropna
        self._group_keys = group_keys
        self._split_out = self._check_split_out(split_out)
        self._selection: list[str] | None = None
        self._series = False

    @property
    def _columns(self) -> list[str]:
        if self._selection is not None:
            return self._selection
        return [c for c in self._frame._core.columns() if c not in self._keys]

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and name in self._frame._core.columns():
            return self[name]
        raise AttributeError(f"'DataFrameGroupBy' object has no attribute '{name}'")

    def __getitem__(self, key: Any) -> Any:
        # KeyError naming an unknown column, with close matches.
        self._frame._core.project([key] if isinstance(key, str) else list(key))
        out = DataFrameGroupBy.__new__(SeriesGroupBy if isinstance(key, str) else DataFrameGroupBy)
        out.__dict__.update(self.__dict__)
        out._selection = [key] if isinstance(key, str) else list(key)
        out._series = isinstance(key, str)
        return out

    def _check_split_out(self, split_out: Any) -> int:
        if split_out is None or split_out is False:
            return 1
        if split_out is True:
            return self._frame.npartitions
        if not isinstance(split_out, int) or split_out < 1:
            raise ValueError(f"`split_out` must be a positive integer or True, got {split_out!r}")
        return split_out

    def _with_options(self, split_every: Any = None, split_out: Any = None) -> DataFrameGroupBy:
        """This group-by with the per-call ``split_every`` / ``split_out``."""
        if split_every is None and split_out is None:
            return self
        out = DataFrameGroupBy.__new__(type(self))
        out.__dict__.update(self.__dict__)
        if split_every is not None:
            out._split_every = int(split_every) if split_every else 8
        if split_out is not None:
            out._split_out = self._check_split_out(split_out)
        return out

    def _core_of(self, aggs: list[tuple[str, str, str, int]]) -> Any:
        cols = list(dict.fromkeys([*self._keys, *(a[0] for a in aggs)]))
        return self._frame._core.project(cols).groupby(
            self._keys, aggs, self._split_every, self._sort, self._dropna, self._split_out
        )

    def _labelled(self, core: Any) -> Any:
        """``core`` (its first index levels the keys) with the keys' index
        levels named as pandas names them."""
        if not self._key_labels:
            return core
        names = list(core.index_names)
        for i, key in enumerate(self._keys):
            if key in self._key_labels:
                label = self._key_labels[key]
                names[i] = None if label is None else str(label)
        return core.with_index_names(names)

    def _result_series(self, core: Any, name: Any, as_index: bool = True) -> _GroupedSeries:
        return _GroupedSeries(self._labelled(core), name, as_index, self._sorts_at_compute())

    def _result_frame(
        self, core: Any, as_index: bool = True, columns: pd.Index | None = None
    ) -> _GroupedFrame:
        return _GroupedFrame(self._labelled(core), as_index, columns, self._sorts_at_compute())

    def _sorts_at_compute(self) -> int:
        """How many index levels to sort by when computing: the keys, when
        ``split_out > 1`` hash-partitions a sorted result."""
        return len(self._keys) if self._sort and self._split_out > 1 else 0

    def _agg(self, op: str, ddof: int = 1, **kwargs: Any) -> Any:
        split = {k: kwargs.pop(k) for k in ("split_every", "split_out") if k in kwargs}
        if split:
            return self._with_options(**split)._agg(op, ddof, **kwargs)
        min_count = check_min_count(op, kwargs, _MIN_COUNT_OPS)
        unsupported = [k for k, v in kwargs.items() if v not in (None, True, False)]
        if unsupported:
            raise NotImplementedError(f"{op}({', '.join(unsupported)}=...) is not supported yet")
        if kwargs.get("numeric_only"):
            dtypes = dict(zip(self._frame._core.columns(), self._frame._core.dtypes()))
            columns = [c for c in self._columns if dtypes[c] not in ("str", "object")]
        else:
            columns = self._columns
        if op == "size":
            core = self._core_of([(self._keys[0], "size", "size", 1)])
            if self._as_index:
                return self._result_series(core, self._columns[0] if self._series else None)
            return self._result_frame(core, False)
        aggs = [(c, op, c, ddof) for c in columns]
        core = with_min_count(self._core_of, aggs, min_count)
        if self._series and self._as_index:
            return self._result_series(core, columns[0])
        return self._result_frame(core, self._as_index)

    def sum(self, numeric_only: bool = False, **kwargs: Any) -> Any:
        """Sum per group."""
        return self._agg("sum", numeric_only=numeric_only, **kwargs)

    def prod(self, numeric_only: bool = False, **kwargs: Any) -> Any:
        """Product per group."""
        return self._agg("prod", numeric_only=numeric_only, **kwargs)

    def mean(self, numeric_only: bool = False, **kwargs: Any) -> Any:
        """Mean per group."""
        return self._agg("mean", numeric_only=numeric_only, **kwargs)

    def median(self, numeric_only: bool = False, **kwargs: Any) -> Any:
        """Median per group (the values of each group are gathered)."""
        return self._agg("median", numeric_only=numeric_only, **kwargs)

    def count(self, **kwargs: Any) -> Any:
        """Non-missing values per group."""
        return self._agg("count", **kwargs)

    def size(self, **kwargs: Any) -> Any:
        """Rows per group."""
        return self._agg("size", **kwargs)

    def min(self, numeric_only: bool = False, **kwargs: Any) -> Any:
        """Smallest value per group."""
        return self._agg("min", numeric_only=numeric_only, **kwargs)

    def max(self, numeric_only: bool = False, **kwargs: Any) -> Any:
        """Largest value per group."""
        return self._agg("max", numeric_only=numeric_only, **kwargs)

    def first(self, numeric_only: bool = False, **kwargs: Any) -> Any:
        """First non-missing value per group."""
        return self._agg("first", numeric_only=numeric_only, **kwargs)

    def last(self, numeric_only: bool = False, **kwargs: Any) -> Any:
        """Last non-missing value per group."""
        return self._agg("last", numeric_only=numeric_only, **kwargs)

    def std(self, ddof: int = 1, numeric_only: bool = False, **kwargs: Any) -> Any:
        """Standard deviation per group."""
        return self._agg("std", ddof=ddof, numeric_only=numeric_only, **kwargs)

    def var(self, ddof: int = 1, numeric_only: bool = False, **kwargs: Any) -> Any:
        """Variance per group."""
        return self._agg("var", ddof=ddof, numeric_only=numeric_only, **kwargs)

    def nunique(self, dropna: bool = True, **kwargs: Any) -> Any:
        """Distinct values per group."""
        if not dropna:
            raise NotImplementedError("nunique(dropna=False) is not supported yet")
        return self._agg("nunique", **kwargs)

    def any(self, **kwargs: Any) -> Any:
        """Whether any value of the group is true."""
        return self._agg("any", **kwargs)

    def all(self, **kwargs: Any) -> Any:
        """Whether every value of the group is true."""
        return self._agg("all", **kwargs)

    # --- row-preserving ------------------------------------------------------

    def transform(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        """The aggregation ``func`` of each group, on every row of the group
        (same index and order as the frame)."""
        if args or kwargs:
            raise NotImplementedError("transform(func, *args, **kwargs) is not supported yet")
        if not isinstance(func, str) and not hasattr(func, "__name__"):
            raise TypeError(f"unsupported transform {func!r}")
        if isinstance(func, str) and func not in AGGS:
            raise ValueError(f"'{func}' is not a valid function name for transform(name)")
        name = _agg_name(func)
        if name == "size":
            raise NotImplementedError("transform('size') is not supported yet")
        groups = self._with_options(split_out=1)._agg(name)
        core = self._frame._core.transform(groups._core, self._keys)
        if self._series:
            return Series(core, self._columns[0])
        return DataFrame(core)

    def _cumulative(self, op: str) -> Any:
        core = self._frame._core.group_cumulative(self._keys, self._columns, op, "", self._dropna)
        if self._series:
            return Series(core, self._columns[0])
        return DataFrame(core)

    def cumsum(self) -> Any:
        """Running sum within each group, in row order."""
        return self._cumulative("cumsum")

    def cumprod(self) -> Any:
        """Running product within each group."""
        return self._cumulative("cumprod")

    def cummax(self) -> Any:
        """Running maximum within each group."""
        return self._cumulative("cummax")

    def cummin(self) -> Any:
        """Running minimum within each group."""
        return self._cumulative("cummin")

    def cumcount(self, ascending: bool = True) -> Series:
        """Each row's position within its group (0, 1, …)."""
        if not ascending:
            raise NotImplementedError("cumcount(ascending=False) is not supported yet")
        core = self._frame._core.group_cumulative(
            self._keys, [], "cumcount", "__cumcount__", self._dropna
        )
        return Series(core, None)

    def _neighbour(self, op: str, periods: int = 1, fill_value: Any = None) -> Any:
        from ferrox.dataframe.series import operand

        if not isinstance(periods, int) or isinstance(periods, bool):
            raise TypeError(f"Periods must be integer, but {periods} is {type(periods)}.")
        # pandas ignores the groups for ``periods=0`` (rows of a missing key
        # included).
        keys = self._keys if periods or op not in ("shift", "diff") else []
        core = self._frame._core.neighbour(
            keys, self._columns, op, periods, operand(fill_value), self._dropna
        )
        if self._series:
            return Series(core, self._columns[0])
        return DataFrame(core)

    def shift(self, periods: int = 1, fill_value: Any = None, **kwargs: Any) -> Any:
        """Each value moved ``periods`` rows down within its group (up for
        negative ``periods``), in the frame's row order and index; the rows
        left empty get ``fill_value`` (missing by default).

        Parameters
        ----------
        periods : int
            How many rows to move.
        fill_value : scalar, optional
            The value of the rows nothing moved into.

        Returns
        -------
        Series or DataFrame

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"k": ["a", "b", "a", "b"], "x": [1, 2, 3, 4]})
        >>> dd.from_pandas(pdf, npartitions=2).groupby("k").x.shift().compute()
        0    NaN
        1    NaN
        2    1.0
        3    2.0
        Name: x, dtype: float64
        """
        _no_extra("shift", kwargs)
        return self._neighbour("shift", periods, fill_value)

    def diff(self, periods: int = 1, **kwargs: Any) -> Any:
        """Each value minus the one ``periods`` rows before it in its group.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"k": ["a", "b", "a", "b"], "x": [1, 2, 4, 8]})
        >>> dd.from_pandas(pdf, npartitions=2).groupby("k").x.diff().compute()
        0    NaN
        1    NaN
        2    3.0
        3    6.0
        Name: x, dtype: float64
        """
        _no_extra("diff", kwargs)
        return self._neighbour("diff", periods)

    def ffill(self, limit: int | None = None) -> Any:
        """Missing values filled with the last value before them in their
        group.

        Examples
        --------
        >>> import numpy as np, pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"k": ["a", "b", "a", "b"], "x": [1.0, 2.0, np.nan, np.nan]})
        >>> dd.from_pandas(pdf, npartitions=2).groupby("k").x.ffill().compute()
        0    1.0
        1    2.0
        2    1.0
        3    2.0
        Name: x, dtype: float64
        """
        if limit is not None:
            raise NotImplementedError("ffill(limit=...) is not supported yet")
        return self._neighbour("ffill")

    def bfill(self, limit: int | None = None) -> Any:
        """Missing values filled with the next value after them in their
        group.

        Examples
        --------
        >>> import numpy as np, pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"k": ["a", "b", "a", "b"], "x": [np.nan, 2.0, 1.0, np.nan]})
        >>> dd.from_pandas(pdf, npartitions=2).groupby("k").x.bfill().compute()
        0    1.0
        1    2.0
        2    1.0
        3    NaN
        Name: x, dtype: float64
        """
        if limit is not None:
            raise NotImplementedError("bfill(limit=...) is not supported yet")
        return self._neighbour("bfill")

    def apply(self, func: Any, *args: Any, meta: Any = _NO_META, **kwargs: Any) -> Any:
        """``func`` applied to each group, as pandas' ``groupby(...).apply``.

        As in Dask, the rows are first hash-partitioned by the keys so that
        every group is in one partition, then pandas' ``groupby(...).apply``
        runs on each partition (one Python task per partition). Computing
        the result puts the groups in pandas' order: sorted by the keys, or,
        with ``sort=False``, in order of first appearance (the keys'
        distinct values are found in the same compute). With
        ``as_index=False`` the result has pandas' shape: the keys as columns
        where each group gives one row, else the rows' own index.

        Parameters
        ----------
        func : callable
            Called with each group (a pandas DataFrame without the key
            columns, or a Series for ``groupby(...)[column]``).
        *args, **kwargs
            Passed to ``func``.
        meta : pandas object, dict, list of (column, dtype) or (name, dtype)
            What the result looks like. Without it, ``func`` runs on made-up
            data to find out, with Dask's warning; with it, ``func`` still
            runs there once (errors ignored) to learn the result's index
            levels, which Dask's forms of ``meta`` do not describe.

        Returns
        -------
        Series or DataFrame

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"k": ["a", "b", "a"], "x": [1, 2, 3]})
        >>> ddf = dd.from_pandas(pdf, npartitions=2)
        >>> ddf.groupby("k").x.apply(lambda s: s.max() - s.min(), meta=("x", "int64")).compute()
        k
        a    2
        b    0
        Name: x, dtype: int64
        """
        from ferrox.dataframe import _partitions

        kwargs.pop("shuffle_method", None)
        if not callable(func):
            raise TypeError(f"`func` must be callable, got {type(func).__name__}")
        if not self._group_keys:
            raise NotImplementedError("groupby(group_keys=False).apply is not supported yet")
        _partitions._check_args(args, kwargs, "apply")
        columns = list(dict.fromkeys([*self._keys, *self._columns]))
        source = DataFrame(self._frame._core.project(columns))
        spec = _ApplySpec(
            tuple(self._keys),
            self._columns[0] if self._series else tuple(self._columns),
            self._series,
            self._sort,
            self._dropna,
        )
        sample = None
        try:
            fake = _partitions.nonempty(_partitions.empty_like(source))
            sample = _apply_groups(fake, spec, func, args, kwargs, None)
        except Exception as err:
            if meta is _NO_META:
                raise ValueError(
                    "could not infer `meta` by running the function on made-up data; "
                    f"pass `meta=` ({type(err).__name__}: {err})"
                ) from err
        if meta is _NO_META:
            warnings.warn(_META_WARNING, UserWarning, stacklevel=2)
            if not isinstance(sample, pd.DataFrame | pd.Series):
                raise NotImplementedError(
                    f"the function's groups give {type(sample).__name__}; apply supports "
                    "results that are a DataFrame or Series"
                )
            meta_obj = sample.iloc[:0]
        else:
            meta_obj = _with_index(_partitions.make_meta(meta), sample, len(self._keys))
        shuffled = DataFrame(_core.hash_partition(source._core, self._keys, source.npartitions))
        call = functools.partial(
            _apply_groups, spec=spec, func=func, args=args, kwargs=kwargs, meta=meta_obj
        )
        tasks = shuffled._core.partition_tasks()
        result = _partitions.from_calls("groupby-apply", tasks, call, (), {}, meta_obj, shuffled)
        nkeys = len(self._keys)
        result = result._with_core(self._labelled(result._core))
        order = None
        if not self._sort:
            # The groups' keys in order of first appearance, computed with the result.
            keys = source._core.project(list(self._keys))
            order = _core.drop_duplicates(keys, [], "first", True, 8)
        if isinstance(result, Series):
            if not self._as_index and meta_obj.index.nlevels == nkeys:
                # A row per group: pandas gives the keys and the values as columns.
                return _AppliedFrame(result._core, nkeys, order, False, result.name)
            return _AppliedSeries(result._core, result.name, nkeys, order, self._as_index)
        return _AppliedFrame(result._core, nkeys, order, self._as_index)

    def agg(
        self,
        arg: Any = None,
        split_every: int | None = None,
        split_out: int | bool | None = None,
        **named: Any,
    ) -> Any:
        """Several aggregations at once: a name, a list of names (columns
        ``(column, name)``), a dict ``{column: name or list}``, or named
        aggregations ``out=(column, name)`` / ``out=pd.NamedAgg(...)``.

        ``split_out=n`` gives ``n`` partitions (by the hash of the keys);
        ``split_every`` bounds the fan-in of the tree."""
        if split_every is not None or split_out is not None:
            return self._with_options(split_every, split_out).agg(arg, **named)
        if arg is None and named:
            return self._named(named)
        if isinstance(arg, str) or callable(arg):
            return self._agg(_agg_name(arg))
        if isinstance(arg, list):
            funcs = [_agg_name(f) for f in arg]
            if self._series:
                column = self._columns[0]
                aggs = [(column, f, f, 1) for f in funcs]
                return self._result_frame(self._core_of(aggs), self._as_index)
            aggs, labels = [], []
            for c in self._columns:
                for f in funcs:
                    aggs.append((c, f, f"{c}__{f}", 1))
                    labels.append((c, f))
            return self._result_frame(
                self._core_of(aggs), self._as_index, pd.MultiIndex.from_tuples(labels)
            )
        if isinstance(arg, dict):
            aggs, labels = [], []
            multi = any(isinstance(v, list | tuple) for v in arg.values())
            for c, funcs in arg.items():
                self._frame._core.project([c])
                for f in funcs if isinstance(funcs, list | tuple) else [funcs]:
                    name = _agg_name(f)
                    aggs.append((c, name, f"{c}__{name}", 1))
                    labels.append((c, name))
            columns = (
                pd.MultiIndex.from_tuples(labels) if multi else pd.Index([c for c, _ in labels])
            )
            return self._result_frame(self._core_of(aggs), self._as_index, columns)
        raise TypeError(f"unsupported aggregation {arg!r}")

    aggregate = agg

    def _named(self, named: dict[str, Any]) -> Any:
        aggs = []
        for out, spec in named.items():
            if isinstance(spec, pd.NamedAgg):
                column, func = spec.column, spec.aggfunc
            elif self._series and not isinstance(spec, tuple):
                column, func = self._columns[0], spec
            else:
                column, func = spec
            self._frame._core.project([column])
            aggs.append((column, _agg_name(func), out, 1))
        return self._result_frame(self._core_of(aggs), self._as_index)


#: Dask's warning when ``apply`` infers ``meta``.
_META_WARNING = """`meta` is not specified, inferred from partial data.
Please provide `meta` if the result is unexpected.
  Before: .apply(func)
  After:  .apply(func, meta={'x': 'f8', 'y': 'f8'}) for dataframe result
  or:     .apply(func, meta=('x', 'f8'))            for series result
"""


def _no_extra(method: str, kwargs: dict[str, Any]) -> None:
    kwargs.pop("meta", None)
    if kwargs:
        raise NotImplementedError(f"{method}({', '.join(kwargs)}=...) is not supported yet")


# The aggregations that take pandas' ``min_count``.
_MIN_COUNT_OPS = ("sum", "prod", "min", "max", "first", "last")


class _ApplySpec:
    """What ``_apply_groups`` groups by and selects."""

    def __init__(
        self, keys: tuple[str, ...], selection: Any, series: bool, sort: bool, dropna: bool
    ) -> None:
        self.keys = keys
        self.selection = selection
        self.series = series
        self.sort = sort
        self.dropna = dropna

    def __dask_tokenize__(self) -> Any:
        return (self.keys, self.selection, self.series, self.sort, self.dropna)


def _apply_groups(
    part: pd.DataFrame,
    spec: _ApplySpec,
    func: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    meta: Any,
) -> Any:
    """pandas' ``groupby(...).apply(func)`` of one partition (every group
    of which is whole); ``meta`` for a partition without groups."""
    if meta is not None and len(part) == 0:
        return meta
    keys = list(spec.keys)
    grouped = part.groupby(keys if len(keys) > 1 else keys[0], sort=spec.sort, dropna=spec.dropna)
    selected = grouped[spec.selection if spec.series else list(spec.selection)]
    result = selected.apply(func, *args, **kwargs)
    # No group (every key missing): pandas shapes the empty result its own way.
    if meta is not None and len(result) == 0:
        return meta
    return result


def _with_index(meta: Any, sample: Any, nkeys: int) -> Any:
    """``meta`` (the user's columns and dtypes) with the index levels the
    function's result has: the sample's when it ran, else the keys (and,
    for a DataFrame, the frame's index after them)."""
    if isinstance(sample, pd.DataFrame | pd.Series):
        index = sample.index[:0]
    else:
        frame_levels = 1 if isinstance(meta, pd.DataFrame) else 0
        levels = [pd.Index([], dtype=object)] * (nkeys + frame_levels)
        index = levels[0] if len(levels) == 1 else pd.MultiIndex.from_arrays(levels)
    if isinstance(meta, pd.Series):
        return pd.Series([], dtype=meta.dtype, name=meta.name, index=index)
    data = {c: pd.Series([], dtype=meta[c].dtype, index=index) for c in meta.columns}
    return pd.DataFrame(data, index=index, columns=meta.columns)


class SeriesGroupBy(DataFrameGroupBy):
    """``df.groupby(by)[col]``: aggregations return a Series named ``col``."""
