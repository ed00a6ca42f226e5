"""Creation functions and chunk handling against NumPy and dask.array."""

from __future__ import annotations

import warnings

import dask.array as dask_array
import ferrox.array as fa
import numpy as np
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import ALL_DTYPES, chunked_arrays, chunks_for
from hypothesis import given
from hypothesis import strategies as st


@given(data=chunked_arrays())
def test_from_array_round_trips(data: tuple) -> None:
    x, chunks = data
    a = fa.from_array(x, chunks=chunks)
    assert a.chunks == chunks
    assert_eq(a, x)


@pytest.mark.parametrize(
    "chunks",
    [3, (2, 5), (-1, 2), ((1, 2, 4), (5, 5)), {0: 2}, "auto", (None, 3)],
)
def test_chunks_normalize_like_dask(chunks: object) -> None:
    x = np.zeros((7, 10))
    assert fa.from_array(x, chunks=chunks).chunks == dask_array.from_array(x, chunks=chunks).chunks


def test_chunks_that_do_not_cover_the_shape() -> None:
    x = np.zeros(5)
    with pytest.raises(ValueError) as dask_err:
        dask_array.from_array(x, chunks=((2, 2),))
    with pytest.raises(ValueError) as ferrox_err:
        fa.from_array(x, chunks=((2, 2),))
    assert str(ferrox_err.value) == str(dask_err.value)


@pytest.mark.parametrize(
    "dtype", ["float64", "float32", "int64", "int32", "uint8", "bool", "complex128"]
)
@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
def test_constants(fn: str, dtype: str) -> None:
    result = getattr(fa, fn)((5, 3), dtype=dtype, chunks=2)
    expected = (
        np.zeros((5, 3), dtype=dtype) if fn == "empty" else getattr(np, fn)((5, 3), dtype=dtype)
    )
    assert_eq(result, expected)


def test_full_and_likes() -> None:
    x = np.arange(12, dtype=np.int32).reshape(3, 4)
    assert_eq(fa.full((3, 4), 2.5, chunks=2), np.full((3, 4), 2.5))
    assert_eq(fa.full_like(x, 7), np.full_like(x, 7))
    assert_eq(fa.zeros_like(fa.from_array(x, chunks=2)), np.zeros_like(x))
    assert_eq(fa.ones_like(x, dtype="float64"), np.ones_like(x, dtype="float64"))


@given(
    start=st.integers(-20, 20),
    stop=st.integers(-20, 40),
    step=st.integers(1, 5) | st.integers(-5, -1),
    chunk=st.integers(1, 10),
    floats=st.booleans(),
)
def test_arange(start: int, stop: int, step: int, chunk: int, floats: bool) -> None:
    args = (start / 2, stop / 2, step / 4) if floats else (start, stop, step)
    assert_eq(fa.arange(*args, chunks=chunk), np.arange(*args))


def test_astype() -> None:
    x = np.array([-1.7, 0.0, 2.5, 300.2])
    a = fa.from_array(x, chunks=2)
    for dtype in ("int64", "int32", "bool", "float32"):
        assert_eq(a.astype(dtype), x.astype(dtype))


