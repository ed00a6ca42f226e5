"""``set_index``, ``reset_index``, ``divisions`` and ``loc`` against pandas.

Like Dask, ``set_index`` sorts by the new index, so the reference is pandas'
``set_index(col).sort_index(kind="stable")`` (ties keep their order).
``loc[x]`` returns a DataFrame in Dask (and ferrox); the reference is
pandas' ``loc[[x]]``. ``reset_index`` gives the new default index of pandas
(global positions), not Dask's per-partition one.
"""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal


def sample_frame(n: int = 60, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n).round(2)
    x[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "k": rng.integers(0, 30, n),
            "x": x,
            "s": pd.array(rng.choice(["a", "b", "élan", "zz"], n), dtype="str"),
        }
    )


def check_divisions(ddf: dd.DataFrame, strict: bool = True) -> tuple:
    """The divisions are sorted and bound every partition's index (the
    upper bound excluded but for the last partition, if ``strict``)."""
    from ferrox import base

    divs = ddf.divisions
    assert len(divs) == ddf.npartitions + 1
    assert None not in divs
    assert list(divs) == sorted(divs)
    tables = base.compute_cores(ddf.__ferrox_cores__())
    for i, t in enumerate(tables):
        idx = t.column(0).to_pandas().dropna()
        if len(idx):
            assert idx.min() >= divs[i]
            closed = not strict or i == len(tables) - 1
            assert idx.max() <= divs[i + 1] if closed else idx.max() < divs[i + 1]
    return divs


@pytest.mark.parametrize("npartitions", [1, 4, 7])
@pytest.mark.parametrize("column", ["k", "s", "x"])
@pytest.mark.parametrize("drop", [True, False])
def test_set_index(npartitions, column, drop):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    result = ddf.set_index(column, drop=drop)
    assert result.npartitions == npartitions
    expected = pdf.set_index(column, drop=drop).sort_index(kind="stable")
    assert_frame_equal(result.compute(), expected)
    divs = check_divisions(result)
    assert divs[0] == pdf[column].min() and divs[-1] == pdf[column].max()


def test_set_index_sorted():
    pdf = sample_frame().sort_values("k", kind="stable").reset_index(drop=True)
    ddf = dd.from_pandas(pdf, npartitions=5)
    result = ddf.set_index("k", sorted=True)
    assert_frame_equal(result.compute(), pdf.set_index("k"))
    # from_pandas cuts by rows: a key may repeat across a boundary.
    divs = check_divisions(result, strict=False)
    assert divs[0] == pdf.k.min() and divs[-1] == pdf.k.max()


SERIES_KEYS = {
    "derived, named like a column": lambda f: f.k % 7,
    "renamed": lambda f: (f.x * 2).rename("y"),
    "unnamed": lambda f: (f.k - 3).rename(None),
    "text": lambda f: f.s.str.upper(),
}


@pytest.mark.parametrize("npartitions", [1, 4])
@pytest.mark.parametrize("key", list(SERIES_KEYS), ids=list(SERIES_KEYS))
@pytest.mark.parametrize("drop", [True, False])
def test_set_index_series(npartitions, key, drop):
    # A Series over the same rows becomes the index under its own name; a
    # column of the same name stays a column (``drop`` applies to columns).
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    make = SERIES_KEYS[key]
    result = ddf.set_index(make(ddf), drop=drop)
    expected = pdf.set_index(make(pdf), drop=drop).sort_index(kind="stable")
    assert_frame_equal(result.compute(), expected)
    assert list(result.columns) == list(expected.columns)
    check_divisions(result)


def test_set_index_series_sorted():
    pdf = sample_frame().sort_values("k", kind="stable").reset_index(drop=True)
    ddf = dd.from_pandas(pdf, npartitions=5)
    result = ddf.set_index((ddf.k * 2).rename("k2"), sorted=True)
    assert_frame_equal(result.compute(), pdf.set_index((pdf.k * 2).rename("k2")))


def test_set_index_rejects_arrays():
    ddf = dd.from_pandas(sample_frame(), npartitions=2)
    with pytest.raises(NotImplementedError, match="set_index with a pandas Series or an array"):
        ddf.set_index(np.arange(60))
    other = dd.from_pandas(sample_frame(), npartitions=3)
    with pytest.raises(ValueError, match="the operands do not have the same rows"):
        ddf.set_index(other.k).compute()


