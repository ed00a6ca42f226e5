"""``Series.str`` and ``Series.dt``: pandas' string and datetime methods,
each one column expression in Rust (``src/frame/strings.rs``,
``src/frame/temporal.rs``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from ferrox.dataframe.series import Series


class StringMethods:
    """``s.str``: vectorized string methods with pandas' results."""

    def __init__(self, series: Series) -> None:
        if series.dtype.kind not in "OU" and not isinstance(series.dtype, pd.StringDtype):
            raise AttributeError("Can only use .str accessor with string values!")
        self._s = series

    def _call(self, method: str, **kwargs: Any) -> Series:
        return self._s._with_core(self._s._core.str_method(method, **kwargs))

    def contains(self, pat: str, case: bool = True, regex: bool = True, na: Any = None) -> Series:
        """Whether each string contains ``pat`` (a regular expression by default)."""
        if not case:
            pat = f"(?i){pat}" if regex else pat
            if not regex:
                return self.lower().str.contains(pat.lower(), regex=False)
        return self._call("contains", pat=pat, flag=regex)

    def startswith(self, pat: str) -> Series:
        """Whether each string starts with ``pat``."""
        return self._call("startswith", pat=pat)

    def endswith(self, pat: str) -> Series:
        """Whether each string ends with ``pat``."""
        return self._call("endswith", pat=pat)

    def lower(self) -> Series:
        """Lower-cased strings."""
        return self._call("lower")

    def upper(self) -> Series:
        """Upper-cased strings."""
        return self._call("upper")

    def len(self) -> Series:
        """Length of each string, in characters."""
        return self._call("len")

    def strip(self, to_strip: str | None = None) -> Series:
        """Strings without leading and trailing whitespace (or ``to_strip``)."""
        return self._call("strip", pat=to_strip)

    def lstrip(self, to_strip: str | None = None) -> Series:
        """Strings without leading whitespace (or ``to_strip``)."""
        return self._call("lstrip", pat=to_strip)

    def rstrip(self, to_strip: str | None = None) -> Series:
        """Strings without trailing whitespace (or ``to_strip``)."""
        return self._call("rstrip", pat=to_strip)

    def replace(self, pat: str, repl: str, regex: bool = False) -> Series:
        """Every occurrence of ``pat`` replaced by ``repl``."""
        if not isinstance(repl, str):
            raise TypeError("repl must be a string or callable")
        return self._call("replace", pat=pat, repl=repl, flag=regex)

    def slice(self, start: int | None = None, stop: int | None = None) -> Series:
        """Substrings ``[start:stop]``."""
        return self._call("slice", start=start or 0, stop=stop)

    def cat(
        self,
        others: Any = None,
        sep: str | None = None,
        na_rep: str | None = None,
        join: str = "left",
    ) -> Any:
        """The strings joined with ``sep``: element-wise with ``others`` (a
        Series, or a list of Series, over the same rows), or, without
        ``others``, all values into one string (a lazy scalar). A missing
        value makes its row missing, or is skipped in the one string,
        unless ``na_rep`` stands in for it. The other Series have this
        Series' rows, so every ``join`` gives the same rows.

        Examples
        --------
        >>> import pandas as pd, ferrox.dataframe as dd
        >>> df = dd.from_pandas(pd.DataFrame({"a": ["x", "y", None], "b": ["1", None, "3"]}))
        >>> df.a.str.cat(df.b, sep="-", na_rep="?").compute().tolist()
        ['x-1', 'y-?', '?-3']
        >>> df.a.str.cat(sep=",").compute()
        'x,y'
        """
        from ferrox.dataframe._collection import Scalar
        from ferrox.dataframe.series import Series

        if sep is None:
            sep = ""
        if not isinstance(sep, str):
            raise TypeError(f"sep must be a string, not {type(sep).__name__}")
        if join not in ("left", "right", "outer", "inner"):
            raise ValueError(f"join must be 'left', 'right', 'outer' or 'inner', got {join!r}")
        if isinstance(others, str):
            raise ValueError("Did you mean to supply a `sep` keyword?")
        if others is None:
            values = self._s.dropna() if na_rep is None else self._s.fillna(na_rep)
            total = (values + sep).sum() if sep else values.sum()
            cut = len(sep)
            return Scalar(total._core, lambda v: v[:-cut] if cut and v else v)
        pieces = list(others) if isinstance(others, list | tuple) else [others]
        for piece in pieces:
            if not isinstance(piece, Series):
                raise NotImplementedError(
                    f"str.cat of a {type(piece).__name__}: pass a ferrox Series over the "
                    "same rows, or a list of them"
                )
            if piece.dtype.kind not in "OU" and not isinstance(piece.dtype, pd.StringDtype):
                kind = pd.api.types.infer_dtype(pd.Series([], dtype=piece.dtype))
                raise TypeError(
                    "Concatenation requires list-likes containing only strings (or "
                    f"missing values). Offending values found in column {kind}"
                )
        pieces = [self._s, *pieces]
        if na_rep is not None:
            pieces = [piece.fillna(na_rep) for piece in pieces]
        out = pieces[0]
        for piece in pieces[1:]:
            out = (out + sep + piece) if sep else (out + piece)
        return out.rename(self._s.name)

    def __getitem__(self, key: Any) -> Series:
        if isinstance(key, slice) and key.step in (None, 1):
            return self.slice(key.start, key.stop)
        if isinstance(key, int):
            return self.slice(key, key + 1 if key != -1 else None)
        raise NotImplementedError("str[...] supports integers and slices without a step")

    def split(
        self,
        pat: str | re.Pattern[str] | None = None,
        *,
        n: int | None = -1,
        expand: bool = False,
        regex: bool | None = None,
    ) -> Series:
        """The pieces of each string around ``pat`` (runs of whitespace
        without one), at most ``n`` cuts (all for ``-1``, ``0`` or ``None``),
        as a list per value (``object`` dtype, as pandas). ``pat`` is a
        regular expression for ``regex=True``, or, by default, when it is
        longer than one character. ``.str[i]`` / ``.str.get(i)`` of the
        result is the ``i``-th piece, computed without the lists.

        ``expand=True`` gives a DataFrame of the pieces, columns ``0 … n``,
        missing where a value has fewer; as in Dask it needs ``n``, because
        pandas' number of columns depends on the data (pandas leaves out
        columns no value reaches)."""
        if isinstance(pat, re.Pattern):
            if regex is False:
                raise ValueError(
                    "Cannot use a compiled regex as replacement pattern with regex=False"
                )
            pat, regex = pat.pattern, True
        elif pat is not None and not isinstance(pat, str):
            raise TypeError(f"pat must be a string or a compiled regex, not {type(pat).__name__}")
        if regex is None:
            regex = pat is not None and len(pat) > 1
        spec = {"pat": pat, "flag": bool(regex), "n": -1 if n is None else int(n)}
        if expand:
            return self._expand(spec)
        from ferrox.dataframe.series import _ListSeries

        return _ListSeries(self._s._core.str_method("split", **spec), self._s.name, self._s, spec)

    def _expand(self, spec: dict[str, Any]) -> Any:
        """The pieces ``0 … n`` of ``split(**spec)`` as columns."""
        from ferrox.dataframe.frame import _PositionFrame
        from ferrox.dataframe.series import Series

        if spec["n"] <= 0:
            raise NotImplementedError(
                "To use the expand parameter you must specify the number of expected "
                "splits with the n= parameter. Usually n splits result in n+1 output columns."
            )
        pieces = [
            Series(self._s._core.str_method("split_get", start=i, **spec)).to_frame(str(i))
            for i in range(spec["n"] + 1)
        ]
        frame = pieces[0].assign(**{str(i): p[str(i)] for i, p in enumerate(pieces) if i})
        return _PositionFrame(frame._core)


