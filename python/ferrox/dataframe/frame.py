"""``DataFrame``: a lazy, partitioned ``pandas.DataFrame``, a thin name
over ``FrameCore`` (``src/python/frame.rs``).

Every method builds a new expression in Rust (columns are checked now, so an
unknown column raises ``KeyError`` before anything runs). Frame-wide methods
(``fillna``, ``isna``, ``df + 1``, …) apply the series method to each column
and combine the columns again: one select, fused into one task per
partition.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ferrox import _core
from ferrox.dataframe._collection import Scalar, _Frame, pandas_dtype
from ferrox.dataframe.neighbours import NeighbourMethods
from ferrox.dataframe.series import Series, _dtype_name, _is_category, operand
from ferrox.dataframe.shuffle_methods import FrameShuffleMethods

if TYPE_CHECKING:
    from ferrox.dataframe.groupby import DataFrameGroupBy


def _columns(key: Any) -> list[str]:
    return [str(k) for k in key]


class DataFrame(FrameShuffleMethods, NeighbourMethods, _Frame):
    """A lazy, partitioned ``pandas.DataFrame``.

    Examples
    --------
    >>> import os, tempfile, pandas as pd, ferrox.dataframe as dd
    >>> tmp = tempfile.mkdtemp()
    >>> pd.DataFrame({"k": ["a", "b", "a"], "v": [1, 2, 3]}).to_csv(
    ...     os.path.join(tmp, "x.csv"), index=False)
    >>> df = dd.read_csv(os.path.join(tmp, "*.csv"))
    >>> df.columns.tolist(), df.npartitions
    (['k', 'v'], 1)
    >>> df.groupby("k")["v"].sum().compute()
    k
    a    4
    b    2
    Name: v, dtype: int64
    """

    # --- structure -----------------------------------------------------------

    @property
    def columns(self) -> pd.Index:
        """Column labels."""
        return pd.Index(self._core.columns())

    @columns.setter
    def columns(self, labels: Any) -> None:
        labels = [str(c) for c in labels]
        old = self._core.columns()
        if len(labels) != len(old):
            raise ValueError(
                f"Length mismatch: Expected axis has {len(old)} elements, new values have "
                f"{len(labels)} elements"
            )
        self._core = self._core.rename(list(zip(old, labels, strict=True)))

    @property
    def dtypes(self) -> pd.Series:
        """The columns' pandas dtypes."""
        return pd.Series(
            [pandas_dtype(d) for d in self._core.dtypes()],
            index=self._core.columns(),
            dtype=object,
        )

    @property
    def ndim(self) -> int:
        """Number of dimensions (2)."""
        return 2

    @property
    def shape(self) -> tuple[Scalar, int]:
        """(rows, columns): the number of rows is computed lazily, as in Dask."""
        from ferrox.delayed import delayed

        return (delayed(len)(self), len(self._core.columns()))  # type: ignore[return-value]

    @property
    def size(self) -> Any:
        """Number of values (rows × columns), lazily."""
        from ferrox.delayed import delayed

        ncols = len(self._core.columns())
        return delayed(lambda n: n * ncols)(delayed(len)(self))

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, Series):
            return DataFrame(self._core.filter(key._core))
        if isinstance(key, list | pd.Index | tuple) and not isinstance(key, str):
            return DataFrame(self._core.project(_columns(key)))
        if isinstance(key, str):
            return Series(self._core.project([key]))
        if isinstance(key, slice) and key == slice(None):
            return self
        raise NotImplementedError(f"indexing a DataFrame with {type(key).__name__}")

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, list):
            if not isinstance(value, DataFrame):
                raise NotImplementedError("assigning several columns needs a DataFrame")
            new = self.assign(**{str(k): value[c] for k, c in zip(key, value.columns)})
        else:
            new = self.assign(**{str(key): value})
        self._core = new._core

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and name in self._core.columns():
            return self[name]
        raise AttributeError(f"'DataFrame' object has no attribute '{name}'")

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *(c for c in self._core.columns() if c.isidentifier())})

    def copy(self, deep: bool = False) -> DataFrame:
        """A new frame over the same (immutable) expression: assigning to one
        does not change the other."""
        return DataFrame(self._core)

    def __iter__(self) -> Any:
        return iter(self._core.columns())

    def _column_list(self) -> list[Series]:
        return [self[c] for c in self._core.columns()]

    def _from_series(self, series: dict[str, Series]) -> DataFrame:
        """A frame of the given columns (series over the same rows)."""
        return DataFrame(_core.FrameCore.combine([(n, s._core) for n, s in series.items()]))

    def _map_columns(self, f: Callable[[Series], Series]) -> DataFrame:
        return self._from_series({c: f(self[c]) for c in self._core.columns()})

    # --- column editing ------------------------------------------------------

    def assign(self, **kwargs: Any) -> DataFrame:
        """New columns (series over the same rows, scalars, or callables of
        the frame), added after the existing ones or replacing them."""
        out = self
        for name, value in kwargs.items():
            if callable(value) and not isinstance(value, _Frame):
                value = value(out)
            columns = {c: out[c] for c in out._core.columns()}
            if isinstance(value, Series):
                columns[name] = value
            elif isinstance(value, DataFrame):
                raise TypeError("Cannot assign a DataFrame to a single column")
            elif isinstance(value, list | np.ndarray | pd.Series | pd.Index):
                raise NotImplementedError(
                    f"assigning a {type(value).__name__} to a column is not supported; "
                    "use a ferrox Series over the same rows"
                )
            else:
                base = next(iter(columns.values()), None)
                if base is None:
                    raise ValueError("cannot assign a scalar to a frame without columns")
                # A scalar broadcast over the rows: 0 * column + value keeps the rows.
                columns[name] = _broadcast(base, value)
            out = out._from_series(columns)
        return out

    def drop(
        self,
        labels: Any = None,
        axis: int | str = 0,
        columns: Any = None,
        errors: str = "raise",
    ) -> DataFrame:
        """The frame without the given columns."""
        if columns is None:
            if axis not in (1, "columns"):
                raise NotImplementedError("drop only supports dropping columns (axis=1)")
            columns = labels
        drop = [columns] if isinstance(columns, str) else list(columns)
        have = self._core.columns()
        missing = [c for c in drop if c not in have]
        if missing and errors == "raise":
            raise KeyError(f"{missing} not found in axis")
        return DataFrame(self._core.project([c for c in have if c not in drop]))

    def melt(
        self,
        id_vars: Any = None,
        value_vars: Any = None,
        var_name: Any = None,
        value_name: Any = "value",
        col_level: Any = None,
        ignore_index: bool = True,
    ) -> DataFrame:
        """Unpivoted from wide to long: :func:`ferrox.dataframe.melt`."""
        from ferrox.dataframe.reshape import melt

        return melt(self, id_vars, value_vars, var_name, value_name, col_level, ignore_index)

    def rename(self, columns: Any = None, **kwargs: Any) -> DataFrame:
        """Columns renamed by a mapping or a function."""
        if kwargs.get("index") is not None:
            raise NotImplementedError("rename(index=...) is not supported yet")
        if columns is None:
            return self
        old = self._core.columns()
        if callable(columns):
            pairs = [(c, str(columns(c))) for c in old]
        else:
            pairs = [(c, str(columns[c])) for c in old if c in columns]
        return DataFrame(self._core.rename(pairs))

    def astype(self, dtype: Any) -> DataFrame:
        """Columns cast to ``dtype`` (one dtype, or a dict by column);
        ``"category"`` infers the categories from the whole column (text
        columns only).

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"k": ["b", "a"], "v": [1, 2]}), npartitions=2)
        >>> df.astype({"k": "category"}).dtypes["k"]
        CategoricalDtype(categories=None, ordered=False, categories_dtype=None)
        """
        columns = self._core.columns()
        if isinstance(dtype, dict):
            for c in dtype:
                if c not in columns:
                    raise KeyError(
                        "Only a column name can be used for the key in a dtype mappings argument. "
                        f"'{c}' not found in columns."
                    )
            mapping = dtype
        else:
            mapping = dict.fromkeys(columns, dtype)
        categories = [c for c, d in mapping.items() if _is_category(d)]
        for d in mapping.values():
            if not _is_category(d):
                _dtype_name(d)
        out = self._map_columns(
            lambda s: (
                s.astype(mapping[s.name]) if s.name in mapping and s.name not in categories else s
            )
        )
        core = out._core
        for c in categories:
            core = _core.astype_category(core, c)
        return DataFrame(core)

    def fillna(self, value: Any = None) -> DataFrame:
        """Missing values replaced by ``value`` (a scalar, or a dict by column)."""
        if value is None:
            raise ValueError("Must specify a fill 'value' or 'method'.")
        if isinstance(value, dict):
            return self._map_columns(lambda s: s.fillna(value[s.name]) if s.name in value else s)
        return self._map_columns(lambda s: _fill_compatible(s, value))

    def dropna(self, how: str = "any", subset: Any = None, thresh: int | None = None) -> DataFrame:
        """Rows without missing values (``how="all"``: not entirely missing)."""
        if how not in ("any", "all"):
            raise ValueError(f"invalid how option: {how}")
        cols = (
            self._core.columns()
            if subset is None
            else _columns([subset] if isinstance(subset, str) else subset)
        )
        for c in cols:
            if c not in self._core.columns():
                raise KeyError([c])
        present = [self[c].notna() for c in cols]
        if not present:
            return self
        if thresh is not None:
            raise NotImplementedError("dropna(thresh=...) is not supported yet")
        mask = present[0]
        for p in present[1:]:
            mask = (mask & p) if how == "any" else (mask | p)
        return self[mask]

    def isna(self) -> DataFrame:
        """Whether each value is missing."""
        return self._map_columns(Series.isna)

    isnull = isna

    def notna(self) -> DataFrame:
        """Whether each value is present."""
        return self._map_columns(Series.notna)

    notnull = notna

    def isin(self, values: Any) -> DataFrame:
        """Whether each value is in ``values`` (a list, or a dict by column)."""
        if isinstance(values, dict):
            return self._map_columns(
                lambda s: s.isin(values[s.name]) if s.name in values else s.isin([])
            )
        return self._map_columns(lambda s: s.isin(values))

    def abs(self) -> DataFrame:
        """Absolute values."""
        return self._map_columns(Series.abs)

    def round(self, decimals: int = 0) -> DataFrame:
        """Values rounded to ``decimals`` (numeric columns)."""
        return self._map_columns(lambda s: s.round(decimals) if s.dtype.kind in "biuf" else s)

    def clip(self, lower: Any = None, upper: Any = None) -> DataFrame:
        """Values limited to ``[lower, upper]``."""
        return self._map_columns(lambda s: s.clip(lower, upper))

    def where(self, cond: Any, other: Any = np.nan) -> DataFrame:
        """Values where ``cond`` (a boolean frame or series) holds, ``other``
        elsewhere."""
        if isinstance(cond, DataFrame):
            return self._map_columns(lambda s: s.where(cond[s.name], other))
        return self._map_columns(lambda s: s.where(cond, other))

    def mask(self, cond: Any, other: Any = np.nan) -> DataFrame:
        """Values where ``cond`` does not hold, ``other`` elsewhere."""
        return self.where(~cond, other)

    def __invert__(self) -> DataFrame:
        return self._map_columns(Series.__invert__)

    # --- operators -----------------------------------------------------------

    def _binary(self, op: str, other: Any, reflected: bool = False) -> DataFrame:
        if isinstance(other, DataFrame):
            left, right = self._core.columns(), other._core.columns()
            if left != right:
                raise NotImplementedError("operations between frames need the same columns")
            return self._from_series({c: self[c]._binary(op, other[c], reflected) for c in left})
        if isinstance(other, Series):
            raise NotImplementedError("operations between a DataFrame and a Series")
        return self._map_columns(lambda s: s._binary(op, other, reflected))

    def __add__(self, other: Any) -> DataFrame:
        return self._binary("add", other)

    def __radd__(self, other: Any) -> DataFrame:
        return self._binary("add", other, True)

    def __sub__(self, other: Any) -> DataFrame:
        return self._binary("sub", other)

    def __rsub__(self, other: Any) -> DataFrame:
        return self._binary("sub", other, True)

    def __mul__(self, other: Any) -> DataFrame:
        return self._binary("mul", other)

    def __rmul__(self, other: Any) -> DataFrame:
        return self._binary("mul", other, True)

    def __truediv__(self, other: Any) -> DataFrame:
        return self._binary("truediv", other)

    def __rtruediv__(self, other: Any) -> DataFrame:
        return self._binary("truediv", other, True)

    def __floordiv__(self, other: Any) -> DataFrame:
        return self._binary("floordiv", other)

    def __mod__(self, other: Any) -> DataFrame:
        return self._binary("mod", other)

    def __pow__(self, other: Any) -> DataFrame:
        return self._binary("pow", other)

    def __eq__(self, other: Any) -> DataFrame:  # type: ignore[override]
        return self._binary("eq", other)

    def __ne__(self, other: Any) -> DataFrame:  # type: ignore[override]
        return self._binary("ne", other)

    def __lt__(self, other: Any) -> DataFrame:
        return self._binary("lt", other)

    def __le__(self, other: Any) -> DataFrame:
        return self._binary("le", other)

    def __gt__(self, other: Any) -> DataFrame:
        return self._binary("gt", other)

    def __ge__(self, other: Any) -> DataFrame:
        return self._binary("ge", other)

    def __neg__(self) -> DataFrame:
        return self._map_columns(Series.__neg__)

    __hash__ = None  # type: ignore[assignment]

    # --- reductions ----------------------------------------------------------

    def _reduce(
        self, op: str, numeric_only: bool = False, ddof: int = 1, skipna: bool = True, **kwargs: Any
    ) -> Series:
        from ferrox.dataframe.reductions import check_min_count, check_skipna, reduce_core

        if kwargs.pop("axis", None) not in (None, 0, "index"):
            raise NotImplementedError(f"{op}(axis=1) is not supported yet")
        kwargs.pop("split_every", None)  # Dask's fan-in: the tree's is fixed
        min_count = check_min_count(op, kwargs, ("sum", "prod"))
        if kwargs:
            raise TypeError(
                f"DataFrame.{op}() got an unexpected keyword argument '{next(iter(kwargs))}'"
            )
        skipna = check_skipna(skipna)
        cols = self._core.columns()
        if numeric_only:
            cols = [c for c, d in zip(cols, self._core.dtypes()) if d in _NUMERIC]
        core = reduce_core(self._core.project(cols), op, cols, ddof, skipna, min_count)
        return _Reduced(core)

    def sum(self, numeric_only: bool = False, skipna: bool = True, **kwargs: Any) -> Series:
        """Sum of each column (``skipna=False``: missing where a column has
        a missing value)."""
        return self._reduce("sum", numeric_only, skipna=skipna, **kwargs)

    def prod(self, numeric_only: bool = False, skipna: bool = True, **kwargs: Any) -> Series:
        """Product of each column."""
        return self._reduce("prod", numeric_only, skipna=skipna, **kwargs)

    def mean(self, numeric_only: bool = False, skipna: bool = True, **kwargs: Any) -> Series:
        """Mean of each column."""
        return self._reduce("mean", numeric_only, skipna=skipna, **kwargs)

    def count(self, axis: int | str = 0, numeric_only: bool = False) -> Series:
        """Non-missing values in each column."""
        return self._reduce("count", numeric_only, axis=axis)

    def min(self, numeric_only: bool = False, skipna: bool = True, **kwargs: Any) -> Series:
        """Smallest value of each column."""
        return self._reduce("min", numeric_only, skipna=skipna, **kwargs)

    def max(self, numeric_only: bool = False, skipna: bool = True, **kwargs: Any) -> Series:
        """Largest value of each column."""
        return self._reduce("max", numeric_only, skipna=skipna, **kwargs)

    def std(
        self, ddof: int = 1, numeric_only: bool = False, skipna: bool = True, **kwargs: Any
    ) -> Series:
        """Standard deviation of each column."""
        return self._reduce("std", numeric_only, ddof=ddof, skipna=skipna, **kwargs)

    def var(
        self, ddof: int = 1, numeric_only: bool = False, skipna: bool = True, **kwargs: Any
    ) -> Series:
        """Variance of each column."""
        return self._reduce("var", numeric_only, ddof=ddof, skipna=skipna, **kwargs)

    def sem(self, ddof: int = 1, numeric_only: bool = False, skipna: bool = True) -> Series:
        """Standard error of the mean of each column, ``std(ddof) /
        sqrt(count)``.

        Parameters
        ----------
        ddof : int, default 1
            Delta degrees of freedom of the standard deviation.
        numeric_only : bool, default False
            Only the numeric and boolean columns.
        skipna : bool, default True
            Skip missing values.

        Returns
        -------
        Series

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}), npartitions=2)
        >>> df.sem().compute()
        x    0.645497
        dtype: float64
        """
        from ferrox.dataframe.reductions import frame_sem

        return frame_sem(self, ddof, skipna, numeric_only)

    def any(self, skipna: bool = True, **kwargs: Any) -> Series:
        """Whether any value of each column is true (``skipna=False``: a
        missing value counts as true)."""
        return self._reduce("any", skipna=skipna, **kwargs)

    def all(self, skipna: bool = True, **kwargs: Any) -> Series:
        """Whether every value of each column is true."""
        return self._reduce("all", skipna=skipna, **kwargs)

    def nunique(self, axis: int | str = 0, dropna: bool = True) -> Series:
        """Number of distinct values in each column (``dropna=False``:
        missing values count as one more).

        Examples
        --------
        >>> import numpy as np, pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"x": [1.0, np.nan, 1.0]}), npartitions=2)
        >>> df.nunique(dropna=False).compute()
        x    2
        dtype: int64
        """
        return self._reduce("nunique", axis=axis, skipna=bool(dropna))

    def idxmax(
        self, axis: int | str = 0, skipna: bool = True, numeric_only: bool = False
    ) -> Series:
        """The index label of the first largest value of each column.

        Parameters
        ----------
        axis : 0 or "index"
            Only columns are reduced.
        skipna : bool, default True
            Skip missing values; with ``False`` a missing value raises
            ``ValueError``, as in pandas.
        numeric_only : bool, default False
            Only the numeric and boolean columns.

        Returns
        -------
        Series

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"x": [1, 5, 2], "y": [7, 0, 7]}), npartitions=2)
        >>> df.idxmax().compute()
        x    1
        y    0
        dtype: int64
        """
        from ferrox.dataframe.reductions import frame_idx

        if axis not in (0, "index"):
            raise NotImplementedError("idxmax(axis=1) is not supported yet")
        return frame_idx(self, True, skipna, numeric_only)

    def idxmin(
        self, axis: int | str = 0, skipna: bool = True, numeric_only: bool = False
    ) -> Series:
        """The index label of the first smallest value of each column; see
        :meth:`idxmax`."""
        from ferrox.dataframe.reductions import frame_idx

        if axis not in (0, "index"):
            raise NotImplementedError("idxmin(axis=1) is not supported yet")
        return frame_idx(self, False, skipna, numeric_only)

    def value_counts(
        self,
        subset: Any = None,
        normalize: bool = False,
        sort: bool = True,
        ascending: bool = False,
        dropna: bool = True,
    ) -> Series:
        """How often each distinct row (of the columns ``subset``) occurs:
        in the order the rows first appear, then (``sort``) stably by count.

        Parameters
        ----------
        subset : label or list of labels, optional
            The columns (default: all). A list gives a MultiIndex, even of
            one column; a single label an Index.
        normalize : bool, default False
            Proportions (name ``"proportion"``) instead of counts.
        sort : bool, default True
            Sort by count.
        ascending : bool, default False
            Least frequent first.
        dropna : bool, default True
            Leave out rows with a missing value in ``subset``.

        Returns
        -------
        Series

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"a": [1, 2, 1], "b": ["x", "y", "x"]}),
        ...                     npartitions=2)
        >>> df.value_counts().compute()
        a  b
        1  x    2
        2  y    1
        Name: count, dtype: int64
        """
        from ferrox.dataframe.reductions import frame_value_counts

        return frame_value_counts(self, subset, normalize, sort, ascending, dropna)

    def memory_usage(self, index: bool = True, deep: bool = False) -> Series:
        """Bytes pandas reports for each column of the computed frame
        (first the index's, with ``index=True``).

        Parameters
        ----------
        index : bool, default True
            Include the index (a default index is a ``RangeIndex`` in
            pandas: a few bytes, whatever the length).
        deep : bool, default False
            Count the Python objects of ``object`` columns too.

        Returns
        -------
        Series

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0, 3.0]}), npartitions=2)
        >>> df.memory_usage(index=False).compute()
        x    24
        dtype: int64
        """
        from ferrox.dataframe.reductions import frame_memory_usage

        return frame_memory_usage(self, index, deep)

    def select_dtypes(self, include: Any = None, exclude: Any = None) -> DataFrame:
        """The columns whose dtypes are in ``include`` and not in
        ``exclude`` (pandas' rules: ``"number"``, ``"str"``, NumPy types, …).

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"x": [1.5], "k": ["a"], "n": [1]}), npartitions=1)
        >>> df.select_dtypes(include="number").columns.tolist()
        ['x', 'n']
        """
        from ferrox.dataframe.reductions import select_dtypes

        return select_dtypes(self, include, exclude)

    # --- cumulative ----------------------------------------------------------

    def cumsum(self, skipna: bool = True) -> DataFrame:
        """Cumulative sum of each column down the rows."""
        return self._cumulative("cumsum", skipna)

    def cumprod(self, skipna: bool = True) -> DataFrame:
        """Cumulative product of each column down the rows."""
        return self._cumulative("cumprod", skipna)

    def cummax(self, skipna: bool = True) -> DataFrame:
        """Running maximum of each column down the rows."""
        return self._cumulative("cummax", skipna)

    def cummin(self, skipna: bool = True) -> DataFrame:
        """Running minimum of each column down the rows."""
        return self._cumulative("cummin", skipna)

    def _cumulative(self, op: str, skipna: bool) -> DataFrame:
        if not skipna:
            raise NotImplementedError(f"{op}(skipna=False) is not supported yet")
        return DataFrame(self._core.cumulative(op))

    def quantile(self, q: Any = 0.5, numeric_only: bool = False) -> Any:
        """Quantiles of each column (exact, linear interpolation)."""
        from ferrox.dataframe.stats import frame_quantile

        return frame_quantile(self, q, numeric_only)

    def describe(self, percentiles: Any = None) -> Any:
        """count, mean, std, min, quartiles and max of the numeric columns."""
        from ferrox.dataframe.stats import describe

        return describe(self, percentiles)

    def cov(self, ddof: int = 1, numeric_only: bool = False) -> Any:
        """Covariances of the columns, over pairwise complete rows."""
        from ferrox.dataframe.stats import cov_corr

        return cov_corr(self, "cov", ddof, numeric_only)

    def corr(self, method: str = "pearson", numeric_only: bool = False) -> Any:
        """Pearson correlations of the columns, over pairwise complete rows."""
        from ferrox.dataframe.stats import cov_corr

        return cov_corr(self, method, 1, numeric_only)

    # --- queries -------------------------------------------------------------

    def query(
        self, expr: str, local_dict: dict[str, Any] | None = None, **kwargs: Any
    ) -> DataFrame:
        """The rows where ``expr`` holds: pandas' query syntax (comparisons,
        ``and`` / ``or`` / ``not``, ``&`` / ``|`` / ``~``, arithmetic,
        ``in`` / ``not in`` lists, ``@name`` for variables of the caller,
        backquoted column names)."""
        import inspect

        from ferrox.dataframe.query import evaluate

        if local_dict is None:
            frame = inspect.currentframe()
            caller = frame.f_back if frame is not None else None
            local_dict = {**caller.f_globals, **caller.f_locals} if caller is not None else {}
        mask = evaluate(expr, self, local_dict)
        if not isinstance(mask, Series):
            raise ValueError(f"the query {expr!r} does not give a boolean column")
        return self[mask]

    def eval(self, expr: str, local_dict: dict[str, Any] | None = None) -> Any:
        """The value of ``expr`` (pandas' query syntax) over the columns."""
        import inspect

        from ferrox.dataframe.query import evaluate

        if local_dict is None:
            frame = inspect.currentframe()
            caller = frame.f_back if frame is not None else None
            local_dict = {**caller.f_globals, **caller.f_locals} if caller is not None else {}
        return evaluate(expr, self, local_dict)

    def explain(self) -> None:
        """Print the optimized plan: each task's steps after fusion and
        projection pushdown (which columns every source reads)."""
        print(self._core.explain(), end="")

    # --- grouping ------------------------------------------------------------

    def groupby(
        self, by: Any, sort: bool = True, dropna: bool = True, **kwargs: Any
    ) -> DataFrameGroupBy:
        """Group rows by one or several columns (pandas' defaults: sorted keys,
        rows with a missing key dropped)."""
        from ferrox.dataframe.groupby import DataFrameGroupBy

        return DataFrameGroupBy(self, by, sort=sort, dropna=dropna, **kwargs)

    # --- partitions and IO (``_partitions.py``, ``_write.py``) ---------------

    def map_partitions(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``func`` applied to each partition (a pandas DataFrame with its
        index); the results, DataFrames or Series, are the partitions of
        the output.

        Parameters
        ----------
        func : callable
            ``func(partition, *args, **kwargs)``.
        *args, **kwargs
            Passed to ``func``; delayed values are computed first.
        meta : pandas object, dict, list of (column, dtype) or (name, dtype)
            What ``func`` returns (an empty pandas object is enough). Without
            it, ``func`` runs once on two made-up rows to find out.

        Returns
        -------
        DataFrame or Series

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"x": [1, 2, 3], "y": [4, 5, 6]}), npartitions=2)
        >>> df.map_partitions(lambda p: p.x + p.y, meta=("s", "int64")).compute()
        0    5
        1    7
        2    9
        Name: s, dtype: int64
        """
        from ferrox.dataframe._partitions import map_partitions

        return map_partitions(self, func, args, kwargs)

    def apply(
        self,
        func: Callable[..., Any],
        axis: int | str = 0,
        args: tuple[Any, ...] = (),
        meta: Any = None,
        **kwds: Any,
    ) -> Any:
        """``func`` applied to each row (``axis=1``, the only axis Dask
        supports), one partition at a time.

        Parameters
        ----------
        func : callable
            Called with each row as a pandas Series.
        axis : 1 or "columns"
            Rows.
        args : tuple
            Extra positional arguments of ``func``.
        meta : optional
            What the result looks like, as for :meth:`map_partitions`.

        Returns
        -------
        Series or DataFrame

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"x": [1, 2], "y": [3, 4]}), npartitions=2)
        >>> df.apply(lambda r: r.x * r.y, axis=1, meta=(None, "int64")).compute()
        0    3
        1    8
        dtype: int64
        """
        from ferrox.dataframe._partitions import apply_rows

        if axis not in (1, "columns"):
            raise NotImplementedError(
                "dd.DataFrame.apply only supports axis=1\n  Try: df.apply(func, axis=1)"
            )
        extra = {} if meta is None else {"meta": meta}
        return self.map_partitions(apply_rows, func, tuple(args), kwds, **extra)

    def to_delayed(self, optimize_graph: bool = True) -> list[Any]:
        """One Delayed per partition, each computing it as a pandas
        DataFrame (with its index).

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> parts = dd.from_pandas(pd.DataFrame({"x": [1, 2, 3]}), npartitions=2).to_delayed()
        >>> [len(p.compute()) for p in parts]
        [2, 1]
        """
        from ferrox.dataframe._partitions import to_delayed

        return to_delayed(self)

    def to_parquet(self, path: Any, **kwargs: Any) -> None:
        """Write a directory of Parquet files, one per partition; see
        :func:`ferrox.dataframe.to_parquet`."""
        from ferrox.dataframe._write import to_parquet

        to_parquet(self, path, **kwargs)

    def to_csv(self, filename: Any, **kwargs: Any) -> list[str]:
        """Write CSV files, one per partition or one in all; see
        :func:`ferrox.dataframe.to_csv`."""
        from ferrox.dataframe._write import to_csv

        return to_csv(self, filename, **kwargs)

    # --- reprs ---------------------------------------------------------------

    def _structure(self) -> pd.DataFrame:
        """Dask's structure table: dtypes, then one ``...`` row per partition."""
        columns = self._core.columns()
        rows = [self._core.dtypes(), *(["..."] * len(columns) for _ in range(self.npartitions))]
        index = pd.Index([""] * len(rows), name=f"npartitions={self.npartitions}")
        return pd.DataFrame(rows, columns=columns, index=index)

    def _footer(self) -> str:
        return f"ferrox Name: {self._name.rsplit('-', 1)[0]}, {self.npartitions} partitions"

    def __repr__(self) -> str:
        """Structure and dtypes, without computing (Dask's layout)."""
        table = self._structure().to_string()
        return f"ferrox DataFrame Structure:\n{table}\n{self._footer()}"

    def _repr_html_(self) -> str:
        """The same structure as an HTML table, for Jupyter."""
        table = self._structure().to_html()
        return (
            f"<div><strong>ferrox DataFrame Structure:</strong></div>\n{table}\n"
            f"<div>{html.escape(self._footer())}</div>"
        )


