"""``read_csv`` options against ``pandas.read_csv`` on the same files:
``blocksize`` splitting, ``dtype``, ``parse_dates``, ``header``/``names``,
``na_values``, ``usecols``, gzip, ``sep``. Every expected value is pandas'
answer (``read_pandas``: each file read by pandas, concatenated)."""

from __future__ import annotations

import gzip
import os

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal


def _frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    value = rng.integers(-40, 40, n) / 4
    value[1:][rng.random(max(n - 1, 0)) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "value": value,
            "name": pd.array(rng.choice(["a", "bb", "c,d", "é"], n), dtype="str"),
            "when": pd.date_range("2021-01-01", periods=n, freq="h").strftime("%Y-%m-%d %H:%M:%S"),
        }
    )


@pytest.fixture
def big_files(tmp_path, write_csvs) -> list[str]:
    rng = np.random.default_rng(7)
    return write_csvs(tmp_path, [_frame(rng, 500), _frame(rng, 37), _frame(rng, 1)])


def check(ddf: dd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(ddf.columns) == list(expected.columns)
    assert_series_equal(ddf.dtypes, expected.dtypes)
    assert_frame_equal(ddf.compute(), expected)
    assert len(ddf) == len(expected)


# --- blocksize -----------------------------------------------------------------


@pytest.mark.parametrize("blocksize", [100, 1000, 4096, 10**6])
def test_blocksize_splits_files_at_line_boundaries(big_files, read_pandas, blocksize):
    expected = read_pandas(big_files)
    ddf = dd.read_csv(big_files, blocksize=blocksize)
    sizes = [os.path.getsize(p) for p in big_files]
    assert ddf.npartitions == sum(max(1, -(-s // blocksize)) for s in sizes)
    check(ddf, expected)


def test_blocksize_partitions_are_the_lines_of_each_block(big_files, read_pandas):
    expected = read_pandas(big_files)
    ddf = dd.read_csv(big_files, blocksize=2000)
    parts = [p.compute() for p in ddf.to_delayed()]
    assert sum(len(p) for p in parts) == len(expected)
    assert all(len(p) > 0 for p in parts)  # each 2000-byte block holds a line start
    assert_frame_equal(pd.concat(parts), expected)


def test_blocksize_with_projection_head_and_groupby(big_files, read_pandas):
    expected = read_pandas(big_files)
    ddf = dd.read_csv(big_files, blocksize=1500)
    assert_series_equal(ddf["value"].compute(), expected["value"])
    assert_frame_equal(ddf.head(3), expected.head(3))
    assert_series_equal(
        ddf.groupby("name")["value"].mean().compute(), expected.groupby("name")["value"].mean()
    )
    assert len(ddf[ddf.id > 10]) == len(expected[expected.id > 10])


def test_blocksize_string_and_none(big_files, read_pandas):
    expected = read_pandas(big_files)
    assert dd.read_csv(big_files, blocksize=None).npartitions == 3
    assert dd.read_csv(big_files, blocksize="default").npartitions == 3
    ddf = dd.read_csv(big_files, blocksize="1KiB")
    assert ddf.npartitions > 3
    check(ddf, expected)


def test_blocksize_without_header(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(8)
    paths = write_csvs(tmp_path, [_frame(rng, 200)], header=False)
    names = ["id", "value", "name", "when"]
    check(dd.read_csv(paths, blocksize=700, names=names), read_pandas(paths, names=names))


@pytest.mark.parametrize("blocksize", [0, -5, 1.5, "lots"])
def test_bad_blocksize(big_files, blocksize):
    with pytest.raises(ValueError, match="blocksize"):
        dd.read_csv(big_files, blocksize=blocksize)


# --- dtype and parse_dates -------------------------------------------------------


@pytest.mark.parametrize(
    "dtype",
    [
        {"id": "float64"},
        {"id": "int32", "value": "float32"},
        {"id": str},
        {"value": "str"},
        "str",
        {"nope": "int64", "id": "float64"},
    ],
)
def test_dtype(big_files, read_pandas, dtype):
    check(dd.read_csv(big_files, dtype=dtype), read_pandas(big_files, dtype=dtype))


def test_dtype_int_with_missing_values_raises_like_pandas(tmp_path, write_csvs, read_pandas):
    frame = pd.DataFrame({"id": [1, None, 3], "k": ["a", "b", "c"]})
    paths = write_csvs(tmp_path, [frame], float_format="%.0f")
    with pytest.raises(ValueError) as expected:
        read_pandas(paths, dtype={"id": "int64"})
    ddf = dd.read_csv(paths, dtype={"id": "int64"})
    with pytest.raises(type(expected.value), match="Integer column has NA values"):
        ddf.compute()


def test_dtype_unknown_name(big_files):
    with pytest.raises(TypeError) as expected:
        pd.read_csv(big_files[0], dtype={"id": "nonsense"})
    with pytest.raises(type(expected.value), match="nonsense"):
        dd.read_csv(big_files, dtype={"id": "nonsense"})


def test_parse_dates(big_files, read_pandas):
    expected = read_pandas(big_files, parse_dates=["when"])
    assert expected["when"].dtype == "datetime64[us]"
    check(dd.read_csv(big_files, parse_dates=["when"]), expected)
    ddf = dd.read_csv(big_files, parse_dates=["when"], blocksize=3000)
    assert_series_equal(ddf["when"].dt.hour.compute(), expected["when"].dt.hour, check_dtype=False)


def test_parse_dates_date_only(tmp_path, write_csvs, read_pandas):
    frame = pd.DataFrame({"d": ["2020-01-01", "2020-02-29", None], "x": [1, 2, 3]})
    paths = write_csvs(tmp_path, [frame, frame])
    check(dd.read_csv(paths, parse_dates=["d"]), read_pandas(paths, parse_dates=["d"]))


def test_parse_dates_known_differences(tmp_path, write_csvs, read_pandas):
    """pandas keeps a column of mixed date formats as text; ferrox parses
    it. Text that is no date raises, naming file and column, where pandas
    keeps the column as text."""
    mixed = write_csvs(tmp_path, ["d,x\n2020-01-01 10:00:00,1\n2020-01-02 11:30:00.5,3\n"])
    assert read_pandas(mixed, parse_dates=["d"])["d"].dtype == "str"
    got = dd.read_csv(mixed, parse_dates=["d"]).compute()
    expected = pd.to_datetime(read_pandas(mixed)["d"], format="ISO8601").astype("datetime64[us]")
    assert_series_equal(got["d"], expected)
    bad = write_csvs(tmp_path, ["d,x\nnot a date,1\n2020-01-02,3\n"], prefix="bad")
    with pytest.warns(UserWarning, match="Could not infer format"):
        assert read_pandas(bad, parse_dates=["d"])["d"].dtype == "str"
    with pytest.raises(ValueError, match="bad_00.csv.*not a date.*'d'"):
        dd.read_csv(bad, parse_dates=["d"]).compute()


def test_dtype_category_is_not_supported(big_files):
    with pytest.raises(NotImplementedError, match="category"):
        dd.read_csv(big_files, dtype={"name": "category"})


def test_parse_dates_missing_column(big_files, read_pandas):
    with pytest.raises(ValueError) as expected:
        read_pandas(big_files, parse_dates=["nope"])
    with pytest.raises(type(expected.value), match="nope"):
        dd.read_csv(big_files, parse_dates=["nope"])


# --- header and names --------------------------------------------------------------


def test_names_replace_the_header(big_files, read_pandas):
    names = ["a", "b", "c", "d"]
    check(
        dd.read_csv(big_files, header=0, names=names),
        read_pandas(big_files, header=0, names=names),
    )


def test_names_without_header(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(9)
    paths = write_csvs(tmp_path, [_frame(rng, 5), _frame(rng, 3)], header=False)
    names = ["k", "v", "s", "t"]
    ddf = dd.read_csv(paths, names=names)
    check(ddf, read_pandas(paths, names=names))
    check(ddf[["s", "k"]], read_pandas(paths, names=names)[["s", "k"]])


def test_header_none_numbers_the_columns_as_strings(tmp_path, write_csvs, read_pandas):
    """A known difference: pandas names the columns 0, 1, … (ints); ferrox's
    column labels are strings, "0", "1", …"""
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]})
    paths = write_csvs(tmp_path, [frame, frame], header=False)
    expected = read_pandas(paths, header=None)
    expected.columns = [str(c) for c in expected.columns]
    check(dd.read_csv(paths, header=None), expected)


def test_wrong_number_of_names(big_files):
    with pytest.raises(ValueError, match="names"):
        dd.read_csv(big_files, names=["a", "b"])


def test_duplicate_names(big_files):
    with pytest.raises(ValueError) as expected:
        pd.read_csv(big_files[0], names=["a", "a", "b", "c"])
    with pytest.raises(type(expected.value), match="Duplicate names"):
        dd.read_csv(big_files, names=["a", "a", "b", "c"])


# --- na_values, usecols, sep, compression -----------------------------------------


@pytest.mark.parametrize("na_values", ["bb", ["bb", "-1.0"], ["c,d", "-2.5"]])
def test_na_values(big_files, read_pandas, na_values):
    """Markers are matched as text: pandas also matches a number against
    numeric fields (``na_values=[0]`` hides ``0.0``), ferrox does not."""
    files = big_files[:2]
    check(dd.read_csv(files, na_values=na_values), read_pandas(files, na_values=na_values))


def test_keep_default_na_false(tmp_path, write_csvs, read_pandas):
    frame = pd.DataFrame({"s": ["NA", "x", "nan"], "v": ["1", "", "3"]})
    paths = write_csvs(tmp_path, [frame])
    kwargs = {"keep_default_na": False, "na_values": [""]}
    check(dd.read_csv(paths, **kwargs), read_pandas(paths, **kwargs))


def test_na_values_dict_is_not_supported(big_files):
    with pytest.raises(NotImplementedError, match="na_values"):
        dd.read_csv(big_files, na_values={"name": ["a"]})


@pytest.mark.parametrize("usecols", [[0, 2], [3, 1], lambda c: c.startswith(("v", "n"))])
def test_usecols_positions_and_callables(big_files, read_pandas, usecols):
    check(dd.read_csv(big_files, usecols=usecols), read_pandas(big_files, usecols=usecols))


def test_usecols_out_of_bounds(big_files, read_pandas):
    with pytest.raises(ValueError) as expected:
        read_pandas(big_files, usecols=[0, 9])
    with pytest.raises(type(expected.value), match="Usecols do not match"):
        dd.read_csv(big_files, usecols=[0, 9])


@pytest.mark.parametrize("sep", ["\t", "|"])
def test_sep(tmp_path, write_csvs, read_pandas, sep):
    rng = np.random.default_rng(10)
    paths = write_csvs(tmp_path, [_frame(rng, 30), _frame(rng, 4)], sep=sep)
    check(dd.read_csv(paths, sep=sep, blocksize=500), read_pandas(paths, sep=sep))
    check(dd.read_csv(paths, delimiter=sep), read_pandas(paths, sep=sep))


def test_bad_sep(big_files):
    with pytest.raises(ValueError, match="sep"):
        dd.read_csv(big_files, sep=";;")


def test_gzip_by_extension(tmp_path, read_pandas):
    rng = np.random.default_rng(11)
    paths = []
    for i, n in enumerate((40, 7)):
        path = str(tmp_path / f"data_{i}.csv.gz")
        with gzip.open(path, "wt", encoding="utf-8") as f:
            _frame(rng, n).to_csv(f, index=False)
        paths.append(path)
    expected = read_pandas(paths)
    ddf = dd.read_csv(str(tmp_path / "data_*.csv.gz"), blocksize=100)
    assert ddf.npartitions == 2  # compressed files are not split
    check(ddf, expected)
    assert_frame_equal(ddf.head(2), expected.head(2))


def test_unsupported_compression(tmp_path):
    path = tmp_path / "x.csv.bz2"
    path.write_bytes(b"not really")
    with pytest.raises(NotImplementedError, match="bz2"):
        dd.read_csv(str(path))


@pytest.mark.parametrize(("blocksize", "sample"), [(None, 256_000), (None, 10), (12, 10)])
def test_row_with_too_many_fields(tmp_path, write_csvs, read_pandas, blocksize, sample):
    """pandas raises ParserError (a ValueError); ferrox a ValueError with
    the file and pandas' line number, when the schema is inferred (the
    row is in the sample) or when the partition is read."""
    paths = write_csvs(tmp_path, ['a,b\n1,"x,y"\n3,4,5\n6,7\n'])
    with pytest.raises(ValueError, match="Expected 2 fields in line 3, saw 3"):
        read_pandas(paths)
    with pytest.raises(ValueError, match=r"data_00\.csv: expected 2 fields in line 3, saw 3"):
        dd.read_csv(paths, blocksize=blocksize, sample=sample).compute()


def test_unknown_keyword(big_files):
    with pytest.raises(NotImplementedError, match="skiprows"):
        dd.read_csv(big_files, skiprows=2)