@given(data=chunked_arrays(dtypes=ALL_DTYPES, nan=False), dtype=st.sampled_from(ALL_DTYPES))
def test_astype_between_every_dtype_pair(data: tuple, dtype: str) -> None:
    """Values every target holds (NumPy leaves out-of-range float to int
    casts undefined); NumPy's rules for bools, truncation and wrapping."""
    x, chunks = data
    if x.dtype.kind in "fc" and dtype not in ("bool", "float32", "float64", "complex128"):
        x = np.clip(np.real(x), -100, 200).astype(x.dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        expected = x.astype(dtype)
        result = fa.from_array(x, chunks=chunks).astype(dtype)
    assert_eq(result, expected, rtol=1e-6)


@given(data=chunked_arrays(nan=False), d=st.data())
def test_rechunk_matches_dask(data: tuple, d: st.DataObject) -> None:
    x, chunks = data
    target = d.draw(chunks_for(x.shape))
    a = fa.from_array(x, chunks=chunks)
    assert a.rechunk(target).chunks == target
    assert_eq(a.rechunk(target), x)
    for spec in [2, -1, "auto", {0: 1}] if x.ndim else [-1]:
        expected = dask_array.from_array(x, chunks=chunks).rechunk(spec).chunks
        assert a.rechunk(spec).chunks == expected
        assert_eq(a.rechunk(spec), x)


@pytest.mark.parametrize(
    "spec", [{0: 1}, {1: -1}, {-1: 3}, {0: "auto"}, (None, 3), (-1, None), {0: None}, 4, "auto"]
)
def test_rechunk_keeps_unnamed_axes_like_dask(spec: object) -> None:
    x = np.arange(24.0).reshape(4, 6)
    f = fa.from_array(x, chunks=2).rechunk(spec)
    assert f.chunks == dask_array.from_array(x, chunks=2).rechunk(spec).chunks
    assert_eq(f, x)


def test_rechunk_errors_match_dask() -> None:
    x = np.zeros((5, 4))
    for bad in [((2, 2), (4,)), ((5,),)]:
        with pytest.raises(ValueError) as dask_err:
            dask_array.from_array(x, chunks=2).rechunk(bad)
        with pytest.raises(ValueError) as ferrox_err:
            fa.from_array(x, chunks=2).rechunk(bad)
        assert str(ferrox_err.value) == str(dask_err.value)


def test_persist_keeps_values_and_chunks() -> None:
    x = np.random.default_rng(0).random((9, 7))
    lazy = (fa.from_array(x, chunks=(4, 3)) * 2).T
    kept = lazy.persist()
    assert kept.chunks == lazy.chunks
    assert len(kept.dask) == kept.npartitions
    assert_eq(kept, (x * 2).T)
    assert_eq(kept.sum(axis=0), (x * 2).T.sum(axis=0))


def test_complex64_is_held_as_complex128() -> None:
    x = np.array([1 + 2j, 3.5 - 1j], dtype=np.complex64)
    assert_eq(fa.from_array(x, chunks=1), x.astype(np.complex128))
    assert_eq(fa.ones(2, dtype="complex128") + x, 1 + x.astype(np.complex128))


@pytest.mark.parametrize(
    ("shape", "chunks", "dtype"),
    [((4, 6), (2, 3), "float64"), ((10,), 3, "int32"), ((), (), "bool"), ((3, 0, 5), 2, "uint8")],
)
def test_repr_and_html_match_dask(shape: tuple, chunks: object, dtype: str) -> None:
    """The text repr is Dask's but for the prefix; the HTML table has Dask's
    rows and values (the task count is ferrox's own); nothing is computed."""
    import re

    a = fa.ones(shape, chunks=chunks, dtype=dtype)
    d = dask_array.ones(shape, chunks=chunks, dtype=dtype)
    assert repr(a).startswith("ferrox.array<")
    assert repr(a).split(", ", 1)[1] == repr(d).split(", ", 1)[1].replace(", meta=np.ndarray", "")

    def cells(markup: str) -> list[str]:
        table = markup.split("</table>")[0]
        return [c.strip() for c in re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", table)]

    ours, theirs = cells(a._repr_html_()), cells(d._repr_html_())
    graph = theirs.index("Dask graph")
    assert ours[:graph] == theirs[:graph]
    assert ours[graph + 2 :] == theirs[graph + 2 :]
    assert ours[graph + 1] == f"{a.npartitions} chunks in {a._core.num_tasks()} tasks"
    assert theirs[graph + 1].startswith(f"{d.npartitions} chunks in ")


def test_attributes_match_dask() -> None:
    a = fa.ones((7, 10), chunks=(3, 4), dtype="int32")
    d = dask_array.ones((7, 10), chunks=(3, 4), dtype="int32")
    for attr in (
        "shape",
        "ndim",
        "dtype",
        "size",
        "nbytes",
        "chunks",
        "numblocks",
        "npartitions",
        "chunksize",
    ):
        assert getattr(a, attr) == getattr(d, attr), attr
    assert len(a) == len(d)


@given(
    start=st.floats(-100, 100),
    stop=st.floats(-100, 100),
    num=st.integers(0, 40),
    endpoint=st.booleans(),
    chunk=st.integers(1, 9),
)
def test_linspace_equals_numpy_exactly(
    start: float, stop: float, num: int, endpoint: bool, chunk: int
) -> None:
    result = fa.linspace(start, stop, num, endpoint=endpoint, chunks=chunk)
    np.testing.assert_array_equal(
        result.compute(), np.linspace(start, stop, num, endpoint=endpoint)
    )
    assert_eq(result, np.linspace(start, stop, num, endpoint=endpoint))


@given(
    start=st.complex_numbers(max_magnitude=1e6, allow_nan=False, allow_infinity=False),
    stop=st.complex_numbers(max_magnitude=1e6, allow_nan=False, allow_infinity=False),
    num=st.integers(0, 40),
    endpoint=st.booleans(),
    chunk=st.integers(1, 9),
)
def test_complex_linspace_equals_numpy_exactly(
    start: complex, stop: complex, num: int, endpoint: bool, chunk: int
) -> None:
    result = fa.linspace(start, stop, num, endpoint=endpoint, chunks=chunk)
    assert_eq(result, np.linspace(start, stop, num, endpoint=endpoint))
    assert_eq(
        fa.linspace(start.real, stop.real, num, chunks=chunk, dtype=complex),
        np.linspace(start.real, stop.real, num, dtype=complex),
    )


@given(
    start=st.floats(-10, 10), step=st.floats(0.01, 3), n=st.integers(0, 50), chunk=st.integers(1, 9)
)
def test_float_arange_equals_numpy_exactly(start: float, step: float, n: int, chunk: int) -> None:
    stop = start + n * step
    expected = np.arange(start, stop, step)
    np.testing.assert_array_equal(fa.arange(start, stop, step, chunks=chunk).compute(), expected)


def test_negative_shapes_match_numpy() -> None:
    for call in [lambda m: m.eye(-1), lambda m: m.eye(2, M=-3), lambda m: m.zeros((2, -1))]:
        with pytest.raises(ValueError) as numpy_err:
            call(np)
        with pytest.raises(ValueError) as ferrox_err:
            call(fa)
        assert str(ferrox_err.value) == str(numpy_err.value)


@pytest.mark.parametrize("k", [-2, 0, 1, 5])
def test_eye(k: int) -> None:
    assert_eq(fa.eye(5, chunks=2, M=7, k=k), np.eye(5, M=7, k=k))
    assert_eq(fa.eye(4, chunks=3, k=k, dtype="int32"), np.eye(4, k=k, dtype="int32"))


def test_from_delayed_and_to_delayed_round_trip() -> None:
    import dask
    import ferrox

    x = np.arange(12.0).reshape(3, 4)
    f = fa.from_delayed(ferrox.delayed(np.asarray)(x), shape=x.shape, dtype=x.dtype)
    assert_eq(f * 2, x * 2)
    parts = fa.from_array(x, chunks=2).to_delayed()
    dparts = dask.array.from_array(x, chunks=2).to_delayed()
    assert parts.shape == dparts.shape
    for idx in np.ndindex(*parts.shape):
        np.testing.assert_array_equal(parts[idx].compute(), dparts[idx].compute())
