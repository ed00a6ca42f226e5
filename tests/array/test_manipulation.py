"""Flips, rolls, triangles, diagonals, padding and squeezing against NumPy."""

from __future__ import annotations

import ferrox.array as fa
import numpy as np
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import chunked_arrays
from hypothesis import given
from hypothesis import strategies as st


@given(data=chunked_arrays(min_dims=1, nan=False), d=st.data())
def test_flip_roll_expand_squeeze(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    a = fa.from_array(x, chunks=chunks)
    axis = d.draw(st.integers(-x.ndim, x.ndim - 1))
    assert_eq(fa.flip(a, axis), np.flip(x, axis))
    assert_eq(fa.flip(a), np.flip(x))
    shift = d.draw(st.integers(-10, 10))
    assert_eq(fa.roll(a, shift, axis=axis), np.roll(x, shift, axis=axis))
    assert_eq(fa.expand_dims(a, axis), np.expand_dims(x, axis))
    assert_eq(fa.squeeze(a), np.squeeze(x))


@given(data=chunked_arrays(min_dims=2, max_dims=2), k=st.integers(-4, 4))
def test_triangles_and_diagonals(data: tuple, k: int) -> None:
    x, chunks = data
    a = fa.from_array(x, chunks=chunks)
    assert_eq(fa.tril(a, k), np.tril(x, k))
    assert_eq(fa.triu(a, k), np.triu(x, k))
    if x.dtype != np.bool_:
        assert_eq(fa.diag(a, k), np.diag(x, k))


@given(
    data=chunked_arrays(min_dims=1, max_dims=1, dtypes=["int64", "float64"]), k=st.integers(-3, 3)
)
def test_diag_of_a_vector(data: tuple, k: int) -> None:
    x, chunks = data
    assert_eq(fa.diag(fa.from_array(x, chunks=chunks), k), np.diag(x, k))


@given(data=chunked_arrays(min_dims=1, max_dims=3, nan=False), d=st.data())
def test_pad_constant(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    widths = [(d.draw(st.integers(0, 3)), d.draw(st.integers(0, 3))) for _ in range(x.ndim)]
    assert_eq(fa.pad(fa.from_array(x, chunks=chunks), widths), np.pad(x, widths))


def test_squeeze_error_matches_numpy() -> None:
    x = np.zeros((1, 3))
    with pytest.raises(ValueError) as numpy_err:
        np.squeeze(x, axis=1)
    with pytest.raises(ValueError) as ferrox_err:
        fa.squeeze(fa.from_array(x, chunks=1), axis=1)
    assert str(ferrox_err.value) == str(numpy_err.value)
