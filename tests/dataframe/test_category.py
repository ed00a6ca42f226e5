"""``astype("category")`` and ``select_dtypes`` against pandas.

pandas infers a categorical's categories from the whole column (its
distinct values, sorted); ferrox computes them with one tree reduction and
casts every partition to the same categories, so the computed column equals
pandas' — categories, their order and dtype, codes. Until computed the
categories are unknown (``CategoricalDtype(categories=None)``), as Dask's.
Only text columns can be made categorical so far.
"""

from __future__ import annotations

import re

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings


def sample_frame(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(4)
    s = rng.choice(["b", "a", "é", "B", "", "c d"], n).astype(object)
    s[[2, 17]] = None
    f = rng.normal(size=n)
    f[4] = np.nan
    return pd.DataFrame(
        {
            "s": pd.array(s, dtype="str"),
            "k": pd.array(rng.choice(["x", "y"], n), dtype="str"),
            "f": f,
            "i": np.arange(n),
            "b": rng.random(n) < 0.5,
            "t": pd.date_range("2020-01-01", periods=n, freq="D"),
        }
    )


@pytest.mark.parametrize("npartitions", [1, 3, 11])
def test_series_astype_category(npartitions):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    assert_eq(ddf.s.astype("category"), pdf.s.astype("category"))
    assert_eq(ddf.k.astype(pd.CategoricalDtype()), pdf.k.astype(pd.CategoricalDtype()))
    assert ddf.s.astype("category").dtype == "category"


@pytest.mark.parametrize("npartitions", [1, 4])
def test_frame_astype_category(npartitions):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    assert_eq(ddf.astype({"s": "category"}), pdf.astype({"s": "category"}))
    assert_eq(
        ddf.astype({"s": "category", "k": "category", "i": "float64"}),
        pdf.astype({"s": "category", "k": "category", "i": "float64"}),
    )
    assert_eq(ddf[["s", "k"]].astype("category"), pdf[["s", "k"]].astype("category"))


def test_astype_category_categories_from_the_whole_column():
    """A category in one partition only is a category of every partition."""
    pdf = pd.DataFrame({"s": pd.array(["z", "z", "a", "m", "z", "b"], dtype="str")})
    ddf = dd.from_pandas(pdf, npartitions=3)
    result = ddf.s.astype("category")
    assert_eq(result, pdf.s.astype("category"))
    expected = pdf.s.astype("category").cat.categories
    for part in result.to_delayed():
        pd.testing.assert_index_equal(part.compute().cat.categories, expected)


def test_astype_category_of_filtered_and_projected():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=4)
    cat, pcat = ddf.astype({"s": "category"}), pdf.astype({"s": "category"})
    assert_eq(cat[cat.i > 10], pcat[pcat.i > 10])
    assert_eq(cat[["i", "f"]], pcat[["i", "f"]])
    assert_eq(cat.s, pcat.s)


def test_astype_category_unsupported():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=2)
    with pytest.raises(TypeError, match="only text columns"):
        ddf.i.astype("category")
    with pytest.raises(NotImplementedError, match="categories=..."):
        ddf.s.astype(pd.CategoricalDtype(["a", "b"]))
    with pytest.raises(KeyError, match="'nope' not found in columns") as expected:
        pdf.astype({"nope": "category"})
    with pytest.raises(KeyError, match=str(expected.value)[1:-1]):
        ddf.astype({"nope": "category"})


@settings(max_examples=40, deadline=None)
@given(partitioned_frames({"s": "str", "a": "int"}))
def test_random_astype_category(data):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    assert_eq(ddf.s.astype("category"), pdf.s.astype("category"))
    assert_eq(ddf.astype({"s": "category"}), pdf.astype({"s": "category"}))


# --- select_dtypes ----------------------------------------------------------------

SELECTIONS = [
    {"include": "number"},
    {"exclude": "number"},
    {"include": ["float64", "str"]},
    {"include": "bool"},
    {"include": ["datetime"]},
    {"exclude": ["int64", "bool"]},
    {"include": np.number, "exclude": "float"},
    {"include": "category"},
]


@pytest.mark.parametrize("kwargs", SELECTIONS, ids=str)
def test_select_dtypes(kwargs):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=3)
    assert_eq(ddf.select_dtypes(**kwargs), pdf.select_dtypes(**kwargs))
    cat, pcat = ddf.astype({"k": "category"}), pdf.astype({"k": "category"})
    assert_eq(cat.select_dtypes(**kwargs), pcat.select_dtypes(**kwargs))


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"include": "number", "exclude": "number"}, {"include": "nope"}],
    ids=str,
)
def test_select_dtypes_errors(kwargs):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=2)
    with pytest.raises((ValueError, TypeError)) as expected:
        pdf.select_dtypes(**kwargs)
    with pytest.raises(expected.type, match=re.escape(str(expected.value))):
        ddf.select_dtypes(**kwargs)
