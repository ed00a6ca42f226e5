"""Row-wise operations of ``ferrox.dataframe`` against pandas: operators,
comparisons, ``fillna``, ``isna``, ``isin``, ``where``, ``clip``, ``round``,
``astype``, filters and ``assign`` — each call run through pandas and
ferrox on the same data.

Data comes from ``from_pandas`` (several partitions) so index labels and row
order are checked across partition boundaries.
"""

from __future__ import annotations

import operator
from typing import Any

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import partitioned_frames
from hypothesis import given, settings


@pytest.fixture(scope="module")
def frames() -> tuple[dd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(3)
    n = 40
    f = rng.normal(size=n)
    f[rng.random(n) < 0.2] = np.nan
    s = rng.choice(["apple", "Banana", "cherry pie", "", "élan"], n).astype(object)
    s[rng.random(n) < 0.15] = None
    pdf = pd.DataFrame(
        {
            "i": rng.integers(-10, 10, n),
            "j": rng.integers(1, 5, n),
            "f": f,
            "g": rng.random(n).astype(np.float32),
            "s": pd.array(s, dtype="str"),
            "b": rng.random(n) < 0.5,
            "t": pd.date_range("2024-02-27", periods=n, freq="13h"),
        }
    )
    return dd.from_pandas(pdf, npartitions=4), pdf


OPS = [
    operator.add,
    operator.sub,
    operator.mul,
    operator.truediv,
    operator.floordiv,
    operator.mod,
    operator.eq,
    operator.ne,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
]


@pytest.mark.parametrize("op", OPS, ids=lambda o: o.__name__)
@pytest.mark.parametrize(("a", "b"), [("i", "j"), ("f", "i"), ("i", "f"), ("g", "f"), ("f", "f")])
def test_binary_columns(frames, op, a, b):
    ddf, pdf = frames
    assert_eq(op(ddf[a], ddf[b]), op(pdf[a], pdf[b]))


@pytest.mark.parametrize("op", OPS, ids=lambda o: o.__name__)
@pytest.mark.parametrize("scalar", [3, -2, 0.5, 2.0])
@pytest.mark.parametrize("column", ["i", "f", "g"])
def test_binary_scalar(frames, op, scalar, column):
    ddf, pdf = frames
    if op in (operator.floordiv, operator.mod) and column == "i" and scalar == 0:
        pytest.skip("division by zero")
    assert_eq(op(ddf[column], scalar), op(pdf[column], scalar))
    assert_eq(op(scalar, ddf[column]), op(scalar, pdf[column]))


def test_pow(frames):
    ddf, pdf = frames
    assert_eq(ddf.j**2, pdf.j**2)
    assert_eq(ddf.f**2, pdf.f**2)
    assert_eq(2**ddf.j, 2**pdf.j)


def test_integer_division_by_zero_is_float(frames):
    ddf, pdf = frames
    assert_eq(ddf.i // (ddf.j - ddf.j), pdf.i // (pdf.j - pdf.j))
    assert_eq(ddf.i % (ddf.j - ddf.j), pdf.i % (pdf.j - pdf.j))


@pytest.mark.parametrize("op", [operator.and_, operator.or_, operator.xor])
def test_logical(frames, op):
    ddf, pdf = frames
    assert_eq(op(ddf.b, ddf.i > 0), op(pdf.b, pdf.i > 0))
    assert_eq(op(ddf.i, ddf.j), op(pdf.i, pdf.j))


def test_unary(frames):
    ddf, pdf = frames
    assert_eq(-ddf.f, -pdf.f)
    assert_eq(~ddf.b, ~pdf.b)
    assert_eq(~ddf.i, ~pdf.i)
    assert_eq(abs(ddf.i), abs(pdf.i))
    assert_eq(ddf.f.abs(), pdf.f.abs())


def test_string_comparisons_and_concatenation(frames):
    ddf, pdf = frames
    assert_eq(ddf.s == "apple", pdf.s == "apple")
    assert_eq(ddf.s != "apple", pdf.s != "apple")
    assert_eq(ddf.s < "b", pdf.s < "b")
    assert_eq(ddf.s + "!", pdf.s + "!")
    assert_eq(ddf.s + ddf.s, pdf.s + pdf.s)


def test_datetime_comparisons(frames):
    ddf, pdf = frames
    cut = pd.Timestamp("2024-03-05")
    assert_eq(ddf.t > cut, pdf.t > cut)
    assert_eq(ddf[ddf.t <= cut], pdf[pdf.t <= cut])


def test_result_names(frames):
    ddf, pdf = frames
    assert (ddf.i + ddf.j).name == (pdf.i + pdf.j).name
    assert (ddf.i + ddf.i).name == (pdf.i + pdf.i).name
    assert (ddf.i + 1).name == (pdf.i + 1).name


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.isna(),
        lambda s: s.notna(),
        lambda s: s.isnull(),
        lambda s: s.fillna(0),
        lambda s: s.fillna(-1.5),
        lambda s: s.round(1),
        lambda s: s.clip(-0.5, 0.5),
        lambda s: s.clip(lower=0),
        lambda s: s.between(-1, 1),
        lambda s: s.between(-1, 1, inclusive="neither"),
        lambda s: s.isin([0.5, 1.0]),
        lambda s: s.astype("float32"),
    ],
)
def test_float_methods(frames, call):
    ddf, pdf = frames
    assert_eq(call(ddf.f), call(pdf.f))


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.isin([1, 2, 3]),
        lambda s: s.isin([]),
        lambda s: s.clip(-3, 3),
        lambda s: s.between(0, 5),
        lambda s: s.astype("float64"),
        lambda s: s.astype("int32"),
        lambda s: s.astype(str),
        lambda s: s.round(-1),
    ],
)
def test_int_methods(frames, call):
    ddf, pdf = frames
    assert_eq(call(ddf.i), call(pdf.i))