class ListMethods:
    """``s.str`` of ``s.str.split(...)``: one piece of every list."""

    def __init__(self, source: Series, spec: dict[str, Any]) -> None:
        self._source, self._spec = source, spec

    def __getitem__(self, i: int) -> Series:
        if not isinstance(i, int):
            raise NotImplementedError("str[...] of split lists supports integers only")
        from ferrox.dataframe.series import _ObjectSeries

        core = self._source._core.str_method("split_get", start=i, **self._spec)
        # pandas' pieces of split lists are an object column.
        return _ObjectSeries(core, self._source.name)

    def get(self, i: int) -> Series:
        """The ``i``-th piece (missing where a list is shorter)."""
        return self[i]


class DatetimeMethods:
    """``s.dt``: datetime fields and rounding with pandas' results."""

    def __init__(self, series: Series) -> None:
        if series.dtype.kind != "M" and str(series.dtype) != "object":
            raise AttributeError("Can only use .dt accessor with datetimelike values")
        self._s = series

    def _field(self, name: str) -> Series:
        return self._s._with_core(self._s._core.dt_method(name))

    @property
    def year(self) -> Series:
        """The year."""
        return self._field("year")

    @property
    def month(self) -> Series:
        """The month (1–12)."""
        return self._field("month")

    @property
    def day(self) -> Series:
        """The day of the month."""
        return self._field("day")

    @property
    def hour(self) -> Series:
        """The hour."""
        return self._field("hour")

    @property
    def minute(self) -> Series:
        """The minute."""
        return self._field("minute")

    @property
    def second(self) -> Series:
        """The second."""
        return self._field("second")

    @property
    def quarter(self) -> Series:
        """The quarter (1–4)."""
        return self._field("quarter")

    @property
    def dayofweek(self) -> Series:
        """The day of the week, Monday = 0."""
        return self._field("dayofweek")

    day_of_week = dayofweek
    weekday = dayofweek

    @property
    def dayofyear(self) -> Series:
        """The day of the year."""
        return self._field("dayofyear")

    day_of_year = dayofyear

    @property
    def date(self) -> Series:
        """The calendar dates (``datetime.date`` objects, as pandas)."""
        from ferrox.dataframe.series import _DateSeries

        return _DateSeries(self._s._core.dt_method("date"), self._s.name)

    def normalize(self) -> Series:
        """Midnight of each day."""
        return self._field("normalize")

    def floor(self, freq: str) -> Series:
        """Rounded down to a multiple of ``freq`` (a fixed frequency)."""
        offset = pd.tseries.frequencies.to_offset(freq)
        try:
            nanos = offset.nanos  # type: ignore[union-attr]
        except ValueError:
            raise ValueError(f"{freq} is a non-fixed frequency") from None
        return self._s._with_core(self._s._core.dt_method("floor", nanos))
