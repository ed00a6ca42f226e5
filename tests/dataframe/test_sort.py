"""``sort_values``, ``sort_index``, ``nlargest`` / ``nsmallest`` against pandas.

ferrox sorts stably (ties keep their order), so the reference is pandas with
``kind="stable"``: pandas' default ``quicksort`` leaves the order of ties
unspecified for one key (for several keys pandas sorts stably anyway).
"""

from __future__ import annotations

from typing import Any

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing.strategies import frame_from_partitions, partitioned_frames
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal


def assert_same(result: Any, expected: Any) -> None:
    if isinstance(expected, pd.Series):
        assert_series_equal(result, expected)
    else:
        assert_frame_equal(result, expected)


def sample_frame(n: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.integers(-10, 10, n) / 2
    x[rng.random(n) < 0.2] = np.nan
    s = rng.choice(["a", "b", "B", "élan", "c d"], n).astype(object)
    s[rng.random(n) < 0.15] = None
    return pd.DataFrame(
        {
            "a": rng.integers(0, 5, n),
            "x": x,
            "s": pd.array(s, dtype="str"),
            "b": rng.random(n) < 0.5,
        }
    )


SORTS = [
    ("a", True),
    ("x", True),
    ("x", False),
    ("s", True),
    ("s", False),
    ("b", True),
    (["a", "x"], True),
    (["a", "x"], [True, False]),
    (["s", "a"], [False, True]),
    (["b", "s", "x"], [True, False, True]),
]


@pytest.mark.parametrize("npartitions", [1, 3, 7])
@pytest.mark.parametrize("na_position", ["last", "first"])
@pytest.mark.parametrize(("by", "ascending"), SORTS)
def test_sort_values(npartitions, na_position, by, ascending):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    result = ddf.sort_values(by, ascending=ascending, na_position=na_position)
    assert result.npartitions == npartitions
    expected = pdf.sort_values(by, ascending=ascending, na_position=na_position, kind="stable")
    assert_same(result.compute(), expected)


def test_sort_is_global_across_partitions():
    from ferrox import base

    pdf = sample_frame(200, seed=3)
    result = dd.from_pandas(pdf, npartitions=6).sort_values("x")
    assert_same(result.compute(), pdf.sort_values("x", kind="stable"))
    # Every output partition is a range of the key: its values lie between
    # those of the partitions before and after it.
    tables = base.compute_cores(result.__ferrox_cores__())
    values = [t.column("x").to_pandas().dropna() for t in tables]
    nonempty = [v for v in values if len(v)]
    assert len(nonempty) > 1
    for left, right in zip(nonempty, nonempty[1:], strict=False):
        assert left.max() <= right.min()


def test_sort_keeps_a_named_index():
    pdf = sample_frame().set_index("s")
    ddf = dd.from_pandas(pdf, npartitions=4)
    assert_same(ddf.sort_values("x").compute(), pdf.sort_values("x", kind="stable"))


def test_sort_then_rowwise():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=3)
    result = ddf.sort_values("x")
    result = result[result.a > 1]
    result = result.assign(y=result.x * 2)
    expected = pdf.sort_values("x", kind="stable")
    expected = expected[expected.a > 1]
    expected = expected.assign(y=expected.x * 2)
    assert_same(result.compute(), expected)


def test_series_sort_values():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=3)
    for asc in (True, False):
        assert_same(
            ddf.x.sort_values(ascending=asc).compute(),
            pdf.x.sort_values(ascending=asc, kind="stable"),
        )


def test_sort_index():
    pdf = sample_frame().set_index("a")
    ddf = dd.from_pandas(pdf, npartitions=4)
    assert_same(ddf.sort_index().compute(), pdf.sort_index(kind="stable"))


@settings(max_examples=60, deadline=None)
@given(
    data=partitioned_frames({"a": "int", "x": "float", "s": "str", "b": "bool"}),
    keys=st.lists(st.sampled_from(["a", "x", "s", "b"]), min_size=1, max_size=3, unique=True),
    flags=st.lists(st.booleans(), min_size=3, max_size=3),
    na_position=st.sampled_from(["first", "last"]),
)
def test_sort_values_random(data, keys, flags, na_position):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    asc = flags[: len(keys)]
    result = ddf.sort_values(keys, ascending=asc, na_position=na_position).compute()
    expected = pdf.sort_values(keys, ascending=asc, na_position=na_position, kind="stable")
    assert_same(result, expected)


