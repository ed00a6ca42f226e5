"""``ferrox.dataframe`` group-by aggregations against pandas.

Every expected value is pandas' answer to the same call on
``pandas.read_csv`` of the same files, concatenated (the ``read_pandas``
fixture); files are written with pandas' ``to_csv(index=False)``.
"""

from __future__ import annotations

import os
import pathlib
import re
import tempfile
from collections.abc import Callable
from typing import Any

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partition_sizes
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

AGGS = ["sum", "mean", "count", "size", "min", "max"]

#: Text keys: mixed case (pandas sorts "B" before "a"), a space, non-ASCII.
WORDS = ["b", "a", "B", "c d", "élan"]

#: Sizes of the files of ``group_files``: a header-only file, one-row files.
SIZES = [7, 1, 0, 12, 5, 3, 9, 1, 6]


def assert_same(result: Any, expected: Any) -> None:
    """Values, dtypes, index (names, dtypes), column and row order."""
    if isinstance(expected, pd.Series):
        assert_series_equal(result, expected)
    else:
        assert_frame_equal(result, expected)


def group_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Keys ``k`` (text, with missing values) and ``g`` (int); values ``x``
    (float, with NaN), ``n`` (int) and ``b`` (bool). Row 0 has no missing
    value, so each file has a value of every type to infer from."""
    k = rng.choice(WORDS, n).astype(object)
    x = rng.integers(-20, 20, n) / 4
    if n > 1:
        k[1:][rng.random(n - 1) < 0.2] = None
        x[1:][rng.random(n - 1) < 0.25] = np.nan
    return pd.DataFrame(
        {
            "k": pd.array(k, dtype="str"),
            "g": rng.integers(0, 3, n),
            "x": x,
            "n": rng.integers(-100, 100, n),
            "b": rng.random(n) < 0.5,
        }
    )


@pytest.fixture(scope="module")
def group_files(tmp_path_factory, write_csvs) -> list[str]:
    rng = np.random.default_rng(7)
    directory = tmp_path_factory.mktemp("groupby")
    return write_csvs(directory, [group_frame(rng, n) for n in SIZES])


@pytest.fixture(scope="module")
def group_frames(group_files, read_pandas) -> tuple[dd.DataFrame, pd.DataFrame]:
    """(ferrox frame, pandas frame) of ``group_files``, read by a glob."""
    pattern = os.path.join(os.path.dirname(group_files[0]), "data_*.csv")
    return dd.read_csv(pattern), read_pandas(group_files)


def groupby_call(keys: Any, agg: str, selection: Any, **groupby: Any) -> Callable[[Any], Any]:
    """``df.groupby(keys, **groupby)[selection].agg()`` (no ``[...]`` for ``None``)."""

    def call(df: Any) -> Any:
        grouped = df.groupby(keys, **groupby)
        if selection is not None:
            grouped = grouped[selection]
        return getattr(grouped, agg)()

    return call


def check(ddf: dd.DataFrame, pdf: pd.DataFrame, keys: Any, agg: str, selection: Any, **kw: Any):
    expected = groupby_call(keys, agg, selection)(pdf)
    result = groupby_call(keys, agg, selection, **kw)(ddf)
    assert result.npartitions == 1
    assert_same(result.compute(), expected)


# --- the seed example --------------------------------------------------------


@pytest.fixture
def seed_files(tmp_path, write_csvs) -> list[str]:
    rng = np.random.default_rng(0)
    frames = []
    for n in (40, 25, 1, 60):
        value = rng.normal(size=n)
        value[rng.random(n) < 0.2] = np.nan
        category = rng.choice(["x", "y", "z", "w"], n).astype(object)
        category[1:][rng.random(n - 1) < 0.1] = None
        frames.append(pd.DataFrame({"category": category, "value": value}))
    return write_csvs(tmp_path, frames)


def test_seed_example(tmp_path, seed_files, read_pandas):
    result = dd.read_csv(str(tmp_path / "data_*.csv")).groupby("category")["value"].mean()
    expected = read_pandas(seed_files).groupby("category")["value"].mean()
    assert_series_equal(result.compute(), expected)


# --- every aggregation, key and selection ------------------------------------

KEYS = ["k", "g", ["k", "g"], ["g", "k"]]
SELECTIONS = [None, "x", "n", "b", "k", ["x", "n"], ["b"], ["n", "x", "b"]]


def cases() -> list[Any]:
    out = []
    for keys in KEYS:
        key_list = [keys] if isinstance(keys, str) else keys
        for selection in SELECTIONS:
            columns = ["k", "g", "x", "n", "b"] if selection is None else selection
            columns = [columns] if isinstance(columns, str) else columns
            if any(c in key_list for c in columns):
                if selection is not None:
                    continue  # selecting a key column: test_select_key_column
                columns = [c for c in columns if c not in key_list]
            for agg in AGGS:
                if agg in ("sum", "mean") and "k" in columns:
                    continue  # sum / mean of text: test_sum_of_text, test_mean_of_text
                out.append(pytest.param(keys, agg, selection, id=f"{keys}-{selection}-{agg}"))
    return out


@pytest.mark.parametrize(("keys", "agg", "selection"), cases())
def test_groupby(group_frames, keys, agg, selection):
    ddf, pdf = group_frames
    for split_every in (None, 2, 3):
        check(ddf, pdf, keys, agg, selection, split_every=split_every)


@pytest.mark.parametrize("agg", AGGS)
def test_split_every_two_builds_a_deep_tree(tmp_path, write_csvs, read_pandas, agg):
    rng = np.random.default_rng(8)
    sizes = [4, *rng.integers(0, 6, 16)]  # a non-empty first file, then some empty ones
    paths = write_csvs(tmp_path, [group_frame(rng, int(n)) for n in sizes])
    ddf, pdf = dd.read_csv(str(tmp_path / "data_*.csv")), read_pandas(paths)
    result = ddf.groupby(["k", "g"], split_every=2)[["x", "n"]]
    result = getattr(result, agg)()
    (task,) = result.__ferrox_cores__()
    levels = {key[0] for key in task.to_dict() if re.search(r"-combine-\d+$", key[0])}
    assert len(levels) >= 3  # 17 chunks -> 9 -> 5 -> 3 -> 2 -> aggregate
    assert_same(result.compute(), getattr(pdf.groupby(["k", "g"])[["x", "n"]], agg)())


# --- missing values ----------------------------------------------------------


@pytest.mark.parametrize("agg", AGGS)
@pytest.mark.parametrize("selection", [None, "x", ["x"]])
def test_all_nan_group(tmp_path, write_csvs, read_pandas, agg, selection):
    # Group "a" has only NaN in x (in both files): mean NaN, sum 0.0, count 0.
    paths = write_csvs(
        tmp_path,
        [
            pd.DataFrame({"k": ["b", "a", "c", "a"], "x": [1.5, np.nan, np.nan, np.nan]}),
            pd.DataFrame({"k": ["a", "c", "b"], "x": [np.nan, 2.0, np.nan]}),
        ],
    )
    pdf = read_pandas(paths)
    assert pdf.groupby("k")["x"].count().min() == 0
    check(dd.read_csv(paths), pdf, "k", agg, selection, split_every=2)


@pytest.mark.parametrize("agg", AGGS)
@pytest.mark.parametrize("keys", [["k", "h"], ["h", "k"]])
def test_missing_keys_are_dropped(tmp_path, write_csvs, read_pandas, agg, keys):
    paths = write_csvs(
        tmp_path,
        [
            pd.DataFrame(
                {"k": ["a", None, "b", "a", None], "h": ["u", "v", None, "v", "u"], "x": range(5)}
            ),
            pd.DataFrame({"k": ["b", "a", None], "h": ["v", "u", None], "x": range(5, 8)}),
        ],
        na_rep="NA",
    )
    pdf = read_pandas(paths)
    assert pdf[keys].isna().any(axis=None)
    ddf = dd.read_csv(paths)
    check(ddf, pdf, keys, agg, None)
    check(ddf, pdf, keys, agg, "x")
    check(ddf, pdf, keys[0], agg, ["x"])


@pytest.mark.parametrize("agg", AGGS)
def test_float_keys_with_an_all_missing_partition(tmp_path, write_csvs, read_pandas, agg):
    paths = write_csvs(
        tmp_path,
        [
            pd.DataFrame({"f": [0.5, 1.5, np.nan, 0.5], "x": [1.0, 2.0, 3.0, np.nan]}),
            pd.DataFrame({"f": [np.nan, np.nan], "x": [4.0, 5.0]}),
            pd.DataFrame({"f": [-2.5, 1.5], "x": [6.0, 7.0]}),
        ],
    )
    check(dd.read_csv(paths), read_pandas(paths), "f", agg, "x", split_every=2)


@pytest.mark.parametrize("agg", AGGS)
def test_int_keys_with_missing_values(tmp_path, write_csvs, read_pandas, agg):
    paths = write_csvs(
        tmp_path,
        [
            pd.DataFrame({"g": [1, None, 2, 1], "x": [1.0, 2.0, 3.0, 4.0]}),
            pd.DataFrame({"g": [2, 3], "x": [5.0, 6.0]}),
        ],
        float_format="%.0f",
    )
    pdf = read_pandas(paths)
    assert pdf["g"].isna().any()
    check(dd.read_csv(paths), pdf, "g", agg, "x")


@pytest.mark.parametrize("agg", AGGS)
def test_int_values_with_missing_values(tmp_path, write_csvs, read_pandas, agg):
    paths = write_csvs(
        tmp_path,
        [
            pd.DataFrame({"k": ["a", "b", "b", "a"], "n": [1, None, 2, 5]}),
            pd.DataFrame({"k": ["b", "c"], "n": [3, 4]}),
        ],
        float_format="%.0f",
    )
    pdf = read_pandas(paths)
    assert pdf["n"].isna().any()
    check(dd.read_csv(paths), pdf, "k", agg, "n")


# --- text columns ------------------------------------------------------------


@pytest.mark.parametrize("selection", [None, "k", ["k", "x"]])
def test_sum_of_text(group_frames, selection):
    """pandas joins each group's strings in row order ("" for none)."""
    ddf, pdf = group_frames
    check(ddf, pdf, "g", "sum", selection)


