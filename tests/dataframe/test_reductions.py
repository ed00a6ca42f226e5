"""Series and DataFrame reductions against pandas: ``sum mean count min max
std var prod nunique any all median`` (with ``skipna=False`` /
``dropna=False`` too), ``value_counts`` (of series and of frames),
``mode``, ``sem``, ``idxmax`` / ``idxmin``; ``.str`` and ``.dt`` methods.
Reductions are chunk → combine → aggregate trees (fan-in 8), so data with
more partitions than that exercises the combine step."""

from __future__ import annotations

import re

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import assume, given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize("op", ["min", "max", "count", "nunique", "sum"])
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
    lambda s: s.str.split(),
    lambda s: s.str.split(" "),
    lambda s: s.str.split("z", n=1),
    lambda s: s.str.split(n=1).str[1],
    lambda s: s.str.split().str.get(1),
    lambda s: s.str.split("z ?", regex=True),
    lambda s: s.str.split(r"\s"),
    lambda s: s.str.split(re.compile("[zY]")),
]


def test_split_lists_in_a_frame(frames):
    ddf, pdf = frames
    assert_eq(ddf.assign(parts=ddf.s.str.split()), pdf.assign(parts=pdf.s.str.split()))


SPLIT_TEXT = st.text(alphabet=[" ", "\t", "a", "b", ",", "é"], max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.none() | SPLIT_TEXT, min_size=1, max_size=12),
    pat=st.sampled_from([None, " ", ",", "a,", "b"]),
    n=st.sampled_from([-1, 0, 1, 2, None]),
    piece=st.integers(-3, 3),
    npartitions=st.integers(1, 4),
)
def test_split_like_python(values, pat, n, piece, npartitions):
    """Python's ``str.split(pat, n)`` rules (runs of whitespace for no
    ``pat``, the rest after ``n`` cuts kept whole), as pandas applies them."""
    # With no string at all pandas' lists are a float64 column of NaN,
    # on which pandas' own .str fails.
    assume(any(v is not None for v in values))
    pdf = pd.DataFrame({"s": pd.array(values, dtype="str")})
    ddf = dd.from_pandas(pdf, npartitions=min(npartitions, len(values)))
    for call in (
        lambda s: s.str.split(pat, n=n),
        lambda s: s.str.split(pat, n=n).str[piece],
    ):
        expected = call(pdf.s)
        if expected.isna().all():
            # pandas infers float64 for a result of nothing but NaN; the
            # dtype of a lazy result cannot depend on the values.
            expected = expected.astype(object)
        assert_eq(call(ddf.s), expected)
    if n is None or n <= 0:
        return
    # expand=True: Dask's columns 0 … n; pandas leaves out the columns no
    # value reaches, and gives object columns where no value reaches any.
    expected = pdf.s.str.split(pat, n=n, expand=True)
    expected = expected.reindex(columns=pd.RangeIndex(n + 1)).astype("str")
    result = ddf.s.str.split(pat, n=n, expand=True)
    assert list(result.columns) == list(range(n + 1))
    assert_eq(result, expected)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_split_expand(frames, n):
    ddf, pdf = frames
    expected = pdf.s.str.split(" ", n=n, expand=True).reindex(columns=pd.RangeIndex(n + 1))
    assert_eq(ddf.s.str.split(" ", n=n, expand=True), expected.astype("str"))
    pdf2 = pdf.assign(word=pdf.s + " " + pdf.s)
    ddf2 = ddf.assign(word=ddf.s + " " + ddf.s)
    # A value reaches every column, so pandas' frame is the same shape.
    expected = pdf2.word.str.split(" ", n=1, expand=True)
    assert_eq(ddf2.word.str.split(" ", n=1, expand=True), expected)
    assert_eq(ddf2.word.str.split(" ", n=1, expand=True)[1], expected[1])
    pdf2[["first", "rest"]] = expected
    ddf2[["first", "rest"]] = ddf2.word.str.split(" ", n=1, expand=True)
    assert_eq(ddf2, pdf2)


