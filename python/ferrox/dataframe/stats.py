"""Statistics built from the native reductions: ``quantile``,
``describe``, ``corr``, ``cov``.

Each is one or two passes of tree reductions (``src/frame/groupby.rs``):
quantiles gather the values of their column (exact, as pandas'), and
``cov`` / ``corr`` use two passes — the means of each pair's complete rows,
then the sums of products of deviations from them — which is as accurate as
pandas' own algorithm. Python only names the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ferrox.dataframe._collection import Scalar

if TYPE_CHECKING:
    from ferrox.dataframe.frame import DataFrame
    from ferrox.dataframe.series import Series

NUMERIC_KINDS = "biuf"


def _one_row(core: Any, shape: Any, meta: Any) -> Any:
    """A lazy Series or DataFrame (like ``meta``, pandas' empty result of the
    same call) computing one row of reductions, which ``shape`` turns into
    pandas' result."""
    from ferrox.dataframe.frame import DataFrame
    from ferrox.dataframe.series import Series

    class _Shaped(DataFrame if isinstance(meta, pd.DataFrame) else Series):  # type: ignore[misc,valid-type]
        _shape = staticmethod(shape)
        _meta = meta

        def _with_core(self, core: Any) -> Any:
            return _one_row(core, shape, meta)

        def _finalize(self, frame: pd.DataFrame) -> Any:
            return shape(frame.iloc[0])

        @property
        def columns(self) -> pd.Index:  # type: ignore[override]
            return meta.columns if isinstance(meta, pd.DataFrame) else pd.Index([])

        @property
        def dtypes(self) -> pd.Series:  # type: ignore[override]
            return meta.dtypes

        @property
        def dtype(self) -> Any:  # type: ignore[override]
            return meta.dtype

        @property
        def name(self) -> Any:  # type: ignore[override]
            return getattr(meta, "name", None)

    return _Shaped(core) if isinstance(meta, pd.DataFrame) else _Shaped(core, meta.name)


def _quantiles(q: Any) -> tuple[list[float], bool]:
    scalar = np.ndim(q) == 0
    qs = [float(q)] if scalar else [float(x) for x in q]
    for x in qs:
        if not 0 <= x <= 1:
            raise ValueError("percentiles should all be in the interval [0, 1].")
    return qs, scalar


def series_quantile(s: Series, q: Any = 0.5) -> Any:
    """``Series.quantile``: a scalar for a scalar ``q``, else a Series
    indexed by the quantiles."""
    qs, scalar = _quantiles(q)
    column = s._core.columns()[0]
    aggs = [(column, f"quantile:{x!r}", f"q{i}", 1) for i, x in enumerate(qs)]
    core = s._core.groupby([], aggs)
    if scalar:
        return Scalar(core)
    name = s.name

    def shape(row: pd.Series) -> pd.Series:
        return pd.Series(row.to_numpy(dtype=np.float64), index=pd.Index(qs), name=name)

    return _one_row(core, shape, pd.Series([], dtype=np.float64, name=name))


def frame_quantile(df: DataFrame, q: Any = 0.5, numeric_only: bool = False) -> Any:
    """``DataFrame.quantile``: a Series by column for a scalar ``q``, else a
    DataFrame indexed by the quantiles."""
    qs, scalar = _quantiles(q)
    cols = _numeric(df) if numeric_only else list(df._core.columns())
    aggs = [(c, f"quantile:{x!r}", f"{c}__q{i}", 1) for c in cols for i, x in enumerate(qs)]
    core = df._core.project(cols).groupby([], aggs)

    def shape(row: pd.Series) -> Any:
        values = row.to_numpy(dtype=np.float64).reshape(len(cols), len(qs))
        if scalar:
            return pd.Series(values[:, 0], index=pd.Index(cols), name=qs[0])
        return pd.DataFrame(values.T, index=pd.Index(qs), columns=pd.Index(cols))

    meta = (
        pd.Series([], dtype=np.float64, name=qs[0])
        if scalar
        else pd.DataFrame({c: pd.Series([], dtype=np.float64) for c in cols})
    )
    return _one_row(core, shape, meta)


def _numeric(df: DataFrame) -> list[str]:
    return [c for c in df._core.columns() if df[c].dtype.kind in NUMERIC_KINDS]


