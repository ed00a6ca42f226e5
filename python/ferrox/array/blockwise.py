"""``map_blocks``: a Python function applied to each block, as in Dask.

The function runs in a Python task per block (holding the GIL only for its
call); its results become array blocks again, so native operations can
follow it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ferrox import _core, base
from ferrox._utils import funcname
from ferrox.array.core import Array, dtype_name


def _infer_dtype(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The dtype ``func`` returns on empty blocks of the inputs' dtypes."""
    probes = [np.empty((0,) * a.ndim, a.dtype) if isinstance(a, Array) else a for a in args]
    try:
        with np.errstate(all="ignore"):
            return np.asarray(func(*probes, **kwargs)).dtype
    except Exception:  # noqa: BLE001 - the function may not accept empty blocks
        return next(a for a in args if isinstance(a, Array)).dtype


def map_blocks(
    func: Callable[..., Any],
    *args: Any,
    dtype: Any = None,
    chunks: Any = None,
    name: str | None = None,
    **kwargs: Any,
) -> Array:
    """Apply ``func`` to corresponding blocks of the array arguments.

    Parameters
    ----------
    func : callable
        Called as ``func(*blocks, **kwargs)`` with NumPy blocks in place of the
        ferrox arrays among ``args``; other arguments pass through.
    dtype : dtype, optional
        Of the result (inferred by calling ``func`` on empty blocks if omitted).
    chunks : tuple, optional
        Chunks of the result: Dask's tuple of tuples, or one block's shape when
        every block has it (default: the first array's chunks).
    name : str, optional
        Name of the result's tasks.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> x = fa.from_array(np.arange(6), chunks=2)
    >>> fa.map_blocks(lambda b: b * 10, x).compute()
    array([ 0, 10, 20, 30, 40, 50])
    >>> fa.map_blocks(lambda b: b[:1], x, chunks=(1,)).compute()
    array([0, 2, 4])
    """
    for unsupported in ("drop_axis", "new_axis", "block_info", "block_id"):
        if unsupported in kwargs:
            raise NotImplementedError(f"map_blocks(..., {unsupported}=...) is not supported yet")
    kwargs.pop("meta", None)
    arrays = [a for a in args if isinstance(a, Array)]
    if not arrays:
        raise ValueError("map_blocks needs at least one ferrox array argument")
    first = arrays[0]
    if dtype is None:
        dtype = _infer_dtype(func, args, kwargs)
    if chunks is None:
        chunks = first.chunks
    elif all(isinstance(c, int | np.integer) for c in chunks):
        chunks = tuple((int(c),) * n for c, n in zip(chunks, first.numblocks, strict=True))
    if name is None:
        token = base.tokenize(
            func, *[a.name if isinstance(a, Array) else a for a in args], pure=True, **kwargs
        )
        name = f"{funcname(func)}-{token}"
    cores = tuple(a._core if isinstance(a, Array) else a for a in args)
    return Array(
        _core.ArrayCore.map_blocks(
            name, func, cores, kwargs, [list(c) for c in chunks], dtype_name(dtype)
        )
    )


__all__ = ["map_blocks"]
