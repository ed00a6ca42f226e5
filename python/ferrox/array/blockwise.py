"""Python functions over blocks, as in Dask: ``map_blocks``, ``blockwise`` and
``apply_along_axis`` (``map_overlap`` is in ``overlap.py`` and the generic
``reduction`` in ``reductions.py``, as in Dask).

Each output block is one Python task (holding the GIL only for its call)
built with ``ferrox._core.ArrayCore.from_calls``: its arguments hold
``BlockRef``\\ s to the input blocks it reads, which become NumPy blocks at
compute time. Plain ``map_blocks`` over one block grid keeps the native
``ArrayCore.map_blocks`` node. The results are array blocks again, so native
operations can follow.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import itertools
import numbers
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from ferrox import _core, base
from ferrox._utils import funcname
from ferrox.array.core import SUPPORTED_DTYPES, Array, dtype_name

# -- helpers run inside the block tasks -----------------------------------------------


def _concatenate2(arrays: Any, axes: Sequence[int]) -> Any:
    """Concatenate nested lists of blocks: level ``k`` along ``axes[k]``.

    Dicts of arrays (as some reductions' partial results) are concatenated key
    by key, as in Dask.
    """
    if not isinstance(arrays, list | tuple):
        return arrays
    if not axes:
        return arrays[0]
    if len(axes) > 1:
        arrays = [_concatenate2(a, axes[1:]) for a in arrays]
    if len(arrays) == 1:
        return arrays[0]
    if isinstance(arrays[0], dict):
        return {k: np.concatenate([a[k] for a in arrays], axis=axes[0]) for k in arrays[0]}
    return np.concatenate(arrays, axis=axes[0])


def _map_nested(func: Callable[[Any], Any], nested: Any, depth: int) -> Any:
    if depth == 0:
        return func(nested)
    return [_map_nested(func, x, depth - 1) for x in nested]


def _assemble_leaf(leaf: Any) -> Any:
    plan, pieces = leaf
    return plan(pieces)


def _resolve(value: Any, depth: int, axes: Sequence[int] | None, assemble: bool) -> Any:
    """One array argument of a block call: its blocks, assembled and concatenated."""
    if assemble:
        value = _map_nested(_assemble_leaf, value, depth)
    if axes is not None and depth:
        value = _concatenate2(value, axes)
    return value


def _run_block(
    func: Callable[..., Any],
    specs: Sequence[Any],
    values: Sequence[Any],
    kwargs: dict[str, Any],
    extra: dict[str, Any] | None,
    post: Sequence[Callable[[Any], Any]],
) -> Any:
    """The call of one output block: ``func(*args, **kwargs, **extra)``, then each of ``post``."""
    args = [v if s is None else _resolve(v, *s) for v, s in zip(values, specs, strict=True)]
    if extra:
        kwargs = {**kwargs, **extra}
    out = func(*args, **kwargs)
    for step in post:
        out = step(out)
    return out


class _Trim:
    """Slice a block's result (``map_overlap``'s trimming)."""

    __slots__ = ("index",)

    def __init__(self, index: tuple[slice, ...]) -> None:
        self.index = index

    def __call__(self, block: Any) -> Any:
        return block[self.index]


class _EnforceNdim:
    """``map_blocks(..., enforce_ndim=True)``: check the result's dimensions."""

    __slots__ = ("func", "ndim")

    def __init__(self, func: Any, ndim: int) -> None:
        self.func, self.ndim = func, ndim

    def __call__(self, out: Any) -> Any:
        got = getattr(out, "ndim", 0)
        if got != self.ndim:
            raise ValueError(
                f"Dimension mismatch: expected output of {self.func} "
                f"to have dims = {self.ndim}.  Got {got} instead."
            )
        return out


class _Assemble:
    """Build one overlapped block from pieces of its neighbours' blocks.

    ``pieces[axis]`` lists the segments along ``axis``: ``(index, length)``
    with ``index`` a slice or a list of positions within a source block, or
    ``None`` for a constant boundary, whose value is ``fill[axis]``. A piece
    that is constant along several axes takes the value of the last of them,
    as padding one axis after the other does.
    """

    __slots__ = ("dtype", "fill", "pieces")

    def __init__(self, pieces: tuple[Any, ...], fill: tuple[Any, ...], dtype: np.dtype) -> None:
        self.pieces, self.fill, self.dtype = pieces, fill, dtype

    def __call__(self, nested: Any) -> np.ndarray:
        return self._build(nested, ())

    def _build(self, node: Any, chosen: tuple[Any, ...]) -> np.ndarray:
        axis = len(chosen)
        if axis == len(self.pieces):
            constant = [a for a, (index, _) in enumerate(chosen) if index is None]
            if constant:
                shape = tuple(n for _, n in chosen)
                return np.full(shape, self.fill[constant[-1]], dtype=self.dtype)
            block = np.asarray(node)[
                tuple(i if isinstance(i, slice) else slice(None) for i, _ in chosen)
            ]
            for a, (index, _) in enumerate(chosen):
                if isinstance(index, list):
                    block = np.take(block, index, axis=a)
            return block
        parts = [
            self._build(child, (*chosen, seg))
            for child, seg in zip(node, self.pieces[axis], strict=True)
        ]
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=axis)


