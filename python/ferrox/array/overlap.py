"""``map_overlap``, ``overlap`` and ``trim_internal``, as in Dask: each output
block is one Python task reading its neighbours' blocks (``BlockRef``\\ s),
which assembles the block with its margins (or the boundary's), calls the
function and trims the result (the mechanics are in ``blockwise.py``).
"""

from __future__ import annotations

import builtins
import itertools
import numbers
import operator
from collections.abc import Callable
from typing import Any

from ferrox import _core, base
from ferrox.array.blockwise import (
    _Blocks,
    _map_blocks,
    _Overlapped,
    _pads,
    _trim_index,
    _trimmed_chunks,
    unify_chunks,
)
from ferrox.array.core import Array, dtype_name


def coerce_depth(ndim: int, depth: Any) -> dict[int, Any]:
    """``depth`` as ``{axis: int or (left, right)}`` for every axis (as Dask)."""
    if depth is None:
        depth = 0
    if isinstance(depth, numbers.Integral):
        depth = (depth,) * ndim
    if isinstance(depth, tuple):
        depth = dict(zip(range(ndim), depth, strict=False))
    if isinstance(depth, dict):
        depth = {ax: depth.get(ax, 0) for ax in range(ndim)}
    return {
        i: tuple(int(d) for d in depth[i]) if isinstance(depth[i], tuple) else int(depth[i])
        for i in range(ndim)
    }


def coerce_boundary(ndim: int, boundary: Any) -> dict[int, Any]:
    """``boundary`` as ``{axis: kind}`` for every axis (as Dask)."""
    if boundary is None:
        boundary = "none"
    if not isinstance(boundary, tuple | dict):
        boundary = (boundary,) * ndim
    if isinstance(boundary, tuple):
        boundary = dict(zip(range(ndim), boundary, strict=False))
    return {ax: boundary.get(ax, "none") for ax in range(ndim)}


def ensure_minimum_chunksize(size: int, chunks: tuple[int, ...]) -> tuple[int, ...]:
    """Chunks along one axis merged so that every chunk is at least ``size`` (as Dask).

    Examples
    --------
    >>> ensure_minimum_chunksize(10, (20, 20, 1))
    (20, 11, 10)
    >>> ensure_minimum_chunksize(3, (1, 1, 3))
    (5,)
    """
    if size <= builtins.min(chunks):
        return chunks
    output: list[int] = []
    new = 0
    for c in chunks:
        if c < size:
            if new > size + (size - c):
                output.append(new - (size - c))
                new = size
            else:
                new += c
        if new >= size:
            output.append(new)
            new = 0
        if c >= size:
            new += c
    if new >= size:
        output.append(new)
    elif len(output) >= 1:
        output[-1] += new
    else:
        raise ValueError(
            f"The overlapping depth {size} is larger than your array {builtins.sum(chunks)}."
        )
    return tuple(output)


def _depth_chunks(x: Any, depth: dict[int, Any]) -> tuple[tuple[int, ...], ...]:
    depths = [builtins.max(d) if isinstance(d, tuple) else d for d in depth.values()]
    return tuple(ensure_minimum_chunksize(d, c) for d, c in zip(depths, x.chunks, strict=True))


def _prepare_overlap(x: Array, depth: dict[int, Any], allow_rechunk: bool) -> Array:
    """``x`` rechunked so that every block is at least as long as the depth."""
    if allow_rechunk:
        chunks = _depth_chunks(x, depth)
        return x if chunks == x.chunks else x.rechunk(chunks)
    depths = [builtins.max(d) if isinstance(d, tuple) else d for d in depth.values()]
    if any(builtins.min(c) < d for d, c in zip(depths, x.chunks, strict=True)):
        raise ValueError(
            "Overlap depth is larger than smallest chunksize.\n"
            "Please set allow_rechunk=True to rechunk automatically.\n"
            f"Overlap depths required: {depths}\n"
            f"Input chunks: {x.chunks}\n"
        )
    return x


