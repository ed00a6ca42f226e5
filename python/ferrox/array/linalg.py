"""Linear algebra: ``matmul`` / ``@``, ``dot``, ``tensordot``, ``einsum``,
``linalg.norm`` and the QR and SVD of tall-and-skinny matrices.

Products are blocked (``src/array/linalg.rs``): block ``(i, j)`` of
``a @ b`` sums the products of ``a``'s block row ``i`` and ``b``'s block
column ``j`` in one task. ``tensordot`` moves the summed axes together and
reshapes both operands to matrices for that product. ``einsum`` lines the
operands' axes up by label, multiplies them with broadcasting and sums the
labels the output lacks; a two-operand contraction without batch labels goes
through ``tensordot`` instead.

``qr`` and ``svd`` follow Dask's direct TSQR (Benson, Gleich and Demmel,
2013): a NumPy QR per row block, one QR of the stacked R factors, then each
block's Q times its slice of the second Q. The NumPy calls run in
``map_blocks`` tasks (LAPACK releases the GIL); everything else is lazy
ferrox operations.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from ferrox.array import _blas
from ferrox.array.blockwise import map_blocks
from ferrox.array.core import Array
from ferrox.array.creation import arange, asarray, concatenate


def _numpy_error(func: Callable[..., Any], *arrays: Array, **kwargs: Any) -> NoReturn:
    """Raise the error NumPy's ``func`` raises for arrays of these shapes and dtypes.

    Only for shapes already known to be invalid: the arguments are zero-stride
    views, so NumPy rejects them before any computing.
    """
    views = [np.broadcast_to(np.zeros((), a.dtype), a.shape) for a in arrays]
    func(*views, **kwargs)
    raise AssertionError(f"numpy.{func.__name__} accepted shapes ferrox rejects")


def matmul(a: Any, b: Any) -> Array:
    """``numpy.matmul``, lazily, stacks of matrices included.

    Matrices use the blocked product; stacks (more than two axes) broadcast
    their leading axes as NumPy does and go through :func:`einsum`.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> a = fa.from_array(np.arange(6.0).reshape(2, 3), chunks=2)
    >>> (a @ a.T).compute()
    array([[ 5., 14.],
           [14., 50.]])
    >>> s = fa.from_array(np.arange(12.0).reshape(2, 2, 3), chunks=1)
    >>> (s @ a.T).shape
    (2, 2, 2)
    """
    a, b = asarray(a), asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: Input operand 0 does not have enough dimensions")
    if a.ndim > 2 or b.ndim > 2:
        return _stacked_matmul(a, b)
    left = a[None, :] if a.ndim == 1 else a
    right = b[:, None] if b.ndim == 1 else b
    _blas.load()
    out = Array(left._core.matmul(right._core))
    if a.ndim == 1 and b.ndim == 1:
        return out[0, 0]
    if a.ndim == 1:
        return out[0]
    if b.ndim == 1:
        return out[:, 0]
    return out


def _stacked_matmul(a: Array, b: Array) -> Array:
    left = a[None, :] if a.ndim == 1 else a
    right = b[:, None] if b.ndim == 1 else b
    try:
        np.broadcast_shapes(left.shape[:-2], right.shape[:-2])
    except ValueError:
        _numpy_error(np.matmul, a, b)
    if left.shape[-1] != right.shape[-2]:
        _numpy_error(np.matmul, a, b)
    dtype = np.matmul(np.ones((1, 1), a.dtype), np.ones((1, 1), b.dtype)).dtype
    batch = max(left.ndim, right.ndim) - 2
    out = _contract(
        [left, right],
        [
            [*_ellipsis_labels(batch, left.ndim - 2), "i", "j"],
            [*_ellipsis_labels(batch, right.ndim - 2), "j", "k"],
        ],
        [*_ellipsis_labels(batch, batch), "i", "k"],
        dtype,
    )
    if a.ndim == 1:
        out = out[(slice(None),) * (out.ndim - 2) + (0,)]
    if b.ndim == 1:
        out = out[(slice(None),) * (out.ndim - 1) + (0,)]
    return out


def dot(a: Any, b: Any) -> Array:
    """``numpy.dot``, lazily: ``matmul`` for 1-d and 2-d arrays, a sum over the
    last axis of ``a`` and the second-to-last of ``b`` for more axes.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> a = fa.from_array(np.arange(6.0).reshape(2, 3), chunks=2)
    >>> fa.dot(a, np.ones(3)).compute()
    array([ 3., 12.])
    """
    a, b = asarray(a), asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        _numpy_error(np.dot, a, b)
    if a.ndim <= 2 and b.ndim <= 2:
        return matmul(a, b)
    axis_b = max(b.ndim - 2, 0)
    if a.shape[-1] != b.shape[axis_b]:
        _numpy_error(np.dot, a, b)
    return tensordot(a, b, axes=([a.ndim - 1], [axis_b]))


def _svd_values(x: Array, row_axis: int, col_axis: int) -> Array:
    """The singular values of a 2-d ``x`` with its rows along ``row_axis``,
    via :func:`svd` (one axis is put in a single block if both are cut)."""
    if x.ndim != 2:
        raise NotImplementedError("norm with ord=2, -2 or 'nuc' needs a 2-d array")
    y = x if row_axis < col_axis else x.T
    if y.numblocks[0] > 1 and y.numblocks[1] > 1:
        y = y.rechunk({1: -1}) if y.shape[1] <= y.shape[0] else y.rechunk({0: -1})
    return svd(y, coerce_signs=False)[1]


def _vector_norm(x: Array, ord: Any, axis: tuple[int, ...], keepdims: bool) -> Array:
    from ferrox.array import ufuncs
    from ferrox.array.creation import zeros

    if ord == np.inf:
        if x.shape[axis[0]] == 0:  # NumPy's `initial=0`
            shape = x.sum(axis=axis, keepdims=keepdims).shape
            return zeros(shape, dtype=ufuncs.absolute(x).dtype)
        return ufuncs.absolute(x).max(axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return ufuncs.absolute(x).min(axis=axis, keepdims=keepdims)
    if ord == 0:
        real = ufuncs.real(x).dtype
        return (x != 0).astype(real).sum(axis=axis, keepdims=keepdims)
    if ord == 1:
        return ufuncs.absolute(x).sum(axis=axis, keepdims=keepdims)
    if ord is None or ord == 2:
        s = ufuncs.real(ufuncs.conjugate(x) * x)
        return ufuncs.sqrt(s.sum(axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    total = (ufuncs.absolute(x) ** ord).sum(axis=axis, keepdims=keepdims)
    return total ** np.reciprocal(float(ord), dtype=total.dtype)


def _matrix_norm(x: Array, ord: Any, axis: tuple[int, ...], keepdims: bool) -> Array:
    from ferrox.array import ufuncs
    from ferrox.array.creation import zeros

    row_axis, col_axis = (normalize_axis_index(a, x.ndim) for a in axis)
    if row_axis == col_axis:
        raise ValueError("Duplicate axes given.")
    a = ufuncs.absolute(x)
    if ord in (2, -2, "nuc"):
        s = _svd_values(x, row_axis, col_axis)
        ret = s.max() if ord == 2 else s.min() if ord == -2 else s.sum()
    elif ord in (1, -1, np.inf, -np.inf):
        # 1: largest column sum; inf: largest row sum (smallest for -1, -inf).
        summed, other = (row_axis, col_axis) if ord in (1, -1) else (col_axis, row_axis)
        if other > summed:
            other -= 1
        sums = a.sum(axis=summed)
        if ord in (1, np.inf) and sums.shape[other] == 0:  # NumPy's `initial=0`
            ret = zeros(sums.sum(axis=other).shape, dtype=sums.dtype)
        else:
            ret = sums.max(axis=other) if ord in (1, np.inf) else sums.min(axis=other)
    elif ord in (None, "fro", "f"):
        ret = ufuncs.sqrt(ufuncs.real(ufuncs.conjugate(x) * x).sum(axis=(row_axis, col_axis)))
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        shape = list(x.shape)
        shape[row_axis] = shape[col_axis] = 1
        ret = ret.reshape(shape)
    return ret


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Array:
    """``numpy.linalg.norm``, lazily: vector norms of any order and the matrix
    norms ``None``/``"fro"``, ``1``, ``-1``, ``inf``, ``-inf``, ``2``, ``-2``
    and ``"nuc"`` (the last three from the singular values of a 2-d array,
    through :func:`svd`).

    Parameters
    ----------
    x : array_like
    ord : {None, int, float, inf, -inf, "fro", "nuc"}
        Order of the norm, as in NumPy.
    axis : None, int or 2-tuple of ints
        A vector norm along one axis, a matrix norm over two; ``None``: the
        whole array (a vector if 1-d, a matrix if 2-d).
    keepdims : bool
        Keep the normed axes with length 1.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> float(fa.linalg.norm(fa.from_array(np.array([3.0, 4.0]), chunks=1)).compute())
    5.0
    >>> m = fa.from_array(np.arange(9.0).reshape(3, 3) - 4, chunks=2)
    >>> float(fa.linalg.norm(m, ord=np.inf).compute())
    9.0
    """
    from ferrox.array import ufuncs

    x = asarray(x)
    if x.dtype.kind not in "fc":
        x = x.astype(np.float64)
    if axis is None:
        ndim = x.ndim
        if ord is None or (ord in ("f", "fro") and ndim == 2) or (ord == 2 and ndim == 1):
            ret = ufuncs.sqrt(ufuncs.real(ufuncs.conjugate(x) * x).sum())
            return ret.reshape([1] * ndim) if keepdims else ret
        axis = tuple(range(ndim))
    elif not isinstance(axis, tuple):
        try:
            axis = (int(axis),)
        except Exception as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        return _vector_norm(x, ord, axis, keepdims)
    if len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def tensordot(a: Any, b: Any, axes: Any = 2) -> Array:
    """``numpy.tensordot``, lazily: sum products over ``axes`` of ``a`` and ``b``.

    The summed axes of ``a`` move last and those of ``b`` first; both become
    matrices (one block along every axis but the first, when a reshape is
    needed) for the blocked matrix product, whose result takes the free axes'
    shape. When the free axes of one side hold a single element (a vector or
    scalar result), the operands are multiplied and summed block by block
    instead.

    Parameters
    ----------
    a, b : array_like
    axes : int or (sequence of int, sequence of int)
        ``N`` sums the last ``N`` axes of ``a`` with the first ``N`` of ``b``;
        a pair lists the axes of ``a`` and ``b`` to sum, in matching order.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> a = fa.from_array(np.arange(24.0).reshape(2, 3, 4), chunks=2)
    >>> b = fa.from_array(np.ones((4, 3)), chunks=2)
    >>> fa.tensordot(a, b, axes=([1, 2], [1, 0])).compute()
    array([ 66., 210.])
    """
    try:
        iter(axes)
    except Exception:  # noqa: BLE001 - NumPy's test for an int
        axes_a, axes_b = list(range(-axes, 0)), list(range(axes))
    else:
        axes_a, axes_b = axes
    try:
        na, axes_a = len(axes_a), list(axes_a)
    except TypeError:
        axes_a, na = [axes_a], 1
    try:
        nb, axes_b = len(axes_b), list(axes_b)
    except TypeError:
        axes_b, nb = [axes_b], 1
    if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
        raise ValueError("duplicate axes are not allowed in tensordot")
    a, b = asarray(a), asarray(b)
    equal = na == nb
    if equal:
        for k in range(na):
            if a.shape[axes_a[k]] != b.shape[axes_b[k]]:
                equal = False
                break
            axes_a[k] %= a.ndim
            axes_b[k] %= b.ndim
    if not equal:
        raise ValueError("shape-mismatch for sum")
    free_a = [k for k in range(a.ndim) if k not in axes_a]
    free_b = [k for k in range(b.ndim) if k not in axes_b]
    shape_a = [a.shape[k] for k in free_a]
    shape_b = [b.shape[k] for k in free_b]
    if math.prod(shape_a) == 1 or math.prod(shape_b) == 1:
        # A vector result: multiplying and summing block by block beats
        # reshaping a whole side into one block for the matrix product.
        dtype = np.dot(np.ones((1, 1), a.dtype), np.ones((1, 1), b.dtype)).dtype
        labels_a = [f"a{k}" for k in range(a.ndim)]
        labels_b = [f"b{k}" for k in range(b.ndim)]
        for ax_a, ax_b in zip(axes_a, axes_b):
            labels_b[ax_b] = labels_a[ax_a]
        out = [labels_a[k] for k in free_a] + [labels_b[k] for k in free_b]
        return _broadcast_contract(
            [(_cast(a, dtype), labels_a), (_cast(b, dtype), labels_b)], out, dtype
        )
    summed = math.prod(a.shape[k] for k in axes_a)
    left = a.transpose(free_a + axes_a).reshape(math.prod(shape_a), summed)
    right = b.transpose(axes_b + free_b).reshape(summed, math.prod(shape_b))
    _blas.load()
    return Array(left._core.matmul(right._core)).reshape(shape_a + shape_b)


_EINSUM_SYMBOLS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _ellipsis_labels(total: int, count: int) -> list[str]:
    """Labels of an operand's ``count`` broadcast axes among ``total``, right-aligned."""
    return [f".{total - count + j}" for j in range(count)]


