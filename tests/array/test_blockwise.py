"""map_blocks, blockwise, map_overlap, apply_along_axis and reduction against
NumPy and dask.array (same data, same chunks: values, dtypes, chunks, errors)."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable
from typing import Any

import dask.array as dask_array
import ferrox.array as fa
import numpy as np
import pytest
from ferrox.array.overlap import trim_internal
from ferrox.testing import assert_eq
from ferrox.testing.strategies import chunks_for
from hypothesis import given
from hypothesis import strategies as st

BOUNDARIES = ["reflect", "periodic", "nearest", "none", -7.5]


def pair(x: np.ndarray, chunks: Any) -> tuple[fa.Array, Any]:
    """The same data and chunks as a ferrox and a dask array."""
    return fa.from_array(x, chunks=chunks), dask_array.from_array(x, chunks=chunks)


def dask_value(d: Any) -> Any:
    """Compute a dask array on the sync scheduler (quietly: dask may warn about chunking)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return d.compute(scheduler="sync")


def same_error(ferrox_call: Callable[[], Any], dask_call: Callable[[], Any]) -> str:
    """Both calls raise the same exception type and message; returns the message."""
    with pytest.raises(Exception) as dask_err:  # noqa: B017 - the type is compared below
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dask_call()
    with pytest.raises(type(dask_err.value)) as ferrox_err:
        ferrox_call()
    assert str(ferrox_err.value) == str(dask_err.value)
    return str(ferrox_err.value)


def same_misalignment(ferrox_call: Callable[[], Any], dask_call: Callable[[], Any]) -> None:
    """Both calls raise dask's "Shapes do not align {index: block counts}" error, with
    the same counts (dask's order of the indices in the message varies between runs)."""
    with pytest.raises(ValueError, match="^Shapes do not align ") as dask_err:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dask_call()
    with pytest.raises(ValueError, match="^Shapes do not align ") as ferrox_err:
        ferrox_call()
    prefix = len("Shapes do not align ")
    ours = ast.literal_eval(str(ferrox_err.value)[prefix:])
    theirs = ast.literal_eval(str(dask_err.value)[prefix:])
    assert ours == theirs


def assert_like_dask(result: fa.Array, expected: Any) -> None:
    """Equal values, dtype and chunks to the dask array ``expected``."""
    assert result.chunks == expected.chunks, (result.chunks, expected.chunks)
    assert result.dtype == expected.dtype
    assert_eq(result, dask_value(expected))


# -- map_blocks ---------------------------------------------------------------------------


def test_map_blocks_matches_dask() -> None:
    x = np.arange(40.0).reshape(5, 8)
    f, d = pair(x, (2, 3))
    assert_eq(f.map_blocks(np.sin), d.map_blocks(np.sin).compute())
    assert_eq(fa.map_blocks(np.add, f, f, dtype="float64"), x + x)
    assert_eq(
        fa.map_blocks(lambda b, k: b * k, f, 3), d.map_blocks(lambda b, k: b * k, 3).compute()
    )


def test_dtype_is_inferred_and_blocks_follow_chunks() -> None:
    x = np.arange(12).reshape(3, 4)
    f = fa.from_array(x, chunks=2)
    out = f.map_blocks(lambda b: b > 5)
    assert out.dtype == np.dtype(bool)
    assert_eq(out, x > 5)
    shrunk = f.map_blocks(lambda b: b[:1, :1], chunks=(1, 1))
    assert shrunk.chunks == ((1, 1), (1, 1))
    d = dask_array.from_array(x, chunks=2).map_blocks(lambda b: b[:1, :1], chunks=(1, 1))
    assert_eq(shrunk, d.compute())


def test_dtype_inference_matches_dask() -> None:
    f, d = pair(np.arange(6), 2)
    # dask infers from 1-element blocks: division of ints is float
    assert_like_dask(f.map_blocks(lambda b: b / (b[0] + 1)), d.map_blocks(lambda b: b / (b[0] + 1)))

    def boom(b: np.ndarray) -> np.ndarray:
        raise RuntimeError("no dtype here")

    with pytest.raises(ValueError, match="`dtype` inference failed in `map_blocks`"):
        f.map_blocks(boom)
    with pytest.raises(ValueError, match="`dtype` inference failed in `map_blocks`"):
        d.map_blocks(boom)


def test_native_operations_follow_map_blocks() -> None:
    x = np.random.default_rng(0).random((60, 40))
    f = fa.from_array(x, chunks=(25, 15))
    assert_eq(f.map_blocks(np.exp).sum(axis=0) + 1, np.exp(x).sum(axis=0) + 1)


def test_errors_in_the_function_keep_their_type() -> None:
    def boom(b: np.ndarray) -> np.ndarray:
        raise ZeroDivisionError("no")

    f = fa.ones((4,), chunks=2)
    with pytest.raises(ZeroDivisionError, match="no"):
        f.map_blocks(boom, dtype="float64").compute()

    def located_boom(b: np.ndarray, block_id: Any = None) -> np.ndarray:
        raise ZeroDivisionError("no")

    with pytest.raises(ZeroDivisionError, match="no"):  # the from_calls path
        f.map_blocks(located_boom, dtype="float64").compute()


