"""Array manipulation built from lazy primitives: flips, rolls, triangles,
diagonals, padding, squeezing, block assembly. Each function only composes indexing,
``concatenate``, ``where`` and creation functions, so the work still runs in
Rust, fused per block."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from ferrox.array import ufuncs as _ufuncs
from ferrox.array.core import Array
from ferrox.array.creation import arange, asarray, concatenate, full
from ferrox.array.ufuncs import where


def _axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def _along(ndim: int, axis: int, index: Any) -> tuple[Any, ...]:
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


def expand_dims(a: Any, axis: Any) -> Array:
    """``numpy.expand_dims``: length-1 axes inserted at the positions ``axis``
    (an int or a tuple) of the result.

    Examples
    --------
    >>> import ferrox.array as fa
    >>> fa.expand_dims(fa.ones((2, 3), chunks=2), (0, 2)).shape
    (1, 2, 1, 3)
    """
    a = asarray(a)
    if not isinstance(axis, tuple | list):
        axis = (axis,)
    axes = normalize_axis_tuple(axis, a.ndim + len(axis))
    return a[tuple(None if ax in axes else slice(None) for ax in range(a.ndim + len(axes)))]


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


def roll(a: Any, shift: Any, axis: Any = None) -> Array:
    """``numpy.roll``: elements shifted along ``axis`` (the flattened array if
    None), wrapping around; ``shift`` and ``axis`` may be tuples, broadcast
    against each other as in NumPy.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.roll(fa.from_array(np.arange(5), chunks=2), 2).compute()
    array([3, 4, 0, 1, 2])
    """
    a = asarray(a)
    if axis is None:
        return roll(a.ravel(), shift, 0).reshape(a.shape)
    axes = normalize_axis_tuple(axis, a.ndim, allow_duplicate=True)
    shifts = dict.fromkeys(range(a.ndim), 0)
    for sh, ax in np.broadcast(shift, axes):
        shifts[int(ax)] += int(sh)
    for ax, sh in shifts.items():
        n = a.shape[ax]
        s = sh % n if n else 0
        if s:
            a = concatenate(
                [a[_along(a.ndim, ax, slice(n - s, None))], a[_along(a.ndim, ax, slice(0, n - s))]],
                ax,
            )
    return a


def _tri_mask(shape: tuple[int, ...], k: int, lower: bool) -> Array:
    # NumPy's `tri(*m.shape[-2:])`: a 1-d `m` gets a square mask.
    n, m = shape[-2:] if len(shape) > 1 else (shape[0], shape[0])
    rows = arange(n)[:, None]
    cols = arange(m)[None, :]
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


_PAD_KWARGS = {
    "constant": ["constant_values"],
    "edge": [],
    "linear_ramp": ["end_values"],
    "maximum": ["stat_length"],
    "mean": ["stat_length"],
    "median": ["stat_length"],
    "minimum": ["stat_length"],
    "reflect": ["reflect_type"],
    "symmetric": ["reflect_type"],
    "wrap": [],
    "empty": [],
}


def _as_pairs(x: Any, ndim: int, as_index: bool = False) -> Any:
    """NumPy's ``pad`` argument broadcast to ``ndim`` (before, after) pairs,
    with NumPy's checks and messages."""
    if x is None:
        return ((None, None),) * ndim
    x = np.array(x)
    if as_index:
        x = np.round(x).astype(np.intp, copy=False)
    if x.ndim < 3:
        if x.size == 1:
            x = x.ravel()
            if as_index and x[0] < 0:
                raise ValueError("index can't contain negative values")
            return ((x[0], x[0]),) * ndim
        if x.size == 2 and x.shape != (2, 1):
            x = x.ravel()
            if as_index and (x[0] < 0 or x[1] < 0):
                raise ValueError("index can't contain negative values")
            return ((x[0], x[1]),) * ndim
    if as_index and x.min() < 0:
        raise ValueError("index can't contain negative values")
    return np.broadcast_to(x, (ndim, 2)).tolist()