def _einsum_operands(operands: tuple[Any, ...]) -> tuple[list[Any], Callable[..., tuple]]:
    """The arrays among einsum's arguments, and how to rebuild the arguments
    around other arrays (NumPy's forms: ``("ij,jk->ik", a, b)`` or
    ``(a, [0, 1], b, [1, 2], [0, 2])``)."""
    if not operands or isinstance(operands[0], str):
        head = operands[:1]
        return list(operands[1:]), lambda *ops: (*head, *ops)
    pairs = operands[: len(operands) - len(operands) % 2]
    # Arrays misplaced as sublists go to NumPy as ones, for NumPy's error.
    sublists, output = (
        [np.ones((1,) * s.ndim, s.dtype) if isinstance(s, Array) else s for s in part]
        for part in (pairs[1::2], operands[len(pairs) :])
    )

    def rebuild(*ops: Any) -> tuple:
        return (*[x for pair in zip(ops, sublists) for x in pair], *output)

    return list(pairs[0::2]), rebuild


def _einsum_subscripts(operands: tuple[Any, ...]) -> str:
    """The subscripts string of valid einsum arguments, sublists spelt as letters."""
    if isinstance(operands[0], str):
        return operands[0]

    def letters(sublist: Any) -> str:
        return "".join("..." if s is Ellipsis else _EINSUM_SYMBOLS[int(s)] for s in sublist)

    pairs = operands[: len(operands) - len(operands) % 2]
    arrow = "".join(f"->{letters(s)}" for s in operands[len(pairs) :])
    return ",".join(letters(s) for s in pairs[1::2]) + arrow