def test_block_id_matches_dask() -> None:
    f, d = pair(np.zeros((5, 7), dtype=int), (2, 3))

    def where(b: np.ndarray, block_id: Any = None) -> np.ndarray:
        return b + 10 * block_id[0] + block_id[1]

    assert_like_dask(f.map_blocks(where, dtype=int), d.map_blocks(where, dtype=int))


def recorder(store: dict[Any, Any], drop: bool) -> Callable[..., np.ndarray]:
    """A block function that keeps the ``block_info`` of every call."""

    def func(a: np.ndarray, k: int, b: np.ndarray, block_info: Any = None) -> np.ndarray:
        store[block_info[None]["chunk-location"]] = block_info
        out = a + k + b.sum()
        return out.sum(axis=1) if drop else out

    return func


@pytest.mark.parametrize("drop", [True, False])
def test_block_info_matches_dask(drop: bool) -> None:
    rng = np.random.default_rng(1)
    fm, dm = pair(rng.random((6, 8)), ((2, 3, 1), (3, 3, 2)))
    fv, dv = pair(rng.random(8), 3)
    ours: dict[Any, Any] = {}
    theirs: dict[Any, Any] = {}
    kw = {"drop_axis": 1} if drop else {}
    result = fa.map_blocks(recorder(ours, drop), fm, 5, fv, dtype=float, **kw)
    expected = dask_array.map_blocks(recorder(theirs, drop), dm, 5, dv, dtype=float, **kw)
    assert_like_dask(result, expected)
    assert ours == theirs
    assert set(ours) == set(np.ndindex(*result.numblocks))


def test_drop_axis_concatenates_like_dask() -> None:
    x = np.arange(60.0).reshape(4, 5, 3)
    f, d = pair(x, (2, 2, 2))
    for axis in [0, 1, -1, (0, 2)]:
        drop = list(axis) if isinstance(axis, tuple) else axis
        assert_like_dask(
            f.map_blocks(np.sum, axis=axis, drop_axis=drop, dtype=float),
            d.map_blocks(np.sum, axis=axis, drop_axis=drop, dtype=float),
        )
    same_error(
        lambda: f.map_blocks(np.sum, drop_axis=3, dtype=float),
        lambda: d.map_blocks(np.sum, drop_axis=3, dtype=float),
    )


def test_new_axis_matches_dask() -> None:
    f, d = pair(np.arange(18), 6)

    def grow(b: np.ndarray) -> np.ndarray:
        return b[None, :, None]

    assert_like_dask(
        f.map_blocks(grow, chunks=(1, 6, 1), new_axis=[0, 2]),
        d.map_blocks(grow, chunks=(1, 6, 1), new_axis=[0, 2]),
    )
    assert_like_dask(f.map_blocks(grow, new_axis=[0, 2]), d.map_blocks(grow, new_axis=[0, 2]))

    def tile(b: np.ndarray) -> np.ndarray:
        return np.repeat(b[:, None], 4, axis=1)

    # several blocks along the new axis, and new axes inferred from the chunks
    assert_like_dask(
        f.map_blocks(tile, chunks=((6, 6, 6), (4,)), new_axis=1),
        d.map_blocks(tile, chunks=((6, 6, 6), (4,)), new_axis=1),
    )
    assert_like_dask(
        f.map_blocks(lambda b: b[None], chunks=(1, 6)),
        d.map_blocks(lambda b: b[None], chunks=(1, 6)),
    )
    same_error(
        lambda: f.map_blocks(grow, chunks=((6, 6, 6),), new_axis=[0]),
        lambda: d.map_blocks(grow, chunks=((6, 6, 6),), new_axis=[0]),
    )


def test_arrays_of_different_ndim_broadcast_like_dask() -> None:
    rng = np.random.default_rng(2)
    m, v, row = rng.random((6, 8)), rng.random(8), rng.random((1, 8))
    fm, dm = pair(m, (2, 3))
    fv, dv = pair(v, 3)
    fr, dr = pair(row, (1, 8))
    assert_like_dask(fa.map_blocks(np.add, fm, fv), dask_array.map_blocks(np.add, dm, dv))
    # one block along an axis broadcasts over the other array's blocks there
    assert_like_dask(
        fa.map_blocks(lambda a, b: a + b.sum(), fm, fr),
        dask_array.map_blocks(lambda a, b: a + b.sum(), dm, dr),
    )
    # blocks are matched by position, not by element
    x1, y1 = fa.arange(1000, chunks=100), fa.arange(100, chunks=10)
    dx1, dy1 = dask_array.arange(1000, chunks=100), dask_array.arange(100, chunks=10)

    def maxes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.array([a.max(), b.max()])

    assert_like_dask(
        fa.map_blocks(maxes, x1, y1, chunks=(2,), dtype="i8"),
        dask_array.map_blocks(maxes, dx1, dy1, chunks=(2,), dtype="i8"),
    )
    same_misalignment(
        lambda: fa.map_blocks(np.add, fm, fa.ones(8, chunks=2)).compute(),
        lambda: dask_array.map_blocks(np.add, dm, dask_array.ones(8, chunks=2)).compute(),
    )


