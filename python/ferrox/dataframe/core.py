"""``DataFrame`` and ``Series``: thin Python names over ``FrameCore``
(``src/python/frame.rs``).

A ``Series`` is a one-column frame expression that computes to a
``pandas.Series``. Every method builds a new expression in Rust (columns are
checked now, so an unknown column raises ``KeyError`` before anything runs);
``compute()`` runs one task per partition and joins the partitions once,
through Arrow, into pandas.
"""

from __future__ import annotations

import html
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ferrox import _core, base

if TYPE_CHECKING:
    from ferrox.dataframe.groupby import DataFrameGroupBy


def _dtype(name: str) -> Any:
    return pd.StringDtype(na_value=np.nan) if name == "str" else np.dtype(name)


def _to_pandas(tables: list[Any]) -> pd.DataFrame:
    # Partitions may disagree on a dtype (int64 here, float64 where a
    # partition had missing values): promote like pandas' concat.
    table = (
        tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="permissive")
    )
    return table.to_pandas()


class _Frame:
    """What DataFrame and Series share: the core, partitions, computing."""

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

    def __ferrox_finalize__(self, values: list[Any]) -> Any:
        return self._finalize(_to_pandas(values))

    def _finalize(self, frame: pd.DataFrame) -> Any:
        return frame

    def compute(self, **kwargs: Any) -> Any:
        """The pandas result, computed with the default (threaded) scheduler."""
        (result,) = base.compute(self, **kwargs)
        return result

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
        out = type(self)._like(self, self._core.head(n))
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

    @classmethod
    def _like(cls, other: Any, core: Any) -> Any:
        return cls(core)


class DataFrame(_Frame):
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

    @property
    def columns(self) -> pd.Index:
        """Column labels."""
        return pd.Index(self._core.columns())

    @property
    def dtypes(self) -> pd.Series:
        """The columns' pandas dtypes."""
        return pd.Series(
            [_dtype(d) for d in self._core.dtypes()], index=self._core.columns(), dtype=object
        )

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, list):
            return DataFrame(self._core.project([str(k) for k in key]))
        if isinstance(key, str):
            return Series(self._core.project([key]))
        raise NotImplementedError(f"indexing a DataFrame with {type(key).__name__}")

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and name in self._core.columns():
            return self[name]
        raise AttributeError(f"'DataFrame' object has no attribute '{name}'")

    def groupby(
        self, by: Any, sort: bool = True, dropna: bool = True, **kwargs: Any
    ) -> DataFrameGroupBy:
        """Group rows by one or several columns (pandas' defaults: sorted keys,
        rows with a missing key dropped)."""
        from ferrox.dataframe.groupby import DataFrameGroupBy

        return DataFrameGroupBy(self, by, sort=sort, dropna=dropna, **kwargs)

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


class Series(_Frame):
    """A lazy, partitioned ``pandas.Series`` (a one-column frame)."""

    @property
    def name(self) -> str:
        """The series' name (its column)."""
        return self._core.columns()[0]

    @property
    def dtype(self) -> Any:
        """The pandas dtype."""
        return _dtype(self._core.dtypes()[0])

    def _finalize(self, frame: pd.DataFrame) -> pd.Series:
        return frame.iloc[:, 0]

    def __repr__(self) -> str:
        """Structure and dtype, without computing (Dask's layout)."""
        rows = [self._core.dtypes()[0], *(["..."] * self.npartitions)]
        index = pd.Index([""] * len(rows), name=f"npartitions={self.npartitions}")
        table = pd.Series(rows, index=index, name=self.name).to_string(name=False)
        name = self._name.rsplit("-", 1)[0]
        return (
            f"ferrox Series Structure:\n{table}\nferrox Name: {name}, {self.npartitions} partitions"
        )