def test_split_bad_arguments(frames):
    ddf, pdf = frames
    # As in Dask: pandas' number of columns would depend on the data.
    for n in (-1, 0, None):
        with pytest.raises(NotImplementedError, match="you must specify the number of expected"):
            ddf.s.str.split(" ", n=n, expand=True)
    for call in (
        lambda s: s.str.split(re.compile("z"), regex=False),
        lambda s: s.str.split(3),
    ):
        with pytest.raises((TypeError, ValueError)) as expected:
            call(pdf.s)
        with pytest.raises(type(expected.value)):
            call(ddf.s)
    with pytest.raises(ValueError, match="regular expression"):
        ddf.s.str.split("(", regex=True).compute()


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


# --- skipna=False, dropna=False -----------------------------------------------

SKIPNA_OPS = ["sum", "mean", "min", "max", "prod", "std", "var", "any", "all", "median"]


@pytest.fixture(scope="module", params=[1, 3, 11], ids=lambda n: f"{n}parts")
def holes(request) -> tuple[dd.DataFrame, pd.DataFrame]:
    """Columns with missing values in some partitions only (``f``, ``s``,
    ``t``), in every partition (``g``), everywhere (``n``), and none."""
    rng = np.random.default_rng(5)
    n = 40
    f = rng.uniform(0.5, 1.5, n)
    f[[3, 30]] = np.nan
    g = rng.normal(size=n)
    g[::4] = np.nan
    s = rng.choice(["x", "", "Y", "é"], n).astype(object)
    s[7] = None
    t = pd.Series(pd.date_range("2021-03-01", periods=n, freq="37h"))
    t[12] = pd.NaT
    pdf = pd.DataFrame(
        {
            "i": rng.integers(-3, 4, n),
            "f": f,
            "g": g,
            "n": np.full(n, np.nan),
            "b": rng.random(n) < 0.5,
            "s": pd.array(s, dtype="str"),
            "t": t,
        }
    )
    return dd.from_pandas(pdf, npartitions=request.param), pdf


@pytest.mark.parametrize("op", SKIPNA_OPS)
@pytest.mark.parametrize("column", ["i", "f", "g", "n", "b"])
def test_series_skipna_false(holes, op, column):
    ddf, pdf = holes
    if op == "prod" and column in ("i", "g"):
        pytest.skip("products of these columns are trivial or overflow")
    assert_eq(getattr(ddf[column], op)(skipna=False), getattr(pdf[column], op)(skipna=False))
    assert_eq(getattr(ddf[column], op)(skipna=True), getattr(pdf[column], op)(skipna=True))


@pytest.mark.parametrize("op", ["min", "max", "any", "all"])
def test_text_skipna_false(holes, op):
    ddf, pdf = holes
    assert_eq(getattr(ddf.s, op)(skipna=False), getattr(pdf.s, op)(skipna=False))
    # The first rows have no missing value: the result is a value.
    assert_eq(
        getattr(ddf.s.head(5, compute=False), op)(skipna=False),
        getattr(pdf.s.head(5), op)(skipna=False),
    )


def test_date_of_missing_times_is_nat():
    t = pd.Series(pd.date_range("2021-03-01 10:00", periods=9, freq="37h"), name="t")
    t[[1, 5]] = pd.NaT
    assert_eq(dd.from_pandas(t, npartitions=3).dt.date, t.dt.date)


@pytest.mark.parametrize("op", ["min", "max"])
def test_datetime_skipna_false(holes, op):
    ddf, pdf = holes
    assert_eq(getattr(ddf.t, op)(skipna=False), getattr(pdf.t, op)(skipna=False))
    assert_eq(getattr(ddf.t, op)(), getattr(pdf.t, op)())