def test_map_blocks_without_arrays_matches_dask() -> None:
    def positions(block_info: Any = None) -> np.ndarray:
        lo, hi = block_info[None]["array-location"][0]
        return np.arange(lo, hi, dtype=float)

    assert_like_dask(
        fa.map_blocks(positions, chunks=((4, 4, 2),), dtype=np.float64),
        dask_array.map_blocks(positions, chunks=((4, 4, 2),), dtype=np.float64),
    )


def test_map_blocks_errors_match_dask() -> None:
    f, d = pair(np.ones((4, 6)), 2)
    same_error(lambda: fa.map_blocks(1, f), lambda: dask_array.map_blocks(1, d))
    same_error(
        lambda: f.map_blocks(np.sum, chunks=((1,),)), lambda: d.map_blocks(np.sum, chunks=((1,),))
    )
    same_error(
        lambda: f.map_blocks(lambda b: b, chunks=((1, 2, 3), (2, 2, 2))),
        lambda: d.map_blocks(lambda b: b, chunks=((1, 2, 3), (2, 2, 2))),
    )

    def first_row(b: np.ndarray) -> np.ndarray:
        return b[0]

    same_error(
        lambda: f.map_blocks(first_row, enforce_ndim=True, dtype=float).compute(),
        lambda: d.map_blocks(first_row, enforce_ndim=True, dtype=float).compute(),
    )
    with pytest.raises(ValueError, match="expected \\(2, 2\\) from the chunks"):
        f.map_blocks(lambda b, block_id=None: b[:1], dtype=float).compute()


# -- blockwise ----------------------------------------------------------------------------


def sequence_dot(a_blocks: list[np.ndarray], b_blocks: list[np.ndarray]) -> Any:
    return sum(a @ b for a, b in zip(a_blocks, b_blocks, strict=True))


def test_blockwise_index_notation_matches_dask() -> None:
    rng = np.random.default_rng(3)
    a_np, b_np = rng.random((6, 5)), rng.random((5, 4))
    fa_, da_ = pair(a_np, (2, 2))
    fb, db = pair(b_np, (3, 2))
    # contraction: concatenated blocks, or lists of them
    assert_like_dask(
        fa.blockwise(np.dot, "ik", fa_, "ij", fb, "jk", concatenate=True, dtype=float),
        dask_array.blockwise(np.dot, "ik", da_, "ij", db, "jk", concatenate=True, dtype=float),
    )
    assert_like_dask(
        fa.blockwise(sequence_dot, "ik", fa_, "ij", fb, "jk", dtype=float),
        dask_array.blockwise(sequence_dot, "ik", da_, "ij", db, "jk", dtype=float),
    )
    assert_eq(fa.blockwise(sequence_dot, "ik", fa_, "ij", fb, "jk", dtype=float), a_np @ b_np)
    # transpose, outer product, literals
    assert_like_dask(
        fa.blockwise(np.transpose, "ji", fa_, "ij", dtype=float),
        dask_array.blockwise(np.transpose, "ji", da_, "ij", dtype=float),
    )
    v, w = np.arange(5), np.arange(3)
    fv, dv = pair(v, 2)
    fw, dw = pair(w, 1)
    assert_like_dask(
        fa.blockwise(np.outer, "ij", fv, "i", fw, "j", dtype=int),
        dask_array.blockwise(np.outer, "ij", dv, "i", dw, "j", dtype=int),
    )
    assert_like_dask(
        fa.blockwise(np.add, "ij", fa_, "ij", 1234, None, dtype=float),
        dask_array.blockwise(np.add, "ij", da_, "ij", 1234, None, dtype=float),
    )
    # contraction to a 0-d result, keyword arguments
    assert_like_dask(
        fa.blockwise(sequence_dot, "", fv, "i", fv, "i", dtype=int),
        dask_array.blockwise(sequence_dot, "", dv, "i", dv, "i", dtype=int),
    )

    def scaled(b: np.ndarray, k: float = 1.0) -> np.ndarray:
        return b * k

    assert_like_dask(
        fa.blockwise(scaled, "ij", fa_, "ij", k=2.5, dtype=float),
        dask_array.blockwise(scaled, "ij", da_, "ij", k=2.5, dtype=float),
    )


def test_blockwise_lists_along_contracted_indices() -> None:
    x = np.arange(24.0).reshape(4, 6)
    f, d = pair(x, (2, 2))
    seen = []

    def total(blocks: list[np.ndarray]) -> np.ndarray:
        seen.append(len(blocks))
        return sum(b.sum(axis=1) for b in blocks)

    assert_like_dask(
        fa.blockwise(total, "i", f, "ij", dtype=float),
        dask_array.blockwise(total, "i", d, "ij", dtype=float),
    )
    assert 3 in seen
    # contracting two indices gives nested lists, in index order
    assert_like_dask(
        fa.blockwise(
            lambda bs: np.array(sum(b.sum() for r in bs for b in r)), "", f, "ij", dtype=float
        ),
        dask_array.blockwise(
            lambda bs: np.array(sum(b.sum() for r in bs for b in r)), "", d, "ij", dtype=float
        ),
    )


