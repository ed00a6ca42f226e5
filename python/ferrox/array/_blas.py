"""Load OpenBLAS for float matrix products, if the ``scipy-openblas64`` wheel
is installed (it is a dependency of ferrox; see ``src/array/blas.rs``).

Without it, products use the ``gemm`` crate's kernels: correct, and about
half as fast on CPUs with AVX-512.
"""

from __future__ import annotations

import functools
import os

from ferrox import _core


@functools.cache
def load() -> bool:
    """Point the native matrix products at OpenBLAS (once, at the first matrix
    product built); whether it was found."""
    try:
        import scipy_openblas64
    except ImportError:
        return False
    path = os.path.join(scipy_openblas64.get_lib_dir(), scipy_openblas64.get_library(True))
    _core.ArrayCore.load_blas(path)
    return True