@pytest.mark.parametrize("op", ["sum", "mean", "min", "max", "std", "var", "prod", "any", "all"])
def test_frame_skipna_false(holes, op):
    ddf, pdf = holes
    cols = ["i", "f", "g", "n", "b"]
    assert_eq(getattr(ddf[cols], op)(skipna=False), getattr(pdf[cols], op)(skipna=False))


def test_frame_skipna_false_mixed_dtypes(holes):
    ddf, pdf = holes
    for op in ["min", "max"]:
        assert_eq(
            getattr(ddf[["f", "i", "s"]], op)(skipna=False),
            getattr(pdf[["f", "i", "s"]], op)(skipna=False),
        )
    assert_eq(ddf.sum(numeric_only=True, skipna=False), pdf.sum(numeric_only=True, skipna=False))


def test_skipna_false_of_filtered_and_empty(holes):
    ddf, pdf = holes
    for op in ["sum", "mean", "max", "std"]:
        for mask in [lambda d: d.i > 100, lambda d: d.i > 1]:
            assert_eq(
                getattr(ddf[mask(ddf)].f, op)(skipna=False),
                getattr(pdf[mask(pdf)].f, op)(skipna=False),
            )


def test_skipna_false_scalar_in_expressions(holes):
    """A ``skipna=False`` reduction is a scalar operand like the others."""
    ddf, pdf = holes
    assert_eq(ddf.f - ddf.f.mean(skipna=False), pdf.f - pdf.f.mean(skipna=False))
    assert_eq(ddf.i - ddf.i.max(skipna=False), pdf.i - pdf.i.max(skipna=False))


def test_computed_nan_is_missing():
    """NaN made by arithmetic (0 / 0) is missing too, as in pandas."""
    pdf = pd.DataFrame({"a": [0.0, 1.0, 2.0, 0.0], "b": [0.0, 1.0, 1.0, 3.0]})
    ddf = dd.from_pandas(pdf, npartitions=2)
    for op in ["sum", "max", "min", "mean"]:
        assert_eq(
            getattr(ddf.a / ddf.b, op)(skipna=False), getattr(pdf.a / pdf.b, op)(skipna=False)
        )
    assert_eq((ddf.a / ddf.b).nunique(dropna=False), (pdf.a / pdf.b).nunique(dropna=False))


def test_count_has_no_skipna(holes):
    ddf, pdf = holes
    for obj in (pdf, pdf.f):
        with pytest.raises(TypeError, match="unexpected keyword argument 'skipna'") as expected:
            obj.count(skipna=False)
    with pytest.raises(TypeError, match=str(expected.value).split(" got ")[1]):
        ddf.f.count(skipna=False)
    with pytest.raises(
        TypeError, match="DataFrame.count.. got an unexpected keyword argument 'skipna'"
    ):
        ddf.count(skipna=False)


@pytest.mark.parametrize("bad", ["no", None, 1])
def test_skipna_must_be_bool(holes, bad):
    ddf, pdf = holes
    with pytest.raises(ValueError, match='For argument "skipna" expected type bool') as expected:
        pdf.f.sum(skipna=bad)
    with pytest.raises(ValueError, match=str(expected.value)):
        ddf.f.sum(skipna=bad)
    with pytest.raises(ValueError, match=str(expected.value)):
        ddf.sum(skipna=bad)


def test_skipna_false_unknown_column_and_bad_dtype(holes):
    ddf, pdf = holes
    with pytest.raises(TypeError, match="str"):
        pdf.s.mean(skipna=False)
    with pytest.raises(TypeError, match="str"):
        ddf.s.mean(skipna=False)
    with pytest.raises(KeyError, match="nope"):
        ddf[["f", "nope"]].sum(skipna=False)


@pytest.mark.parametrize("column", ["i", "f", "g", "n", "b", "s", "t"])
def test_nunique_dropna(holes, column):
    ddf, pdf = holes
    for dropna in (True, False):
        assert_eq(ddf[column].nunique(dropna=dropna), pdf[column].nunique(dropna=dropna))


