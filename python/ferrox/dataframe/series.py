"""``Series``: a lazy, partitioned ``pandas.Series`` — a one-column frame
expression (``src/frame/expr.rs``). Operators and methods build column
expressions in Rust; several series over the same rows fuse into one task
per partition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ferrox import _core
from ferrox.dataframe._collection import Scalar, _Frame, pandas_dtype
from ferrox.dataframe.neighbours import NeighbourMethods
from ferrox.dataframe.shuffle_methods import SeriesShuffleMethods

if TYPE_CHECKING:
    from ferrox.dataframe.accessors import DatetimeMethods, StringMethods
    from ferrox.dataframe.frame import DataFrame

_NO_NAME = object()

#: Python operator names and the core's.
BINARY = {
    "add": "add",
    "sub": "sub",
    "mul": "mul",
    "truediv": "truediv",
    "floordiv": "floordiv",
    "mod": "mod",
    "pow": "pow",
    "eq": "eq",
    "ne": "ne",
    "lt": "lt",
    "le": "le",
    "gt": "gt",
    "ge": "ge",
    "and": "and",
    "or": "or",
    "xor": "xor",
}

#: Operators whose reflected form is the same operator (``a == b`` is ``b == a``).
_REFLECTED_COMPARISON = {"eq": "eq", "ne": "ne", "lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}


def operand(other: Any) -> Any:
    """An operand as the core takes it: a ``FrameCore`` or a Python scalar."""
    if isinstance(other, _Frame):
        return other._core
    if isinstance(other, np.generic):
        return other.item()
    if isinstance(other, pd.Timestamp):
        return other.to_pydatetime()
    return other


def _result_name(a: Any, b: Any) -> Any:
    """pandas' name of ``a <op> b``: kept if ``b`` is a scalar or has the same name."""
    if isinstance(b, Series):
        return a.name if a.name == b.name else None
    return a.name