def _inner_apply_along_axis(
    arr: np.ndarray,
    func1d: Callable[..., Any],
    func1d_axis: int,
    func1d_args: tuple[Any, ...],
    func1d_kwargs: dict[str, Any],
) -> np.ndarray:
    return np.apply_along_axis(func1d, func1d_axis, arr, *func1d_args, **func1d_kwargs)


# -- graph-building helpers --------------------------------------------------------------


def has_keyword(func: Any, keyword: str) -> bool:
    """Whether ``func`` takes the keyword argument ``keyword`` (Dask's test).

    Examples
    --------
    >>> has_keyword(lambda x, block_id=None: x, "block_id")
    True
    """
    try:
        return keyword in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def _argnames(func: Any) -> list[str]:
    """The positional-or-keyword parameter names (``dask.utils.getargspec(func).args``)."""
    try:
        if isinstance(func, type):
            return inspect.getfullargspec(func.__init__).args
        if isinstance(func, functools.partial):
            return _argnames(func.func)
        return inspect.getfullargspec(func).args
    except TypeError:
        return []


def _supported(dtype: Any) -> np.dtype:
    """An inferred dtype, widened (like ``from_array`` does) if ferrox lacks it."""
    dt = np.dtype(dtype)
    if dt.name in SUPPORTED_DTYPES:
        return dt
    widened = {"b": "bool", "i": "int64", "u": "int64", "f": "float64", "c": "complex128"}
    if dt.kind in widened:
        return np.dtype(widened[dt.kind])
    dtype_name(dt)  # raises the TypeError naming the supported dtypes
    return dt


def _is_task(x: Any) -> bool:
    return hasattr(type(x), "__ferrox_task__") and not isinstance(x, Array)


class _Blocks:
    """A blockwise input: the blocks of an array."""

    assemble = False

    def __init__(self, array: Array) -> None:
        self.array = array
        self.name = array.name
        self.chunks = array.chunks
        self.shape = array.shape
        self.ndim = array.ndim
        self.dtype = array.dtype
        self.numblocks = array.numblocks
        self._refs: list[Any] | None = None

    def ref(self, coords: Sequence[int]) -> Any:
        if self._refs is None:
            self._refs = self.array._core.block_refs()
        flat = 0
        for c, n in zip(coords, self.numblocks, strict=True):
            flat = flat * n + c
        return self._refs[flat]

    leaf = ref


class _Overlapped:
    """A blockwise input: the blocks of an array extended by their neighbours' margins.

    ``depth[axis]`` is ``(left, right)``; ``boundary[axis]`` is ``"none"``,
    ``"reflect"``, ``"periodic"``, ``"nearest"`` or a constant. Every block
    of ``array`` must be at least as long as the depth.
    """

    assemble = True

    def __init__(self, array: Array, depth: dict[int, Any], boundary: dict[int, Any]) -> None:
        self.blocks = _Blocks(array)
        self.depth = [
            d if isinstance(d, tuple) else (d, d) for d in map(depth.get, range(array.ndim))
        ]
        self.boundary = [boundary.get(ax, "none") for ax in range(array.ndim)]
        for b in self.boundary:
            if isinstance(b, str) and b not in ("none", "reflect", "periodic", "nearest"):
                raise ValueError(
                    f"boundary must be 'none', 'reflect', 'periodic', 'nearest' or a "
                    f"constant, got {b!r}"
                )
        token = base.tokenize(array.name, self.depth, self.boundary, pure=True)
        self.name = f"overlap-{token}"
        self.ndim = array.ndim
        self.dtype = array.dtype
        self.numblocks = array.numblocks
        self.chunks = tuple(
            tuple(
                c + (lo if j > 0 or _pads(b) else 0) + (hi if j < len(cs) - 1 or _pads(b) else 0)
                for j, c in enumerate(cs)
            )
            for cs, (lo, hi), b in zip(array.chunks, self.depth, self.boundary, strict=True)
        )
        self.shape = tuple(builtins.sum(c) for c in self.chunks)

    def _segments(self, axis: int, j: int) -> list[tuple[Any, Any, int]]:
        """``(source block, index, length)`` along ``axis`` for block ``j``
        (``source`` is None for a constant)."""
        cs = self.blocks.chunks[axis]
        n = len(cs)
        lo, hi = self.depth[axis]
        b = self.boundary[axis]
        kind = b if isinstance(b, str) else "constant"
        segs: list[tuple[Any, Any, int]] = []
        if lo:
            if j > 0:
                segs.append((j - 1, slice(cs[j - 1] - lo, cs[j - 1]), lo))
            elif kind == "reflect":
                segs.append((0, slice(lo - 1, None, -1), lo))
            elif kind == "periodic":
                segs.append((n - 1, slice(cs[-1] - lo, cs[-1]), lo))
            elif kind == "nearest":
                segs.append((0, [0] * lo, lo))
            elif kind == "constant":
                segs.append((None, None, lo))
        segs.append((j, slice(None), cs[j]))
        if hi:
            last = cs[-1]
            if j < n - 1:
                segs.append((j + 1, slice(0, hi), hi))
            elif kind == "reflect":
                segs.append((n - 1, slice(last - 1, last - 1 - hi if last > hi else None, -1), hi))
            elif kind == "periodic":
                segs.append((0, slice(0, hi), hi))
            elif kind == "nearest":
                segs.append((n - 1, [last - 1] * hi, hi))
            elif kind == "constant":
                segs.append((None, None, hi))
        return segs

    def leaf(self, coords: Sequence[int]) -> tuple[_Assemble, Any]:
        segs = [self._segments(axis, j) for axis, j in enumerate(coords)]
        fill = tuple(None if isinstance(b, str) else b for b in self.boundary)
        plan = _Assemble(tuple([(index, n) for _, index, n in s] for s in segs), fill, self.dtype)

        def nest(axis: int, sources: tuple[Any, ...]) -> Any:
            if axis == len(segs):
                return None if None in sources else self.blocks.ref(sources)
            return [nest(axis + 1, (*sources, src)) for src, _, _ in segs[axis]]

        return plan, nest(0, ())