def _pad_widths(ndim: int, pad_width: Any) -> list[tuple[int, int]]:
    if isinstance(pad_width, dict):
        seq: list[Any] = [(0, 0)] * ndim
        for axis, width in pad_width.items():
            seq[axis] = (width, width) if isinstance(width, int) else tuple(width)
        pad_width = seq
    widths = np.asarray(pad_width)
    if widths.dtype.kind != "i":
        raise TypeError("`pad_width` must be of integral type.")
    return [(int(b), int(a)) for b, a in _as_pairs(widths, ndim, as_index=True)]


def _take(x: Array, axis: int, index: Any) -> Array:
    return x[_along(x.ndim, axis, np.asarray(index, dtype=np.int64))]


def _round_if_needed(x: Array, dtype: np.dtype) -> Array:
    """A statistic or ramp in the array's dtype, rounded as NumPy's ``pad`` does."""
    if dtype.kind in "iu" and x.dtype.kind in "fc":
        x = _ufuncs.rint(x)
    return x.astype(dtype)


def _linear_ramp(x: Array, axis: int, width: int, end: Any, edge: Array) -> Array:
    """``numpy.linspace(end, edge, width, endpoint=False)`` along ``axis``
    (the formula NumPy picks when some step is zero included), cast like NumPy."""
    calc = np.result_type(np.asarray(end), x.dtype, float(width))
    start = np.asarray(end).astype(calc).item()
    delta = edge.astype(calc) - start
    step = delta / width
    i = arange(width, dtype="float64")[
        (None,) * axis + (slice(None),) + (None,) * (x.ndim - axis - 1)
    ]
    ramp = where((step == 0).any(), i / width * delta, i * step) + start
    if x.dtype.kind in "iu":
        ramp = _ufuncs.floor(ramp)
    return ramp.astype(x.dtype)


def _stat(x: Array, axis: int, mode: str, region: slice) -> Array:
    part = x[_along(x.ndim, axis, region)]
    if mode == "median":
        from ferrox.array.blockwise import map_blocks

        part = part.rechunk({axis: -1})
        chunks = tuple((1,) if ax == axis else c for ax, c in enumerate(part.chunks))
        dtype = np.result_type(part.dtype, 1.0)
        out = map_blocks(np.median, part, axis=axis, keepdims=True, chunks=chunks, dtype=dtype)
    else:
        op = {"maximum": "max", "minimum": "min", "mean": "mean"}[mode]
        out = getattr(part, op)(axis=axis, keepdims=True)
    return _round_if_needed(out, x.dtype)


def _reflect_odd(x: Array, axis: int, pair: tuple[int, int], include_edge: bool) -> Array:
    """NumPy's ``reflect_type="odd"`` padding of one axis: ``2 * edge - mirror
    image`` (cast back, as NumPy's assignment does), repeated about the new
    edge while the margin is wider than the array."""
    left, right = pair
    period = x.shape[axis]
    if period == 1 and (left or right):
        return _take(x, axis, [0] * (left + 1 + right))  # NumPy's legacy edge padding

    def odd(cur: Array, edge: slice, mirror: slice) -> Array:
        values = 2 * cur[_along(cur.ndim, axis, edge)] - cur[_along(cur.ndim, axis, mirror)]
        return values.astype(x.dtype)

    cur = x
    while left > 0 or right > 0:
        n = cur.shape[axis]
        if include_edge:
            length, offset = n // period * period, 1
        else:
            length, offset = (n - 1) // (period - 1) * (period - 1), 0
        if left > 0:
            k = min(length, left)
            mirror = slice(k - 1, None, -1) if offset else slice(k, 0, -1)
            cur = concatenate([odd(cur, slice(0, 1), mirror), cur], axis=axis)
            left -= k
        if right > 0:
            m = cur.shape[axis]
            k = min(length, right)
            first = m - 2 + offset
            mirror = slice(first, first - k if first - k >= 0 else None, -1)
            cur = concatenate([cur, odd(cur, slice(m - 1, m), mirror)], axis=axis)
            right -= k
    return cur


def pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Array:
    """``numpy.pad``, lazily, in every mode but a callable one.

    Each axis in turn gets its margins: constants, copies of the edge
    (``"edge"``), of the other end (``"wrap"``), mirror images
    (``"reflect"``, ``"symmetric"``, with NumPy's ``reflect_type``),
    statistics of the values near the edge (``"maximum"``,
    ``"minimum"``, ``"mean"``, ``"median"``, over ``stat_length``) or a
    linear ramp to ``end_values``. ``"empty"`` pads with zeros.

    Parameters
    ----------
    array : array_like
    pad_width : int, sequence or dict
        ``(before, after)`` widths per axis, broadcast as NumPy does.
    mode : str
        One of NumPy's mode names.
    **kwargs
        ``constant_values``, ``end_values``, ``stat_length`` or
        ``reflect_type``, as NumPy's ``pad`` takes them for ``mode``.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.pad(fa.from_array(np.arange(3), chunks=2), 1).compute()
    array([0, 0, 1, 2, 0])
    >>> fa.pad(fa.from_array(np.arange(4), chunks=2), (2, 3), mode="reflect").compute()
    array([2, 1, 0, 1, 2, 3, 2, 1, 0])
    """
    out = asarray(array)
    widths = _pad_widths(out.ndim, pad_width)
    if callable(mode):
        raise NotImplementedError("pad with a callable `mode` is not supported")
    try:
        unsupported = set(kwargs) - set(_PAD_KWARGS[mode])
    except KeyError:
        raise ValueError(f"mode '{mode}' is not supported") from None
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported}")
    if mode not in {"constant", "empty"} and out.size == 0:
        for axis, pair in enumerate(widths):
            if out.shape[axis] == 0 and any(pair):
                raise ValueError(
                    f"can't extend empty axis {axis} using modes other than 'constant' or 'empty'"
                )
        mode = "constant"
    if mode in {"constant", "empty"}:
        values = _as_pairs(kwargs.get("constant_values", 0), out.ndim)
        for axis, (pair, value_pair) in enumerate(zip(widths, values, strict=True)):
            parts = []
            for width, value in zip(pair, value_pair, strict=True):
                shape = list(out.shape)
                shape[axis] = width
                cell = np.zeros((), out.dtype)
                cell[()] = value  # NumPy's assignment: its casts and its OverflowError
                parts.append(full(tuple(shape), cell.item(), dtype=out.dtype))
            out = concatenate([parts[0], out, parts[1]], axis=axis)
        return out
    if mode in {"maximum", "minimum", "mean", "median"}:
        lengths = _as_pairs(kwargs.get("stat_length"), out.ndim, as_index=True)
        for axis, ((before, after), (left, right)) in enumerate(zip(widths, lengths, strict=True)):
            n = out.shape[axis]
            left = n if left is None or left > n else int(left)
            right = n if right is None or right > n else int(right)
            if (left == 0 or right == 0) and mode in {"maximum", "minimum"}:
                raise ValueError("stat_length of 0 yields no value for padding")
            first = _take(_stat(out, axis, mode, slice(0, left)), axis, [0] * before)
            last = _take(_stat(out, axis, mode, slice(n - right, n)), axis, [0] * after)
            out = concatenate([first, out, last], axis=axis)
        return out
    if mode == "linear_ramp":
        ends = _as_pairs(kwargs.get("end_values", 0), out.ndim)
        for axis, ((before, after), (first, last)) in enumerate(zip(widths, ends, strict=True)):
            n = out.shape[axis]
            edges = [out[_along(out.ndim, axis, s)] for s in (slice(0, 1), slice(n - 1, n))]
            left = _linear_ramp(out, axis, before, first, edges[0])
            right = _linear_ramp(out, axis, after, last, edges[1])
            right = right[_along(out.ndim, axis, slice(None, None, -1))]
            out = concatenate([left, out, right], axis=axis)
        return out
    if mode in {"reflect", "symmetric"} and kwargs.get("reflect_type", "even") == "odd":
        for axis, pair in enumerate(widths):
            out = _reflect_odd(out, axis, pair, mode == "symmetric")
        return out
    # edge, wrap, reflect, symmetric only copy values: NumPy's own pad of the
    # positions along each axis is the index to take.
    for axis, pair in enumerate(widths):
        if any(pair):
            positions = np.pad(np.arange(out.shape[axis]), pair, mode=mode)
            out = _take(out, axis, positions)
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