class Series(SeriesShuffleMethods, NeighbourMethods, _Frame):
    """A lazy, partitioned ``pandas.Series``.

    Examples
    --------
    >>> import pandas as pd, ferrox.dataframe as dd
    >>> s = dd.from_pandas(pd.Series([1, 2, 3], name="x"), npartitions=2)
    >>> (s * 2).sum().compute()
    np.int64(12)
    """

    def __init__(self, core: _core.FrameCore, name: Any = _NO_NAME) -> None:
        super().__init__(core)
        self._series_name = core.columns()[0] if name is _NO_NAME else name

    def _with_core(self, core: _core.FrameCore) -> Series:
        return Series(core, self._series_name)

    def _finalize(self, frame: pd.DataFrame) -> pd.Series:
        out = frame.iloc[:, 0]
        out.name = self._series_name
        return out

    # --- structure -----------------------------------------------------------

    @property
    def name(self) -> Any:
        """The series' name."""
        return self._series_name

    @name.setter
    def name(self, value: Any) -> None:
        self._series_name = value

    @property
    def dtype(self) -> Any:
        """The pandas dtype."""
        return pandas_dtype(self._core.dtypes()[0])

    @property
    def ndim(self) -> int:
        """Number of dimensions (1)."""
        return 1

    def rename(self, index: Any) -> Series:
        """The same series under another name."""
        return Series(self._core, index)

    def to_frame(self, name: Any = None) -> DataFrame:
        """A one-column DataFrame."""
        from ferrox.dataframe.frame import DataFrame

        name = self._series_name if name is None else name
        column = "0" if name is None else str(name)
        return DataFrame(self._core.rename([(self._core.columns()[0], column)]))

    def __repr__(self) -> str:
        """Structure and dtype, without computing (Dask's layout)."""
        rows = [self._core.dtypes()[0], *(["..."] * self.npartitions)]
        index = pd.Index([""] * len(rows), name=f"npartitions={self.npartitions}")
        table = pd.Series(rows, index=index, name=self.name).to_string(name=False)
        name = self._name.rsplit("-", 1)[0]
        return (
            f"ferrox Series Structure:\n{table}\nferrox Name: {name}, {self.npartitions} partitions"
        )

    # --- operators -----------------------------------------------------------

    def _binary(self, op: str, other: Any, reflected: bool = False) -> Series:
        if isinstance(other, list | tuple | np.ndarray | pd.Series):
            raise NotImplementedError(
                f"operations between a Series and a {type(other).__name__} are not supported"
            )
        core = self._core.binary(BINARY[op], operand(other), reflected)
        return Series(core, _result_name(self, other))

    def __add__(self, other: Any) -> Series:
        return self._binary("add", other)

    def __radd__(self, other: Any) -> Series:
        return self._binary("add", other, True)

    def __sub__(self, other: Any) -> Series:
        return self._binary("sub", other)

    def __rsub__(self, other: Any) -> Series:
        return self._binary("sub", other, True)

    def __mul__(self, other: Any) -> Series:
        return self._binary("mul", other)

    def __rmul__(self, other: Any) -> Series:
        return self._binary("mul", other, True)

    def __truediv__(self, other: Any) -> Series:
        return self._binary("truediv", other)

    def __rtruediv__(self, other: Any) -> Series:
        return self._binary("truediv", other, True)

    def __floordiv__(self, other: Any) -> Series:
        return self._binary("floordiv", other)

    def __rfloordiv__(self, other: Any) -> Series:
        return self._binary("floordiv", other, True)

    def __mod__(self, other: Any) -> Series:
        return self._binary("mod", other)

    def __rmod__(self, other: Any) -> Series:
        return self._binary("mod", other, True)

    def __pow__(self, other: Any) -> Series:
        return self._binary("pow", other)

    def __rpow__(self, other: Any) -> Series:
        return self._binary("pow", other, True)

    def __eq__(self, other: Any) -> Series:  # type: ignore[override]
        return self._binary("eq", other)

    def __ne__(self, other: Any) -> Series:  # type: ignore[override]
        return self._binary("ne", other)

    def __lt__(self, other: Any) -> Series:
        return self._binary("lt", other)

    def __le__(self, other: Any) -> Series:
        return self._binary("le", other)

    def __gt__(self, other: Any) -> Series:
        return self._binary("gt", other)

    def __ge__(self, other: Any) -> Series:
        return self._binary("ge", other)

    def __and__(self, other: Any) -> Series:
        return self._binary("and", other)

    def __rand__(self, other: Any) -> Series:
        return self._binary("and", other, True)

    def __or__(self, other: Any) -> Series:
        return self._binary("or", other)

    def __ror__(self, other: Any) -> Series:
        return self._binary("or", other, True)

    def __xor__(self, other: Any) -> Series:
        return self._binary("xor", other)

    def __rxor__(self, other: Any) -> Series:
        return self._binary("xor", other, True)

    def __neg__(self) -> Series:
        return self._with_core(self._core.unary("neg"))

    def __invert__(self) -> Series:
        return self._with_core(self._core.unary("invert"))

    def __abs__(self) -> Series:
        return self.abs()

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        raise ValueError(
            "The truth value of a Series is ambiguous. Use a.empty, a.bool(), a.item(), "
            "a.any() or a.all()."
        )

    def add(self, other: Any) -> Series:
        """``self + other``."""
        return self + other

    def sub(self, other: Any) -> Series:
        """``self - other``."""
        return self - other

    def mul(self, other: Any) -> Series:
        """``self * other``."""
        return self * other

    def div(self, other: Any) -> Series:
        """``self / other``."""
        return self / other

    truediv = div

    def eq(self, other: Any) -> Series:
        """``self == other``."""
        return self == other

    def ne(self, other: Any) -> Series:
        """``self != other``."""
        return self != other

    def lt(self, other: Any) -> Series:
        """``self < other``."""
        return self < other

    def le(self, other: Any) -> Series:
        """``self <= other``."""
        return self <= other

    def gt(self, other: Any) -> Series:
        """``self > other``."""
        return self > other

    def ge(self, other: Any) -> Series:
        """``self >= other``."""
        return self >= other

    # --- element-wise methods ------------------------------------------------

    def abs(self) -> Series:
        """Absolute values."""
        return self._with_core(self._core.unary("abs"))

    def __getitem__(self, key: Any) -> Series:
        if isinstance(key, Series):
            # A boolean mask over the same rows.
            return self._with_core(self._core.filter(key._core))
        raise NotImplementedError(
            f"indexing a Series with {type(key).__name__} is not supported yet "
            "(a boolean Series is; for labels use .loc)"
        )

    def __iter__(self) -> Any:
        # The values, as Dask iterates them (computed; without this method
        # Python would iterate through ``__getitem__``).
        return iter(self.compute())

    def dropna(self) -> Series:
        """The values that are not missing."""
        return self[self.notna()]

    def isna(self) -> Series:
        """Whether each value is missing."""
        return self._with_core(self._core.unary("isna"))

    isnull = isna

    def notna(self) -> Series:
        """Whether each value is present."""
        return self._with_core(self._core.unary("notna"))

    notnull = notna

    def fillna(self, value: Any = None) -> Series:
        """Missing values replaced by ``value`` (a scalar or a series over the
        same rows)."""
        if value is None:
            raise ValueError("Must specify a fill 'value' or 'method'.")
        return self._with_core(self._core.fillna(operand(value)))

    def isin(self, values: Any) -> Series:
        """Whether each value is one of ``values``."""
        if isinstance(values, str) or not hasattr(values, "__iter__"):
            raise TypeError(
                "only list-like objects are allowed to be passed to isin(), "
                f"you passed a `{type(values).__name__}`"
            )
        values = list(values)
        arr = pa.array(values) if values else pa.array([], pa.null())
        return self._with_core(self._core.isin(arr))

    def between(self, left: Any, right: Any, inclusive: str = "both") -> Series:
        """Whether each value is between ``left`` and ``right``."""
        return self._with_core(self._core.between(operand(left), operand(right), inclusive))

    def clip(self, lower: Any = None, upper: Any = None) -> Series:
        """Values limited to ``[lower, upper]``."""
        return self._with_core(self._core.clip(operand(lower), operand(upper)))

    def round(self, decimals: int = 0) -> Series:
        """Values rounded to ``decimals`` (half to even, as NumPy)."""
        return self._with_core(self._core.round(int(decimals)))

    def astype(self, dtype: Any) -> Series:
        """Values cast to ``dtype``; ``"category"`` makes a categorical whose
        categories are the sorted distinct values of the whole column, as
        pandas infers them (text columns only).

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series(["b", "a", "b"], dtype="str"), npartitions=2)
        >>> s.astype("category").compute().cat.categories.tolist()
        ['a', 'b']
        """
        if _is_category(dtype):
            column = self._core.columns()[0]
            return self._with_core(_core.astype_category(self._core, column))
        name = _dtype_name(dtype)
        if name.startswith("datetime64") and str(self.dtype) == "str":
            # pandas reads each string on its own.
            from ferrox.dataframe.tools import to_datetime

            parsed = to_datetime(self, format="mixed")
            return parsed if name == "datetime64[us]" else parsed.astype(name)
        return self._with_core(self._core.astype(name))

    def where(self, cond: Series, other: Any = np.nan) -> Series:
        """Values where ``cond`` holds, ``other`` elsewhere."""
        other = None if other is np.nan else operand(other)
        return self._with_core(self._core.where_(cond._core, other))

    def mask(self, cond: Series, other: Any = np.nan) -> Series:
        """Values where ``cond`` does not hold, ``other`` elsewhere."""
        return self.where(~cond, other)

    # --- reductions ----------------------------------------------------------

    def _reduce(self, op: str, ddof: int = 1, skipna: bool = True, **kwargs: Any) -> Scalar:
        from ferrox.dataframe.reductions import check_min_count, check_skipna, reduce_core

        skipna = check_skipna(skipna)
        min_count = check_min_count(op, kwargs, ("sum", "prod"))
        unsupported = [k for k, v in kwargs.items() if v is not None]
        if unsupported:
            raise NotImplementedError(f"{op}({', '.join(unsupported)}=...) is not supported yet")
        column = self._core.columns()[0]
        # pandas returns a Python int for nunique, a Python bool for any / all
        # of text, NumPy scalars otherwise.
        convert: Any = None
        if op == "nunique":
            convert = int
        elif op in ("any", "all") and isinstance(self.dtype, pd.StringDtype):
            convert = bool
        return Scalar(reduce_core(self._core, op, [column], ddof, skipna, min_count), convert)

    def sum(self, skipna: bool = True, **kwargs: Any) -> Scalar:
        """Sum of the values (missing values skipped; with ``skipna=False``
        a missing value makes the sum missing)."""
        return self._reduce("sum", skipna=skipna, **kwargs)

    def prod(self, skipna: bool = True, **kwargs: Any) -> Scalar:
        """Product of the values."""
        return self._reduce("prod", skipna=skipna, **kwargs)

    product = prod

    def mean(self, skipna: bool = True, **kwargs: Any) -> Scalar:
        """Mean of the values."""
        return self._reduce("mean", skipna=skipna, **kwargs)

    def count(self) -> Scalar:
        """Number of non-missing values."""
        return self._reduce("count")

    def min(self, skipna: bool = True, **kwargs: Any) -> Scalar:
        """Smallest value."""
        return self._reduce("min", skipna=skipna, **kwargs)

    def max(self, skipna: bool = True, **kwargs: Any) -> Scalar:
        """Largest value."""
        return self._reduce("max", skipna=skipna, **kwargs)

    def std(self, ddof: int = 1, skipna: bool = True, **kwargs: Any) -> Scalar:
        """Standard deviation (``ddof`` delta degrees of freedom)."""
        return self._reduce("std", ddof=ddof, skipna=skipna, **kwargs)

    def var(self, ddof: int = 1, skipna: bool = True, **kwargs: Any) -> Scalar:
        """Variance (``ddof`` delta degrees of freedom)."""
        return self._reduce("var", ddof=ddof, skipna=skipna, **kwargs)

    def sem(self, ddof: int = 1, skipna: bool = True) -> Scalar:
        """Standard error of the mean: ``std(ddof) / sqrt(count)``.

        Parameters
        ----------
        ddof : int, default 1
            Delta degrees of freedom of the standard deviation.
        skipna : bool, default True
            Skip missing values; with ``False`` a missing value makes the
            result missing.

        Returns
        -------
        Scalar

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([1.0, 2.0, 3.0, 4.0]), npartitions=2)
        >>> s.sem().compute()
        np.float64(0.6454972243679028)
        """
        from ferrox.dataframe.reductions import series_sem

        return series_sem(self, ddof, skipna)

    def any(self, skipna: bool = True, **kwargs: Any) -> Scalar:
        """Whether any value is true (with ``skipna=False`` a missing value
        counts as true, as in pandas)."""
        return self._reduce("any", skipna=skipna, **kwargs)

    def all(self, skipna: bool = True, **kwargs: Any) -> Scalar:
        """Whether every value is true."""
        return self._reduce("all", skipna=skipna, **kwargs)

    def nunique(self, dropna: bool = True) -> Scalar:
        """Number of distinct values (``dropna=False``: missing values count
        as one more).

        Examples
        --------
        >>> import numpy as np, pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([1.0, np.nan, 1.0, 2.0]), npartitions=2)
        >>> s.nunique().compute(), s.nunique(dropna=False).compute()
        (2, 3)
        """
        return self._reduce("nunique", skipna=bool(dropna))

    def idxmax(self, skipna: bool = True) -> Scalar:
        """The index label of the first largest value.

        Parameters
        ----------
        skipna : bool, default True
            Skip missing values; with ``False`` a missing value raises
            ``ValueError``, as in pandas.

        Returns
        -------
        Scalar

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([3, 9, 1, 9], index=list("abcd")), npartitions=2)
        >>> s.idxmax().compute()
        'b'
        """
        from ferrox.dataframe.reductions import series_idx

        return series_idx(self, True, skipna)

    def idxmin(self, skipna: bool = True) -> Scalar:
        """The index label of the first smallest value; see :meth:`idxmax`."""
        from ferrox.dataframe.reductions import series_idx

        return series_idx(self, False, skipna)

    def mode(self, dropna: bool = True) -> Series:
        """The most frequent values, sorted, with a default index.

        Parameters
        ----------
        dropna : bool, default True
            Leave out missing values (``False``: they are a value).

        Returns
        -------
        Series

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([2, 1, 2, 1, 3], name="x"), npartitions=2)
        >>> s.mode().compute()
        0    1
        1    2
        Name: x, dtype: int64
        """
        from ferrox.dataframe.reductions import mode

        return mode(self, dropna)

    def memory_usage(self, index: bool = True, deep: bool = False) -> Scalar:
        """Bytes pandas reports for the computed series (values, and the
        index with ``index=True``).

        Parameters
        ----------
        index : bool, default True
            Include the index.
        deep : bool, default False
            Count the Python objects of ``object`` columns too.

        Returns
        -------
        Scalar
            A Python ``int`` when computed.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([1.0, 2.0, 3.0]), npartitions=2)
        >>> s.memory_usage(index=False).compute()
        24
        """
        from ferrox.dataframe.reductions import series_memory_usage

        return series_memory_usage(self, index, deep)

    def median(self, skipna: bool = True) -> Scalar:
        """Median (exact: the values are gathered)."""
        return self._reduce("median", skipna=skipna)

    def quantile(self, q: Any = 0.5) -> Any:
        """The ``q``-quantile(s), exact, with linear interpolation."""
        from ferrox.dataframe.stats import series_quantile

        return series_quantile(self, q)

    def describe(self, percentiles: Any = None) -> Any:
        """count, mean, std, min, quartiles and max."""
        from ferrox.dataframe.stats import series_describe

        return series_describe(self, percentiles)

    def cov(self, other: Series, ddof: int = 1) -> Any:
        """Covariance with ``other`` over the rows where both are present."""
        from ferrox.dataframe.stats import series_cov_corr

        return series_cov_corr(self, other, "cov", ddof)

    def corr(self, other: Series, method: str = "pearson") -> Any:
        """Pearson correlation with ``other``."""
        from ferrox.dataframe.stats import series_cov_corr

        return series_cov_corr(self, other, method)

    def explain(self) -> None:
        """Print the optimized plan (see ``DataFrame.explain``)."""
        print(self._core.explain(), end="")

    def value_counts(
        self,
        normalize: bool = False,
        sort: bool = True,
        ascending: bool = False,
        bins: Any = None,
        dropna: bool = True,
        split_every: int | None = None,
    ) -> Series:
        """How often each distinct value occurs: in the order the values
        first appear, then (``sort``) stably by count, most frequent first.

        Parameters
        ----------
        normalize : bool, default False
            Proportions (name ``"proportion"``) instead of counts.
        sort : bool, default True
            Sort by count.
        ascending : bool, default False
            Least frequent first.
        bins : None
            Not supported (nor by Dask).
        dropna : bool, default True
            Leave out missing values (``False``: NaN is counted too).
        split_every : int, optional
            Fan-in of the reduction tree.

        Returns
        -------
        Series
            Indexed by the values, named ``"count"`` (or ``"proportion"``).

        Examples
        --------
        >>> import numpy as np, pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([3.0, np.nan, 1.0, 3.0], name="x"), npartitions=2)
        >>> s.value_counts(dropna=False).compute()
        x
        3.0    2
        NaN    1
        1.0    1
        Name: count, dtype: int64
        """
        from ferrox.dataframe.reductions import series_value_counts

        if bins is not None:
            raise NotImplementedError("value_counts(bins=...) is not supported")
        return series_value_counts(self, normalize, sort, ascending, dropna, split_every)

    # --- cumulative ----------------------------------------------------------

    def cumsum(self, skipna: bool = True) -> Series:
        """Cumulative sum down the rows (missing values stay missing)."""
        return self._cumulative("cumsum", skipna)

    def cumprod(self, skipna: bool = True) -> Series:
        """Cumulative product down the rows."""
        return self._cumulative("cumprod", skipna)

    def cummax(self, skipna: bool = True) -> Series:
        """Running maximum down the rows."""
        return self._cumulative("cummax", skipna)

    def cummin(self, skipna: bool = True) -> Series:
        """Running minimum down the rows."""
        return self._cumulative("cummin", skipna)

    def _cumulative(self, op: str, skipna: bool) -> Series:
        if not skipna:
            raise NotImplementedError(f"{op}(skipna=False) is not supported yet")
        return self._with_core(self._core.cumulative(op))

    # --- partitions and IO (``_partitions.py``, ``_write.py``) ---------------

    def map_partitions(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        """``func`` applied to each partition (a pandas Series with its
        index); see :meth:`DataFrame.map_partitions`.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([1, 2, 3], name="x"), npartitions=2)
        >>> s.map_partitions(lambda p: p * 10).compute()
        0    10
        1    20
        2    30
        Name: x, dtype: int64
        """
        from ferrox.dataframe._partitions import map_partitions

        return map_partitions(self, func, args, kwargs)

    def to_delayed(self, optimize_graph: bool = True) -> list[Any]:
        """One Delayed per partition, each computing it as a pandas Series."""
        from ferrox.dataframe._partitions import to_delayed

        return to_delayed(self)

    def to_csv(self, filename: Any, **kwargs: Any) -> list[str]:
        """Write CSV files; see :func:`ferrox.dataframe.to_csv`."""
        from ferrox.dataframe._write import to_csv

        return to_csv(self, filename, **kwargs)

    # --- accessors -----------------------------------------------------------

    @property
    def str(self) -> StringMethods:
        """String methods (``s.str.lower()``, …)."""
        from ferrox.dataframe.accessors import StringMethods

        return StringMethods(self)

    @property
    def dt(self) -> DatetimeMethods:
        """Datetime fields and methods (``s.dt.year``, …)."""
        from ferrox.dataframe.accessors import DatetimeMethods

        return DatetimeMethods(self)


class _ObjectSeries(Series):
    """A text series pandas gives as ``object`` dtype (pieces of
    ``str.split``)."""

    def _with_core(self, core: _core.FrameCore) -> Series:
        return _ObjectSeries(core, self.name)

    @property
    def dtype(self) -> Any:
        """``object``, as pandas."""
        return np.dtype(object)

    def _finalize(self, frame: pd.DataFrame) -> pd.Series:
        return super()._finalize(frame).astype(object)


class _ListSeries(_ObjectSeries):
    """``s.str.split(...)``: a list per value, and ``.str[i]`` computed from
    the strings ``source`` (``spec``: the split's arguments)."""

    def __init__(self, core: _core.FrameCore, name: Any, source: Series, spec: dict) -> None:
        super().__init__(core, name)
        self._source, self._spec = source, spec

    @property
    def str(self) -> Any:
        """One piece of every list: ``.str[i]``, ``.str.get(i)``."""
        from ferrox.dataframe.accessors import ListMethods

        return ListMethods(self._source, self._spec)


def _is_category(dtype: Any) -> bool:
    """Whether ``dtype`` asks for a categorical (with categories inferred)."""
    if isinstance(dtype, pd.CategoricalDtype):
        if dtype.categories is not None or dtype.ordered:
            raise NotImplementedError(
                "astype(CategoricalDtype(categories=..., ordered=...)) is not supported yet; "
                "use astype('category')"
            )
        return True
    return isinstance(dtype, str) and dtype == "category"


def _dtype_name(dtype: Any) -> str:
    """The core's name for a NumPy / pandas dtype (or dtype name)."""
    if dtype is str or (isinstance(dtype, str) and dtype in ("str", "string")):
        return "str"
    if isinstance(dtype, pd.StringDtype):
        return "str"
    if dtype is object:
        return "str"
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise TypeError(f"data type {dtype!r} not understood") from None


class _DateSeries(Series):
    """``s.dt.date``: pandas holds ``datetime.date`` objects, and NaT where
    the time is missing (Arrow's dates convert to None)."""

    def _with_core(self, core: _core.FrameCore) -> Series:
        return Series(core, self.name)

    def _finalize(self, frame: pd.DataFrame) -> pd.Series:
        out = super()._finalize(frame).astype(object)
        return out.where(out.notna(), pd.NaT)
