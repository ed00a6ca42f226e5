"""ferrox: Dask's job — blocked, lazy, parallel NumPy / pandas / Python work — on a Rust core.

Change an import and keep your code::

    from ferrox import delayed        # was: from dask import delayed
    import ferrox

    total = delayed(sum)([delayed(inc)(i) for i in range(8)])
    total.compute()
"""

from __future__ import annotations

from ferrox import (  # _allocator and _cpu first: they run before the core loads
    _allocator,  # noqa: F401
    _cpu,  # noqa: F401
    config,
    diagnostics,
    ops,
)
from ferrox._core import __version__
from ferrox.base import compute, get_scheduler, persist, tokenize, visualize
from ferrox.delayed import Delayed, delayed
from ferrox.local import get

__all__ = [
    "Delayed",
    "__version__",
    "compute",
    "config",
    "delayed",
    "diagnostics",
    "get",
    "get_scheduler",
    "ops",
    "persist",
    "tokenize",
    "visualize",
]
