"""``ferrox.array``: chunked n-d arrays with NumPy's and Dask Array's API.

Change ``import dask.array as da`` to ``import ferrox.array as da``::

    import ferrox.array as da
    arr = da.random.random((10000, 10000), chunks=(1000, 1000))
    da.mean(arr, axis=0).compute()     # numpy.ndarray of shape (10000,)
"""

from __future__ import annotations

from ferrox.array import linalg, random
from ferrox.array.blockwise import (
    apply_along_axis,
    blockwise,
    map_blocks,
)
from ferrox.array.core import Array
from ferrox.array.creation import (
    arange,
    array,
    asarray,
    concatenate,
    empty,
    empty_like,
    eye,
    from_array,
    from_delayed,
    full,
    full_like,
    linspace,
    moveaxis,
    ones,
    ones_like,
    ravel,
    reshape,
    stack,
    swapaxes,
    transpose,
    zeros,
    zeros_like,
)
from ferrox.array.io import from_npy_stack, from_zarr, store, to_npy_stack, to_zarr
from ferrox.array.linalg import dot, einsum, matmul, tensordot
from ferrox.array.manipulation import (
    block,
    diag,
    expand_dims,
    flip,
    fliplr,
    flipud,
    pad,
    roll,
    squeeze,
    tril,
    triu,
)
from ferrox.array.overlap import map_overlap, overlap
from ferrox.array.reductions import (
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    cumprod,
    cumsum,
    max,
    mean,
    min,
    nanmax,
    nanmean,
    nanmin,
    nanprod,
    nanstd,
    nansum,
    nanvar,
    prod,
    reduction,
    std,
    sum,
    var,
)
from ferrox.array.ufuncs import *  # noqa: F403 - the ufunc namespace
from ferrox.array.ufuncs import __all__ as _ufuncs
from ferrox.base import compute

__all__ = [
    "Array", "all", "amax", "amin", "any", "arange", "argmax", "argmin", "array", "asarray",
    "compute", "empty", "empty_like", "from_array", "full", "full_like", "max", "mean", "min",
    "nanmax", "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar", "ones", "ones_like",
    "prod", "random", "std", "sum", "var", "zeros", "zeros_like", "transpose", "swapaxes",
    "moveaxis", "dot", "matmul", "linalg", "map_blocks", "concatenate", "stack", "eye",
    "from_delayed", "linspace", "diag", "expand_dims", "flip", "fliplr", "flipud", "pad", "roll",
    "squeeze", "tril", "triu", "cumsum", "cumprod", "reshape", "ravel", *_ufuncs,
    "from_npy_stack", "from_zarr", "store", "to_npy_stack", "to_zarr",
    "block", "einsum", "tensordot",
    "apply_along_axis", "blockwise", "map_overlap", "overlap", "reduction",
]  # fmt: skip