def _pads(boundary: Any) -> bool:
    return not (isinstance(boundary, str) and boundary == "none")


_Source = _Blocks | _Overlapped


def _flat_index(coords: Sequence[int], numblocks: Sequence[int]) -> int:
    flat = 0
    for c, n in zip(coords, numblocks, strict=True):
        flat = flat * n + c
    return flat


def _broadcast_dimensions(
    pairs: Iterable[tuple[tuple[Any, ...], Sequence[Any]]],
    consolidate: Callable[[set[Any]], Any] | None = None,
    labels: dict[Any, Any] | None = None,
) -> dict[Any, Any]:
    """The value of each index over ``(index, values)`` pairs, 1 broadcasting.

    ``labels`` renames the indices in the error message (Dask reports ``.0``,
    ``.1``, … for the sorted indices).
    """
    groups: dict[Any, set[Any]] = {}
    for ind, values in pairs:
        for i, d in zip(ind, values, strict=True):
            groups.setdefault(i, set()).add(d)
    g2 = {k: v - {1, (1,)} if len(v) > 1 else v for k, v in groups.items()}
    if consolidate is not None:
        return {k: consolidate(v) for k, v in g2.items()}
    if g2 and {len(v) for v in g2.values()} != {1}:
        shown = {(labels or {}).get(k, k): v for k, v in groups.items()}
        raise ValueError(f"Shapes do not align {shown}")
    return {k: next(iter(v)) for k, v in g2.items()}


def _index_labels(out_ind: Sequence[Any], inds: Iterable[Any]) -> dict[Any, str]:
    """Dask's canonical names of the indices: ``.0``, ``.1``, … in sorted order."""
    unique = {i for ind in inds if ind is not None for i in ind} | set(out_ind)
    try:
        return {k: f".{n}" for n, k in enumerate(sorted(unique))}
    except TypeError:  # unorderable mixed indices
        return {}


def _common_blockdim(blockdims: set[tuple[int, ...]]) -> tuple[int, ...]:
    """The common chunks of one dimension (``dask.array.core.common_blockdim``)."""
    if not any(blockdims):
        return ()
    non_trivial = {d for d in blockdims if len(d) > 1}
    if len(non_trivial) == 1:
        return next(iter(non_trivial))
    if not non_trivial:
        return builtins.max(blockdims, key=lambda c: c[0])
    if len({builtins.sum(d) for d in non_trivial}) > 1:
        raise ValueError("Chunks do not add up to same value", blockdims)
    rchunks = [list(d)[::-1] for d in non_trivial]
    total = builtins.sum(next(iter(non_trivial)))
    out: list[int] = []
    i = 0
    while i < total:
        m = builtins.min(c[-1] for c in rchunks)
        out.append(m)
        for c in rchunks:
            c[-1] -= m
            if c[-1] == 0:
                c.pop()
        i += m
    return tuple(out)


def unify_chunks(*args: Any) -> tuple[dict[Any, tuple[int, ...]], list[Any]]:
    """Rechunk ``(array, index)`` pairs to common chunks along shared indices.

    As ``dask.array.core.unify_chunks``: along each index the common chunks
    are the only multi-chunk chunking there is, or their common refinement;
    length-1 axes broadcast.

    Returns
    -------
    chunkss : dict
        Chunks of each index.
    arrays : list
        The arrays, rechunked (literals, with index None, unchanged).

    Examples
    --------
    >>> import ferrox.array as fa
    >>> x = fa.ones(10, chunks=((5, 2, 3),))
    >>> y = fa.ones(10, chunks=((2, 3, 5),))
    >>> chunkss, arrays = unify_chunks(x, "i", y, "i")
    >>> chunkss
    {'i': (2, 3, 2, 3)}
    """
    from ferrox.array.creation import asarray

    if not args:
        return {}, []
    pairs = [
        (asarray(a) if ind is not None else a, None if ind is None else tuple(ind))
        for a, ind in zip(args[::2], args[1::2], strict=True)
    ]
    arrays = [a for a, _ in pairs]
    inds = [ind for _, ind in pairs]
    if all(ind is None for ind in inds):
        return {}, arrays
    if all(ind == inds[0] for ind in inds) and all(a.chunks == arrays[0].chunks for a in arrays):
        return dict(zip(inds[0], arrays[0].chunks, strict=True)), arrays
    chunkss = _broadcast_dimensions(
        [(ind, a.chunks) for a, ind in pairs if ind is not None], consolidate=_common_blockdim
    )
    out = []
    for a, ind in pairs:
        if ind is None:
            out.append(a)
            continue
        chunks = tuple(chunkss[j] if a.shape[n] > 1 else (a.shape[n],) for n, j in enumerate(ind))
        out.append(a.rechunk(chunks) if chunks != a.chunks else a)
    return chunkss, out


