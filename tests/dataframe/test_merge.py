"""``merge`` / ``join`` against pandas.

Row order equals pandas' when both sides have one partition, for a
broadcast join that keeps the big side's order (``inner`` / ``left`` with a
one-partition right side, ``right`` with a one-partition left side), and
for ``outer`` joins (sorted by key, as in pandas). A hash-shuffled
``inner`` / ``left`` / ``right`` join, and an ``inner`` join broadcasting a
one-partition *left* side, give pandas' rows in another order: those tests
compare after sorting every column (``sorted_rows``), as Dask's do.
"""

from __future__ import annotations

import warnings
from typing import Any

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

HOWS = ["inner", "left", "right", "outer"]


def sorted_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in a canonical order, with a new default index."""
    return df.sort_values(list(df.columns), kind="stable", na_position="last").reset_index(
        drop=True
    )


def frames(seed: int = 4, n: int = 30, m: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    k = rng.choice(["a", "b", "c", "d", "élan"], n).astype(object)
    k[rng.random(n) < 0.1] = None
    left = pd.DataFrame(
        {
            "k": pd.array(k, dtype="str"),
            "g": rng.integers(0, 4, n),
            "v": rng.integers(0, 100, n),
            "x": rng.normal(size=n).round(2),
        }
    )
    k2 = rng.choice(["b", "c", "d", "e", "élan"], m).astype(object)
    k2[rng.random(m) < 0.1] = None
    right = pd.DataFrame(
        {
            "k": pd.array(k2, dtype="str"),
            "g": rng.integers(0, 4, m),
            "w": rng.integers(0, 100, m),
            "x": rng.normal(size=m).round(2),
        }
    )
    return left, right


def exact_order(how: str, nleft: int, nright: int) -> bool:
    """Whether ferrox promises pandas' row order for this join."""
    if nleft == 1 and nright == 1 or how == "outer":
        return True
    if nright == 1 and how in ("inner", "left"):
        return True
    return nleft == 1 and how == "right"


KEYS = [
    {"on": "k"},
    {"on": ["k", "g"]},
    {"on": "g"},
    {"left_on": "g", "right_on": "w"},
    {"left_on": ["k", "v"], "right_on": ["k", "w"]},
    {},
]


@pytest.mark.parametrize("parts", [(1, 1), (3, 1), (1, 3), (4, 3)], ids=lambda p: f"{p[0]}x{p[1]}")
@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("keys", KEYS, ids=lambda k: str(k) or "common")
def test_merge(parts, how, keys):
    left, right = frames()
    if not keys:  # the common columns: k, g, x
        right = right.assign(x=right.x.round(0))
        left = left.assign(x=left.x.round(0))
    dl = dd.from_pandas(left, npartitions=parts[0])
    dr = dd.from_pandas(right, npartitions=parts[1])
    expected = pd.merge(left, right, how=how, **keys)
    result = dd.merge(dl, dr, how=how, **keys)
    got = result.compute()
    if exact_order(how, *parts):
        assert_frame_equal(got, expected)
    else:
        assert_frame_equal(sorted_rows(got), sorted_rows(expected))
    assert list(result.columns) == list(expected.columns)


@pytest.mark.parametrize("how", HOWS)
def test_merge_method_and_suffixes(how):
    left, right = frames(5)
    dl, dr = dd.from_pandas(left, npartitions=3), dd.from_pandas(right, npartitions=1)
    expected = left.merge(right, on="k", how=how, suffixes=("_l", "_r"))
    got = dl.merge(dr, on="k", how=how, suffixes=("_l", "_r")).compute()
    if exact_order(how, 3, 1):
        assert_frame_equal(got, expected)
    else:
        assert_frame_equal(sorted_rows(got), sorted_rows(expected))


def test_int_columns_with_missing_values_become_float():
    left = pd.DataFrame({"k": [1, 2, 3, 4], "v": [10, 20, 30, 40]})
    right = pd.DataFrame({"k": [2, 4, 6], "w": [7, 8, 9]})
    for parts in ((1, 1), (2, 1), (2, 2)):
        dl = dd.from_pandas(left, npartitions=parts[0])
        dr = dd.from_pandas(right, npartitions=parts[1])
        for how in HOWS:
            expected = left.merge(right, on="k", how=how)
            got = dl.merge(dr, on="k", how=how).compute()
            if exact_order(how, *parts):
                assert_frame_equal(got, expected)
            else:
                assert_frame_equal(sorted_rows(got), sorted_rows(expected))


def test_missing_keys_match_each_other():
    left = pd.DataFrame({"k": [1.0, np.nan, 2.0], "v": [1, 2, 3]})
    right = pd.DataFrame({"k": [np.nan, 2.0, 5.0], "w": [4, 5, 6]})
    for how in HOWS:
        expected = left.merge(right, on="k", how=how)
        got = dd.from_pandas(left).merge(dd.from_pandas(right), on="k", how=how).compute()
        assert_frame_equal(got, expected)


