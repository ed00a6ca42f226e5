"""Array input and output: ``.npy`` stacks, ``store`` into array-likes, and Zarr.

Every function works block by block, as in Dask: readers build one task per
stored block (nothing is read before ``compute()``), and writers compute each
block in its own task and write it there, so the whole array is never in
memory at once. The on-disk formats are Dask's, so data written by
``dask.array`` reads here and the other way round.
"""

from __future__ import annotations

import os
import pickle
import threading
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ferrox import _core, base
from ferrox.array.core import Array
from ferrox.array.creation import _holding_dtype as _supported
from ferrox.array.creation import _read_block, concatenate, from_calls, from_delayed
from ferrox.array.creation import block_slices as _block_slices
from ferrox.delayed import Delayed, delayed

# -- helpers ----------------------------------------------------------------------


def _from_block_values(
    values: Sequence[Delayed], chunks: Sequence[Sequence[int]], dtype: np.dtype
) -> Array:
    """An array with ``chunks`` whose blocks (in C order) are the Delayed ``values``."""
    numblocks = tuple(len(c) for c in chunks)
    grid = np.empty(numblocks, dtype=object)
    for idx, value in zip(np.ndindex(*numblocks), values, strict=True):
        grid[idx] = value

    def build(prefix: tuple[int, ...]) -> Array:
        axis = len(prefix)
        if axis == len(chunks):
            shape = tuple(chunks[ax][i] for ax, i in enumerate(prefix))
            return from_delayed(grid[prefix], shape=shape, dtype=dtype)
        parts = [build((*prefix, i)) for i in range(numblocks[axis])]
        return parts[0] if len(parts) == 1 else concatenate(parts, axis=axis)

    return build(())


def _as_block(x: Any, dtype: np.dtype) -> np.ndarray:
    return np.asarray(x, dtype=dtype)


def _load_npy(path: str, mmap_mode: str | None, dtype: np.dtype) -> np.ndarray:
    return _as_block(np.load(path, mmap_mode=mmap_mode), dtype)


# -- .npy stacks ------------------------------------------------------------------


def to_npy_stack(dirname: str | os.PathLike[str], x: Array, axis: int = 0) -> None:
    """Write ``x`` to a directory of ``.npy`` files, one per block along ``axis``.

    The format is Dask's: ``dirname/info`` is a pickle of ``{"chunks",
    "dtype", "axis"}`` and ``dirname/0.npy``, ``1.npy``, ... hold the blocks
    along ``axis`` (each spanning the whole of the other axes). Every file is
    written by its own task, in parallel; the directory is created if missing.

    Parameters
    ----------
    dirname : str or path
        The directory (its parent must exist).
    x : Array
        The data.
    axis : int
        The axis along which the blocks become files.

    See Also
    --------
    from_npy_stack

    Examples
    --------
    >>> import os, tempfile, numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(10), chunks=4)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa.to_npy_stack(os.path.join(tmp, "data"), x)
    ...     sorted(os.listdir(os.path.join(tmp, "data")))
    ['0.npy', '1.npy', '2.npy', 'info']
    """
    if not -x.ndim <= axis < x.ndim:
        raise np.exceptions.AxisError(
            f"axis {axis} is out of bounds for array of dimension {x.ndim}"
        )
    axis %= x.ndim
    chunks = tuple((c if i == axis else (sum(c),)) for i, c in enumerate(x.chunks))
    xx = x.rechunk(chunks)
    dirname = os.fspath(dirname)
    if not os.path.exists(dirname):
        os.mkdir(dirname)
    meta = {"chunks": chunks, "dtype": x.dtype, "axis": axis}
    with open(os.path.join(dirname, "info"), "wb") as f:
        pickle.dump(meta, f)
    blocks = xx.to_delayed().ravel()
    writes = [
        delayed(np.save)(os.path.join(dirname, f"{i}.npy"), block) for i, block in enumerate(blocks)
    ]
    base.compute(*writes)


