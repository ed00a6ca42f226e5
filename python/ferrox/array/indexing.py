"""Indexing with integer arrays and boolean masks, on top of basic indexing.

Basic indices (ints, slices, ``None``, ``...``) go straight to the native
index expression. One advanced index (an integer array or a boolean mask
along one axis, or a boolean mask of the array's whole shape) becomes a
native ``take`` along the axis it lands on (``src/array/structure.rs``,
``gather``): output blocks are cut like Dask's, as long as the axis' largest
input chunk. Where the advanced index lands follows NumPy: with integers on
both sides of a slice, the indexed axis moves to the front.

A lazy ferrox array used as an index is computed first: its values decide
the result's shape, and ferrox arrays have known shapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ferrox.array.core import Array


def _is_advanced(item: Any) -> bool:
    from ferrox.array.core import Array

    if isinstance(item, Array):
        return True
    if isinstance(item, np.ndarray):
        return item.ndim > 0 or item.dtype == bool
    return isinstance(item, list)


def _plain(item: Any) -> Any:
    """NumPy integer scalars and 0-d integer arrays as Python ints."""
    if isinstance(item, np.integer) or (
        isinstance(item, np.ndarray) and item.ndim == 0 and item.dtype.kind in "iu"
    ):
        return int(item)
    return item


def _mask_mismatch(axis: int, size: int, got: int) -> IndexError:
    return IndexError(
        f"boolean index did not match indexed array along axis {axis}; size of axis is "
        f"{size} but size of corresponding boolean axis is {got}"
    )


def getitem(x: Array, index: Any) -> Array:
    """``x[index]`` for basic indices plus one integer-array or mask index."""
    from ferrox.array.core import Array

    key = index if isinstance(index, tuple) else (index,)
    key = tuple(_plain(k) for k in key)
    advanced = [i for i, k in enumerate(key) if _is_advanced(k)]
    if not advanced:
        return Array(x._core.getitem(key))
    if len(advanced) > 1:
        raise NotImplementedError(
            "indexing with more than one integer array or mask is not supported"
        )
    pos = advanced[0]
    item = key[pos]
    values = np.asarray(item.compute() if isinstance(item, Array) else item)
    if values.dtype == bool and values.ndim == 0:
        raise NotImplementedError("indexing with a boolean scalar is not supported")
    if values.size == 0 and values.dtype == np.float64 and isinstance(item, list):
        values = values.astype(np.intp)  # `x[[]]` selects nothing, as in NumPy
    if values.dtype != bool and values.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")

    # The input axis the advanced index starts at.
    before = key[:pos]
    if Ellipsis in before:
        after_real = sum(1 for k in key[pos + 1 :] if k is not None and k is not Ellipsis)
        width = values.ndim if values.dtype == bool else 1
        axis = x.ndim - after_real - width
    else:
        axis = sum(1 for k in before if k is not None)

    if values.dtype == bool:
        if values.ndim > 1:
            for ax, m in enumerate(values.shape, start=axis):
                if ax < x.ndim and x.shape[ax] != m:
                    raise _mask_mismatch(ax, x.shape[ax], m)
            if len(key) != 1 or values.ndim != x.ndim:
                raise NotImplementedError(
                    "a multi-dimensional mask must have the array's whole shape"
                )
            return Array(x.ravel()._core.take(0, np.flatnonzero(values).tolist()))
        if axis >= x.ndim:
            raise IndexError(
                f"too many indices for array: array is {x.ndim}-dimensional, "
                f"but {sum(1 for k in key if k is not None and k is not Ellipsis)} were indexed"
            )
        if values.shape[0] != x.shape[axis]:
            raise _mask_mismatch(axis, x.shape[axis], values.shape[0])
        values = np.flatnonzero(values)
    elif values.ndim > 1:
        raise NotImplementedError("indexing with a multi-dimensional integer array")
    if axis >= x.ndim:
        raise IndexError(
            f"too many indices for array: array is {x.ndim}-dimensional, but "
            f"{sum(1 for k in key if k is not None and k is not Ellipsis)} were indexed"
        )
    n = x.shape[axis]
    bad = values[(values < -n) | (values >= n)]
    if bad.size:
        raise IndexError(f"index {int(bad[0])} is out of bounds for axis {axis} with size {n}")

    basic = (*before, slice(None), *key[pos + 1 :])
    sliced = Array(x._core.getitem(basic))
    # The advanced axis' place in `sliced`: every earlier entry but ints.
    out_axis = 0
    for k in basic[:pos]:
        if k is Ellipsis:
            out_axis += x.ndim - sum(1 for j in basic if j is not None and j is not Ellipsis)
        elif not isinstance(k, int):
            out_axis += 1
    result = Array(sliced._core.take(out_axis, values.tolist()))
    # NumPy: integers and the array separated by a slice or None put the
    # indexed axis first.
    ints = [i for i, k in enumerate(key) if isinstance(k, int) and not isinstance(k, bool)]
    group = sorted([*ints, pos])
    if ints and group[-1] - group[0] != len(group) - 1 and out_axis != 0:
        from ferrox.array.creation import moveaxis

        result = moveaxis(result, out_axis, 0)
    return result
