"""``concat`` and ``repartition`` against pandas."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal


def frames() -> list[pd.DataFrame]:
    rng = np.random.default_rng(9)
    a = pd.DataFrame(
        {
            "i": rng.integers(0, 9, 7),
            "x": rng.normal(size=7),
            "s": pd.array(list("abcdefg"), dtype="str"),
        }
    )
    b = pd.DataFrame({"x": [1.5, np.nan], "i": [3, 4], "t": pd.array(["u", None], dtype="str")})
    c = pd.DataFrame({"s": pd.array(["z"], dtype="str"), "i": [1.5]})
    return [a, b, c]


@pytest.mark.parametrize("ignore_index", [False, True])
@pytest.mark.parametrize("parts", [(1, 1, 1), (3, 2, 1)])
def test_concat_rows(ignore_index, parts):
    pdfs = frames()
    ddfs = [dd.from_pandas(p, npartitions=n) for p, n in zip(pdfs, parts, strict=True)]
    result = dd.concat(ddfs, ignore_index=ignore_index)
    assert result.npartitions == sum(parts)
    expected = pd.concat(pdfs, ignore_index=ignore_index)
    assert_frame_equal(result.compute(), expected)
    assert list(result.columns) == list(expected.columns)
    assert list(result.dtypes) == list(expected.dtypes)


def test_concat_same_columns_and_named_indexes():
    a, b, _ = frames()
    pa_, pb = a[["x", "i"]].set_index("i"), b[["x", "i"]].set_index("i")
    result = dd.concat([dd.from_pandas(pa_, npartitions=2), dd.from_pandas(pb)])
    assert_frame_equal(result.compute(), pd.concat([pa_, pb]))


def test_concat_series():
    a, b, _ = frames()
    result = dd.concat([dd.from_pandas(a, npartitions=2).x, dd.from_pandas(b).x])
    assert_series_equal(result.compute(), pd.concat([a.x, b.x]))


def test_concat_columns():
    a, _, _ = frames()
    ddf = dd.from_pandas(a, npartitions=3)
    result = dd.concat([ddf[["x"]], ddf.s, ddf[["i"]] * 2], axis=1)
    expected = pd.concat([a[["x"]], a.s, a[["i"]] * 2], axis=1)
    assert_frame_equal(result.compute(), expected)


@settings(max_examples=40, deadline=None)
@given(
    first=partitioned_frames({"a": "int", "x": "float", "s": "str"}, max_rows=12),
    second=partitioned_frames({"x": "float", "a": "int"}, max_rows=12),
    ignore_index=st.booleans(),
)
def test_concat_random(first, second, ignore_index):
    (p1, s1), (p2, s2) = first, second
    result = dd.concat(
        [frame_from_partitions(p1, s1), frame_from_partitions(p2, s2)], ignore_index=ignore_index
    )
    assert result.npartitions == len(s1) + len(s2)
    got = result.compute()
    if len(p1) and len(p2):
        assert_frame_equal(got, pd.concat([p1, p2], ignore_index=ignore_index))
    else:
        # pandas 3 makes every column object when a frame without rows takes
        # part; the partitioned result keeps the dtypes, as Dask does.
        expected = pd.concat([p1 if len(p1) else p2], ignore_index=ignore_index)
        expected = expected.reindex(columns=["a", "x", "s"])
        assert_frame_equal(got, expected, check_dtype=False, check_index_type=False)
    assert list(got.columns) == ["a", "x", "s"]


@pytest.mark.parametrize("nin", [1, 3, 7])
@pytest.mark.parametrize("nout", [1, 2, 5, 10])
def test_repartition(nin, nout):
    pdf = frames()[0]
    ddf = dd.from_pandas(pdf, npartitions=nin)
    result = ddf.repartition(npartitions=nout)
    assert result.npartitions == nout
    assert_frame_equal(result.compute(), pdf)
    assert_frame_equal(result[result.x > 0].compute(), pdf[pdf.x > 0])
    assert_series_equal(ddf.x.repartition(npartitions=nout).compute(), pdf.x)


@settings(max_examples=30, deadline=None)
@given(
    data=partitioned_frames({"a": "int", "s": "str"}),
    nout=st.integers(1, 8),
)
def test_repartition_random(data, nout):
    pdf, sizes = data
    result = frame_from_partitions(pdf, sizes).repartition(npartitions=nout)
    assert result.npartitions == nout
    assert_frame_equal(result.compute(), pdf)


def test_bad_input():
    a = frames()[0]
    ddf = dd.from_pandas(a)
    for call in (
        lambda m, x: m.concat([]),
        lambda m, x: m.concat([x, x], axis=2),
    ):
        with pytest.raises(ValueError) as expected:
            call(pd, a)
        with pytest.raises(ValueError) as info:
            call(dd, ddf)
        assert str(info.value) == str(expected.value)
    with pytest.raises(TypeError):
        pd.concat(a)
    with pytest.raises(TypeError):
        dd.concat(ddf)
    with pytest.raises(ValueError):
        ddf.repartition(npartitions=0)


def test_concat_columns_of_frames_cut_alike():
    rng = np.random.default_rng(13)
    a = pd.DataFrame({"x": rng.normal(size=9)})
    b = pd.DataFrame({"y": rng.integers(0, 5, 9), "s": pd.array(list("abcdefghi"), dtype="str")})
    da, db = dd.from_pandas(a, npartitions=3), dd.from_pandas(b, npartitions=3)
    result = dd.concat([da, db, db.y.rename("z")], axis=1)
    assert result.npartitions == 3
    expected = pd.concat([a, b, b.y.rename("z")], axis=1)
    assert_frame_equal(result.compute(), expected)
    # Named indexes are checked to agree.
    ai, bi = a.set_axis(pd.Index(range(10, 19), name="i")), b.set_axis(pd.Index(range(9), name="i"))
    bad = dd.concat([dd.from_pandas(ai, npartitions=3), dd.from_pandas(bi, npartitions=3)], axis=1)
    with pytest.raises(ValueError, match="same index values"):
        bad.compute()
    good = dd.concat(
        [dd.from_pandas(ai, npartitions=3), dd.from_pandas(b.set_axis(ai.index), npartitions=3)],
        axis=1,
    )
    assert_frame_equal(good.compute(), pd.concat([ai, b.set_axis(ai.index)], axis=1))
    with pytest.raises(ValueError, match="same number of partitions"):
        dd.concat([da, dd.from_pandas(b, npartitions=2)], axis=1)
