"""``shift``, ``diff``, ``ffill``, ``bfill`` of Series and DataFrames
against pandas, across partition boundaries: empty partitions, one
partition, many, and periods longer than a partition."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings
from hypothesis import strategies as st


def make_frame(n: int = 30, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    x[rng.random(n) < 0.3] = np.nan
    s = rng.choice(["a", "b", "élan"], n).astype(object)
    s[rng.random(n) < 0.3] = None
    t = pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 50, n), "h"))
    t[rng.random(n) < 0.2] = pd.NaT
    return pd.DataFrame(
        {
            "x": x,
            "i": rng.integers(-5, 5, n),
            "s": pd.array(s, dtype="str"),
            "b": rng.random(n) < 0.5,
            "t": t,
        }
    )


LAYOUTS = {
    "1part": None,
    "3parts": 3,
    "empty-parts": (0, 4, 0, 0, 1, 10, 0, 15, 0),
    "one-row-parts": (1,) * 30,
}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def frames(request) -> tuple[dd.DataFrame, pd.DataFrame]:
    pdf = make_frame()
    layout = LAYOUTS[request.param]
    if layout is None:
        return dd.from_pandas(pdf, npartitions=1), pdf
    if isinstance(layout, int):
        return dd.from_pandas(pdf, npartitions=layout), pdf
    return frame_from_partitions(pdf, layout), pdf


@pytest.mark.parametrize("periods", [0, 1, 2, 7, 29, 30, 45, -1, -3, -12, -40])
def test_shift(frames, periods):
    ddf, pdf = frames
    assert_eq(ddf.shift(periods), pdf.shift(periods))
    for c in pdf.columns:
        assert_eq(ddf[c].shift(periods), pdf[c].shift(periods))


@pytest.mark.parametrize("periods", [1, 4, -2, 31])
def test_shift_fill_value(frames, periods):
    ddf, pdf = frames
    for c, fill in [("x", 0.5), ("i", 0), ("s", "zz"), ("b", False)]:
        assert_eq(ddf[c].shift(periods, fill_value=fill), pdf[c].shift(periods, fill_value=fill))
    fill = pd.Timestamp("1999-12-31")
    assert_eq(ddf.t.shift(periods, fill_value=fill), pdf.t.shift(periods, fill_value=fill))
    num = ["x", "i"]
    assert_eq(ddf[num].shift(periods, fill_value=0), pdf[num].shift(periods, fill_value=0))


@pytest.mark.parametrize("periods", [1, 3, 0, -1, -5, 40])
def test_diff(frames, periods):
    ddf, pdf = frames
    for c in ["x", "i", "t"]:
        assert_eq(ddf[c].diff(periods), pdf[c].diff(periods))
    assert_eq(ddf[["x", "i"]].diff(periods), pdf[["x", "i"]].diff(periods))


@pytest.mark.parametrize("method", ["ffill", "bfill"])
def test_fill(frames, method):
    ddf, pdf = frames
    assert_eq(getattr(ddf, method)(), getattr(pdf, method)())
    for c in pdf.columns:
        assert_eq(getattr(ddf[c], method)(), getattr(pdf[c], method)())


def test_with_an_index_and_in_expressions(frames):
    ddf, pdf = frames
    pdf2 = pdf.set_index(pdf.index * 3 + 1)
    ddf2 = frame_from_partitions(pdf2, (0, 10, 20))
    assert_eq(ddf2.x.shift(2), pdf2.x.shift(2))
    assert_eq(ddf.x - ddf.x.shift(1), pdf.x - pdf.x.shift(1))
    assert_eq(ddf.x.ffill().sum(), pdf.x.ffill().sum())


def test_bad_input(frames):
    ddf, pdf = frames
    with pytest.raises(TypeError):
        pdf.x.shift(1.5)
    with pytest.raises(TypeError, match="Periods must be integer"):
        ddf.x.shift(1.5)
    with pytest.raises(TypeError):
        pdf.s.diff()
    with pytest.raises(TypeError, match="diff is not supported for dtype str"):
        ddf.s.diff()
    with pytest.raises(TypeError, match="`fill_value` of dtype str does not fit"):
        ddf.x.shift(1, fill_value="a")
    with pytest.raises(NotImplementedError, match="limit"):
        ddf.x.ffill(limit=1)
    with pytest.raises(NotImplementedError, match="freq"):
        ddf.x.shift(1, freq="D")


@settings(max_examples=60, deadline=None)
@given(
    # At least one row: pandas' ``DataFrame.shift`` keeps an empty int
    # column int64 where ``Series.shift`` makes it float64; ferrox gives
    # float64 for both.
    partitioned_frames(
        {"f": "float", "i": "int", "s": "str", "b": "bool"}, min_rows=1, max_partitions=6
    ),
    st.integers(-8, 8),
)
def test_random_neighbours(data, periods):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    assert_eq(ddf.shift(periods), pdf.shift(periods))
    assert_eq(ddf.f.shift(periods, fill_value=-1.0), pdf.f.shift(periods, fill_value=-1.0))
    assert_eq(ddf[["f", "i"]].diff(periods), pdf[["f", "i"]].diff(periods))
    assert_eq(ddf.ffill(), pdf.ffill())
    assert_eq(ddf.bfill(), pdf.bfill())