def test_frame_nunique_dropna(holes):
    ddf, pdf = holes
    for dropna in (True, False):
        assert_eq(ddf.nunique(dropna=dropna), pdf.nunique(dropna=dropna))


@settings(max_examples=40, deadline=None)
@given(partitioned_frames({"f": "float", "i": "int", "s": "str", "b": "bool"}))
def test_random_skipna_false(data):
    """Empty and one-row partitions, columns with and without missing values."""
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    for op in ["sum", "mean", "min", "max", "var", "any", "all"]:
        for c in ["f", "i", "b"]:
            assert_eq(
                getattr(ddf[c], op)(skipna=False), getattr(pdf[c], op)(skipna=False), rtol=1e-7
            )
    assert_eq(ddf.s.max(skipna=False), pdf.s.max(skipna=False))
    assert_eq(ddf[["f", "i"]].sum(skipna=False), pdf[["f", "i"]].sum(skipna=False))
    for c in ["f", "i", "s", "b"]:
        assert_eq(ddf[c].nunique(dropna=False), pdf[c].nunique(dropna=False))


# --- value_counts -------------------------------------------------------------


@pytest.mark.parametrize("column", ["i", "f", "g", "n", "b", "s", "t"])
@pytest.mark.parametrize("dropna", [True, False])
@pytest.mark.parametrize("normalize", [False, True])
def test_value_counts_options(holes, column, dropna, normalize):
    ddf, pdf = holes
    for sort, ascending in [(True, False), (True, True), (False, False)]:
        kwargs = {"dropna": dropna, "normalize": normalize, "sort": sort, "ascending": ascending}
        assert_eq(ddf[column].value_counts(**kwargs), pdf[column].value_counts(**kwargs))


def test_value_counts_positional_and_split_every(holes):
    ddf, pdf = holes
    assert_eq(ddf.i.value_counts(True), pdf.i.value_counts(True))
    assert_eq(ddf.g.value_counts(dropna=False, split_every=2), pdf.g.value_counts(dropna=False))


def test_value_counts_of_renamed_and_filtered(holes):
    ddf, pdf = holes
    assert_eq(ddf.s.rename("other").value_counts(), pdf.s.rename("other").value_counts())
    assert_eq(
        ddf[ddf.i > 0].f.value_counts(dropna=False), pdf[pdf.i > 0].f.value_counts(dropna=False)
    )
    assert_eq(
        ddf[ddf.i > 100].f.value_counts(dropna=False), pdf[pdf.i > 100].f.value_counts(dropna=False)
    )


def test_value_counts_bins_not_supported(holes):
    ddf, _ = holes
    with pytest.raises(NotImplementedError, match="bins"):
        ddf.f.value_counts(bins=3)


@pytest.mark.parametrize(
    "subset", [None, "i", ["i"], ["s", "i"], ["f", "s"], ["b", "t", "f"]], ids=str
)
@pytest.mark.parametrize("dropna", [True, False])
def test_frame_value_counts(holes, subset, dropna):
    ddf, pdf = holes
    cols = ["i", "f", "s", "b", "t"]
    for kwargs in [{}, {"normalize": True}, {"sort": False}, {"ascending": True}]:
        assert_eq(
            ddf[cols].value_counts(subset=subset, dropna=dropna, **kwargs),
            pdf[cols].value_counts(subset=subset, dropna=dropna, **kwargs),
        )


def test_frame_value_counts_one_column_frame(holes):
    ddf, pdf = holes
    assert_eq(ddf[["s"]].value_counts(), pdf[["s"]].value_counts())
    assert_eq(ddf[["s"]].value_counts(dropna=False), pdf[["s"]].value_counts(dropna=False))


def test_frame_value_counts_unknown_column(holes):
    ddf, pdf = holes
    with pytest.raises(KeyError, match="nope") as expected:
        pdf.value_counts(subset=["i", "nope"])
    with pytest.raises(KeyError, match=str(expected.value)):
        ddf.value_counts(subset=["i", "nope"])


