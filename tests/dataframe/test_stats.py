"""``quantile``, ``describe``, ``cov``, ``corr``, ``query``/``eval`` and
``explain`` against pandas on the same data."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import partitioned_frames
from hypothesis import given, settings


@pytest.fixture(scope="module", params=[1, 4, 12], ids=lambda n: f"{n}parts")
def frames(request) -> tuple[dd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(5)
    n = 50
    x = rng.normal(1e6, 10, n)
    x[rng.random(n) < 0.2] = np.nan
    pdf = pd.DataFrame(
        {
            "i": rng.integers(-20, 20, n),
            "x": x,
            "y": rng.normal(size=n) * 3 + 1,
            "s": pd.array(rng.choice(["u", "v", "w"], n), dtype="str"),
        }
    )
    pdf["z"] = pdf.y * 2 + rng.normal(size=n) * 0.1
    return dd.from_pandas(pdf, npartitions=request.param), pdf


@pytest.mark.parametrize("q", [0.5, 0.0, 1.0, 0.1, [0.25, 0.75], [0.9, 0.1, 0.5]])
@pytest.mark.parametrize("column", ["i", "x", "y"])
def test_series_quantile(frames, q, column):
    ddf, pdf = frames
    assert_eq(ddf[column].quantile(q), pdf[column].quantile(q))


def test_frame_quantile(frames):
    ddf, pdf = frames
    num = ["i", "x", "y"]
    assert_eq(ddf[num].quantile(0.3), pdf[num].quantile(0.3))
    assert_eq(ddf[num].quantile([0.3, 0.6]), pdf[num].quantile([0.3, 0.6]))
    assert_eq(ddf.quantile(0.5, numeric_only=True), pdf.quantile(0.5, numeric_only=True))


def test_median_equals_quantile(frames):
    ddf, pdf = frames
    assert_eq(ddf.x.median(), pdf.x.median())


def test_describe(frames):
    ddf, pdf = frames
    assert_eq(ddf.describe(), pdf.describe())
    assert_eq(ddf.describe(percentiles=[0.1, 0.9]), pdf.describe(percentiles=[0.1, 0.9]))
    assert_eq(ddf.x.describe(), pdf.x.describe())


def test_cov_corr(frames):
    ddf, pdf = frames
    num = ["i", "x", "y", "z"]
    assert_eq(ddf[num].cov(), pdf[num].cov())
    assert_eq(ddf[num].corr(), pdf[num].corr())
    # pandas applies `ddof` only to frames without missing values (its
    # pairwise path always divides by n - 1), so compare on those.
    full = ["i", "y", "z"]
    assert_eq(ddf[full].cov(ddof=0), pdf[full].cov(ddof=0))
    assert_eq(ddf.corr(numeric_only=True), pdf.corr(numeric_only=True))
    assert_eq(ddf.y.corr(ddf.z), pdf.y.corr(pdf.z))
    assert_eq(ddf.x.cov(ddf.y), pdf.x.cov(pdf.y))


def test_corr_of_text_raises(frames):
    ddf, pdf = frames
    with pytest.raises(ValueError):
        pdf.corr()
    with pytest.raises(ValueError):
        ddf.corr()


def test_bad_quantile(frames):
    ddf, pdf = frames
    with pytest.raises(ValueError, match="percentiles should all be in the interval"):
        pdf.x.quantile(1.5)
    with pytest.raises(ValueError, match="percentiles should all be in the interval"):
        ddf.x.quantile(1.5)


@settings(max_examples=30, deadline=None)
@given(partitioned_frames())
def test_random_stats(data):
    pdf, n = data
    ddf = dd.from_pandas(pdf, npartitions=n)
    assert_eq(ddf.f.quantile([0.1, 0.5, 0.9]), pdf.f.quantile([0.1, 0.5, 0.9]))
    assert_eq(ddf[["i", "f"]].corr(), pdf[["i", "f"]].corr(), atol=1e-12)


# --- query / eval ---------------------------------------------------------------

QUERIES = [
    "i > 0",
    "i > 0 and y < 1",
    "i > 0 & (y < 1 | s == 'u')",
    "not (i > 0)",
    "s in ['u', 'w']",
    "s not in ['u']",
    "i * 2 + 1 > y",
    "-5 < i <= 5",
    "i > @limit",
    "`x` > 1e6",
    "x.isna()",
]


@pytest.mark.parametrize("expr", QUERIES)
def test_query(frames, expr):
    ddf, pdf = frames
    limit = 3  # noqa: F841 - read by the query through @limit
    assert_eq(ddf.query(expr), pdf.query(expr))


def test_eval(frames):
    ddf, pdf = frames
    assert_eq(ddf.eval("i * y"), pdf.eval("i * y"))


def test_query_errors(frames):
    ddf, pdf = frames
    with pytest.raises(Exception) as expected:
        pdf.query("nope > 1")
    with pytest.raises(expected.type):
        ddf.query("nope > 1")
    with pytest.raises(ValueError, match="invalid query"):
        ddf.query("i >")


# --- explain --------------------------------------------------------------------


def test_explain_shows_fusion_and_pushdown(tmp_path, capsys):
    pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6], "c": ["x", "y", "z"]}).to_csv(
        tmp_path / "t.csv", index=False
    )
    df = dd.read_csv(str(tmp_path / "t.csv"))
    df[df.a > 1].b.explain()
    plan = capsys.readouterr().out
    # One fused pipeline: the filter and the projection over one scan that
    # reads only the two columns it needs.
    assert "Filter (a > 1)" in plan
    assert 'read-csv columns=["a", "b"]' in plan
    assert '"c"' not in plan
    df.groupby("c").a.sum().explain()
    plan = capsys.readouterr().out
    assert plan.startswith('GroupBy by=["c"]')