def _einsum_labels(subscripts: str, ndims: list[int]) -> tuple[list[list[str]], list[str]]:
    """Each operand's axis labels and the output's, for valid ``subscripts``.

    Letters label themselves; the axes under ``...`` get ``".0"``, ``".1"``,
    ... counted from the left of the broadcast ellipsis shape.
    """
    lhs, arrow, rhs = subscripts.replace(" ", "").partition("->")
    terms = lhs.split(",")
    counts = [ndim - len(t) + 3 if "..." in t else 0 for t, ndim in zip(terms, ndims)]
    total = max(counts, default=0)
    labels = []
    for term, count in zip(terms, counts):
        before, _, after = term.partition("...")
        labels.append([*before, *_ellipsis_labels(total, count), *after])
    if arrow:
        before, _, after = rhs.partition("...")
        out = [*before, *(_ellipsis_labels(total, total) if "..." in rhs else []), *after]
    else:
        letters = Counter(c for t in terms for c in t.replace("...", ""))
        out = _ellipsis_labels(total, total) + sorted(c for c, n in letters.items() if n == 1)
    return labels, out


def _shapes_broadcast(arrays: list[Array], labels: list[list[str]]) -> bool:
    """Whether each label's lengths agree: equal within an operand, equal or 1 across."""
    sizes: dict[str, set[int]] = {}
    for x, labs in zip(arrays, labels):
        own: dict[str, int] = {}
        for label, n in zip(labs, x.shape):
            if own.setdefault(label, n) != n:
                return False
        for label, n in own.items():
            sizes.setdefault(label, set()).add(n)
    return all(len(s - {1}) <= 1 for s in sizes.values())


