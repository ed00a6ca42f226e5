"""Random arrays: reproducible for a seed whatever the scheduler, right distributions."""

from __future__ import annotations

import ferrox.array as fa
import numpy as np
import pytest


def test_seeded_arrays_are_reproducible_across_schedulers() -> None:
    a = fa.random.default_rng(7).random((50, 40), chunks=(7, 9))
    b = fa.random.default_rng(7).random((50, 40), chunks=(7, 9))
    first = a.compute(scheduler="sync")
    np.testing.assert_array_equal(first, b.compute(scheduler="threads", num_workers=4))
    np.testing.assert_array_equal(first, a.compute(scheduler="threads", num_workers=1))
    assert not np.array_equal(
        first, fa.random.default_rng(8).random((50, 40), chunks=(7, 9)).compute()
    )


def test_unseeded_arrays_differ() -> None:
    a = fa.random.random((10,), chunks=5).compute()
    b = fa.random.random((10,), chunks=5).compute()
    assert not np.array_equal(a, b)


def test_distributions_have_numpys_moments() -> None:
    rng = fa.random.default_rng(0)
    ref = np.random.default_rng(0)
    n = 200_000
    u = rng.uniform(2, 5, size=n, chunks=10_000).compute()
    assert u.dtype == ref.uniform(2, 5, size=3).dtype
    assert u.min() >= 2 and u.max() < 5 and abs(u.mean() - 3.5) < 0.02
    z = rng.normal(1.5, 2.0, size=n, chunks=10_000).compute()
    assert abs(z.mean() - 1.5) < 0.03 and abs(z.std() - 2.0) < 0.03
    k = rng.integers(3, 9, size=n, chunks=10_000).compute()
    assert k.dtype == ref.integers(3, 9, size=3).dtype
    np.testing.assert_array_equal(np.unique(k), np.arange(3, 9))


def test_legacy_names() -> None:
    assert fa.random.random((3, 4), chunks=2).shape == np.random.random((3, 4)).shape
    assert fa.random.rand(3, 4).shape == np.random.rand(3, 4).shape
    assert fa.random.randn(3, 4).dtype == np.random.randn(3, 4).dtype
    assert fa.random.randint(0, 5, size=10).dtype == np.dtype("int64")
    with pytest.raises(ValueError):
        np.random.default_rng().integers(5, 5)
    with pytest.raises(ValueError):
        fa.random.default_rng().integers(5, 5)