def from_npy_stack(dirname: str | os.PathLike[str], mmap_mode: str | None = "r") -> Array:
    """Load a stack of ``.npy`` files written by :func:`to_npy_stack` (or Dask's).

    Lazy: nothing but ``dirname/info`` is read now; each file is loaded by its
    own task when the array is computed.

    Parameters
    ----------
    dirname : str or path
        Directory of ``.npy`` files and their ``info``.
    mmap_mode : None or "r"
        Passed to ``numpy.load``: memory-map the files while reading them.

    See Also
    --------
    to_npy_stack

    Examples
    --------
    >>> import os, tempfile, numpy as np, ferrox.array as fa
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa.to_npy_stack(tmp, fa.from_array(np.arange(6.0).reshape(3, 2), chunks=2))
    ...     y = fa.from_npy_stack(tmp)
    ...     y.chunks, y.compute()
    (((2, 1), (2,)), array([[0., 1.],
           [2., 3.],
           [4., 5.]]))
    """
    dirname = os.fspath(dirname)
    with open(os.path.join(dirname, "info"), "rb") as f:
        info = pickle.load(f)
    dtype = _supported(info["dtype"])
    chunks = tuple(tuple(int(n) for n in c) for c in info["chunks"])
    axis = info["axis"]
    calls = [
        (_load_npy, (os.path.join(dirname, f"{idx[axis]}.npy"), mmap_mode, dtype), {})
        for idx in np.ndindex(*(len(c) for c in chunks))
    ]
    name = f"from-npy-stack-{base.tokenize(dirname, mmap_mode, chunks)}"
    return from_calls(name, calls, chunks, dtype)


# -- store ----------------------------------------------------------------------------


def _target_index(
    region: tuple[Any, ...] | None, block: tuple[slice, ...], shape: tuple[int, ...] | None
) -> tuple[Any, ...]:
    """``block`` (slices into a source) as an index into the target, inside ``region``.

    Equivalent to ``target[region][block]``, as Dask's ``fuse_slice``.
    """
    if not region:
        return block
    out: list[Any] = []
    rest = list(block)
    for tax, r in enumerate(region):
        if isinstance(r, int | np.integer):
            out.append(int(r))
            continue
        if not isinstance(r, slice):
            raise TypeError(f"`regions` must hold slices and integers, got {type(r).__name__}")
        if not rest:
            raise ValueError("`region` has more sliced axes than the source has dimensions")
        b = rest.pop(0)
        if shape is not None and tax < len(shape):
            start, _, step = r.indices(shape[tax])
        else:
            start, step = r.start or 0, r.step or 1
            if start < 0:
                raise ValueError("a negative `region` start needs a target with a `shape`")
        if step < 1:
            raise NotImplementedError("`regions` with negative steps are not supported")
        if b.stop == b.start:
            out.append(slice(start, start))
        else:
            out.append(slice(start + b.start * step, start + (b.stop - 1) * step + 1, step))
    return (*out, *rest)


def _store_block(
    x: np.ndarray, out: Any, index: tuple[Any, ...], lock: Any, load_stored: bool, dtype: Any
) -> Any:
    """Write one block into ``out[index]`` (under ``lock``); return it read back if asked."""
    if lock:
        lock.acquire()
    try:
        if x is not None and np.size(x) != 0:
            out[index] = x
        return _as_block(out[index], dtype) if load_stored else None
    finally:
        if lock:
            lock.release()


def _load_block(out: Any, index: tuple[Any, ...], lock: Any, dtype: np.dtype) -> np.ndarray:
    if lock:
        lock.acquire()
    try:
        return _as_block(out[index], dtype)
    finally:
        if lock:
            lock.release()


def _done(*_: Any) -> None:
    """The final task of ``store(..., compute=False)``: every write done."""
    return None


