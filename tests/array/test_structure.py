"""Transposes and basic indexing against NumPy (values) and dask (chunks)."""

from __future__ import annotations

import dask.array as dask_array
import ferrox.array as fa
import numpy as np
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import chunked_arrays
from hypothesis import given
from hypothesis import strategies as st


@st.composite
def basic_index(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple:
    items: list[object] = []
    for n in shape:
        kind = draw(st.sampled_from(["slice", "int", "full"] if n else ["slice", "full"]))
        if kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            bound = st.none() | st.integers(-n - 2, n + 2)
            step = draw(st.none() | st.integers(-4, 4).filter(bool))
            items.append(slice(draw(bound), draw(bound), step))
        else:
            items.append(slice(None))
        if draw(st.integers(0, 5)) == 0:
            items.append(None)
    if items and draw(st.booleans()):
        cut = draw(st.integers(0, len(items)))
        items = [*items[:cut], Ellipsis] + [i for i in items[cut:] if i is None]
    return tuple(items)


@given(data=chunked_arrays(min_dims=1), d=st.data())
def test_basic_indexing_matches_numpy(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    index = d.draw(basic_index(x.shape))
    assert_eq(fa.from_array(x, chunks=chunks)[index], x[index])


@given(data=chunked_arrays(min_dims=1), d=st.data())
def test_transpose_matches_numpy(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    axes = tuple(d.draw(st.permutations(range(x.ndim))))
    a = fa.from_array(x, chunks=chunks)
    assert_eq(a.transpose(axes), x.transpose(axes))
    assert_eq(a.T, x.T)
    assert_eq(fa.transpose(a), np.transpose(x))


@pytest.mark.parametrize(
    "index",
    [np.s_[::2, ::3], np.s_[1:-1, 5], np.s_[::-1, 2:9:2], np.s_[None, 3, ...], np.s_[7:2:-2]],
)
def test_indexed_chunks_match_dask(index: object) -> None:
    x = np.arange(100.0).reshape(10, 10)
    f = fa.from_array(x, chunks=(4, 3))[index]
    d = dask_array.from_array(x, chunks=(4, 3))[index]
    assert f.chunks == d.chunks
    assert_eq(f, x[index])


def test_fused_slicing_and_reduction() -> None:
    x = np.random.default_rng(0).random((400, 300))
    a = fa.from_array(x, chunks=(100, 100))
    assert_eq(a[::2, ::3].std(axis=1), x[::2, ::3].std(axis=1))
    square = a[:300, :300]
    assert_eq((square + square.T).sum(), (x[:300] + x[:300].T).sum())


def test_swapaxes_and_moveaxis() -> None:
    x = np.arange(24).reshape(2, 3, 4)
    a = fa.from_array(x, chunks=2)
    assert_eq(fa.swapaxes(a, 0, 2), np.swapaxes(x, 0, 2))
    assert_eq(fa.moveaxis(a, 0, -1), np.moveaxis(x, 0, -1))


def test_index_errors_match_numpy() -> None:
    x = np.zeros((3, 4))
    a = fa.from_array(x, chunks=2)
    for bad in [np.s_[3], np.s_[0, 0, 0], np.s_[..., ...], np.s_[:, -5]]:
        with pytest.raises(IndexError) as numpy_err:
            x[bad]
        with pytest.raises(IndexError) as ferrox_err:
            a[bad]
        assert str(ferrox_err.value) == str(numpy_err.value)
    with pytest.raises(ValueError, match="axes don't match array"):
        a.transpose((0,))


@given(data=chunked_arrays(min_dims=1), d=st.data())
def test_integer_array_and_mask_indexing_match_numpy(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    axis = d.draw(st.integers(0, x.ndim - 1))
    n = x.shape[axis]
    if n:
        ints = d.draw(st.lists(st.integers(-n, n - 1), max_size=12))
    else:
        ints = []
    mask = np.array(d.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    a = fa.from_array(x, chunks=chunks)
    lead = (slice(None),) * axis
    for index in [ints, np.array(ints, dtype=np.int64), mask]:
        key = (*lead, index)
        assert_eq(a[key], x[key])
    if axis == x.ndim - 1:
        tail = np.s_[..., np.array(ints, dtype=np.int32)]
        assert_eq(a[tail], x[tail])
    full = x == x  # NaN-free positions
    assert_eq(a[full], x[full])


@pytest.mark.parametrize(
    "index",
    [
        np.s_[[7, 0, 1, 2, 12, 19, 3]],
        np.s_[:, [1, 5, 9]],
        np.s_[np.arange(20) % 3 == 0],
        np.s_[np.arange(19, -1, -1)],
        np.s_[[]],
        np.s_[np.random.default_rng(0).permutation(10)],
    ],
)
def test_integer_array_chunks_match_dask(index: object) -> None:
    x = np.arange(200.0).reshape(20, 10)
    if isinstance(index, np.ndarray) and index.dtype == bool:
        x = np.arange(20.0)
    f = fa.from_array(x, chunks=(5, 3))[index] if x.ndim == 2 else fa.from_array(x, 5)[index]
    d = dask_array.from_array(x, chunks=(5, 3) if x.ndim == 2 else 5)[index]
    assert f.chunks == d.chunks
    assert_eq(f, x[index])


@pytest.mark.parametrize(
    "index",
    [np.s_[0, :, [1, 2]], np.s_[:, 1, [1, 2]], np.s_[[0, 2], :, 1], np.s_[0, None, [1, 2]]],
)
def test_advanced_axis_placement_matches_numpy(index: object) -> None:
    x = np.arange(60).reshape(3, 4, 5)
    assert_eq(fa.from_array(x, chunks=2)[index], x[index])


def test_lazy_mask_is_computed_first() -> None:
    x = np.arange(60.0).reshape(3, 4, 5)
    a = fa.from_array(x, chunks=2)
    assert_eq(a[a[:, 0, 0] > 10], x[x[:, 0, 0] > 10])
    assert_eq(a[a > 30], x[x > 30])


def test_advanced_index_errors_match_numpy() -> None:
    x = np.arange(60).reshape(3, 4, 5)
    a = fa.from_array(x, chunks=2)
    bad_indices = [
        np.s_[np.array([1.0])],
        np.s_[[True, False]],
        np.s_[(x > 30)[:2]],
        np.s_[:, [0, 5]],
        np.s_[:, :, [-6]],
        np.s_[np.ones((3, 5), bool)],
    ]
    for bad in bad_indices:
        with pytest.raises(IndexError) as numpy_err:
            x[bad]
        with pytest.raises(IndexError) as ferrox_err:
            a[bad]
        assert str(ferrox_err.value) == str(numpy_err.value)


@given(data=chunked_arrays(min_dims=1, max_dims=3, nan=False), d=st.data())
def test_concatenate_and_stack_match_numpy(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    axis = d.draw(st.integers(-x.ndim, x.ndim - 1))
    other = (x * 2).astype(d.draw(st.sampled_from([x.dtype.name, "float64"])))
    a = fa.from_array(x, chunks=chunks)
    b = fa.from_array(other, chunks=d.draw(st.sampled_from([chunks, "auto"])))
    assert_eq(fa.concatenate([a, b, a], axis=axis), np.concatenate([x, other, x], axis=axis))
    assert_eq(fa.stack([a, b], axis=axis), np.stack([x, other], axis=axis))


def test_concatenate_errors_match_numpy() -> None:
    x, y = np.ones((2, 3)), np.ones((2, 4))
    for args in ([x, y], [x, np.ones(3)]):
        with pytest.raises(ValueError) as numpy_err:
            np.concatenate(args, axis=0)
        with pytest.raises(ValueError) as ferrox_err:
            fa.concatenate([fa.from_array(a, chunks=1) for a in args], axis=0)
        assert str(ferrox_err.value) == str(numpy_err.value)
    with pytest.raises(ValueError, match="same shape"):
        fa.stack([fa.ones(2), fa.ones(3)])


@st.composite
def reshape_target(draw: st.DrawFn, size: int) -> tuple[int, ...]:
    dims: list[int] = []
    rest = size
    for _ in range(draw(st.integers(0, 3))):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0] if rest else [0, 1]
        d = draw(st.sampled_from(divisors))
        dims.append(d)
        rest = rest // d if d else rest
    dims.append(rest if size else 0)
    if size and draw(st.booleans()):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return tuple(dims)


@given(data=chunked_arrays(nan=False), d=st.data())
def test_reshape_matches_numpy(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    shape = d.draw(reshape_target(x.size))
    a = fa.from_array(x, chunks=chunks)
    assert_eq(a.reshape(shape), x.reshape(shape))
    assert_eq(fa.ravel(a), np.ravel(x))
    if x.ndim:
        expected = np.cumsum(x)
        # NumPy accumulates uint8 in uint64, which ferrox does not have.
        expected = expected.astype(np.int64) if expected.dtype == np.uint64 else expected
        # Blocks add their carry at the end: float32 sums differ by reassociation.
        assert_eq(fa.cumsum(a), expected, rtol=1e-4 if x.dtype == np.float32 else 1e-9)
        assert_eq(fa.roll(a, 3), np.roll(x, 3))


def test_reshape_errors_match_numpy() -> None:
    x = np.arange(12)
    for bad in [(5,), (-1, 5), (2, -1, 5), (5, -1), (7, 2), (-1, -1)]:
        with pytest.raises(ValueError) as numpy_err:
            x.reshape(bad)
        with pytest.raises(ValueError) as ferrox_err:
            fa.from_array(x, chunks=5).reshape(bad)
        assert str(ferrox_err.value) == str(numpy_err.value)


@pytest.mark.parametrize("index", [1, -1, (0, 1), (slice(1, 3), 0), (slice(None), slice(0, 2))])
def test_blocks_match_dask(index: object) -> None:
    import dask.array as dask_array

    x = np.arange(70.0).reshape(7, 10)
    f = fa.from_array(x, chunks=(3, 4)).blocks[index]
    d = dask_array.from_array(x, chunks=(3, 4)).blocks[index]
    assert f.chunks == d.chunks
    assert_eq(f, d.compute())


@pytest.mark.parametrize(
    "index",
    [
        np.s_[::2],
        np.s_[::-1, 1],
        np.s_[[2, 0], :],
        np.s_[..., [1, 0, 2]],
        np.s_[-1, ::-2],
        np.s_[np.array([0, 0, 1])],
        np.s_[1, ...],
    ],
)
def test_blocks_with_steps_and_lists_match_dask(index: object) -> None:
    x = np.arange(70.0).reshape(7, 10)
    f = fa.from_array(x, chunks=(3, 4)).blocks[index]
    d = dask_array.from_array(x, chunks=(3, 4)).blocks[index]
    assert f.chunks == d.chunks
    assert_eq(f, d.compute())


@pytest.mark.parametrize("index", [np.s_[None], np.s_[[0], [0]], np.s_[5], np.s_[0, 0, 0]])
def test_blocks_errors_match_dask(index: object) -> None:
    x = np.arange(70.0).reshape(7, 10)
    with pytest.raises((ValueError, IndexError)) as dask_err:
        dask_array.from_array(x, chunks=3).blocks[index]
    with pytest.raises(type(dask_err.value)) as ferrox_err:
        fa.from_array(x, chunks=3).blocks[index]
    assert str(ferrox_err.value) == str(dask_err.value)
