"""``ferrox.get``: run a Dask-style dict graph, like ``dask.threaded.get``.

A graph maps keys (``"name"`` or ``("name", i, …)``) to tasks: a tuple whose
first item is callable is a call, an argument equal to a key is that key's
value, lists are walked, anything else is a literal. Calls of
:mod:`ferrox.ops` functions run natively without the GIL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ferrox import _core, base
from ferrox._utils import one_blas_thread
from ferrox.diagnostics import progress_callback


def _flatten(keys: Any, out: list[Any]) -> None:
    if isinstance(keys, list):
        for k in keys:
            _flatten(k, out)
    else:
        out.append(keys)


def _pack(keys: Any, values: Any) -> Any:
    # Lists of keys come back as tuples, as from ``dask.get``.
    if isinstance(keys, list):
        return tuple(_pack(k, values) for k in keys)
    return next(values)


def get(
    dsk: Mapping[Any, Any],
    keys: Any,
    scheduler: Any = None,
    num_workers: int | None = None,
    **kwargs: Any,
) -> Any:
    """Compute ``keys`` of the graph ``dsk``.

    Parameters
    ----------
    dsk : dict
        The graph, in Dask's format.
    keys : key or (nested) list of keys
        What to return; lists of keys give tuples of values, nested alike.
    scheduler : str, optional
        ``"threads"`` (default) or ``"sync"``.
    num_workers : int, optional
        Threads of the ``threads`` scheduler.

    Examples
    --------
    >>> from operator import add
    >>> get({"x": 1, "y": (add, "x", 10)}, "y")
    11
    >>> get({"x": 1, "y": (add, "x", 10)}, ["x", ["y"]], scheduler="sync")
    (1, (11,))
    """
    flat: list[Any] = []
    _flatten(keys, flat)
    resolved = base.get_scheduler(scheduler)
    if not isinstance(resolved, str):
        return resolved.get(dict(dsk), keys, sync=True)
    graph = dsk if isinstance(dsk, dict) else dict(dsk)
    workers = base._num_workers(num_workers)
    with one_blas_thread(workers if resolved == "threads" else 1):
        values = _core.get(graph, flat, resolved, workers, progress_callback())
    return _pack(keys, iter(values))
