"""``merge`` and ``concat``: argument checking with pandas' names and
errors; the work is in Rust (``src/frame/join.rs``, ``src/frame/concat.rs``).

Joins follow pandas' rules: ``on`` keys appear once, overlapping columns get
``suffixes``, missing keys match each other, int columns that get missing
values become float64, the result gets a new default index (or keeps the
joined index for ``left_index=True, right_index=True`` and ``join``).
Row order is pandas' when both sides have one partition, or when the side
whose order the join keeps is joined against a one-partition other side
(broadcast). A hash-shuffled join keeps pandas' order within each key but
not across keys, except ``outer``, which is sorted by key as in pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ferrox import _core
from ferrox.dataframe._collection import _Frame
from ferrox.dataframe.frame import DataFrame
from ferrox.dataframe.series import Series

_HOWS = ("inner", "left", "right", "outer")


def _as_list(x: Any) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return [str(c) for c in x]


def _as_frame(obj: Any, argument: str) -> DataFrame:
    if isinstance(obj, DataFrame):
        return obj
    if isinstance(obj, Series):
        if obj.name is None:
            raise ValueError("Cannot merge a Series without a name")
        return obj.to_frame()
    raise TypeError(
        f"Can only merge Series or DataFrame objects, a {type(obj).__name__} was passed"
        if argument == "right"
        else f"`{argument}` must be a ferrox DataFrame or Series, got {type(obj).__name__}"
    )


def _check_keys(frame: DataFrame, keys: list[str]) -> None:
    for k in keys:
        if k not in frame._core.columns():
            raise KeyError(k)


def _check_overlap(left: DataFrame, right: DataFrame, keys: Sequence[str], suffixes: Any) -> None:
    lsuffix, rsuffix = suffixes
    if lsuffix or rsuffix:
        return
    overlap = [c for c in left.columns if c in set(right.columns) and c not in keys]
    if overlap:
        raise ValueError(f"columns overlap but no suffix specified: {pd.Index(overlap)!r}")


def merge(
    left: DataFrame | Series,
    right: DataFrame | Series,
    how: str = "inner",
    on: Any = None,
    left_on: Any = None,
    right_on: Any = None,
    left_index: bool = False,
    right_index: bool = False,
    suffixes: tuple[str, str] = ("_x", "_y"),
    **kwargs: Any,
) -> DataFrame:
    """Join two frames on columns or indexes, like :func:`pandas.merge`.

    Parameters
    ----------
    left, right : DataFrame or named Series
    how : {"inner", "left", "right", "outer"}
        Which rows to keep. ``outer`` sorts the keys, as pandas does.
    on : str or list of str, optional
        Key columns present in both frames (default: the common columns).
    left_on, right_on : str or list of str, optional
        Key columns of each side, when they are named differently.
    left_index, right_index : bool
        Join on both indexes (the result is indexed by the joined index),
        or ``left_on`` against the right index (``right_index`` alone: the
        result keeps the left index).
    suffixes : (str, str)
        Appended to overlapping non-key column names.

    Returns
    -------
    DataFrame
        One partition per partition of the larger side (a broadcast or
        hash-partitioned join), or one when both sides have one.

    See Also
    --------
    DataFrame.join : join on the index.

    Examples
    --------
    >>> import pandas as pd, ferrox.dataframe as dd
    >>> a = dd.from_pandas(pd.DataFrame({"k": ["x", "y", "z"], "v": [1, 2, 3]}), npartitions=2)
    >>> b = dd.from_pandas(pd.DataFrame({"k": ["y", "x"], "w": [10.0, 20.0]}))
    >>> dd.merge(a, b, on="k", how="left").compute()
       k  v     w
    0  x  1  20.0
    1  y  2  10.0
    2  z  3   NaN
    """
    if kwargs:
        raise NotImplementedError(f"merge({', '.join(kwargs)}=...) is not supported yet")
    if how not in _HOWS:
        raise ValueError(
            f"'{how}' is not a valid Merge type: left, right, inner, outer, left_anti, "
            "right_anti, cross, asof"
        )
    lframe, rframe = _as_frame(left, "left"), _as_frame(right, "right")
    if on is not None and (left_on is not None or right_on is not None):
        raise pd.errors.MergeError(
            'Can only pass argument "on" OR "left_on" and "right_on", not a combination of both.'
        )
    if left_index and right_index:
        if on is not None or left_on is not None or right_on is not None:
            raise NotImplementedError("merge on an index and columns together is not supported")
        _check_overlap(lframe, rframe, [], suffixes)
        core = _core.merge(lframe._core, rframe._core, how, [], [], "both", tuple(suffixes))
        return DataFrame(core)
    if right_index:
        if left_on is None and on is None:
            raise pd.errors.MergeError('Must pass "left_on" OR "left_index".')
        lkeys = _as_list(on if on is not None else left_on)
        _check_keys(lframe, lkeys)
        _check_overlap(lframe, rframe, [], suffixes)
        core = _core.merge(lframe._core, rframe._core, how, lkeys, [], "right", tuple(suffixes))
        return DataFrame(core)
    if left_index:
        raise NotImplementedError(
            "merge(left_index=True, right_on=...) is not supported yet; swap the sides and "
            "use right_index=True"
        )
    if left_on is not None and right_on is None:
        raise pd.errors.MergeError('Must pass "right_on" OR "right_index".')
    if right_on is not None and left_on is None:
        raise pd.errors.MergeError('Must pass "left_on" OR "left_index".')
    if on is None and left_on is None:
        common = [c for c in lframe.columns if c in set(rframe.columns)]
        if not common:
            raise pd.errors.MergeError(
                "No common columns to perform merge on. Merge options: left_on=None, "
                "right_on=None, left_index=False, right_index=False"
            )
        on = common
    lkeys = _as_list(on if on is not None else left_on)
    rkeys = _as_list(on if on is not None else right_on)
    _check_keys(lframe, lkeys)
    _check_keys(rframe, rkeys)
    shared = [lk for lk, rk in zip(lkeys, rkeys, strict=False) if lk == rk]
    _check_overlap(lframe, rframe, shared, suffixes)
    core = _core.merge(lframe._core, rframe._core, how, lkeys, rkeys, "no", tuple(suffixes))
    return DataFrame(core)


def join(
    left: DataFrame,
    other: DataFrame | Series,
    on: Any = None,
    how: str = "left",
    lsuffix: str = "",
    rsuffix: str = "",
    suffixes: tuple[str, str] | None = None,
) -> DataFrame:
    """``left.join(other)``: a merge on both indexes, or of ``left``'s
    columns ``on`` against ``other``'s index."""
    if how not in _HOWS:
        raise ValueError(
            f"'{how}' is not a valid Merge type: left, right, inner, outer, left_anti, "
            "right_anti, cross, asof"
        )
    rframe = _as_frame(other, "right")
    sfx = tuple(suffixes) if suffixes is not None else (lsuffix, rsuffix)
    _check_overlap(left, rframe, [], sfx)
    if on is not None:
        keys = _as_list(on)
        _check_keys(left, keys)
        return DataFrame(_core.merge(left._core, rframe._core, how, keys, [], "right", sfx))
    return DataFrame(_core.merge(left._core, rframe._core, how, [], [], "both", sfx))


