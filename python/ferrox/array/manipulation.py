"""Array manipulation built from lazy primitives: flips, rolls, triangles,
diagonals, padding, squeezing, block assembly. Each function only composes indexing,
``concatenate``, ``where`` and creation functions, so the work still runs in
Rust, fused per block."""

from __future__ import annotations

from typing import Any

import numpy as np

from ferrox.array.core import Array
from ferrox.array.creation import arange, asarray, concatenate, full
from ferrox.array.ufuncs import where


def _axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _along(ndim: int, axis: int, index: Any) -> tuple[Any, ...]:
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


def expand_dims(a: Any, axis: int) -> Array:
    """``numpy.expand_dims`` for one axis."""
    a = asarray(a)
    axis = _axis(axis, a.ndim + 1)
    return a[(slice(None),) * axis + (None,)]


def squeeze(a: Any, axis: Any = None) -> Array:
    """``numpy.squeeze``: drop length-1 axes (all, or those in ``axis``)."""
    a = asarray(a)
    if axis is None:
        axes = [i for i, n in enumerate(a.shape) if n == 1]
    else:
        axes = [_axis(ax, a.ndim) for ax in (axis if isinstance(axis, tuple) else (axis,))]
        if any(a.shape[ax] != 1 for ax in axes):
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return a[tuple(0 if i in axes else slice(None) for i in range(a.ndim))]


def flip(m: Any, axis: Any = None) -> Array:
    """``numpy.flip``: reverse the order of elements along ``axis`` (all axes if None).

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.flip(fa.from_array(np.arange(4), chunks=3)).compute()
    array([3, 2, 1, 0])
    """
    m = asarray(m)
    axes = range(m.ndim) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    axes = [_axis(ax, m.ndim) for ax in axes]
    return m[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(m.ndim))]


def flipud(m: Any) -> Array:
    """``numpy.flipud``."""
    return flip(m, 0)


def fliplr(m: Any) -> Array:
    """``numpy.fliplr``."""
    return flip(m, 1)


def roll(a: Any, shift: int, axis: int | None = None) -> Array:
    """``numpy.roll`` along one axis.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.roll(fa.from_array(np.arange(5), chunks=2), 2).compute()
    array([3, 4, 0, 1, 2])
    """
    a = asarray(a)
    if axis is None:
        return roll(a.ravel(), shift, 0).reshape(a.shape)
    axis = _axis(axis, a.ndim)
    n = a.shape[axis]
    if n == 0:
        return a
    s = shift % n
    if s == 0:
        return a
    return concatenate(
        [a[_along(a.ndim, axis, slice(n - s, None))], a[_along(a.ndim, axis, slice(0, n - s))]],
        axis,
    )


def _tri_mask(shape: tuple[int, ...], k: int, lower: bool) -> Array:
    rows = arange(shape[-2])[:, None]
    cols = arange(shape[-1])[None, :]
    return (cols - rows <= k) if lower else (cols - rows >= k)


def tril(m: Any, k: int = 0) -> Array:
    """``numpy.tril``: zeros above the ``k``-th diagonal."""
    m = asarray(m)
    return where(_tri_mask(m.shape, k, True), m, 0).astype(m.dtype)


def triu(m: Any, k: int = 0) -> Array:
    """``numpy.triu``: zeros below the ``k``-th diagonal."""
    m = asarray(m)
    return where(_tri_mask(m.shape, k, False), m, 0).astype(m.dtype)


def diag(v: Any, k: int = 0) -> Array:
    """``numpy.diag``: the ``k``-th diagonal of a 2-d array, or a 2-d array
    with ``v`` on its ``k``-th diagonal.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.diag(fa.from_array(np.arange(9).reshape(3, 3), chunks=2), 1).compute()
    array([1, 5])
    """
    v = asarray(v)
    if v.ndim == 2:
        n, m = v.shape
        rows = arange(n)[:, None]
        cols = arange(m)[None, :]
        total = where(cols - rows == k, v, 0).astype(v.dtype).sum(axis=1, dtype=v.dtype)
        start, stop = max(0, -k), min(n, m - k)
        return total[start : max(start, stop)]
    if v.ndim == 1:
        size = v.shape[0] + abs(k)
        rows = arange(size)[:, None]
        cols = arange(size)[None, :]
        pad = full((abs(k),), 0, dtype=v.dtype)
        # The diagonal element in row r, column c is v[r] above it, v[c] below.
        padded = concatenate([v, pad])
        values = padded[:, None] if k >= 0 else padded[None, :]
        return where(cols - rows == k, values, 0).astype(v.dtype)
    raise ValueError("Input must be 1- or 2-d.")