@pytest.mark.parametrize("selection", ["k", ["k"], ["x", "k"], None])
def test_mean_of_text(group_frames, selection):
    ddf, pdf = group_frames
    with pytest.raises(TypeError) as expected:
        groupby_call("g", "mean", selection)(pdf)
    with pytest.raises(TypeError) as info:
        groupby_call("g", "mean", selection)(ddf).compute()
    assert type(info.value) is type(expected.value)
    # The messages differ: pandas 3 says "dtype 'str' does not support operation
    # 'mean'", ferrox (like pandas 2) "agg function failed [how->mean, dtype->str]".
    if str(info.value) != str(expected.value):
        assert "mean" in str(info.value)


@pytest.mark.parametrize("selection", ["k", ["x", "k"]])
def test_select_key_column(group_frames, selection):
    ddf, pdf = group_frames
    check(ddf, pdf, "k", "count", selection)


# --- bad input ---------------------------------------------------------------

UNKNOWN = [
    pytest.param(lambda df: df.groupby("nope"), "nope", id="key"),
    pytest.param(lambda df: df.groupby(["category", "nope"]), "nope", id="second-key"),
    pytest.param(lambda df: df.groupby("category")["nope"], "nope", id="column"),
    pytest.param(lambda df: df.groupby("category")[["value", "nope"]], "nope", id="columns"),
]


