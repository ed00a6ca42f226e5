"""``dd.to_datetime`` against ``pd.to_datetime`` on the same values: guessed
and given formats, missing values, ``errors="coerce"``, numbers with a
``unit``, empty and one-row partitions, and the errors pandas raises."""

from __future__ import annotations

import datetime as dt
import re

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions, partition_sizes
from hypothesis import given, settings
from hypothesis import strategies as st

# One list per format pandas guesses; None, "NaT", "nan" and "" are missing.
GUESSED = [
    ["2024-01-02", None, "2023-12-31", "NaT", "2024-1-5"],
    ["2024/01/02", "2023/12/31", ""],
    ["20240102", "19991231", "nan"],
    ["01/02/2024", "12/31/2023", None],
    ["2024-01-02T05:06", "2024-03-04T23:59"],
    ["2024-01-02 05:06:07", "1500-01-01 00:00:00", None, "2262-06-01 12:00:00"],
    ["2024-01-02 05:06:07.5", "2024-01-02 05:06:07.123456", "2024-01-02 05:06:07.250"],
    ["2024-01-02 5:06", "2024-01-02 15:06"],
]


def series(values: list, npartitions: int) -> tuple[dd.Series, pd.Series]:
    ps = pd.Series(values, name="t", dtype="str")
    return dd.from_pandas(ps, npartitions=npartitions), ps


@pytest.mark.parametrize("values", GUESSED)
@pytest.mark.parametrize("npartitions", [1, 2, 3])
def test_guessed_format(values, npartitions):
    ds, ps = series(values, npartitions)
    result = dd.to_datetime(ds)
    assert result.dtype == pd.to_datetime(ps).dtype
    assert_eq(result, pd.to_datetime(ps))


@pytest.mark.parametrize(
    ("values", "format"),
    [
        (["02/01/2024 05:06", "31/12/2023 23:59"], "%d/%m/%Y %H:%M"),
        (["Jan 02 2024", "Dec 31 2023", None], "%b %d %Y"),
        (["2024-01-02 05:06:07.25", "2024-01-02 05:06:07.000001"], "%Y-%m-%d %H:%M:%S.%f"),
        (["20240102", "19991231"], "%Y%m%d"),
        (["T2024.001", "T2023.365"], "T%Y.%j"),
    ],
)
def test_given_format(values, format):
    ds, ps = series(values, 2)
    expected = pd.to_datetime(ps, format=format)
    assert_eq(dd.to_datetime(ds, format=format), expected)


MIXED = [
    "2024-01-02",
    "2024-03-04 05:06",
    None,
    "2023/12/31",
    "20240105",
    "2024-01-02T05:06:07.25",
    "2024-1-2 5:06:07",
    "NaT",
]


@pytest.mark.parametrize("npartitions", [1, 3])
def test_each_value_its_own_format(npartitions):
    ds, ps = series(MIXED, npartitions)
    assert_eq(dd.to_datetime(ds, format="mixed"), pd.to_datetime(ps, format="mixed"))
    assert_eq(dd.to_datetime(ds, format="ISO8601"), pd.to_datetime(ps, format="ISO8601"))
    us = [*MIXED, "01/02/2024 05:06"]
    ds, ps = series(us, npartitions)
    assert_eq(dd.to_datetime(ds, format="mixed"), pd.to_datetime(ps, format="mixed"))
    expected = pd.to_datetime(ps, format="ISO8601", errors="coerce")
    assert_eq(dd.to_datetime(ds, format="ISO8601", errors="coerce"), expected)
    with pytest.raises(ValueError, match='time data "01/02/2024 05:06" doesn\'t match format'):
        dd.to_datetime(ds, format="ISO8601").compute()
    ds, ps = series(["2024-01-02", "x"], npartitions)
    with pytest.raises(ValueError, match="Unknown datetime string format, unable to parse: x"):
        dd.to_datetime(ds, format="mixed").compute()
    with pytest.raises(ValueError, match="Unknown datetime string format, unable to parse: x"):
        pd.to_datetime(ps, format="mixed")