def pad(array: Any, pad_width: Any, mode: str = "constant", constant_values: Any = 0) -> Array:
    """``numpy.pad`` in ``"constant"`` mode.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.pad(fa.from_array(np.arange(3), chunks=2), 1).compute()
    array([0, 0, 1, 2, 0])
    """
    if mode != "constant":
        raise NotImplementedError(f"pad(mode={mode!r}) is not supported yet; use 'constant'")
    out = asarray(array)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (out.ndim, 2))
    for axis, (before, after) in enumerate(widths):
        parts = []
        for width in (before, after):
            shape = list(out.shape)
            shape[axis] = int(width)
            parts.append(full(tuple(shape), constant_values, dtype=out.dtype))
        out = concatenate([parts[0], out, parts[1]], axis=axis)
    return out


def _block_format_index(index: list[int | None]) -> str:
    return "arrays" + "".join(f"[{i}]" for i in index if i is not None)


def _block_check_depths_match(
    arrays: Any, parent_index: list[int | None]
) -> tuple[list[int | None], int]:
    """NumPy's check of ``block``'s nesting: the index of a bottom element (ending
    in None under an empty list) and the largest element ndim."""
    if isinstance(arrays, tuple):
        raise TypeError(
            f"{_block_format_index(parent_index)} is a tuple. Only lists can be used to "
            "arrange blocks, and np.block does not allow implicit conversion from tuple "
            "to ndarray."
        )
    if isinstance(arrays, list) and arrays:
        first_index, max_ndim = None, 0
        for i, arr in enumerate(arrays):
            index, ndim = _block_check_depths_match(arr, [*parent_index, i])
            max_ndim = max(max_ndim, ndim)
            if first_index is None:
                first_index = index
            elif len(index) != len(first_index):
                raise ValueError(
                    f"List depths are mismatched. First element was at depth "
                    f"{len(first_index)}, but there is an element at depth {len(index)} "
                    f"({_block_format_index(index)})"
                )
            elif index[-1] is None:
                first_index = index
        assert first_index is not None
        return first_index, max_ndim
    if isinstance(arrays, list):
        return [*parent_index, None], 0
    return parent_index, arrays.ndim if isinstance(arrays, Array) else np.ndim(arrays)


def _block_assemble(arrays: Any, list_ndim: int, ndim: int, depth: int) -> Array:
    if depth < list_ndim:
        parts = [_block_assemble(a, list_ndim, ndim, depth + 1) for a in arrays]
        return concatenate(parts, axis=depth - list_ndim)
    x = asarray(arrays)
    return x[(None,) * (ndim - x.ndim)] if x.ndim < ndim else x


def block(arrays: Any) -> Array:
    """``numpy.block``, lazily: an array assembled from nested lists of blocks.

    The innermost lists are joined along the last axis, the lists holding them
    along the second-to-last, and so on; blocks with fewer axes than the
    result get leading length-1 axes.

    Parameters
    ----------
    arrays : nested list of array_like
        Lists only (NumPy rejects tuples), nested to the same depth everywhere.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> a = fa.from_array(np.eye(2, dtype=int), chunks=1)
    >>> fa.block([[a, np.zeros((2, 1), dtype=int)], [np.full((1, 3), 7)]]).compute()
    array([[1, 0, 0],
           [0, 1, 0],
           [7, 7, 7]])
    """
    bottom_index, arr_ndim = _block_check_depths_match(arrays, [])
    if bottom_index and bottom_index[-1] is None:
        raise ValueError(f"List at {_block_format_index(bottom_index)} cannot be empty")
    list_ndim = len(bottom_index)
    return _block_assemble(arrays, list_ndim, max(arr_ndim, list_ndim), 0)


__all__ = [
    "block", "diag", "expand_dims", "flip", "fliplr", "flipud", "pad", "roll", "squeeze", "tril",
    "triu",
]  # fmt: skip