def _cast(x: Array, dtype: Any) -> Array:
    return x if x.dtype == dtype else x.astype(dtype)


def _sum(x: Array, axes: Sequence[int], dtype: np.dtype) -> Array:
    """``x`` summed over ``axes`` in ``dtype`` (a logical or for booleans, as einsum)."""
    if not axes:
        return x
    if dtype == np.bool_:
        return x.any(axis=tuple(axes))
    return x.sum(axis=tuple(axes), dtype=dtype)


def _diagonal(x: Array, p: int, q: int, dtype: np.dtype) -> Array:
    """The diagonal of axes ``p < q`` of ``x``, on axis ``p`` (axis ``q`` removed)."""
    from ferrox.array.ufuncs import where

    n = x.shape[p]

    def along(axis: int) -> Array:
        return arange(n)[tuple(slice(None) if i == axis else None for i in range(x.ndim))]

    kept = where(along(p) == along(q), x, 0).astype(dtype)
    return _sum(kept, [q], dtype)


def _transposed(x: Array, labels: list[str], order: list[str]) -> Array:
    """``x`` with its axes in the order their labels have in ``order``."""
    perm = sorted(range(len(labels)), key=lambda i: order.index(labels[i]))
    return x if perm == list(range(len(labels))) else x.transpose(perm)


