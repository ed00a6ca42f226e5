"""``groupby(dropna=False)`` and ``split_out=`` against pandas: the same
call on the same data, compared with ``assert_eq`` (values, dtypes, index,
order)."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings


def make_frame(n: int = 60, seed: int = 3) -> pd.DataFrame:
    """Text key ``k`` and float key ``f`` with missing values, int key
    ``g``, float values ``x`` (with NaN), int ``n``, datetimes ``t``."""
    rng = np.random.default_rng(seed)
    k = rng.choice(["b", "a", "B", "c d", "élan"], n).astype(object)
    k[rng.random(n) < 0.2] = None
    f = rng.integers(0, 3, n).astype(float)
    f[rng.random(n) < 0.2] = np.nan
    x = rng.normal(size=n)
    x[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "k": pd.array(k, dtype="str"),
            "f": f,
            "g": rng.integers(0, 4, n),
            "x": x,
            "n": rng.integers(-9, 9, n),
            "t": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 99, n), "D"),
        }
    )


@pytest.fixture(scope="module", params=["1part", "4parts", "empty-parts"])
def frames(request) -> tuple[dd.DataFrame, pd.DataFrame]:
    pdf = make_frame()
    if request.param == "1part":
        return dd.from_pandas(pdf, npartitions=1), pdf
    if request.param == "4parts":
        return dd.from_pandas(pdf, npartitions=4), pdf
    return frame_from_partitions(pdf, (0, 20, 0, 1, 39, 0)), pdf


KEYS = ["k", "f", ["k", "g"], ["f", "k"]]


@pytest.mark.parametrize("keys", KEYS, ids=str)
@pytest.mark.parametrize("agg", ["sum", "mean", "count", "size", "min", "max", "std", "first"])
@pytest.mark.parametrize("sort", [True, False])
def test_dropna_false_aggregations(frames, keys, agg, sort):
    ddf, pdf = frames
    expected = getattr(pdf.groupby(keys, dropna=False, sort=sort).x, agg)()
    assert_eq(getattr(ddf.groupby(keys, dropna=False, sort=sort).x, agg)(), expected)


@pytest.mark.parametrize("keys", KEYS, ids=str)
def test_dropna_false_holistic_and_frames(frames, keys):
    ddf, pdf = frames
    for agg in ["median", "nunique"]:
        expected = getattr(pdf.groupby(keys, dropna=False).n, agg)()
        assert_eq(getattr(ddf.groupby(keys, dropna=False).n, agg)(), expected)
    cols = ["x", "n", "t"]
    assert_eq(
        ddf.groupby(keys, dropna=False)[cols].max(), pdf.groupby(keys, dropna=False)[cols].max()
    )


def test_dropna_false_agg_forms(frames):
    ddf, pdf = frames
    for call in [
        lambda df: df.groupby("k", dropna=False).x.agg(["sum", "count"]),
        lambda df: df.groupby("k", dropna=False)[["x", "n"]].agg(["min", "mean"]),
        lambda df: df.groupby("f", dropna=False).agg({"x": "sum", "n": ["max", "size"]}),
        lambda df: df.groupby(["k", "f"], dropna=False).agg(lo=("x", "min"), c=("n", "count")),
        lambda df: df.groupby("k", dropna=False, as_index=False).x.sum(),
    ]:
        assert_eq(call(ddf), call(pdf))


@pytest.mark.parametrize("keys", ["k", "f", ["k", "g"]], ids=str)
def test_dropna_false_row_preserving(frames, keys):
    ddf, pdf = frames
    for func in ["sum", "mean", "count", "max"]:
        assert_eq(
            ddf.groupby(keys, dropna=False).x.transform(func),
            pdf.groupby(keys, dropna=False).x.transform(func),
        )
    assert_eq(
        ddf.groupby(keys, dropna=False).x.cumsum(), pdf.groupby(keys, dropna=False).x.cumsum()
    )
    assert_eq(
        ddf.groupby(keys, dropna=False).n.cummax(), pdf.groupby(keys, dropna=False).n.cummax()
    )
    assert_eq(
        ddf.groupby(keys, dropna=False).cumcount(), pdf.groupby(keys, dropna=False).cumcount()
    )


def test_dropna_must_be_bool(frames):
    ddf, pdf = frames
    with pytest.raises(TypeError, match="`dropna` must be True or False"):
        ddf.groupby("k", dropna="no")


@settings(max_examples=40, deadline=None)
@given(partitioned_frames({"k": "str", "f": "float", "i": "int", "x": "float"}))
def test_random_dropna_false(data):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    for keys in ["k", "f", ["f", "k"]]:
        for sort in [True, False]:
            g, pg = (
                ddf.groupby(keys, dropna=False, sort=sort),
                pdf.groupby(keys, dropna=False, sort=sort),
            )
            assert_eq(g.x.sum(), pg.x.sum())
            assert_eq(g.i.mean(), pg.i.mean())
            assert_eq(g.x.count(), pg.x.count())
            assert_eq(g.size(), pg.size())
        assert_eq(
            ddf.groupby(keys, dropna=False).x.cumsum(), pdf.groupby(keys, dropna=False).x.cumsum()
        )
        assert_eq(
            ddf.groupby(keys, dropna=False).i.transform("max"),
            pdf.groupby(keys, dropna=False).i.transform("max"),
        )


# --- split_out ---------------------------------------------------------------


@pytest.fixture(scope="module")
def many_groups() -> tuple[dd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(11)
    n = 2000
    x = rng.normal(size=n)
    x[rng.random(n) < 0.1] = np.nan
    pdf = pd.DataFrame(
        {
            "key": rng.integers(0, 500, n),
            "s": pd.array(rng.choice([f"w{i}" for i in range(40)], n), dtype="str"),
            "x": x,
            "n": rng.integers(0, 100, n),
        }
    )
    return dd.from_pandas(pdf, npartitions=10), pdf


@pytest.mark.parametrize("split_out", [2, 3, 7])
@pytest.mark.parametrize(
    "agg", ["sum", "mean", "count", "size", "min", "max", "var", "nunique", "median"]
)
def test_split_out_aggregations(many_groups, split_out, agg):
    ddf, pdf = many_groups
    result = getattr(ddf.groupby("key").x, agg)(split_out=split_out)
    assert result.npartitions == split_out
    expected = getattr(pdf.groupby("key").x, agg)()
    assert_eq(result, expected)
    # Arithmetic on the result still computes in the groups' order.
    assert_eq(result * 2 - 1, expected * 2 - 1)


@pytest.mark.parametrize("split_every", [2, 3, 8])
def test_split_out_tree(many_groups, split_every):
    ddf, pdf = many_groups
    result = ddf.groupby(["s", "key"]).agg(
        {"x": ["sum", "std"], "n": "max"}, split_out=4, split_every=split_every
    )
    assert result.npartitions == 4
    assert_eq(result, pdf.groupby(["s", "key"]).agg({"x": ["sum", "std"], "n": "max"}))
    result = ddf.groupby("s", split_out=3, split_every=split_every).mean()
    assert result.npartitions == 3
    assert_eq(result, pdf.groupby("s").mean())


def test_split_out_partitions_hold_disjoint_keys(many_groups):
    ddf, pdf = many_groups
    result = ddf.groupby("key").n.sum(split_out=5)
    parts = [p.compute() for p in result.to_delayed()]
    seen = [set(p.index) for p in parts]
    assert sum(len(s) for s in seen) == len(set().union(*seen)) == pdf.key.nunique()
    assert all(p.index.is_monotonic_increasing for p in parts)


def test_split_out_true_dropna_and_named(many_groups):
    ddf, pdf = many_groups
    result = ddf.groupby("s").x.sum(split_out=True)
    assert result.npartitions == ddf.npartitions
    assert_eq(result, pdf.groupby("s").x.sum())
    pdf2 = pdf.assign(s=pdf.s.where(pdf.n > 10))
    ddf2 = dd.from_pandas(pdf2, npartitions=6)
    assert_eq(
        ddf2.groupby("s", dropna=False).agg(total=("x", "sum"), top=("n", "max"), split_out=3),
        pdf2.groupby("s", dropna=False).agg(total=("x", "sum"), top=("n", "max")),
    )
    assert_eq(
        ddf2.groupby("s", dropna=False, as_index=False).n.sum(split_out=2),
        pdf2.groupby("s", dropna=False, as_index=False).n.sum(),
    )


def test_split_out_sort_false_holds_pandas_groups(many_groups):
    """With ``sort=False`` the groups come in hash-partition order, as in
    Dask (which sorts nothing there either); the groups and values are
    pandas'."""
    ddf, pdf = many_groups
    result = ddf.groupby("key", sort=False).x.sum(split_out=3).compute()
    pd.testing.assert_series_equal(result.sort_index(), pdf.groupby("key").x.sum())