def store(
    sources: Array | Sequence[Array],
    targets: Any,
    lock: bool | Any = True,
    regions: tuple[Any, ...] | Sequence[tuple[Any, ...]] | None = None,
    compute: bool = True,
    return_stored: bool = False,
    load_stored: bool | None = None,
    **kwargs: Any,
) -> Any:
    """Write ferrox arrays into array-likes block by block: ``target[region] = source``.

    Each block is computed and written by its own task, all in parallel, so
    the whole array is never in memory; the targets only need NumPy-style
    ``__setitem__`` (NumPy arrays, h5py datasets, zarr arrays, ...).

    Parameters
    ----------
    sources : Array or sequence of Arrays
        The data.
    targets : array-like or sequence of array-likes
        One target per source (a single one if ``sources`` is an Array).
    lock : bool or lock
        Guard every ``__setitem__`` with a lock: ``True`` makes one
        ``threading.Lock`` shared by all writes, ``False`` writes unlocked, or
        pass your own lock object.
    regions : tuple of slices or sequence of them, optional
        Where in each target its source goes: ``target[region]`` must have
        the source's shape. A single tuple applies to every target.
    compute : bool
        Write now (and return ``None``); otherwise return a ``Delayed`` that
        writes when computed.
    return_stored : bool
        Return the stored data as ferrox arrays reading from the targets
        (one per source; one array if ``sources`` is an Array).
    load_stored : bool, optional
        Accepted for Dask compatibility: with ``return_stored=True`` and
        ``compute=False`` each block of the result is always its written data
        read back right after its write (a block cannot be the target itself).
    **kwargs
        ``scheduler=`` and ``num_workers=`` for the computation.

    Returns
    -------
    None, Delayed, Array or tuple of Arrays

    Raises
    ------
    ValueError
        If a source is not a ferrox Array, or the numbers of sources, targets
        and regions differ.

    See Also
    --------
    Array.store, to_zarr

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.arange(6, chunks=4)
    >>> target = np.zeros(8, dtype=int)
    >>> fa.store(x, target, regions=(slice(2, 8),))
    >>> target
    array([0, 0, 0, 1, 2, 3, 4, 5])
    >>> later = fa.store([x], [target], compute=False)
    >>> later.compute()
    """
    if isinstance(sources, Array):
        sources = [sources]
        targets = [targets]
    sources = list(sources)
    targets = list(targets)
    if any(not isinstance(s, Array) for s in sources):
        raise ValueError("All sources must be ferrox array objects")
    if len(sources) != len(targets):
        raise ValueError(
            f"Different number of sources [{len(sources)}] and targets [{len(targets)}]"
        )
    if isinstance(regions, tuple) or regions is None:
        regions_list = [regions] * len(sources)
    else:
        regions_list = list(regions)
        if len(sources) != len(regions_list):
            raise ValueError(
                f"Different number of sources [{len(sources)}] and "
                f"targets [{len(targets)}] than regions [{len(regions_list)}]"
            )
    if lock is True:
        lock = threading.Lock()

    plans = []  # per source: (source, target, the target index of every block)
    for s, t, r in zip(sources, targets, regions_list, strict=True):
        shape = getattr(t, "shape", None)
        shape = tuple(shape) if shape is not None else None
        plans.append((s, t, [_target_index(r, b, shape) for b in _block_slices(s.chunks)]))

    def writes(load: bool) -> list[list[Delayed]]:
        return [
            [
                delayed(_store_block)(block, t, index, lock, load, s.dtype)
                for block, index in zip(s.to_delayed().ravel(), indices, strict=True)
            ]
            for s, t, indices in plans
        ]

    if return_stored and not compute:
        # Dask's blocks may be the targets themselves (``load_stored=False``);
        # a ferrox block must be data, so every block is read back after its write.
        arrays = [
            _from_block_values(ws, s.chunks, s.dtype)
            for ws, (s, _, _) in zip(writes(True), plans, strict=True)
        ]
        return arrays[0] if len(arrays) == 1 else tuple(arrays)

    all_writes = [w for ws in writes(False) for w in ws]
    if not compute:
        return delayed(_done, pure=False)(*all_writes)
    base.compute(*all_writes, **kwargs)
    if not return_stored:
        return None
    arrays = [
        _from_block_values(
            [delayed(_load_block)(t, i, lock, s.dtype) for i in ix], s.chunks, s.dtype
        )
        for s, t, ix in plans
    ]
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


# -- zarr ------------------------------------------------------------------------------


def _import_zarr(func: str) -> Any:
    try:
        import zarr
    except ImportError as err:
        raise ImportError(
            f"ferrox.array.{func} requires the zarr package: install it with `pip install zarr`"
        ) from err
    return zarr


def _setup_zarr_store(url: str, storage_options: dict[str, Any] | None, mode: str = "a") -> Any:
    """``url`` itself, or an fsspec store when ``storage_options`` are given (as in Dask)."""
    if not storage_options:
        return url
    from zarr import storage

    return storage.FsspecStore.from_url(url, read_only=mode == "r", storage_options=storage_options)