def _contract(
    arrays: list[Array], labels: list[list[str]], out: list[str], dtype: np.dtype
) -> Array:
    """The einsum of ``arrays`` (axes named by ``labels``) with ``out``'s labels."""
    ops = []
    for x, labs in zip(arrays, labels):
        x = _cast(x, dtype)
        labs = list(labs)
        while len(set(labs)) < len(labs):
            p = next(i for i, label in enumerate(labs) if labs.count(label) > 1)
            q = labs.index(labs[p], p + 1)
            x, labs = _diagonal(x, p, q, dtype), labs[:q] + labs[q + 1 :]
        ops.append((x, labs))
    # Sum first the labels that one operand has and the output lacks.
    owners = Counter(label for _, labs in ops for label in labs)
    for i, (x, labs) in enumerate(ops):
        drop = [k for k, label in enumerate(labs) if owners[label] == 1 and label not in out]
        ops[i] = (_sum(x, drop, dtype), [label for k, label in enumerate(labs) if k not in drop])
    if len(ops) == 2:
        (a, la), (b, lb) = ops
        shared = [label for label in la if label in lb]
        if all(
            label not in out and a.shape[la.index(label)] == b.shape[lb.index(label)]
            for label in shared
        ):
            res = tensordot(
                a, b, axes=([la.index(s) for s in shared], [lb.index(s) for s in shared])
            )
            free = [label for label in la + lb if label not in shared]
            return _transposed(res, free, out)
    return _broadcast_contract(ops, out, dtype)


def _broadcast_contract(ops: list[tuple[Array, list[str]]], out: list[str], dtype: Any) -> Array:
    """The product of the operands with their axes lined up by label (length-1
    axes for the labels one lacks), summed over the labels ``out`` lacks.

    Each operand has ``dtype`` and no repeated label.
    """
    summed = list(dict.fromkeys(label for _, labs in ops for label in labs if label not in out))
    full = out + summed
    product = None
    for x, labs in ops:
        x = _transposed(x, labs, full)
        if len(labs) < len(full):
            x = x[tuple(slice(None) if label in labs else None for label in full)]
        product = x if product is None else product * x
    assert product is not None
    return _sum(product, range(len(out), len(full)), dtype)