@pytest.mark.parametrize("unit", ["ns", "us", "ms"])
def test_astype_datetime_of_text(unit):
    ds, ps = series(MIXED, 2)
    result = ds.astype(f"datetime64[{unit}]")
    assert result.dtype == np.dtype(f"datetime64[{unit}]")
    assert_eq(result, ps.astype(f"datetime64[{unit}]"))
    pdf = pd.DataFrame({"t": ps, "x": range(len(ps))})
    ddf = dd.from_pandas(pdf, npartitions=2)
    assert_eq(ddf.astype({"t": f"datetime64[{unit}]"}), pdf.astype({"t": f"datetime64[{unit}]"}))


def test_coerce_makes_bad_values_missing():
    ds, ps = series(["2024-01-02", "x", None, "2024-13-01", "2024-02-30", "2024-03-01"], 2)
    assert_eq(dd.to_datetime(ds, errors="coerce"), pd.to_datetime(ps, errors="coerce"))
    fmt = "%Y-%m-%d"
    expected = pd.to_datetime(ps, errors="coerce", format=fmt)
    assert_eq(dd.to_datetime(ds, errors="coerce", format=fmt), expected)


@pytest.mark.parametrize(
    ("bad", "format"),
    [
        ("x", "%Y-%m-%d"),
        ("2024-13-01", "%Y-%m-%d"),
        ("2024-01-02 05:06", "%Y-%m-%d"),
        ("2024-02-30", "%Y-%m-%d"),
        ("2024-01-02", "%Y-%m-%d %H:%M"),
        ("2024-01-02 05:06:07", "%Y-%m-%d %H:%M:%S.%f"),
        ("2024-01-02 05:06:07.5x", "%Y-%m-%d %H:%M:%S.%f"),
        ("24-01-02", "%Y-%m-%d"),
    ],
)
def test_a_bad_value_raises_pandas_error(bad, format):
    good = pd.Timestamp("2024-01-02 05:06:07.5").strftime(format.replace("%f", "5"))
    ds, ps = series([good, bad, good], 2)
    with pytest.raises(ValueError):
        pd.to_datetime(ps, format=format)
    # pandas words it by what is wrong; ours names the value and the format.
    message = f'time data "{bad}" doesn\'t match format "{format}"'
    with pytest.raises(ValueError, match=re.escape(message)):
        dd.to_datetime(ds, format=format).compute()
    expected = pd.to_datetime(ps, format=format, errors="coerce")
    assert_eq(dd.to_datetime(ds, format=format, errors="coerce"), expected)


@pytest.mark.parametrize("unit", ["D", "h", "m", "s", "ms", "us", "ns"])
def test_whole_numbers_with_a_unit(unit):
    ps = pd.Series([0, 1, -86_401, 19_000, 3], name="n")
    ds = dd.from_pandas(ps, npartitions=2)
    expected = pd.to_datetime(ps, unit=unit)
    result = dd.to_datetime(ds, unit=unit)
    assert result.dtype == expected.dtype
    assert_eq(result, expected)


def test_numbers_without_a_unit_are_nanoseconds():
    ps = pd.Series([0, 10**18, -5], name="n")
    assert_eq(dd.to_datetime(dd.from_pandas(ps, npartitions=2)), pd.to_datetime(ps))


def test_datetimes_pass_through():
    ps = pd.Series(pd.to_datetime(["2024-01-02 00:00", None, "2025-03-04 05:06"]), name="t")
    assert_eq(dd.to_datetime(dd.from_pandas(ps, npartitions=2)), pd.to_datetime(ps))


def test_pandas_objects_go_to_pandas():
    ps = pd.Series(["2024-01-02", "2024-01-03"])
    pd.testing.assert_series_equal(dd.to_datetime(ps), pd.to_datetime(ps))
    assert dd.to_datetime("2024-01-02") == pd.to_datetime("2024-01-02")


