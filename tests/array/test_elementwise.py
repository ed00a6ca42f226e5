"""Operators and ufuncs against NumPy: dtypes, broadcasting, scalars, chunks."""

from __future__ import annotations

import operator
import warnings

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