def _adjust(chunks: list[tuple[int, ...]], out_ind: tuple[Any, ...], adjust: Any) -> None:
    """Apply Dask's ``adjust_chunks`` to the output ``chunks`` in place."""
    for i, ind in enumerate(out_ind):
        if ind not in adjust:
            continue
        rule = adjust[ind]
        if callable(rule):
            chunks[i] = tuple(int(rule(c)) for c in chunks[i])
        elif isinstance(rule, numbers.Integral):
            chunks[i] = (int(rule),) * len(chunks[i])
        elif isinstance(rule, tuple | list):
            if len(rule) != len(chunks[i]):
                raise ValueError(
                    f"Dimension {i} has {len(chunks[i])} blocks, adjust_chunks "
                    f"specified with {len(rule)} blocks"
                )
            chunks[i] = tuple(int(c) for c in rule)
        else:
            raise NotImplementedError("adjust_chunks values must be callable, int, or tuple")


def _lol(ref: Callable[[tuple[int, ...]], Any], coords: Sequence[Any]) -> Any:
    """Nested lists of ``ref(block)`` over the list-valued ``coords`` (Dask's ``lol_product``)."""
    for n, c in enumerate(coords):
        if isinstance(c, list):
            return [_lol(ref, (*coords[:n], v, *coords[n + 1 :])) for v in c]
    return ref(tuple(coords))


def _plan_blockwise(
    func: Callable[..., Any],
    out_ind: tuple[Any, ...],
    argpairs: list[tuple[Any, tuple[Any, ...] | None]],
    chunkss: dict[Any, tuple[int, ...]],
    new_axes: dict[Any, Any],
    concatenate: bool | None,
    kwargs: dict[str, Any],
    adjust_chunks: Any,
) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]], list[list[Any]]]:
    """The output chunks, the output blocks and each block's ``_run_block`` arguments.

    The arguments are ``[func, specs, values, kwargs, extra, post]``, with
    ``extra`` (None) and ``post`` (empty) for the caller to set.
    """
    sources = [(a, ind) for a, ind in argpairs if ind is not None]
    dims = _broadcast_dimensions(
        [(ind, a.numblocks) for a, ind in sources],
        labels=_index_labels(out_ind, [ind for _, ind in argpairs]),
    )
    chunkss = dict(chunkss)
    for k, v in new_axes.items():
        v = tuple(v) if isinstance(v, tuple | list) else (v,)
        chunkss[k] = v
        dims[k] = len(v)
    chunks = [tuple(chunkss[i]) for i in out_ind]
    if adjust_chunks:
        _adjust(chunks, out_ind, adjust_chunks)
    position = {ind: n for n, ind in enumerate(out_ind)}
    dummies = {i for _, ind in sources for i in ind} - set(out_ind)
    specs = []
    for a, ind in argpairs:
        if ind is None:
            specs.append(None)
            continue
        axes = tuple(n for n, i in enumerate(ind) if i in dummies)
        specs.append((len(axes), axes if concatenate else None, a.assemble))
    specs_t = tuple(specs)
    blocks = list(itertools.product(*(range(len(c)) for c in chunks)))
    calls = []
    for out_coords in blocks:
        values = []
        for a, ind in argpairs:
            if ind is None:
                values.append(a)
                continue
            coords: list[Any] = []
            for i, nb in zip(ind, a.numblocks, strict=True):
                if i in position:
                    coords.append(0 if nb == 1 else out_coords[position[i]])
                elif nb == 1:
                    coords.append([0] * (1 if concatenate else dims[i]))
                else:
                    coords.append(list(range(dims[i])))
            values.append(_lol(a.leaf, coords))
        calls.append([func, specs_t, values, kwargs, None, ()])
    return chunks, blocks, calls


def _from_calls(
    name: str, calls: list[list[Any]], chunks: Sequence[Sequence[int]], dtype: Any
) -> Array:
    return Array(
        _core.ArrayCore.from_calls(
            name,
            [(_run_block, tuple(c), {}) for c in calls],
            [list(c) for c in chunks],
            dtype_name(dtype),
        )
    )


def _token_args(argpairs: Sequence[tuple[Any, Any]]) -> list[Any]:
    return [(a.name if ind is not None else a, ind) for a, ind in argpairs]


def _cumsum0(chunks: Sequence[int]) -> list[int]:
    return [0, *itertools.accumulate(chunks)]


# -- map_blocks --------------------------------------------------------------------------


