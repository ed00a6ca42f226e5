"""Flips, rolls, triangles, diagonals, padding, squeezing and blocks against NumPy."""

from __future__ import annotations

from typing import Any

import ferrox.array as fa
import numpy as np
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import chunked_arrays, chunks_for
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


@st.composite
def block_grids(draw: st.DrawFn) -> tuple[list, list]:
    """Nested lists of NumPy blocks for ``numpy.block`` (rows of blocks whose
    widths add up to the same total, split differently per row) and the same
    lists with ferrox arrays in chunks of their own (some blocks left NumPy)."""
    dtypes = ["float64", "float32", "int64", "int32", "bool", "complex128"]
    width = draw(st.integers(1, 6))
    np_rows, fa_rows = [], []
    for _ in range(draw(st.integers(1, 3))):
        height = draw(st.integers(1, 3))
        cuts = sorted(draw(st.sets(st.integers(1, width - 1), max_size=2))) if width > 1 else []
        edges = [0, *cuts, width]
        np_row, fa_row = [], []
        for w in (b - a for a, b in zip(edges, edges[1:])):
            x = (np.arange(height * w).reshape(height, w) % 5).astype(draw(st.sampled_from(dtypes)))
            if draw(st.booleans()) and height == 1:
                x = x[0]  # a 1-d block gets a leading length-1 axis
            np_row.append(x)
            as_numpy = draw(st.integers(0, 4)) == 0
            fa_row.append(x if as_numpy else fa.from_array(x, chunks=draw(chunks_for(x.shape))))
        np_rows.append(np_row)
        fa_rows.append(fa_row)
    return np_rows, fa_rows


@given(grids=block_grids())
def test_block_matches_numpy(grids: tuple[list, list]) -> None:
    np_rows, fa_rows = grids
    assert_eq(fa.block(fa_rows), np.block(np_rows))
    assert_eq(fa.block(fa_rows[0]), np.block(np_rows[0]))


def test_block_depths_and_scalars() -> None:
    v = np.arange(3)
    a = fa.from_array(v, chunks=2)
    cube = np.arange(8.0).reshape(2, 2, 2)
    c = fa.from_array(cube, chunks=1)
    assert_eq(fa.block([a, 1]), np.block([v, 1]))
    assert_eq(fa.block([[a], [a]]), np.block([[v], [v]]))
    assert_eq(fa.block([[[c, c]], [[c, c]]]), np.block([[[cube, cube]], [[cube, cube]]]))
    assert_eq(fa.block([[c, c]]), np.block([[cube, cube]]))
    assert_eq(fa.block([[1, 2], [3, 4]]), np.block([[1, 2], [3, 4]]))
    assert_eq(fa.block(a), np.block(v))
    assert_eq(fa.block(2.5), np.block(2.5))
    assert_eq(np.block([[a, a]]), np.block([[v, v]]))


@pytest.mark.parametrize(
    "arrays",
    [
        lambda x: [[x((2, 2)), x((3, 3))]],
        lambda x: [[x((2, 2))], x((3, 3))],
        lambda x: [x((2,)), [x((2,))]],
        lambda x: [[x((2, 2))], []],
        lambda x: [],
        lambda x: (x((2,)),),
        lambda x: [x((2,)), (1, 2)],
        lambda x: [[x((2, 2)), x((2,))], [x((1, 3))]],
    ],
)
def test_block_errors_match_numpy(arrays: Any) -> None:
    with pytest.raises(Exception) as numpy_err:
        np.block(arrays(np.ones))
    with pytest.raises(type(numpy_err.value)) as ferrox_err:
        fa.block(arrays(lambda shape: fa.ones(shape, chunks=1)))
    assert str(ferrox_err.value) == str(numpy_err.value)