def einsum(
    *operands: Any,
    dtype: Any = None,
    optimize: Any = False,
    split_every: Any = None,
    casting: str = "safe",
    **kwargs: Any,
) -> Array:
    """``numpy.einsum``, lazily: the Einstein summation of the operands.

    Takes the subscripts string (implicit or explicit output, ``...``
    broadcasting, repeated labels for diagonals and traces) or NumPy's
    interleaved operand / sublist form. Errors and the result dtype are
    NumPy's.

    Parameters
    ----------
    *operands
        ``subscripts, *arrays`` or ``array, sublist, array, sublist, ...[, sublist]``.
    dtype : dtype, optional
        The dtype to compute in, cast to with ``casting`` as in NumPy.
    optimize
        Accepted and ignored, as the contraction order is ferrox's.
    split_every
        Accepted for Dask compatibility and ignored.
    casting : str
        NumPy's casting rule for ``dtype``.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> a = fa.from_array(np.arange(6.0).reshape(2, 3), chunks=2)
    >>> fa.einsum("ij,ij->i", a, a).compute()
    array([ 5., 50.])
    >>> fa.einsum("ij->ji", a).shape
    (3, 2)
    >>> int(fa.einsum("ii", fa.eye(3, chunks=2, dtype=int)).compute())
    3
    """
    if kwargs.pop("out", None) is not None:
        raise ValueError("`out` is not supported: ferrox arrays are immutable")
    arrays, numpy_args = _einsum_operands(operands)
    arrays = [asarray(x) for x in arrays]
    # NumPy checks the subscripts and gives the dtype on arrays of ones.
    probes = [np.ones((1,) * x.ndim, x.dtype) for x in arrays]
    settings = dict(dtype=dtype, casting=casting, **kwargs)
    result_dtype = np.asarray(np.einsum(*numpy_args(*probes), **settings)).dtype
    labels, out = _einsum_labels(_einsum_subscripts(operands), [x.ndim for x in arrays])
    if not _shapes_broadcast(arrays, labels):
        _numpy_error(
            lambda *views: np.einsum(*numpy_args(*views), optimize=optimize, **settings), *arrays
        )
    return _contract(arrays, labels, out, result_dtype)


_TSQR_MESSAGE = (
    "Input must have the following properties:\n"
    "  1. Have two dimensions\n"
    "  2. Have only one column of blocks\n\n"
    "Note: This function (tsqr) supports QR decomposition in the case of\n"
    "tall-and-skinny matrices (single column chunk/block; see qr)\n"
    "Current shape: {shape},\nCurrent chunksize: {chunksize}"
)

_SFQR_MESSAGE = (
    "Input must have the following properties:\n"
    "  1. Have two dimensions\n"
    "  2. Have only one row of blocks\n"
    "  3. Either one column of blocks or (first) chunk size on cols\n"
    "     is at most that on rows (e.g.: for a 5x20 matrix,\n"
    "     chunks=((5), (8,4,8)) is fine, but chunks=((5), (4,8,8)) is not;\n"
    "     still, prefer something simple like chunks=(5,10) or chunks=5)\n\n"
    "Note: This function (sfqr) supports QR decomposition in the case\n"
    "of short-and-fat matrices (single row chunk/block; see qr)"
)

_QR_MESSAGE = (
    "qr currently supports only tall-and-skinny (single column chunk/block; see tsqr)\n"
    "and short-and-fat (single row chunk/block; see sfqr) matrices\n\n"
    "Consider use of the rechunk method. For example,\n\n"
    "x.rechunk({0: -1, 1: 'auto'}) or x.rechunk({0: 'auto', 1: -1})\n\n"
    "which rechunk one shorter axis to a single chunk, while allowing\n"
    "the other axis to automatically grow/shrink appropriately."
)


def _qr_block(block: np.ndarray) -> np.ndarray:
    """Q above R for one block, Q's columns padded with zeros to R's width.

    A block of ``m`` rows and ``n`` columns gives ``m + min(m, n)`` rows.
    """
    q, r = np.linalg.qr(block)
    if q.shape[1] == r.shape[1]:
        return np.concatenate([q, r])
    out = np.zeros((q.shape[0] + r.shape[0], r.shape[1]), dtype=r.dtype)
    out[: q.shape[0], : q.shape[1]] = q
    out[q.shape[0] :] = r
    return out


def _r_of_qr_block(packed: np.ndarray) -> np.ndarray:
    """R from a ``_qr_block`` result: its last ``min(m, n)`` rows."""
    total, n = packed.shape
    k = n if total >= 2 * n else total // 2
    return packed[total - k :]


def _q_times(packed: np.ndarray, q2: np.ndarray) -> np.ndarray:
    """A block's Q (from its ``_qr_block`` result) times its rows of the second Q."""
    k = q2.shape[0]
    return packed[: packed.shape[0] - k, :k] @ q2


def _svd_block(block: np.ndarray) -> np.ndarray:
    """U, S and Vh of one block stacked in rows, U and S padded to Vh's width."""
    u, s, vh = np.linalg.svd(block, full_matrices=False)
    m, k = u.shape
    out = np.zeros((m + 1 + k, block.shape[1]), dtype=u.dtype)
    out[:m, :k] = u
    out[m, :k] = s
    out[m + 1 :] = vh
    return out