def test_fillna_with_a_series(frames):
    ddf, pdf = frames
    assert_eq(ddf.f.fillna(ddf.i), pdf.f.fillna(pdf.i))


def test_fillna_text(frames):
    ddf, pdf = frames
    assert_eq(ddf.s.fillna("?"), pdf.s.fillna("?"))
    assert_eq(ddf.s.isin(["apple", ""]), pdf.s.isin(["apple", ""]))


@pytest.mark.parametrize("other", [0, -9.5])
def test_where_and_mask(frames, other):
    ddf, pdf = frames
    assert_eq(ddf.f.where(ddf.i > 0, other), pdf.f.where(pdf.i > 0, other))
    assert_eq(ddf.f.mask(ddf.i > 0, other), pdf.f.mask(pdf.i > 0, other))
    assert_eq(ddf.f.where(ddf.i > 0), pdf.f.where(pdf.i > 0))
    assert_eq(ddf.f.where(ddf.i > 0, ddf.j), pdf.f.where(pdf.i > 0, pdf.j))


def test_frame_methods(frames):
    ddf, pdf = frames
    num = ["i", "j", "f"]
    assert_eq(ddf[num] + 1, pdf[num] + 1)
    assert_eq(ddf[num] * ddf[num], pdf[num] * pdf[num])
    assert_eq(ddf.isna(), pdf.isna())
    assert_eq(ddf.notna(), pdf.notna())
    assert_eq(ddf[num].fillna(0), pdf[num].fillna(0))
    assert_eq(ddf.fillna({"f": 1.0, "s": "x"}), pdf.fillna({"f": 1.0, "s": "x"}))
    assert_eq(ddf[num].abs(), pdf[num].abs())
    assert_eq(ddf[num].round(1), pdf[num].round(1))
    assert_eq(ddf[num].clip(-1, 1), pdf[num].clip(-1, 1))
    assert_eq(ddf.isin({"i": [1, 2]}), pdf.isin({"i": [1, 2]}))
    assert_eq(ddf[num] > 0, pdf[num] > 0)
    assert_eq(ddf[num].where(ddf[num] > 0, 0), pdf[num].where(pdf[num] > 0, 0))


# --- filters, assign, columns ------------------------------------------------


def test_filters(frames):
    ddf, pdf = frames
    assert_eq(ddf[ddf.i > 0], pdf[pdf.i > 0])
    assert_eq(ddf[(ddf.i > 0) & (ddf.f < 0.5)], pdf[(pdf.i > 0) & (pdf.f < 0.5)])
    assert_eq(ddf[ddf.s.isna()], pdf[pdf.s.isna()])
    assert_eq(ddf[ddf.i > 100], pdf[pdf.i > 100])
    assert_eq(ddf[ddf.i > 0].f * 2, pdf[pdf.i > 0].f * 2)
    assert_eq(ddf[ddf.i > 0][["f", "s"]], pdf[pdf.i > 0][["f", "s"]])


def test_filter_then_filter_and_combine(frames):
    ddf, pdf = frames
    d = ddf[ddf.i > -5]
    p = pdf[pdf.i > -5]
    assert_eq(d[d.f > 0], p[p.f > 0])
    assert_eq(d.f + d.j, p.f + p.j)
    assert len(d[d.f > 0]) == len(p[p.f > 0])


def test_filter_by_a_reduction(frames):
    ddf, pdf = frames
    assert_eq(ddf[ddf.f > ddf.f.mean()], pdf[pdf.f > pdf.f.mean()])
    assert_eq(ddf.f - ddf.f.mean(), pdf.f - pdf.f.mean())
    assert_eq(ddf.i / ddf.i.sum(), pdf.i / pdf.i.sum())


def test_assign_and_setitem(frames):
    ddf, pdf = frames
    assert_eq(ddf.assign(k=ddf.i * 2, m=1.5), pdf.assign(k=pdf.i * 2, m=1.5))
    assert_eq(ddf.assign(i=ddf.i + 1), pdf.assign(i=pdf.i + 1))
    assert_eq(ddf.assign(k=lambda d: d.i - d.j), pdf.assign(k=lambda d: d.i - d.j))
    d, p = ddf.copy(), pdf.copy()
    d["z"] = d.f * 10
    p["z"] = p.f * 10
    d["w"] = "x"
    p["w"] = "x"
    assert_eq(d, p)


