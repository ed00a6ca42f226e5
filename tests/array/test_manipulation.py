"""Flips, rolls, triangles, diagonals, padding, squeezing and blocks against NumPy."""

from __future__ import annotations

import warnings
from typing import Any

import ferrox.array as fa
import numpy as np
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import ALL_DTYPES, chunked_arrays, chunks_for
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


PAD_MODES = [
    "constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum", "reflect",
    "symmetric", "wrap", "empty",
]  # fmt: skip


@st.composite
def pad_arguments(draw: st.DrawFn, ndim: int, mode: str) -> tuple[Any, dict[str, Any]]:
    """``pad_width`` in one of NumPy's forms (widths past the axis length
    included) and the keywords of ``mode``."""
    pairs = [(draw(st.integers(0, 9)), draw(st.integers(0, 9))) for _ in range(ndim)]
    form = draw(st.sampled_from(["pairs", "int", "pair", "dict"]))
    width: Any = pairs
    if form == "int":
        width = pairs[0][0]
    elif form == "pair":
        width = pairs[0]
    elif form == "dict":
        width = {ax: p for ax, p in enumerate(pairs) if draw(st.booleans())}
    kwargs: dict[str, Any] = {}
    if mode == "constant" and draw(st.booleans()):
        kwargs["constant_values"] = [(draw(st.integers(-9, 9)), draw(st.floats(-9, 9)))] * ndim
    if mode == "linear_ramp" and draw(st.booleans()):
        kwargs["end_values"] = (draw(st.integers(-20, 20)), draw(st.floats(-20, 20)))
    if mode in {"maximum", "mean", "median", "minimum"} and draw(st.booleans()):
        kwargs["stat_length"] = [(draw(st.integers(1, 4)), draw(st.integers(1, 4)))] * ndim
    if mode in {"reflect", "symmetric"} and draw(st.booleans()):
        # dask.array 2026.8 ignores "odd" (it reads a `reflect` keyword): NumPy is the reference
        kwargs["reflect_type"] = draw(st.sampled_from(["even", "odd"]))
    return width, kwargs


@given(
    data=chunked_arrays(min_dims=1, max_dims=3, max_side=5, dtypes=ALL_DTYPES),
    mode=st.sampled_from(PAD_MODES),
    d=st.data(),
)
def test_pad_matches_numpy(data: tuple, mode: str, d: st.DataObject) -> None:
    x, chunks = data
    width, kwargs = d.draw(pad_arguments(x.ndim, mode))
    a = fa.from_array(x, chunks=chunks)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = np.pad(x, width, mode=mode, **kwargs)
    except (ValueError, OverflowError) as numpy_err:
        with pytest.raises(type(numpy_err)) as ferrox_err:
            fa.pad(a, width, mode=mode, **kwargs)
        assert str(ferrox_err.value) == str(numpy_err)
        return
    result = fa.pad(a, width, mode=mode, **kwargs)
    if mode == "empty":  # NumPy leaves the margins undefined
        assert result.shape == expected.shape and result.dtype == expected.dtype
        return
    # mean and linear_ramp compute in floats: sums differ by reassociation
    rtol = 1e-5 if x.dtype == np.float32 else 1e-9
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_eq(result, expected, rtol=rtol, atol=1e-9)


def test_pad_with_margins_wider_than_the_array() -> None:
    """NumPy repeats the reflection / wrap until the margin is full (dask.array
    2026.8 returns a wrongly shaped array here, so NumPy is the reference)."""
    x = np.arange(30.0).reshape(5, 6)
    for mode in ["reflect", "symmetric", "wrap", "edge", "mean", "linear_ramp"]:
        f = fa.pad(fa.from_array(x, chunks=2), ((7, 2), (0, 13)), mode=mode)
        assert_eq(f, np.pad(x, ((7, 2), (0, 13)), mode=mode))


@pytest.mark.parametrize(
    ("width", "mode", "kwargs"),
    [
        (-1, "constant", {}),
        (((1, 2, 3),), "constant", {}),
        (1.5, "constant", {}),
        (1, "nearest", {}),
        (1, "edge", {"constant_values": 3}),
        (1, "maximum", {"stat_length": 0}),
        (1, "mean", {"stat_length": -1}),
    ],
)
def test_pad_errors_match_numpy(width: Any, mode: str, kwargs: dict) -> None:
    x = np.arange(12.0).reshape(3, 4)
    with pytest.raises((ValueError, TypeError)) as numpy_err:
        np.pad(x, width, mode=mode, **kwargs)
    with pytest.raises(type(numpy_err.value)) as ferrox_err:
        fa.pad(fa.from_array(x, chunks=2), width, mode=mode, **kwargs)
    assert str(ferrox_err.value) == str(numpy_err.value)


