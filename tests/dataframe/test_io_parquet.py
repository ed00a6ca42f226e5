"""``read_parquet`` and ``to_parquet`` against pandas: files written by
pandas (pyarrow) read back by ``pandas.read_parquet`` are the reference;
``filters`` follow pyarrow's DNF form, and the scan must skip row groups
whose statistics rule them out."""

from __future__ import annotations

import os

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal


def _frame(n: int, seed: int = 0, start: int = 0) -> pd.DataFrame:
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


@pytest.fixture
def dataset(tmp_path) -> str:
    """A directory of three files, 10 row groups of 10 rows each in the
    first, sorted ``id`` (so row-group statistics can rule groups out)."""
    root = tmp_path / "ds"
    root.mkdir()
    for i, (n, start) in enumerate([(100, 0), (35, 100), (1, 135)]):
        table = pa.Table.from_pandas(_frame(n, seed=i, start=start), preserve_index=False)
        pq.write_table(table, root / f"part.{i}.parquet", row_group_size=10)
    return str(root)


def check(ddf, expected) -> None:
    if isinstance(expected, pd.Series):
        assert_series_equal(ddf.compute(), expected)
        return
    assert list(ddf.columns) == list(expected.columns)
    assert_series_equal(ddf.dtypes, expected.dtypes)
    assert_frame_equal(ddf.compute(), expected)
    assert len(ddf) == len(expected)


def test_directory(dataset):
    check(dd.read_parquet(dataset), pd.read_parquet(dataset))


def test_single_file_glob_and_list(dataset):
    first = os.path.join(dataset, "part.0.parquet")
    check(dd.read_parquet(first), pd.read_parquet(first))
    files = [os.path.join(dataset, f"part.{i}.parquet") for i in (2, 0)]
    expected = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    check(dd.read_parquet(files), expected)
    check(dd.read_parquet(os.path.join(dataset, "*.parquet")), pd.read_parquet(dataset))


@pytest.mark.parametrize(
    ("split", "npartitions"), [(True, 15), (False, 3), (4, 3 + 1 + 1), ("infer", 3)]
)
def test_split_row_groups(dataset, split, npartitions):
    ddf = dd.read_parquet(dataset, split_row_groups=split)
    assert ddf.npartitions == npartitions
    check(ddf, pd.read_parquet(dataset))


@pytest.mark.parametrize("columns", [["name", "id"], ["when"], "value"])
def test_columns(dataset, columns):
    check(dd.read_parquet(dataset, columns=columns), pd.read_parquet(dataset)[columns])


FILTERS = [
    [("id", ">", 42)],
    [("id", ">=", 42), ("id", "<", 57)],
    [("id", "==", 7)],
    [("id", "=", 7)],
    [("name", "==", "kiwi")],
    [("name", "!=", "kiwi")],
    [("value", "<", 0.0)],
    [("id", "in", [3, 50, 130])],
    [("name", "not in", ["kiwi", "fig"])],
    [[("id", "<", 5)], [("id", ">", 130)]],
    [[("id", "<", 20), ("flag", "==", True)], [("name", "==", "fig")]],
    [("id", ">", 1000)],
    [("when", ">", pd.Timestamp("2022-03-01"))],
]


@pytest.mark.parametrize("filters", FILTERS, ids=str)
@pytest.mark.parametrize("split", [True, False])
def test_filters(dataset, filters, split):
    expected = pd.read_parquet(dataset, filters=filters)
    check(dd.read_parquet(dataset, filters=filters, split_row_groups=split), expected)


def test_filters_with_columns_and_a_query(dataset):
    filters = [("id", "<", 60)]
    expected = pd.read_parquet(dataset, filters=filters, columns=["name", "value"])
    ddf = dd.read_parquet(dataset, filters=filters, columns=["name", "value"])
    check(ddf, expected)
    assert_series_equal(
        ddf.groupby("name")["value"].sum().compute(), expected.groupby("name")["value"].sum()
    )
    assert_frame_equal(ddf.head(3), expected.head(3))


def test_row_groups_ruled_out_by_statistics_are_not_read(dataset, tmp_path):
    """Corrupting the data pages of every row group but those holding ids
    40..59 leaves the filtered read intact: the others are never opened."""
    src = os.path.join(dataset, "part.0.parquet")
    meta = pq.ParquetFile(src).metadata
    with open(src, "rb") as f:
        data = bytearray(f.read())
    for rg in range(meta.num_row_groups):
        stats = meta.row_group(rg).column(0).statistics
        if stats.max < 40 or stats.min > 59:
            for c in range(meta.num_columns):
                col = meta.row_group(rg).column(c)
                start = col.dictionary_page_offset or col.data_page_offset
                for j in range(start, start + col.total_compressed_size):
                    data[j] = 0xFF
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(bytes(data))
    filters = [("id", ">=", 40), ("id", "<", 60)]
    expected = pd.read_parquet(src, filters=filters)
    check(dd.read_parquet(str(broken), filters=filters), expected)
    # A mask over the frame is pushed into the scan too (the default index
    # is not read, so nothing needs the row positions).
    ddf = dd.read_parquet(str(broken))
    masked = ddf[(ddf.id >= 40) & (ddf.id < 60)]
    assert masked["value"].count().compute() == expected["value"].count()
    assert len(masked) == len(expected)
    with pytest.raises((OSError, ValueError)):  # without the filter, broken pages are read
        ddf["value"].sum().compute()


def test_mask_over_a_parquet_frame_keeps_pandas_index(dataset):
    expected = pd.read_parquet(dataset)
    ddf = dd.read_parquet(dataset)
    check(ddf[ddf.id % 7 == 3], expected[expected.id % 7 == 3])
    check(ddf[ddf.name == "kiwi"][["id"]], expected[expected.name == "kiwi"][["id"]])


@pytest.mark.parametrize(
    ("filters", "error"),
    [
        ([("nope", "==", 1)], ValueError),
        ([("id", "~", 1)], ValueError),
        ([("id", ">")], ValueError),
        ([], ValueError),
    ],
)
def test_bad_filters(dataset, filters, error):
    with pytest.raises(error):
        pd.read_parquet(dataset, filters=filters)
    with pytest.raises(error):
        dd.read_parquet(dataset, filters=filters)


def test_missing_path(tmp_path):
    missing = str(tmp_path / "nothing" / "*.parquet")
    with pytest.raises(FileNotFoundError, match="nothing"):
        dd.read_parquet(missing)


def test_not_a_parquet_file(tmp_path):
    path = tmp_path / "x.parquet"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError):
        pd.read_parquet(path)
    with pytest.raises(ValueError, match="x.parquet"):
        dd.read_parquet(str(path))
