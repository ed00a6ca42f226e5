"""``DataFrame.tail`` / ``Series.tail`` against pandas' ``tail``.

As in Dask, the rows come from the last partition; when it has fewer than
``n`` rows, the last 2, 4, … partitions are read until there are enough,
so the result is pandas' (Dask returns the shorter tail of the last
partition). Earlier partitions are never computed.
"""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal


def sample_frame(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    f = rng.normal(size=n)
    f[-2] = np.nan
    s = rng.choice(["a", "bé", ""], n).astype(object)
    s[-1] = None
    return pd.DataFrame(
        {
            "f": f,
            "i": np.arange(n),
            "s": pd.array(s, dtype="str"),
            "t": pd.date_range("2020-01-01", periods=n, freq="D"),
        }
    )


@pytest.mark.parametrize("npartitions", [1, 4, 7])
@pytest.mark.parametrize("n", [0, 1, 3, 5, 9, 30, 50])
def test_tail(npartitions, n):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    assert_frame_equal(ddf.tail(n), pdf.tail(n))
    assert_series_equal(ddf.s.tail(n), pdf.s.tail(n))
    assert_series_equal(ddf.f.tail(n), pdf.f.tail(n))


def test_tail_default_and_lazy():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=4)
    assert_frame_equal(ddf.tail(), pdf.tail())
    lazy = ddf.tail(3, compute=False)
    assert lazy.npartitions == 1
    assert_eq(lazy, pdf.tail(3))
    assert_eq(ddf[["s", "f"]].tail(4, compute=False), pdf[["s", "f"]].tail(4))


def test_tail_of_filtered_and_indexed():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=5)
    assert_frame_equal(ddf[ddf.i % 3 == 0].tail(4), pdf[pdf.i % 3 == 0].tail(4))
    indexed = pdf.set_index("s")
    dindexed = dd.from_pandas(indexed, npartitions=5)
    assert_frame_equal(dindexed.tail(8), indexed.tail(8))
    assert_frame_equal(ddf[ddf.i > 100].tail(3), pdf[pdf.i > 100].tail(3))


def _failing_before(last: int):
    """A function for ``map_partitions`` that fails on partitions whose
    first ``i`` is before ``last`` (so computing them raises)."""

    def f(part: pd.DataFrame) -> pd.DataFrame:
        if len(part) and part.i.iloc[0] < last:
            raise RuntimeError("an earlier partition was computed")
        return part

    return f


def test_tail_reads_only_the_last_partitions():
    pdf = sample_frame().set_index("t")
    ddf = dd.from_pandas(pdf, npartitions=5)  # partitions of 6 rows
    last_start = int(pdf.i.iloc[24])
    guarded = ddf.map_partitions(_failing_before(last_start), meta=pdf.iloc[:0])
    assert_frame_equal(guarded.tail(6), pdf.tail(6))
    # Reading more rows than the last partition has needs the one before.
    with pytest.raises(RuntimeError, match="earlier partition"):
        guarded.tail(7)
    needed = ddf.map_partitions(_failing_before(int(pdf.i.iloc[18])), meta=pdf.iloc[:0])
    assert_frame_equal(needed.tail(12), pdf.tail(12))


def test_tail_graph_has_only_the_last_partition():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=6)
    one = ddf.tail(2, compute=False)
    reads = [k for k in one.dask if isinstance(k, tuple) and "chunk" in str(k[0])]
    assert [k[1] for k in reads] == [5]


def test_tail_bad_n():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=2)
    with pytest.raises(TypeError, match="`n` must be an integer"):
        ddf.tail("3")
    with pytest.raises(NotImplementedError, match="negative"):
        ddf.tail(-1)


@settings(max_examples=40, deadline=None)
@given(data=partitioned_frames({"a": "int", "x": "float", "s": "str"}), n=st.integers(0, 30))
def test_random_tail(data, n):
    """Empty and one-row partitions, the last ones among them."""
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    assert_frame_equal(ddf.tail(n), pdf.tail(n))
    assert_series_equal(ddf.x.tail(n), pdf.x.tail(n))
