"""NumPy's ufuncs on ferrox arrays: ``fa.sin(x)``, ``np.sin(x)`` alike.

Each function is lazy when any input is a ferrox ``Array`` and defers to
NumPy otherwise. The kernels are in ``src/array/elementwise.rs``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ferrox.array.core import Array, _core_of

UNARY = [
    "negative", "positive", "absolute", "invert", "sqrt", "exp", "expm1", "log", "log1p",
    "log2", "log10", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "floor", "ceil", "trunc", "rint", "sign", "square", "isnan", "isinf", "isfinite",
    "logical_not", "real", "imag", "conjugate", "deg2rad", "rad2deg",
]  # fmt: skip
BINARY = [
    "add", "subtract", "multiply", "divide", "floor_divide", "remainder", "power", "equal",
    "not_equal", "less", "less_equal", "greater", "greater_equal", "bitwise_and", "bitwise_or",
    "bitwise_xor", "left_shift", "right_shift", "maximum", "minimum", "fmax", "fmin", "arctan2",
    "hypot", "logical_and", "logical_or", "logical_xor",
]  # fmt: skip


def _unary(name: str) -> Any:
    def ufunc(x: Any, **kwargs: Any) -> Any:
        if kwargs.pop("out", None) is not None or kwargs:
            raise TypeError(f"{name}() takes no keyword arguments but `out`-free calls")
        if not isinstance(x, Array):
            return getattr(np, name)(x)
        return Array(x._core.unary(name))

    ufunc.__name__ = name
    ufunc.__doc__ = f"Elementwise ``numpy.{name}``, lazily on ferrox arrays."
    return ufunc


def _binary(name: str) -> Any:
    def ufunc(x: Any, y: Any, **kwargs: Any) -> Any:
        if kwargs.pop("out", None) is not None or kwargs:
            raise TypeError(f"{name}() takes no keyword arguments but `out`-free calls")
        if isinstance(x, Array):
            return Array(x._core.binary(name, _core_of(y)))
        if isinstance(y, Array):
            return Array(y._core.binary(name, _core_of(x), True))
        return getattr(np, name)(x, y)

    ufunc.__name__ = name
    ufunc.__doc__ = f"Elementwise ``numpy.{name}``, lazily on ferrox arrays."
    return ufunc


for _name in UNARY:
    globals()[_name] = _unary(_name)
for _name in BINARY:
    globals()[_name] = _binary(_name)

abs = globals()["absolute"]  # noqa: A001 - NumPy's alias
conj = globals()["conjugate"]
true_divide = globals()["divide"]
mod = globals()["remainder"]


def where(condition: Any, x: Any, y: Any) -> Any:
    """``numpy.where(condition, x, y)``, lazily.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> a = fa.from_array(np.arange(5), chunks=2)
    >>> fa.where(a > 2, a, -1).compute()
    array([-1, -1, -1,  3,  4])
    """
    if not any(isinstance(v, Array) for v in (condition, x, y)):
        return np.where(condition, x, y)
    cond = condition if isinstance(condition, Array) else Array(_core_of(np.asarray(condition)))
    return Array(cond._core.where_(_core_of(x), _core_of(y)))


def clip(a: Any, a_min: Any = None, a_max: Any = None, **kwargs: Any) -> Any:
    """``numpy.clip``, lazily: ``minimum(maximum(a, a_min), a_max)``.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.clip(fa.from_array(np.arange(5), chunks=2), 1, 3).compute()
    array([1, 1, 2, 3, 3])
    """
    if not isinstance(a, Array):
        return np.clip(a, a_min, a_max, **kwargs)
    out = a
    if a_min is not None:
        out = globals()["maximum"](out, a_min)
    if a_max is not None:
        out = globals()["minimum"](out, a_max)
    return out


__all__ = [*UNARY, *BINARY, "abs", "clip", "conj", "mod", "true_divide", "where"]