def describe(df: DataFrame, percentiles: Any = None) -> Any:
    """``DataFrame.describe`` of the numeric columns: count, mean, std,
    min, percentiles, max."""
    pct = [0.25, 0.5, 0.75] if percentiles is None else sorted(set(percentiles))
    cols = _numeric(df)
    if not cols:
        raise NotImplementedError("describe() of frames without numeric columns")
    stats = ["count", "mean", "std", "min", *(f"quantile:{p!r}" for p in pct), "max"]
    labels = ["count", "mean", "std", "min", *(_pct_label(p) for p in pct), "max"]
    aggs = [(c, st, f"{c}__{i}", 1) for c in cols for i, st in enumerate(stats)]
    core = df._core.project(cols).groupby([], aggs)

    def shape(row: pd.Series) -> pd.DataFrame:
        values = row.to_numpy(dtype=np.float64).reshape(len(cols), len(stats))
        return pd.DataFrame(values.T, index=pd.Index(labels), columns=pd.Index(cols))

    return _one_row(core, shape, pd.DataFrame({c: pd.Series([], dtype=np.float64) for c in cols}))


def series_describe(s: Series, percentiles: Any = None) -> Any:
    """``Series.describe`` of a numeric series."""
    if s.dtype.kind not in NUMERIC_KINDS:
        raise NotImplementedError("describe() of non-numeric series")
    frame = describe(s.to_frame("__x__"), percentiles)
    name = s.name

    def shape(row: pd.Series) -> pd.Series:
        out = frame._shape(row)["__x__"]
        out.name = name
        return out

    return _one_row(frame._core, shape, pd.Series([], dtype=np.float64, name=name))


def _pct_label(p: float) -> str:
    text = f"{p * 100:.10g}"
    return f"{text}%"


def cov_corr(df: DataFrame, method: str, ddof: int = 1, numeric_only: bool = False) -> Any:
    """``DataFrame.cov`` / ``corr`` (Pearson) over pairwise complete rows."""

    if method not in ("cov", "pearson"):
        raise NotImplementedError(f"correlation method {method!r} is not supported")
    cols = _numeric(df)
    if not numeric_only and len(cols) != len(df._core.columns()):
        bad = [c for c in df._core.columns() if c not in cols]
        raise ValueError(f"could not convert string to float: columns {bad} are not numeric")
    pairs = [(a, b) for i, a in enumerate(cols) for b in cols[i:]]
    parts: dict[str, Series] = {}
    for k, (a, b) in enumerate(pairs):
        both = df[a].notna() & df[b].notna()
        x = df[a].where(both).astype("float64")
        y = df[b].where(both).astype("float64")
        dx, dy = x - x.mean(), y - y.mean()
        parts[f"xy{k}"] = dx * dy
        parts[f"xx{k}"] = dx * dx
        parts[f"yy{k}"] = dy * dy
        parts[f"n{k}"] = both
    frame = df._from_series(parts)
    aggs = [(name, "sum", name, 1) for name in parts]
    core = frame._core.groupby([], aggs)

    def shape(row: pd.Series) -> pd.DataFrame:
        out = np.full((len(cols), len(cols)), np.nan)
        for k, (a, b) in enumerate(pairs):
            n = row[f"n{k}"]
            sxy, sxx, syy = row[f"xy{k}"], row[f"xx{k}"], row[f"yy{k}"]
            if method == "cov":
                value = sxy / (n - ddof) if n > ddof else np.nan
            else:
                denom = np.sqrt(sxx * syy)
                value = sxy / denom if n > 1 and denom > 0 else np.nan
                if a == b and n > 1 and denom > 0:
                    value = 1.0
            i, j = cols.index(a), cols.index(b)
            out[i, j] = out[j, i] = value
        return pd.DataFrame(out, index=pd.Index(cols), columns=pd.Index(cols))

    return _one_row(core, shape, pd.DataFrame({c: pd.Series([], dtype=np.float64) for c in cols}))


def series_cov_corr(a: Series, b: Series, method: str, ddof: int = 1) -> Scalar:
    """``Series.cov(other)`` / ``Series.corr(other)``."""
    from ferrox.dataframe.frame import DataFrame
    from ferrox.dataframe.series import Series

    if not isinstance(b, Series):
        raise TypeError(f"`other` must be a Series, got {type(b).__name__}")
    frame = DataFrame(
        type(a._core).combine([("__a__", a._core), ("__b__", b._core)])  # type: ignore[attr-defined]
    )
    matrix = cov_corr(frame, method, ddof)
    shaped = matrix._shape

    class _PairScalar(Scalar):
        def _finalize(self, frame: pd.DataFrame) -> Any:
            return np.float64(shaped(frame.iloc[0]).iloc[0, 1])

    return _PairScalar(matrix._core)