def _qr_dtype(dtype: np.dtype) -> np.dtype:
    return np.linalg.qr(np.ones((1, 1), dtype)).Q.dtype


def _svd_one_block(a: Array) -> tuple[Array, Array, Array]:
    """``numpy.linalg.svd(a, full_matrices=False)`` of a one-block matrix."""
    from ferrox.array.ufuncs import real

    m, n = a.shape
    k = min(m, n)
    probe = np.linalg.svd(np.ones((1, 1), a.dtype))
    packed = map_blocks(_svd_block, a, dtype=probe.U.dtype, chunks=((m + 1 + k,), (n,)))
    s = packed[m, :k]
    if s.dtype != probe.S.dtype:
        s = real(s).astype(probe.S.dtype)
    return packed[:m, :k], s, packed[m + 1 :]


def tsqr(data: Any, compute_svd: bool = False) -> tuple[Array, ...]:
    """Direct tall-and-skinny QR (or SVD) of a matrix with one column of blocks.

    A NumPy QR of each row block, a QR of the stacked R factors in one block,
    then each block's Q times its rows of that second Q. With ``compute_svd``,
    the SVD of the final R (one block) turns the QR into ``u, s, vh``.

    Parameters
    ----------
    data : Array
        2-d, one block along the columns.
    compute_svd : bool
        Return ``(u, s, vh)`` instead of ``(q, r)``.

    Raises
    ------
    ValueError
        Dask's message, if ``data`` is not 2-d or has several column blocks.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(12.0).reshape(6, 2) ** 2, chunks=(2, 2))
    >>> q, r = fa.linalg.tsqr(x)
    >>> q.chunks, r.chunks
    (((2, 2, 2), (2,)), ((2,), (2,)))
    >>> np.allclose((q @ r).compute(), x.compute())
    True
    """
    data = asarray(data)
    if data.ndim != 2 or data.numblocks[1] != 1:
        raise ValueError(_TSQR_MESSAGE.format(shape=data.shape, chunksize=data.chunksize))
    n = data.shape[1]
    dtype = _qr_dtype(data.dtype)
    rows = data.chunks[0]
    ks = tuple(min(m, n) for m in rows)
    packed = map_blocks(
        _qr_block, data, dtype=dtype, chunks=(tuple(m + k for m, k in zip(rows, ks)), (n,))
    )
    stacked = map_blocks(_r_of_qr_block, packed, dtype=dtype, chunks=(ks, (n,))).rechunk(-1)
    total = sum(ks)
    k2 = min(total, n)
    packed2 = map_blocks(_qr_block, stacked, dtype=dtype, chunks=((total + k2,), (n,)))
    q2 = packed2[:total, :k2].rechunk((ks, (k2,)))
    q = map_blocks(_q_times, packed, q2, dtype=dtype, chunks=(rows, (k2,)))
    r = packed2[total:]
    if not compute_svd:
        return q, r
    u, s, vh = _svd_one_block(r)
    return q @ u, s, vh


def sfqr(data: Any) -> tuple[Array, Array]:
    """QR of a short-and-fat matrix with one row of blocks, as in Dask.

    ``Q R_1 = A_1`` for the first column block, then ``R_k = Q^H A_k`` for
    the others.

    Raises
    ------
    ValueError
        Dask's message, if ``data`` is not 2-d, has several row blocks, or
        has several column blocks narrower than its rows.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(8.0).reshape(2, 4) ** 2, chunks=2)
    >>> q, r = fa.linalg.sfqr(x)
    >>> np.allclose((q @ r).compute(), x.compute())
    True
    """
    from ferrox.array.ufuncs import conj

    data = asarray(data)
    if data.ndim != 2 or not (
        data.numblocks[0] == 1
        and (data.chunks[0][0] <= data.chunks[1][0] or data.numblocks[1] == 1)
    ):
        raise ValueError(_SFQR_MESSAGE)
    m, n = data.shape
    cc = data.chunks[1][0]
    k = min(m, cc)
    packed = map_blocks(
        _qr_block, data[:, :cc], dtype=_qr_dtype(data.dtype), chunks=((m + k,), (cc,))
    )
    q, r = packed[:m, :k], packed[m:]
    if data.numblocks[1] > 1:
        qh = q.T if q.dtype.kind != "c" else conj(q).T
        r = concatenate([r, qh @ data[:, cc:]], axis=1)
    return q, r