def test_pad_of_an_empty_axis_matches_numpy() -> None:
    x = np.zeros((0, 3))
    with pytest.raises(ValueError) as numpy_err:
        np.pad(x, 1, mode="edge")
    with pytest.raises(ValueError) as ferrox_err:
        fa.pad(fa.from_array(x), 1, mode="edge")
    assert str(ferrox_err.value) == str(numpy_err.value)
    width = ((0, 0), (1, 2))
    assert_eq(fa.pad(fa.from_array(x), width, mode="wrap"), np.pad(x, width, mode="wrap"))


@given(data=chunked_arrays(min_dims=1, max_dims=3, nan=False), d=st.data())
def test_roll_expand_dims_moveaxis_with_tuples(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    a = fa.from_array(x, chunks=chunks)
    axes = d.draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=1, max_size=3))
    shifts = d.draw(st.lists(st.integers(-8, 8), min_size=len(axes), max_size=len(axes)))
    assert_eq(fa.roll(a, tuple(shifts), axis=tuple(axes)), np.roll(x, shifts, axis=axes))
    assert_eq(fa.roll(a, shifts[0], axis=tuple(axes)), np.roll(x, shifts[0], axis=axes))
    assert_eq(fa.roll(a, tuple(shifts)), np.roll(x, shifts))
    count = d.draw(st.integers(1, 2))
    new = tuple(d.draw(st.sets(st.integers(0, x.ndim + count - 1), min_size=count, max_size=count)))
    assert_eq(fa.expand_dims(a, new), np.expand_dims(x, new))
    source = d.draw(st.permutations(range(x.ndim)))[: d.draw(st.integers(1, x.ndim))]
    dest = d.draw(st.permutations(range(x.ndim)))[: len(source)]
    assert_eq(fa.moveaxis(a, source, dest), np.moveaxis(x, source, dest))
    axis1, axis2 = (d.draw(st.integers(-x.ndim, x.ndim - 1)) for _ in range(2))
    assert_eq(fa.swapaxes(a, axis1, axis2), np.swapaxes(x, axis1, axis2))
    assert_eq(a.swapaxes(axis1, axis2), x.swapaxes(axis1, axis2))


@given(data=chunked_arrays(min_dims=1, max_dims=1), k=st.integers(-3, 3))
def test_triangles_of_a_vector(data: tuple, k: int) -> None:
    x, chunks = data
    a = fa.from_array(x, chunks=chunks)
    assert_eq(fa.tril(a, k), np.tril(x, k))
    assert_eq(fa.triu(a, k), np.triu(x, k))


AXIS_CALLS = [
    ("flip", lambda m, v: m.flip(v, 3)),
    ("roll", lambda m, v: m.roll(v, 1, axis=-4)),
    ("expand_dims", lambda m, v: m.expand_dims(v, 4)),
    ("expand_dims twice", lambda m, v: m.expand_dims(v, (0, 0))),
    ("squeeze", lambda m, v: m.squeeze(v, 3)),
    ("moveaxis source", lambda m, v: m.moveaxis(v, 3, 0)),
    ("moveaxis destination", lambda m, v: m.moveaxis(v, 0, -4)),
    ("moveaxis lengths", lambda m, v: m.moveaxis(v, (0, 1), 2)),
    ("moveaxis repeated", lambda m, v: m.moveaxis(v, (0, 0), (1, 2))),
    ("swapaxes", lambda m, v: m.swapaxes(v, 0, 3)),
    ("concatenate", lambda m, v: m.concatenate([v, v], axis=3)),
    ("stack", lambda m, v: m.stack([v, v], axis=-5)),
    ("transpose", lambda m, v: m.transpose(v, (0, 1, 1))),
]


@pytest.mark.parametrize(("name", "call"), AXIS_CALLS, ids=[n for n, _ in AXIS_CALLS])
def test_bad_axes_raise_numpys_errors_when_built(name: str, call: Any) -> None:
    x = np.zeros((2, 1, 3))
    with pytest.raises(Exception) as numpy_err:  # noqa: PT011 - NumPy's own, compared below
        call(np, x)
    with pytest.raises(type(numpy_err.value)) as ferrox_err:
        call(fa, fa.from_array(x, chunks=1))
    assert str(ferrox_err.value) == str(numpy_err.value)
