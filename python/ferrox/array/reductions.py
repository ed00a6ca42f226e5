"""Reductions: ``fa.sum``, ``fa.mean``, … as chunk → combine → aggregate trees.

The kernels and the tree are in ``src/array/reductions.rs`` and
``src/array/lower.rs``; ``split_every`` bounds the fan-in of the tree.
Dask's generic ``reduction`` (Python ``chunk`` / ``combine`` /
``aggregate`` callables, one Python task per step) is at the end.
"""

from __future__ import annotations

import builtins
import functools
import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from ferrox import _core, base, config
from ferrox._utils import funcname
from ferrox.array.blockwise import (
    _argnames,
    _broadcast_dimensions,
    _common_blockdim,
    _concatenate2,
    _flat_index,
    _lol,
)
from ferrox.array.core import Array, dtype_name
from ferrox.array.creation import asarray


def _reduction(op: str, takes_dtype: bool = True, takes_ddof: bool = False) -> Any:
    def reduce(
        a: Any, axis: Any = None, *args: Any, keepdims: bool = False, **kwargs: Any
    ) -> Array:
        if args:
            if takes_dtype and "dtype" not in kwargs:
                kwargs["dtype"], args = args[0], args[1:]
            if args:
                raise TypeError(f"{op}() takes at most 3 positional arguments")
        if not takes_ddof and "ddof" in kwargs:
            raise TypeError(f"{op}() got an unexpected keyword argument 'ddof'")
        return asarray(a)._reduce(op, axis, keepdims, **kwargs)

    reduce.__name__ = op
    reduce.__doc__ = f"""``numpy.{op}`` over ``axis`` (None, an int or a tuple), lazily.

    Parameters
    ----------
    a : array_like
    axis : None, int or tuple of ints
    keepdims : bool
    split_every : int, optional
        Fan-in of the combine tree (default 16).
    """
    return reduce


sum = _reduction("sum")  # noqa: A001 - NumPy's name
prod = _reduction("prod")
mean = _reduction("mean")
var = _reduction("var", takes_ddof=True)
std = _reduction("std", takes_ddof=True)
min = _reduction("min", takes_dtype=False)  # noqa: A001
max = _reduction("max", takes_dtype=False)  # noqa: A001
any = _reduction("any", takes_dtype=False)  # noqa: A001
all = _reduction("all", takes_dtype=False)  # noqa: A001
argmin = _reduction("argmin", takes_dtype=False)
argmax = _reduction("argmax", takes_dtype=False)
nansum = _reduction("nansum")
nanprod = _reduction("nanprod")
nanmean = _reduction("nanmean")
nanvar = _reduction("nanvar", takes_ddof=True)
nanstd = _reduction("nanstd", takes_ddof=True)
nanmin = _reduction("nanmin", takes_dtype=False)
nanmax = _reduction("nanmax", takes_dtype=False)


def cumsum(a: Any, axis: Any = None, dtype: Any = None, **kwargs: Any) -> Array:
    """``numpy.cumsum`` along ``axis``: blocks are scanned on their own and a
    chain of carries adds the totals of the blocks before them.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.cumsum(fa.from_array(np.arange(6), chunks=4)).compute()
    array([ 0,  1,  3,  6, 10, 15])
    """
    return asarray(a).cumsum(axis=axis, dtype=dtype)


def cumprod(a: Any, axis: Any = None, dtype: Any = None, **kwargs: Any) -> Array:
    """``numpy.cumprod`` along ``axis``."""
    return asarray(a).cumprod(axis=axis, dtype=dtype)


amin = min
amax = max

# -- the generic reduction: Python callables per step -----------------------------------


class _ChunkStep:
    """The ``chunk`` call of a reduction on one block (and its weights)."""

    __slots__ = ("axis", "func")

    def __init__(self, func: Callable[..., Any], axis: tuple[int, ...]) -> None:
        self.func, self.axis = func, axis

    def __call__(self, block: Any, weights: Any = None) -> Any:
        if weights is None:
            return self.func(block, axis=self.axis, keepdims=True)
        weights = np.broadcast_to(weights, np.shape(block))
        return self.func(block, weights, axis=self.axis, keepdims=True)