# --- nlargest / nsmallest -----------------------------------------------------


@pytest.mark.parametrize("npartitions", [1, 4])
@pytest.mark.parametrize("method", ["nlargest", "nsmallest"])
@pytest.mark.parametrize("columns", ["a", "x", ["a", "x"], ["x", "a"]])
@pytest.mark.parametrize("n", [0, 1, 5, 100])
def test_nlargest(npartitions, method, columns, n):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    result = getattr(ddf, method)(n, columns, split_every=2)
    assert result.npartitions == 1
    assert_same(result.compute(), getattr(pdf, method)(n, columns))


@pytest.mark.parametrize("method", ["nlargest", "nsmallest"])
def test_series_nlargest(method):
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=3)
    for n in (0, 3, 100):
        assert_same(getattr(ddf.x, method)(n).compute(), getattr(pdf.x, method)(n))


@settings(max_examples=40, deadline=None)
@given(
    data=partitioned_frames({"a": "int", "x": "float"}),
    n=st.integers(0, 8),
    largest=st.booleans(),
    columns=st.sampled_from(["a", "x", ["x", "a"]]),
)
def test_nlargest_random(data, n, largest, columns):
    pdf, sizes = data
    ddf = frame_from_partitions(pdf, sizes)
    method = "nlargest" if largest else "nsmallest"
    result = getattr(ddf, method)(n, columns, split_every=2).compute()
    assert_same(result, getattr(pdf, method)(n, columns))


# --- bad input ----------------------------------------------------------------

BAD = [
    pytest.param(lambda df: df.sort_values("nope"), KeyError, id="unknown-key"),
    pytest.param(lambda df: df.sort_values(["a", "nope"]), KeyError, id="unknown-second-key"),
    pytest.param(
        lambda df: df.sort_values("a", ascending=[True, False]), ValueError, id="ascending-length"
    ),
    pytest.param(lambda df: df.sort_values("a", na_position="middle"), ValueError, id="na"),
    pytest.param(lambda df: df.nlargest(2, "nope"), KeyError, id="nlargest-unknown"),
    pytest.param(lambda df: df.nlargest(2, "s"), TypeError, id="nlargest-text"),
    pytest.param(lambda df: df.nsmallest(2, ["a", "s"]), TypeError, id="nsmallest-text"),
]


@pytest.mark.parametrize(("call", "error"), BAD)
def test_bad_input(call, error):
    pdf = sample_frame()
    with pytest.raises(error) as expected:
        call(pdf)
    with pytest.raises(error) as info:
        call(dd.from_pandas(pdf, npartitions=2))
    if error is not KeyError:
        assert str(info.value) == str(expected.value)
    else:
        assert "nope" in str(info.value)


def test_sort_values_ignore_index():
    pdf = sample_frame()
    ddf = dd.from_pandas(pdf, npartitions=3)
    assert_same(
        ddf.sort_values(["s", "x"], ignore_index=True).compute(),
        pdf.sort_values(["s", "x"], ignore_index=True, kind="stable"),
    )


def test_computed_nan_keys_are_missing():
    # 0 / 0 is NaN, which pandas sorts (and ferrox shuffles) as missing.
    pdf = pd.DataFrame({"a": [0.0, 1.0, 2.0, 0.0, -1.0, 3.0], "b": [0.0, 2.0, 1.0, 5.0, 1.0, 0.0]})
    ddf = dd.from_pandas(pdf, npartitions=3)
    for na_position in ("first", "last"):
        result = ddf.assign(r=ddf.a / ddf.b).sort_values("r", na_position=na_position)
        expected = pdf.assign(r=pdf.a / pdf.b).sort_values(
            "r", na_position=na_position, kind="stable"
        )
        assert_same(result.compute(), expected)
