"""``drop_duplicates`` and ``Series.unique`` against pandas.

``Series.unique()`` returns a Series, as in Dask (pandas returns an array):
the reference is ``pd.Series(pandas_result.unique(), name=...)`` — the
distinct values in order of appearance with a new default index (Dask
restarts the index in every partition instead).
"""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal


def sample_frame(n: int = 50, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, n) / 2
    x[rng.random(n) < 0.2] = np.nan
    s = rng.choice(["a", "b", "élan"], n).astype(object)
    s[rng.random(n) < 0.15] = None
    return pd.DataFrame({"k": rng.integers(0, 4, n), "x": x, "s": pd.array(s, dtype="str")})


@pytest.mark.parametrize("npartitions", [1, 3, 9])
@pytest.mark.parametrize("keep", ["first", "last"])
@pytest.mark.parametrize("subset", [None, "k", ["k"], ["s", "x"], ["x", "k", "s"]])
def test_drop_duplicates(npartitions, keep, subset):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    result = ddf.drop_duplicates(subset=subset, keep=keep, split_every=2)
    assert result.npartitions == 1
    assert_frame_equal(result.compute(), pdf.drop_duplicates(subset=subset, keep=keep))


def test_drop_duplicates_ignore_index_and_named_index():
    pdf = sample_frame().set_index("s")
    ddf = dd.from_pandas(pdf, npartitions=4)
    assert_frame_equal(ddf.drop_duplicates().compute(), pdf.drop_duplicates())
    assert_frame_equal(
        ddf.drop_duplicates("k", ignore_index=True).compute(),
        pdf.drop_duplicates("k", ignore_index=True),
    )


@pytest.mark.parametrize("column", ["k", "x", "s"])
def test_series_unique_and_drop_duplicates(column):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=4)
    expected = pd.Series(pdf[column].unique(), name=column)
    assert_series_equal(ddf[column].unique().compute(), expected)
    for keep in ("first", "last"):
        assert_series_equal(
            ddf[column].drop_duplicates(keep=keep).compute(),
            pdf[column].drop_duplicates(keep=keep),
        )


@settings(max_examples=50, deadline=None)
@given(
    data=partitioned_frames({"a": "int", "x": "float", "s": "str"}),
    subset=st.sampled_from([None, ["a"], ["s"], ["x", "s"]]),
    keep=st.sampled_from(["first", "last"]),
)
def test_drop_duplicates_random(data, subset, keep):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    result = ddf.drop_duplicates(subset=subset, keep=keep, split_every=2).compute()
    assert_frame_equal(result, pdf.drop_duplicates(subset=subset, keep=keep))
    values = ddf.s.unique().compute()
    assert_series_equal(values, pd.Series(pdf.s.unique(), name="s", dtype=pdf.s.dtype))


def test_bad_input():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=2)
    with pytest.raises(KeyError):
        pdf.drop_duplicates(subset=["nope"])
    with pytest.raises(KeyError, match="nope"):
        ddf.drop_duplicates(subset=["nope"])
    with pytest.raises(ValueError) as expected:
        pdf.drop_duplicates(keep="middle")
    with pytest.raises(ValueError) as info:
        ddf.drop_duplicates(keep="middle")
    assert str(info.value) == str(expected.value)
