"""``groupby(...).apply(func)`` against pandas' ``groupby(...).apply``:
rows are hash-partitioned so each group is in one partition, then pandas
applies ``func`` per partition; computing puts the groups in pandas'
order."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings


def make_frame(n: int = 80, seed: int = 21) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    k = rng.choice(["a", "b", "c", "d d", "é"], n).astype(object)
    k[rng.random(n) < 0.1] = None
    x = rng.normal(size=n)
    x[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "k": pd.array(k, dtype="str"),
            "g": rng.integers(0, 4, n),
            "x": x,
            "n": rng.integers(-50, 50, n),
        }
    )


@pytest.fixture(scope="module", params=["1part", "5parts", "empty-parts"])
def frames(request) -> tuple[dd.DataFrame, pd.DataFrame]:
    pdf = make_frame()
    if request.param == "1part":
        return dd.from_pandas(pdf, npartitions=1), pdf
    if request.param == "5parts":
        return dd.from_pandas(pdf, npartitions=5), pdf
    return frame_from_partitions(pdf, (0, 30, 0, 1, 49, 0)), pdf


def demean(g: pd.DataFrame) -> pd.DataFrame:
    return g.assign(y=g.x - g.x.mean())


def top2(g: pd.DataFrame) -> pd.DataFrame:
    return g.nlargest(2, "n")


@pytest.mark.parametrize("keys", ["k", "g", ["k", "g"]], ids=str)
@pytest.mark.parametrize("dropna", [True, False])
def test_apply_frames(frames, keys, dropna):
    ddf, pdf = frames
    for func in [demean, top2]:
        expected = pdf.groupby(keys, dropna=dropna).apply(func)
        result = ddf.groupby(keys, dropna=dropna).apply(func, meta=expected.iloc[:0])
        assert_eq(result, expected)


def test_apply_scalars_and_series(frames):
    ddf, pdf = frames
    expected = pdf.groupby("k").apply(lambda g: g.x.sum() - g.n.max())
    assert_eq(ddf.groupby("k").apply(lambda g: g.x.sum() - g.n.max(), meta=(None, "f8")), expected)
    expected = pdf.groupby("g").apply(lambda g: g[["x", "n"]].max())
    result = ddf.groupby("g").apply(lambda g: g[["x", "n"]].max(), meta={"x": "f8", "n": "f8"})
    assert_eq(result, expected)


def test_series_groupby_apply(frames):
    ddf, pdf = frames
    expected = pdf.groupby("k").x.apply(lambda s: s - s.mean())
    assert_eq(ddf.groupby("k").x.apply(lambda s: s - s.mean(), meta=("x", "f8")), expected)
    expected = pdf.groupby(["g", "k"], dropna=False).n.apply(lambda s: s.max() - s.min())
    result = ddf.groupby(["g", "k"], dropna=False).n.apply(
        lambda s: s.max() - s.min(), meta=("n", "i8")
    )
    assert_eq(result, expected)


def test_apply_args_and_kwargs(frames):
    ddf, pdf = frames

    def scaled(g: pd.DataFrame, a: float, b: float = 0.0) -> pd.DataFrame:
        return g[["x"]] * a + b

    expected = pdf.groupby("k").apply(scaled, 2.0, b=1.0)
    assert_eq(ddf.groupby("k").apply(scaled, 2.0, b=1.0, meta=expected.iloc[:0]), expected)


def test_apply_infers_meta_with_dasks_warning(frames):
    ddf, pdf = frames
    with pytest.warns(UserWarning, match="inferred from partial data"):
        result = ddf.groupby("k").apply(demean)
    assert_eq(result, pdf.groupby("k").apply(demean))
    with pytest.warns(UserWarning, match="inferred from partial data"):
        result = ddf.groupby("g").x.apply(lambda s: s.cumsum())
    assert_eq(result, pdf.groupby("g").x.apply(lambda s: s.cumsum()))


@pytest.mark.parametrize("keys", ["k", "g", ["g", "k"]], ids=str)
@pytest.mark.parametrize("dropna", [True, False])
def test_apply_unsorted_in_order_of_appearance(frames, keys, dropna):
    """``sort=False``: pandas gives the groups in order of first appearance."""
    ddf, pdf = frames
    for func, meta in [
        (demean, None),
        (top2, None),
        (lambda g: g.x.sum() - g.n.max(), (None, "f8")),
    ]:
        expected = pdf.groupby(keys, sort=False, dropna=dropna).apply(func)
        meta = expected.iloc[:0] if meta is None else meta
        result = ddf.groupby(keys, sort=False, dropna=dropna).apply(func, meta=meta)
        assert_eq(result, expected)
    expected = pdf.groupby(keys, sort=False, dropna=dropna).x.apply(lambda s: s.cumsum())
    result = ddf.groupby(keys, sort=False, dropna=dropna).x.apply(
        lambda s: s.cumsum(), meta=("x", "f8")
    )
    assert_eq(result, expected)
    # Persisted, or in arithmetic, the order holds.
    assert_eq(result.persist(), expected)
    assert_eq(result * 2 + 1, expected * 2 + 1)
    assert_eq(result > 0, expected > 0)


@pytest.mark.parametrize("keys", ["k", ["g", "k"]], ids=str)
@pytest.mark.parametrize("sort", [True, False])
def test_apply_without_index(frames, keys, sort):
    """``as_index=False``: a row per group gives the keys as columns; rows
    of the groups keep their own index."""
    ddf, pdf = frames
    for func, meta in [
        (demean, None),
        (top2, None),
        (lambda g: g.x.sum() - g.n.max(), (None, "f8")),
        (lambda g: g[["x", "n"]].max(), {"x": "f8", "n": "f8"}),
    ]:
        expected = pdf.groupby(keys, as_index=False, sort=sort).apply(func)
        if meta is None:
            meta = pdf.groupby(keys).apply(func).iloc[:0]
        result = ddf.groupby(keys, as_index=False, sort=sort).apply(func, meta=meta)
        assert_eq(result, expected)
        if isinstance(expected, pd.DataFrame) and isinstance(meta, pd.DataFrame | dict):
            assert list(result.columns) == list(expected.columns)
    for func, meta in [(lambda s: s.sum(), ("x", "f8")), (lambda s: s.cumsum(), ("x", "f8"))]:
        expected = pdf.groupby(keys, as_index=False, sort=sort).x.apply(func)
        result = ddf.groupby(keys, as_index=False, sort=sort).x.apply(func, meta=meta)
        assert_eq(result, expected)


def test_apply_mismatched_meta(frames):
    ddf, pdf = frames
    result = ddf.groupby("k").apply(demean, meta={"x": "f8", "wrong": "f8"})
    with pytest.raises(ValueError, match="no column 'wrong'"):
        result.compute()
    result = ddf.groupby("k").apply(lambda g: g.x.sum(), meta={"x": "f8"})
    with pytest.raises(ValueError, match="returned a Series where `meta` describes a DataFrame"):
        result.compute()


def test_apply_bad_input(frames):
    ddf, pdf = frames
    with pytest.raises(TypeError, match="`func` must be callable"):
        ddf.groupby("k").apply(3, meta=(None, "f8"))
    with pytest.raises(KeyError):
        ddf.groupby("nope")
    with pytest.raises(ValueError, match="could not infer `meta`"):
        ddf.groupby("k").apply(lambda g: 1 / 0)


@settings(max_examples=25, deadline=None)
@given(partitioned_frames({"k": "str", "i": "int", "f": "float"}, min_rows=1, max_partitions=5))
def test_random_apply(data):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    expected = pdf.groupby("k", dropna=False).apply(lambda g: g.f.sum() + g.i.min())
    result = ddf.groupby("k", dropna=False).apply(
        lambda g: g.f.sum() + g.i.min(), meta=(None, "f8")
    )
    assert_eq(result, expected)
    expected = pdf.groupby("i").f.apply(lambda s: s.ffill())
    assert_eq(ddf.groupby("i").f.apply(lambda s: s.ffill(), meta=("f", "f8")), expected)
    expected = pdf.groupby(["k", "i"], sort=False, dropna=False).f.apply(lambda s: s.ffill())
    result = ddf.groupby(["k", "i"], sort=False, dropna=False).f.apply(
        lambda s: s.ffill(), meta=("f", "f8")
    )
    assert_eq(result, expected)
