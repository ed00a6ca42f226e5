"""Matrix products and norms against NumPy."""

from __future__ import annotations

import ferrox.array as fa
import numpy as np
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import chunks_for
from hypothesis import given
from hypothesis import strategies as st

DTYPES = ["float64", "float32", "int64", "int32", "bool", "complex128"]


@given(
    n=st.integers(1, 9),
    k=st.integers(1, 9),
    m=st.integers(1, 9),
    dtype=st.sampled_from(DTYPES),
    d=st.data(),
)
def test_matmul_matches_numpy(n: int, k: int, m: int, dtype: str, d: st.DataObject) -> None:
    rng = np.random.default_rng(d.draw(st.integers(0, 1000)))
    x = (rng.random((n, k)) * 10).astype(dtype)
    y = (rng.random((k, m)) * 10).astype(dtype)
    a = fa.from_array(x, chunks=d.draw(chunks_for(x.shape)))
    b = fa.from_array(y, chunks=d.draw(chunks_for(y.shape)))
    rtol = 1e-5 if dtype == "float32" else 1e-12
    assert_eq(a @ b, x @ y, rtol=rtol)
    assert_eq(fa.dot(a, y), np.dot(x, y), rtol=rtol)
    assert_eq(a[0] @ b, x[0] @ y, rtol=rtol)
    assert_eq(a @ b[:, 0], x @ y[:, 0], rtol=rtol)
    assert_eq(fa.matmul(a[0], b[:, 0]), np.matmul(x[0], y[:, 0]), rtol=rtol)


def test_mismatched_core_dimension_matches_numpy() -> None:
    x, y = np.ones((2, 3)), np.ones((4, 2))
    with pytest.raises(ValueError) as numpy_err:
        x @ y
    with pytest.raises(ValueError) as ferrox_err:
        fa.from_array(x, chunks=1) @ fa.from_array(y, chunks=1)
    assert str(ferrox_err.value) == str(numpy_err.value)


def test_matmul_then_reduce() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.random((300, 50)), rng.random((50, 200))
    a, b = fa.from_array(x, chunks=(100, 20)), fa.from_array(y, chunks=(25, 100))
    assert_eq((a @ b).sum(), (x @ y).sum())


@pytest.mark.parametrize("ord", [None, 2, 1, np.inf, -np.inf, "fro"])
def test_norm(ord: object) -> None:
    v = np.array([3.0, -4.0, 1.5])
    m = np.arange(12.0).reshape(3, 4) - 5
    if ord == "fro":
        with pytest.raises(ValueError) as numpy_err:
            np.linalg.norm(v, ord=ord)
        with pytest.raises(ValueError) as ferrox_err:
            fa.linalg.norm(fa.from_array(v, chunks=2), ord=ord)
        assert str(ferrox_err.value) == str(numpy_err.value)
    else:
        assert_eq(fa.linalg.norm(fa.from_array(v, chunks=2), ord=ord), np.linalg.norm(v, ord=ord))
    if ord in (None, "fro"):
        assert_eq(fa.linalg.norm(fa.from_array(m, chunks=2), ord=ord), np.linalg.norm(m, ord=ord))
    if ord is not None and ord != "fro":
        got = fa.linalg.norm(fa.from_array(m, chunks=2), ord=ord, axis=1)
        assert_eq(got, np.linalg.norm(m, ord=ord, axis=1))