def test_blockwise_new_axes_and_adjust_chunks_match_dask() -> None:
    v = np.arange(3)
    fv, dv = pair(v, 1)

    def spread(b: np.ndarray) -> np.ndarray:
        return b[:, None] * np.ones((1, 5), dtype=int)

    for new in [{"z": 5}, {"z": (5,)}]:
        assert_like_dask(
            fa.blockwise(spread, "az", fv, "a", new_axes=new, dtype=int),
            dask_array.blockwise(spread, "az", dv, "a", new_axes=new, dtype=int),
        )
    x = np.arange(12.0).reshape(3, 4)
    f, d = pair(x, 2)

    def double(b: np.ndarray) -> np.ndarray:
        return np.concatenate([b, b])

    for adjust in [{"i": lambda n: 2 * n}, {"i": (4, 2)}]:
        assert_like_dask(
            fa.blockwise(double, "ij", f, "ij", adjust_chunks=adjust, dtype=float),
            dask_array.blockwise(double, "ij", d, "ij", adjust_chunks=adjust, dtype=float),
        )
    assert_like_dask(
        fa.blockwise(lambda b: b[:1], "ij", f, "ij", adjust_chunks={"i": 1}, dtype=float),
        dask_array.blockwise(lambda b: b[:1], "ij", d, "ij", adjust_chunks={"i": 1}, dtype=float),
    )


def test_blockwise_aligns_chunks_like_dask() -> None:
    rng = np.random.default_rng(4)
    x = rng.random((6, 5))
    fx, dx = pair(x, (2, 2))
    fy, dy = pair(x, ((1, 5), (3, 2)))
    fr, dr = pair(x[:1], (1, 5))
    assert_like_dask(
        fa.blockwise(np.add, "ij", fx, "ij", fy, "ij", dtype=float),
        dask_array.blockwise(np.add, "ij", dx, "ij", dy, "ij", dtype=float),
    )
    # length-1 axes broadcast; transposed indices align too
    assert_like_dask(
        fa.blockwise(np.add, "ij", fx, "ij", fr, "ij", dtype=float),
        dask_array.blockwise(np.add, "ij", dx, "ij", dr, "ij", dtype=float),
    )
    fz, dz = pair(x.T.copy(), (1, 3))
    assert_like_dask(
        fa.blockwise(lambda a, b: a + b.T, "ij", fx, "ij", fz, "ji", dtype=float),
        dask_array.blockwise(lambda a, b: a + b.T, "ij", dx, "ij", dz, "ji", dtype=float),
    )
    # NumPy arrays with an index become arrays
    assert_eq(fa.blockwise(np.add, "ij", fx, "ij", x, "ij", dtype=float), x + x)


def test_blockwise_dtype_inference() -> None:
    f, d = pair(np.arange(6), 2)
    assert_like_dask(
        fa.blockwise(lambda b: b + 0.5, "i", f, "i"),
        dask_array.blockwise(lambda b: b + 0.5, "i", d, "i"),
    )

    def boom(b: np.ndarray) -> np.ndarray:
        raise RuntimeError

    same_error(
        lambda: fa.blockwise(boom, "i", f, "i"), lambda: dask_array.blockwise(boom, "i", d, "i")
    )


def test_blockwise_errors_match_dask() -> None:
    f, d = pair(np.ones((4, 6)), 2)
    g, e = pair(np.ones((5, 6)), 3)
    cases = [
        (lambda m, x, y: m.blockwise(np.add, "ii", x, "ij", dtype="f8")),
        (lambda m, x, y: m.blockwise(np.add, "ik", x, "ij", dtype="f8")),
        (lambda m, x, y: m.blockwise(np.add, "ij", x, "i", dtype="f8")),
        (lambda m, x, y: m.blockwise(np.add, "i", x, "i", dtype="f8")),
        (lambda m, x, y: m.blockwise(np.add, "ij", x, "ijk", dtype="f8")),
        (lambda m, x, y: m.blockwise(np.add, "ij", x, "ij", y, "ij", dtype="f8")),
        (lambda m, x, y: m.blockwise(np.add, "ij", x, "ij", adjust_chunks={"i": (1, 2, 3)})),
        (lambda m, x, y: m.blockwise(np.add, "ij", x, "ij", adjust_chunks={"i": 2.5})),
    ]
    for case in cases:
        same_error(lambda c=case: c(fa, f, g), lambda c=case: c(dask_array, d, e))
    same_misalignment(
        lambda: fa.blockwise(
            np.add, "ij", f, "ij", fa.ones((4, 6), chunks=3), "ij", align_arrays=False, dtype="f8"
        ).compute(),
        lambda: dask_array.blockwise(
            np.add, "ij", d, "ij", dask_array.ones((4, 6), chunks=3), "ij", align_arrays=False,
            dtype="f8",
        ).compute(),
    )  # fmt: skip


