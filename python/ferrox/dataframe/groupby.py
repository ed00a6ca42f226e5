"""Group-by: ``df.groupby(keys)[cols].agg()`` as one native tree reduction
(``src/frame/groupby.rs``): partial results per partition, merged with
fan-in ``split_every``, finished and sorted by the keys like pandas.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ferrox.dataframe.core import DataFrame, _Frame

AGGS = ("sum", "mean", "count", "size", "min", "max")


class _GroupedResult(_Frame):
    """The frame a group-by aggregation computes, shaped like pandas' result."""

    def __init__(
        self, core: Any, keys: list[str], series: bool, series_name: Any = "__column__"
    ) -> None:
        super().__init__(core)
        self._keys = keys
        self._series = series
        self._series_name = series_name

    @classmethod
    def _like(cls, other: Any, core: Any) -> Any:
        return cls(core, other._keys, other._series, other._series_name)

    def _finalize(self, frame: pd.DataFrame) -> Any:
        out = frame.set_index(self._keys if len(self._keys) > 1 else self._keys[0])
        if not self._series:
            return out
        column = out.iloc[:, 0]
        return column if self._series_name == "__column__" else column.rename(self._series_name)


class DataFrameGroupBy:
    """``df.groupby(by)``: pick columns with ``[...]`` or aggregate them all."""

    def __init__(
        self,
        frame: DataFrame,
        by: Any,
        sort: bool = True,
        dropna: bool = True,
        split_every: int | None = None,
        **kwargs: Any,
    ) -> None:
        if not sort or not dropna or kwargs:
            extra = ", ".join(
                [
                    *(["sort=False"] if not sort else []),
                    *(["dropna=False"] if not dropna else []),
                    *kwargs,
                ]
            )
            raise NotImplementedError(f"groupby({extra}) is not supported yet")
        self._frame = frame
        self._keys = [by] if isinstance(by, str) else list(by)
        for k in self._keys:
            if not isinstance(k, str):
                raise NotImplementedError("grouping by something other than column names")
        cols = frame._core.columns()
        frame._core.project(self._keys)  # KeyError naming an unknown key, with close matches
        self._split_every = split_every or 8
        self._columns = [c for c in cols if c not in self._keys]

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and name in self._frame._core.columns():
            return self[name]
        raise AttributeError(f"'DataFrameGroupBy' object has no attribute '{name}'")

    def __getitem__(self, key: Any) -> Any:
        # KeyError naming an unknown column, with close matches.
        self._frame._core.project([key] if isinstance(key, str) else list(key))
        if isinstance(key, str):
            return SeriesGroupBy(self, [key])
        out = DataFrameGroupBy.__new__(DataFrameGroupBy)
        out.__dict__.update(self.__dict__)
        out._columns = list(key)
        return out

    def _agg(self, op: str, series: bool, columns: list[str] | None = None) -> _GroupedResult:
        columns = self._columns if columns is None else columns
        projected = self._frame._core.project([*self._keys, *columns])
        if op == "size":
            aggs = [(self._keys[0], "size", "size")]
            name = columns[0] if series and len(columns) == 1 else None
            return _GroupedResult(
                projected.groupby(self._keys, aggs, self._split_every), self._keys, True, name
            )
        aggs = [(c, op, c) for c in columns]
        core = projected.groupby(self._keys, aggs, self._split_every)
        return _GroupedResult(core, self._keys, series)

    def sum(self, **kwargs: Any) -> _GroupedResult:
        """Sum per group."""
        return self._agg("sum", False)

    def mean(self, **kwargs: Any) -> _GroupedResult:
        """Mean per group."""
        return self._agg("mean", False)

    def count(self, **kwargs: Any) -> _GroupedResult:
        """Non-missing values per group."""
        return self._agg("count", False)

    def size(self, **kwargs: Any) -> _GroupedResult:
        """Rows per group."""
        return self._agg("size", False)

    def min(self, **kwargs: Any) -> _GroupedResult:
        """Smallest value per group."""
        return self._agg("min", False)

    def max(self, **kwargs: Any) -> _GroupedResult:
        """Largest value per group."""
        return self._agg("max", False)


class SeriesGroupBy:
    """``df.groupby(by)[col]``: aggregations return a Series named ``col``."""

    def __init__(self, parent: DataFrameGroupBy, columns: list[str]) -> None:
        self._parent = parent
        self._columns = columns

    def _agg(self, op: str) -> _GroupedResult:
        result = self._parent._agg(op, True, self._columns)
        return result

    def sum(self, **kwargs: Any) -> _GroupedResult:
        """Sum per group."""
        return self._agg("sum")

    def mean(self, **kwargs: Any) -> _GroupedResult:
        """Mean per group."""
        return self._agg("mean")

    def count(self, **kwargs: Any) -> _GroupedResult:
        """Non-missing values per group."""
        return self._agg("count")

    def min(self, **kwargs: Any) -> _GroupedResult:
        """Smallest value per group."""
        return self._agg("min")

    def max(self, **kwargs: Any) -> _GroupedResult:
        """Largest value per group."""
        return self._agg("max")

    def size(self, **kwargs: Any) -> _GroupedResult:
        """Rows per group."""
        return self._agg("size")