def qr(a: Any) -> tuple[Array, Array]:
    """``numpy.linalg.qr`` (reduced) of a matrix chunked along one axis, like Dask.

    One column of blocks (tall-and-skinny) uses :func:`tsqr`; one row of blocks
    (short-and-fat) uses :func:`sfqr`. Columns of ``q`` may differ from NumPy's
    by their signs.

    Returns
    -------
    q : Array
        Orthonormal columns, ``q.shape == (m, min(m, n))``.
    r : Array
        Upper triangular, one block.

    Raises
    ------
    NotImplementedError
        Dask's message, for blocks along both axes.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(12.0).reshape(6, 2) ** 2, chunks=(3, 2))
    >>> q, r = fa.linalg.qr(x)
    >>> np.allclose((q.T @ q).compute(), np.eye(2)), np.allclose((q @ r).compute(), x.compute())
    (True, True)
    """
    a = asarray(a)
    if a.ndim != 2:
        raise ValueError(_TSQR_MESSAGE.format(shape=a.shape, chunksize=a.chunksize))
    if a.numblocks[1] == 1 and a.numblocks[0] > 1:
        q, r = tsqr(a)
        return q, r
    if a.numblocks[0] == 1:
        return sfqr(a)
    raise NotImplementedError(_QR_MESSAGE)


def _svd_flip(u: Array, v: Array) -> tuple[Array, Array]:
    """Dask's ``svd_flip``: signs making each row of ``v`` sum to ``>= 0``."""
    from ferrox.array.ufuncs import where

    signs = where(v.sum(axis=1) >= 0, 1, -1).astype(v.dtype)
    return u * signs[None, :], v * signs[:, None]


def svd(a: Any, coerce_signs: bool = True, full_matrices: bool = False) -> tuple[Array, ...]:
    """``numpy.linalg.svd(a, full_matrices=False)`` of a matrix chunked along
    one axis, like ``dask.array.linalg.svd``.

    One block uses NumPy directly; one column of blocks uses :func:`tsqr`; one
    row of blocks uses :func:`tsqr` on the transpose.

    Parameters
    ----------
    a : Array
        2-d, with one block along at least one axis.
    coerce_signs : bool
        Flip singular vector pairs so each row of ``v`` sums to ``>= 0``
        (Dask's ``svd_flip``), for results that do not depend on the chunks.
    full_matrices : bool
        Only ``False`` is supported.

    Returns
    -------
    u : Array
        ``(m, k)`` left singular vectors, ``k = min(m, n)``.
    s : Array
        ``(k,)`` singular values, largest first.
    v : Array
        ``(k, n)`` right singular vectors, in rows.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(12.0).reshape(6, 2) ** 2, chunks=(2, 2))
    >>> u, s, v = fa.linalg.svd(x)
    >>> np.allclose(s.compute(), np.linalg.svd(x.compute(), compute_uv=False))
    True
    """
    if full_matrices:
        raise NotImplementedError(
            "full_matrices=True is not implemented for dask arrays. Use full_matrices=False "
            "to compute the reduced SVD."
        )
    a = asarray(a)
    nb = a.numblocks
    if a.ndim != 2:
        raise ValueError(f"Array must be 2D.\nInput shape: {a.shape}\nInput ndim: {a.ndim}\n")
    if nb[0] > 1 and nb[1] > 1:
        raise NotImplementedError(
            "Array must be chunked in one dimension only. This function (svd) only supports "
            "tall-and-skinny or short-and-fat matrices (see da.linalg.svd_compressed for SVD "
            f"on fully chunked arrays).\nInput shape: {a.shape}\nInput numblocks: {nb}\n"
        )
    if nb == (1, 1):
        u, s, v = _svd_one_block(a)
    elif nb[0] > nb[1]:
        u, s, v = tsqr(a, compute_svd=True)
    else:
        vt, s, ut = tsqr(a.T, compute_svd=True)
        u, v = ut.T, vt.T
    if coerce_signs:
        u, v = _svd_flip(u, v)
    return u, s, v


__all__ = ["dot", "einsum", "matmul", "norm", "qr", "sfqr", "svd", "tensordot", "tsqr"]
