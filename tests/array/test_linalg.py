"""Matrix products, einsum, norms and QR / SVD against NumPy (and Dask for factorizations)."""

from __future__ import annotations

import warnings
from typing import Any

import dask.array as da
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


# -- tensordot, einsum, stacked matmul ----------------------------------------

PRODUCT_DTYPES = ["float64", "float32", "int64", "complex128"]


def _ints(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Small integer values in ``dtype``: float sums of them are exact."""
    x = rng.integers(-4, 5, size=shape)
    if dtype == "complex128":
        return (x + 1j * rng.integers(-4, 5, size=shape)).astype(dtype)
    return x.astype(dtype)


def _chunked(d: st.DataObject, x: np.ndarray) -> fa.Array:
    return fa.from_array(x, chunks=d.draw(chunks_for(x.shape)))


def _same_error(numpy_call: Any, ferrox_call: Any) -> None:
    with pytest.raises(Exception) as numpy_err:
        numpy_call()
    with pytest.raises(type(numpy_err.value)) as ferrox_err:
        ferrox_call()
    assert type(ferrox_err.value) is type(numpy_err.value)
    assert str(ferrox_err.value) == str(numpy_err.value)


@given(d=st.data(), dtypes=st.lists(st.sampled_from(PRODUCT_DTYPES), min_size=2, max_size=2))
def test_tensordot_matches_numpy(d: st.DataObject, dtypes: list[str]) -> None:
    rng = np.random.default_rng(d.draw(st.integers(0, 1000)))
    shape_a = d.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    n = d.draw(st.integers(0, len(shape_a)))
    free_b = d.draw(st.lists(st.integers(1, 4), max_size=2))
    if d.draw(st.booleans()):
        axes: Any = n
        shape_b = (*shape_a[len(shape_a) - n :], *free_b)
    else:
        axes_a = d.draw(st.permutations(range(len(shape_a))))[:n]
        ndim_b = n + len(free_b)
        axes_b = d.draw(st.permutations(range(ndim_b)))[:n]
        shape_b = [0] * ndim_b
        for ax_a, ax_b in zip(axes_a, axes_b):
            shape_b[ax_b] = shape_a[ax_a]
        rest = iter(free_b)
        shape_b = tuple(s if i in axes_b else next(rest) for i, s in enumerate(shape_b))
        axes = ([a - len(shape_a) if d.draw(st.booleans()) else a for a in axes_a], axes_b)
    x, y = _ints(rng, shape_a, dtypes[0]), _ints(rng, tuple(shape_b), dtypes[1])
    a, b = _chunked(d, x), _chunked(d, y)
    assert_eq(fa.tensordot(a, b, axes=axes), np.tensordot(x, y, axes=axes))


@st.composite
def einsum_problems(draw: Any) -> tuple[str, list[tuple[int, ...]]]:
    """A subscripts string (repeated labels, implicit or explicit output,
    length-1 broadcasting) and operand shapes NumPy accepts."""
    sizes = {c: draw(st.integers(1, 4)) for c in "abcde"}
    terms, shapes = [], []
    for _ in range(draw(st.integers(1, 3))):
        term = draw(st.lists(st.sampled_from("abcde"), max_size=3))
        shape = tuple(
            1 if term.count(c) == 1 and draw(st.integers(0, 5)) == 0 else sizes[c] for c in term
        )
        terms.append("".join(term))
        shapes.append(shape)
    subscripts = ",".join(terms)
    if draw(st.booleans()):
        used = sorted(set(subscripts) - {","})
        out = draw(st.permutations(used))[: draw(st.integers(0, len(used)))]
        subscripts += "->" + "".join(out)
    return subscripts, shapes


@given(problem=einsum_problems(), d=st.data())
def test_einsum_matches_numpy(problem: tuple[str, list[tuple[int, ...]]], d: st.DataObject) -> None:
    subscripts, shapes = problem
    rng = np.random.default_rng(d.draw(st.integers(0, 1000)))
    xs = [_ints(rng, s, d.draw(st.sampled_from(PRODUCT_DTYPES))) for s in shapes]
    arrays = [_chunked(d, x) for x in xs]
    assert_eq(fa.einsum(subscripts, *arrays), np.einsum(subscripts, *xs))


EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("i,i->", [(5,), (5,)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("iij->j", [(3, 3, 2)]),
    ("...ij,...jk", [(2, 3, 4), (4, 5)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (3, 4, 2)]),
    ("i...->...", [(3, 2, 4)]),
    ("Ba,b", [(3, 4), (3,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    (",i->i", [(), (3,)]),
]


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32", "complex128", "bool"])
@pytest.mark.parametrize(("subscripts", "shapes"), EINSUM_CASES)
def test_einsum_cases(subscripts: str, shapes: list[tuple[int, ...]], dtype: str) -> None:
    rng = np.random.default_rng(0)
    xs = [_ints(rng, s, dtype) for s in shapes]
    arrays = [fa.from_array(x, chunks=2) for x in xs]
    assert_eq(fa.einsum(subscripts, *arrays), np.einsum(subscripts, *xs))


def test_einsum_forms_and_keywords() -> None:
    rng = np.random.default_rng(0)
    x, y = _ints(rng, (3, 4), "int64"), _ints(rng, (4, 2), "float32")
    a, b = fa.from_array(x, chunks=2), fa.from_array(y, chunks=3)
    assert_eq(fa.einsum(a, [0, 1], b, [1, 2]), np.einsum(x, [0, 1], y, [1, 2]))
    assert_eq(fa.einsum(a, [0, ...], [...]), np.einsum(x, [0, ...], [...]))
    assert_eq(fa.einsum(a, [0, 1], b, [1, 2], [2]), np.einsum(x, [0, 1], y, [1, 2], [2]))
    assert_eq(
        fa.einsum("ij,jk", a, b, dtype="complex128", optimize=True),
        np.einsum("ij,jk", x, y, dtype="complex128", optimize=True),
    )
    assert_eq(fa.einsum("ij,jk", a, y), np.einsum("ij,jk", x, y))
    assert_eq(np.einsum("i j -> j i", a), np.einsum("i j -> j i", x))
    assert_eq(np.tensordot(a, b, axes=1), np.tensordot(x, y, axes=1))
    assert_eq(fa.einsum(",->", 3, 2.5), np.einsum(",->", 3, 2.5))


EINSUM_ERRORS = [
    ("ij,jk->ik", [(2, 3), (4, 2)], {}),
    ("ii->i", [(2, 3)], {}),
    ("ij,jk", [(2, 3)], {}),
    ("ij", [(2, 3), (2, 3)], {}),
    ("ijk", [(2, 3)], {}),
    ("i,i", [(2,), (3,)], {}),
    ("i,i", [(2,), (3,)], {"optimize": True}),
    ("...i,...i", [(2, 3), (4, 3)], {}),
    ("ij->k", [(2, 3)], {}),
    ("ij,jk->ii", [(2, 3), (3, 2)], {}),
    ("...i->i", [(2, 3)], {}),
    ("i$", [(2, 3)], {}),
    ("ij,jk", [(2, 3), (3, 2)], {"dtype": "int64"}),
]


@pytest.mark.parametrize(("subscripts", "shapes", "kwargs"), EINSUM_ERRORS)
def test_einsum_errors_match_numpy(
    subscripts: str, shapes: list[tuple[int, ...]], kwargs: dict[str, Any]
) -> None:
    xs = [np.ones(s, dtype="float32") for s in shapes]
    arrays = [fa.from_array(x, chunks=1) for x in xs]
    _same_error(
        lambda: np.einsum(subscripts, *xs, **kwargs),
        lambda: fa.einsum(subscripts, *arrays, **kwargs),
    )


def test_einsum_without_operands_matches_numpy() -> None:
    _same_error(lambda: np.einsum(), lambda: fa.einsum())
    _same_error(lambda: np.einsum("i"), lambda: fa.einsum("i"))
    x = np.ones((2, 3))
    a = fa.from_array(x, chunks=1)
    _same_error(lambda: np.einsum(x, [0, 60]), lambda: fa.einsum(a, [0, 60]))
    _same_error(lambda: np.einsum(x, [0, 1], x), lambda: fa.einsum(a, [0, 1], a))


def test_dot_with_a_scalar_matches_numpy() -> None:
    x = np.arange(6, dtype="int32").reshape(2, 3)
    a = fa.from_array(x, chunks=2)
    assert_eq(fa.dot(a, np.float32(2)), np.dot(x, np.float32(2)))
    assert_eq(fa.dot(fa.from_array(np.asarray(3)), a), np.dot(np.asarray(3), x))


@pytest.mark.parametrize(
    ("shape_b", "axes"),
    [((4, 2), 2), ((4, 2), 1), ((3, 2), 3), ((3, 2), ([1, 0], [0])), ((3, 2), ([5], [0])),
     ((3, 2), ([0, 0], [0, 1])), ((3, 2), ([1], [0, 1]))],
)  # fmt: skip
def test_tensordot_errors_match_numpy(shape_b: tuple[int, ...], axes: Any) -> None:
    x, y = np.ones((2, 3)), np.ones(shape_b)
    a, b = fa.from_array(x, chunks=1), fa.from_array(y, chunks=1)
    _same_error(lambda: np.tensordot(x, y, axes=axes), lambda: fa.tensordot(a, b, axes=axes))


@st.composite
def matmul_shapes(draw: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Shapes NumPy's matmul accepts, at least one with more than two axes."""
    n, k, m = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    batch = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    batch_a = [1 if draw(st.booleans()) else s for s in batch]
    batch_b = [1 if draw(st.booleans()) else s for s in batch]
    batch_b = batch_b[draw(st.integers(0, len(batch_b))) :]
    shape_a = (*batch_a, n, k)
    shape_b = (*batch_b, k, m)
    if draw(st.booleans()):
        shape_a, shape_b = shape_b[-2:], shape_b
        shape_a = (shape_b[-2],) if draw(st.booleans()) else (n, shape_b[-2])
    elif draw(st.booleans()):
        shape_b = (k,) if draw(st.booleans()) else (k, m)
    return shape_a, shape_b


@given(shapes=matmul_shapes(), dtype=st.sampled_from(PRODUCT_DTYPES), d=st.data())
def test_stacked_matmul_matches_numpy(
    shapes: tuple[tuple[int, ...], tuple[int, ...]], dtype: str, d: st.DataObject
) -> None:
    rng = np.random.default_rng(d.draw(st.integers(0, 1000)))
    x, y = _ints(rng, shapes[0], dtype), _ints(rng, shapes[1], dtype)
    a, b = _chunked(d, x), _chunked(d, y)
    assert_eq(a @ b, x @ y)
    assert_eq(fa.matmul(a, y), np.matmul(x, y))
    if y.ndim >= 2 or x.ndim >= 2:
        assert_eq(fa.dot(a, b), np.dot(x, y))


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((2, 3, 4), (3, 4, 5)), ((2, 3, 4), (2, 5, 5)), ((4,), (2, 5, 5)), ((2, 3, 4), (5,))],
)
def test_stacked_matmul_errors_match_numpy(
    shape_a: tuple[int, ...], shape_b: tuple[int, ...]
) -> None:
    x, y = np.ones(shape_a), np.ones(shape_b)
    a, b = fa.from_array(x, chunks=1), fa.from_array(y, chunks=1)
    _same_error(lambda: np.matmul(x, y), lambda: a @ b)
    # numpy.dot pairs every stack of a with every stack of b: no broadcasting to fail
    if shape_a[-1] == shape_b[max(len(shape_b) - 2, 0)]:
        assert_eq(fa.dot(a, b), np.dot(x, y))
    else:
        _same_error(lambda: np.dot(x, y), lambda: fa.dot(a, b))


