"""``dd.to_datetime``: pandas' ``to_datetime`` of a column, one expression
in Rust (``to_datetime`` in ``src/frame/temporal.rs``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ferrox.dataframe.series import Series

#: Units of numbers, in nanoseconds (pandas' names).
_UNITS = {
    "D": 86_400 * 10**9,
    "h": 3_600 * 10**9,
    "m": 60 * 10**9,
    "s": 10**9,
    "ms": 10**6,
    "us": 10**3,
    "ns": 1,
}

#: The options of ``pd.to_datetime`` that only their defaults are supported for.
_DEFAULTS = {"dayfirst": False, "yearfirst": False, "utc": False, "exact": True}


def to_datetime(
    arg: Any,
    errors: str = "raise",
    dayfirst: bool = False,
    yearfirst: bool = False,
    utc: bool = False,
    format: str | None = None,
    exact: bool = True,
    unit: str | None = None,
    origin: Any = "unix",
    cache: bool = True,
    meta: Any = None,
) -> Any:
    """``pd.to_datetime`` of a Series, lazily (Dask's ``dd.to_datetime``).

    Text is parsed with one format: ``format`` (strftime's directives), or
    the one pandas guesses from the first value (ISO dates such as
    ``2024-01-02``, ``2024/01/02``, ``20240102``, or month-first
    ``01/02/2024``, each with an optional ``HH:MM[:SS[.fraction]]``). As in
    Dask, each partition guesses from its own first value. With
    ``format="mixed"`` each value is read with the format guessed from it
    (``"ISO8601"``: year-first dates only); ``astype("datetime64[…]")`` of
    text does that too. The result is
    ``datetime64[us]``, pandas' resolution for text; ``"NaT"``, ``"nan"``
    and empty strings are missing. Whole numbers count ``unit``\\ s since
    the epoch. A value that does not parse raises pandas' ``ValueError``,
    or is missing with ``errors="coerce"``. Anything other than a ferrox
    Series goes to ``pd.to_datetime`` as it is.

    Examples
    --------
    >>> import pandas as pd, ferrox.dataframe as dd
    >>> s = dd.from_pandas(pd.Series(["2024-01-02", "2024-03-04"]), npartitions=2)
    >>> dd.to_datetime(s).dt.month.compute().tolist()
    [1, 3]
    """
    options = dict(dayfirst=dayfirst, yearfirst=yearfirst, utc=utc, exact=exact)
    if not isinstance(arg, Series):
        from ferrox.dataframe.frame import DataFrame

        if isinstance(arg, DataFrame):
            raise NotImplementedError(
                "to_datetime of a DataFrame (assembling year/month/day columns) is not "
                "supported yet"
            )
        return pd.to_datetime(
            arg, errors=errors, format=format, unit=unit, origin=origin, cache=cache, **options
        )
    if errors not in ("raise", "coerce"):
        raise ValueError("errors must be one of 'raise', or 'coerce'.")
    for name, default in _DEFAULTS.items():
        if options[name] != default:
            raise NotImplementedError(f"to_datetime({name}={options[name]!r}) is not supported yet")
    if not (isinstance(origin, str) and origin == "unix"):
        raise NotImplementedError(f"to_datetime(origin={origin!r}) is not supported yet")
    dtype = arg.dtype
    if format is not None:
        _check_format(format)
    unit_ns = None
    if unit is not None:
        if unit not in _UNITS:
            raise ValueError(f"cannot cast unit {unit}")
        if dtype.kind not in "iu":
            raise NotImplementedError(
                f"to_datetime(unit=...) of {dtype} values is not supported yet (whole numbers only)"
            )
        unit_ns = _UNITS[unit]
    elif dtype.kind == "f":
        raise NotImplementedError("to_datetime of float values is not supported yet")
    core = arg._core.to_datetime(format, errors == "coerce", unit_ns)
    return Series(core, arg.name)


def _check_format(format: str) -> None:
    """Refuse the formats the parser does not read as pandas does."""
    if format in ("mixed", "ISO8601"):
        return
    for directive in ("%z", "%Z"):
        if directive in format:
            raise NotImplementedError(
                f"to_datetime with a time zone ({directive} in format) is not supported yet"
            )
    if "%f" in format.replace(".%f", ""):
        raise NotImplementedError("to_datetime(format=...) supports %f only after a '.'")
