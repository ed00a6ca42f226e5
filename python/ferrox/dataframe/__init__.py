"""``ferrox.dataframe``: partitioned data frames with Dask DataFrame's API
and pandas' results.

Change ``import dask.dataframe as dd`` to ``import ferrox.dataframe as dd``::

    import ferrox.dataframe as dd
    df = dd.read_csv("data_*.csv")
    df.groupby("category")["value"].mean().compute()   # a pandas.Series

Partitions are polars frames computed in Rust (``src/frame/``); results
come back as pandas objects through Arrow.
"""

from __future__ import annotations

from ferrox.base import compute
from ferrox.dataframe._collection import Scalar
from ferrox.dataframe.frame import DataFrame
from ferrox.dataframe.groupby import DataFrameGroupBy, SeriesGroupBy
from ferrox.dataframe.io import from_dict, from_pandas, read_csv
from ferrox.dataframe.reshape import concat, merge
from ferrox.dataframe.series import Series

__all__ = [
    "DataFrame",
    "DataFrameGroupBy",
    "Scalar",
    "Series",
    "SeriesGroupBy",
    "compute",
    "concat",
    "from_dict",
    "from_pandas",
    "merge",
    "read_csv",
]