def test_merge_int_and_float_keys():
    left = pd.DataFrame({"k": [1, 2, 3], "v": [1, 2, 3]})
    right = pd.DataFrame({"j": [2.0, 3.0, 4.0], "w": [4, 5, 6]})
    for how in ("inner", "left"):
        expected = left.merge(right, left_on="k", right_on="j", how=how)
        got = dd.merge(
            dd.from_pandas(left), dd.from_pandas(right), left_on="k", right_on="j", how=how
        ).compute()
        assert_frame_equal(got, expected)


def test_shuffle_join_has_the_larger_partition_count():
    left, right = frames()
    dl, dr = dd.from_pandas(left, npartitions=4), dd.from_pandas(right, npartitions=3)
    assert dd.merge(dl, dr, on="k").npartitions == 4
    assert dd.merge(dl, dr.repartition(npartitions=1), on="k").npartitions == 4


@pytest.mark.parametrize("parts", [(1, 1), (3, 1), (2, 3)], ids=lambda p: f"{p[0]}x{p[1]}")
@pytest.mark.parametrize("how", HOWS)
def test_join_on_index(parts, how):
    left, right = frames(6)
    pl = left.drop_duplicates("k").set_index("k")[["v", "x"]]
    pr = right.set_index("k")[["w", "x"]]
    dl, dr = dd.from_pandas(pl, npartitions=parts[0]), dd.from_pandas(pr, npartitions=parts[1])
    expected = pl.join(pr, how=how, suffixes=("_l", "_r"))
    got = dl.join(dr, how=how, lsuffix="_l", rsuffix="_r").compute()
    if exact_order(how, *parts):
        assert_frame_equal(got, expected)
    else:
        key = lambda df: df.reset_index().pipe(sorted_rows)  # noqa: E731
        assert_frame_equal(key(got), key(expected))
    merged = dd.merge(dl, dr, left_index=True, right_index=True, how=how).compute()
    expected = pd.merge(pl, pr, left_index=True, right_index=True, how=how)
    if exact_order(how, *parts):
        assert_frame_equal(merged, expected)
    else:
        key = lambda df: df.reset_index().pipe(sorted_rows)  # noqa: E731
        assert_frame_equal(key(merged), key(expected))


@settings(max_examples=50, deadline=None)
@given(
    left=partitioned_frames({"k": "str", "a": "int", "x": "float"}, max_rows=15),
    right=partitioned_frames({"k": "str", "a": "int", "y": "float"}, max_rows=15),
    how=st.sampled_from(HOWS),
    on=st.sampled_from(["k", "a", ["k", "a"]]),
)
def test_merge_random(left, right, how, on):
    (pl, lsizes), (pr, rsizes) = left, right
    dl, dr = frame_from_partitions(pl, lsizes), frame_from_partitions(pr, rsizes)
    expected = pd.merge(pl, pr, on=on, how=how)
    got = dd.merge(dl, dr, on=on, how=how).compute()
    if exact_order(how, len(lsizes), len(rsizes)):
        assert_frame_equal(got, expected, check_dtype=len(expected) > 0)
    else:
        assert_frame_equal(sorted_rows(got), sorted_rows(expected), check_dtype=len(expected) > 0)


BAD: list[Any] = [
    pytest.param(lambda m, a, b: m(a, b, on="nope"), KeyError, id="unknown-key"),
    pytest.param(lambda m, a, b: m(a, b, on="k", how="bad"), ValueError, id="how"),
    pytest.param(lambda m, a, b: m(a, b, on="k", left_on="k"), ValueError, id="on-and-left-on"),
    pytest.param(lambda m, a, b: m(a, b, left_on="k"), ValueError, id="left-on-only"),
    pytest.param(
        lambda m, a, b: m(a, b, left_on=["k", "g"], right_on=["k"]), ValueError, id="lengths"
    ),
    pytest.param(lambda m, a, b: m(a, b, left_on="g", right_on="k"), ValueError, id="int-str"),
    pytest.param(lambda m, a, b: m(a[["v"]], b[["w"]]), ValueError, id="no-common-columns"),
    pytest.param(lambda m, a, b: m(a, b, on="k", suffixes=("", "")), ValueError, id="overlap"),
]


@pytest.mark.parametrize(("call", "error"), BAD)
def test_bad_input(call, error):
    left, right = frames()
    with pytest.raises(error) as expected:
        call(pd.merge, left, right)
    with pytest.raises(error) as info:
        call(dd.merge, dd.from_pandas(left, npartitions=2), dd.from_pandas(right, npartitions=2))
    assert type(info.value) is type(expected.value)
    assert str(info.value) == str(expected.value)


def test_join_overlap_without_suffix():
    left, right = frames()
    pl, pr = left.set_index("k"), right.set_index("k")
    with pytest.raises(ValueError) as expected:
        pl.join(pr)
    with pytest.raises(ValueError) as info:
        dd.from_pandas(pl).join(dd.from_pandas(pr))
    assert str(info.value) == str(expected.value)


