"""``melt`` against ``pd.melt``: id and value columns, names, an index,
empty partitions, and the errors pandas raises."""

from __future__ import annotations

import re

import ferrox.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from ferrox.testing import assert_eq
from ferrox.testing.strategies import frame_from_partitions


def melt_frame() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 23
    f = rng.normal(size=n)
    f[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "id": rng.integers(0, 5, n),
            "k": pd.array(rng.choice(["a", "b", None], n), dtype="str"),
            "x": rng.integers(-9, 9, n),
            "f": f,
            "y": rng.integers(0, 3, n),
        }
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"id_vars": ["id", "k"]},
        {"id_vars": ["id", "k"], "value_vars": ["x", "f"]},
        {"id_vars": "id", "value_vars": ["x", "y"], "var_name": "which", "value_name": "v"},
        {"value_vars": "f"},
        {"id_vars": "x", "value_vars": ["k"]},
        {"id_vars": "k", "value_vars": ["x", "y", "id"]},
    ],
    ids=str,
)
@pytest.mark.parametrize("npartitions", [1, 3])
def test_melt(kwargs, npartitions):
    pdf = melt_frame()
    ddf = dd.from_pandas(pdf, npartitions=npartitions)
    expected = pd.melt(pdf, **kwargs)
    assert_eq(dd.melt(ddf, **kwargs), expected)
    assert_eq(ddf.melt(**kwargs), pdf.melt(**kwargs))


def test_melt_of_an_indexed_frame_with_empty_partitions():
    pdf = melt_frame().set_index("id")
    ddf = frame_from_partitions(pdf, (0, 10, 0, 1, 12))
    kwargs = {"id_vars": "k", "value_vars": ["x", "y"]}
    assert_eq(ddf.melt(**kwargs), pdf.melt(**kwargs))


def test_melt_bad_input():
    pdf = melt_frame()
    ddf = dd.from_pandas(pdf, npartitions=2)
    for kwargs in ({"id_vars": "nope"}, {"value_vars": ["x", "zz"]}, {"value_name": "x"}):
        with pytest.raises((KeyError, ValueError)) as expected:
            pd.melt(pdf, **kwargs)
        with pytest.raises(type(expected.value), match=re.escape(str(expected.value.args[0]))):
            dd.melt(ddf, **kwargs)
    # pandas makes text and numbers one object column, which ferrox does not have.
    with pytest.raises(TypeError, match="cannot concatenate values of dtypes str and int64"):
        dd.melt(ddf, id_vars="id")
    with pytest.raises(NotImplementedError, match="ignore_index=False"):
        dd.melt(ddf, ignore_index=False)
