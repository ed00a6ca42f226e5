"""``map_partitions``, ``apply(axis=1)``, ``from_delayed``, ``to_delayed``
and ``from_array`` against pandas: a function mapped over the partitions
must give what it gives on each pandas partition, concatenated."""

from __future__ import annotations

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox import delayed
from pandas.testing import assert_frame_equal, assert_series_equal


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    value = rng.normal(size=23)
    value[::4] = np.nan
    return pd.DataFrame(
        {
            "x": rng.integers(0, 10, 23),
            "value": value,
            "name": pd.array(rng.choice(["a", "b", None], 23), dtype="str"),
        }
    )


def pieces(frame: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    """The row ranges ``from_pandas(frame, npartitions=n)`` makes."""
    bounds = [round(i * len(frame) / n) for i in range(n + 1)]
    return [frame.iloc[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def add_column(df: pd.DataFrame, k: int = 1) -> pd.DataFrame:
    return df.assign(y=df.x * k + df.value)


@pytest.mark.parametrize("npartitions", [1, 3, 23])
def test_map_partitions_frame(frame, npartitions):
    ddf = dd.from_pandas(frame, npartitions=npartitions)
    result = ddf.map_partitions(add_column, 3)
    expected = add_column(frame, 3)
    assert list(result.columns) == list(expected.columns)
    assert_series_equal(result.dtypes, expected.dtypes)
    assert_frame_equal(result.compute(), expected)
    # Native steps after it: a filter and a group-by.
    assert_series_equal(
        result[result.y > 2].groupby("name")["y"].sum().compute(),
        expected[expected.y > 2].groupby("name")["y"].sum(),
    )


def test_map_partitions_sees_each_partition_with_its_index(frame):
    ddf = dd.from_pandas(frame, npartitions=4)
    result = ddf[ddf.x > 3].map_partitions(lambda p: p.assign(first=p.index.min()))
    parts = [p[p.x > 3] for p in pieces(frame, 4)]
    expected = pd.concat([p.assign(first=p.index.min()) for p in parts])
    assert_frame_equal(result.compute(), expected, check_dtype=False)


def test_map_partitions_to_series_with_meta(frame):
    ddf = dd.from_pandas(frame, npartitions=3)
    result = ddf.map_partitions(lambda p: p.x * 2.5, meta=("x", "float64"))
    assert_series_equal(result.compute(), frame.x * 2.5)
    result = ddf.map_partitions(lambda p: p.x + 1, meta=pd.Series([], dtype="int64", name="x"))
    assert_series_equal(result.compute(), frame.x + 1)


def test_map_partitions_meta_as_dict_casts(frame):
    ddf = dd.from_pandas(frame, npartitions=3)
    result = ddf.map_partitions(lambda p: p[["x"]], meta={"x": "float64"})
    assert_frame_equal(result.compute(), frame[["x"]].astype("float64"))


def test_map_partitions_changing_the_index(frame):
    ddf = dd.from_pandas(frame, npartitions=3)
    result = ddf.map_partitions(lambda p: p.reset_index(drop=True))
    expected = pd.concat([p.reset_index(drop=True) for p in pieces(frame, 3)])
    assert_frame_equal(result.compute(), expected)


def test_map_partitions_with_a_delayed_argument(frame):
    ddf = dd.from_pandas(frame, npartitions=2)
    k = delayed(lambda: 10)()
    result = ddf.map_partitions(add_column, k=k, meta=add_column(frame.iloc[:0]))
    assert_frame_equal(result.compute(), add_column(frame, 10))


def test_series_map_partitions(frame):
    s = dd.from_pandas(frame, npartitions=3)["value"]
    assert_series_equal(
        s.map_partitions(lambda p: p.fillna(0) ** 2).compute(), frame.value.fillna(0) ** 2
    )
    assert_series_equal(dd.map_partitions(lambda p: p.abs(), s).compute(), frame.value.abs())


def test_map_partitions_of_a_csv(tmp_path, write_csvs, read_pandas, frame):
    paths = write_csvs(tmp_path, pieces(frame, 3))
    expected = read_pandas(paths)
    ddf = dd.read_csv(paths)
    assert_frame_equal(ddf.map_partitions(add_column).compute(), add_column(expected))


def test_map_partitions_wrong_meta(frame):
    ddf = dd.from_pandas(frame, npartitions=2)
    result = ddf.map_partitions(lambda p: p[["x"]], meta={"nope": "int64"})
    with pytest.raises(ValueError, match="nope"):
        result.compute()
    with pytest.raises(ValueError, match="Series"):
        ddf.map_partitions(lambda p: p.x, meta=frame).compute()


def test_map_partitions_bad_function(frame):
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(TypeError, match="callable"):
        ddf.map_partitions(42)
    with pytest.raises(ValueError, match="meta"):
        ddf.map_partitions(lambda p: p["missing"])
    with pytest.raises(NotImplementedError, match="DataFrame"):
        ddf.map_partitions(lambda p: p, ddf)


def test_map_partitions_error_is_the_functions(frame):
    ddf = dd.from_pandas(frame, npartitions=2)

    def fail(p: pd.DataFrame) -> pd.DataFrame:
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError, match="boom"):
        ddf.map_partitions(fail, meta=frame).compute()


def test_apply_rows(frame):
    ddf = dd.from_pandas(frame, npartitions=3)

    def f(row: pd.Series) -> float:
        return row["x"] * 2 + (0 if pd.isna(row["value"]) else row["value"])

    expected = frame.apply(f, axis=1)
    assert_series_equal(ddf.apply(f, axis=1, meta=(None, "float64")).compute(), expected)
    assert_series_equal(ddf.apply(f, axis=1).compute(), expected)
    with pytest.raises(NotImplementedError, match="axis=1"):
        ddf.apply(f)


# --- from_delayed / to_delayed ----------------------------------------------------


def test_from_delayed(frame):
    parts = pieces(frame, 4)
    dfs = [delayed(lambda p: p.copy())(p) for p in parts]
    ddf = dd.from_delayed(dfs, meta=frame.iloc[:0])
    assert ddf.npartitions == 4
    assert_series_equal(ddf.dtypes, frame.dtypes)
    assert_frame_equal(ddf.compute(), frame)
    assert len(ddf) == len(frame)
    assert_series_equal(ddf.groupby("name").x.sum().compute(), frame.groupby("name").x.sum())
    # Without meta, the first partition is computed to find it (as in Dask).
    assert_frame_equal(dd.from_delayed(dfs).compute(), frame)


def test_from_delayed_series_and_bad_input(frame):
    dfs = [delayed(lambda p: p.value)(p) for p in pieces(frame, 2)]
    assert_series_equal(dd.from_delayed(dfs, meta=("value", "float64")).compute(), frame.value)
    with pytest.raises(TypeError, match="Delayed"):
        dd.from_delayed([frame])
    with pytest.raises(ValueError, match="at least one"):
        dd.from_delayed([])


def test_from_delayed_wrong_meta(frame):
    dfs = [delayed(lambda p: p)(p) for p in pieces(frame, 2)]
    with pytest.raises(ValueError, match="meta"):
        dd.from_delayed(dfs, meta={"other": "int64"}).compute()


def test_to_delayed_round_trip(frame):
    ddf = dd.from_pandas(frame, npartitions=3)
    parts = ddf.to_delayed()
    assert len(parts) == 3
    for got, want in zip(parts, pieces(frame, 3), strict=True):
        assert_frame_equal(got.compute(), want)
    assert_frame_equal(dd.from_delayed(parts, meta=frame.iloc[:0]).compute(), frame)
    s_parts = ddf["value"].to_delayed()
    assert_series_equal(s_parts[1].compute(), pieces(frame, 3)[1]["value"])


# --- from_array ------------------------------------------------------------------


def test_from_array_2d_and_1d():
    arr = np.arange(30.0).reshape(10, 3)
    ddf = dd.from_array(arr, chunksize=4, columns=["a", "b", "c"])
    assert ddf.npartitions == 3
    assert_frame_equal(ddf.compute(), pd.DataFrame(arr, columns=["a", "b", "c"]))
    s = dd.from_array(np.arange(7), chunksize=3, columns="s")
    assert_series_equal(s.compute(), pd.Series(np.arange(7), name="s"))


def test_from_array_structured_and_default_names():
    arr = np.array([(1, 2.0), (3, 4.0)], dtype=[("i", "i8"), ("f", "f8")])
    assert_frame_equal(dd.from_array(arr).compute(), pd.DataFrame(arr))
    # A known difference: pandas labels the columns 0, 1 (ints); ferrox "0", "1".
    got = dd.from_array(np.ones((2, 2))).compute()
    expected = pd.DataFrame(np.ones((2, 2)))
    expected.columns = ["0", "1"]
    assert_frame_equal(got, expected)


def test_from_array_bad_input():
    with pytest.raises(ValueError, match="columns"):
        dd.from_array(np.ones((3, 2)), columns=["a"])
    with pytest.raises(ValueError, match="dimensions"):
        dd.from_array(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="chunksize"):
        dd.from_array(np.ones(3), chunksize=0)