@settings(max_examples=30, deadline=None)
@given(partitioned_frames({"k": "str", "i": "int", "x": "float"}, max_partitions=6))
def test_random_split_out(data):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    for split_out in [2, 3]:
        assert_eq(ddf.groupby("k").x.sum(split_out=split_out), pdf.groupby("k").x.sum())
        assert_eq(
            ddf.groupby(["i", "k"]).x.mean(split_out=split_out), pdf.groupby(["i", "k"]).x.mean()
        )
        assert_eq(
            ddf.groupby("k", dropna=False).i.agg(["min", "count"], split_out=split_out),
            pdf.groupby("k", dropna=False).i.agg(["min", "count"]),
        )


@pytest.mark.parametrize("bad", [0, -1, 1.5, "two"])
def test_bad_split_out(many_groups, bad):
    ddf, _ = many_groups
    with pytest.raises(ValueError, match="`split_out` must be a positive integer or True"):
        ddf.groupby("key").x.sum(split_out=bad)


@pytest.mark.parametrize("as_index", [True, False])
def test_grouping_by_a_series_named_like_another_column(frames, as_index):
    """``df.groupby(df.t.dt.month)``: the key is the month, named ``t``,
    while the column ``t`` stays a column of the frame."""
    ddf, pdf = frames
    for by in (lambda d: d.t.dt.month, lambda d: [d.k, d.n % 3], lambda d: d.g.rename("n")):
        expected = pdf.groupby(by(pdf), as_index=as_index)
        result = ddf.groupby(by(ddf), as_index=as_index)
        assert_eq(result.x.sum(), expected.x.sum())
        assert_eq(result[["x", "n"]].agg(["min", "max"]), expected[["x", "n"]].agg(["min", "max"]))
        if as_index:
            assert_eq(result[["x", "n"]].max() + 1, expected[["x", "n"]].max() + 1)
        assert_eq(result.x.sum(min_count=3), expected.x.sum(min_count=3))
    expected = pdf.groupby(pdf.t.dt.month).t.max()
    assert_eq(ddf.groupby(ddf.t.dt.month).t.max(), expected)
    expected = pdf.groupby(pdf.t.dt.month).apply(lambda g: g.x.sum())
    result = ddf.groupby(ddf.t.dt.month).apply(lambda g: g.x.sum(), meta=(None, "f8"))
    assert_eq(result, expected)
    assert_eq(ddf.groupby(ddf.t.dt.month).x.cumsum(), pdf.groupby(pdf.t.dt.month).x.cumsum())
