"""``to_parquet`` and ``to_csv`` against pandas: what ferrox writes, read
back by ``pandas.read_parquet`` / ``pandas.read_csv``, equals what pandas
reads back from its own ``to_parquet`` / ``to_csv`` of the same frame; a
failed write leaves nothing behind."""

from __future__ import annotations

import os

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal


def _typed(n: int, seed: int = 0, start: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    value = rng.normal(size=n)
    value[rng.random(n) < 0.2] = np.nan
    name = rng.choice(["apple", "kiwi", "fig", "é"], n).astype(object)
    name[rng.random(n) < 0.2] = None
    return pd.DataFrame(
        {
            "id": np.arange(start, start + n),
            "value": value,
            "name": pd.array(name, dtype="str"),
            "flag": rng.random(n) < 0.5,
            "when": pd.date_range("2022-01-01", periods=n, freq="D") + pd.Timedelta(days=start),
        }
    )


def check(ddf, expected) -> None:
    if isinstance(expected, pd.Series):
        assert_series_equal(ddf.compute(), expected)
        return
    assert list(ddf.columns) == list(expected.columns)
    assert_series_equal(ddf.dtypes, expected.dtypes)
    assert_frame_equal(ddf.compute(), expected)
    assert len(ddf) == len(expected)


# --- to_parquet --------------------------------------------------------------------


@pytest.mark.parametrize("npartitions", [1, 3, 12])
def test_to_parquet_round_trip(tmp_path, npartitions):
    frame = _typed(40, seed=5)
    out = str(tmp_path / "out")
    dd.from_pandas(frame, npartitions=npartitions).to_parquet(out)
    names = sorted(os.listdir(out), key=lambda n: int(n.split(".")[1]))
    assert names == [f"part.{i}.parquet" for i in range(npartitions)]
    # pandas (pyarrow) orders the files by name, "part.10" before "part.2";
    # Dask and ferrox by number, the order they were written in.
    files = [os.path.join(out, n) for n in names]
    assert_frame_equal(pd.concat([pd.read_parquet(f) for f in files], ignore_index=True), frame)
    check(dd.read_parquet(out), frame)


@pytest.mark.parametrize("index_name", [None, "key"])
def test_to_parquet_stores_the_index(tmp_path, index_name):
    frame = _typed(30, seed=6)
    frame.index = pd.Index(np.arange(100, 130), name=index_name)
    out = str(tmp_path / "out")
    ddf = dd.from_pandas(frame, npartitions=4)
    ddf.to_parquet(out)
    assert_frame_equal(pd.read_parquet(out), frame)
    check(dd.read_parquet(out), frame)
    filtered = dd.read_parquet(out, filters=[("id", ">", 10)])
    check(filtered, pd.read_parquet(out, filters=[("id", ">", 10)]))


def test_to_parquet_of_a_filtered_frame_keeps_row_positions(tmp_path):
    frame = _typed(30, seed=7)
    out = str(tmp_path / "out")
    ddf = dd.from_pandas(frame, npartitions=3)
    ddf[ddf.id % 2 == 0].to_parquet(out)
    expected = frame[frame.id % 2 == 0]
    assert_frame_equal(pd.read_parquet(out), expected)
    check(dd.read_parquet(out), expected)


def test_to_parquet_write_index_false(tmp_path):
    frame = _typed(10, seed=8).set_index("id")
    out = str(tmp_path / "out")
    dd.from_pandas(frame, npartitions=2).to_parquet(out, write_index=False)
    assert_frame_equal(pd.read_parquet(out), frame.reset_index(drop=True))


def test_to_parquet_from_csv_and_compression(tmp_path, write_csvs, read_pandas):
    frame = _typed(25, seed=9).drop(columns="when")
    paths = write_csvs(tmp_path, [frame.iloc[:10], frame.iloc[10:]])
    out = str(tmp_path / "out")
    dd.read_csv(paths).to_parquet(out, compression="zstd")
    assert_frame_equal(pd.read_parquet(out), read_pandas(paths))


def test_to_parquet_overwrite(tmp_path):
    out = str(tmp_path / "out")
    dd.from_pandas(_typed(20), npartitions=5).to_parquet(out)
    small = _typed(6, seed=3)
    dd.from_pandas(small, npartitions=2).to_parquet(out, overwrite=True)
    assert sorted(os.listdir(out)) == ["part.0.parquet", "part.1.parquet"]
    assert_frame_equal(pd.read_parquet(out), small)


def test_to_parquet_failure_leaves_nothing(tmp_path):
    out = str(tmp_path / "out")
    frame = pd.DataFrame({"x": [1, 2, 3, 4]})

    def boom(part: pd.DataFrame) -> pd.DataFrame:
        if part.x.iloc[0] == 3:
            raise RuntimeError("partition 1 fails")
        return part

    ddf = dd.from_pandas(frame, npartitions=2).map_partitions(boom, meta=frame)
    with pytest.raises(RuntimeError, match="partition 1 fails"):
        ddf.to_parquet(out)
    assert not os.path.exists(out) or os.listdir(out) == []
    assert [n for n in os.listdir(tmp_path) if n.startswith(".")] == []


def test_to_parquet_bad_compression(tmp_path):
    with pytest.raises(ValueError, match="compression"):
        dd.from_pandas(_typed(4), npartitions=1).to_parquet(str(tmp_path / "o"), compression="rar")


# --- to_csv ------------------------------------------------------------------


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(n)
    value = rng.normal(size=n)
    value[::3] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "value": value,
            "name": pd.array(rng.choice(["a", "b,c", 'q"uote', None], n), dtype="str"),
            "flag": rng.random(n) < 0.5,
        }
    )