@pytest.mark.parametrize(("call", "name"), UNKNOWN)
def test_unknown_column(seed_files, read_pandas, call, name):
    with pytest.raises(KeyError):
        call(read_pandas(seed_files))
    with pytest.raises(KeyError) as info:
        call(dd.read_csv(seed_files))
    assert name in str(info.value.args[0])


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda df: df["valeu"], id="getitem"),
        pytest.param(lambda df: df.groupby("valeu"), id="key"),
        pytest.param(lambda df: df.groupby("category")["valeu"], id="column"),
        pytest.param(lambda df: df.groupby("category")[["valeu"]], id="columns"),
    ],
)
def test_unknown_column_close_match(seed_files, read_pandas, call):
    with pytest.raises(KeyError):
        call(read_pandas(seed_files))
    with pytest.raises(KeyError) as info:
        call(dd.read_csv(seed_files))
    message = str(info.value.args[0])
    assert "valeu" in message
    assert "value" in message.replace("valeu", "")


# --- hypothesis ---------------------------------------------------------------

_KEY = st.sampled_from(["a", "b", "C"])
_FLOAT = st.integers(-8, 8).map(lambda v: v / 2)


@st.composite
def csv_frames(draw: st.DrawFn) -> list[pd.DataFrame]:
    """1-6 frames of 0-8 rows (the first has at least one): text key ``k``
    with missing values, int key ``g``, float ``x`` with NaN, int ``n``.

    Row 0 of a non-empty frame has a text key, and of the first frame a
    number in ``x``: a column that is all missing in a file reads as float64
    in pandas (and as str in ferrox's first file, see test_read_csv)."""
    frames = []
    for i in range(draw(st.integers(1, 6))):
        rows = []
        for j in range(draw(st.integers(1 if i == 0 else 0, 8))):
            k = draw(_KEY if j == 0 else st.none() | _KEY)
            x = draw(_FLOAT if i == j == 0 else st.just(np.nan) | _FLOAT)
            rows.append((k, draw(st.integers(0, 2)), x, draw(st.integers(-5, 5))))
        frame = pd.DataFrame(rows, columns=["k", "g", "x", "n"])
        frames.append(frame.astype({"k": "str", "g": "int64", "x": "float64", "n": "int64"}))
    return frames


