"""Series and DataFrame reductions against pandas: ``sum mean count min max
std var prod nunique any all median``, ``value_counts``; ``.str`` and ``.dt``
methods. Reductions are chunk → combine → aggregate trees (fan-in 8), so
data with more partitions than that exercises the combine step."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import partitioned_frames
from hypothesis import given, settings

REDUCTIONS = ["sum", "mean", "count", "min", "max", "std", "var", "prod", "nunique", "median"]


@pytest.fixture(scope="module", params=[1, 3, 11], ids=lambda n: f"{n}parts")
def frames(request) -> tuple[dd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(11)
    n = 60
    f = rng.normal(100, 3, n)
    f[rng.random(n) < 0.2] = np.nan
    s = rng.choice(["x", "Y", "z z", "é"], n).astype(object)
    s[rng.random(n) < 0.2] = None
    pdf = pd.DataFrame(
        {
            "i": rng.integers(-5, 6, n),
            "f": f,
            "p": rng.uniform(0.9, 1.1, n),
            "s": pd.array(s, dtype="str"),
            "b": rng.random(n) < 0.3,
        }
    )
    return dd.from_pandas(pdf, npartitions=request.param), pdf


@pytest.mark.parametrize("op", REDUCTIONS)
@pytest.mark.parametrize("column", ["i", "f", "p", "b"])
def test_numeric_series_reductions(frames, op, column):
    ddf, pdf = frames
    if op == "prod" and column != "p":
        pytest.skip("products of these columns overflow or are trivial")
    assert_eq(getattr(ddf[column], op)(), getattr(pdf[column], op)())


@pytest.mark.parametrize("op", ["min", "max", "count", "nunique"])
def test_text_series_reductions(frames, op):
    ddf, pdf = frames
    assert_eq(getattr(ddf.s, op)(), getattr(pdf.s, op)())


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_ddof(frames, ddof):
    ddf, pdf = frames
    assert_eq(ddf.f.std(ddof=ddof), pdf.f.std(ddof=ddof))
    assert_eq(ddf.i.var(ddof=ddof), pdf.i.var(ddof=ddof))


@pytest.mark.parametrize("op", ["any", "all"])
def test_boolean_reductions(frames, op):
    ddf, pdf = frames
    assert_eq(getattr(ddf.b, op)(), getattr(pdf.b, op)())
    assert_eq(getattr(ddf.i > 4, op)(), getattr(pdf.i > 4, op)())


def test_variance_is_stable_for_large_means():
    """Chan's merge of (count, mean, M2): no cancellation for a mean far
    from zero (a sum of squares would lose most digits here)."""
    rng = np.random.default_rng(0)
    s = pd.Series(1e9 + rng.normal(size=1000))
    assert_eq(dd.from_pandas(s, npartitions=10).var(), s.var())


@pytest.mark.parametrize("op", ["sum", "mean", "count", "min", "max", "std", "var", "nunique"])
def test_frame_reductions(frames, op):
    ddf, pdf = frames
    cols = ["i", "f", "p"]
    assert_eq(getattr(ddf[cols], op)(), getattr(pdf[cols], op)())


def test_frame_reductions_numeric_only(frames):
    ddf, pdf = frames
    assert_eq(ddf.sum(numeric_only=True), pdf.sum(numeric_only=True))
    assert_eq(ddf.max(numeric_only=True), pdf.max(numeric_only=True))
    assert_eq(ddf.count(), pdf.count())


def test_reductions_of_empty_and_filtered(frames):
    ddf, pdf = frames
    for op in ["sum", "mean", "count", "min", "max", "std"]:
        assert_eq(getattr(ddf[ddf.i > 100].f, op)(), getattr(pdf[pdf.i > 100].f, op)())
        assert_eq(getattr(ddf[ddf.i > 2].f, op)(), getattr(pdf[pdf.i > 2].f, op)())


def test_value_counts(frames):
    ddf, pdf = frames
    assert_eq(ddf.i.value_counts(), pdf.i.value_counts())
    assert_eq(ddf.s.value_counts(), pdf.s.value_counts())
    assert_eq(ddf.b.value_counts(), pdf.b.value_counts())
    assert_eq(ddf.i.value_counts(ascending=True), pdf.i.value_counts(ascending=True))


@settings(max_examples=40, deadline=None)
@given(partitioned_frames())
def test_random_reductions(data):
    pdf, n = data
    ddf = dd.from_pandas(pdf, npartitions=n)
    for op in ["sum", "count", "min", "max", "mean", "var", "nunique"]:
        assert_eq(getattr(ddf.f, op)(), getattr(pdf.f, op)(), rtol=1e-7)
        assert_eq(getattr(ddf.i, op)(), getattr(pdf.i, op)(), rtol=1e-7)
    assert_eq(ddf.k.value_counts(), pdf.k.value_counts())


def test_lazy_scalars(frames):
    ddf, pdf = frames
    total = ddf.i.sum()
    assert float(total) == float(pdf.i.sum())
    assert "Scalar" in repr(total)
    assert total.dtype == np.dtype("int64")


# --- .str ---------------------------------------------------------------------

STR_CALLS = [
    lambda s: s.str.lower(),
    lambda s: s.str.upper(),
    lambda s: s.str.len(),
    lambda s: s.str.contains("z"),
    lambda s: s.str.contains("^[xy]", case=False),
    lambda s: s.str.contains("z z", regex=False),
    lambda s: s.str.startswith("x"),
    lambda s: s.str.endswith("z"),
    lambda s: s.str.strip(),
    lambda s: s.str.strip("x"),
    lambda s: s.str.lstrip(),
    lambda s: s.str.rstrip("z"),
    lambda s: s.str.replace("z", "Z"),
    lambda s: s.str.replace("(z) (z)", r"\2-\1", regex=True),
    lambda s: s.str.slice(0, 2),
    lambda s: s.str[1:],
    lambda s: s.str[0],
    lambda s: s.str.split(" ").str[0],
    lambda s: s.str.split(" ").str[-1],
]


@pytest.mark.parametrize("call", STR_CALLS)
def test_str(frames, call):
    ddf, pdf = frames
    assert_eq(call(ddf.s), call(pdf.s))


def test_str_on_numbers_raises(frames):
    ddf, pdf = frames
    with pytest.raises(AttributeError, match="string values"):
        pdf.i.str  # noqa: B018
    with pytest.raises(AttributeError, match="string values"):
        ddf.i.str  # noqa: B018


# --- .dt ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def times() -> tuple[dd.Series, pd.Series]:
    t = pd.Series(pd.date_range("2023-12-30 22:00", periods=50, freq="7h13min"), name="t")
    return dd.from_pandas(t, npartitions=3), t


@pytest.mark.parametrize(
    "field",
    ["year", "month", "day", "hour", "minute", "second", "dayofweek", "dayofyear", "quarter"],
)
def test_dt_fields(times, field):
    ds, ps = times
    if field in ("dayofweek", "dayofyear"):
        expected = getattr(ps.dt, "day_of_week" if field == "dayofweek" else "day_of_year")
    else:
        expected = getattr(ps.dt, field)
    assert_eq(getattr(ds.dt, field), expected)


def test_dt_methods(times):
    ds, ps = times
    assert_eq(ds.dt.floor("D"), ps.dt.floor("D"))
    assert_eq(ds.dt.floor("h"), ps.dt.floor("h"))
    assert_eq(ds.dt.normalize(), ps.dt.normalize())
    assert_eq(ds.dt.date, ps.dt.date)


def test_dt_on_numbers_raises(frames):
    ddf, pdf = frames
    with pytest.raises(AttributeError, match="datetimelike"):
        pdf.i.dt  # noqa: B018
    with pytest.raises(AttributeError, match="datetimelike"):
        ddf.i.dt  # noqa: B018


# --- cumulative ---------------------------------------------------------------


@pytest.mark.parametrize("op", ["cumsum", "cumprod", "cummax", "cummin"])
def test_cumulative(frames, op):
    ddf, pdf = frames
    column = "p" if op == "cumprod" else "f"
    assert_eq(getattr(ddf[column], op)(), getattr(pdf[column], op)())
    assert_eq(getattr(ddf.i, op)(), getattr(pdf.i, op)())
    assert_eq(getattr(ddf[["i", column]], op)(), getattr(pdf[["i", column]], op)())


def test_cumulative_after_filter(frames):
    """Filtered partitions (some empty) still carry the running value."""
    ddf, pdf = frames
    assert_eq(ddf[ddf.i > 3].f.cumsum(), pdf[pdf.i > 3].f.cumsum())
    assert_eq(ddf[ddf.i > 3].i.cummax(), pdf[pdf.i > 3].i.cummax())


@settings(max_examples=30, deadline=None)
@given(partitioned_frames())
def test_random_cumulative(data):
    pdf, n = data
    ddf = dd.from_pandas(pdf, npartitions=n)
    for op in ["cumsum", "cummax", "cummin"]:
        assert_eq(getattr(ddf.f, op)(), getattr(pdf.f, op)())
        assert_eq(getattr(ddf.i, op)(), getattr(pdf.i, op)())


def test_cumulative_of_text_raises(frames):
    ddf, pdf = frames
    with pytest.raises(TypeError):
        pdf.s.cumprod()
    with pytest.raises(TypeError):
        ddf.s.cumprod()
