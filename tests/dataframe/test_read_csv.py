"""``ferrox.dataframe.read_csv`` against pandas.

Every expected value comes from ``pandas.read_csv`` on the same files,
concatenated (the ``read_pandas`` fixture); files are written with pandas'
``to_csv(index=False)``.
"""

from __future__ import annotations

import os
import pathlib

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_index_equal, assert_series_equal

#: Words for the text column: mixed case, a comma (quoted by ``to_csv``),
#: spaces and non-ASCII text; none of them is a missing-value marker.
WORDS = ["apple", "Banana", "cherry pie", "a,b", "élan", " pad "]


def typed_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` rows of an int, a float, a text and a bool column. The float and
    text columns have missing values, never in row 0 (so every non-empty
    file has a value of each type to infer from)."""
    value = rng.integers(-40, 40, n) / 4
    name = rng.choice(WORDS, n).astype(object)
    if n > 1:
        value[1:][rng.random(n - 1) < 0.3] = np.nan
        name[1:][rng.random(n - 1) < 0.3] = None
    return pd.DataFrame(
        {
            "id": rng.integers(-1000, 1000, n),
            "value": value,
            "name": pd.array(name, dtype="str"),
            "flag": rng.random(n) < 0.5,
        }
    )


@pytest.fixture
def typed_files(tmp_path: pathlib.Path, write_csvs) -> list[str]:
    """Four files of 5, 1, 8 and 3 rows."""
    rng = np.random.default_rng(42)
    return write_csvs(tmp_path, [typed_frame(rng, n) for n in (5, 1, 8, 3)])


def check_frame(ddf: dd.DataFrame, expected: pd.DataFrame, npartitions: int) -> None:
    """Computed values, columns, dtypes and partition count match pandas."""
    assert ddf.npartitions == npartitions
    assert list(ddf.columns) == list(expected.columns)
    assert_series_equal(ddf.dtypes, expected.dtypes)
    assert_frame_equal(ddf.compute(), expected)


# --- paths -----------------------------------------------------------------


@pytest.mark.parametrize("how", ["glob", "list", "single", "pathlib", "list-of-globs"])
def test_paths(tmp_path, typed_files, read_pandas, how):
    if how == "glob":
        urlpath, used = str(tmp_path / "data_*.csv"), typed_files
    elif how == "list":
        urlpath, used = typed_files[::-1], typed_files[::-1]
    elif how == "single":
        urlpath, used = typed_files[2], typed_files[2:3]
    elif how == "pathlib":
        urlpath, used = pathlib.Path(typed_files[0]), typed_files[:1]
    else:
        urlpath = [str(tmp_path / "data_0[23].csv"), str(tmp_path / "data_0[01].csv")]
        used = [*typed_files[2:], *typed_files[:2]]
    check_frame(dd.read_csv(urlpath), read_pandas(used), len(used))


def test_glob_orders_files_by_name(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(0)
    # Twelve files: "data_10" sorts after "data_09", and the glob returns them in name order.
    paths = write_csvs(tmp_path, [typed_frame(rng, 2) for _ in range(12)])
    check_frame(dd.read_csv(str(tmp_path / "data_*.csv")), read_pandas(sorted(paths)), 12)


def test_columns_and_dtypes(typed_files, read_pandas):
    ddf = dd.read_csv(typed_files)
    expected = read_pandas(typed_files)
    assert list(ddf.columns) == list(expected.columns)
    assert_series_equal(ddf.dtypes, expected.dtypes)
    for column in expected.columns:
        assert ddf[column].name == expected[column].name
        assert ddf[column].dtype == expected[column].dtype
        assert ddf[column].npartitions == len(typed_files)


def test_columns_index_matches_pandas(typed_files, read_pandas):
    assert_index_equal(dd.read_csv(typed_files).columns, read_pandas(typed_files).columns)


# --- selecting columns -----------------------------------------------------


def test_select_series(typed_files, read_pandas):
    ddf = dd.read_csv(typed_files)
    expected = read_pandas(typed_files)
    for column in expected.columns:
        assert_series_equal(ddf[column].compute(), expected[column])
    assert_series_equal(ddf.value.compute(), expected.value)


@pytest.mark.parametrize("columns", [["name", "id"], ["flag"], ["value", "flag", "id", "name"]])
def test_select_frame(typed_files, read_pandas, columns):
    check_frame(dd.read_csv(typed_files)[columns], read_pandas(typed_files)[columns], 4)


@pytest.mark.parametrize(
    "usecols",
    [
        ["id", "name"],
        ["value"],
        ["name", "id"],
    ],
)
def test_usecols(typed_files, read_pandas, usecols):
    check_frame(
        dd.read_csv(typed_files, usecols=usecols), read_pandas(typed_files, usecols=usecols), 4
    )


# --- parsing ---------------------------------------------------------------


def test_sep_semicolon(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(1)
    frames = [typed_frame(rng, n) for n in (4, 6)]
    # A text value holding the separator is quoted by to_csv.
    frames[0].loc[1, "name"] = "x;y"
    paths = write_csvs(tmp_path, frames, sep=";")
    check_frame(dd.read_csv(str(tmp_path / "data_*.csv"), sep=";"), read_pandas(paths, sep=";"), 2)


@pytest.mark.parametrize("na_rep", ["", "NA", "nan", "NaN", "null", "N/A", "#N/A", "None", "<NA>"])
def test_missing_value_markers(tmp_path, write_csvs, read_pandas, na_rep):
    rng = np.random.default_rng(2)
    frames = [typed_frame(rng, n) for n in (6, 9, 4)]
    paths = write_csvs(tmp_path, frames, na_rep=na_rep)
    expected = read_pandas(paths)
    assert expected["value"].isna().any() and expected["name"].isna().any()
    check_frame(dd.read_csv(paths), expected, 3)


def test_missing_value_markers_mixed_in_one_file(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(3)
    markers = ["", "NA", "nan", "NULL", "n/a", "None"]
    used = []
    texts = []
    for frame in [typed_frame(rng, 12), typed_frame(rng, 12)]:
        # Each row with a missing value gets the next marker: '', 'NA', 'nan', ...
        lines = [frame.iloc[:0].to_csv(index=False)]
        for j in range(len(frame)):
            row = frame.iloc[j : j + 1]
            marker = ""
            if row.isna().any(axis=None):
                marker = markers[len(used) % len(markers)]
                used.append(marker)
            lines.append(row.to_csv(index=False, header=False, na_rep=marker))
        texts.append("".join(lines))
    assert set(used) == set(markers)
    paths = write_csvs(tmp_path, texts)
    check_frame(dd.read_csv(paths), read_pandas(paths), 2)


@pytest.mark.parametrize("marker", ["NA", "nan", "N/A", "NULL", "-1.#IND", "<NA>"])
def test_missing_value_markers_only_after_the_sample(tmp_path, write_csvs, read_pandas, marker):
    # The first file (the schema's sample) has numbers and text only; the
    # second has a marker in every column: the float, int and text columns
    # all read it as missing, as pandas does.
    first = pd.DataFrame({"f": [0.5, 1.5], "i": [1, 2], "s": ["a", "b"]})
    second = pd.DataFrame({"f": [marker, "2.5"], "i": ["3", marker], "s": [marker, "c"]})
    paths = write_csvs(tmp_path, [first, second])
    got = dd.read_csv(paths).compute().reset_index(drop=True)
    assert_frame_equal(got, read_pandas(paths))


@pytest.mark.parametrize(
    "position",
    [
        "middle",
        "last",
        "first",
    ],
)
def test_header_only_file(tmp_path, write_csvs, read_pandas, position):
    rng = np.random.default_rng(4)
    frames = [typed_frame(rng, 5), typed_frame(rng, 3)]
    empty = typed_frame(rng, 0)
    index = {"first": 0, "middle": 1, "last": 2}[position]
    frames.insert(index, empty)
    paths = write_csvs(tmp_path, frames)
    check_frame(dd.read_csv(str(tmp_path / "data_*.csv")), read_pandas(paths), 3)


def test_one_row_files(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(5)
    paths = write_csvs(tmp_path, [typed_frame(rng, 1) for _ in range(4)])
    check_frame(dd.read_csv(str(tmp_path / "data_*.csv")), read_pandas(paths), 4)


def test_single_column_files(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(6)
    paths = write_csvs(tmp_path, [typed_frame(rng, n)[["value"]] for n in (3, 1, 2)])
    check_frame(dd.read_csv(paths), read_pandas(paths), 3)


def test_special_floats(tmp_path, write_csvs, read_pandas):
    frame = pd.DataFrame({"value": [1e300, np.inf, -np.inf, -0.0, 5e-324, np.nan, 0.1]})
    paths = write_csvs(tmp_path, [frame, frame[::-1]])
    check_frame(dd.read_csv(paths), read_pandas(paths), 2)


def test_int_column_with_missing_values_computes_as_float(tmp_path, write_csvs, read_pandas):
    # pandas has no missing int64: a column of ints with holes is float64.
    paths = write_csvs(
        tmp_path,
        [
            pd.DataFrame({"id": [1, None, 3], "k": ["a", "b", "c"]}),
            pd.DataFrame({"id": [4, 5], "k": ["d", "e"]}),
        ],
        float_format="%.0f",
    )
    expected = read_pandas(paths)
    assert expected["id"].dtype == np.float64
    assert_frame_equal(dd.read_csv(paths).compute(), expected)
    assert_series_equal(dd.read_csv(paths)["id"].compute(), expected["id"])


@pytest.mark.parametrize(
    "hole_in",
    [
        "first file",
        pytest.param(
            "later file",
            marks=pytest.mark.xfail(
                reason="the schema is inferred from the first file's sample: DataFrame.dtypes "
                "says int64 for an int column whose missing values are in a later file; "
                "pandas (and the computed frame) has float64",
                strict=True,
            ),
        ),
    ],
)
def test_int_column_with_missing_values_dtypes(tmp_path, write_csvs, read_pandas, hole_in):
    with_hole = pd.DataFrame({"id": [1, None, 3]})
    without = pd.DataFrame({"id": [4, 5]})
    frames = [with_hole, without] if hole_in == "first file" else [without, with_hole]
    paths = write_csvs(tmp_path, frames, float_format="%.0f")
    assert_series_equal(dd.read_csv(paths).dtypes, read_pandas(paths).dtypes)


@pytest.fixture
def bool_files_with_holes(tmp_path, write_csvs) -> list[str]:
    return write_csvs(
        tmp_path,
        [pd.DataFrame({"flag": [True, None, False]}), pd.DataFrame({"flag": [False]})],
    )


@pytest.mark.xfail(
    reason="a bool column with missing values: dtypes says bool; pandas has object",
    strict=True,
)
def test_bool_column_with_missing_values_dtypes(bool_files_with_holes, read_pandas):
    expected = read_pandas(bool_files_with_holes)
    assert_series_equal(dd.read_csv(bool_files_with_holes).dtypes, expected.dtypes)


def test_bool_column_with_missing_values_compute(bool_files_with_holes, read_pandas):
    expected = read_pandas(bool_files_with_holes)
    assert_frame_equal(dd.read_csv(bool_files_with_holes).compute(), expected)


def test_all_missing_column_in_first_file(tmp_path, write_csvs, read_pandas):
    paths = write_csvs(
        tmp_path,
        [
            pd.DataFrame({"k": ["a", "b"], "value": [np.nan, np.nan]}),
            pd.DataFrame({"k": ["c"], "value": [1.5]}),
        ],
    )
    check_frame(dd.read_csv(paths), read_pandas(paths), 2)


@pytest.mark.parametrize(
    "later",
    [
        pd.DataFrame({"value": [1.5, 3.0], "n": [3, 4]}),
        pd.DataFrame({"value": [np.nan, 2.25], "n": [5, 6]}),
        pd.DataFrame({"value": [1e300, 7.0], "n": [2**62, 1]}),
    ],
    ids=["fractions", "with NaN", "large"],
)
def test_int_column_that_is_float_in_a_later_file(tmp_path, write_csvs, read_pandas, later):
    """The schema comes from the first file's sample; pandas infers each
    file's own, and the concatenation is float64."""
    paths = write_csvs(tmp_path, [pd.DataFrame({"value": [1, 2], "n": [1, 2]}), later])
    expected = read_pandas(paths)
    assert_frame_equal(dd.read_csv(paths).compute(), expected)
    assert dd.read_csv(paths)["value"].sum().compute() == expected["value"].sum()
    assert_frame_equal(dd.read_csv(paths, usecols=["n"]).compute(), expected[["n"]])


def test_int_column_with_text_in_a_later_file(tmp_path, write_csvs):
    """Text in a column inferred as an integer: the reader's error, naming
    the file (as Dask's read_csv fails on it)."""
    paths = write_csvs(tmp_path, [pd.DataFrame({"v": [1, 2]}), pd.DataFrame({"v": ["x", "y"]})])
    with pytest.raises(ValueError, match=os.path.basename(paths[1])):
        dd.read_csv(paths).compute()


def test_files_with_columns_in_different_orders(tmp_path, write_csvs, read_pandas):
    paths = write_csvs(
        tmp_path,
        [
            pd.DataFrame({"a": [1, 2], "b": [10, 20]}),
            pd.DataFrame({"b": [30], "a": [3]}),
        ],
    )
    check_frame(dd.read_csv(paths), read_pandas(paths), 2)


@pytest.mark.xfail(
    reason="read_csv(header=None) names the columns '0', '1', ... (column labels are "
    "strings); pandas names them 0, 1, ... (test_io_csv.py checks the values)",
    strict=True,
)
def test_header_none(tmp_path, write_csvs, read_pandas):
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]})
    paths = write_csvs(tmp_path, [frame, frame], header=False)
    check_frame(dd.read_csv(paths, header=None), read_pandas(paths, header=None), 2)


BLANK_LINES = {
    "empty": "a,b\n1,2\n\n3,4\n",
    "spaces": "a,b\n1,2\n  \n\t\n3,4\n",
    "crlf": "a,b\r\n1,2\r\n\r\n3,4\r\n",
    "trailing": "a,b\n1,2\n3,4\n\n\n",
    "after header": "a,b\n\n1,2\n3,4",
    "inside quotes": 'a,b\n1,"x\n\ny"\n\n3,4\n',
    "text": "a,b\nx,y\n\nz,\n",
    "one column": "a\n1\n\n2\n",
}


@pytest.mark.parametrize("text", BLANK_LINES.values(), ids=BLANK_LINES.keys())
def test_blank_lines_are_skipped(tmp_path, write_csvs, read_pandas, text):
    """pandas' ``skip_blank_lines=True``: a line of nothing but spaces,
    tabs or ``\\r`` is not a row (unless it is inside a quoted field)."""
    paths = write_csvs(tmp_path, [text, text])
    expected = read_pandas(paths)
    check_frame(dd.read_csv(paths), expected, 2)
    assert len(dd.read_csv(paths)) == len(expected)
    assert_frame_equal(dd.read_csv(paths, usecols=["a"]).compute(), expected[["a"]])


def test_blank_lines_in_blocks(tmp_path, write_csvs, read_pandas):
    rows = "".join(f"{i},{i * 2}\n" + ("\n" if i % 7 == 0 else "") for i in range(400))
    paths = write_csvs(tmp_path, ["a,b\n" + rows])
    expected = read_pandas(paths)
    ddf = dd.read_csv(paths, blocksize=512)
    assert ddf.npartitions > 4
    assert_frame_equal(ddf.compute(), expected)
    assert len(ddf) == len(expected)


def test_missing_values_row_is_kept(tmp_path, write_csvs, read_pandas):
    """A row of empty fields is a row of missing values, not a blank line."""
    paths = write_csvs(tmp_path, ["a,b\n1,2\n,\n3,4\n"])
    check_frame(dd.read_csv(paths), read_pandas(paths), 1)


# --- bad input -------------------------------------------------------------


def test_glob_matching_nothing(tmp_path, typed_files):
    pattern = str(tmp_path / "nothing_*.csv")
    with pytest.raises(FileNotFoundError) as info:
        dd.read_csv(pattern)
    assert pattern in str(info.value)


def test_missing_file_in_a_list(tmp_path, typed_files):
    missing = str(tmp_path / "absent.csv")
    with pytest.raises(FileNotFoundError):
        pd.read_csv(missing)
    with pytest.raises(FileNotFoundError) as info:
        dd.read_csv([typed_files[0], missing])
    assert missing in str(info.value)


@pytest.mark.parametrize(
    "select",
    [
        pytest.param(lambda df: df["nope"], id="column"),
        pytest.param(lambda df: df[["name", "nope"]], id="columns"),
    ],
)
def test_unknown_column(typed_files, read_pandas, select):
    with pytest.raises(KeyError):
        select(read_pandas(typed_files))
    with pytest.raises(KeyError) as info:
        select(dd.read_csv(typed_files))
    assert "nope" in info.value.args[0]


@pytest.mark.parametrize(
    "select",
    [
        pytest.param(lambda df: df["valeu"], id="column"),
        pytest.param(lambda df: df[["name", "valeu"]], id="columns"),
    ],
)
def test_unknown_column_close_match(typed_files, read_pandas, select):
    with pytest.raises(KeyError):
        select(read_pandas(typed_files))
    with pytest.raises(KeyError) as info:
        select(dd.read_csv(typed_files))
    message = info.value.args[0]
    assert "valeu" in message and "value" in message.replace("valeu", "")


def test_unknown_column_in_usecols(typed_files, read_pandas):
    with pytest.raises(ValueError) as expected:
        read_pandas(typed_files, usecols=["id", "nope"])
    with pytest.raises(type(expected.value)) as info:
        dd.read_csv(typed_files, usecols=["id", "nope"])
    assert "nope" in str(info.value)


# -- len and head -----------------------------------------------------------------------


def test_len_matches_pandas(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(3)
    frames = [typed_frame(rng, n) for n in (5, 0, 1, 17)]
    paths = write_csvs(tmp_path, frames)
    expected = read_pandas(paths)
    ddf = dd.read_csv(paths)
    assert len(ddf) == len(expected)
    assert len(ddf["value"]) == len(expected["value"])
    assert len(ddf[["id", "name"]]) == len(expected)


def test_len_of_a_groupby_result(typed_files, read_pandas):
    expected = read_pandas(typed_files).groupby("name")["value"].sum()
    assert len(dd.read_csv(typed_files).groupby("name")["value"].sum()) == len(expected)


@pytest.mark.parametrize("n", [0, 1, 3, 5])
def test_head_reads_the_first_rows(typed_files, read_pandas, n):
    expected = read_pandas(typed_files[:1])
    ddf = dd.read_csv(typed_files)
    assert_frame_equal(ddf.head(n), expected.head(n))
    assert_series_equal(ddf["value"].head(n), expected["value"].head(n))
    assert_frame_equal(ddf[["name", "id"]].head(n), expected[["name", "id"]].head(n))


def test_head_warns_like_dask_when_the_first_partition_is_short(tmp_path, write_csvs):
    rng = np.random.default_rng(4)
    paths = write_csvs(tmp_path, [typed_frame(rng, 2), typed_frame(rng, 9)])
    dask_dataframe = pytest.importorskip("dask.dataframe")
    with pytest.warns(UserWarning) as expected:
        dask_dataframe.read_csv(paths).head(4)
    with pytest.warns(UserWarning) as got:
        result = dd.read_csv(paths).head(4)
    assert str(got[0].message) == str(expected[0].message)
    assert len(result) == 2


def test_head_of_a_groupby_result(typed_files, read_pandas):
    expected = read_pandas(typed_files).groupby("name")["value"].mean().head(2)
    assert_series_equal(dd.read_csv(typed_files).groupby("name")["value"].mean().head(2), expected)


# -- reprs ------------------------------------------------------------------------------


def _normalized(lines: list[str]) -> list[str]:
    return [" ".join(line.replace("string", "str").split()) for line in lines]


def test_repr_has_dasks_layout_and_computes_nothing(typed_files):
    dask_dataframe = pytest.importorskip("dask.dataframe")
    ddf = dd.read_csv(typed_files)
    expected = dask_dataframe.read_csv(typed_files)
    for path in typed_files:  # a repr that read the files would fail now
        os.remove(path)
    ours, theirs = repr(ddf).splitlines(), repr(expected).splitlines()
    rows = 3 + ddf.npartitions  # header, npartitions, dtypes, one row per partition
    assert ours[0] == theirs[0].replace("Dask", "ferrox")
    assert _normalized(ours[1:rows]) == _normalized(theirs[1:rows])
    series, dask_series = repr(ddf["value"]).splitlines(), repr(expected["value"]).splitlines()
    assert series[0] == dask_series[0].replace("Dask", "ferrox")
    assert _normalized(series[1 : 2 + ddf.npartitions]) == _normalized(
        dask_series[1 : 2 + ddf.npartitions]
    )
    html = ddf._repr_html_()
    assert "ferrox DataFrame Structure" in html and "npartitions=4" in html
    assert all(f"<th>{c}</th>" in html for c in ddf.columns)


def test_groupby_attribute_access(typed_files, read_pandas):
    expected = read_pandas(typed_files).groupby("name").value.mean()
    assert_series_equal(dd.read_csv(typed_files).groupby("name").value.mean().compute(), expected)