# -- QR and SVD ------------------------------------------------------------------

FACTOR_DTYPES = ["float64", "float32", "int64", "complex128"]


def _dask(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Dask's result (its complex metadata casts warn; not ours to fix)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        return func(*args, **kwargs)


def _matrix(rng: np.random.Generator, shape: tuple[int, int], dtype: str) -> np.ndarray:
    if dtype == "int64":
        return rng.integers(-9, 10, size=shape)
    x = rng.standard_normal(shape)
    if dtype == "complex128":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


@st.composite
def factor_inputs(draw: Any) -> tuple[np.ndarray, tuple[tuple[int, ...], ...]]:
    """A matrix and chunks Dask's qr and svd take: one column of blocks and at
    least as many rows as columns, or one row of blocks."""
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    dtype = draw(st.sampled_from(FACTOR_DTYPES))
    n = draw(st.integers(1, 4))
    m = draw(st.integers(n, 12))
    x = _matrix(rng, (m, n), dtype)
    if draw(st.booleans()):
        return x, (draw(chunks_for((m,)))[0], (n,))
    x = x.T  # short and fat; blocks at least as wide as the rows (Dask's sfqr)
    width = draw(st.integers(n, m))
    return x, ((n,), (width,) * (m // width) + ((m % width,) if m % width else ()))


def _tolerance(dtype: np.dtype) -> float:
    return 1e-4 if dtype == np.float32 else 1e-9


def _well_conditioned(x: np.ndarray) -> bool:
    s = np.linalg.svd(x, compute_uv=False)
    gaps = np.abs(np.diff(s))
    return bool(s.min() > 1e-3 * s.max() and (gaps.size == 0 or gaps.min() > 1e-3 * s.max()))


@given(data=factor_inputs())
def test_qr_matches_numpy_and_dask(data: tuple[np.ndarray, Any]) -> None:
    x, chunks = data
    a = fa.from_array(x, chunks=chunks)
    q, r = fa.linalg.qr(a)
    nq, nr = np.linalg.qr(x)
    tol = _tolerance(nq.dtype)
    k = min(x.shape)
    assert_eq(q @ r, nq @ nr, rtol=tol, atol=tol * 10)
    assert_eq(fa.conj(q).T @ q, np.eye(k, dtype=nq.dtype), atol=tol)
    assert_eq(fa.tril(r, -1), np.zeros_like(nr), atol=0)
    if _well_conditioned(x):  # the factors are unique up to the signs of q's columns
        assert_eq(abs(q), abs(nq), rtol=tol * 100, atol=tol * 100)
        assert_eq(abs(r), abs(nr), rtol=tol * 100, atol=tol * 100)
    dq, dr = _dask(da.linalg.qr, da.from_array(x, chunks=chunks))
    assert (q.chunks, r.chunks, q.dtype, r.dtype) == (dq.chunks, dr.chunks, dq.dtype, dr.dtype)


@given(data=factor_inputs(), coerce_signs=st.booleans())
def test_svd_matches_numpy_and_dask(data: tuple[np.ndarray, Any], coerce_signs: bool) -> None:
    x, chunks = data
    a = fa.from_array(x, chunks=chunks)
    u, s, v = fa.linalg.svd(a, coerce_signs=coerce_signs)
    nu, ns, nv = np.linalg.svd(x, full_matrices=False)
    tol = _tolerance(nu.dtype)
    k = min(x.shape)
    assert_eq(s, ns, rtol=tol * 10, atol=tol * 10)
    assert_eq((u * s) @ v, (nu * ns) @ nv, rtol=tol * 10, atol=tol * 100)
    assert_eq(fa.conj(u).T @ u, np.eye(k, dtype=nu.dtype), atol=tol * 10)
    assert_eq(v @ fa.conj(v).T, np.eye(k, dtype=nv.dtype), atol=tol * 10)
    if _well_conditioned(x):  # singular vectors are unique up to sign (phase)
        assert_eq(abs(u), abs(nu), rtol=tol * 100, atol=tol * 100)
        assert_eq(abs(v), abs(nv), rtol=tol * 100, atol=tol * 100)
    du, ds, dv = _dask(da.linalg.svd, da.from_array(x, chunks=chunks), coerce_signs=coerce_signs)
    assert (u.chunks, s.chunks, v.chunks) == (du.chunks, ds.chunks, dv.chunks)
    assert (u.dtype, s.dtype, v.dtype) == (du.dtype, ds.dtype, dv.dtype)
    if coerce_signs and _well_conditioned(x):  # svd_flip makes the signs Dask's
        assert_eq(u, _dask(du.compute), rtol=tol * 100, atol=tol * 100)


def test_tsqr_with_more_columns_than_rows() -> None:
    # Dask declares q's chunks wrongly here, so only the values are compared.
    x = _matrix(np.random.default_rng(3), (3, 5), "float64")
    q, r = fa.linalg.qr(fa.from_array(x, chunks=((1, 2), (5,))))
    nq, nr = np.linalg.qr(x)
    assert_eq(q @ r, nq @ nr)
    assert_eq(q.T @ q, np.eye(3), atol=1e-12)
    assert_eq(abs(r), abs(nr))
    u, s, v = fa.linalg.tsqr(fa.from_array(x, chunks=((1, 2), (5,))), compute_svd=True)
    assert_eq(s, np.linalg.svd(x, compute_uv=False))
    assert_eq((u * s) @ v, x)


def test_qr_of_a_large_tall_matrix_stays_blocked() -> None:
    x = _matrix(np.random.default_rng(4), (2000, 6), "float64")
    a = fa.from_array(x, chunks=(250, 6))
    q, r = fa.linalg.qr(a)
    assert q.chunks == a.chunks
    assert_eq(q @ r, x)
    assert_eq(abs(r), abs(np.linalg.qr(x).R))


@pytest.mark.parametrize(
    ("func", "shape", "chunks", "kwargs"),
    [
        ("qr", (8, 6), (4, 3), {}),
        ("qr", (8, 6, 2), (4, 6, 2), {}),
        ("tsqr", (8, 6), (4, 3), {}),
        ("tsqr", (8, 6, 2), (4, 6, 2), {}),
        ("sfqr", (4, 12), (2, 6), {}),
        ("sfqr", (4, 12), (4, 2), {}),
        ("svd", (8, 6), (4, 3), {}),
        ("svd", (8, 6, 2), (4, 6, 2), {}),
        ("svd", (8, 6), (4, 6), {"full_matrices": True}),
    ],
)
def test_factorization_errors_match_dask(
    func: str, shape: tuple[int, ...], chunks: tuple[int, ...], kwargs: dict[str, Any]
) -> None:
    x = np.ones(shape)
    _same_error(
        lambda: getattr(da.linalg, func)(da.from_array(x, chunks=chunks), **kwargs),
        lambda: getattr(fa.linalg, func)(fa.from_array(x, chunks=chunks), **kwargs),
    )


VECTOR_ORDS = [None, 1, 2, 3, 0.5, 0, -1, np.inf, -np.inf, "fro", "nuc"]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf, 3]


@given(
    shape=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    dtype=st.sampled_from(["float64", "float32", "int64", "complex128"]),
    d=st.data(),
)
def test_norm_matches_numpy(shape: tuple[int, int], dtype: str, d: st.DataObject) -> None:
    rng = np.random.default_rng(d.draw(st.integers(0, 1000)))
    m = (rng.normal(size=shape) * 5).astype(dtype)
    if dtype == "complex128":
        m = m + 1j * rng.normal(size=shape)
    a = fa.from_array(m, chunks=d.draw(chunks_for(m.shape)))
    keepdims = d.draw(st.booleans())
    rtol = 1e-5 if dtype == "float32" else 1e-9
    calls = [(a, m, o, None) for o in MATRIX_ORDS]
    calls += [(a[0], m[0], o, None) for o in VECTOR_ORDS]
    calls += [(a, m, o, ax) for o in VECTOR_ORDS for ax in (0, -1)]
    calls += [(a, m, o, (1, 0)) for o in MATRIX_ORDS]
    for f, x, ord, axis in calls:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # 0 ** -1
                expected = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
        except ValueError as numpy_err:
            with pytest.raises(ValueError) as ferrox_err:
                fa.linalg.norm(f, ord=ord, axis=axis, keepdims=keepdims)
            assert str(ferrox_err.value) == str(numpy_err)
            continue
        result = fa.linalg.norm(f, ord=ord, axis=axis, keepdims=keepdims)
        assert_eq(result, expected, rtol=rtol, atol=1e-12)


def test_norm_of_a_stack_of_matrices() -> None:
    x = np.random.default_rng(3).normal(size=(4, 5, 3))
    a = fa.from_array(x, chunks=2)
    for ord in [None, "fro", 1, -1, np.inf, -np.inf]:
        for axis in [(1, 2), (2, 0)]:
            assert_eq(fa.linalg.norm(a, ord=ord, axis=axis), np.linalg.norm(x, ord=ord, axis=axis))
    assert_eq(fa.linalg.norm(a, axis=1, ord=3), np.linalg.norm(x, axis=1, ord=3))
    with pytest.raises(ValueError, match="Improper number of dimensions to norm."):
        fa.linalg.norm(a, ord=1)


def test_dot_mismatch_has_numpys_message() -> None:
    for x, y in [(np.ones((2, 3)), np.ones((4, 2))), (np.ones(3), np.ones(4))]:
        with pytest.raises(ValueError) as numpy_err:
            np.dot(x, y)
        with pytest.raises(ValueError) as ferrox_err:
            fa.dot(fa.from_array(x, chunks=1), fa.from_array(y, chunks=1))
        assert str(ferrox_err.value) == str(numpy_err.value)
