"""Reductions against NumPy: every axis choice, keepdims, ddof, split_every, NaNs."""

from __future__ import annotations

import warnings
from typing import Any

import ferrox.array as fa
import numpy as np
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import ALL_DTYPES, chunked_arrays
from hypothesis import given
from hypothesis import strategies as st

PLAIN = ["sum", "prod", "mean", "var", "std", "min", "max", "any", "all"]
NAN = ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmin", "nanmax"]


def reference(name: str, x: np.ndarray, **kw: object) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = np.asarray(getattr(np, name)(x, **kw))
    if result.dtype == np.uint64:
        # NumPy sums uint8 as uint64, which ferrox does not have; int64 holds the same values.
        result = result.astype(np.int64)
    return result


def axes_for(draw: st.DrawFn, ndim: int) -> object:
    choice = draw(st.sampled_from(["none", "int", "tuple"]))
    if choice == "none" or ndim == 0:
        return None
    if choice == "int":
        return draw(st.integers(-ndim, ndim - 1))
    return tuple(draw(st.sets(st.integers(0, ndim - 1), min_size=1)))


def tolerance(x: np.ndarray) -> float:
    return 1e-4 if x.dtype == np.float32 else 1e-9


@given(data=chunked_arrays(), op=st.sampled_from(PLAIN + NAN), keepdims=st.booleans(), d=st.data())
def test_matches_numpy(data: tuple, op: str, keepdims: bool, d: st.DataObject) -> None:
    x, chunks = data
    axis = d.draw(
        st.builds(lambda: None)
        if x.ndim == 0
        else st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1))
    )
    empty = x.size == 0 if axis is None else x.shape[axis] == 0
    if op in {"min", "max", "nanmin", "nanmax"} and empty:
        with pytest.raises(ValueError) as numpy_err:
            reference(op, x, axis=axis)
        with pytest.raises(ValueError) as ferrox_err:
            getattr(fa, op)(fa.from_array(x, chunks=chunks), axis=axis)
        assert str(ferrox_err.value) == str(numpy_err.value)
        return
    expected = reference(op, x, axis=axis, keepdims=keepdims)
    result = getattr(fa, op)(fa.from_array(x, chunks=chunks), axis=axis, keepdims=keepdims)
    assert_eq(result, expected, rtol=tolerance(x), atol=absolute_tolerance(x, op))


def absolute_tolerance(x: np.ndarray, op: str) -> float:
    """float32 moments cancel: NumPy's own float32 variance of a constant
    array of 1e6 is 0.004, where ferrox (float64 accumulators) gives 0. The
    bound is the classic one for a sum of ``x.size`` terms of that scale."""
    if x.dtype.kind != "f":
        return 0
    if x.dtype != np.float32:
        return 1e-6
    finite = np.abs(x[np.isfinite(x)])
    scale = max(float(finite.max()) if finite.size else 1.0, 1.0)
    power = 2 if "var" in op else 1
    return max(1e-6, float(np.finfo(np.float32).eps) * max(x.size, 1) * scale**power)


@given(
    data=chunked_arrays(min_dims=1, nan=False),
    op=st.sampled_from(["sum", "mean", "var", "max"]),
    d=st.data(),
)
def test_tuple_axes_and_split_every(data: tuple, op: str, d: st.DataObject) -> None:
    x, chunks = data
    axes = tuple(sorted(d.draw(st.sets(st.integers(0, x.ndim - 1), min_size=1))))
    if op == "max" and any(x.shape[a] == 0 for a in axes):
        return
    split_every = d.draw(st.integers(2, 5))
    result = getattr(fa, op)(fa.from_array(x, chunks=chunks), axis=axes, split_every=split_every)
    assert_eq(
        result,
        reference(op, x, axis=axes),
        rtol=tolerance(x),
        atol=absolute_tolerance(x, op),
    )


@pytest.mark.parametrize("ddof", [0, 1, 2])
@pytest.mark.parametrize("op", ["var", "std", "nanvar", "nanstd"])
def test_ddof(op: str, ddof: int) -> None:
    x = np.random.default_rng(0).normal(size=(13, 7))
    x[3, 2] = np.nan
    a = fa.from_array(x, chunks=(4, 3))
    for axis in (None, 0, 1):
        assert_eq(getattr(fa, op)(a, axis=axis, ddof=ddof), reference(op, x, axis=axis, ddof=ddof))


