"""``DataFrame.memory_usage`` / ``Series.memory_usage`` against pandas'
on the same data.

The reference is pandas' ``memory_usage`` of the frame ferrox computes:
for NumPy columns and for text columns without missing values it is also
pandas' number for the original frame. Two things depend on how the frame
is cut (checked against the computed frame, and pinned by a strict xfail
against the original): a text column with missing values has one validity
bitmap per partition (``⌈n / 8⌉`` bytes each) where pandas' own column has
one; and Dask sums the partitions' index sizes (a ``RangeIndex`` each),
where ferrox reports the one ``RangeIndex`` of the computed frame, as
pandas does.
"""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings


def sample_frame(n: int = 40, text_holes: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(8)
    f = rng.normal(size=n)
    f[5] = np.nan
    s = rng.choice(["a", "bé", "", "longer text"], n).astype(object)
    if text_holes:
        s[[3, 20]] = None
    return pd.DataFrame(
        {
            "f": f,
            "f32": f.astype(np.float32),
            "i": np.arange(n),
            "r": rng.permutation(n),
            "i8": np.arange(n, dtype=np.int8),
            "u16": np.arange(n, dtype=np.uint16),
            "b": rng.random(n) < 0.5,
            "s": pd.array(s, dtype="str"),
            "t": pd.date_range("2020-01-01", periods=n, freq="h"),
            "d": pd.to_timedelta(np.arange(n), unit="s"),
        }
    )


@pytest.mark.parametrize("npartitions", [1, 3, 11])
@pytest.mark.parametrize("index", [True, False])
@pytest.mark.parametrize("deep", [False, True])
def test_memory_usage(npartitions, index, deep):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    assert_eq(ddf.memory_usage(index=index, deep=deep), pdf.memory_usage(index=index, deep=deep))
    for c in pdf.columns:
        assert_eq(
            ddf[c].memory_usage(index=index, deep=deep),
            pdf[c].memory_usage(index=index, deep=deep),
        )


@pytest.mark.parametrize("npartitions", [1, 4])
def test_memory_usage_of_indexed(npartitions):
    pdf = sample_frame()
    for key in ("t", "i", "r", "s"):
        indexed = pdf.set_index(key)
        dindexed = dd.from_pandas(indexed, npartitions=npartitions)
        assert_eq(dindexed.memory_usage(), indexed.memory_usage())
        assert_eq(dindexed.f.memory_usage(), indexed.f.memory_usage())


@pytest.mark.parametrize("npartitions", [1, 4])
def test_memory_usage_of_filtered(npartitions):
    """Against the computed frame (pandas' own filtered frame: see the next
    test). An integer index that is an arithmetic progression (every third
    row) is a ``RangeIndex`` in pandas, as after ``set_index``."""
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    for mask in (lambda d: d.i % 3 == 0, lambda d: d.i > 100, lambda d: d.f > 0):
        result = ddf[mask(ddf)]
        for index in (True, False):
            assert_eq(result.memory_usage(index=index), result.compute().memory_usage(index=index))
            # NumPy columns and the index: pandas' own numbers.
            assert_eq(
                result[["f", "i", "t"]].memory_usage(index=index),
                pdf[mask(pdf)][["f", "i", "t"]].memory_usage(index=index),
            )


@pytest.mark.xfail(
    strict=True,
    reason="pandas' filtered text columns carry a validity bitmap (⌈n / 8⌉ bytes) even "
    "without missing values; the computed frame's text chunks have none",
)
def test_memory_usage_of_filtered_vs_pandas():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=4)
    assert_eq(ddf[ddf.i % 3 == 0].memory_usage(), pdf[pdf.i % 3 == 0].memory_usage())


@pytest.mark.parametrize("deep", [False, True])
def test_memory_usage_of_missing_values(deep):
    """Integer and boolean columns with a missing value: float64 and object
    columns in pandas, whatever partition the missing value is in."""
    pdf = pd.DataFrame({"k": np.arange(12), "v": np.arange(12) % 2 == 0})
    ddf = dd.from_pandas(pdf, npartitions=3)
    right = dd.from_pandas(pd.DataFrame({"k": [0, 1, 2], "w": [7, 8, 9]}), npartitions=1)
    joined = ddf.merge(right, on="k", how="left")
    expected = pdf.merge(right.compute(), on="k", how="left")
    assert_eq(joined.memory_usage(deep=deep), joined.compute().memory_usage(deep=deep))
    assert_eq(
        joined.memory_usage(deep=deep, index=False), expected.memory_usage(deep=deep, index=False)
    )
    holes = ddf.v.where(ddf.k > 4, None)
    assert_eq(holes.memory_usage(deep=deep), holes.compute().memory_usage(deep=deep))


