"""Creating arrays: from NumPy data, constants and ranges."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from ferrox import _core
from ferrox.array.core import SUPPORTED_DTYPES, Array, dtype_name


def _shape(shape: Any) -> list[int]:
    if isinstance(shape, int | np.integer):
        shape = (int(shape),)
    shape = [int(n) for n in shape]
    if any(n < 0 for n in shape):
        raise ValueError("negative dimensions are not allowed")
    return shape


def _holding_dtype(dtype: Any) -> np.dtype:
    """The dtype ferrox holds data of ``dtype`` in: other integer widths as
    int64, other floats as float64, complex64 as complex128; anything else
    raises ``TypeError``."""
    dtype = np.dtype(dtype)
    if dtype.name in SUPPORTED_DTYPES:
        return dtype
    if dtype.kind in "iu":
        return np.dtype(np.int64)
    if dtype.kind == "f":
        return np.dtype(np.float64)
    if dtype.kind == "c":
        return np.dtype(np.complex128)
    return np.dtype(dtype_name(dtype))


def _read_block(source: Any, index: tuple[slice, ...], dtype: np.dtype) -> np.ndarray:
    return np.asarray(source[index], dtype=dtype)


def block_slices(chunks: Any) -> list[tuple[slice, ...]]:
    """The element slices of every block of ``chunks``, in C order of the grid."""
    starts = [np.concatenate([[0], np.cumsum(c, dtype=np.int64)]) for c in chunks]
    return [
        tuple(slice(int(starts[ax][i]), int(starts[ax][i + 1])) for ax, i in enumerate(idx))
        for idx in np.ndindex(*(len(c) for c in chunks))
    ]


def from_calls(name: str, calls: list[tuple[Any, tuple, dict]], chunks: Any, dtype: Any) -> Array:
    """An array whose blocks (C order of ``chunks``' grid) are ``func(*args, **kwargs)``
    of ``calls``: one Python task per block, no other task. Blocks of other
    arrays (``x._core.block_refs()``) and delayed values in the arguments
    become the tasks' dependencies."""
    core = _core.ArrayCore.from_calls(name, calls, [list(c) for c in chunks], dtype_name(dtype))
    return Array(core)


def _from_array_like(x: Any, chunks: Any, name: Any) -> Array:
    """A lazy array reading blocks of an array-like (h5py, zarr, …) by slicing."""
    from ferrox import base

    dtype = _holding_dtype(x.dtype)
    shape = [int(n) for n in x.shape]
    normalized = _core.ArrayCore.normalize_chunks(chunks, shape, dtype.name)
    if name is None or name is True:
        name = f"array-{base.tokenize(id(x), shape, str(x.dtype), normalized)}"
    calls = [(_read_block, (x, index, dtype), {}) for index in block_slices(normalized)]
    return from_calls(name, calls, normalized, dtype)


def from_array(x: Any, chunks: Any = "auto", name: Any = None, **kwargs: Any) -> Array:
    """An array from NumPy data (or anything ``numpy.asarray`` accepts), cut into ``chunks``.

    Parameters
    ----------
    x : array_like
        The data. A NumPy array (or a list, …) is copied once into ferrox's
        memory; an array-like with ``shape``, ``dtype`` and slicing (h5py,
        zarr) stays where it is and each block task reads its own slice.
    chunks : int, tuple, dict or "auto"
        Block lengths, as in Dask: one int for every axis, one entry per axis
        (an int, -1 or None for the whole axis, or a tuple of lengths), or
        ``"auto"`` for blocks of about 128 MiB.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.from_array(np.ones((4, 6)), chunks=(2, 3)).chunks
    ((2, 2), (3, 3))
    """
    if isinstance(x, Array):
        return x if chunks == "auto" else x.rechunk(chunks)
    lazy = not isinstance(x, np.ndarray) and all(
        hasattr(x, attr) for attr in ("shape", "dtype", "__getitem__")
    )
    if lazy and not np.isscalar(x):
        return _from_array_like(x, chunks, name)
    arr = np.asarray(x)
    if arr.dtype.name not in SUPPORTED_DTYPES:
        if arr.dtype.kind in "iu":
            arr = arr.astype(np.int64)
        elif arr.dtype.kind == "f":
            arr = arr.astype(np.float64)
        elif arr.dtype.kind == "c":
            arr = arr.astype(np.complex128)
        else:
            dtype_name(arr.dtype)
    return Array(_core.ArrayCore.from_numpy(arr, chunks))


def asarray(a: Any, dtype: Any = None, **kwargs: Any) -> Array:
    """``a`` as a ferrox array (unchanged if it already is one)."""
    arr = a if isinstance(a, Array) else from_array(a, chunks=kwargs.get("chunks", "auto"))
    return arr if dtype is None else arr.astype(dtype)


array = asarray


def full(shape: Any, fill_value: Any, dtype: Any = None, chunks: Any = "auto", **kw: Any) -> Array:
    """An array of ``shape`` filled with ``fill_value``.

    Examples
    --------
    >>> import ferrox.array as fa
    >>> fa.full((2, 3), 7, chunks=2).compute()
    array([[7, 7, 7],
           [7, 7, 7]])
    """
    if dtype is None:
        dtype = np.asarray(fill_value).dtype
    name = dtype_name(dtype)
    value = np.asarray(fill_value).astype(name).item()
    return Array(_core.ArrayCore.full(value, name, _shape(shape), chunks))


def zeros(shape: Any, dtype: Any = float, chunks: Any = "auto", **kw: Any) -> Array:
    """An array of zeros."""
    return full(shape, 0, dtype=dtype, chunks=chunks)


def ones(shape: Any, dtype: Any = float, chunks: Any = "auto", **kw: Any) -> Array:
    """An array of ones."""
    return full(shape, 1, dtype=dtype, chunks=chunks)


def empty(shape: Any, dtype: Any = float, chunks: Any = "auto", **kw: Any) -> Array:
    """An array with unspecified values (zeros, in ferrox)."""
    return zeros(shape, dtype=dtype, chunks=chunks)


def _like(a: Any, dtype: Any, chunks: Any) -> tuple[Any, Any, Any]:
    if not isinstance(a, Array):
        a = np.asarray(a)
    shape = a.shape
    dtype = dtype if dtype is not None else a.dtype
    if chunks is None:
        chunks = a.chunks if isinstance(a, Array) else "auto"
    return shape, dtype, chunks


def full_like(a: Any, fill_value: Any, dtype: Any = None, chunks: Any = None, **kw: Any) -> Array:
    """An array shaped like ``a`` filled with ``fill_value``."""
    shape, dtype, chunks = _like(a, dtype, chunks)
    return full(shape, fill_value, dtype=dtype, chunks=chunks)


def zeros_like(a: Any, dtype: Any = None, chunks: Any = None, **kw: Any) -> Array:
    """Zeros shaped like ``a``."""
    return full_like(a, 0, dtype=dtype, chunks=chunks)


def ones_like(a: Any, dtype: Any = None, chunks: Any = None, **kw: Any) -> Array:
    """Ones shaped like ``a``."""
    return full_like(a, 1, dtype=dtype, chunks=chunks)


def empty_like(a: Any, dtype: Any = None, chunks: Any = None, **kw: Any) -> Array:
    """An array shaped like ``a`` (zeros, in ferrox)."""
    return zeros_like(a, dtype=dtype, chunks=chunks)


def arange(*args: Any, chunks: Any = "auto", dtype: Any = None, **kwargs: Any) -> Array:
    """``numpy.arange([start,] stop[, step])``, lazily.

    Examples
    --------
    >>> import ferrox.array as fa
    >>> fa.arange(10, chunks=4).compute()
    array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    >>> fa.arange(1, 2, 0.25, chunks=2).compute()
    array([1.  , 1.25, 1.5 , 1.75])
    """
    if len(args) == 1:
        start, stop, step = 0, args[0], 1
    elif len(args) == 2:
        start, stop, step = args[0], args[1], 1
    elif len(args) == 3:
        start, stop, step = args
    else:
        raise TypeError(f"arange() takes 1 to 3 positional arguments, got {len(args)}")
    if step == 0:
        raise ValueError("Maximum allowed size exceeded")
    if dtype is None:
        dtype = np.arange(start, start + step, step).dtype
    n = max(0, math.ceil((stop - start) / step))
    return Array(_core.ArrayCore.arange(float(start), float(step), n, dtype_name(dtype), chunks))


def linspace(
    start: float,
    stop: float,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    chunks: Any = "auto",
    **kwargs: Any,
) -> Any:
    """``numpy.linspace``, lazily (the same values as NumPy).

    Examples
    --------
    >>> import ferrox.array as fa
    >>> fa.linspace(0, 1, 5, chunks=2).compute()
    array([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    if np.iscomplexobj(start) or np.iscomplexobj(stop) or np.dtype(dtype or float).kind == "c":
        # NumPy's complex steps scale each part by the same real counts:
        # the parts are real linspaces of their own.
        start, stop = complex(start), complex(stop)
        parts = [
            linspace(a, b, num, endpoint=endpoint, chunks=chunks)
            for a, b in ((start.real, stop.real), (start.imag, stop.imag))
        ]
        out = parts[0] + parts[1] * 1j
        if dtype is not None:
            out = out.astype(dtype)
    else:
        name = dtype_name(dtype if dtype is not None else np.float64)
        out = Array(
            _core.ArrayCore.linspace(float(start), float(stop), int(num), endpoint, name, chunks)
        )
    if retstep:
        div = (num - 1) if endpoint else num
        return out, (stop - start) / div if div > 0 else np.nan
    return out


def eye(
    N: int, chunks: Any = "auto", M: int | None = None, k: int = 0, dtype: Any = float
) -> Array:  # noqa: N803
    """``numpy.eye``, lazily: ones on the ``k``-th diagonal.

    Examples
    --------
    >>> import ferrox.array as fa
    >>> fa.eye(3, chunks=2, k=1, dtype=int).compute()
    array([[0, 1, 0],
           [0, 0, 1],
           [0, 0, 0]])
    """
    m = N if M is None else M
    if N < 0 or m < 0:
        raise ValueError("negative dimensions are not allowed")
    return Array(_core.ArrayCore.eye(int(N), int(m), int(k), dtype_name(dtype), chunks))


def from_delayed(value: Any, shape: Any, dtype: Any = None, **kwargs: Any) -> Array:
    """A one-block array from a Delayed value that computes to an array.

    Examples
    --------
    >>> import numpy as np, ferrox, ferrox.array as fa
    >>> d = ferrox.delayed(np.arange)(4)
    >>> (fa.from_delayed(d, shape=(4,), dtype=int) + 1).compute()
    array([1, 2, 3, 4])
    """
    if dtype is None:
        raise ValueError("from_delayed needs the result's `dtype`")
    return Array(
        _core.ArrayCore.from_task(value.__ferrox_task__(), _shape(shape), dtype_name(dtype))
    )


def concatenate(seq: Any, axis: int | None = 0) -> Array:
    """``numpy.concatenate``, lazily: the arrays joined along ``axis``.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> a = fa.from_array(np.arange(4), chunks=2)
    >>> fa.concatenate([a, a + 10]).compute()
    array([ 0,  1,  2,  3, 10, 11, 12, 13])
    """
    arrays = [asarray(a) for a in seq]
    if axis is None:
        arrays = [a.ravel() for a in arrays]
        axis = 0
    return Array(_core.ArrayCore.concatenate([a._core for a in arrays], axis))


def stack(seq: Any, axis: int = 0) -> Array:
    """``numpy.stack``, lazily: the arrays joined along a new axis.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.stack([fa.ones(2, chunks=1), fa.zeros(2, chunks=1)]).compute()
    array([[1., 1.],
           [0., 0.]])
    """
    arrays = [asarray(a) for a in seq]
    if not arrays:
        raise ValueError("need at least one array to stack")
    if any(a.shape != arrays[0].shape for a in arrays):
        raise ValueError("all input arrays must have the same shape")
    ndim = arrays[0].ndim + 1
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    axis = axis % ndim
    expanded = [a[(slice(None),) * axis + (None,)] for a in arrays]
    return concatenate(expanded, axis=axis)


def reshape(a: Any, shape: Any, order: str = "C") -> Array:
    """``numpy.reshape`` in C order, lazily."""
    return asarray(a).reshape(shape, order=order)


def ravel(a: Any) -> Array:
    """``numpy.ravel``, lazily."""
    return asarray(a).ravel()


def transpose(a: Any, axes: Any = None) -> Array:
    """``numpy.transpose``, lazily: the axes permuted (reversed by default).

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.transpose(fa.ones((2, 3, 4), chunks=2), (1, 0, 2)).shape
    (3, 2, 4)
    """
    return asarray(a).transpose(axes)


def swapaxes(a: Any, axis1: int, axis2: int) -> Array:
    """``numpy.swapaxes``, lazily.

    Examples
    --------
    >>> import ferrox.array as fa
    >>> fa.swapaxes(fa.ones((2, 3, 4), chunks=2), 0, 2).shape
    (4, 3, 2)
    """
    a = asarray(a)
    axis1 = normalize_axis_index(axis1, a.ndim, "axis1")
    axis2 = normalize_axis_index(axis2, a.ndim, "axis2")
    axes = list(range(a.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return a.transpose(axes)


def moveaxis(a: Any, source: Any, destination: Any) -> Array:
    """``numpy.moveaxis``, lazily: axes ``source`` (an int or a sequence) moved
    to the positions ``destination``, the others keeping their order.

    Examples
    --------
    >>> import ferrox.array as fa
    >>> fa.moveaxis(fa.ones((2, 3, 4), chunks=2), (0, 1), (2, 0)).shape
    (3, 4, 2)
    """
    a = asarray(a)
    source = normalize_axis_tuple(source, a.ndim, "source")
    destination = normalize_axis_tuple(destination, a.ndim, "destination")
    if len(source) != len(destination):
        raise ValueError(
            "`source` and `destination` arguments must have the same number of elements"
        )
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source, strict=True)):
        order.insert(dest, src)
    return a.transpose(order)


__all__ = [
    "arange", "array", "asarray", "empty", "empty_like", "from_array", "full", "full_like",
    "concatenate", "eye", "from_delayed", "linspace", "moveaxis", "ones", "ones_like", "stack",
    "ravel", "reshape", "swapaxes", "transpose", "zeros", "zeros_like",
]  # fmt: skip