def from_zarr(
    url: Any,
    component: str | None = None,
    storage_options: dict[str, Any] | None = None,
    chunks: Any = None,
    name: str | None = None,
    inline_array: bool = False,
    **kwargs: Any,
) -> Array:
    """Load an array from the Zarr format, lazily: one read task per block.

    Parameters
    ----------
    url : zarr.Array, str, path or store
        The zarr array, or where it is: a local path, a URL (``s3://...``,
        needs fsspec) or a zarr store.
    component : str, optional
        Path of the array inside a zarr group at ``url``, like ``"foo/bar"``.
    storage_options : dict, optional
        Options of the fsspec storage backend for a URL.
    chunks : int, tuple or dict, optional
        The blocks of the result (default: the zarr array's chunks).
    name, inline_array
        Accepted for Dask compatibility (ferrox names its tasks itself).
    **kwargs
        Passed to ``zarr.open_array``.

    Raises
    ------
    ImportError
        If zarr is not installed.

    See Also
    --------
    to_zarr

    Examples
    --------
    >>> import tempfile, numpy as np, ferrox.array as fa
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa.to_zarr(fa.arange(10, chunks=4), tmp)
    ...     y = fa.from_zarr(tmp)
    ...     y.chunks, y.compute()
    (((4, 4, 2),), array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    """
    zarr = _import_zarr("from_zarr")
    if isinstance(url, zarr.Array):
        z = url
    elif isinstance(url, str | os.PathLike):
        store_ = _setup_zarr_store(os.fspath(url), storage_options, kwargs.get("mode", "a"))
        z = zarr.open_array(store=store_, path=component, **kwargs)
    else:
        z = zarr.open_array(store=url, path=component, **kwargs)
    dtype = _supported(z.dtype)
    if chunks is None:
        chunks = z.chunks
    chunks = _core.ArrayCore.normalize_chunks(chunks, list(z.shape), dtype.name)
    calls = [(_read_block, (z, index, dtype), {}) for index in _block_slices(chunks)]
    name = name or f"from-zarr-{base.tokenize(id(z), z.shape, str(z.dtype), chunks)}"
    return from_calls(name, calls, chunks, dtype)


def _check_regular_chunks(chunkset: Sequence[Sequence[int]]) -> bool:
    """Whether every axis has equal blocks but for a smaller last one (Zarr's grid)."""
    for chunks in chunkset:
        if len(chunks) == 1:
            continue
        if len(set(chunks[:-1])) > 1:
            return False
        if chunks[-1] > chunks[0]:
            return False
    return True


def _aligned_chunks(start: int, length: int, size: int) -> tuple[int, ...]:
    """Blocks of ``length`` elements from ``start`` whose edges fall on multiples of ``size``."""
    if length == 0:
        return (0,)
    out = []
    first = min(length, size - start % size)
    out.append(first)
    left = length - first
    while left > 0:
        out.append(min(size, left))
        left -= out[-1]
    return tuple(out)


def _write_to_existing_zarr(
    z: Any, arr: Array, region: tuple[Any, ...] | None, compute: bool, return_stored: bool
) -> Any:
    """Store ``arr`` into the zarr array ``z``, in blocks aligned with its chunks (or shards)."""
    write_chunks = z.shards if getattr(z, "shards", None) is not None else z.chunks
    if region is None:
        starts = [0] * arr.ndim
    else:
        index = _target_index(region, tuple(slice(0, n) for n in arr.shape), tuple(z.shape))
        sliced = [i for i in index if isinstance(i, slice)]
        if any(i.step not in (None, 1) for i in sliced) or len(index) != len(z.shape):
            raise NotImplementedError("`region` must be slices with step 1, one per axis")
        starts = [i.start for i in sliced]
        write_chunks = [c for c, i in zip(write_chunks, index, strict=True) if isinstance(i, slice)]
    chunks = tuple(
        _aligned_chunks(start, n, size)
        for start, n, size in zip(starts, arr.shape, write_chunks, strict=True)
    )
    arr = arr.rechunk(chunks)
    regions = [region] if region is not None else None
    return store(arr, z, lock=False, regions=regions, compute=compute, return_stored=return_stored)


