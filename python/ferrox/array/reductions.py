"""Reductions: ``fa.sum``, ``fa.mean``, … as chunk → combine → aggregate trees.

The kernels and the tree are in ``src/array/reductions.rs`` and
``src/array/lower.rs``; ``split_every`` bounds the fan-in of the tree.
"""

from __future__ import annotations

from typing import Any

from ferrox.array.core import Array
from ferrox.array.creation import asarray


def _reduction(op: str, takes_dtype: bool = True, takes_ddof: bool = False) -> Any:
    def reduce(
        a: Any, axis: Any = None, *args: Any, keepdims: bool = False, **kwargs: Any
    ) -> Array:
        if args:
            if takes_dtype and "dtype" not in kwargs:
                kwargs["dtype"], args = args[0], args[1:]
            if args:
                raise TypeError(f"{op}() takes at most 3 positional arguments")
        if not takes_ddof and "ddof" in kwargs:
            raise TypeError(f"{op}() got an unexpected keyword argument 'ddof'")
        return asarray(a)._reduce(op, axis, keepdims, **kwargs)

    reduce.__name__ = op
    reduce.__doc__ = f"""``numpy.{op}`` over ``axis`` (None, an int or a tuple), lazily.

    Parameters
    ----------
    a : array_like
    axis : None, int or tuple of ints
    keepdims : bool
    split_every : int, optional
        Fan-in of the combine tree (default 16).
    """
    return reduce


sum = _reduction("sum")  # noqa: A001 - NumPy's name
prod = _reduction("prod")
mean = _reduction("mean")
var = _reduction("var", takes_ddof=True)
std = _reduction("std", takes_ddof=True)
min = _reduction("min", takes_dtype=False)  # noqa: A001
max = _reduction("max", takes_dtype=False)  # noqa: A001
any = _reduction("any", takes_dtype=False)  # noqa: A001
all = _reduction("all", takes_dtype=False)  # noqa: A001
argmin = _reduction("argmin", takes_dtype=False)
argmax = _reduction("argmax", takes_dtype=False)
nansum = _reduction("nansum")
nanprod = _reduction("nanprod")
nanmean = _reduction("nanmean")
nanvar = _reduction("nanvar", takes_ddof=True)
nanstd = _reduction("nanstd", takes_ddof=True)
nanmin = _reduction("nanmin", takes_dtype=False)
nanmax = _reduction("nanmax", takes_dtype=False)


def cumsum(a: Any, axis: Any = None, dtype: Any = None, **kwargs: Any) -> Array:
    """``numpy.cumsum`` along ``axis``: blocks are scanned on their own and a
    chain of carries adds the totals of the blocks before them.

    Examples
    --------
    >>> import numpy as np, ferrox.array as fa
    >>> fa.cumsum(fa.from_array(np.arange(6), chunks=4)).compute()
    array([ 0,  1,  3,  6, 10, 15])
    """
    return asarray(a).cumsum(axis=axis, dtype=dtype)


def cumprod(a: Any, axis: Any = None, dtype: Any = None, **kwargs: Any) -> Array:
    """``numpy.cumprod`` along ``axis``."""
    return asarray(a).cumprod(axis=axis, dtype=dtype)


amin = min
amax = max

__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "cumprod", "cumsum", "max", "mean", "min",
    "nanmax", "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar", "prod", "std", "sum",
    "var",
]  # fmt: skip