def _apply_infer_dtype(
    func: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any], name: str
) -> np.dtype:
    """Dask's dtype inference: call ``func`` on 1-element blocks of the inputs."""
    probes = [np.zeros((1,) * a.ndim, dtype=a.dtype) if isinstance(a, _Source) else a for a in args]
    try:
        with np.errstate(all="ignore"):
            out = func(*probes, **kwargs)
    except Exception as e:
        raise ValueError(
            f"`dtype` inference failed in `{name}`.\n\n"
            "Please specify the dtype explicitly using the `dtype` kwarg.\n\n"
            f"Original error is below:\n------------------------\n{e!r}"
        ) from e
    return _supported(out.dtype if hasattr(out, "dtype") else type(out))


def _block_info(
    argpairs: Sequence[tuple[Any, Any]],
    out_ind: tuple[Any, ...],
    chunks: Sequence[tuple[int, ...]],
    dtype: Any,
    dropped: bool,
) -> Callable[[tuple[int, ...]], dict[Any, Any]]:
    """``block_info`` of each output block, as ``dask.array.map_blocks`` builds it."""
    starts: dict[int, list[list[int]]] = {}
    num_chunks: dict[int, tuple[int, ...]] = {}
    shapes: dict[int, tuple[int, ...]] = {}
    for i, (arg, ind) in enumerate(argpairs):
        if ind is None:
            continue
        shapes[i] = arg.shape
        if dropped:
            starts[i] = [
                _cumsum0(arg.chunks[j]) if x in out_ind else [0, arg.shape[j]]
                for j, x in enumerate(ind)
            ]
            num_chunks[i] = tuple(len(s) - 1 for s in starts[i])
        else:
            starts[i] = [_cumsum0(c) for c in arg.chunks]
            num_chunks[i] = arg.numblocks
    out_starts = [_cumsum0(c) for c in chunks]
    out_shape = tuple(builtins.sum(c) for c in chunks)
    numblocks = tuple(len(c) for c in chunks)

    def info(block_id: tuple[int, ...]) -> dict[Any, Any]:
        location = {out_ind[i]: loc for i, loc in enumerate(block_id)}
        result: dict[Any, Any] = {}
        for i, shape in shapes.items():
            arr_k = tuple(
                location.get(x, 0) if num_chunks[i][j] > 1 else 0
                for j, x in enumerate(argpairs[i][1])
            )
            result[i] = {
                "shape": shape,
                "num-chunks": num_chunks[i],
                "array-location": [
                    (starts[i][ij][j], starts[i][ij][j + 1]) for ij, j in enumerate(arr_k)
                ],
                "chunk-location": arr_k,
            }
        result[None] = {
            "shape": out_shape,
            "num-chunks": numblocks,
            "array-location": [
                (out_starts[ij][j], out_starts[ij][j + 1]) for ij, j in enumerate(block_id)
            ],
            "chunk-location": block_id,
            "chunk-shape": tuple(chunks[ij][j] for ij, j in enumerate(block_id)),
            "dtype": dtype,
        }
        return result

    return info