def concat(
    dfs: Sequence[DataFrame | Series],
    axis: int | str = 0,
    join: str = "outer",
    ignore_index: bool = False,
    **kwargs: Any,
) -> Any:
    """Stack frames along rows (``axis=0``) or put frames over the same
    rows side by side (``axis=1``), like :func:`pandas.concat`.

    Parameters
    ----------
    dfs : sequence of DataFrame or Series
    axis : {0, 1, "index", "columns"}
    join : {"outer"}
        Columns missing from an input are NaN there (``"inner"`` is not
        supported yet).
    ignore_index : bool
        Give the result a new default index instead of the inputs'.

    Returns
    -------
    DataFrame or Series
        Along rows: the partitions of every input, in order; dtypes
        promoted like pandas (an int column some input lacks becomes
        float64). Along columns: frames over the same rows, or with the same
        number of partitions holding the same index values.

    Examples
    --------
    >>> import pandas as pd, ferrox.dataframe as dd
    >>> a = dd.from_pandas(pd.DataFrame({"x": [1, 2]}))
    >>> b = dd.from_pandas(pd.DataFrame({"x": [3], "y": ["u"]}))
    >>> dd.concat([a, b], ignore_index=True).compute()
       x    y
    0  1  NaN
    1  2  NaN
    2  3    u
    """
    if kwargs:
        raise NotImplementedError(f"concat({', '.join(kwargs)}=...) is not supported yet")
    if isinstance(dfs, _Frame):
        raise TypeError(
            "first argument must be an iterable of pandas objects, you passed an object of "
            f'type "{type(dfs).__name__}"'
        )
    dfs = list(dfs)
    if not dfs:
        raise ValueError("No objects to concatenate")
    for d in dfs:
        if not isinstance(d, _Frame):
            raise TypeError(
                f"cannot concatenate object of type '{type(d)}'; only Series and DataFrame "
                "objs are valid"
            )
    if axis not in (0, 1, "index", "columns"):
        raise ValueError(f"No axis named {axis} for object type DataFrame")
    if join != "outer":
        raise NotImplementedError("concat(join='inner') is not supported yet")
    if axis in (1, "columns"):
        return _concat_columns(dfs, ignore_index)
    if all(isinstance(d, Series) for d in dfs):
        names = {d.name for d in dfs}
        name = names.pop() if len(names) == 1 else None
        frames = [d.to_frame(name="__series__") for d in dfs]
        core = _core.concat([f._core for f in frames], ignore_index)
        return Series(core, name)
    frames = [d.to_frame() if isinstance(d, Series) else d for d in dfs]
    return DataFrame(_core.concat([f._core for f in frames], ignore_index))