@st.composite
def blockwise_case(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, Any, Any, Any]:
    n, k, m = draw(st.integers(1, 7)), draw(st.integers(1, 7)), draw(st.integers(1, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    a, b = rng.integers(-9, 9, (n, k)), rng.integers(-9, 9, (k, m))
    ca, cb = draw(chunks_for(a.shape)), draw(chunks_for(b.shape))
    cc = draw(chunks_for(a.shape))
    return a, b, ca, cb, cc


@given(case=blockwise_case(), concatenate=st.booleans())
def test_blockwise_contraction_and_alignment_hypothesis(case: tuple, concatenate: bool) -> None:
    a, b, ca, cb, cc = case
    fa_, da_ = pair(a, ca)
    fb, db = pair(b, cb)
    func = np.dot if concatenate else sequence_dot
    result = fa.blockwise(func, "ik", fa_, "ij", fb, "jk", concatenate=concatenate, dtype=int)
    expected = dask_array.blockwise(
        func, "ik", da_, "ij", db, "jk", concatenate=concatenate, dtype=int
    )
    assert_like_dask(result, expected)
    assert_eq(result, a @ b)
    # elementwise over differently chunked operands: chunks are unified as in dask
    fc, dc = pair(a * 3, cc)
    assert_like_dask(
        fa.blockwise(np.subtract, "ij", fa_, "ij", fc, "ij", dtype=int),
        dask_array.blockwise(np.subtract, "ij", da_, "ij", dc, "ij", dtype=int),
    )


# -- map_overlap ----------------------------------------------------------------------------


def neighbourhood(b: np.ndarray) -> np.ndarray:
    """Depends on every element of the extended block and on its position."""
    return b * 2 + b.sum() + np.arange(b.size).reshape(b.shape) % 3


@st.composite
def overlap_case(draw: st.DrawFn) -> tuple[np.ndarray, Any, dict[int, int], dict[int, Any]]:
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 7)) for _ in range(ndim))
    x = np.random.default_rng(draw(st.integers(0, 2**16))).integers(-50, 50, shape).astype(float)
    chunks = draw(chunks_for(shape))
    depth = {ax: draw(st.integers(0, min(3, n))) for ax, n in enumerate(shape)}
    boundary = {ax: draw(st.sampled_from(BOUNDARIES)) for ax in range(ndim)}
    return x, chunks, depth, boundary


@given(case=overlap_case())
def test_overlap_and_map_overlap_match_dask_hypothesis(case: tuple) -> None:
    x, chunks, depth, boundary = case
    f, d = pair(x, chunks)
    assert_like_dask(fa.overlap(f, depth, boundary), dask_array.overlap.overlap(d, depth, boundary))
    assert_like_dask(
        f.map_overlap(neighbourhood, depth=depth, boundary=boundary),
        d.map_overlap(neighbourhood, depth=depth, boundary=boundary),
    )


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("depth", [1, 2, {0: 1, 1: 3}, (0, 2)])
def test_map_overlap_matches_dask(boundary: Any, depth: Any) -> None:
    x = np.random.default_rng(5).integers(0, 100, (7, 9)).astype(float)
    for chunks in [(3, 4), ((1, 2, 4), (2, 2, 5)), (1, 1)]:
        f, d = pair(x, chunks)
        assert_like_dask(
            fa.map_overlap(neighbourhood, f, depth=depth, boundary=boundary),
            dask_array.map_overlap(neighbourhood, d, depth=depth, boundary=boundary),
        )


def test_map_overlap_stencil_matches_numpy() -> None:
    x = np.random.default_rng(6).random((11, 8))
    f = fa.from_array(x, chunks=((3, 1, 4, 3), (2, 6)))

    def laplace(b: np.ndarray) -> np.ndarray:
        out = -4 * b
        out[1:-1, 1:-1] += b[:-2, 1:-1] + b[2:, 1:-1] + b[1:-1, :-2] + b[1:-1, 2:]
        return out

    for boundary, mode in [("reflect", "symmetric"), ("periodic", "wrap"), ("nearest", "edge")]:
        expected = laplace(np.pad(x, 1, mode=mode))[1:-1, 1:-1]
        assert_eq(f.map_overlap(laplace, depth=1, boundary=boundary), expected)
    expected = laplace(np.pad(x, 1, constant_values=2.0))[1:-1, 1:-1]
    assert_eq(f.map_overlap(laplace, depth=1, boundary=2.0), expected)