def test_set_index_sorted_rejects_unsorted_data():
    ddf = dd.from_pandas(pd.DataFrame({"k": [3, 4, 1, 2]}), npartitions=2)
    with pytest.raises(ValueError, match="sorted"):
        _ = ddf.set_index("k", sorted=True).divisions


def test_unknown_divisions():
    ddf = dd.from_pandas(sample_frame(), npartitions=3)
    assert ddf.divisions == (None,) * 4
    assert not ddf.known_divisions
    assert ddf.set_index("k").known_divisions
    # A sort by a column does not bound the index; a sort by the index does.
    assert not ddf.sort_values("k").known_divisions
    assert not ddf.set_index("k").reset_index().known_divisions
    assert ddf.set_index("s").reset_index().set_index("k").known_divisions
    # Row-wise steps keep the divisions.
    indexed = ddf.set_index("k")
    assert indexed[indexed.x > 0].divisions == indexed.divisions


@pytest.mark.parametrize("drop", [False, True])
def test_reset_index(drop):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=4)
    assert_frame_equal(ddf.reset_index(drop=drop).compute(), pdf.reset_index(drop=drop))
    indexed = ddf.set_index("s")
    expected = pdf.set_index("s").sort_index(kind="stable")
    assert_frame_equal(indexed.reset_index(drop=drop).compute(), expected.reset_index(drop=drop))
    filtered = ddf[ddf.x > 0]
    assert_frame_equal(
        filtered.reset_index(drop=drop).compute(), pdf[pdf.x > 0].reset_index(drop=drop)
    )
    assert_frame_equal(ddf.reset_index().reset_index().compute(), pdf.reset_index().reset_index())


def test_series_reset_index():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=3)
    s, ps = ddf[ddf.x > 0].x, pdf[pdf.x > 0].x
    assert_frame_equal(s.reset_index().compute(), ps.reset_index())
    pd.testing.assert_series_equal(s.reset_index(drop=True).compute(), ps.reset_index(drop=True))


LOCS = [
    slice(3, 12),
    slice(None, 7),
    slice(20, None),
    slice(-5, 2),
    slice(29, 100),
    slice(12, 3),
]


@pytest.mark.parametrize("key", LOCS)
def test_loc_slice(key):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=6).set_index("k")
    expected = pdf.set_index("k").sort_index(kind="stable").loc[key]
    result = ddf.loc[key]
    assert_frame_equal(result.compute(), expected)
    # Only the partitions the divisions allow are read.
    divs = ddf.divisions
    lo = -np.inf if key.start is None else key.start
    hi = np.inf if key.stop is None else key.stop
    can_hold = [i for i in range(6) if divs[i] <= hi and (divs[i + 1] >= lo)]
    assert result.npartitions <= max(1, len(can_hold))


def test_loc_label():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=6).set_index("k")
    expected_all = pdf.set_index("k").sort_index(kind="stable")
    for label in sorted(set(pdf.k))[::4]:
        result = ddf.loc[label]
        assert result.npartitions <= 2
        assert_frame_equal(result.compute(), expected_all.loc[[label]])
    assert len(ddf.loc[1000].compute()) == 0
    # Sorted data cut by rows: labels repeated across partitions are found.
    psorted = pdf.sort_values("k", kind="stable").reset_index(drop=True)
    ssorted = dd.from_pandas(psorted, npartitions=7).set_index("k", sorted=True)
    for label in sorted(set(pdf.k)):
        assert_frame_equal(ssorted.loc[label].compute(), psorted.set_index("k").loc[[label]])


def test_loc_with_columns_and_masks():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=4)
    assert_frame_equal(ddf.loc[ddf.x > 0].compute(), pdf.loc[pdf.x > 0])
    assert_frame_equal(ddf.loc[ddf.x > 0, ["s"]].compute(), pdf.loc[pdf.x > 0, ["s"]])
    indexed, pindexed = ddf.set_index("s"), pdf.set_index("s").sort_index(kind="stable")
    assert_frame_equal(indexed.loc["b":"zz", ["x"]].compute(), pindexed.loc["b":"zz", ["x"]])
    # A default index: labels are positions.
    assert_frame_equal(ddf.loc[10:20].compute(), pdf.loc[10:20])


