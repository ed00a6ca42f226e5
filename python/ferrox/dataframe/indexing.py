"""The index across partitions: ``divisions`` and ``loc``.

Divisions are known after ``set_index`` (Dask's convention: partition ``i``
holds the index values in ``[divisions[i], divisions[i + 1])``, the last one
closed); they are computed by a task the first time they are asked for
(the sort's sample, or each partition's first value for ``sorted=True``)
and cached on the collection. ``loc[a:b]`` and ``loc[x]`` use them to
touch only the partitions that can hold the labels; the rows are then
filtered in Rust (``src/frame/index.rs``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ferrox import _core, base

if TYPE_CHECKING:
    from ferrox.dataframe._collection import _Frame


def divisions(frame: _Frame) -> tuple[Any, ...]:
    """The divisions of ``frame`` (``(None,) * (npartitions + 1)`` if unknown)."""
    unknown = (None,) * (frame.npartitions + 1)
    cached = frame.__dict__.get("_divisions_cache")
    if cached is not None and cached[0] == frame._name:
        return cached[1]
    task = _core.divisions_task(frame._core)
    if task is None:
        return unknown
    (table,) = base.compute_cores([task])
    values = table.column(0).to_pandas().tolist() if table.num_rows else []
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    result = tuple(values) if len(values) == frame.npartitions + 1 else unknown
    frame.__dict__["_divisions_cache"] = (frame._name, result)
    return result


def _parts(divs: tuple[Any, ...], lo: Any, hi: Any) -> list[int]:
    """The partitions whose ``[divs[i], divs[i + 1]]`` meets ``[lo, hi]``
    (closed at both ends: after ``set_index(sorted=True)`` a value may
    repeat across a boundary)."""
    out = [
        i
        for i in range(len(divs) - 1)
        if (hi is None or divs[i] <= hi) and (lo is None or divs[i + 1] >= lo)
    ]
    # A frame keeps at least one (then empty) partition.
    return out or [0]


def _scalar(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, pd.Timestamp):
        return x.to_pydatetime()
    return x


class LocIndexer:
    """``df.loc``: labels of a sorted index with known divisions
    (``loc[a:b]``, ``loc[x]``, both ends included as in pandas; a list of
    labels, in index order), or a boolean Series (``loc[mask]``),
    optionally with columns (``loc[rows, cols]``)."""

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getitem__(self, key: Any) -> Any:
        from ferrox.dataframe.frame import DataFrame
        from ferrox.dataframe.series import Series

        obj = self._obj
        cols = None
        if isinstance(key, tuple):
            if len(key) != 2:
                raise IndexError("Too many indexers")
            key, cols = key
        if isinstance(key, Series):
            out = obj._with_core(obj._core.filter(key._core))
        elif isinstance(key, slice):
            if key.step is not None:
                raise NotImplementedError("loc with a slice step is not supported")
            out = self._range(key.start, key.stop)
        elif isinstance(key, list | np.ndarray | pd.Index | pd.Series):
            out = self._labels(list(key))
        else:
            out = self._range(key, key)
        if cols is None:
            return out
        if isinstance(out, DataFrame):
            if isinstance(cols, slice) and cols == slice(None):
                return out
            return out[cols]
        raise NotImplementedError("column selection on a Series")

    def _labels(self, labels: list[Any]) -> Any:
        """The rows whose index is one of ``labels``, in index order (as
        Dask; pandas returns them in the order of ``labels``)."""
        import pyarrow as pa

        obj = self._obj
        labels = [_scalar(x) for x in self._datetimes(labels)]
        divs = obj.divisions
        parts: set[int] = set()
        if divs[0] is not None:
            for x in labels:
                parts.update(_parts(divs, x, x))
        array = pa.array(labels) if labels else pa.array([], pa.null())
        core = _core.loc(obj._core, sorted(parts), None, None, array)
        return obj._with_core(core)

    def _datetimes(self, labels: list[Any]) -> list[Any]:
        """Labels of a datetime index may be given as strings."""
        dtypes = self._obj._core.index_dtypes()
        if dtypes and dtypes[0].startswith("datetime64"):
            return [pd.Timestamp(b) if isinstance(b, str) else b for b in labels]
        return labels

    def _range(self, lo: Any, hi: Any) -> Any:
        obj = self._obj
        lo, hi = (_scalar(b) for b in self._datetimes([lo, hi]))
        divs = obj.divisions
        known = divs[0] is not None
        parts = _parts(divs, lo, hi) if known else []
        return obj._with_core(_core.loc(obj._core, parts, lo, hi))