@pytest.mark.parametrize("index", [True, False])
def test_to_csv_one_file_per_partition(tmp_path, index):
    frame = _frame(20)
    files = dd.from_pandas(frame, npartitions=3).to_csv(str(tmp_path / "out-*.csv"), index=index)
    assert [os.path.basename(f) for f in files] == ["out-0.csv", "out-1.csv", "out-2.csv"]
    bounds = [round(i * 20 / 3) for i in range(4)]  # from_pandas' row ranges
    for f, a, b in zip(files, bounds, bounds[1:], strict=False):
        expected_path = str(tmp_path / "expected.csv")
        frame.iloc[a:b].to_csv(expected_path, index=index)
        assert_frame_equal(pd.read_csv(f), pd.read_csv(expected_path))


def test_to_csv_single_file(tmp_path):
    frame = _frame(31)
    out = str(tmp_path / "all.csv")
    (written,) = dd.from_pandas(frame, npartitions=4).to_csv(out, single_file=True)
    expected = str(tmp_path / "expected.csv")
    frame.to_csv(expected)
    assert written == out
    assert_frame_equal(pd.read_csv(out), pd.read_csv(expected))
    with open(out, encoding="utf-8") as f:
        assert f.readline() == ",id,value,name,flag\n"


def test_to_csv_directory_and_named_index(tmp_path, read_pandas):
    frame = _frame(9).set_index("id")
    out = str(tmp_path / "dir")
    files = dd.from_pandas(frame, npartitions=2).to_csv(out, sep=";")
    assert [os.path.basename(f) for f in files] == ["0.part", "1.part"]
    expected = str(tmp_path / "expected.csv")
    frame.to_csv(expected, sep=";")
    got = pd.concat([pd.read_csv(f, sep=";") for f in files], ignore_index=True)
    assert_frame_equal(got, pd.read_csv(expected, sep=";"))


def test_to_csv_of_a_filtered_csv_round_trips(tmp_path, write_csvs, read_pandas):
    frame = _frame(40)
    paths = write_csvs(tmp_path, [frame.iloc[:25], frame.iloc[25:]])
    ddf = dd.read_csv(paths)
    out = str(tmp_path / "kept.csv")
    ddf[ddf.flag].to_csv(out, single_file=True)
    source = read_pandas(paths)
    expected = str(tmp_path / "expected.csv")
    source[source.flag].to_csv(expected)
    assert_frame_equal(pd.read_csv(out), pd.read_csv(expected))


def test_to_csv_na_rep_and_series(tmp_path):
    frame = _frame(6)
    out = str(tmp_path / "s.csv")
    dd.from_pandas(frame, npartitions=2)["value"].to_csv(out, single_file=True, na_rep="NULL")
    expected = str(tmp_path / "expected.csv")
    frame["value"].to_csv(expected, na_rep="NULL")
    with open(out) as a, open(expected) as b:
        assert [line.split(",")[1] == "NULL" for line in a] == [
            line.split(",")[1] == "NULL" for line in b
        ]
    assert_frame_equal(pd.read_csv(out), pd.read_csv(expected))


def test_to_csv_failure_leaves_nothing(tmp_path):
    frame = pd.DataFrame({"x": [1, 2, 3, 4]})

    def boom(part: pd.DataFrame) -> pd.DataFrame:
        if part.x.iloc[0] == 3:
            raise RuntimeError("no")
        return part

    ddf = dd.from_pandas(frame, npartitions=2).map_partitions(boom, meta=frame)
    with pytest.raises(RuntimeError, match="no"):
        ddf.to_csv(str(tmp_path / "out-*.csv"))
    assert os.listdir(tmp_path) == []


def test_to_csv_bad_sep(tmp_path):
    with pytest.raises(TypeError) as expected:
        _frame(2).to_csv(str(tmp_path / "x.csv"), sep=";;")
    with pytest.raises(type(expected.value), match="1-character"):
        dd.from_pandas(_frame(2), npartitions=1).to_csv(str(tmp_path / "y.csv"), sep=";;")