def test_loc_on_unknown_divisions_reads_everything():
    pdf = sample_frame().set_index("k")
    ddf = dd.from_pandas(pdf, npartitions=3)
    result = ddf.loc[5:10]
    assert result.npartitions == 3
    expected = pdf[(pdf.index >= 5) & (pdf.index <= 10)]
    assert_frame_equal(result.compute(), expected)


@settings(max_examples=40, deadline=None)
@given(
    data=partitioned_frames({"a": "int", "x": "float", "s": "str"}, missing=False),
    column=st.sampled_from(["a", "s"]),
    bounds=st.tuples(st.integers(-5, 5), st.integers(-5, 5)),
)
def test_set_index_and_loc_random(data, column, bounds):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    result = ddf.set_index(column)
    expected = pdf.set_index(column).sort_index(kind="stable")
    assert_frame_equal(result.compute(), expected)
    if len(pdf):
        check_divisions(result)
    if column == "a":
        lo, hi = bounds
        assert_frame_equal(result.loc[lo:hi].compute(), expected.loc[lo:hi])


def test_bad_input():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=2)
    with pytest.raises(KeyError) as expected:
        pdf.set_index("nope")
    with pytest.raises(KeyError) as info:
        ddf.set_index("nope")
    assert str(info.value) == str(expected.value)
    with pytest.raises(ValueError) as expected:
        pdf.set_index("s", drop=False).reset_index()
    with pytest.raises(ValueError) as info:
        ddf.set_index("s", drop=False).reset_index()
    assert str(info.value) == str(expected.value)


def test_datetime_index():
    pdf = pd.DataFrame(
        {
            "t": pd.to_datetime(
                ["2021-03-01", "2020-01-01", "2022-05-05", "2020-07-04", "2021-01-01"]
            ),
            "v": [1, 2, 3, 4, 5],
        }
    )
    ddf = dd.from_pandas(pdf, npartitions=3).set_index("t")
    expected = pdf.set_index("t").sort_index()
    assert_frame_equal(ddf.compute(), expected)
    assert ddf.divisions[0] == pdf.t.min() and ddf.divisions[-1] == pdf.t.max()
    for lo, hi in [("2020-06-01", "2022-01-01"), (pd.Timestamp("2021-01-01"), None)]:
        assert_frame_equal(ddf.loc[lo:hi].compute(), expected.loc[lo:hi])


def test_csv_frames(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(12)
    parts = [pd.DataFrame({"k": rng.integers(0, 9, n), "x": rng.normal(size=n)}) for n in (7, 1, 9)]
    paths = write_csvs(tmp_path, parts)
    pdf, ddf = read_pandas(paths), dd.read_csv(paths)
    indexed = ddf.set_index("k")
    expected = pdf.set_index("k").sort_index(kind="stable")
    assert_frame_equal(indexed.compute(), expected)
    assert_frame_equal(indexed.loc[2:5].compute(), expected.loc[2:5])
    assert_frame_equal(ddf.sort_values("x").head(3), pdf.sort_values("x").head(3))
    assert len(ddf.sort_values("x")) == len(pdf)


def test_series_loc():
    ps = pd.Series([3, 1, 2, 5], name="x")
    s = dd.from_pandas(ps, npartitions=2)
    pd.testing.assert_series_equal(s.loc[1:2].compute(), ps.loc[1:2])
    pd.testing.assert_series_equal(s.loc[s > 1].compute(), ps.loc[ps > 1])


def test_loc_list_of_labels():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=6).set_index("k")
    expected = pdf.set_index("k").sort_index(kind="stable")
    labels = sorted(set(pdf.k))[1:8:3]
    result = ddf.loc[labels[::-1]]
    assert result.npartitions < 6
    # In index order, as Dask (pandas follows the order of the list).
    assert_frame_equal(result.compute(), expected.loc[labels])
    assert_frame_equal(ddf.loc[labels, ["x"]].compute(), expected.loc[labels, ["x"]])
    assert len(ddf.loc[[1000, 2000]].compute()) == 0
