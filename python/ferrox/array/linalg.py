"""Linear algebra: ``matmul`` / ``@``, ``dot`` and ``linalg.norm``.

Products are blocked (``src/array/linalg.rs``): block ``(i, j)`` of
``a @ b`` sums the products of ``a``'s block row ``i`` and ``b``'s block
column ``j`` in one task.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ferrox.array.core import Array
from ferrox.array.creation import asarray


def matmul(a: Any, b: Any) -> Array:
    """``numpy.matmul`` for 1-d and 2-d arrays, lazily.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> a = fa.from_array(np.arange(6.0).reshape(2, 3), chunks=2)
    >>> (a @ a.T).compute()
    array([[ 5., 14.],
           [14., 50.]])
    """
    a, b = asarray(a), asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: Input operand 0 does not have enough dimensions")
    if a.ndim > 2 or b.ndim > 2:
        raise NotImplementedError("matmul of arrays with more than two axes is not supported yet")
    left = a[None, :] if a.ndim == 1 else a
    right = b[:, None] if b.ndim == 1 else b
    out = Array(left._core.matmul(right._core))
    if a.ndim == 1 and b.ndim == 1:
        return out[0, 0]
    if a.ndim == 1:
        return out[0]
    if b.ndim == 1:
        return out[:, 0]
    return out


def dot(a: Any, b: Any) -> Array:
    """``numpy.dot`` for 1-d and 2-d arrays (the same as ``matmul`` there)."""
    return matmul(a, b)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Array:
    """``numpy.linalg.norm`` for vectors and the Frobenius norm, lazily.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> float(fa.linalg.norm(fa.from_array(np.array([3.0, 4.0]), chunks=1)).compute())
    5.0
    """
    from ferrox.array import ufuncs

    x = asarray(x)
    if ord == "fro" and (x.ndim == 1 or isinstance(axis, int)):
        raise ValueError("Invalid norm order 'fro' for vectors")
    a = ufuncs.absolute(x)
    if ord is None or ord == "fro" or ord == 2 and (x.ndim == 1 or axis is not None):
        return ufuncs.sqrt((a * a).sum(axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return a.max(axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return a.min(axis=axis, keepdims=keepdims)
    if ord == 1 and (x.ndim == 1 or axis is not None):
        return a.sum(axis=axis, keepdims=keepdims)
    raise NotImplementedError(f"norm with ord={ord!r} is not supported yet")


__all__ = ["dot", "matmul", "norm"]