@pytest.mark.parametrize("npartitions", [1, 3])
def test_memory_usage_of_text_with_missing_values(npartitions):
    pdf = sample_frame(text_holes=True)
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    assert_eq(ddf.s.memory_usage(), ddf.s.compute().memory_usage())
    assert_eq(ddf.memory_usage(), ddf.compute().memory_usage())


@pytest.mark.xfail(strict=True, reason="one validity bitmap per partition, ⌈n / 8⌉ bytes each")
def test_memory_usage_of_text_with_missing_values_vs_original():
    pdf = sample_frame(text_holes=True)
    ddf = dd.from_pandas(pdf, npartitions=3)
    assert_eq(ddf.s.memory_usage(index=False), pdf.s.memory_usage(index=False))


def test_memory_usage_index_is_one_range_index():
    """pandas' (and ferrox's) default index is one ``RangeIndex``; Dask adds
    the ``RangeIndex`` of every partition."""
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=5)
    assert ddf.memory_usage().compute()["Index"] == pdf.memory_usage()["Index"]
    parts = sum(
        pdf.iloc[a : a + 8].reset_index(drop=True).memory_usage()["Index"] for a in range(0, 40, 8)
    )
    assert ddf.memory_usage().compute()["Index"] != parts


def test_memory_usage_unsupported():
    pdf = pd.DataFrame(
        {"s": pd.array(["a b", "c"], dtype="str")},
        index=pd.MultiIndex.from_tuples([(1, 2), (3, 4)]),
    )
    ddf = dd.from_pandas(pdf, npartitions=1)
    with pytest.raises(NotImplementedError, match="MultiIndex"):
        ddf.memory_usage()
    assert_eq(ddf.memory_usage(index=False), pdf.memory_usage(index=False))
    times = dd.from_pandas(pd.DataFrame({"t": pd.date_range("2020", periods=3)}), npartitions=1)
    with pytest.raises(TypeError, match="object column"):
        times.t.dt.date.memory_usage()


@pytest.mark.parametrize(
    "index",
    [
        pd.RangeIndex(3, 3 + 7 * 20, 7),
        pd.RangeIndex(50, 10, -2),
        pd.Index(np.r_[np.arange(10), np.arange(11, 21)]),
        pd.Index(np.zeros(20, dtype=np.int64)),
        pd.Index(np.arange(20, dtype=np.int32)),
    ],
    ids=["range", "descending", "gap", "constant", "int32"],
)
@pytest.mark.parametrize("npartitions", [1, 3, 20])
def test_memory_usage_of_integer_index(index, npartitions):
    """An integer index is a ``RangeIndex`` in the computed frame when it is
    an arithmetic progression across all partitions."""
    pdf = pd.DataFrame({"x": np.arange(len(index), dtype=np.float64)}, index=index.rename("k"))
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    assert_eq(ddf.memory_usage(), ddf.compute().memory_usage())
    flat = pd.DataFrame({"k": index.to_numpy(), "x": pdf.x.to_numpy()})
    assert_eq(ddf.memory_usage(), flat.set_index("k").memory_usage())
    assert_eq(ddf.x.memory_usage(), ddf.x.compute().memory_usage())


@settings(max_examples=40, deadline=None)
@given(partitioned_frames({"a": "int", "x": "float"}, missing=False, max_rows=8))
def test_random_memory_usage_of_integer_index(data):
    pdf, sizes = data
    indexed = pdf.set_index("a")
    ddf = frame_from_partitions(indexed, sizes)
    assert_eq(ddf.memory_usage(), ddf.compute().memory_usage())
    assert_eq(ddf.memory_usage(), indexed.memory_usage())


@settings(max_examples=40, deadline=None)
@given(partitioned_frames({"a": "int", "x": "float", "s": "str", "b": "bool"}, missing=False))
def test_random_memory_usage(data):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    for index in (True, False):
        assert_eq(ddf.memory_usage(index=index), pdf.memory_usage(index=index))
        assert_eq(ddf.s.memory_usage(index=index), pdf.s.memory_usage(index=index))