def _map_blocks(
    func: Callable[..., Any],
    args: Sequence[Any],
    kwargs: dict[str, Any],
    *,
    name: str | None = None,
    token: str | None = None,
    dtype: Any = None,
    chunks: Any = None,
    drop_axis: Any = None,
    new_axis: Any = None,
    enforce_ndim: bool = False,
    meta: Any = None,
    trim: tuple[dict[int, Any], dict[int, Any]] | None = None,
) -> Array:
    """``map_blocks`` over arrays or overlapped inputs; ``trim=(depth, boundary)``
    trims every result as ``map_overlap`` does."""
    if drop_axis is None:
        drop_axis = []
    if isinstance(drop_axis, numbers.Number):
        drop_axis = [drop_axis]
    if isinstance(new_axis, numbers.Number):
        new_axis = [new_axis]
    arrays = [a for a in args if isinstance(a, Array)]
    if arrays:
        # ferrox (like its native map_blocks) aligns same-shaped arrays to the first's chunks
        first = arrays[0]
        args = [
            a.rechunk(first.chunks)
            if isinstance(a, Array) and a.shape == first.shape and a.chunks != first.chunks
            else a
            for a in args
        ]
    sources = [_Blocks(a) if isinstance(a, Array) else a for a in args]
    argpairs: list[tuple[Any, Any]] = [
        (a, tuple(range(a.ndim))[::-1]) if isinstance(a, _Source) else (a, None) for a in sources
    ]
    srcs = [a for a, ind in argpairs if ind is not None]
    out_ind: tuple[Any, ...] = (
        tuple(range(builtins.max(a.ndim for a in srcs)))[::-1] if srcs else ()
    )
    if dtype is None and meta is not None and hasattr(meta, "dtype"):
        dtype = meta.dtype
    if dtype is None:
        dtype = _apply_infer_dtype(func, sources, kwargs, "map_blocks")
    dtype_name(dtype)
    new_axes: dict[Any, Any] = {}
    if drop_axis:
        ndim_out = len(out_ind)
        if any(i < -ndim_out or i >= ndim_out for i in drop_axis):
            raise ValueError(
                f"drop_axis out of range (drop_axis={drop_axis}, but output is {ndim_out}d)."
            )
        drop_axis = [i % ndim_out for i in drop_axis]
        out_ind = tuple(x for i, x in enumerate(out_ind) if i not in drop_axis)
    if new_axis is None and chunks is not None and len(out_ind) < len(chunks):
        new_axis = range(len(chunks) - len(out_ind))
    if new_axis:
        inds = list(out_ind)
        for ax in sorted(new_axis):
            n = len(inds) + len(drop_axis)
            inds.insert(ax, n)
            new_axes[n] = chunks[ax] if chunks is not None else 1
        out_ind = tuple(inds)
        if builtins.max(new_axis) > builtins.max(out_ind):
            raise ValueError("New_axis values do not fill in all dimensions")
    adjust_chunks = None
    if chunks is not None:
        if len(chunks) != len(out_ind):
            raise ValueError(
                f"Provided chunks have {len(chunks)} dims; expected {len(out_ind)} dims"
            )
        adjust_chunks = dict(zip(out_ind, chunks, strict=True))
    wants_id = has_keyword(func, "block_id")
    wants_info = has_keyword(func, "block_info")
    # block-position alignment: along each index, the input with the most blocks
    chunkss: dict[Any, tuple[int, ...]] = {}
    for a, ind in argpairs:
        if ind is not None:
            for c, i in zip(a.chunks, ind, strict=True):
                if i not in chunkss or len(c) > len(chunkss[i]):
                    chunkss[i] = c
    literal_tasks = any(_is_task(a) for a, ind in argpairs if ind is None) or any(
        _is_task(v) for v in kwargs.values()
    )
    if name is None:
        tok = base.tokenize(
            func,
            out_ind,
            _token_args(argpairs),
            adjust_chunks,
            new_axes,
            np.dtype(dtype).name,
            enforce_ndim,
            trim,
            kwargs,
            pure=True,
        )
        name = f"{token or funcname(func)}-{tok}"
    plain = (
        srcs
        and not drop_axis
        and not new_axes
        and not (wants_id or wants_info or enforce_ndim or literal_tasks)
        and trim is None
        and all(isinstance(a, _Blocks) for a in srcs)
        and all(a.numblocks == srcs[0].numblocks for a in srcs)
    )
    if plain:
        out_chunks = [tuple(c) for c in srcs[0].chunks]
        if adjust_chunks:
            _adjust(out_chunks, out_ind, adjust_chunks)
        cores = tuple(a.array._core if isinstance(a, _Blocks) else a for a in sources)
        return Array(
            _core.ArrayCore.map_blocks(
                name, func, cores, kwargs, [list(c) for c in out_chunks], dtype_name(dtype)
            )
        )
    out_chunks, blocks, calls = _plan_blockwise(
        func, out_ind, argpairs, chunkss, new_axes, True, kwargs, adjust_chunks
    )
    info = (
        _block_info(argpairs, out_ind, out_chunks, dtype, bool(drop_axis)) if wants_info else None
    )
    for block_id, call in zip(blocks, calls, strict=True):
        extra = {}
        if wants_id:
            extra["block_id"] = block_id
        if info is not None:
            extra["block_info"] = info(block_id)
        call[4] = extra or None
        if enforce_ndim:
            call[5] = (_EnforceNdim(func, len(out_ind)),)
    if trim is not None:
        depth, boundary = trim
        numblocks = tuple(len(c) for c in out_chunks)
        for block_id, call in zip(blocks, calls, strict=True):
            call[5] = (*call[5], _Trim(_trim_index(block_id, numblocks, depth, boundary)))
        out_chunks = list(_trimmed_chunks(out_chunks, depth, boundary))
    return _from_calls(name, calls, out_chunks, dtype)


def map_blocks(
    func: Callable[..., Any],
    *args: Any,
    name: str | None = None,
    token: str | None = None,
    dtype: Any = None,
    chunks: Any = None,
    drop_axis: int | Sequence[int] | None = None,
    new_axis: int | Sequence[int] | None = None,
    enforce_ndim: bool = False,
    meta: Any = None,
    **kwargs: Any,
) -> Array:
    """Apply ``func`` to corresponding blocks of the array arguments, as in Dask.

    Parameters
    ----------
    func : callable
        Called as ``func(*blocks, **kwargs)`` with NumPy blocks in place of the
        ferrox arrays among ``args``; other arguments pass through. If it takes
        a ``block_id=`` keyword it gets the block's position in the output
        grid; a ``block_info=`` keyword gets Dask's dict describing the input
        and output blocks (keys: argument positions and ``None``).
    *args : ferrox arrays or other objects
        Arrays of fewer dimensions broadcast against the others (their axes
        align on the right); blocks are matched by position, an array with
        one block along an axis is broadcast along it.
    dtype : dtype, optional
        Of the result (inferred by calling ``func`` on 1-element blocks if omitted).
    chunks : tuple, optional
        Chunks of the result, when ``func`` changes block shapes: per axis a
        tuple of block lengths or one int for every block.
    drop_axis : int or list of ints, optional
        Axes the function removes; the input blocks along them are
        concatenated first.
    new_axis : int or list of ints, optional
        Axes the function adds (of length 1 unless ``chunks`` says otherwise).
    enforce_ndim : bool
        Check that every result has the output's number of dimensions.
    name : str, optional
        Full name of the result's tasks; ``token`` is the name's prefix only.
    meta : array, optional
        An empty array of the result's type (its dtype is used if ``dtype`` is not given).
    **kwargs
        Passed to ``func``.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(6), chunks=2)
    >>> fa.map_blocks(lambda b: b * 10, x).compute()
    array([ 0, 10, 20, 30, 40, 50])
    >>> fa.map_blocks(lambda b: b[:1], x, chunks=(1,)).compute()
    array([0, 2, 4])
    >>> x.map_blocks(lambda b, block_id=None: b * 0 + block_id[0], dtype=int).compute()
    array([0, 0, 1, 1, 2, 2])
    >>> m = fa.from_array(np.arange(6).reshape(2, 3), chunks=(1, 3))
    >>> m.map_blocks(np.sum, axis=1, drop_axis=1, dtype=int).compute()
    array([ 3, 12])
    """
    if not callable(func):
        raise TypeError(
            f"First argument must be callable function, not {type(func).__name__}\n"
            "Usage:   da.map_blocks(function, x)\n"
            "   or:   da.map_blocks(function, x, y, z)"
        )
    return _map_blocks(
        func,
        args,
        kwargs,
        name=name,
        token=token,
        dtype=dtype,
        chunks=chunks,
        drop_axis=drop_axis,
        new_axis=new_axis,
        enforce_ndim=enforce_ndim,
        meta=meta,
    )