@settings(deadline=None)
@given(
    frames=csv_frames(),
    na_rep=st.sampled_from(["", "NA", "nan"]),
    keys=st.sampled_from(["k", "g", ["k", "g"], ["g", "k"]]),
    agg=st.sampled_from(AGGS),
    selection=st.sampled_from([None, "x", "n", ["x"], ["n", "x"]]),
    split_every=st.sampled_from([None, 2, 3]),
)
def test_groupby_hypothesis(
    write_csvs, read_pandas, frames, na_rep, keys, agg, selection, split_every
):
    if selection is None and agg in ("sum", "mean") and "k" not in keys:
        selection = ["x", "n"]  # no sum / mean of text (test_sum_of_text, test_mean_of_text)
    with tempfile.TemporaryDirectory() as directory:
        paths = write_csvs(directory, frames, na_rep=na_rep)
        ddf = dd.read_csv(str(pathlib.Path(directory) / "data_*.csv"))
        check(ddf, read_pandas(paths), keys, agg, selection, split_every=split_every)


# --- one text key: the one-pass chunk step ------------------------------------

#: Keys of at most 12 bytes (held in their Arrow view) and longer ones that
#: share a prefix and a length, differing only past the view's prefix.
_TEXT_KEYS = [
    "",
    "a",
    "B",
    "twelve bytes",
    "a longer key, part one",
    "a longer key, part two",
    None,
]


@st.composite
def text_key_frames(draw: st.DrawFn) -> tuple[pd.DataFrame, tuple[int, ...]]:
    n = draw(st.integers(0, 30))
    values = st.lists(st.sampled_from([-1.5, 0.25, 2.0, np.inf, np.nan]), min_size=n, max_size=n)
    frame = pd.DataFrame(
        {
            "k": pd.array(
                draw(st.lists(st.sampled_from(_TEXT_KEYS), min_size=n, max_size=n)), dtype="str"
            ),
            "x": np.array(draw(values), dtype=np.float64),
            "n": np.array(
                draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), dtype=np.int64
            ),
            "b": np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))),
        },
        index=pd.RangeIndex(n),
    )
    return frame, draw(partition_sizes(n, 6))