class _TreeStep:
    """A ``combine`` or ``aggregate`` call on the partial results of a group."""

    __slots__ = ("axis", "concat_axes", "func", "keepdims")

    def __init__(
        self,
        func: Callable[..., Any],
        axis: tuple[int, ...],
        keepdims: bool,
        concat_axes: list[int] | None,
    ) -> None:
        self.func, self.axis, self.keepdims, self.concat_axes = func, axis, keepdims, concat_axes

    def __call__(self, parts: Any) -> Any:
        if self.concat_axes is not None:
            parts = _concatenate2(parts, self.concat_axes)
        return self.func(parts, axis=self.axis, keepdims=self.keepdims)


def _partial_reduce(
    grid: np.ndarray,
    split_every: dict[int, int],
    keepdims: bool,
) -> tuple[list[tuple[int, ...]], list[Any]]:
    """Group the partial results ``grid`` (an object array) ``split_every`` at a
    time along the reduced axes: output block keys and nested argument lists."""
    parts = []
    for i, n in enumerate(grid.shape):
        step = split_every.get(i, 1)
        parts.append([tuple(range(k, builtins.min(k + step, n))) for k in range(0, n, step)])
    keys = []
    groups = []
    for k, p in zip(
        itertools.product(*(range(len(pp)) for pp in parts)), itertools.product(*parts), strict=True
    ):
        coords: list[Any] = [list(j) if i in split_every else j[0] for i, j in enumerate(p)]
        groups.append(_lol(lambda idx: grid[idx], coords))
        keys.append(k if keepdims else tuple(c for i, c in enumerate(k) if i not in split_every))
    return keys, groups