def to_zarr(
    arr: Array,
    url: Any,
    component: str | None = None,
    storage_options: dict[str, Any] | None = None,
    region: tuple[Any, ...] | None = None,
    compute: bool = True,
    return_stored: bool = False,
    mode: str = "a",
    **zarr_array_kwargs: Any,
) -> Any:
    """Save an array in the Zarr format, every block written by its own task.

    Parameters
    ----------
    arr : Array
        The data.
    url : zarr.Array, str, path or store
        An existing zarr array to write into, or where to create one.
    component : str, optional
        Path of the new array inside a zarr group at ``url``.
    storage_options : dict, optional
        Options of the fsspec storage backend for a URL.
    region : tuple of slices, optional
        Where to write inside ``url`` when it is a ``zarr.Array``.
    compute, return_stored
        As for :func:`store`: ``compute=False`` creates the zarr array now
        and returns a ``Delayed`` that writes the data when computed.
    mode : {"a", "w", "w-", "r+"}
        ``"w"`` replaces an existing array; ``"r"`` is refused.
    **zarr_array_kwargs
        Passed to ``zarr.create_array`` (``overwrite=True``, ``compressors``,
        ``fill_value``, ...); ``shape``, ``chunks`` and ``dtype`` default to
        the array's.

    Raises
    ------
    ImportError
        If zarr is not installed.
    ValueError
        For ``region`` with a ``url`` that is not a ``zarr.Array``, ``mode="r"``,
        or both ``component`` and ``name``.

    Warns
    -----
    UserWarning
        If ``arr`` has irregular chunks, which Zarr cannot hold: like Dask, the
        array is then rechunked to its largest block along each axis.

    See Also
    --------
    from_zarr, store

    Examples
    --------
    >>> import tempfile, zarr, numpy as np, ferrox.array as fa
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fa.to_zarr(fa.from_array(np.arange(6.0).reshape(2, 3), chunks=2), tmp)
    ...     z = zarr.open_array(tmp, mode="r")
    ...     z.chunks, z[:]
    ((2, 2), array([[0., 1., 2.],
           [3., 4., 5.]]))
    """
    zarr = _import_zarr("to_zarr")
    zarr_array_kwargs = dict(zarr_array_kwargs)
    if component is not None and "name" in zarr_array_kwargs:
        raise ValueError(
            "Cannot specify both 'component' and 'name' in zarr_array_kwargs. Please use 'name' in "
            "zarr_array_kwargs"
        )
    io_store_related = {
        k: zarr_array_kwargs.pop(k) for k in ("mode", "readonly") if k in zarr_array_kwargs
    }
    if io_store_related:
        warnings.warn(
            "Passing opening/reading zarr store related arguments like 'mode' via **kwargs is "
            "deprecated. Please use the 'mode' parameter instead. **kwargs / zarr_array_kwargs "
            "are only for array related keyword arguments. See docstring of "
            "'**zarr_array_kwargs",
            FutureWarning,
            stacklevel=2,
        )
        mode = io_store_related.get("mode") or mode

    if isinstance(url, zarr.Array):
        return _write_to_existing_zarr(url, arr, region, compute, return_stored)

    if not _check_regular_chunks(arr.chunks):
        warnings.warn(
            "The array uses irregular chunk sizes. Rechunking to regular (uniform) chunks "
            "to ensure the data can be written safely. If you want to avoid this automatic "
            "rechunking, manually rechunk the array so that all chunks, except possibly the "
            "final chunk, in each dimension—have the same size (e.g., arr = arr.rechunk(...)).",
            UserWarning,
            stacklevel=2,
        )
        arr = arr.rechunk(tuple(max(c) for c in arr.chunks))
    if region is not None:
        raise ValueError("Cannot use `region` keyword when url is not a `zarr.Array`.")
    if mode == "r":
        raise ValueError("Cannot use mode `r` (read-only) when writing to zarr.")
    if isinstance(url, os.PathLike):
        url = os.fspath(url)
    zarr_store = _setup_zarr_store(url, storage_options, mode) if isinstance(url, str) else url

    zarr_array_kwargs.setdefault("shape", arr.shape)
    # empty arrays have blocks of length 0, which zarr does not accept
    zarr_array_kwargs.setdefault("chunks", tuple(max(c[0], 1) for c in arr.chunks))
    zarr_array_kwargs.setdefault("dtype", arr.dtype)
    array_name = component or zarr_array_kwargs.pop("name", None)
    lock = False
    if mode == "w":
        lock = True
        zarr_array_kwargs["overwrite"] = True
    zarr_array_kwargs["store"] = zarr_store
    if array_name:
        zarr_array_kwargs["name"] = array_name
    z = zarr.create_array(**zarr_array_kwargs)
    return store(arr, z, lock=lock, compute=compute, return_stored=return_stored)


__all__ = ["from_npy_stack", "from_zarr", "store", "to_npy_stack", "to_zarr"]
