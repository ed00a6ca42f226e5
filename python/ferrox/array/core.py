"""The ``Array`` collection: a lazy, chunked n-d array with NumPy's API.

The Python class only names things: every method builds a new expression in
Rust (``ferrox._core.ArrayCore``, ``src/python/array.rs``), validated on the
spot, and nothing runs until ``compute()``.
"""

from __future__ import annotations

import html
import math
import numbers
import operator
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ferrox import _core, base

SUPPORTED_DTYPES = ("bool", "uint8", "int32", "int64", "float32", "float64", "complex128")


def dtype_name(dtype: Any) -> str:
    """NumPy's name for ``dtype``, if ferrox supports it.

    Raises
    ------
    TypeError
        For a dtype ferrox does not support.
    """
    name = np.dtype(dtype).name
    if name not in SUPPORTED_DTYPES:
        raise TypeError(f"`dtype` must be one of {', '.join(SUPPORTED_DTYPES)}, got {name}")
    return name


def _core_of(x: Any) -> Any:
    """The operand as the Rust layer takes it: an ArrayCore or a Python scalar."""
    if isinstance(x, Array):
        return x._core
    if isinstance(x, bool | int | float | complex) and not isinstance(x, np.generic):
        return x
    if isinstance(x, np.ndarray | np.generic) or isinstance(x, numbers.Number):
        arr = np.asarray(x)
        if arr.dtype.name not in SUPPORTED_DTYPES:
            arr = arr.astype(
                np.result_type(arr.dtype, np.float64) if arr.dtype.kind in "fc" else arr.dtype
            )
        return _core.ArrayCore.from_numpy(arr, -1)
    if isinstance(x, list | tuple):
        return _core.ArrayCore.from_numpy(np.asarray(x), -1)
    raise TypeError(f"unsupported operand type: {type(x).__name__}")