@settings(max_examples=60, deadline=None)
@given(data=text_key_frames(), dropna=st.booleans())
def test_text_key_sums_means_counts(data, dropna):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    g, pg = ddf.groupby("k", dropna=dropna), pdf.groupby("k", dropna=dropna)
    for agg in ["sum", "mean", "count"]:
        for col in ["x", "n", "b"]:
            assert_eq(getattr(g[col], agg)(), getattr(pg[col], agg)())
    assert_eq(g.size(), pg.size())
    assert_eq(
        g.agg({"x": ["sum", "mean"], "n": "count"}), pg.agg({"x": ["sum", "mean"], "n": "count"})
    )


def test_text_key_sum_is_compensated():
    # Many small values after a large one: an uncompensated sum drifts.
    x = np.concatenate([[1e16], np.full(999, 1.0), [-1e16]])
    pdf = pd.DataFrame({"k": pd.array(["g"] * x.size, dtype="str"), "x": x})
    ddf = dd.from_pandas(pdf, npartitions=1)
    assert_eq(ddf.groupby("k").x.sum(), pdf.groupby("k").x.sum())
    assert_eq(ddf.groupby("k").x.mean(), pdf.groupby("k").x.mean())


# --- min_count ---------------------------------------------------------------


@pytest.mark.parametrize("op", ["sum", "prod", "min", "max", "first", "last"])
@pytest.mark.parametrize("min_count", [0, 1, "smallest+1", "largest+1"])
@pytest.mark.parametrize("selection", ["x", ["x", "n"], None])
def test_min_count(group_frames, op, min_count, selection):
    """A group with fewer than ``min_count`` values is missing (ints become
    float64 where one is, as in pandas)."""
    ddf, pdf = group_frames
    if isinstance(min_count, str):
        counts = pdf.groupby("g").x.count()
        min_count = (
            counts.min() if min_count == "smallest+1" else pdf.groupby("g").size().max()
        ) + 1
    if op == "prod" and selection != "x":
        selection = "x"  # products of the int columns overflow
    if selection is None:
        ddf, pdf = ddf.drop(columns="k"), pdf.drop(columns="k")

    def call(df):
        grouped = df.groupby("g")
        grouped = grouped if selection is None else grouped[selection]
        return getattr(grouped, op)(min_count=min_count)

    expected = call(pdf)
    if min_count > 1:
        assert expected.isna().to_numpy().any()
    bools = isinstance(expected, pd.DataFrame) and "b" in expected and op != "sum"
    if bools and expected.b.isna().all():
        # pandas infers float64 for a bool result of nothing but NaN; the
        # dtype of a lazy result cannot depend on the values.
        expected["b"] = expected.b.astype(object)
    assert_same(call(ddf).compute(), expected)


def test_min_count_as_index_false_and_text(group_frames):
    ddf, pdf = group_frames
    for call in (
        lambda df: df.groupby("k", as_index=False).x.sum(min_count=3),
        lambda df: df.groupby("g").k.sum(min_count=4),
        lambda df: df.groupby(["g", "b"]).n.max(min_count=6),
    ):
        assert_same(call(ddf).compute(), call(pdf))


def test_min_count_bad_input(group_frames):
    ddf, pdf = group_frames
    for call in (
        lambda df: df.groupby("g").x.mean(min_count=1),
        lambda df: df.groupby("g").x.sum(min_count="2"),
    ):
        with pytest.raises(TypeError) as expected:
            call(pdf)
        with pytest.raises(TypeError) as info:
            call(ddf)
        assert "min_count" in str(info.value)
        assert "min_count" in str(expected.value) or "str" in str(expected.value)
