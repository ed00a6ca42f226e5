"""Group-by: ``df.groupby(keys)[cols].agg(...)`` as one native tree
reduction (``src/frame/groupby.rs``): partial results per partition, merged
with fan-in ``split_every``, finished and sorted by the keys like pandas.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ferrox.dataframe.frame import DataFrame
from ferrox.dataframe.series import Series

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


class _GroupedFrame(DataFrame):
    """A group-by result as pandas shapes it (keys as index or columns)."""

    def __init__(self, core: Any, as_index: bool = True, columns: pd.Index | None = None) -> None:
        super().__init__(core)
        self._as_index = as_index
        self._result_columns = columns

    def _with_core(self, core: Any) -> DataFrame:
        return _GroupedFrame(core, self._as_index, self._result_columns)

    def _finalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self._result_columns is not None:
            frame.columns = self._result_columns
        return frame if self._as_index else frame.reset_index()


class _GroupedSeries(Series):
    """A one-column group-by result, as a Series named like pandas'."""

    def __init__(self, core: Any, name: Any, as_index: bool = True) -> None:
        super().__init__(core, name)
        self._as_index = as_index

    def _with_core(self, core: Any) -> Series:
        return _GroupedSeries(core, self.name, self._as_index)

    def _finalize(self, frame: pd.DataFrame) -> Any:
        out = super()._finalize(frame)
        return out if self._as_index else out.reset_index()


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
        if not dropna or kwargs:
            extra = ", ".join([*(["dropna=False"] if not dropna else []), *kwargs])
            raise NotImplementedError(f"groupby({extra}) is not supported yet")
        self._frame = frame
        keys = by if isinstance(by, list) else [by]
        self._keys: list[str] = []
        for k in keys:
            if isinstance(k, Series):
                if not frame._core.same_rows(k._core):
                    raise NotImplementedError("grouping by a Series of another frame")
                if k.name not in frame._core.columns():
                    frame = frame.assign(**{str(k.name): k})
                    self._frame = frame
                self._keys.append(str(k.name))
            elif isinstance(k, str):
                self._keys.append(k)
            else:
                raise NotImplementedError("grouping by something other than column names")
        frame._core.project(self._keys)  # KeyError naming an unknown key, with close matches
        self._as_index = as_index
        self._sort = sort
        self._split_every = split_every or 8
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

    def _core_of(self, aggs: list[tuple[str, str, str, int]]) -> Any:
        cols = list(dict.fromkeys([*self._keys, *(a[0] for a in aggs)]))
        return self._frame._core.project(cols).groupby(
            self._keys, aggs, self._split_every, self._sort
        )

    def _agg(self, op: str, ddof: int = 1, **kwargs: Any) -> Any:
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
                return _GroupedSeries(core, self._columns[0] if self._series else None)
            return _GroupedFrame(core, False)
        aggs = [(c, op, c, ddof) for c in columns]
        core = self._core_of(aggs)
        if self._series:
            return _GroupedSeries(core, columns[0], self._as_index)
        return _GroupedFrame(core, self._as_index)

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

    def nunique(self, dropna: bool = True) -> Any:
        """Distinct values per group."""
        if not dropna:
            raise NotImplementedError("nunique(dropna=False) is not supported yet")
        return self._agg("nunique")

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
        groups = self._agg(name)
        core = self._frame._core.transform(groups._core, self._keys)
        if self._series:
            return Series(core, self._columns[0])
        return DataFrame(core)

    def _cumulative(self, op: str) -> Any:
        core = self._frame._core.group_cumulative(self._keys, self._columns, op, "")
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
        core = self._frame._core.group_cumulative(self._keys, [], "cumcount", "__cumcount__")
        return Series(core, None)

    def agg(self, arg: Any = None, **named: Any) -> Any:
        """Several aggregations at once: a name, a list of names (columns
        ``(column, name)``), a dict ``{column: name or list}``, or named
        aggregations ``out=(column, name)`` / ``out=pd.NamedAgg(...)``."""
        if arg is None and named:
            return self._named(named)
        if isinstance(arg, str) or callable(arg):
            return self._agg(_agg_name(arg))
        if isinstance(arg, list):
            funcs = [_agg_name(f) for f in arg]
            if self._series:
                column = self._columns[0]
                aggs = [(column, f, f, 1) for f in funcs]
                return _GroupedFrame(self._core_of(aggs), self._as_index)
            aggs, labels = [], []
            for c in self._columns:
                for f in funcs:
                    aggs.append((c, f, f"{c}__{f}", 1))
                    labels.append((c, f))
            return _GroupedFrame(
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
            return _GroupedFrame(self._core_of(aggs), self._as_index, columns)
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
        return _GroupedFrame(self._core_of(aggs), self._as_index)


class SeriesGroupBy(DataFrameGroupBy):
    """``df.groupby(by)[col]``: aggregations return a Series named ``col``."""
