"""map_blocks against NumPy and dask.array."""

from __future__ import annotations

import dask.array as dask_array
import ferrox.array as fa
import numpy as np
import pytest
from ferrox.testing import assert_eq


def test_map_blocks_matches_dask() -> None:
    x = np.arange(40.0).reshape(5, 8)
    f = fa.from_array(x, chunks=(2, 3))
    d = dask_array.from_array(x, chunks=(2, 3))
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
