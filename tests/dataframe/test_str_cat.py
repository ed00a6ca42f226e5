"""``Series.str.cat`` against pandas: element-wise with other Series over
the same rows, and, without ``others``, the join of all values into one
string (a lazy scalar, as in Dask)."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_series_equal


def sample(n: int = 40, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def text() -> pd.Series:
        values = rng.choice(["a", "bb", "", "élan", "x,y"], n).astype(object)
        values[rng.random(n) < 0.2] = None
        return pd.Series(values, dtype="str")

    return pd.DataFrame({"s": text(), "t": text(), "u": text(), "n": rng.integers(0, 9, n)})


CALLS = {
    "one other": lambda f: f.s.str.cat(f.t),
    "list, sep": lambda f: f.s.str.cat([f.t, f.u], sep="-"),
    "na_rep": lambda f: f.s.str.cat([f.t], sep=", ", na_rep="?"),
    "derived other": lambda f: f.s.str.cat(f.t.str.upper(), sep="|"),
    "tuple": lambda f: f.t.str.cat((f.s,)),
}


@pytest.mark.parametrize("npartitions", [1, 3])
@pytest.mark.parametrize("call", list(CALLS), ids=list(CALLS))
def test_cat_with_others(call, npartitions):
    pdf = sample()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    assert_series_equal(CALLS[call](ddf).compute(), CALLS[call](pdf))


@pytest.mark.parametrize("sep", [None, "", ",", " - "])
@pytest.mark.parametrize("na_rep", [None, "NA"])
@pytest.mark.parametrize("npartitions", [1, 4])
def test_cat_joins_all_values(sep, na_rep, npartitions):
    pdf = sample()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    result = ddf.s.str.cat(sep=sep, na_rep=na_rep)
    assert result.compute() == pdf.s.str.cat(sep=sep, na_rep=na_rep)
    empty = ddf[ddf.n > 100].s.str.cat(sep=sep, na_rep=na_rep)
    assert empty.compute() == pdf[pdf.n > 100].s.str.cat(sep=sep, na_rep=na_rep)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.text("ab,- ", max_size=3)), max_size=12),
    npartitions=st.integers(1, 4),
    sep=st.sampled_from(["", ",", "--"]),
    na_rep=st.sampled_from([None, "", "?"]),
)
def test_cat_random(values, npartitions, sep, na_rep):
    ps = pd.Series(values, dtype="str", name="s")
    ds = dd.from_pandas(ps.to_frame(), npartitions=npartitions).s
    assert ds.str.cat(sep=sep, na_rep=na_rep).compute() == ps.str.cat(sep=sep, na_rep=na_rep)
    got = ds.str.cat(ds.str.upper(), sep=sep, na_rep=na_rep).compute()
    assert_series_equal(got, ps.str.cat(ps.str.upper(), sep=sep, na_rep=na_rep))


def test_cat_bad_input():
    pdf = sample()
    ddf = dd.from_pandas(pdf, npartitions=2)
    with pytest.raises(TypeError) as want:
        pdf.s.str.cat(pdf.n)
    with pytest.raises(TypeError, match="Concatenation requires list-likes") as got:
        ddf.s.str.cat(ddf.n)
    assert str(got.value) == str(want.value)
    with pytest.raises(ValueError, match="Did you mean to supply a `sep` keyword"):
        pdf.s.str.cat(",")
    with pytest.raises(ValueError, match="Did you mean to supply a `sep` keyword"):
        ddf.s.str.cat(",")
    with pytest.raises(NotImplementedError, match="ferrox Series over the same rows"):
        ddf.s.str.cat(pdf.t)
    with pytest.raises(TypeError, match="sep"):
        ddf.s.str.cat(ddf.t, sep=1)
