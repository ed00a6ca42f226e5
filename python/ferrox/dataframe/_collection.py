"""What DataFrame, Series and Scalar share: the Rust core, computing into
pandas, persisting, reprs.

A collection holds one ``FrameCore`` (``src/python/frame.rs``): a frame
expression whose partitions are polars frames with the index columns
(``__index_level_0__``, …) first. ``compute()`` runs one task per partition
and joins the partitions once, through Arrow, into pandas; the subclass's
``_finalize`` shapes the result (a DataFrame, a Series, a scalar).
"""

from __future__ import annotations

import uuid
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ferrox import _core, base

INDEX_PREFIX = "__index_level_"


def pandas_dtype(name: str) -> Any:
    """The pandas dtype object for a dtype name the core reports."""
    if name == "str":
        return pd.StringDtype(na_value=np.nan)
    if name == "category":
        return pd.CategoricalDtype()
    return np.dtype(name)


def tables_to_pandas(
    tables: list[Any], nindex: int, index_names: list[Any], range_index: bool = True
) -> pd.DataFrame:
    """Partitions (pyarrow tables, index columns first) as one pandas frame.
    An integer index whose values form a range is a ``RangeIndex``, as
    ``set_index`` makes it, unless ``range_index`` is false (group-by
    results, whose keys pandas keeps in their dtype)."""
    if tables and not tables[0].num_columns:
        # No columns (``df[[]]``): only the number of rows.
        rows = pd.RangeIndex(sum(t.num_rows for t in tables))
        return pd.DataFrame(index=rows, columns=pd.Index([], dtype="str"))
    tables = [t for t in tables if t.num_rows] or tables[:1]
    # Partitions may disagree on a dtype (int64 here, float64 where a
    # partition had missing values): promote like pandas' concat.
    table = (
        tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="permissive")
    )
    frame = table.to_pandas()
    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            # Lists (``str.split``) become Python lists, as in pandas; a
            # missing value is NaN.
            values = [np.nan if v is None else v for v in table.column(i).to_pylist()]
            frame[field.name] = pd.Series(values, dtype=object, index=frame.index)
        elif (
            pa.types.is_dictionary(field.type) and frame[field.name].cat.categories.dtype == object
        ):
            # Without values, a text categorical's categories come back as
            # ``object``; pandas' are text.
            col = frame[field.name]
            frame[field.name] = col.cat.set_categories(col.cat.categories.astype("str"))
        elif pa.types.is_boolean(field.type) and table.column(i).null_count:
            # Missing booleans are NaN in pandas' object columns, not None.
            col = frame[field.name]
            frame[field.name] = col.where(col.notna(), np.nan)
    if nindex == 1 and not range_index:
        # Not ``set_index``, which turns values that form a range into a
        # RangeIndex whatever their dtype.
        column = frame.columns[0]
        index = pd.Index(frame[column])
        index.name = index_names[0]
        frame = frame.drop(columns=column)
        frame.index = index
    elif nindex:
        cols = list(frame.columns[:nindex])
        frame = frame.set_index(cols if nindex > 1 else cols[0])
        frame.index.names = index_names
    return frame


def from_pandas_core(frame: pd.DataFrame, npartitions: int = 1) -> _core.FrameCore:
    """A core over an in-memory pandas frame cut into ``npartitions`` row
    ranges (its index kept, unless it is the default ``RangeIndex``)."""
    default_index = isinstance(frame.index, pd.RangeIndex) and (
        frame.index.start == 0 and frame.index.step == 1 and frame.index.name is None
    )
    names = list(frame.index.names)
    flat = frame.copy(deep=False)
    flat.columns = [str(c) for c in flat.columns]
    if default_index:
        nindex = 0
        flat = flat.reset_index(drop=True)
    else:
        nindex = len(names)
        flat.index.names = [f"{INDEX_PREFIX}{i}__" for i in range(nindex)]
        flat = flat.reset_index()
    n = len(flat)
    npartitions = max(1, min(npartitions, n or 1))
    bounds = [round(i * n / npartitions) for i in range(npartitions + 1)]
    tables = [
        pa.Table.from_pandas(flat.iloc[a:b], preserve_index=False)
        for a, b in zip(bounds, bounds[1:], strict=False)
    ]
    return _core.FrameCore.from_arrow(tables, nindex, [*names][:nindex], uuid.uuid4().hex)