def overlap(x: Array, depth: Any, boundary: Any = None, *, allow_rechunk: bool = True) -> Array:
    """Extend every block by ``depth`` elements of its neighbours (``dask.array.overlap.overlap``).

    Parameters
    ----------
    x : Array
    depth : int, tuple or dict
        Elements shared with each neighbour, per axis (``{axis: depth}``).
    boundary : str, constant, tuple or dict
        What lies beyond the array's edges, per axis: ``"reflect"``,
        ``"periodic"``, ``"nearest"``, ``"none"`` (nothing: edge blocks grow on
        their inner side only) or a constant value.
    allow_rechunk : bool
        Merge blocks shorter than the depth (otherwise that is an error).

    Returns
    -------
    Array
        With chunks grown by the margins.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(6), chunks=3)
    >>> g = fa.overlap(x, depth=1, boundary=-1)
    >>> g.chunks
    ((5, 5),)
    >>> g.compute()
    array([-1,  0,  1,  2,  3,  2,  3,  4,  5, -1])
    """
    depth2 = coerce_depth(x.ndim, depth)
    boundary2 = coerce_boundary(x.ndim, boundary)
    for ax in range(x.ndim):
        if isinstance(depth2[ax], tuple) and _pads(boundary2[ax]):
            raise NotImplementedError(
                "Asymmetric overlap is currently only implemented for boundary='none', "
                f"however boundary for dimension {ax} is {boundary2[ax]}"
            )
    x1 = _prepare_overlap(x, depth2, allow_rechunk)
    src = _Overlapped(x1, depth2, boundary2)
    calls = [
        (plan, (nested,), {})
        for plan, nested in (src.leaf(c) for c in itertools.product(*map(range, src.numblocks)))
    ]
    return Array(
        _core.ArrayCore.from_calls(
            src.name, calls, [list(c) for c in src.chunks], dtype_name(x.dtype)
        )
    )


def trim_internal(x: Array, axes: dict[int, Any], boundary: Any = None) -> Array:
    """Trim ``axes[axis]`` elements from both sides of every block (as Dask).

    Blocks at the array's edges keep their outer side when that axis's
    boundary is ``"none"``, the inverse of :func:`overlap`.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(6), chunks=3)
    >>> trim_internal(fa.overlap(x, 1, "reflect"), {0: 1}, "reflect").compute()
    array([0, 1, 2, 3, 4, 5])
    """
    boundary2 = coerce_boundary(x.ndim, boundary)
    chunks = _trimmed_chunks(x.chunks, axes, boundary2)
    src = _Blocks(x)
    blocks = list(itertools.product(*map(range, x.numblocks)))
    calls = [
        (operator.getitem, (src.ref(b), _trim_index(b, x.numblocks, axes, boundary2)), {})
        for b in blocks
    ]
    name = f"trim-{base.tokenize(x.name, axes, boundary2, pure=True)}"
    return Array(
        _core.ArrayCore.from_calls(name, calls, [list(c) for c in chunks], dtype_name(x.dtype))
    )


def trim_overlap(x: Array, depth: Any, boundary: Any = None) -> Array:
    """:func:`trim_internal` with ``depth`` in any form :func:`overlap` takes."""
    return trim_internal(x, coerce_depth(x.ndim, depth), boundary)


