"""``concat``: argument checking with pandas' names and errors; the work is
in Rust (``src/frame/concat.rs``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ferrox import _core
from ferrox.dataframe._collection import _Frame
from ferrox.dataframe.frame import DataFrame
from ferrox.dataframe.series import Series


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
        float64).

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
    first = dfs[0]
    if not all(first._core.same_rows(d._core) for d in dfs[1:]):
        raise NotImplementedError(
            "concat(axis=1) of frames that do not come from the same rows needs aligning "
            "on the index, which is not supported yet"
        )
    columns: dict[str, Series] = {}
    for i, d in enumerate(dfs):
        parts = [(d.name, d)] if isinstance(d, Series) else [(c, d[c]) for c in d.columns]
        for name, s in parts:
            label = str(i if name is None else name)
            if label in columns:
                raise ValueError(f"duplicate column '{label}' in concat(axis=1)")
            columns[label] = s
    out = DataFrame(_core.FrameCore.combine([(n, s._core) for n, s in columns.items()]))
    return out.reset_index(drop=True) if ignore_index else out


__all__ = ["concat"]
