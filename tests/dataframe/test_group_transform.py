"""Group-wise operations that keep the rows — ``transform`` and the
cumulative ones — against pandas: same values, index and row order."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import partitioned_frames
from hypothesis import given, settings


@pytest.fixture(scope="module", params=[1, 3, 7], ids=lambda n: f"{n}parts")
def frames(request) -> tuple[dd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(9)
    n = 40
    x = rng.normal(size=n)
    x[rng.random(n) < 0.2] = np.nan
    k = rng.choice(["a", "b", "c"], n).astype(object)
    k[rng.random(n) < 0.1] = None
    pdf = pd.DataFrame(
        {
            "k": pd.array(k, dtype="str"),
            "g": rng.integers(0, 3, n),
            "x": x,
            "n": rng.integers(-5, 5, n),
        }
    )
    return dd.from_pandas(pdf, npartitions=request.param), pdf


@pytest.mark.parametrize("func", ["sum", "mean", "count", "min", "max", "std", "first"])
def test_transform(frames, func):
    ddf, pdf = frames
    assert_eq(ddf.groupby("k").x.transform(func), pdf.groupby("k").x.transform(func))
    assert_eq(ddf.groupby("g").n.transform(func), pdf.groupby("g").n.transform(func))
    assert_eq(
        ddf.groupby(["k", "g"])[["x", "n"]].transform(func),
        pdf.groupby(["k", "g"])[["x", "n"]].transform(func),
    )


def test_transform_in_an_expression(frames):
    ddf, pdf = frames
    assert_eq(
        ddf.x - ddf.groupby("k").x.transform("mean"), pdf.x - pdf.groupby("k").x.transform("mean")
    )


@pytest.mark.parametrize("op", ["cumsum", "cummax", "cummin", "cumprod"])
def test_group_cumulative(frames, op):
    ddf, pdf = frames
    assert_eq(getattr(ddf.groupby("k").x, op)(), getattr(pdf.groupby("k").x, op)())
    assert_eq(getattr(ddf.groupby("g").n, op)(), getattr(pdf.groupby("g").n, op)())
    assert_eq(
        getattr(ddf.groupby("g")[["x", "n"]], op)(), getattr(pdf.groupby("g")[["x", "n"]], op)()
    )


def test_cumcount(frames):
    ddf, pdf = frames
    assert_eq(ddf.groupby("k").cumcount(), pdf.groupby("k").cumcount())
    assert_eq(ddf.groupby(["k", "g"]).cumcount(), pdf.groupby(["k", "g"]).cumcount())


@settings(max_examples=30, deadline=None)
@given(partitioned_frames())
def test_random_group_cumulative(data):
    pdf, n = data
    ddf = dd.from_pandas(pdf, npartitions=n)
    assert_eq(ddf.groupby("k").f.cumsum(), pdf.groupby("k").f.cumsum())
    assert_eq(ddf.groupby("s").i.cummax(), pdf.groupby("s").i.cummax())
    assert_eq(ddf.groupby("k").cumcount(), pdf.groupby("k").cumcount())
    assert_eq(ddf.groupby("s").f.transform("sum"), pdf.groupby("s").f.transform("sum"))


def test_bad_transform(frames):
    ddf, pdf = frames
    with pytest.raises(ValueError, match="not a valid function name"):
        pdf.groupby("k").x.transform("nope")
    with pytest.raises(ValueError, match="not a valid function name"):
        ddf.groupby("k").x.transform("nope")
