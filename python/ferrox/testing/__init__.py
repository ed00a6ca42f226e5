"""Testing helpers: one ``assert_eq`` for every collection, and strategies.

For frames, ``assert_eq(result, expected)`` takes a ferrox DataFrame,
Series or Scalar and pandas' answer to the same call: both schedulers must
agree, the lazy columns and dtypes must be the computed ones (a dtype may
differ only where the data made pandas turn int into float: missing values
or a division by zero turned int into float), and values, dtypes, index
and order must equal pandas'.

``assert_eq(result, expected)`` computes a ferrox collection on both the
``sync`` and ``threads`` schedulers, checks that building the graph is
deterministic, that every block has the shape the chunks declare and that
the lazy dtype and shape match the result, then compares values with NumPy's
testing functions (``rtol=1e-9``: float sums may differ only by
reassociation).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import ferrox
from ferrox.array.core import Array


def _check_array(x: Array) -> np.ndarray:
    assert x.name == x.name, "names are deterministic"
    blocks = ferrox.base.compute_cores(x._core.block_tasks(), scheduler="sync")
    grid = np.ndindex(*x.numblocks)
    for idx, block in zip(grid, blocks, strict=True):
        expected = tuple(x.chunks[ax][i] for ax, i in enumerate(idx))
        assert np.shape(block) == expected, (
            f"block {idx} has shape {np.shape(block)}, chunks say {expected}"
        )
        assert np.asarray(block).dtype == x.dtype, (
            f"block {idx} dtype {np.asarray(block).dtype} != {x.dtype}"
        )
    results = [np.asarray(x.compute(scheduler=s)) for s in ("sync", "threads")]
    for r in results:
        assert r.shape == x.shape, f"computed shape {r.shape} != lazy shape {x.shape}"
        assert r.dtype == x.dtype, f"computed dtype {r.dtype} != lazy dtype {x.dtype}"
    np.testing.assert_array_equal(results[0], results[1])
    return results[0]


def assert_eq(
    result: Any, expected: Any, rtol: float = 1e-9, atol: float = 0.0, check_dtype: bool = True
) -> None:
    """Assert that a ferrox result equals the reference (NumPy) result.

    Parameters
    ----------
    result : ferrox collection or value
    expected : the reference value
    rtol, atol : float
        Tolerances for floating-point values.
    check_dtype : bool
        Also require equal dtypes.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = np.arange(6.0).reshape(2, 3)
    >>> assert_eq(fa.from_array(x, chunks=1).sum(axis=1), x.sum(axis=1))
    """
    if isinstance(expected, Array):
        expected = expected.compute(scheduler="sync")
    if isinstance(result, Array):
        got = _check_array(result)
        exp = np.asarray(expected)
        assert got.shape == exp.shape, f"shape {got.shape} != expected {exp.shape}"
        if check_dtype:
            assert got.dtype == exp.dtype, f"dtype {got.dtype} != expected {exp.dtype}"
        if got.dtype.kind in "fc":
            np.testing.assert_allclose(got, exp, rtol=rtol, atol=atol, equal_nan=True)
        else:
            np.testing.assert_array_equal(got, exp)
        return
    if _is_frame(result):
        _assert_frame_eq(result, expected, rtol=rtol, atol=atol, check_dtype=check_dtype)
        return
    if hasattr(type(result), "__ferrox_cores__"):
        result = result.compute(scheduler="sync")
    if isinstance(expected, np.ndarray | np.generic) or isinstance(result, np.ndarray | np.generic):
        if check_dtype:
            assert np.asarray(result).dtype == np.asarray(expected).dtype
        np.testing.assert_allclose(result, expected, rtol=rtol, atol=atol, equal_nan=True)
        return
    assert result == expected, f"{result!r} != {expected!r}"


def _is_frame(obj: Any) -> bool:
    from ferrox.dataframe._collection import _Frame

    return isinstance(obj, _Frame)


def _unknown_categories(lazy: Any, computed: Any) -> bool:
    """Whether a lazy categorical dtype without categories describes a
    computed categorical column: its categories are known only once
    computed (Dask's "unknown categories")."""
    import pandas as pd

    return (
        isinstance(lazy, pd.CategoricalDtype)
        and lazy.categories is None
        and isinstance(computed.dtype, pd.CategoricalDtype)
    )


def _same_lazy_dtype(lazy: Any, computed: Any) -> bool:
    """Whether a lazy dtype describes a computed column: equal, or an int
    or bool column that pandas turned into float / object because of the
    data (missing values, a division by zero)."""
    if lazy == computed.dtype or _unknown_categories(lazy, computed):
        return True
    lazy_kind = getattr(lazy, "kind", "")
    return lazy_kind in "biu" and computed.dtype.kind in "fO"


def _assert_frame_eq(
    result: Any, expected: Any, rtol: float, atol: float, check_dtype: bool
) -> None:
    """A ferrox DataFrame / Series / Scalar against pandas' answer: computed
    on ``sync`` and ``threads`` (same answer), the lazy columns and dtypes
    against the computed ones, then values, dtypes, index and order."""
    import pandas as pd
    from pandas.testing import assert_frame_equal, assert_series_equal

    from ferrox.dataframe import DataFrame, Series

    assert result._name == result._name, "names are deterministic"
    got = [result.compute(scheduler=s) for s in ("sync", "threads")]
    tol = {"rtol": rtol, "atol": atol, "check_dtype": check_dtype}
    if isinstance(expected, pd.DataFrame):
        assert isinstance(result, DataFrame), f"expected a DataFrame, got {type(result)}"
        assert_frame_equal(got[0], got[1], **tol)
        assert list(result.columns) == list(got[0].columns), "lazy columns != computed"
        if check_dtype:
            lazy = result.dtypes
            for c in got[0].columns:
                ok = lazy[c] == got[0][c].dtype or _unknown_categories(lazy[c], got[0][c])
                assert ok or got[0][c].isna().any(), (
                    f"lazy dtype {lazy[c]} != computed {got[0][c].dtype} for {c!r}"
                )
        assert_frame_equal(got[0], expected, **tol)
    elif isinstance(expected, pd.Series):
        assert isinstance(result, Series), f"expected a Series, got {type(result)}"
        assert_series_equal(got[0], got[1], **tol)
        if check_dtype:
            assert _same_lazy_dtype(result.dtype, got[0]), (
                f"lazy dtype {result.dtype} != computed {got[0].dtype}"
            )
        assert_series_equal(got[0], expected, **tol)
    else:
        for g in got:
            if isinstance(expected, float) and np.isnan(expected):
                # pandas itself returns float or numpy.float64 NaN depending
                # on whether the values were empty or all missing.
                assert isinstance(g, float) and np.isnan(g), f"{g!r} != {expected!r}"
                continue
            elif expected is pd.NaT:
                assert g is pd.NaT, f"{g!r} != {expected!r}"
                continue
            elif isinstance(expected, float | np.floating):
                np.testing.assert_allclose(g, expected, rtol=rtol, atol=atol)
            else:
                assert g == expected, f"{g!r} != {expected!r}"
            if check_dtype:
                assert type(g) is type(expected), f"{type(g)} != {type(expected)}"


__all__ = ["assert_eq"]