_NUMERIC = {"bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64"}


class _Reduced(Series):
    """A frame reduction: one row of per-column results, as a Series indexed
    by the column names."""

    def __init__(self, core: _core.FrameCore, name: Hashable = None) -> None:
        super().__init__(core, name)

    def _with_core(self, core: _core.FrameCore) -> Series:
        return _Reduced(core, self.name)

    @property
    def dtype(self) -> Any:
        """The dtype pandas gives a row of these columns (their common
        dtype: ``object`` for text and numbers, or booleans and numbers)."""
        from pandas.core.dtypes.cast import find_common_type

        dtypes = [pandas_dtype(d) for d in self._core.dtypes()]
        return find_common_type(dtypes) if dtypes else np.dtype(np.float64)

    def _finalize(self, frame: pd.DataFrame) -> pd.Series:
        if len(frame.columns) == 0:
            return pd.Series([], dtype=np.float64, name=self.name)
        out = frame.iloc[0]
        out.name = self.name
        return out


class _PositionFrame(DataFrame):
    """A frame pandas labels ``0, 1, …`` (``str.split(..., expand=True)``):
    the core's columns are those numbers as text, and integer keys select
    them."""

    @property
    def columns(self) -> pd.Index:
        """Column labels: integers, as pandas labels the pieces."""
        return _positions(self._core.columns())

    @columns.setter
    def columns(self, labels: Any) -> None:
        DataFrame.columns.fset(self, labels)  # type: ignore[attr-defined]

    @property
    def dtypes(self) -> pd.Series:
        """The columns' pandas dtypes, by integer label."""
        dtypes = super().dtypes
        dtypes.index = _positions(dtypes.index)
        return dtypes

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int | np.integer):
            return super().__getitem__(str(key)).rename(int(key))
        if isinstance(key, list | pd.Index | tuple):
            key = [str(k) if isinstance(k, int | np.integer) else k for k in key]
        return super().__getitem__(key)

    def _finalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame.columns = _positions(frame.columns)
        return frame


def _positions(names: Any) -> pd.Index:
    """``names`` as integers where they all are (a ``RangeIndex`` for
    ``0, 1, …``), else as they are."""
    names = list(names)
    if not all(isinstance(n, str) and n.isdigit() for n in names):
        return pd.Index(names)
    numbers = [int(n) for n in names]
    if numbers == list(range(len(numbers))):
        return pd.RangeIndex(len(numbers))
    return pd.Index(numbers)


def _broadcast(base: Series, value: Any) -> Series:
    """A series over ``base``'s rows holding ``value`` everywhere."""
    return Series(base._core.literal(operand(value)))


def _fill_compatible(s: Series, value: Any) -> Series:
    """``fillna(value)`` where the value fits the column (pandas leaves a
    string column alone when filled with a number only if it has no
    missing values; ferrox fills every column)."""
    return s.fillna(value)