def test_map_overlap_per_axis_and_mixed_boundaries_match_dask() -> None:
    x = np.arange(63.0).reshape(7, 9)
    f, d = pair(x, (3, 4))
    for boundary in [
        {0: 7.0, 1: "reflect"},
        {0: "periodic", 1: 3.0},
        {0: 1.0, 1: 3.0},
        {0: "nearest"},
        ("none", "periodic"),
    ]:
        assert_like_dask(
            fa.overlap(f, {0: 2, 1: 1}, boundary),
            dask_array.overlap.overlap(d, {0: 2, 1: 1}, boundary),
        )
        assert_like_dask(
            f.map_overlap(neighbourhood, depth=(1, 2), boundary=boundary),
            d.map_overlap(neighbourhood, depth=(1, 2), boundary=boundary),
        )


def test_asymmetric_depth_matches_dask() -> None:
    x = np.arange(63.0).reshape(7, 9)
    f, d = pair(x, (3, 4))
    depth = {0: (1, 2), 1: (0, 3)}
    assert_like_dask(fa.overlap(f, depth, "none"), dask_array.overlap.overlap(d, depth, "none"))
    assert_like_dask(
        f.map_overlap(neighbourhood, depth=depth, boundary="none"),
        d.map_overlap(neighbourhood, depth=depth, boundary="none"),
    )
    same_error(
        lambda: f.map_overlap(neighbourhood, depth=depth, boundary="reflect"),
        lambda: d.map_overlap(neighbourhood, depth=depth, boundary="reflect"),
    )


def test_map_overlap_options_match_dask() -> None:
    x = np.arange(48.0).reshape(6, 8)
    f, d = pair(x, (4, 3))

    def inner(b: np.ndarray) -> np.ndarray:
        return b[1:-1, 1:-1] + 1

    # trim=False: the function trims itself; chunks of the rechunked input
    assert_like_dask(
        f.map_overlap(inner, depth=1, boundary="reflect", trim=False),
        d.map_overlap(inner, depth=1, boundary="reflect", trim=False),
    )

    # block_id sees the overlapped grid; dtype and map_blocks keywords pass through
    def located(b: np.ndarray, block_id: Any = None) -> np.ndarray:
        return b + 100 * block_id[0] + block_id[1]

    assert_like_dask(
        f.map_overlap(located, depth=1, boundary=0.0, dtype=float),
        d.map_overlap(located, depth=1, boundary=0.0, dtype=float),
    )
    # depth 0 everywhere is map_blocks
    assert_like_dask(f.map_overlap(neighbourhood, depth=0), d.map_overlap(neighbourhood, depth=0))
    # drop_axis: the overlapped blocks are concatenated along the dropped axis
    v, dv = pair(np.ones(10, dtype=int), 5)
    for depth in [0, 1]:
        kw = {"chunks": (), "drop_axis": 0, "depth": depth, "boundary": "reflect"}
        assert_like_dask(fa.map_overlap(np.sum, v, **kw), dask_array.map_overlap(np.sum, dv, **kw))
    # rows reduced to one value each: drop_axis then trim along the kept axis
    kw = {"depth": 1, "boundary": "periodic", "drop_axis": 1, "dtype": float}
    assert_like_dask(
        f.map_overlap(lambda b: b.sum(axis=1), **kw), d.map_overlap(lambda b: b.sum(axis=1), **kw)
    )
    # new_axis: trimmed everywhere but along the new axis
    kw = {"depth": 1, "boundary": "nearest", "new_axis": 0, "dtype": float}
    assert_like_dask(
        f.map_overlap(lambda b: b[None] * 2, **kw), d.map_overlap(lambda b: b[None] * 2, **kw)
    )


def test_map_overlap_several_arrays_match_dask() -> None:
    x2, x1 = np.arange(8).reshape(2, 4), np.arange(4)
    f2, d2 = pair(x2, (1, 2))
    f1, d1 = pair(x1, 2)
    assert_like_dask(
        fa.map_overlap(np.add, f2, f1, depth=1, boundary="reflect"),
        dask_array.map_overlap(np.add, d2, d1, depth=1, boundary="reflect"),
    )
    # per-array depths and boundaries; chunks aligned first
    g1, e1 = pair(x1, 1)
    kw = {"depth": [{0: 1, 1: 1}, 1], "boundary": ["periodic", 0]}
    assert_like_dask(
        fa.map_overlap(lambda a, b: a * b.sum(), f2, g1, **kw),
        dask_array.map_overlap(lambda a, b: a * b.sum(), d2, e1, **kw),
    )
    same_misalignment(
        lambda: fa.map_overlap(np.add, fa.arange(8, chunks=4), fa.arange(8, chunks=2), depth=1,
                               boundary="reflect", align_arrays=False).compute(),
        lambda: dask_array.map_overlap(np.add, dask_array.arange(8, chunks=4),
                                       dask_array.arange(8, chunks=2), depth=1,
                                       boundary="reflect", align_arrays=False).compute(),
    )  # fmt: skip