@given(data=chunked_arrays(min_dims=1, dtypes=["int32", "int64", "float64"]), d=st.data())
def test_arg_reductions(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    if x.size == 0:
        return
    axis = d.draw(st.one_of(st.none(), st.integers(0, x.ndim - 1)))
    if axis is not None and x.shape[axis] == 0:
        return
    a = fa.from_array(x, chunks=chunks)
    for op in ("argmin", "argmax"):
        assert_eq(getattr(fa, op)(a, axis=axis), np.asarray(getattr(np, op)(x, axis=axis)))


def test_ties_and_nans_pick_the_first_index() -> None:
    x = np.array([[1.0, 5.0, 5.0], [5.0, np.nan, 0.0], [np.nan, 2.0, 5.0]])
    a = fa.from_array(x, chunks=1)
    for op in ("argmin", "argmax"):
        assert_eq(getattr(a, op)(), np.asarray(getattr(np, op)(x)))
        for axis in (0, 1):
            assert_eq(getattr(a, op)(axis=axis), getattr(np, op)(x, axis=axis))


def test_sum_is_as_accurate_as_numpy() -> None:
    x = np.random.default_rng(1).random(1_000_000) * 1e6
    assert_eq(fa.from_array(x, chunks=10_000).sum(), np.sum(x))
    assert_eq(fa.from_array(x, chunks=10_000).var(), np.var(x))


def test_dtype_argument() -> None:
    x = np.arange(10, dtype=np.int32)
    assert_eq(fa.sum(fa.from_array(x, chunks=3), dtype="float32"), np.sum(x, dtype="float32"))
    assert_eq(fa.mean(fa.from_array(x, chunks=3), dtype="float64"), np.mean(x, dtype="float64"))


def test_scalar_results_are_numpy_scalars() -> None:
    x = np.arange(6.0)
    result = fa.from_array(x, chunks=2).sum().compute()
    assert type(result) is type(np.sum(x))


def test_bad_axis_raises_numpy_axis_error() -> None:
    x = np.ones((2, 3))
    with pytest.raises(np.exceptions.AxisError) as numpy_err:
        np.sum(x, axis=2)
    with pytest.raises(np.exceptions.AxisError) as ferrox_err:
        fa.sum(fa.from_array(x, chunks=1), axis=2)
    assert str(ferrox_err.value) == str(numpy_err.value)


def test_seed_example_matches_numpy_on_the_same_data() -> None:
    x = np.random.default_rng(2).random((1000, 1000))
    assert_eq(fa.mean(fa.from_array(x, chunks=(100, 100)), axis=0), np.mean(x, axis=0))


@pytest.mark.parametrize("op", ["sum", "mean", "var", "min", "argmax", "nanmax", "any"])
@pytest.mark.parametrize("axis", [0, (0, 1), None, 1])
def test_blocks_larger_than_a_tile(op: str, axis: object) -> None:
    """Blocks of more rows than one tile are reduced tile by tile."""
    x = np.random.default_rng(3).normal(size=(700, 90))
    x[5, 7] = np.nan if op.startswith("nan") else x[5, 7]
    if op == "argmax" and isinstance(axis, tuple):
        return
    a = fa.from_array(x, chunks=(350, 45))
    assert_eq(getattr(fa, op)(a, axis=axis), reference(op, x, axis=axis), rtol=1e-9)


def test_tiled_random_blocks_equal_materialized_ones() -> None:
    rng = fa.random.default_rng(5)
    x = rng.random((1000, 300), chunks=(500, 300))
    values = x.compute()
    assert_eq(x.sum(axis=0), values.sum(axis=0))
    assert_eq((x * 2 + 1).mean(axis=0), (values * 2 + 1).mean(axis=0))
    y = rng.normal(size=(999, 31), chunks=(333, 31))
    assert_eq(y.std(axis=0), y.compute().std(axis=0))


@given(
    data=chunked_arrays(min_dims=1, nan=True),
    op=st.sampled_from(["cumsum", "cumprod"]),
    d=st.data(),
)
def test_scans_match_numpy(data: tuple, op: str, d: st.DataObject) -> None:
    x, chunks = data
    axis = d.draw(st.integers(-x.ndim, x.ndim - 1))
    expected = reference(op, x, axis=axis)
    result = getattr(fa, op)(fa.from_array(x, chunks=chunks), axis=axis)
    assert_eq(result, expected, rtol=1e-4 if x.dtype == np.float32 else 1e-9, atol=1e-6)
    if x.ndim == 1:
        assert_eq(
            getattr(fa.from_array(x, chunks=chunks), op)(),
            reference(op, x),
            rtol=1e-4 if x.dtype == np.float32 else 1e-9,
            atol=1e-6,
        )


def test_scan_over_many_blocks() -> None:
    x = np.random.default_rng(6).integers(-5, 5, size=(3, 2000))
    a = fa.from_array(x, chunks=(2, 7))
    assert_eq(a.cumsum(axis=1), np.cumsum(x, axis=1))
    assert_eq(fa.cumprod(a[:, :40] % 3 - 1, axis=1), np.cumprod(x[:, :40] % 3 - 1, axis=1))


COMPLEX_OPS = [
    "sum",
    "prod",
    "mean",
    "var",
    "std",
    "nansum",
    "nanprod",
    "nanmean",
    "nanvar",
    "nanstd",
]


@given(
    data=chunked_arrays(dtypes=["complex128"]),
    op=st.sampled_from(COMPLEX_OPS),
    keepdims=st.booleans(),
    d=st.data(),
)
def test_complex_reductions_match_numpy(
    data: tuple, op: str, keepdims: bool, d: st.DataObject
) -> None:
    """NaN in either part is a NaN; the variance of complex numbers is real."""
    x, chunks = data
    axis = None if x.ndim == 0 else d.draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    ddof = d.draw(st.integers(0, 1)) if "var" in op or "std" in op else None
    kw = {} if ddof is None else {"ddof": ddof}
    expected = reference(op, x, axis=axis, keepdims=keepdims, **kw)
    result = getattr(fa, op)(fa.from_array(x, chunks=chunks), axis=axis, keepdims=keepdims, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # prod overflow
        assert_eq(result, expected, rtol=1e-9, atol=1e-6)


@given(
    data=chunked_arrays(dtypes=["complex128"], min_dims=1),
    op=st.sampled_from(["min", "max", "argmin", "argmax", "nanmin", "nanmax"]),
    d=st.data(),
)
def test_complex_extrema_match_numpy(data: tuple, op: str, d: st.DataObject) -> None:
    """NumPy orders complex numbers by real part, then imaginary part; a NaN
    in either part wins in min / max / arg*, loses in nanmin / nanmax."""
    x, chunks = data
    axis = d.draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    if x.size == 0 or (axis is not None and x.shape[axis] == 0):
        return
    # Few distinct parts, so ties on the real part (and whole ties) are common.
    rng = np.random.default_rng(d.draw(st.integers(0, 2**32 - 1)))
    re = rng.integers(-2, 3, x.shape).astype(float)
    im = rng.integers(-2, 3, x.shape).astype(float)
    re[rng.random(x.shape) < 0.1] = np.nan
    im[rng.random(x.shape) < 0.1] = np.nan
    x = re + 1j * im
    expected = reference(op, x, axis=axis)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices
        assert_eq(getattr(fa, op)(fa.from_array(x, chunks=chunks), axis=axis), expected)


def test_complex_extrema_pick_the_first_of_ties_and_nans() -> None:
    x = np.array([1 + 2j, 2 - 1j, 2 + 0j, 2 - 1j, complex(np.nan, 1), complex(1, np.nan)])
    a = fa.from_array(x, chunks=2)
    for op in ["min", "max", "argmin", "argmax", "nanmin", "nanmax"]:
        assert_eq(getattr(fa, op)(a), reference(op, x))
        assert_eq(getattr(fa, op)(a[:4]), reference(op, x[:4]))


@pytest.mark.parametrize(
    "call",
    [
        lambda m, v: m.sum(v, axis=(0, 3)),
        lambda m, v: m.sum(v, axis=(1, -2)),
        lambda m, v: m.sum(v, axis=1.0),
        lambda m, v: m.mean(v, axis="0"),
        lambda m, v: m.argmin(v, axis=-4),
        lambda m, v: m.argmax(v, axis=(0, 1)),
        lambda m, v: m.argmax(v[:, :0]),
        lambda m, v: m.argmin(v[:, :0], axis=1),
        lambda m, v: m.nanmax(v[:0], axis=0),
        lambda m, v: m.cumsum(v, axis=3),
    ],
)
def test_bad_reductions_raise_numpys_errors_when_built(call: Any) -> None:
    x = np.zeros((2, 1, 3))
    with pytest.raises(Exception) as numpy_err:  # noqa: PT011 - NumPy's own, compared below
        call(np, x)
    with pytest.raises(type(numpy_err.value)) as ferrox_err:
        call(fa, fa.from_array(x, chunks=1))
    assert str(ferrox_err.value) == str(numpy_err.value)


@given(data=chunked_arrays(dtypes=ALL_DTYPES, nan=True), d=st.data())
def test_any_all_of_every_dtype(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    axis = None if x.ndim == 0 else d.draw(st.none() | st.integers(0, x.ndim - 1))
    a = fa.from_array(x, chunks=chunks)
    assert_eq(fa.any(a, axis=axis), np.any(x, axis=axis))
    assert_eq(fa.all(a, axis=axis), np.all(x, axis=axis))