@settings(max_examples=40, deadline=None)
@given(partitioned_frames({"k": "int", "f": "float", "s": "str"}))
def test_random_value_counts(data):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    for dropna in (True, False):
        for c in ["k", "f", "s"]:
            assert_eq(ddf[c].value_counts(dropna=dropna), pdf[c].value_counts(dropna=dropna))
        assert_eq(ddf.value_counts(dropna=dropna), pdf.value_counts(dropna=dropna))
        assert_eq(
            ddf.value_counts(["f", "s"], sort=False, dropna=dropna),
            pdf.value_counts(["f", "s"], sort=False, dropna=dropna),
        )


# --- mode ---------------------------------------------------------------------


@pytest.mark.parametrize("column", ["i", "f", "g", "n", "b", "s", "t"])
def test_mode(holes, column):
    ddf, pdf = holes
    for dropna in (True, False):
        assert_eq(ddf[column].mode(dropna=dropna), pdf[column].mode(dropna=dropna))
    assert_eq(ddf[ddf.i > 100][column].mode(), pdf[pdf.i > 100][column].mode())


@settings(max_examples=40, deadline=None)
@given(partitioned_frames({"k": "int", "f": "float", "s": "str"}))
def test_random_mode(data):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    for c in ["k", "f", "s"]:
        assert_eq(ddf[c].mode(), pdf[c].mode())
        assert_eq(ddf[c].mode(dropna=False), pdf[c].mode(dropna=False))


# --- sem, idxmax / idxmin -----------------------------------------------------


@pytest.mark.parametrize("column", ["i", "f", "g", "n", "b"])
def test_sem(holes, column):
    ddf, pdf = holes
    for ddof in (0, 1, 2):
        for skipna in (True, False):
            assert_eq(
                ddf[column].sem(ddof=ddof, skipna=skipna), pdf[column].sem(ddof=ddof, skipna=skipna)
            )


def test_frame_sem(holes):
    ddf, pdf = holes
    cols = ["i", "f", "g", "n", "b"]
    assert_eq(ddf[cols].sem(), pdf[cols].sem())
    assert_eq(ddf[cols].sem(ddof=0, skipna=False), pdf[cols].sem(ddof=0, skipna=False))
    assert_eq(ddf.sem(numeric_only=True), pdf.sem(numeric_only=True))


def test_sem_of_text_raises(holes):
    ddf, pdf = holes
    with pytest.raises(TypeError) as expected:
        pdf.s.sem()
    with pytest.raises(TypeError, match=str(expected.value)):
        ddf.s.sem()
    with pytest.raises(TypeError) as expected:
        pdf.sem()
    with pytest.raises(TypeError, match=str(expected.value)):
        ddf.sem()


@pytest.mark.parametrize("column", ["i", "f", "g", "b", "s", "t"])
@pytest.mark.parametrize("op", ["idxmax", "idxmin"])
def test_series_idx(holes, column, op):
    ddf, pdf = holes
    assert_eq(getattr(ddf[column], op)(), getattr(pdf[column], op)())
    # A materialized (filtered) index and a named one.
    assert_eq(getattr(ddf[ddf.i > 0][column], op)(), getattr(pdf[pdf.i > 0][column], op)())
    named = pdf.set_index("s", drop=False) if column != "s" else pdf.set_index("t", drop=False)
    dnamed = dd.from_pandas(named, npartitions=ddf.npartitions)
    assert_eq(getattr(dnamed[column], op)(), getattr(named[column], op)())