def reduction(
    x: Any,
    chunk: Callable[..., Any],
    aggregate: Callable[..., Any],
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
    dtype: Any = None,
    split_every: int | dict[int, int] | None = None,
    combine: Callable[..., Any] | None = None,
    name: str | None = None,
    out: Any = None,
    concatenate: bool = True,
    output_size: int = 1,
    meta: Any = None,
    weights: Any = None,
) -> Array:
    """A tree reduction from user functions: Dask's ``reduction``.

    ``chunk(block, axis=axis, keepdims=True)`` runs on every block; groups of
    at most ``split_every`` partial results along the reduced axes go through
    ``combine`` (concatenated along those axes first, if ``concatenate``)
    until one remains, which ``aggregate`` turns into the result. The partial
    results may be any Python objects (dicts of arrays, structured arrays…).

    Parameters
    ----------
    x : array_like
    chunk : callable
        ``chunk(x_chunk, [weights_chunk], axis, keepdims)``; gets ``dtype=`` if
        it takes that argument.
    aggregate : callable
        ``aggregate(x_chunk, axis, keepdims)``; gets ``dtype=`` if it takes it.
    axis : None, int or tuple of ints
        Reduced axes (all by default).
    keepdims : bool
        Keep the reduced axes, of length ``output_size``.
    dtype : dtype
        Of the result (required).
    meta : array, optional
        Accepted for Dask compatibility (the result is a NumPy array).
    split_every : int or dict, optional
        Fan-in of the combine tree, per axis with a dict (default: the
        ``split_every`` setting of :mod:`ferrox.config`, else 4, as Dask's).
    combine : callable, optional
        For the intermediate levels (default: ``aggregate``).
    name : str, optional
        Prefix of the task names.
    concatenate : bool
        Concatenate partial results before ``combine``/``aggregate`` (else they
        get nested lists).
    output_size : int
        Length of the reduced axes of the result when ``keepdims``.
    weights : array_like, optional
        Broadcast to ``x``; ``chunk`` gets its blocks after ``x``'s.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(12.0).reshape(3, 4), chunks=2)
    >>> fa.reduction(x, np.sum, np.sum, axis=0, dtype=x.dtype).compute()
    array([12., 15., 18., 21.])
    """
    from ferrox.array.creation import asarray

    if out is not None:
        raise ValueError("`out` is not supported: ferrox arrays are immutable")
    x = asarray(x)
    if axis is None:
        axis = tuple(range(x.ndim))
    if isinstance(axis, numbers.Integral):
        axis = (int(axis),)
    axis = tuple(normalize_axis_tuple(tuple(axis), x.ndim))
    if dtype is None:
        raise ValueError("Must specify dtype")
    dtype = np.dtype(dtype)
    dtype_name(dtype)
    if "dtype" in _argnames(chunk):
        chunk = functools.partial(chunk, dtype=dtype)
    if "dtype" in _argnames(aggregate):
        aggregate = functools.partial(aggregate, dtype=dtype)
    wtasks = None
    if weights is not None:
        w = asarray(weights)
        try:
            if np.broadcast_shapes(w.shape, x.shape) != x.shape:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"Weights with shape {w.shape} are not broadcastable to x with shape {x.shape}"
            ) from None
        # dask broadcasts the weights to x (one chunk along broadcast axes) and
        # unifies their chunks with x's
        off = x.ndim - w.ndim
        broadcast = [(n,) for n in x.shape[:off]] + [
            c if n > 1 else (m,) for c, n, m in zip(w.chunks, w.shape, x.shape[off:], strict=True)
        ]
        inds = tuple(range(x.ndim))
        common = _broadcast_dimensions(
            [(inds, x.chunks), (inds, broadcast)], consolidate=_common_blockdim
        )
        xchunks = tuple(common[i] if x.shape[i] > 1 else (x.shape[i],) for i in inds)
        if xchunks != x.chunks:
            x = x.rechunk(xchunks)
        wchunks = tuple(common[off + k] if n > 1 else (n,) for k, n in enumerate(w.shape))
        if wchunks != w.chunks:
            w = w.rechunk(wchunks)
        wtasks = w._core.block_tasks()
    # Split every and the tree depth, as Dask
    split_every = split_every or config.get("split_every", 4)
    if isinstance(split_every, dict):
        split = {k: split_every.get(k, 2) for k in axis}
    elif isinstance(split_every, numbers.Integral):
        n = builtins.max(int(split_every ** (1 / (len(axis) or 1))), 2)
        split = dict.fromkeys(axis, n)
    else:
        raise ValueError("split_every must be a int or a dict")
    tok = base.tokenize(
        chunk,
        aggregate,
        combine,
        x.name,
        axis,
        keepdims,
        dtype.name,
        split,
        concatenate,
        output_size,
        None if weights is None else w.name,
        pure=True,
    )
    prefix = name or funcname(chunk)
    step = _ChunkStep(chunk, axis)
    grid = np.empty(x.numblocks, dtype=object)
    for idx, task in zip(np.ndindex(*x.numblocks), x._core.block_tasks(), strict=True):
        args: tuple[Any, ...] = (task,)
        if wtasks is not None:
            widx = tuple(0 if n == 1 else idx[off + k] for k, n in enumerate(w.numblocks))
            args = (task, wtasks[_flat_index(widx, w.numblocks)])
        grid[idx] = _core.TaskCore.call((f"{prefix}-{tok}", *idx), step, args)
    depth = 1
    for i, n in enumerate(x.numblocks):
        if i in split and split[i] != 1:
            depth = int(builtins.max(depth, math.ceil(math.log(n, split[i]))))
    concat_axes = sorted(axis) if concatenate else None
    combine_step = _TreeStep(combine or aggregate, axis, True, concat_axes)
    partial_name = f"{name or funcname(combine or aggregate)}-partial-{tok}"
    for level in range(depth - 1):
        keys, groups = _partial_reduce(grid, split, True)
        shape = tuple(builtins.max(k[i] for k in keys) + 1 for i in range(grid.ndim))
        nxt = np.empty(shape, dtype=object)
        for k, g in zip(keys, groups, strict=True):
            nxt[k] = _core.TaskCore.call((partial_name, level, *k), combine_step, (g,))
        grid = nxt
    agg_step = _TreeStep(aggregate, axis, keepdims, concat_axes)
    keys, groups = _partial_reduce(grid, split, keepdims)
    size = output_size if keepdims else None
    chunks = [
        (size,) if i in axis else x.chunks[i] for i in range(x.ndim) if keepdims or i not in axis
    ]
    calls = [(agg_step, (g,), {}) for g in groups]
    return Array(
        _core.ArrayCore.from_calls(
            f"{name or funcname(aggregate)}-aggregate-{tok}",
            calls,
            [list(c) for c in chunks],
            dtype_name(dtype),
        )
    )


__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "cumprod", "cumsum", "max", "mean", "min",
    "nanmax", "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar", "prod", "std", "sum",
    "var", "reduction",
]  # fmt: skip
