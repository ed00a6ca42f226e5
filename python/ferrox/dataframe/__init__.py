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

from typing import Any

from ferrox.base import compute
from ferrox.dataframe._collection import Scalar
from ferrox.dataframe._partitions import map_partitions as _map_partitions
from ferrox.dataframe._write import to_csv, to_parquet
from ferrox.dataframe.frame import DataFrame
from ferrox.dataframe.groupby import DataFrameGroupBy, SeriesGroupBy
from ferrox.dataframe.io import (
    from_array,
    from_delayed,
    from_dict,
    from_pandas,
    read_csv,
    read_json,
    read_parquet,
)
from ferrox.dataframe.reshape import concat, melt, merge
from ferrox.dataframe.series import Series
from ferrox.dataframe.tools import to_datetime

__all__ = [
    "DataFrame",
    "DataFrameGroupBy",
    "Scalar",
    "Series",
    "SeriesGroupBy",
    "compute",
    "concat",
    "merge",
    "from_array",
    "from_delayed",
    "from_dict",
    "from_pandas",
    "map_partitions",
    "melt",
    "read_csv",
    "read_json",
    "read_parquet",
    "to_csv",
    "to_datetime",
    "to_parquet",
]


def map_partitions(func: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:
    """``func`` applied to each partition of ``obj`` (Dask's
    ``dd.map_partitions``); see :meth:`DataFrame.map_partitions`.

    Examples
    --------
    >>> import pandas as pd, ferrox.dataframe as dd
    >>> df = dd.from_pandas(pd.DataFrame({"x": [1, 2]}), npartitions=2)
    >>> dd.map_partitions(lambda p: p.x + 1, df).compute().tolist()
    [2, 3]
    """
    return _map_partitions(obj, func, args, kwargs)