@pytest.mark.parametrize("op", ["idxmax", "idxmin"])
def test_frame_idx(holes, op):
    ddf, pdf = holes
    cols = ["i", "f", "g", "b", "t"]
    assert_eq(getattr(ddf[cols], op)(), getattr(pdf[cols], op)())
    assert_eq(
        getattr(ddf[["i", "b"]], op)(skipna=False), getattr(pdf[["i", "b"]], op)(skipna=False)
    )
    assert_eq(
        getattr(ddf.drop(columns="n"), op)(numeric_only=True, skipna=True),
        getattr(pdf.drop(columns="n"), op)(numeric_only=True),
    )


@pytest.mark.parametrize("op", ["idxmax", "idxmin"])
def test_idx_errors(holes, op):
    """pandas' errors: a missing value with ``skipna=False``, missing
    values only, no values."""
    ddf, pdf = holes
    cases = [
        (lambda d: getattr(d.f, op)(skipna=False)),
        (lambda d: getattr(d.n, op)()),
        (lambda d: getattr(d[d.i > 100].f, op)()),
        (lambda d: getattr(d[["i", "f"]], op)(skipna=False)),
    ]
    for case in cases:
        with pytest.raises(ValueError) as expected:
            case(pdf)
        with pytest.raises(ValueError, match=str(expected.value)):
            case(ddf).compute()


@settings(max_examples=40, deadline=None)
@given(partitioned_frames({"k": "int", "f": "float", "s": "str"}, min_rows=1))
def test_random_idx(data):
    """Ties go to the first occurrence, across partitions too."""
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    for c in ["k", "f", "s"]:
        if pdf[c].notna().any():
            assert_eq(ddf[c].idxmax(), pdf[c].idxmax())
            assert_eq(ddf[c].idxmin(), pdf[c].idxmin())


# --- min_count ----------------------------------------------------------------


@pytest.mark.parametrize("op", ["sum", "prod"])
@pytest.mark.parametrize("min_count", [0, 1, "count", "count+1"])
def test_min_count(frames, op, min_count):
    """The result is missing where fewer than ``min_count`` values are."""
    ddf, pdf = frames
    n = pdf.f.count()
    min_count = {"count": n, "count+1": n + 1}.get(min_count, min_count)
    column = "p" if op == "prod" else "f"
    assert_eq(
        getattr(ddf[column], op)(min_count=min_count), getattr(pdf[column], op)(min_count=min_count)
    )
    cols = ["f", "i"] if op == "sum" else ["p"]
    assert_eq(
        getattr(ddf[cols], op)(min_count=min_count), getattr(pdf[cols], op)(min_count=min_count)
    )


@pytest.mark.parametrize("op", ["sum", "prod"])
def test_min_count_without_skipping(frames, op):
    """``skipna=False``: missing where a value is missing, else where there
    are fewer than ``min_count`` values."""
    ddf, pdf = frames
    cols = ["i", "p", "f"]
    for min_count in (0, 1, len(pdf), len(pdf) + 1):
        kwargs = {"skipna": False, "min_count": min_count}
        for c in cols:
            assert_eq(getattr(ddf[c], op)(**kwargs), getattr(pdf[c], op)(**kwargs))
        assert_eq(getattr(ddf[cols], op)(**kwargs), getattr(pdf[cols], op)(**kwargs))


def test_min_count_of_text_and_ints(frames):
    ddf, pdf = frames
    for min_count in (1, pdf.s.count(), pdf.s.count() + 1):
        assert_eq(ddf.s.sum(min_count=min_count), pdf.s.sum(min_count=min_count))
        assert_eq(ddf.i.sum(min_count=min_count), pdf.i.sum(min_count=min_count))
        assert_eq(ddf.sum(min_count=min_count), pdf.sum(min_count=min_count))


def test_min_count_bad_input(frames):
    ddf, pdf = frames
    for call in (lambda d: d.f.mean(min_count=1), lambda d: d.f.sum(min_count="1")):
        with pytest.raises(TypeError) as expected:
            call(pdf)
        with pytest.raises(TypeError, match="min_count") as info:
            call(ddf)
        assert type(info.value) is type(expected.value)