def map_overlap(
    func: Callable[..., Any],
    *args: Array,
    depth: Any = None,
    boundary: Any = None,
    trim: bool = True,
    align_arrays: bool = True,
    allow_rechunk: bool = True,
    **kwargs: Any,
) -> Array:
    """Map ``func`` over blocks extended by their neighbours' margins (``dask.array.map_overlap``).

    Each block is extended by ``depth`` elements of its neighbours (and of
    the ``boundary`` at the array's edges), ``func`` is called on it, and the
    margins are trimmed from the result. One task per output block reads the
    neighbouring blocks directly.

    Parameters
    ----------
    func : callable
        Called with the extended blocks of every array argument.
    *args : Array
        The arrays; of several, they broadcast as in :func:`map_blocks`.
    depth : int, tuple, dict or list
        Elements shared with each neighbour, per axis; ``(left, right)`` pairs
        for asymmetric depths (with ``boundary="none"`` only). A list gives
        one depth per array.
    boundary : str, constant, tuple, dict or list
        ``"reflect"``, ``"periodic"``, ``"nearest"``, ``"none"`` (the default:
        nothing beyond the edges) or a constant, per axis; a list gives one
        per array.
    trim : bool
        Trim the margins from the results (otherwise ``func`` must).
    align_arrays : bool
        Rechunk the arrays to common chunks first.
    allow_rechunk : bool
        Merge blocks shorter than the depth (otherwise that is an error).
    **kwargs
        ``map_blocks`` keywords (``dtype``, ``chunks``, ``drop_axis``, …) and
        arguments of ``func``.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.array([1, 1, 2, 3, 3, 3, 2, 1, 1]), chunks=5)
    >>> x.map_overlap(lambda b: b - np.roll(b, 1), depth=1, boundary=0).compute()
    array([ 1,  0,  1,  1,  0,  0, -1, -1,  0])
    >>> d = fa.from_array(np.arange(16).reshape(4, 4), chunks=2)
    >>> d.map_overlap(lambda b: b + b.size, depth=1, boundary="reflect").compute()
    array([[16, 17, 18, 19],
           [20, 21, 22, 23],
           [24, 25, 26, 27],
           [28, 29, 30, 31]])
    """
    if not callable(func):
        raise TypeError(
            f"First argument must be callable function, not {type(func).__name__}\n"
            "Usage:   da.map_overlap(function, x)\n"
            "   or:   da.map_overlap(function, x, y, z)"
        )
    if not all(isinstance(x, Array) for x in args):
        raise TypeError(
            f"All variadic arguments must be arrays, not {[type(x).__name__ for x in args]}\n"
            "Usage:   da.map_overlap(function, x)\n"
            "   or:   da.map_overlap(function, x, y, z)"
        )

    def coerce(arg: Any, fn: Callable[[int, Any], dict[int, Any]]) -> list[dict[int, Any]]:
        if not isinstance(arg, list):
            arg = [arg] * len(args)
        return [fn(x.ndim, a) for x, a in zip(args, arg, strict=False)]

    depths = coerce(depth, coerce_depth)
    boundaries = coerce(boundary, coerce_boundary)
    arrays = list(args)
    if align_arrays:
        inds = [tuple(reversed(range(x.ndim))) for x in arrays]
        _, arrays = unify_chunks(*itertools.chain.from_iterable(zip(arrays, inds, strict=True)))
    map_kw = {
        k: kwargs.pop(k)
        for k in (
            "name",
            "token",
            "dtype",
            "chunks",
            "drop_axis",
            "new_axis",
            "enforce_ndim",
            "meta",
        )
        if k in kwargs
    }
    if all(all(v == 0 for v in d.values()) for d in depths):
        return _map_blocks(func, arrays, kwargs, **map_kw)
    for i, x in enumerate(arrays):
        for j in range(x.ndim):
            if isinstance(depths[i][j], tuple) and _pads(boundaries[i][j]):
                raise NotImplementedError(
                    "Asymmetric overlap is currently only implemented "
                    "for boundary='none', however boundary for dimension "
                    f"{j} in array argument {i} is {boundaries[i][j]}"
                )
    if not trim and "chunks" not in map_kw:
        map_kw["chunks"] = (
            _depth_chunks(arrays[0], depths[0]) if allow_rechunk else arrays[0].chunks
        )
    sources = [
        _Overlapped(_prepare_overlap(x, d, allow_rechunk), d, b)
        for x, d, b in zip(arrays, depths, boundaries, strict=True)
    ]
    trim_spec = None
    if trim:
        # the depth and boundary of the first array of the highest rank
        i = sorted(enumerate(sources), key=lambda v: (v[1].ndim, -v[0]))[-1][0]
        tdepth, tboundary = dict(depths[i]), dict(boundaries[i])
        ndim_out = builtins.max(s.ndim for s in sources)
        drop_axis = map_kw.get("drop_axis")
        if drop_axis is not None:
            if isinstance(drop_axis, numbers.Number):
                drop_axis = [drop_axis]
            drop_axis = [d % ndim_out for d in drop_axis]
            kept = tuple(ax for ax in range(sources[i].ndim) if ax not in drop_axis)
            tdepth = {n: tdepth[ax] for n, ax in enumerate(kept)}
            tboundary = {n: tboundary[ax] for n, ax in enumerate(kept)}
        new_axis = map_kw.get("new_axis")
        if new_axis is not None:
            if isinstance(new_axis, numbers.Number):
                new_axis = [new_axis]
            for axis in [d % ndim_out for d in new_axis]:
                for existing in sorted(tdepth, reverse=True):
                    if existing >= axis:
                        tdepth[existing + 1] = tdepth[existing]
                        tboundary[existing + 1] = tboundary[existing]
                tdepth[axis] = 0
                tboundary[axis] = "none"
        trim_spec = (tdepth, tboundary)
    return _map_blocks(func, sources, kwargs, trim=trim_spec, **map_kw)


overlap.overlap = overlap  # type: ignore[attr-defined] # dask.array.overlap.overlap
overlap.map_overlap = map_overlap  # type: ignore[attr-defined]
overlap.trim_internal = trim_internal  # type: ignore[attr-defined]
overlap.trim_overlap = trim_overlap  # type: ignore[attr-defined]
overlap.ensure_minimum_chunksize = ensure_minimum_chunksize  # type: ignore[attr-defined]


__all__ = [
    "coerce_depth",
    "coerce_boundary",
    "ensure_minimum_chunksize",
    "map_overlap",
    "overlap",
    "trim_internal",
    "trim_overlap",
]
