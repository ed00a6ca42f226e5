"""Methods that move rows between partitions — sorting, ``set_index`` /
``reset_index``, ``loc``, ``drop_duplicates``, joins, ``repartition`` —
mixed into :class:`~ferrox.dataframe.DataFrame` and
:class:`~ferrox.dataframe.Series`.

Each is a thin call into Rust (``src/python/frame_ops.rs``): a global sort
is sample → boundaries → range split → stable sort per partition
(``src/frame/sort.rs``); ``nlargest`` / ``nsmallest`` / ``drop_duplicates``
are tree reductions into one partition; sorts are stable, so ties keep
their order (pandas' ``kind="stable"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ferrox import _core
from ferrox.dataframe.indexing import LocIndexer, divisions

if TYPE_CHECKING:
    from ferrox.dataframe.frame import DataFrame
    from ferrox.dataframe.series import Series

_KEEP_ERROR = 'keep must be either "first", "last" or False'


def _na_last(na_position: str) -> bool:
    if na_position not in ("first", "last"):
        raise ValueError(f"invalid na_position: {na_position}")
    return na_position == "last"


def _split_every(split_every: Any) -> int:
    return 8 if split_every in (None, False) else int(split_every)


def _keep(keep: Any) -> str:
    if keep is False:
        raise NotImplementedError("drop_duplicates(keep=False) is not supported (nor by Dask)")
    if keep not in ("first", "last"):
        raise ValueError(_KEEP_ERROR)
    return keep


class IndexMethods:
    """What frames and series share: divisions, ``loc``, ``repartition``."""

    _core: _core.FrameCore

    @property
    def divisions(self) -> tuple[Any, ...]:
        """The index boundaries of the partitions, as in Dask: partition
        ``i`` holds the index values in ``[divisions[i], divisions[i + 1])``
        (the last one closed); all ``None`` when unknown. Known after
        ``set_index`` (computed the first time they are asked for).

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"k": [5, 1, 3, 2]}), npartitions=2)
        >>> df.divisions
        (None, None, None)
        >>> df.set_index("k", sorted=False).divisions[0], df.set_index("k").divisions[-1]
        (1, 5)
        """
        return divisions(self)  # type: ignore[arg-type]

    @property
    def known_divisions(self) -> bool:
        """Whether the divisions are known."""
        return self.divisions[0] is not None

    @property
    def loc(self) -> LocIndexer:
        """Selection by index label (``loc[a:b]``, ``loc[x]``: only the
        partitions the divisions allow are read) or by a boolean Series
        (``loc[mask]``). ``loc[x]`` returns a DataFrame, as in Dask."""
        return LocIndexer(self)

    def repartition(self, npartitions: int | None = None, **kwargs: Any) -> Any:
        """The same rows in ``npartitions`` partitions: neighbouring
        partitions are stacked, or each is cut into row ranges.

        Parameters
        ----------
        npartitions : int
            Number of partitions of the result.

        Returns
        -------
        DataFrame or Series

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"x": range(6)}), npartitions=3)
        >>> df.repartition(npartitions=1).npartitions, df.repartition(npartitions=5).npartitions
        (1, 5)
        """
        unsupported = [k for k, v in kwargs.items() if v is not None]
        if unsupported:
            raise NotImplementedError(
                f"repartition({', '.join(unsupported)}=...) is not supported yet"
            )
        if npartitions is None:
            raise ValueError("Provide exactly one of npartitions=, divisions=, partition_size=")
        return self._with_core(_core.repartition(self._core, int(npartitions)))  # type: ignore[attr-defined]


class FrameShuffleMethods(IndexMethods):
    """DataFrame methods that move rows between partitions."""

    def sort_values(
        self,
        by: str | list[str],
        ascending: bool | list[bool] = True,
        na_position: str = "last",
        ignore_index: bool = False,
        **kwargs: Any,
    ) -> DataFrame:
        """Rows sorted globally by one or several columns (stable: ties keep
        their order); the index follows the rows (``ignore_index``: a new
        default index).

        Parameters
        ----------
        by : str or list of str
        ascending : bool or list of bool
            One flag, or one per key.
        na_position : {"last", "first"}
            Where missing values (null, NaN) go.
        ignore_index : bool
            Give the result a new default index.

        Returns
        -------
        DataFrame
            As many partitions as the input, each a range of the first key.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"a": [3, 1, 2, 1], "b": ["x", "y", "z", "w"]})
        >>> dd.from_pandas(pdf, npartitions=2).sort_values(["a", "b"]).compute()
           a  b
        3  1  w
        1  1  y
        2  2  z
        0  3  x
        """
        _no_kwargs("sort_values", kwargs)
        keys = [by] if isinstance(by, str) else [str(b) for b in by]
        flags = [ascending] * len(keys) if isinstance(ascending, bool) else list(ascending)
        if len(flags) != len(keys):
            raise ValueError(f"Length of ascending ({len(flags)}) != length of by ({len(keys)})")
        core = _core.sort_values(self._core, keys, [bool(f) for f in flags], _na_last(na_position))
        if ignore_index:
            core = _core.reset_index(core, True)
        return self._plain(core)

    def sort_index(self, ascending: bool = True, **kwargs: Any) -> DataFrame:
        """Rows sorted globally by the index (stable, missing values last)."""
        _no_kwargs("sort_index", kwargs)
        if not ascending:
            raise NotImplementedError("sort_index(ascending=False) is not supported yet")
        return self._plain(_core.sort_index(self._core))

    def nlargest(self, n: int = 5, columns: Any = None, split_every: Any = None) -> DataFrame:
        """The ``n`` rows with the largest values of ``columns`` (ties in
        order of appearance, as pandas' ``keep="first"``), by a tree
        reduction into one partition.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"a": [3, 1, 4, 1, 5]})
        >>> dd.from_pandas(pdf, npartitions=2).nlargest(2, "a").compute()
           a
        4  5
        2  4
        """
        return self._top(n, columns, True, split_every)

    def nsmallest(self, n: int = 5, columns: Any = None, split_every: Any = None) -> DataFrame:
        """The ``n`` rows with the smallest values of ``columns`` (see
        :meth:`nlargest`)."""
        return self._top(n, columns, False, split_every)

    def _top(self, n: int, columns: Any, largest: bool, split_every: Any) -> DataFrame:
        if columns is None:
            raise TypeError("nlargest() missing 1 required positional argument: 'columns'")
        keys = [columns] if isinstance(columns, str) else [str(c) for c in columns]
        core = _core.top_n(self._core, int(n), keys, largest, _split_every(split_every))
        return self._plain(core)

    def set_index(
        self,
        other: Any,
        drop: bool = True,
        sorted: bool = False,
        npartitions: Any = None,
        divisions: Any = None,
        **kwargs: Any,
    ) -> DataFrame:
        """A column, or a Series over the same rows, as the index, the frame
        sorted by it (``sorted=True``: the data is sorted by it already and
        stays in place), with known :attr:`divisions`. Equals pandas'
        ``set_index(other).sort_index()`` (stable).

        Parameters
        ----------
        other : str or Series
            The column, or a Series derived from this frame's rows; the
            index takes the Series' name.
        drop : bool
            Remove the column from the data columns (a Series key is never
            a data column).
        sorted : bool
            The column is sorted across partitions already.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"k": [3, 1, 2], "v": ["c", "a", "b"]})
        >>> out = dd.from_pandas(pdf, npartitions=2).set_index("k")
        >>> out.compute().v.tolist(), out.divisions
        (['a', 'b', 'c'], (1, 2, 3))
        """
        _no_kwargs("set_index", kwargs)
        if npartitions is not None or divisions is not None:
            raise NotImplementedError("set_index(npartitions=, divisions=) is not supported yet")
        if isinstance(other, list):
            if len(other) != 1:
                raise NotImplementedError("set_index with several columns (a MultiIndex)")
            other = other[0]
        from ferrox.dataframe.series import Series

        if isinstance(other, Series):
            return self._set_index_series(other, bool(sorted))
        if not isinstance(other, str):
            raise NotImplementedError(
                "set_index with a pandas Series or an array is not supported; "
                "use a ferrox Series over the same rows or a column name"
            )
        if other not in self._core.columns():
            raise KeyError(f"None of ['{other}'] are in the columns")
        return self._plain(_core.set_index(self._core, other, bool(sorted), bool(drop)))

    def _set_index_series(self, key: Series, sorted: bool) -> DataFrame:
        """The values of ``key``, a Series over the same rows, as the index
        under the Series' own name. It joins the frame under a name no
        column has, so a column of the same name stays a column (pandas'
        ``drop`` applies to column keys only)."""
        columns = self._core.columns()
        tmp, i = "__ferrox_index__", 0
        while tmp in columns:
            i += 1
            tmp = f"__ferrox_index_{i}__"
        with_key = self.assign(**{tmp: key})
        core = _core.set_index(with_key._core, tmp, sorted, True)
        return self._plain(core.with_index_names([key.name]))

    def reset_index(self, drop: bool = False, **kwargs: Any) -> DataFrame:
        """The index as the first column(s) (``index`` when unnamed) and a
        new default index — global row positions, as in pandas (Dask
        restarts them in every partition).

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"k": [2, 1], "v": [1.5, 2.5]})
        >>> dd.from_pandas(pdf).set_index("k").reset_index().compute()
           k    v
        0  1  2.5
        1  2  1.5
        """
        _no_kwargs("reset_index", kwargs)
        return self._plain(_core.reset_index(self._core, bool(drop)))

    def drop_duplicates(
        self,
        subset: Any = None,
        keep: Any = "first",
        ignore_index: bool = False,
        split_every: Any = None,
        **kwargs: Any,
    ) -> DataFrame:
        """Rows without repeated values of ``subset`` (all columns by
        default): the first (or last) occurrence of each, in order of
        appearance, by a tree reduction into one partition.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> pdf = pd.DataFrame({"k": ["a", "b", "a"], "v": [1, 2, 3]})
        >>> dd.from_pandas(pdf, npartitions=2).drop_duplicates("k", keep="last").compute()
           k  v
        1  b  2
        2  a  3
        """
        _no_kwargs("drop_duplicates", kwargs)
        cols = [] if subset is None else ([subset] if isinstance(subset, str) else list(subset))
        missing = [c for c in cols if c not in self._core.columns()]
        if missing:
            import pandas as pd

            raise KeyError(pd.Index(missing))
        core = _core.drop_duplicates(
            self._core,
            [str(c) for c in cols],
            _keep(keep),
            bool(ignore_index),
            _split_every(split_every),
        )
        return self._plain(core)

    def merge(self, right: Any, how: str = "inner", **kwargs: Any) -> DataFrame:
        """Join with ``right`` on columns or indexes: :func:`ferrox.dataframe.merge`."""
        from ferrox.dataframe.reshape import merge

        return merge(self, right, how=how, **kwargs)  # type: ignore[arg-type]

    def join(
        self,
        other: Any,
        on: Any = None,
        how: str = "left",
        lsuffix: str = "",
        rsuffix: str = "",
        suffixes: tuple[str, str] | None = None,
    ) -> DataFrame:
        """Join with ``other`` on both indexes, or on ``left``'s columns
        ``on`` against ``other``'s index (``how="left"`` by default), like
        :meth:`pandas.DataFrame.join`.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> a = dd.from_pandas(pd.DataFrame({"x": [1, 2]}, index=["p", "q"]))
        >>> b = dd.from_pandas(pd.DataFrame({"y": [3.0]}, index=["q"]))
        >>> a.join(b).compute()
           x    y
        p  1  NaN
        q  2  3.0
        """
        from ferrox.dataframe.reshape import join

        return join(self, other, on, how, lsuffix, rsuffix, suffixes)  # type: ignore[arg-type]

    def _plain(self, core: _core.FrameCore) -> DataFrame:
        from ferrox.dataframe.frame import DataFrame

        return DataFrame(core)


class SeriesShuffleMethods(IndexMethods):
    """Series methods that move rows between partitions."""

    def _column(self) -> str:
        return self._core.columns()[0]

    def _same(self, core: _core.FrameCore) -> Series:
        from ferrox.dataframe.series import Series

        return Series(core, self.name)  # type: ignore[attr-defined]

    def sort_values(
        self, ascending: bool = True, na_position: str = "last", **kwargs: Any
    ) -> Series:
        """Values sorted globally (stable); the index follows them."""
        _no_kwargs("sort_values", kwargs)
        core = _core.sort_values(
            self._core, [self._column()], [bool(ascending)], _na_last(na_position)
        )
        return self._same(core)

    def nlargest(self, n: int = 5, split_every: Any = None) -> Series:
        """The ``n`` largest values (missing values last, as pandas)."""
        return self._top(n, True, split_every)

    def nsmallest(self, n: int = 5, split_every: Any = None) -> Series:
        """The ``n`` smallest values (missing values last, as pandas)."""
        return self._top(n, False, split_every)

    def _top(self, n: int, largest: bool, split_every: Any) -> Series:
        core = _core.top_n(self._core, int(n), [self._column()], largest, _split_every(split_every))
        return self._same(core)

    def drop_duplicates(
        self, keep: Any = "first", ignore_index: bool = False, split_every: Any = None
    ) -> Series:
        """Values without repeats (first or last occurrence, in order of
        appearance); the index follows them."""
        core = _core.drop_duplicates(
            self._core, [], _keep(keep), bool(ignore_index), _split_every(split_every)
        )
        return self._same(core)

    def unique(self, split_every: Any = None) -> Series:
        """The distinct values in order of appearance, as a Series (as in
        Dask; pandas returns an array) with a new default index.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([3, 1, 3, 2], name="x"), npartitions=2)
        >>> s.unique().compute().tolist()
        [3, 1, 2]
        """
        core = _core.drop_duplicates(self._core, [], "first", True, _split_every(split_every))
        return self._same(core)

    def reset_index(self, drop: bool = False) -> Any:
        """A new default index; without ``drop``, a DataFrame of the old
        index (``index``) and the values."""
        core = _core.reset_index(self._core, bool(drop))
        if drop:
            return self._same(core)
        from ferrox.dataframe.frame import DataFrame

        name = self.name  # type: ignore[attr-defined]
        column = self._column()
        label = "0" if name is None else str(name)
        if column != label:
            core = core.rename([(column, label)])
        return DataFrame(core)


def _no_kwargs(method: str, kwargs: dict[str, Any]) -> None:
    unsupported = [k for k, v in kwargs.items() if v not in (None, False)]
    if unsupported:
        raise NotImplementedError(f"{method}({', '.join(unsupported)}=...) is not supported yet")