def _concat_columns(dfs: list[Any], ignore_index: bool) -> DataFrame:
    names: list[list[str]] = []
    seen: set[str] = set()
    for i, d in enumerate(dfs):
        labels = (
            [str(i if d.name is None else d.name)] if isinstance(d, Series) else list(d.columns)
        )
        for label in labels:
            if label in seen:
                raise ValueError(f"duplicate column '{label}' in concat(axis=1)")
            seen.add(label)
        names.append(labels)
    first = dfs[0]
    if all(first._core.same_rows(d._core) for d in dfs[1:]):
        # Columns over the same rows: one select, fused with the reads.
        columns = [
            (n, d if isinstance(d, Series) else d[c])
            for d, labels in zip(dfs, names, strict=True)
            for n, c in zip(labels, d._core.columns(), strict=True)
        ]
        out = DataFrame(_core.FrameCore.combine([(n, s._core) for n, s in columns]))
    else:
        # Frames cut alike: partition i of each, side by side (as Dask,
        # which assumes aligned partitions; ferrox checks it when it runs).
        out = DataFrame(_core.concat_columns([d._core for d in dfs], names))
    return out.reset_index(drop=True) if ignore_index else out


__all__ = ["concat", "join", "merge"]


def melt(
    frame: DataFrame,
    id_vars: Any = None,
    value_vars: Any = None,
    var_name: Any = None,
    value_name: Any = "value",
    col_level: Any = None,
    ignore_index: bool = True,
) -> DataFrame:
    """``frame`` unpivoted from wide to long, like :func:`pandas.melt`: the
    ``id_vars`` columns, then ``var_name`` (which column a value came from)
    and ``value_name``, one row per row and value column, in pandas' order
    (all rows of the first value column, then of the next). Each value
    column is its own lazy piece of the result; nothing is computed here.

    Examples
    --------
    >>> import pandas as pd, ferrox.dataframe as dd
    >>> pdf = pd.DataFrame({"id": [1, 2], "a": [3, 4], "b": [5, 6]})
    >>> dd.melt(dd.from_pandas(pdf, npartitions=2), id_vars="id").compute()
       id variable  value
    0   1        a      3
    1   2        a      4
    2   1        b      5
    3   2        b      6
    """
    if col_level is not None:
        raise NotImplementedError("melt(col_level=...) is not supported yet")
    if not ignore_index:
        raise NotImplementedError("melt(ignore_index=False) is not supported yet")
    columns = list(frame.columns)
    ids = _as_list(id_vars)
    values = [c for c in columns if c not in ids] if value_vars is None else _as_list(value_vars)
    missing = [c for c in [*ids, *values] if c not in columns]
    if missing:
        raise KeyError(
            f"The following id_vars or value_vars are not present in the DataFrame: {missing}"
        )
    if value_name in columns:
        raise ValueError(
            f"value_name ({value_name}) cannot match an element in the DataFrame columns."
        )
    if not values:
        raise NotImplementedError("melt without value columns is not supported yet")
    var_name = "variable" if var_name is None else var_name
    if frame._core.nindex:
        frame = frame.reset_index(drop=True)
    pieces = [
        frame[[*ids, v]]
        .rename(columns={v: str(value_name)})
        .assign(**{str(var_name): str(v)})[[*ids, str(var_name), str(value_name)]]
        for v in values
    ]
    return pieces[0] if len(pieces) == 1 else concat(pieces, ignore_index=True)


def _as_list(names: Any) -> list[Any]:
    if names is None:
        return []
    if isinstance(names, list | tuple | pd.Index):
        return list(names)
    return [names]