class _Frame:
    """What DataFrame, Series and Scalar share: the core and computing."""

    _core: _core.FrameCore

    def __init__(self, core: _core.FrameCore) -> None:
        self._core = core

    @property
    def npartitions(self) -> int:
        """Number of partitions."""
        return self._core.npartitions

    @property
    def _name(self) -> str:
        return self._core.name

    def __ferrox_cores__(self) -> list[Any]:
        return self._core.partition_tasks()

    #: Whether a computed integer index that forms a range is a RangeIndex.
    _range_index = True

    def __ferrox_finalize__(self, values: list[Any]) -> Any:
        frame = tables_to_pandas(
            values, self._core.nindex, self._core.index_names, self._range_index
        )
        return self._finalize(frame)

    def __ferrox_rebuild__(self, values: list[Any]) -> Any:
        core = _core.FrameCore.from_arrow(
            values, self._core.nindex, self._core.index_names, uuid.uuid4().hex
        )
        return self._with_core(core)

    def _finalize(self, frame: pd.DataFrame) -> Any:
        return frame

    def _with_core(self, core: _core.FrameCore) -> Any:
        """The same kind of collection over another core."""
        return type(self)(core)

    def compute(self, **kwargs: Any) -> Any:
        """The pandas result, computed with the default (threaded) scheduler.

        Parameters
        ----------
        scheduler : str or Client, optional
            ``"threads"`` (default), ``"sync"``, or a ``distributed.Client``.
        num_workers : int, optional
            Threads of the ``threads`` scheduler.
        """
        (result,) = base.compute(self, **kwargs)
        return result

    def persist(self, **kwargs: Any) -> Any:
        """A collection of the same kind holding its computed partitions."""
        (result,) = base.persist(self, **kwargs)
        return result

    def visualize(self, filename: str | None = "mydask", format: str | None = None) -> str:
        """The task graph as Graphviz DOT (rendered to ``filename`` if
        Graphviz is installed)."""
        return base.visualize(self, filename=filename, format=format)

    @property
    def dask(self) -> dict[Any, Any]:
        """The task graph as a Dask-style dict."""
        graph: dict[Any, Any] = {}
        for core in self.__ferrox_cores__():
            graph.update(core.to_dict())
        return graph

    def __dask_graph__(self) -> dict[Any, Any]:
        return self.dask

    def __dask_keys__(self) -> list[Any]:
        return [core.key for core in self.__ferrox_cores__()]

    def __dask_tokenize__(self) -> str:
        return self._core.name

    def __len__(self) -> int:
        """The number of rows (CSV files are counted without parsing values)."""
        (n,) = base.compute_cores([self._core.len_task()])
        return int(n)

    def head(self, n: int = 5, npartitions: int = 1, compute: bool = True) -> Any:
        """The first ``n`` rows of the first partition (only they are read).

        As in Dask, ``npartitions=-1`` looks through every partition.
        """
        if npartitions != 1:
            raise NotImplementedError("head(npartitions=...) other than 1 is not supported yet")
        out = self._with_core(self._core.head(n))
        if not compute:
            return out
        result = out.compute()
        if len(result) < n:
            warnings.warn(
                f"Insufficient elements for `head`. {n} elements requested, only "
                f"{len(result)} elements available. Try passing larger `npartitions` to `head`.",
                stacklevel=2,
            )
        return result

    def tail(self, n: int = 5, compute: bool = True) -> Any:
        """The last ``n`` rows, as Dask's ``tail``: read from the last
        partition only.

        When the last partition has fewer than ``n`` rows, the last 2, 4, …
        partitions are read instead, until there are ``n`` rows (or none
        are left), so the result is pandas' ``tail(n)``. Earlier partitions
        are not computed; a default index needs their lengths, which
        in-memory and Parquet sources know and CSV files count without
        parsing values. With ``compute=False``, the lazy last rows of the
        last partition.

        Parameters
        ----------
        n : int, default 5
            Number of rows.
        compute : bool, default True
            Compute the result.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"x": range(10)}), npartitions=3)
        >>> df.tail(2)
           x
        8  8
        9  9
        """
        if not isinstance(n, int | np.integer) or isinstance(n, bool):
            raise TypeError(f"`n` must be an integer, got {type(n).__name__}")
        if n < 0:
            raise NotImplementedError("tail(n) with a negative `n` is not supported")
        n, k = int(n), 1
        out = self._with_core(_core.tail(self._core, n, k))
        if not compute:
            return out
        result = out.compute()
        # Each retry doubles the partitions read: at most log2(npartitions).
        while len(result) < n and k < self.npartitions:
            k = min(2 * k, self.npartitions)
            result = self._with_core(_core.tail(self._core, n, k)).compute()
        return result


class Scalar(_Frame):
    """A lazy scalar: the result of a reduction (``df.x.sum()``).

    ``compute()`` returns the NumPy / Python scalar pandas returns. A scalar
    can be used inside other expressions (``df.x - df.x.mean()``) without
    computing it first.
    """

    def __init__(self, core: _core.FrameCore, convert: Any = None) -> None:
        super().__init__(core)
        self._convert = convert

    def _with_core(self, core: _core.FrameCore) -> Scalar:
        return Scalar(core, self._convert)

    def _finalize(self, frame: pd.DataFrame) -> Any:
        if len(frame) == 0:
            return np.nan
        value = frame.iloc[0, -1]
        return value if self._convert is None else self._convert(value)

    @property
    def dtype(self) -> Any:
        """The dtype of the value."""
        return pandas_dtype(self._core.dtypes()[-1])

    def __repr__(self) -> str:
        return f"ferrox.Scalar<{self._name.rsplit('-', 1)[0]}, dtype={self.dtype}>"

    def __float__(self) -> float:
        return float(self.compute())

    def __int__(self) -> int:
        return int(self.compute())

    def __bool__(self) -> bool:
        return bool(self.compute())
