"""Operators and ufuncs against NumPy: dtypes, broadcasting, scalars, chunks."""

from __future__ import annotations

import operator
import warnings
from typing import Any

import ferrox.array as fa
import numpy as np
import pytest
from ferrox.array import ufuncs
from ferrox.testing import assert_eq
from ferrox.testing.strategies import chunked_arrays, chunks_for
from hypothesis import given
from hypothesis import strategies as st


def builtin_base(exc: type[BaseException]) -> type[BaseException]:
    """The builtin exception class NumPy's own exception derives from (NumPy's
    ``UFuncTypeError`` is a ``TypeError``)."""
    return next(c for c in exc.__mro__ if c.__module__ == "builtins")


def numpy_or_error(f: object, *args: object) -> tuple[object, type[BaseException] | None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return f(*args), None  # type: ignore[operator]
        except Exception as e:  # noqa: BLE001 - the reference's own failure
            return None, builtin_base(type(e))


@given(data=chunked_arrays(nan=True), name=st.sampled_from(ufuncs.UNARY))
def test_unary_ufuncs(data: tuple, name: str) -> None:
    x, chunks = data
    expected, err = numpy_or_error(getattr(np, name), x)
    a = fa.from_array(x, chunks=chunks)
    if err is not None:
        with pytest.raises(err):
            getattr(fa, name)(a)
        return
    expected = np.asarray(expected)
    if expected.dtype == np.float16:
        # ferrox has no float16; bool / uint8 inputs give float32 instead.
        expected, _ = numpy_or_error(getattr(np, name), x.astype(np.float32))
    if expected.dtype == np.int8:
        # ferrox has no int8; bool inputs give int32 instead.
        expected = expected.astype(np.int32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_eq(
            getattr(fa, name)(a), expected, rtol=1e-6 if expected.dtype == np.float32 else 1e-12
        )


@st.composite
def broadcast_pair(draw: st.DrawFn) -> tuple:
    x, cx = draw(chunked_arrays(min_dims=1, max_dims=3, nan=False))
    # A second operand whose shape broadcasts against x's: trailing axes, some set to 1.
    ndim = draw(st.integers(0, x.ndim))
    shape = tuple(1 if draw(st.booleans()) else n for n in x.shape[x.ndim - ndim :])
    y, _ = draw(chunked_arrays(min_dims=0, max_dims=0, nan=False))
    y = np.broadcast_to(draw(st.sampled_from([y.astype(x.dtype), y])), shape).copy() if shape else y
    cy = draw(chunks_for(y.shape))
    return x, cx, y, cy


@given(pair=broadcast_pair(), name=st.sampled_from(ufuncs.BINARY), swap=st.booleans())
def test_binary_ufuncs_broadcast(pair: tuple, name: str, swap: bool) -> None:
    x, cx, y, cy = pair
    if swap:
        x, cx, y, cy = y, cy, x, cx
    if name in {"left_shift", "right_shift", "power"} and x.dtype.kind in "iub":
        y = np.abs(y) % 8 if y.dtype.kind in "iu" else y
    expected, err = numpy_or_error(getattr(np, name), x, y)
    a, b = fa.from_array(x, chunks=cx), fa.from_array(y, chunks=cy)
    if err is not None:
        with pytest.raises(err):
            getattr(fa, name)(a, b).compute()
        return
    expected = np.asarray(expected)
    if expected.dtype == np.int8:
        # bool // bool and friends give int8 in NumPy; ferrox has int32.
        expected = expected.astype(np.int32)
    if expected.dtype == np.float16:
        # ferrox has no float16; bool / uint8 inputs give float32 instead.
        expected, _ = numpy_or_error(getattr(np, name), x.astype(np.float32), y.astype(np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_eq(
            getattr(fa, name)(a, b), expected, rtol=1e-5 if expected.dtype == np.float32 else 1e-12
        )


OPERATORS = [
    operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod,
    operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
]  # fmt: skip


@given(
    data=chunked_arrays(dtypes=["int32", "int64", "float32", "float64"], nan=False),
    op=st.sampled_from(OPERATORS),
    scalar=st.one_of(st.integers(-5, 5), st.floats(-5, 5), st.booleans()),
    left=st.booleans(),
)
def test_operators_with_python_scalars_follow_nep50(
    data: tuple, op: object, scalar: object, left: bool
) -> None:
    x, chunks = data
    a = fa.from_array(x, chunks=chunks)
    args = (scalar, x) if left else (x, scalar)
    expected, err = numpy_or_error(op, *args)
    lazy_args = (scalar, a) if left else (a, scalar)
    if err is not None:
        with pytest.raises(err):
            op(*lazy_args)  # type: ignore[operator]
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_eq(op(*lazy_args), np.asarray(expected), rtol=1e-6)  # type: ignore[operator]


def test_fused_chain_is_one_task_per_block() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.random((6, 8)), rng.random((6, 8))
    a, b = fa.from_array(x, chunks=(3, 4)), fa.from_array(y, chunks=(3, 4))
    expr = (a + 1) * 2 - b
    assert len(expr.dask) == expr.npartitions
    assert_eq(expr, (x + 1) * 2 - y)


def test_differently_chunked_operands_are_unified() -> None:
    x = np.arange(20.0).reshape(4, 5)
    a = fa.from_array(x, chunks=(2, 5))
    b = fa.from_array(x, chunks=(3, 2))
    assert_eq(a + b, x + x)
    assert (a + b).chunks == ((2, 1, 1), (2, 2, 1))


def test_numpy_protocols_stay_lazy() -> None:
    x = np.linspace(0, 1, 12).reshape(3, 4)
    a = fa.from_array(x, chunks=2)
    assert isinstance(np.sin(a), fa.Array)
    assert isinstance(np.sum(a), fa.Array)
    assert_eq(np.sin(a), np.sin(x))
    assert_eq(np.sum(a, axis=1), np.sum(x, axis=1))
    np.testing.assert_array_equal(np.asarray(a + 1), x + 1)


def test_where_and_clip() -> None:
    x = np.arange(-5, 7, dtype=np.int64).reshape(3, 4)
    a = fa.from_array(x, chunks=2)
    assert_eq(fa.where(a > 0, a, 0.5), np.where(x > 0, x, 0.5))
    assert_eq(fa.clip(a, -2, 3), np.clip(x, -2, 3))


def test_mismatched_shapes_fail_when_built() -> None:
    x, y = np.ones((3, 4)), np.ones((2, 4))
    with pytest.raises(ValueError) as numpy_err:
        x + y
    with pytest.raises(ValueError) as ferrox_err:
        fa.from_array(x, chunks=1) + fa.from_array(y, chunks=1)
    assert str(ferrox_err.value) == str(numpy_err.value)


def test_unsupported_dtype_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="`dtype` must be one of"):
        fa.ones(3, dtype="float16")
    with pytest.raises(TypeError, match="ufunc 'bitwise_and' not supported"):
        fa.ones(3) & fa.ones(3)
    with pytest.raises(TypeError):
        np.ones(3) & np.ones(3)


def test_chains_on_blocks_larger_than_a_tile() -> None:
    rng = np.random.default_rng(4)
    x, y = rng.random((900, 70)), rng.random((1, 70))
    a, b = fa.from_array(x, chunks=(450, 35)), fa.from_array(y, chunks=(1, 35))
    assert_eq(fa.sqrt(a * 2 + b) - a, np.sqrt(x * 2 + y) - x)
    assert_eq(fa.arange(900 * 70, chunks=30_000).astype("float64") * 0.5, np.arange(900 * 70) * 0.5)


@given(data=chunked_arrays(dtypes=["complex128"], nan=True), name=st.sampled_from(ufuncs.UNARY))
def test_unary_ufuncs_of_complex_numbers(data: tuple, name: str) -> None:
    """Moderate magnitudes, off the axes: where a part overflows, or on a
    branch cut (the inverse trigonometric and hyperbolic functions'), the
    num-complex formulas can differ from C99's (NumPy's)."""
    x, chunks = data
    big = np.abs(x) > 20
    x = np.where(big, x / np.where(big, np.abs(x) / 20, 1), x)
    x = np.round(x, 6)  # no tiny parts
    x = np.where((x.real == 0) | (x.imag == 0), x + (0.5 + 0.5j), x)
    expected, err = numpy_or_error(getattr(np, name), x)
    a = fa.from_array(x, chunks=chunks)
    if err is not None:
        with pytest.raises(err):
            getattr(fa, name)(a)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # libm and NumPy's complex functions differ in the last bits
        assert_eq(getattr(fa, name)(a), np.asarray(expected), rtol=1e-9, atol=1e-12)


COMPLEX_BINARY = ["add", "subtract", "multiply", "divide", "equal", "not_equal", "less", "maximum"]


@given(pair=broadcast_pair(), name=st.sampled_from(COMPLEX_BINARY), swap=st.booleans())
def test_binary_ufuncs_with_a_complex_operand(pair: tuple, name: str, swap: bool) -> None:
    x, cx, y, cy = pair
    x = (x + 1j * x[::-1]).astype(np.complex128) if x.dtype != np.bool_ else x.astype(complex)
    if swap:
        x, cx, y, cy = y, cy, x, cx
    expected, err = numpy_or_error(getattr(np, name), x, y)
    a, b = fa.from_array(x, chunks=cx), fa.from_array(y, chunks=cy)
    if err is not None:
        with pytest.raises(err):
            getattr(fa, name)(a, b)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_eq(getattr(fa, name)(a, b), np.asarray(expected), rtol=1e-12)


def as_ferrox_dtype(expected: np.ndarray) -> np.ndarray:
    """NumPy's result in the dtype ferrox gives: float32 for float16, int32 for int8."""
    if expected.dtype == np.float16:
        return expected.astype(np.float32)
    if expected.dtype == np.int8:
        return expected.astype(np.int32)
    return expected


COMPOSED = {
    "round": lambda m, v: m.round(v),
    "round 2": lambda m, v: m.round(v, 2),
    "around -1": lambda m, v: m.around(v, -1),
    "isclose": lambda m, v: m.isclose(v, v * (1 + 1e-6)),
    "isclose equal_nan": lambda m, v: m.isclose(v, v, equal_nan=True),
    "allclose": lambda m, v: m.allclose(v, v + 1),
    "float_power": lambda m, v: m.float_power(v, 2),
    "reciprocal": lambda m, v: m.reciprocal(v),
    "isreal": lambda m, v: m.isreal(v),
    "iscomplex": lambda m, v: m.iscomplex(v),
    "isneginf": lambda m, v: m.isneginf(v),
    "isposinf": lambda m, v: m.isposinf(v),
    "angle": lambda m, v: m.angle(v),
    "angle deg": lambda m, v: m.angle(v, deg=True),
    "fix": lambda m, v: m.fix(v),
    "degrees": lambda m, v: m.degrees(v),
    "radians": lambda m, v: m.radians(v),
    "divmod quotient": lambda m, v: m.divmod(v, 3)[0],
    "divmod remainder": lambda m, v: m.divmod(v, 3)[1],
}


@given(
    data=chunked_arrays(dtypes=["int32", "int64", "float32", "float64", "complex128"]),
    name=st.sampled_from(sorted(COMPOSED)),
)
def test_composed_functions_match_numpy(data: tuple, name: str) -> None:
    """The NumPy functions ferrox builds from its ufuncs."""
    x, chunks = data
    if name == "fix" and x.dtype.kind == "c":
        return  # NumPy raises for complex numbers, ferrox too, in other words
    expected, err = numpy_or_error(COMPOSED[name], np, x)
    a = fa.from_array(x, chunks=chunks)
    if err is not None:
        with pytest.raises(err):
            COMPOSED[name](fa, a)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = as_ferrox_dtype(np.asarray(expected))
        assert_eq(COMPOSED[name](fa, a), expected, rtol=1e-6 if x.dtype == np.float32 else 1e-12)


@given(
    data=chunked_arrays(min_dims=1, dtypes=["int32", "int64", "float32", "float64"]),
    d=st.data(),
)
def test_where_and_clip_broadcast_like_numpy(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    a = fa.from_array(x, chunks=chunks)
    other = d.draw(st.sampled_from([0.5, np.float32(2), np.nan, 7]))
    cond = x > np.nanmean(x) if x.size and not np.isnan(x).all() else x == x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_eq(fa.where(cond, a, other), np.where(cond, x, other))
        assert_eq(fa.where(a > 0, other, a), np.where(x > 0, other, x))
        lo = d.draw(st.sampled_from([None, -1, np.nan]))
        hi = d.draw(st.sampled_from([None, 3.5, x[..., :1].copy()]))
        if lo is None and hi is None:
            return
        assert_eq(fa.clip(a, lo, hi), np.clip(x, lo, hi))
        assert_eq(a.clip(lo, hi), x.clip(lo, hi))


def test_where_mismatch_has_numpys_message() -> None:
    x = np.ones((2, 3))
    with pytest.raises(ValueError) as numpy_err:
        np.where(x > 0, x, np.ones(4))
    with pytest.raises(ValueError) as ferrox_err:
        fa.where(fa.from_array(x, chunks=1) > 0, fa.from_array(x, chunks=2), fa.ones(4))
    assert str(ferrox_err.value) == str(numpy_err.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, v: m.linalg.norm(v, axis=1),
        lambda m, v: m.round(v, 1),
        lambda m, v: m.around(v / 3, 2),
        lambda m, v: m.matmul(v, v.T),
        lambda m, v: m.isclose(v, v + 1e-9),
        lambda m, v: m.copysign(v, -1),
        lambda m, v: m.logaddexp(v, v),
        lambda m, v: m.arcsinh(v),
        lambda m, v: m.real(v),
        lambda m, v: m.squeeze(v[:1]),
        lambda m, v: m.pad(v, 1, mode="reflect"),
        lambda m, v: m.moveaxis(v, (0, 1), (1, 0)),
    ],
)
def test_numpy_functions_on_ferrox_arrays_stay_lazy(call: Any) -> None:
    """``np.f(x)`` dispatches to ``ferrox.array.f`` (``np.linalg.f`` to
    ``ferrox.array.linalg.f``) through the NumPy protocols, as with Dask."""
    x = np.linspace(-2, 2, 12).reshape(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ferrox warns when NumPy has to compute eagerly
        result = call(np, fa.from_array(x, chunks=2))
    assert isinstance(result, fa.Array)
    assert_eq(result, call(np, x))


def test_array_methods_match_numpy() -> None:
    z = np.array([[1 + 2j, -3.5j], [2.25, np.nan]])
    a = fa.from_array(z, chunks=1)
    assert_eq(a.real, z.real)
    assert_eq(a.imag, z.imag)
    assert_eq(a.conj(), z.conj())
    x = np.arange(-4.0, 8.0).reshape(3, 4) / 3
    b = fa.from_array(x, chunks=2)
    assert_eq(b.round(1), x.round(1))
    assert_eq(b.clip(-1, 1), x.clip(-1, 1))
    assert_eq(b[:1].squeeze(), x[:1].squeeze())
    assert_eq(b.swapaxes(0, 1), x.swapaxes(0, 1))
    quotient, remainder = divmod(b, 0.5)
    assert_eq(quotient, divmod(x, 0.5)[0])
    assert_eq(remainder, divmod(x, 0.5)[1])
    assert_eq(divmod(7, b + 10)[1], divmod(7, x + 10)[1])