@pytest.mark.parametrize("how", HOWS)
def test_bool_and_datetime_columns_with_missing_values(how):
    # pandas makes a bool column that gets missing values object, with NaN.
    left = pd.DataFrame({"k": [1, 2, 3], "b": [True, False, True]})
    right = pd.DataFrame(
        {"k": [1, 5], "c": [False, True], "t": pd.to_datetime(["2020-01-01", "2021-06-01"])}
    )
    expected = left.merge(right, on="k", how=how)
    got = dd.from_pandas(left).merge(dd.from_pandas(right), on="k", how=how).compute()
    assert_frame_equal(got, expected)


def test_merge_csv_frames(tmp_path, write_csvs, read_pandas):
    rng = np.random.default_rng(11)
    parts = [
        pd.DataFrame({"k": rng.integers(0, 6, n), "x": rng.normal(size=n).round(3)})
        for n in (8, 0, 5, 9)
    ]
    paths = write_csvs(tmp_path, parts)
    pdf, ddf = read_pandas(paths), dd.read_csv(paths)
    keys = pdf.groupby("k").x.sum().rename("total").reset_index()
    dkeys = ddf.groupby("k").x.sum().rename("total").reset_index()
    # dkeys has one partition: a broadcast join in pandas' row order.
    assert_frame_equal(ddf.merge(dkeys, on="k").compute(), pdf.merge(keys, on="k"))
    got = ddf.merge(ddf, on="k", how="outer").compute()
    assert_frame_equal(got, pdf.merge(pdf, on="k", how="outer"))


@pytest.mark.parametrize("how", HOWS)
def test_int_and_float_keys_of_the_same_name(how):
    # The key column shown once has the dtype of the side its values come from.
    left = pd.DataFrame({"k": [1, 2, 3], "v": [1, 2, 3]})
    right = pd.DataFrame({"k": [2.0, 3.0, 4.0], "w": [4, 5, 6]})
    expected = left.merge(right, on="k", how=how)
    got = dd.merge(dd.from_pandas(left), dd.from_pandas(right), on="k", how=how).compute()
    assert_frame_equal(got, expected)


@pytest.mark.parametrize("parts", [(1, 1), (3, 1), (2, 3)], ids=lambda p: f"{p[0]}x{p[1]}")
@pytest.mark.parametrize("how", HOWS)
def test_columns_against_the_right_index(parts, how):
    left, right = frames(7)
    left = left.set_axis(pd.Index(np.arange(len(left)) * 10 + 5, name="i"))
    pr = right.drop_duplicates("k").set_index("k")[["w", "x"]]
    dl, dr = dd.from_pandas(left, npartitions=parts[0]), dd.from_pandas(pr, npartitions=parts[1])
    expected = left.merge(pr, left_on="k", right_index=True, how=how)
    got = dd.merge(dl, dr, left_on="k", right_index=True, how=how).compute()
    joined = dl.join(dr, on="k", how=how, lsuffix="_l", rsuffix="_r").compute()
    pjoined = left.join(pr, on="k", how=how, suffixes=("_l", "_r"))
    if exact_order(how, *parts):
        assert_frame_equal(got, expected)
        assert_frame_equal(joined, pjoined)
    else:
        key = lambda df: df.reset_index().pipe(sorted_rows)  # noqa: E731
        assert_frame_equal(key(got), key(expected))
        assert_frame_equal(key(joined), key(pjoined))


@settings(max_examples=50, deadline=None)
@given(
    left=partitioned_frames({"k": "str", "a": "int", "x": "float"}, max_rows=15),
    right=partitioned_frames({"j": "str", "b": "int", "x": "float"}, max_rows=15),
    how=st.sampled_from(HOWS),
    keys=st.sampled_from(
        [
            {"left_on": "k", "right_on": "j"},
            {"left_on": ["a", "k"], "right_on": ["b", "j"]},
            {"left_on": "x", "right_on": "x"},
            {"left_on": "a", "right_on": "x"},
        ]
    ),
)
def test_merge_left_on_right_on_random(left, right, how, keys):
    (pl, lsizes), (pr, rsizes) = left, right
    dl, dr = frame_from_partitions(pl, lsizes), frame_from_partitions(pr, rsizes)
    with warnings.catch_warnings():
        # pandas warns when int keys meet float keys that are not integers.
        warnings.simplefilter("ignore", UserWarning)
        expected = pd.merge(pl, pr, how=how, suffixes=("_l", "_r"), **keys)
    got = dd.merge(dl, dr, how=how, suffixes=("_l", "_r"), **keys).compute()
    check_dtype = len(expected) > 0
    if exact_order(how, len(lsizes), len(rsizes)):
        assert_frame_equal(got, expected, check_dtype=check_dtype)
    else:
        assert_frame_equal(sorted_rows(got), sorted_rows(expected), check_dtype=check_dtype)
