"""Readers: ``read_csv`` (one partition per file; polars' CSV reader in
Rust, ``src/frame/kernels.rs``)."""

from __future__ import annotations

import glob
import os
from typing import Any

from ferrox import _core
from ferrox.dataframe.core import DataFrame


def _expand(urlpath: Any) -> list[str]:
    patterns = [urlpath] if isinstance(urlpath, str | os.PathLike) else list(urlpath)
    paths: list[str] = []
    for pattern in patterns:
        pattern = os.fspath(pattern)
        found = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not found or not os.path.exists(found[0]):
            raise FileNotFoundError(f"{pattern} resolved to no files")
        paths.extend(found)
    return paths


def read_csv(
    urlpath: Any,
    blocksize: Any = None,
    sep: str = ",",
    header: Any = "infer",
    usecols: list[str] | None = None,
    **kwargs: Any,
) -> DataFrame:
    """Read CSV files (a path, a glob or a list of them) into a DataFrame,
    one partition per file.

    Values are parsed like ``pandas.read_csv`` by default: pandas' missing
    value markers become missing values, integer columns stay int64,
    text columns become pandas' string dtype.
    """
    if kwargs:
        raise NotImplementedError(f"read_csv({', '.join(kwargs)}=...) is not supported yet")
    if blocksize not in (None, "default"):
        raise NotImplementedError("read_csv(blocksize=...) is not supported yet")
    if header not in ("infer", 0, None):
        raise NotImplementedError(f"read_csv(header={header!r}) is not supported yet")
    core = _core.FrameCore.read_csv(_expand(urlpath), sep, header is not None)
    frame = DataFrame(core)
    if usecols is None:
        return frame
    columns = core.columns()
    missing = [c for c in usecols if c not in columns]
    if missing:
        raise ValueError(f"Usecols do not match columns, columns expected but not found: {missing}")
    return frame[[c for c in columns if c in set(usecols)]]  # the file's order, as pandas