def test_columns_editing(frames):
    ddf, pdf = frames
    assert_eq(ddf.drop(columns=["s", "t"]), pdf.drop(columns=["s", "t"]))
    assert_eq(ddf.drop("s", axis=1), pdf.drop("s", axis=1))
    assert_eq(ddf.rename(columns={"i": "I"}), pdf.rename(columns={"i": "I"}))
    assert_eq(ddf.rename(columns=str.upper), pdf.rename(columns=str.upper))
    assert_eq(ddf.astype({"i": "float64"}), pdf.astype({"i": "float64"}))
    assert_eq(ddf[["i", "j"]].astype("int32"), pdf[["i", "j"]].astype("int32"))


@pytest.mark.parametrize("how", ["any", "all"])
def test_dropna(frames, how):
    ddf, pdf = frames
    assert_eq(ddf.dropna(how=how), pdf.dropna(how=how))
    assert_eq(ddf.dropna(subset=["f"], how=how), pdf.dropna(subset=["f"], how=how))


@settings(max_examples=40, deadline=None)
@given(partitioned_frames())
def test_random_frames(data):
    """Operators, filters and fills on random frames and partitionings."""
    pdf, n = data
    ddf = dd.from_pandas(pdf, npartitions=n)
    assert_eq(ddf.i + ddf.f, pdf.i + pdf.f)
    assert_eq(ddf[ddf.b], pdf[pdf.b])
    assert_eq(ddf[ddf.f > 0].s, pdf[pdf.f > 0].s)
    assert_eq(ddf.f.fillna(ddf.i), pdf.f.fillna(pdf.i))
    assert_eq(ddf.s.fillna("-") + ddf.s.fillna(""), pdf.s.fillna("-") + pdf.s.fillna(""))
    assert_eq(ddf.dropna(), pdf.dropna())


# --- bad input ---------------------------------------------------------------


def _raises_like_pandas(call: Any, pdf: Any, ddf: Any) -> None:
    with pytest.raises(Exception) as expected:
        call(pdf)
    with pytest.raises(expected.type):
        call(ddf)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: d["nope"],
        lambda d: d[["i", "nope"]],
        lambda d: d.drop(columns=["nope"]),
        lambda d: d.astype({"nope": "int64"}),
        lambda d: d.dropna(subset=["nope"]),
    ],
)
def test_unknown_columns_raise_key_error(frames, call):
    ddf, pdf = frames
    with pytest.raises(KeyError):
        call(pdf)
    with pytest.raises(KeyError):
        call(ddf)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: d.s - 1,
        lambda d: d.s * d.f,
        lambda d: -d.s,
        lambda d: d.s < 1,
    ],
)
def test_type_errors_at_build_time(frames, call):
    """pandas raises TypeError on these when it runs them; ferrox when the
    expression is built."""
    ddf, pdf = frames
    with pytest.raises(TypeError):
        call(pdf)
    with pytest.raises(TypeError):
        call(ddf)


def test_bad_arguments(frames):
    ddf, pdf = frames
    with pytest.raises(TypeError, match="only list-like"):
        ddf.i.isin(3)
    with pytest.raises(ValueError, match="Inclusive"):
        ddf.i.between(0, 1, inclusive="sometimes")
    with pytest.raises(ValueError, match="non-finite"):
        ddf.f.astype("int64").compute()
    with pytest.raises(TypeError, match="not understood"):
        ddf.i.astype("nonsense")
    with pytest.raises(ValueError, match="fill 'value'"):
        ddf.f.fillna()
    with pytest.raises(ValueError, match="ambiguous"):
        bool(ddf.i > 0)
    with pytest.raises(TypeError, match="boolean"):
        ddf[ddf.i]


# --- Series masks and dropna ------------------------------------------------


@pytest.mark.parametrize("npartitions", [1, 3])
def test_series_boolean_mask_and_dropna(npartitions):
    pdf = pd.DataFrame(
        {
            "x": [1.0, np.nan, 12.0, 4.0, np.nan, 7.5],
            "s": pd.array(["a", None, "b", "c", "d", None], dtype="str"),
        }
    )
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    assert_eq(ddf.x[ddf.x > 2], pdf.x[pdf.x > 2])
    assert_eq(ddf.s[ddf.x.isna()], pdf.s[pdf.x.isna()])
    assert_eq(ddf.x.dropna(), pdf.x.dropna())
    assert_eq(ddf.s.dropna(), pdf.s.dropna())
    assert_eq(ddf.x[ddf.x > 2].sum(), pdf.x[pdf.x > 2].sum())
    assert list(ddf.x) == pytest.approx(list(pdf.x), nan_ok=True)
    with pytest.raises(NotImplementedError, match="boolean Series"):
        ddf.x[0]