def test_map_overlap_errors_match_dask() -> None:
    x = np.arange(10)
    f, d = pair(x, ((1, 4, 1, 4),))
    # depth larger than the array
    same_error(
        lambda: f.map_overlap(neighbourhood, depth=11, boundary="reflect"),
        lambda: d.map_overlap(neighbourhood, depth=11, boundary="reflect"),
    )
    same_error(
        lambda: fa.overlap(f, depth=11, boundary="none"),
        lambda: dask_array.overlap.overlap(d, depth=11, boundary="none"),
    )
    # depth larger than a chunk, without rechunking
    same_error(
        lambda: f.map_overlap(neighbourhood, depth=2, boundary="reflect", allow_rechunk=False),
        lambda: d.map_overlap(neighbourhood, depth=2, boundary="reflect", allow_rechunk=False),
    )
    # with rechunking the short chunks are merged as dask merges them
    assert_like_dask(
        fa.overlap(f, depth=2, boundary="reflect"),
        dask_array.overlap.overlap(d, depth=2, boundary="reflect"),
    )
    same_error(
        lambda: fa.map_overlap(neighbourhood, f, 3, depth=1),
        lambda: dask_array.map_overlap(neighbourhood, d, 3, depth=1),
    )
    same_error(
        lambda: fa.map_overlap(f, neighbourhood, depth=1),
        lambda: dask_array.map_overlap(f, neighbourhood, depth=1),
    )


def test_trim_internal_matches_dask() -> None:
    x = np.arange(48.0).reshape(6, 8)
    f, d = pair(x, (4, 3))
    for boundary in ["reflect", "none"]:
        depth = {0: 1, 1: 2}
        assert_like_dask(
            trim_internal(fa.overlap(f, depth, boundary), depth, boundary),
            dask_array.overlap.trim_internal(
                dask_array.overlap.overlap(d, depth, boundary), depth, boundary
            ),
        )
        assert_eq(fa.overlap.trim_overlap(fa.overlap(f, depth, boundary), depth, boundary), x)


# -- apply_along_axis -------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_apply_along_axis_matches_dask_and_numpy(axis: int) -> None:
    x = np.random.default_rng(7).random((4, 5, 6))
    f, d = pair(x, (2, 3, 4))
    for func, kw in [
        (np.ptp, {}),
        (np.diff, {"shape": (x.shape[axis] - 1,)}),
        (lambda v: np.outer(v[:2], v[:3]), {"shape": (2, 3)}),
        (np.quantile, {"q": 0.25}),
    ]:
        result = fa.apply_along_axis(func, axis, f, **kw)
        assert_like_dask(result, dask_array.apply_along_axis(func, axis, d, **kw))
        np_kw = {k: v for k, v in kw.items() if k != "shape"}
        assert_eq(result, np.apply_along_axis(func, axis, x, **np_kw))
    # extra positional arguments and an explicit dtype
    assert_like_dask(
        fa.apply_along_axis(np.sum, axis, f, None, "float32", dtype="float32"),
        dask_array.apply_along_axis(np.sum, axis, d, None, "float32", dtype="float32"),
    )


# -- reduction --------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), -1])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("split_every", [None, 2, 3, {0: 2, 1: 3}])
def test_reduction_sum_matches_dask(axis: Any, keepdims: bool, split_every: Any) -> None:
    x = np.random.default_rng(8).random((9, 10))
    f, d = pair(x, (2, 3))
    kw = {"axis": axis, "keepdims": keepdims, "split_every": split_every, "dtype": float}
    result = fa.reduction(f, np.sum, np.sum, **kw)
    assert_like_dask(result, dask_array.reduction(d, np.sum, np.sum, **kw))
    assert_eq(result, x.sum(axis=axis, keepdims=keepdims))


def test_reduction_passes_dtype_and_names_tasks_like_dask() -> None:
    x = np.arange(90, dtype="int32").reshape(9, 10)
    f, d = pair(x, 3)
    assert_like_dask(
        fa.reduction(f, np.sum, np.sum, axis=1, dtype="int64"),
        dask_array.reduction(d, np.sum, np.sum, axis=1, dtype="int64"),
    )
    result = fa.reduction(fa.ones(10, dtype=int, chunks=2), np.sum, np.sum, dtype=int, name="foo")
    prefixes = {key[0].rsplit("-", 1)[0] for key in result.dask if key[0] != result.name}
    assert {"foo", "foo-partial", "foo-aggregate"} <= prefixes | {result.name.rsplit("-", 1)[0]}
    assert_eq(result, np.int64(10))
    with pytest.raises(ValueError, match="Must specify dtype"):
        fa.reduction(f, np.sum, np.sum)


def mean_chunk(x: np.ndarray, axis: Any = None, keepdims: Any = None, computing_meta: bool = False):
    if computing_meta:
        return x
    return {
        "n": np.ones_like(x).sum(axis=axis, keepdims=True),
        "total": x.sum(axis=axis, keepdims=True),
    }


def _flatten(parts: Any) -> list[Any]:
    parts = parts if isinstance(parts, list) else [parts]
    while parts and isinstance(parts[0], list):
        parts = [p for sub in parts for p in sub]
    return parts