def _fmt_bytes(n: float) -> str:
    for unit in ("B", "kiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1024
    return f"{n} B"


class Array:
    """A lazy n-d array cut into chunks, like ``dask.array.Array``.

    Build one with :func:`ferrox.array.from_array`, the creation functions
    or :mod:`ferrox.array.random`; operators, ufuncs and reductions give new
    arrays; ``compute()`` returns a ``numpy.ndarray``.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(12.0).reshape(3, 4), chunks=2)
    >>> x.chunks
    ((2, 1), (2, 2))
    >>> (x + 1).sum(axis=0).compute()
    array([15., 18., 21., 24.])
    """

    __slots__ = ("_core",)
    __array_priority__ = 11

    def __init__(self, core: _core.ArrayCore) -> None:
        self._core = core

    @classmethod
    def _from_core(cls, core: _core.ArrayCore) -> Array:
        return cls(core)

    # -- structure -----------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return tuple(self._core.shape)

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return len(self._core.shape)

    @property
    def dtype(self) -> np.dtype:
        """The element type, a ``numpy.dtype``."""
        return np.dtype(self._core.dtype)

    @property
    def size(self) -> int:
        """Number of elements."""
        return math.prod(self.shape)

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        """Bytes the computed array takes."""
        return self.size * self.itemsize

    @property
    def chunks(self) -> tuple[tuple[int, ...], ...]:
        """Block lengths along each axis, Dask's tuple of tuples."""
        return tuple(tuple(c) for c in self._core.chunks)

    @property
    def chunksize(self) -> tuple[int, ...]:
        """The largest block length along each axis."""
        return tuple(max(c) for c in self.chunks)

    @property
    def numblocks(self) -> tuple[int, ...]:
        """Number of blocks along each axis."""
        return tuple(len(c) for c in self.chunks)

    @property
    def npartitions(self) -> int:
        """Total number of blocks."""
        return math.prod(self.numblocks)

    @property
    def name(self) -> str:
        """The name of this array's block tasks."""
        return self._core.name

    @property
    def dask(self) -> dict[Any, Any]:
        """The task graph computing every block, as a Dask-style dict."""
        return self._core.to_dict()

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    # -- computing -------------------------------------------------------------
    def __ferrox_cores__(self) -> list[Any]:
        return [self._core.task()]

    def __ferrox_finalize__(self, values: list[Any]) -> Any:
        result = values[0]
        return result[()] if isinstance(result, np.ndarray) and result.ndim == 0 else result

    def __ferrox_rebuild__(self, values: list[Any]) -> Array:
        arr = np.asarray(values[0])
        return Array(_core.ArrayCore.from_numpy(arr, self.chunks))

    def __ferrox_persist__(self, scheduler: str, num_workers: int, progress: Any) -> Array:
        return Array(self._core.persist(scheduler, num_workers, progress))

    def __ferrox_task__(self) -> Any:
        return self._core.task()

    def compute(self, **kwargs: Any) -> Any:
        """Compute the array: a ``numpy.ndarray`` (a NumPy scalar for 0-d).

        Parameters
        ----------
        **kwargs
            ``scheduler=`` and ``num_workers=``, as for :func:`ferrox.compute`.
        """
        (result,) = base.compute(self, **kwargs)
        return result

    def persist(self, **kwargs: Any) -> Array:
        """Compute the array and keep its blocks in memory."""
        (result,) = base.persist(self, **kwargs)
        return result

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        result = np.asarray(self.compute())
        return result if dtype is None else result.astype(dtype, copy=False)

    def __bool__(self) -> bool:
        return bool(self.compute())

    def __float__(self) -> float:
        return float(self.compute())

    def __int__(self) -> int:
        return int(self.compute())

    def __complex__(self) -> complex:
        return complex(self.compute())

    def __index__(self) -> int:
        return int(self.compute())

    # -- reprs ---------------------------------------------------------------
    def __repr__(self) -> str:
        return (
            f"ferrox.array<{self.name.split('-')[0]}, shape={self.shape}, dtype={self.dtype}, "
            f"chunksize={self.chunksize}, chunktype=numpy.ndarray>"
        )

    def _repr_html_(self) -> str:
        """Dask's table: bytes and shape of the array and of its largest
        block, the block and task counts, the dtype. Nothing is computed."""
        chunk_bytes = math.prod(self.chunksize) * self.itemsize if self.shape else self.itemsize
        pairs = [
            ("Bytes", _fmt_bytes(self.nbytes), _fmt_bytes(chunk_bytes)),
            ("Shape", str(self.shape), str(self.chunksize)),
        ]
        spans = [
            ("Dask graph", f"{self.npartitions} chunks in {self._core.num_tasks()} tasks"),
            ("Data type", f"{self.dtype} numpy.ndarray"),
        ]
        body = "".join(
            f"<tr><th> {k} </th><td> {html.escape(a)} </td><td> {html.escape(c)} </td></tr>"
            for k, a, c in pairs
        ) + "".join(
            f'<tr><th> {k} </th><td colspan="2"> {html.escape(v)} </td></tr>' for k, v in spans
        )
        return (
            '<table style="border-collapse: collapse;"><thead><tr><td> </td>'
            "<th> Array </th><th> Chunk </th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )

    # -- elementwise -----------------------------------------------------------
    def _binary(self, op: str, other: Any, reflected: bool = False) -> Array:
        try:
            other_core = _core_of(other)
        except TypeError:
            return NotImplemented
        return Array(self._core.binary(op, other_core, reflected))

    def __matmul__(self, other: Any) -> Array:
        from ferrox.array.linalg import matmul

        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Array:
        from ferrox.array.linalg import matmul

        return matmul(other, self)

    def dot(self, other: Any) -> Array:
        """``self @ other``; see :func:`ferrox.array.dot`."""
        return self.__matmul__(other)

    @property
    def blocks(self) -> _BlockView:
        """Index the array by blocks: ``x.blocks[1, :2]`` is the array made of
        those blocks, as in Dask.

        Examples
        --------
        >>> import numpy as np, ferrox.array as fa
        >>> fa.from_array(np.arange(6), chunks=2).blocks[1].compute()
        array([2, 3])
        """
        return _BlockView(self)

    def to_delayed(self) -> np.ndarray:
        """One Delayed per block, in a NumPy object array shaped like the block grid.

        Examples
        --------
        >>> import numpy as np, ferrox.array as fa
        >>> parts = fa.from_array(np.arange(6), chunks=2).to_delayed()
        >>> parts.shape, parts[1].compute()
        ((3,), array([2, 3]))
        """
        from ferrox.delayed import Delayed

        out = np.empty(self.numblocks, dtype=object)
        for idx, core in zip(np.ndindex(*self.numblocks), self._core.block_tasks(), strict=True):
            out[idx] = Delayed(core)
        return out

    def map_blocks(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Array:
        """``func`` applied to every block; see :func:`ferrox.array.map_blocks`."""
        from ferrox.array.blockwise import map_blocks

        return map_blocks(func, self, *args, **kwargs)

    def map_overlap(
        self,
        func: Callable[..., Any],
        depth: Any,
        boundary: Any = None,
        trim: bool = True,
        **kw: Any,
    ) -> Array:
        """``func`` on blocks extended by their neighbours' margins; see
        :func:`ferrox.array.map_overlap`."""
        from ferrox.array.overlap import map_overlap

        return map_overlap(func, self, depth=depth, boundary=boundary, trim=trim, **kw)

    def astype(self, dtype: Any, **kwargs: Any) -> Array:
        """The array cast to ``dtype`` (NumPy's ``astype`` conversion rules)."""
        return Array(self._core.astype(dtype_name(dtype)))

    def __getitem__(self, index: Any) -> Array:
        from ferrox.array.indexing import getitem

        return getitem(self, index)

    def __iter__(self) -> Any:
        for i in range(len(self)):
            yield self[i]

    def transpose(self, *axes: Any) -> Array:
        """The array with its axes permuted (reversed by default), like ``numpy.transpose``."""
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], tuple | list)):
            axes = axes[0]
        return Array(self._core.transpose(list(axes) if axes else None))

    @property
    def T(self) -> Array:  # noqa: N802 - NumPy's name
        """The transposed array."""
        return self.transpose()

    def rechunk(self, chunks: Any = "auto", **kwargs: Any) -> Array:
        """The same values cut into other ``chunks``.

        As in Dask, an axis missing from a dict, or given as None, keeps its
        chunks; -1 is one block along the axis.

        Examples
        --------
        >>> import ferrox.array as fa
        >>> fa.ones((4, 6), chunks=2).rechunk({0: 1}).chunks
        ((1, 1, 1, 1), (2, 2, 2))
        """
        if isinstance(chunks, dict):
            by_axis = {ax % self.ndim if self.ndim else ax: c for ax, c in chunks.items()}
            chunks = tuple(by_axis.get(ax) for ax in range(self.ndim))
        if isinstance(chunks, tuple | list) and len(chunks) == self.ndim:
            chunks = tuple(self.chunks[ax] if c is None else c for ax, c in enumerate(chunks))
        return Array(self._core.rechunk(chunks))

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        from ferrox.array import linalg, ufuncs

        if method != "__call__" or kwargs.get("out") is not None:
            return NotImplemented
        if ufunc is np.matmul:
            return linalg.matmul(*inputs, **kwargs)
        wrapper = getattr(ufuncs, ufunc.__name__, None)
        if wrapper is None:
            return NotImplemented
        return wrapper(*inputs, **kwargs)

    def __array_function__(
        self, func: Callable[..., Any], types: Sequence[type], args: Any, kwargs: Any
    ) -> Any:
        import ferrox.array as fa

        if func in _METADATA:
            return _METADATA[func](*args, **kwargs)
        # `numpy.linalg.norm` is `ferrox.array.linalg.norm`, and so on.
        namespace: Any = fa
        for part in func.__module__.split(".")[1:]:
            if not part.startswith("_"):
                namespace = getattr(namespace, part, None)
        ours = getattr(namespace, func.__name__, None)
        if ours is not None and callable(ours) and ours is not func:
            return ours(*args, **kwargs)
        warnings.warn(
            f"`numpy.{func.__name__}` is not implemented by ferrox.array: the arrays are "
            "computed and NumPy runs the call eagerly",
            UserWarning,
            stacklevel=2,
        )
        concrete = [np.asarray(a) if isinstance(a, Array) else a for a in args]
        return func(*concrete, **kwargs)

    # -- reductions ------------------------------------------------------------
    def _reduce(self, op: str, axis: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        split_every = kw.pop("split_every", None)
        dtype = kw.pop("dtype", None)
        ddof = kw.pop("ddof", 0)
        out = kw.pop("out", None)
        if out is not None:
            raise ValueError("`out` is not supported: ferrox arrays are immutable")
        if kw:
            raise TypeError(f"{op}() got unexpected keyword arguments {sorted(kw)}")
        if isinstance(axis, list):
            axis = tuple(axis)
        if op in ("argmin", "argmax") and axis is not None:
            axis = operator.index(axis)  # NumPy's TypeError for a tuple
        elif isinstance(axis, tuple):
            axis = tuple(operator.index(a) for a in axis)
        elif axis is not None:
            axis = operator.index(axis)
        if self.dtype.kind == "c" and op in ("var", "std", "nanvar", "nanstd"):
            return self._complex_moment(op, axis, keepdims, ddof, split_every)
        return Array(
            self._core.reduce(
                op,
                axis,
                keepdims,
                float(ddof),
                None if dtype is None else dtype_name(dtype),
                split_every,
            )
        )

    def _complex_moment(
        self, op: str, axis: Any, keepdims: bool, ddof: float, split_every: Any
    ) -> Array:
        """``var`` / ``std`` of a complex array: the variance is the sum of the
        real and imaginary parts' variances (NumPy's ``mean(abs(x - x.mean())**2)``)."""
        from ferrox.array import ufuncs

        x = self
        if op.startswith("nan"):
            # A NaN in either part drops the element from both parts.
            x = ufuncs.where(ufuncs.isnan(x), complex(np.nan, np.nan), x)
        var = "nanvar" if op.startswith("nan") else "var"
        kw = {"split_every": split_every, "ddof": ddof}
        total = ufuncs.real(x)._reduce(var, axis, keepdims, **kw) + ufuncs.imag(x)._reduce(
            var, axis, keepdims, **kw
        )
        return ufuncs.sqrt(total) if op.endswith("std") else total

    def reshape(self, *shape: Any, **kwargs: Any) -> Array:
        """The elements in C order with another shape (one entry may be -1).

        Examples
        --------
        >>> import numpy as np, ferrox.array as fa
        >>> fa.arange(6, chunks=4).reshape(2, 3).compute()
        array([[0, 1, 2],
               [3, 4, 5]])
        """
        if len(shape) == 1 and isinstance(shape[0], tuple | list):
            shape = tuple(shape[0])
        if kwargs.get("order", "C") != "C":
            raise NotImplementedError("reshape(order='F') is not supported")
        return Array(self._core.reshape([int(n) for n in shape]))

    def ravel(self) -> Array:
        """The elements as a 1-d array, in C order."""
        return self.reshape(-1)

    flatten = ravel

    def _scan(self, op: str, axis: Any, dtype: Any) -> Array:
        target = self
        if axis is None:
            target = self.ravel()
            axis = 0
        name = None if dtype is None else dtype_name(dtype)
        return Array(target._core.scan(op, int(axis), name))

    def cumsum(self, axis: Any = None, dtype: Any = None, **kw: Any) -> Array:
        """Cumulative sum along ``axis``; see :func:`ferrox.array.cumsum`."""
        return self._scan("cumsum", axis, dtype)

    def cumprod(self, axis: Any = None, dtype: Any = None, **kw: Any) -> Array:
        """Cumulative product along ``axis``."""
        return self._scan("cumprod", axis, dtype)

    def sum(self, axis: Any = None, dtype: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        """Sum over ``axis``; see :func:`ferrox.array.sum`."""
        return self._reduce("sum", axis, keepdims, dtype=dtype, **kw)

    def prod(self, axis: Any = None, dtype: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        """Product over ``axis``."""
        return self._reduce("prod", axis, keepdims, dtype=dtype, **kw)

    def mean(self, axis: Any = None, dtype: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        """Mean over ``axis``."""
        return self._reduce("mean", axis, keepdims, dtype=dtype, **kw)

    def std(
        self,
        axis: Any = None,
        dtype: Any = None,
        keepdims: bool = False,
        ddof: float = 0,
        **kw: Any,
    ) -> Array:
        """Standard deviation over ``axis`` with ``ddof`` delta degrees of freedom."""
        return self._reduce("std", axis, keepdims, dtype=dtype, ddof=ddof, **kw)

    def var(
        self,
        axis: Any = None,
        dtype: Any = None,
        keepdims: bool = False,
        ddof: float = 0,
        **kw: Any,
    ) -> Array:
        """Variance over ``axis`` with ``ddof`` delta degrees of freedom."""
        return self._reduce("var", axis, keepdims, dtype=dtype, ddof=ddof, **kw)

    def min(self, axis: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        """Minimum over ``axis`` (NaN propagates, as in NumPy)."""
        return self._reduce("min", axis, keepdims, **kw)

    def max(self, axis: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        """Maximum over ``axis`` (NaN propagates, as in NumPy)."""
        return self._reduce("max", axis, keepdims, **kw)

    def any(self, axis: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        """Whether any element along ``axis`` is true."""
        return self._reduce("any", axis, keepdims, **kw)

    def all(self, axis: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        """Whether every element along ``axis`` is true."""
        return self._reduce("all", axis, keepdims, **kw)

    def argmin(self, axis: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        """Index of the minimum along ``axis`` (flat index for ``axis=None``)."""
        return self._reduce("argmin", axis, keepdims, **kw)

    def argmax(self, axis: Any = None, keepdims: bool = False, **kw: Any) -> Array:
        """Index of the maximum along ``axis`` (flat index for ``axis=None``)."""
        return self._reduce("argmax", axis, keepdims, **kw)

    # -- NumPy's other methods ---------------------------------------------------
    @property
    def real(self) -> Array:
        """The real part; see ``numpy.real``."""
        from ferrox.array import ufuncs

        return ufuncs.real(self)

    @property
    def imag(self) -> Array:
        """The imaginary part; see ``numpy.imag``."""
        from ferrox.array import ufuncs

        return ufuncs.imag(self)

    def conj(self) -> Array:
        """The complex conjugate, elementwise."""
        from ferrox.array import ufuncs

        return ufuncs.conjugate(self)

    conjugate = conj

    def clip(self, min: Any = None, max: Any = None, **kwargs: Any) -> Array:  # noqa: A002
        """Values limited to ``[min, max]``; see :func:`ferrox.array.clip`."""
        from ferrox.array import ufuncs

        return ufuncs.clip(self, min, max, **kwargs)

    def round(self, decimals: int = 0) -> Array:
        """Values rounded to ``decimals`` places; see :func:`ferrox.array.round`."""
        from ferrox.array import ufuncs

        return ufuncs.round(self, decimals)

    def squeeze(self, axis: Any = None) -> Array:
        """The array without its length-1 axes; see :func:`ferrox.array.squeeze`."""
        from ferrox.array.manipulation import squeeze

        return squeeze(self, axis)

    def swapaxes(self, axis1: int, axis2: int) -> Array:
        """The array with two axes exchanged; see :func:`ferrox.array.swapaxes`."""
        from ferrox.array.creation import swapaxes

        return swapaxes(self, axis1, axis2)

    def copy(self) -> Array:
        """The array itself: ferrox arrays are immutable, as Dask's are."""
        return self

    def __divmod__(self, other: Any) -> tuple[Array, Array]:
        return self // other, self % other

    def __rdivmod__(self, other: Any) -> tuple[Array, Array]:
        return other // self, other % self

    # -- storage ---------------------------------------------------------------
    def store(self, target: Any, **kwargs: Any) -> Any:
        """Write the array into ``target`` block by block; see :func:`ferrox.array.store`."""
        from ferrox.array.io import store

        return store([self], [target], **kwargs)

    def to_zarr(self, *args: Any, **kwargs: Any) -> Any:
        """Save the array in the Zarr format; see :func:`ferrox.array.to_zarr`."""
        from ferrox.array.io import to_zarr

        return to_zarr(self, *args, **kwargs)


class _BlockView:
    """``Array.blocks``: indexing by block numbers instead of elements."""

    __slots__ = ("_array",)

    def __init__(self, array: Array) -> None:
        self._array = array

    def __getitem__(self, index: Any) -> Array:
        from ferrox.array.creation import concatenate

        a = self._array
        index = index if isinstance(index, tuple) else (index,)
        if any(i is None for i in index):
            raise ValueError("Slicing with np.newaxis or None is not supported")
        if sum(isinstance(i, list | np.ndarray) for i in index) > 1:
            raise ValueError("Can only slice with a single list")
        dots = [i for i, item in enumerate(index) if item is Ellipsis]
        if dots:
            at = dots[0]
            index = (*index[:at], *[slice(None)] * (a.ndim - len(index) + 1), *index[at + 1 :])
        if len(index) > a.ndim:
            raise IndexError("Too many indices for array")
        out = a
        for axis, item in enumerate(index):
            n = len(a.chunks[axis])
            offsets = np.concatenate([[0], np.cumsum(a.chunks[axis], dtype=np.int64)])
            if isinstance(item, slice):
                picked = list(range(n))[item]
            elif isinstance(item, list | np.ndarray):
                picked = [int(i) for i in np.asarray(item).ravel()]
            else:
                picked = [operator.index(item)]
            for i in picked:
                if not -n <= i < n:
                    raise IndexError(f"Index {i} is out of bounds for axis {axis} with size {n}")
            picked = [i % n for i in picked]
            lead = (slice(None),) * axis
            if not picked:
                out = out[(*lead, slice(0, 0))]
            elif picked == list(range(picked[0], picked[-1] + 1)):
                out = out[(*lead, slice(int(offsets[picked[0]]), int(offsets[picked[-1] + 1])))]
            else:
                # Blocks out of order or skipped: one piece per block keeps
                # each block's chunk, as in Dask.
                pieces = [out[(*lead, slice(int(offsets[i]), int(offsets[i + 1])))] for i in picked]
                out = concatenate(pieces, axis=axis)
        return out

    @property
    def size(self) -> int:
        """Number of blocks."""
        return self._array.npartitions

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of blocks along each axis."""
        return self._array.numblocks


_METADATA: dict[Callable[..., Any], Callable[..., Any]] = {
    np.shape: lambda a: a.shape,
    np.ndim: lambda a: a.ndim,
    np.size: lambda a, axis=None: a.size if axis is None else a.shape[axis],
}


def _bind(name: str, op: str, reflected: bool = False) -> None:
    def method(self: Array, other: Any) -> Array:
        return self._binary(op, other, reflected)

    method.__name__ = name
    setattr(Array, name, method)


for _name, _op in [
    ("add", "add"),
    ("sub", "subtract"),
    ("mul", "multiply"),
    ("truediv", "divide"),
    ("floordiv", "floor_divide"),
    ("mod", "remainder"),
    ("pow", "power"),
    ("and", "bitwise_and"),
    ("or", "bitwise_or"),
    ("xor", "bitwise_xor"),
    ("lshift", "left_shift"),
    ("rshift", "right_shift"),
]:
    _bind(f"__{_name}__", _op)
    _bind(f"__r{_name}__", _op, reflected=True)
for _name, _op in [
    ("eq", "equal"),
    ("ne", "not_equal"),
    ("lt", "less"),
    ("le", "less_equal"),
    ("gt", "greater"),
    ("ge", "greater_equal"),
]:
    _bind(f"__{_name}__", _op)


def _unary_method(name: str, op: str) -> None:
    def method(self: Array) -> Array:
        return Array(self._core.unary(op))

    method.__name__ = name
    setattr(Array, name, method)


for _name, _op in [
    ("neg", "negative"),
    ("pos", "positive"),
    ("abs", "absolute"),
    ("invert", "invert"),
]:
    _unary_method(f"__{_name}__", _op)

Array.__hash__ = object.__hash__  # type: ignore[method-assign] # __eq__ is elementwise
