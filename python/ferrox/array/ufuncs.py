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
    "logical_not", "real", "imag", "conjugate", "deg2rad", "rad2deg", "arcsinh", "arccosh",
    "arctanh", "cbrt", "exp2", "fabs", "signbit",
]  # fmt: skip
BINARY = [
    "add", "subtract", "multiply", "divide", "floor_divide", "remainder", "power", "equal",
    "not_equal", "less", "less_equal", "greater", "greater_equal", "bitwise_and", "bitwise_or",
    "bitwise_xor", "left_shift", "right_shift", "maximum", "minimum", "fmax", "fmin", "arctan2",
    "hypot", "logical_and", "logical_or", "logical_xor", "copysign", "fmod", "logaddexp",
    "logaddexp2", "heaviside",
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
degrees = globals()["rad2deg"]
radians = globals()["deg2rad"]


# The generated ufuncs, for the compositions below.
_rint = globals()["rint"]
_absolute = globals()["absolute"]
_isfinite = globals()["isfinite"]
_isnan = globals()["isnan"]
_power = globals()["power"]
_imag = globals()["imag"]
_real = globals()["real"]
_signbit = globals()["signbit"]
_isinf = globals()["isinf"]
_arctan2 = globals()["arctan2"]
_floor = globals()["floor"]
_ceil = globals()["ceil"]
_floor_divide = globals()["floor_divide"]
_remainder = globals()["remainder"]


def _lazy(*values: Any) -> bool:
    return any(isinstance(v, Array) for v in values)


def around(a: Any, decimals: int = 0) -> Any:
    """``numpy.round``, lazily: NumPy's own steps, ``_rint(a * 10**decimals) /
    10**decimals`` (divide first for negative ``decimals``), so the values are
    NumPy's.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.round(fa.from_array(np.array([0.125, 2.5, 13.0]), chunks=2), 1).compute()
    array([ 0.1,  2.5, 13. ])
    """
    if not isinstance(a, Array):
        return np.round(a, decimals)
    if a.dtype.kind == "c":
        # NumPy rounds the two parts apart; a product with 1j would turn an
        # infinite part into NaN, so the blocks go through NumPy.
        return a.map_blocks(np.round, decimals=decimals, dtype=a.dtype)
    if a.dtype.kind in "biu" and decimals >= 0:
        return a
    if decimals >= 0:
        f = 10.0**decimals
        out = _rint(a * f) / f
    else:
        f = 10.0 ** (-decimals)
        out = _rint(a / f) * f
    return out.astype(a.dtype)


round = around  # noqa: A001 - NumPy's name
round_ = around


def isclose(
    a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Any:
    """``numpy.isclose``, lazily: ``abs(a - b) <= atol + rtol * abs(b)`` for
    finite ``b``, or ``a == b``.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.isclose(fa.from_array(np.array([1.0, 2.0]), chunks=1), [1.0 + 1e-9, 2.1]).compute()
    array([ True, False])
    """
    if not _lazy(a, b):
        return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    from ferrox.array.creation import asarray

    x, y = asarray(a), asarray(b)
    y = y.astype(np.result_type(y.dtype, 1.0))
    d = _absolute(x - y)
    result = ((d <= atol + rtol * _absolute(y)) & _isfinite(y)) | (x == y)
    if equal_nan:
        result = result | (_isnan(x) & _isnan(y))
    return result


def allclose(
    a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Any:
    """Whether every element of ``a`` is close to ``b``: a lazy boolean, as in Dask."""
    if not _lazy(a, b):
        return np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan).all()


def float_power(x: Any, y: Any) -> Any:
    """``numpy.float_power``: ``x ** y`` in float64 (complex128 for complex inputs)."""
    if not _lazy(x, y):
        return np.float_power(x, y)
    from ferrox.array.creation import asarray

    x, y = asarray(x), asarray(y)
    kind = "complex128" if "c" in (x.dtype.kind, y.dtype.kind) else "float64"
    return _power(x.astype(kind), y.astype(kind))


def reciprocal(x: Any) -> Any:
    """``numpy.reciprocal``: ``1 / x`` (C's integer division for integers)."""
    if not isinstance(x, Array):
        return np.reciprocal(x)
    if x.dtype.kind in "fc":
        return 1 / x
    if x.dtype.kind == "b":
        return x.astype(np.int32)  # NumPy's int8, which ferrox does not have
    with np.errstate(all="ignore"):
        of_zero = np.reciprocal(np.zeros(1, x.dtype))[0]  # what NumPy's 1 / 0 gives
    return where(x == 0, of_zero, where(_absolute(x) == 1, x, 0)).astype(x.dtype)


def isreal(x: Any) -> Any:
    """``numpy.isreal``: whether the imaginary part is zero."""
    return _imag(x) == 0 if isinstance(x, Array) else np.isreal(x)


def iscomplex(x: Any) -> Any:
    """``numpy.iscomplex``: whether the imaginary part is not zero."""
    return _imag(x) != 0 if isinstance(x, Array) else np.iscomplex(x)


def isneginf(x: Any) -> Any:
    """``numpy.isneginf``: ``-inf`` elementwise."""
    if not isinstance(x, Array):
        return np.isneginf(x)
    if x.dtype.kind == "c":
        raise TypeError(
            "This operation is not supported for complex128 values because it would be ambiguous."
        )
    return _signbit(x) & _isinf(x)


def isposinf(x: Any) -> Any:
    """``numpy.isposinf``: ``+inf`` elementwise."""
    if not isinstance(x, Array):
        return np.isposinf(x)
    if x.dtype.kind == "c":
        raise TypeError(
            "This operation is not supported for complex128 values because it would be ambiguous."
        )
    return ~_signbit(x) & _isinf(x)


def angle(z: Any, deg: bool = False) -> Any:
    """``numpy.angle``: the argument of complex numbers (radians, or degrees with ``deg``)."""
    if not isinstance(z, Array):
        return np.angle(z, deg)
    a = _arctan2(_imag(z), _real(z)) if z.dtype.kind == "c" else _arctan2(0, z)
    return a * (180 / np.pi) if deg else a


def fix(x: Any) -> Any:
    """``numpy.fix``: round towards zero."""
    if not isinstance(x, Array):
        return np.fix(x)
    return where(x >= 0, _floor(x), _ceil(x))


def divmod(x: Any, y: Any) -> Any:  # noqa: A001 - NumPy's name
    """``numpy.divmod``: ``(x // y, x % y)``."""
    if not _lazy(x, y):
        return np.divmod(x, y)
    return _floor_divide(x, y), _remainder(x, y)


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
    shapes = [np.shape(v) for v in (condition, x, y)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        np.where(*(np.broadcast_to(False, s) for s in shapes))  # NumPy's own message
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


__all__ = [
    *UNARY, *BINARY, "abs", "allclose", "angle", "around", "clip", "conj", "degrees", "divmod",
    "fix", "float_power", "iscomplex", "isclose", "isneginf", "isposinf", "isreal", "mod",
    "radians", "reciprocal", "round", "round_", "true_divide", "where",
]  # fmt: skip