# -- blockwise ---------------------------------------------------------------------------


def blockwise(
    func: Callable[..., Any],
    out_ind: Iterable[Hashable],
    *args: Any,
    name: str | None = None,
    token: str | None = None,
    dtype: Any = None,
    adjust_chunks: dict[Hashable, Any] | None = None,
    new_axes: dict[Hashable, Any] | None = None,
    align_arrays: bool = True,
    concatenate: bool | None = None,
    meta: Any = None,
    **kwargs: Any,
) -> Array:
    """Tensor operation in index notation: Dask's ``blockwise``.

    Parameters
    ----------
    func : callable
        Applied to the blocks matched by the indices.
    out_ind : iterable
        Index of the output, such as ``"ij"`` or ``(0, 1)``.
    *args : (array, index) pairs
        Arrays (anything ``asarray`` takes) with their index; literals with the
        index ``None``. An index absent from ``out_ind`` is contracted:
        ``func`` gets lists of the blocks along it, or their concatenation
        with ``concatenate=True``.
    dtype : dtype, optional
        Of the result; inferred by calling ``func`` on empty blocks if omitted.
    adjust_chunks : dict, optional
        Per output index: a function of each block length, an int for every
        block or a tuple of lengths.
    new_axes : dict, optional
        New indices with their length (an int, one block) or chunks (a tuple).
    align_arrays : bool
        Rechunk the arrays to common chunks along shared indices (otherwise
        the number of blocks must agree).
    concatenate : bool, optional
        Concatenate the blocks along contracted indices before the call.
    name, token : str, optional
        Full name of the result, or the prefix of its generated name.
    meta : array, optional
        Its dtype is used when ``dtype`` is not given.
    **kwargs
        Passed to ``func``.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> a = fa.from_array(np.array([0, 1, 2]), chunks=1)
    >>> b = fa.from_array(np.array([10, 50, 100]), chunks=1)
    >>> fa.blockwise(np.outer, "ij", a, "i", b, "j", dtype=a.dtype).compute()
    array([[  0,   0,   0],
           [ 10,  50, 100],
           [ 20, 100, 200]])
    >>> fa.blockwise(np.dot, "", a, "i", b, "i", concatenate=True, dtype=a.dtype).compute()
    np.int64(250)
    >>> x = fa.from_array(np.array([[1, 2], [3, 4]]), chunks=(1, 2))
    >>> fa.blockwise(np.transpose, "ji", x, "ij", dtype=x.dtype).compute()
    array([[1, 3],
           [2, 4]])
    """
    from ferrox.array.creation import asarray

    if len(args) % 2:
        raise ValueError("blockwise takes (array, index) pairs after out_ind")
    out_ind = tuple(out_ind)
    new_axes = dict(new_axes or {})
    if len(set(out_ind)) != len(out_ind):
        counts: dict[Any, int] = {}
        for i in out_ind:
            counts[i] = counts.get(i, 0) + 1
        raise ValueError(
            "Repeated elements not allowed in output index", [k for k, v in counts.items() if v > 1]
        )
    given = [(a, ind) for a, ind in zip(args[::2], args[1::2], strict=True)]
    new = set(out_ind) - {i for _, ind in given if ind is not None for i in ind} - set(new_axes)
    if new:
        raise ValueError("Unknown dimension", new)
    pairs: list[Any] = []
    for a, ind in given:
        if ind is not None:
            a = asarray(a)
            if a.ndim != len(tuple(ind)):
                raise ValueError(f"Index string {ind} does not match array dimension {a.ndim}")
            ind = tuple(ind)
        pairs.extend((a, ind))
    if align_arrays:
        chunkss, arrays = unify_chunks(*pairs)
    else:
        chunkss = {}
        for a, ind in zip(pairs[::2], pairs[1::2], strict=True):
            if ind is not None:
                for c, i in zip(a.chunks, ind, strict=True):
                    if i not in chunkss or len(c) > len(chunkss[i]):
                        chunkss[i] = c
        arrays = list(pairs[::2])
    argpairs: list[tuple[Any, Any]] = [
        (_Blocks(a) if ind is not None else a, ind)
        for a, ind in zip(arrays, pairs[1::2], strict=True)
    ]
    chunks, _, calls = _plan_blockwise(
        func, out_ind, argpairs, chunkss, new_axes, concatenate, kwargs, adjust_chunks
    )
    if dtype is None and meta is not None and hasattr(meta, "dtype"):
        dtype = meta.dtype
    if dtype is None:
        probes = [
            np.empty((0,) * a.ndim, dtype=a.dtype) if ind is not None else a for a, ind in argpairs
        ]
        try:
            with np.errstate(all="ignore"):
                out = func(*probes, **kwargs)
            dtype = _supported(np.asarray(out).dtype)
        except Exception as e:
            raise ValueError("You must specify the meta or dtype of the array") from e
    if name is None:
        tok = base.tokenize(
            func,
            out_ind,
            _token_args(argpairs),
            adjust_chunks,
            new_axes,
            align_arrays,
            concatenate,
            np.dtype(dtype).name,
            kwargs,
            pure=True,
        )
        name = f"{token or funcname(func).strip('_')}-{tok}"
    return _from_calls(name, calls, chunks, dtype)


