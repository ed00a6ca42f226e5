"""``groupby(...).shift / diff / ffill / bfill`` against pandas: the
original rows, index and order, across partitions (empty ones included)."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings
from hypothesis import strategies as st


def make_frame(n: int = 50, seed: int = 13) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    k = rng.choice(["a", "b", "c"], n).astype(object)
    k[rng.random(n) < 0.15] = None
    x = rng.normal(size=n)
    x[rng.random(n) < 0.3] = np.nan
    s = rng.choice(["p", "q", "é"], n).astype(object)
    s[rng.random(n) < 0.3] = None
    return pd.DataFrame(
        {
            "k": pd.array(k, dtype="str"),
            "g": rng.integers(0, 3, n),
            "x": x,
            "n": rng.integers(-5, 5, n),
            "s": pd.array(s, dtype="str"),
            "t": pd.Timestamp("2022-03-01") + pd.to_timedelta(rng.integers(0, 30, n), "D"),
        }
    )


@pytest.fixture(scope="module", params=["1part", "4parts", "empty-parts"])
def frames(request) -> tuple[dd.DataFrame, pd.DataFrame]:
    pdf = make_frame()
    if request.param == "1part":
        return dd.from_pandas(pdf, npartitions=1), pdf
    if request.param == "4parts":
        return dd.from_pandas(pdf, npartitions=4), pdf
    return frame_from_partitions(pdf, (0, 3, 0, 1, 20, 0, 26)), pdf


@pytest.mark.parametrize("periods", [1, 2, 0, -1, -3, 30])
@pytest.mark.parametrize("dropna", [True, False])
def test_group_shift(frames, periods, dropna):
    ddf, pdf = frames
    for keys in ["k", "g", ["k", "g"]]:
        g, pg = ddf.groupby(keys, dropna=dropna), pdf.groupby(keys, dropna=dropna)
        assert_eq(g.x.shift(periods), pg.x.shift(periods))
        assert_eq(g.n.shift(periods), pg.n.shift(periods))
        assert_eq(g.s.shift(periods), pg.s.shift(periods))
        assert_eq(g[["x", "n", "t"]].shift(periods), pg[["x", "n", "t"]].shift(periods))
        assert_eq(g.n.shift(periods, fill_value=99), pg.n.shift(periods, fill_value=99))


@pytest.mark.parametrize("periods", [1, 3, -2])
def test_group_diff(frames, periods):
    ddf, pdf = frames
    for keys in ["k", ["g", "k"]]:
        g, pg = ddf.groupby(keys), pdf.groupby(keys)
        assert_eq(g.x.diff(periods), pg.x.diff(periods))
        assert_eq(g.n.diff(periods), pg.n.diff(periods))
        assert_eq(g.t.diff(periods), pg.t.diff(periods))
        assert_eq(g[["x", "n"]].diff(periods), pg[["x", "n"]].diff(periods))


@pytest.mark.parametrize("method", ["ffill", "bfill"])
@pytest.mark.parametrize("dropna", [True, False])
def test_group_fill(frames, method, dropna):
    ddf, pdf = frames
    for keys in ["k", "g"]:
        g, pg = ddf.groupby(keys, dropna=dropna), pdf.groupby(keys, dropna=dropna)
        assert_eq(getattr(g.x, method)(), getattr(pg.x, method)())
        assert_eq(getattr(g.s, method)(), getattr(pg.s, method)())
        assert_eq(getattr(g[["x", "s"]], method)(), getattr(pg[["x", "s"]], method)())


def test_group_frame_shift_drops_keys(frames):
    ddf, pdf = frames
    assert_eq(ddf.groupby("k").shift(), pdf.groupby("k").shift())
    assert_eq(ddf.groupby("g").ffill(), pdf.groupby("g").ffill())


def test_group_shift_bad_input(frames):
    ddf, pdf = frames
    with pytest.raises(TypeError, match="Periods must be integer"):
        pdf.groupby("k").x.shift(0.5)
    with pytest.raises(TypeError, match="Periods must be integer"):
        ddf.groupby("k").x.shift(0.5)
    with pytest.raises(KeyError):
        ddf.groupby("k")["nope"].shift()
    with pytest.raises(TypeError, match="diff is not supported for dtype str"):
        ddf.groupby("k").s.diff()


@settings(max_examples=50, deadline=None)
@given(
    partitioned_frames({"k": "str", "i": "int", "f": "float"}, max_partitions=6),
    st.integers(-4, 4),
    st.booleans(),
)
def test_random_group_neighbours(data, periods, dropna):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    g, pg = ddf.groupby("k", dropna=dropna), pdf.groupby("k", dropna=dropna)
    assert_eq(g.f.shift(periods), pg.f.shift(periods))
    assert_eq(g.i.shift(periods, fill_value=0), pg.i.shift(periods, fill_value=0))
    assert_eq(g.f.diff(periods), pg.f.diff(periods))
    assert_eq(g.f.ffill(), pg.f.ffill())
    assert_eq(g.f.bfill(), pg.f.bfill())
    gi, pgi = ddf.groupby("i", dropna=dropna), pdf.groupby("i", dropna=dropna)
    assert_eq(gi[["f", "k"]].shift(periods), pgi[["f", "k"]].shift(periods))