def mean_combine(parts: Any, axis: Any = None, keepdims: Any = None, computing_meta: bool = False):
    if computing_meta:
        return parts
    if isinstance(parts, dict):  # concatenate=True: the dicts were concatenated key by key
        return {k: v.sum(axis=axis, keepdims=True) for k, v in parts.items()}
    ps = _flatten(parts)
    return {k: sum(p[k].sum(axis=axis, keepdims=True) for p in ps) for k in ("n", "total")}


def mean_agg(parts: Any, axis: Any = None, keepdims: Any = None, computing_meta: bool = False):
    if computing_meta:
        return parts
    p = mean_combine(parts, axis)
    out = p["total"] / p["n"]
    return out if keepdims else out.squeeze(axis)


@pytest.mark.parametrize("axis", [0, 1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_with_dict_partials_matches_dask(axis: Any, keepdims: bool) -> None:
    x = np.random.default_rng(9).random((9, 10))
    f, d = pair(x, (2, 3))
    kw = {"axis": axis, "keepdims": keepdims, "dtype": float, "split_every": 2}
    result = fa.reduction(f, mean_chunk, mean_agg, combine=mean_combine, concatenate=False, **kw)
    expected = dask_array.reduction(
        d, mean_chunk, mean_agg, combine=mean_combine, concatenate=False, **kw
    )
    assert_like_dask(result, expected)
    assert_eq(result, x.mean(axis=axis, keepdims=keepdims))
    # concatenate=True concatenates dict partials key by key (dask cannot infer meta here)
    assert_eq(
        fa.reduction(f, mean_chunk, mean_agg, combine=mean_combine, **kw),
        x.mean(axis=axis, keepdims=keepdims),
    )


def test_reduction_with_structured_partials() -> None:
    x = np.random.default_rng(10).random((7, 6))
    f = fa.from_array(x, chunks=(2, 4))
    pairs = np.dtype([("n", "i8"), ("total", "f8")])

    def chunk(b: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
        out = np.empty(b.sum(axis=axis, keepdims=True).shape, dtype=pairs)
        out["n"] = np.ones_like(b, dtype="i8").sum(axis=axis, keepdims=True)
        out["total"] = b.sum(axis=axis, keepdims=True)
        return out

    def combine(p: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
        out = np.empty(p["total"].sum(axis=axis, keepdims=True).shape, dtype=pairs)
        out["n"] = p["n"].sum(axis=axis, keepdims=True)
        out["total"] = p["total"].sum(axis=axis, keepdims=True)
        return out

    def agg(p: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
        return p["total"].sum(axis=axis, keepdims=keepdims) / p["n"].sum(
            axis=axis, keepdims=keepdims
        )

    for axis in [0, 1, None]:
        result = fa.reduction(f, chunk, agg, combine=combine, axis=axis, dtype=float, split_every=2)
        assert_eq(result, x.mean(axis=axis))


def test_reduction_output_size_and_weights_match_dask() -> None:
    x = np.random.default_rng(11).random((9, 10))
    f, d = pair(x, (2, 3))

    def extremes(b: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
        lo, hi = b.min(axis=axis, keepdims=True), b.max(axis=axis, keepdims=True)
        return np.concatenate([lo, hi], axis=axis[0])

    kw = {"axis": 0, "keepdims": True, "output_size": 2, "dtype": float}
    assert_like_dask(
        fa.reduction(f, extremes, extremes, **kw),
        dask_array.reduction(d, extremes, extremes, **kw),
    )

    def weighted(b: np.ndarray, weights: Any = None, axis: Any = None, keepdims: bool = False):
        return np.sum(b if weights is None else b * weights, axis=axis, keepdims=keepdims)

    for w in [np.linspace(1, 2, 10), np.linspace(1, 2, 9).reshape(9, 1), np.float64(3)]:
        fw = fa.from_array(w, chunks=5) if w.ndim else w
        dw = dask_array.from_array(w, chunks=5) if w.ndim else w
        assert_like_dask(
            fa.reduction(f, weighted, np.sum, axis=0, dtype=float, weights=fw),
            dask_array.reduction(d, weighted, np.sum, axis=0, dtype=float, weights=dw),
        )
    same_error(
        lambda: fa.reduction(f, weighted, np.sum, dtype=float, weights=np.ones(3)),
        lambda: dask_array.reduction(d, weighted, np.sum, dtype=float, weights=np.ones(3)),
    )


@given(case=st.data(), split_every=st.integers(2, 5))
def test_reduction_hypothesis(case: st.DataObject, split_every: int) -> None:
    shape = tuple(case.draw(st.lists(st.integers(1, 7), min_size=1, max_size=3)))
    x = np.random.default_rng(case.draw(st.integers(0, 2**16))).integers(-9, 9, shape)
    chunks = case.draw(chunks_for(shape))
    axis = tuple(case.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1)))
    keepdims = case.draw(st.booleans())
    f, d = pair(x, chunks)
    kw = {"axis": axis, "keepdims": keepdims, "split_every": split_every, "dtype": int}
    result = fa.reduction(f, np.sum, np.sum, **kw)
    assert_like_dask(result, dask_array.reduction(d, np.sum, np.sum, **kw))
