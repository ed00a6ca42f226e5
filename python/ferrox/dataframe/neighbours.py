"""Methods that read neighbouring rows — ``shift``, ``diff``, ``ffill``,
``bfill`` — mixed into :class:`~ferrox.dataframe.DataFrame` and
:class:`~ferrox.dataframe.Series`.

Each is one native operation (``src/frame/neighbour.rs``): a partition gets
the rows it needs from the partitions before it (after it, for negative
periods and ``bfill``) through a chain of small carries, as Dask's
``map_overlap`` does with the previous partition's tail — exact across
empty partitions and for periods longer than a partition.
"""

from __future__ import annotations

from typing import Any

from ferrox import _core


def _check_periods(periods: Any) -> int:
    if isinstance(periods, bool) or not isinstance(periods, int):
        raise TypeError(f"Periods must be integer, but {periods} is {type(periods)}.")
    return periods


def _check_axis(axis: Any) -> None:
    if axis not in (None, 0, "index", "rows"):
        raise NotImplementedError(f"axis={axis!r} is not supported (nor by Dask); use axis=0")


class NeighbourMethods:
    """``shift``, ``diff``, ``ffill``, ``bfill`` down the rows."""

    _core: _core.FrameCore

    def _neighbour(self, op: str, periods: int = 1, fill_value: Any = None) -> Any:
        from ferrox.dataframe.series import operand

        core = self._core.neighbour(
            [], self._core.columns(), op, _check_periods(periods), operand(fill_value)
        )
        return self._with_core(core)  # type: ignore[attr-defined]

    def shift(
        self, periods: int = 1, freq: Any = None, axis: Any = 0, fill_value: Any = None
    ) -> Any:
        """Values moved ``periods`` rows down (up for negative ``periods``),
        the index unchanged; rows nothing moved into get ``fill_value``
        (missing by default, which makes integer columns float, as in
        pandas).

        Parameters
        ----------
        periods : int
            How many rows to move.
        freq : None
            Shifting the index by a frequency is not supported.
        axis : 0
            Rows.
        fill_value : scalar, optional
            The value of the rows nothing moved into.

        Returns
        -------
        DataFrame or Series

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([1, 2, 3, 4], name="x"), npartitions=2)
        >>> s.shift(2, fill_value=0).compute()
        0    0
        1    0
        2    1
        3    2
        Name: x, dtype: int64
        """
        if freq is not None:
            raise NotImplementedError("shift(freq=...) is not supported yet")
        _check_axis(axis)
        return self._neighbour("shift", periods, fill_value)

    def diff(self, periods: int = 1, axis: Any = 0) -> Any:
        """Each value minus the one ``periods`` rows before it (after it
        for negative ``periods``).

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([1, 3, 6, 10], name="x"), npartitions=2)
        >>> s.diff().compute()
        0    NaN
        1    2.0
        2    3.0
        3    4.0
        Name: x, dtype: float64
        """
        _check_axis(axis)
        return self._neighbour("diff", periods)

    def ffill(self, axis: Any = None, limit: int | None = None) -> Any:
        """Missing values filled with the last value before them.

        Examples
        --------
        >>> import numpy as np, pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([1.0, np.nan, np.nan, 4.0], name="x"), npartitions=2)
        >>> s.ffill().compute()
        0    1.0
        1    1.0
        2    1.0
        3    4.0
        Name: x, dtype: float64
        """
        _check_axis(axis)
        if limit is not None:
            raise NotImplementedError("ffill(limit=...) is not supported yet")
        return self._neighbour("ffill")

    def bfill(self, axis: Any = None, limit: int | None = None) -> Any:
        """Missing values filled with the next value after them.

        Examples
        --------
        >>> import numpy as np, pandas as pd, ferrox.dataframe as dd
        >>> s = dd.from_pandas(pd.Series([1.0, np.nan, np.nan, 4.0], name="x"), npartitions=2)
        >>> s.bfill().compute()
        0    1.0
        1    4.0
        2    4.0
        3    4.0
        Name: x, dtype: float64
        """
        _check_axis(axis)
        if limit is not None:
            raise NotImplementedError("bfill(limit=...) is not supported yet")
        return self._neighbour("bfill")