def test_in_a_frame_from_csv(tmp_path, write_csvs, read_pandas):
    frames = [
        pd.DataFrame({"when": ["2024-01-02 05:00", "2024-01-03 06:30"], "x": [1, 2]}),
        pd.DataFrame({"when": ["2024-02-01 00:00", None, "2023-12-31 23:59"], "x": [3, 4, 5]}),
    ]
    paths = write_csvs(tmp_path, frames)
    ddf, pdf = dd.read_csv(paths), read_pandas(paths)
    ddf["when"] = dd.to_datetime(ddf["when"])
    pdf["when"] = pd.to_datetime(pdf["when"])
    assert_eq(ddf, pdf)
    # Without NaT: pandas' months of a column with NaT are float64 (NaN),
    # a dtype that depends on the values.
    ddf, pdf = ddf[ddf.when.notna()], pdf[pdf.when.notna()]
    assert_eq(ddf.groupby(ddf.when.dt.month).x.sum(), pdf.groupby(pdf.when.dt.month).x.sum())


FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%Y%m%d", "%Y-%m-%dT%H:%M:%S.%f"]
MOMENTS = st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    moments=st.lists(st.none() | MOMENTS, min_size=0, max_size=15),
    fmt=st.sampled_from(FORMATS),
    given_format=st.booleans(),
)
def test_like_pandas(data, moments, fmt, given_format):
    """Random moments written in one format, missing values among them, in
    partitions of random lengths (empty and one-row ones included)."""
    values = [None if m is None else m.strftime(fmt) for m in moments]
    pdf = pd.DataFrame({"t": pd.array(values, dtype="str")})
    sizes = data.draw(partition_sizes(len(pdf)))
    ddf = frame_from_partitions(pdf, sizes)
    fmt_arg = fmt if given_format else None
    expected = pd.to_datetime(pdf.t, format=fmt_arg)
    if not len(pdf) or pdf.t.isna().all():
        # pandas gives datetime64[s] for nothing to parse; a lazy result
        # cannot depend on the values and keeps text's resolution.
        expected = expected.astype("datetime64[us]")
    assert_eq(dd.to_datetime(ddf.t, format=fmt_arg), expected)


@pytest.mark.parametrize(
    ("values", "kwargs", "error", "message"),
    [
        ([True, False], {}, TypeError, "to_datetime of bool values is not supported"),
        ([1.5, 2.0], {}, NotImplementedError, "float values"),
        ([1.5, 2.0], {"unit": "s"}, NotImplementedError, "whole numbers only"),
        ([1, 2], {"unit": "bad"}, ValueError, "cannot cast unit bad"),
        (["2024-01-02"], {"errors": "ignore"}, ValueError, "errors must be one of"),
        (["2024-01-02"], {"utc": True}, NotImplementedError, r"to_datetime\(utc=True\)"),
        (["2024-01-02"], {"dayfirst": True}, NotImplementedError, "dayfirst"),
        (["2024-01-02"], {"origin": "julian"}, NotImplementedError, "origin"),
        (["2024-01-02+01:00"], {"format": "%Y-%m-%d%z"}, NotImplementedError, "time zone"),
        (["2024-01-02 050607"], {"format": "%Y-%m-%d %H%M%S%f"}, NotImplementedError, "%f"),
    ],
)
def test_bad_arguments(values, kwargs, error, message):
    ds = dd.from_pandas(pd.Series(values), npartitions=1)
    with pytest.raises(error, match=message):
        dd.to_datetime(ds, **kwargs).compute()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["2024-01-02T05:06:07Z"], r"could not guess the datetime format of .*pass `format=`"),
        (["Jan 2, 2024"], "could not guess"),
        (["2024-01-02 05:06:07.123456789"], "nanoseconds is not supported"),
    ],
)
def test_text_it_cannot_read_as_pandas_does(values, message):
    ds = dd.from_pandas(pd.Series(values, dtype="str"), npartitions=1)
    pd.to_datetime(pd.Series(values))  # pandas reads these (tz-aware, dateutil, ns)
    with pytest.raises(ValueError, match=message):
        dd.to_datetime(ds).compute()


def test_matches_dask():
    import dask.dataframe as dask_dd

    ps = pd.Series(["2024-01-02", "2023-12-31", None, "2024-06-07"], name="t", dtype="str")
    expected = dask_dd.to_datetime(dask_dd.from_pandas(ps, npartitions=2)).compute()
    assert_eq(dd.to_datetime(dd.from_pandas(ps, npartitions=2)), expected)
    assert np.dtype(dd.to_datetime(dd.from_pandas(ps, npartitions=2)).dtype) == expected.dtype