# -- trimming (map_overlap's results) ----------------------------------------------------


def _trimmed_chunks(
    chunks: Sequence[tuple[int, ...]], axes: dict[int, Any], boundary: dict[int, Any]
) -> tuple[tuple[int, ...], ...]:
    out = []
    for i, bd in enumerate(chunks):
        bdy = boundary.get(i, "none")
        depth = axes.get(i, 0)
        lo, hi = depth if isinstance(depth, tuple) else (depth, depth)
        sizes = []
        for j, d in enumerate(bd):
            if _pads(bdy):
                d -= lo + hi
            else:
                d -= lo if j != 0 else 0
                d -= hi if j != len(bd) - 1 else 0
            sizes.append(d)
        out.append(tuple(sizes))
    return tuple(out)


def _trim_index(
    location: Sequence[int],
    numblocks: Sequence[int],
    axes: dict[int, Any],
    boundary: dict[int, Any],
) -> tuple[slice, ...]:
    """The slice of block ``location`` that ``trim_internal`` keeps (Dask's ``_trim``)."""
    index = []
    for i, (loc, n) in enumerate(zip(location, numblocks, strict=True)):
        depth = axes.get(i, 0)
        lo, hi = depth if isinstance(depth, tuple) else (depth, depth)
        none = not _pads(boundary.get(i, "none"))
        front = 0 if (loc == 0 and none) else lo
        back = None if (loc == n - 1 and none) or not hi else -hi
        index.append(slice(front, back))
    return tuple(index)


# -- apply_along_axis --------------------------------------------------------------------


def apply_along_axis(
    func1d: Callable[..., Any],
    axis: int,
    arr: Any,
    *args: Any,
    dtype: Any = None,
    shape: tuple[int, ...] | None = None,
    **kwargs: Any,
) -> Array:
    """``numpy.apply_along_axis`` on every block, with ``axis`` in one chunk (as Dask).

    Parameters
    ----------
    func1d : callable
        Takes 1-d slices along ``axis`` (and ``*args``, ``**kwargs``).
    axis : int
    arr : array_like
    dtype, shape : optional
        Of ``func1d``'s result; inferred by calling it on a length-1 array if omitted.

    Returns
    -------
    Array

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(12).reshape(3, 4), chunks=2)
    >>> fa.apply_along_axis(np.ptp, 0, x).compute()
    array([8, 8, 8, 8])
    >>> fa.apply_along_axis(lambda v: v[::-1].cumsum(), 1, x, shape=(4,)).compute()
    array([[ 3,  5,  6,  6],
           [ 7, 13, 18, 22],
           [11, 21, 30, 38]])
    """
    from ferrox.array.creation import asarray

    arr = asarray(arr)
    axis = len(arr.shape[:axis])
    if shape is None or dtype is None:
        test = np.array(func1d(np.ones((1,), dtype=arr.dtype), *args, **kwargs))
        if shape is None:
            shape = test.shape
        if dtype is None:
            dtype = _supported(test.dtype)
    shape = tuple(shape)
    whole = arr.chunks[:axis] + ((arr.shape[axis],),) + arr.chunks[axis + 1 :]
    if whole != arr.chunks:
        arr = arr.rechunk(whole)
    return _map_blocks(
        _inner_apply_along_axis,
        [arr],
        {
            "func1d": func1d,
            "func1d_axis": axis,
            "func1d_args": args,
            "func1d_kwargs": kwargs,
        },
        token=funcname(func1d) + "-along-axis",
        dtype=dtype,
        chunks=arr.chunks[:axis] + shape + arr.chunks[axis + 1 :],
        drop_axis=axis,
        new_axis=list(range(axis, axis + len(shape))),
    )


__all__ = [
    "apply_along_axis",
    "blockwise",
    "map_blocks",
    "unify_chunks",
]
