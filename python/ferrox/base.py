"""What every ferrox collection shares: compute, persist, schedulers, tokens.

A collection implements three methods, the ferrox analogue of Dask's
collection protocol:

``__ferrox_cores__()``
    the ``TaskCore`` handles whose values the result needs;
``__ferrox_finalize__(values)``
    build the user-facing result from those values;
``__ferrox_rebuild__(values)``
    a collection of the same kind holding the computed values (``persist``).

Objects that can appear inside a Delayed call also define
``__ferrox_task__()`` returning one ``TaskCore``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import uuid
from collections.abc import Sequence
from typing import Any

from ferrox import _core, config
from ferrox._utils import one_blas_thread

SCHEDULERS = {
    "threads": "threads",
    "threading": "threads",
    "sync": "sync",
    "synchronous": "sync",
    "single-threaded": "sync",
}


def is_collection(obj: Any) -> bool:
    """Whether ``obj`` is a ferrox collection (has ``__ferrox_cores__``)."""
    return hasattr(type(obj), "__ferrox_cores__")


def get_scheduler(scheduler: Any = None) -> Any:
    """Resolve ``scheduler=`` (argument, then ``config``, then ``"threads"``).

    Returns ``"threads"``, ``"sync"``, or a ``distributed.Client``-like object
    (anything with ``get`` and ``submit``).

    Raises
    ------
    ValueError
        For an unknown scheduler name; the message lists the valid ones.

    Examples
    --------
    >>> get_scheduler("single-threaded")
    'sync'
    """
    if scheduler is None:
        scheduler = config.get("scheduler", None) or "threads"
    if isinstance(scheduler, str):
        try:
            return SCHEDULERS[scheduler.lower()]
        except KeyError:
            valid = ", ".join(repr(name) for name in SCHEDULERS)
            raise ValueError(f"`scheduler` must be one of {valid}, got {scheduler!r}") from None
    if hasattr(scheduler, "get") and hasattr(scheduler, "submit"):
        return scheduler
    raise ValueError(
        "`scheduler` must be a scheduler name or a distributed Client, "
        f"got {type(scheduler).__name__}"
    )


def _num_workers(num_workers: int | None) -> int:
    n = num_workers if num_workers is not None else config.get("num_workers", None)
    n = n if n is not None else (os.cpu_count() or 1)
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"`num_workers` must be a positive integer, got {n!r}")
    return n


def compute_cores(
    cores: Sequence[_core.TaskCore],
    scheduler: Any = None,
    num_workers: int | None = None,
) -> list[Any]:
    """Run the tasks ``cores`` (shared work once) and return their values."""
    from ferrox.diagnostics import progress_callback

    resolved = get_scheduler(scheduler)
    if not isinstance(resolved, str):
        graph: dict[Any, Any] = {}
        for core in cores:
            graph.update(core.to_dict())
        return list(resolved.get(graph, [core.key for core in cores], sync=True))
    workers = _num_workers(num_workers)
    with one_blas_thread(workers if resolved == "threads" else 1):
        return _core.compute(list(cores), resolved, workers, progress_callback())


def _contains_collection(obj: Any) -> bool:
    if is_collection(obj):
        return True
    if isinstance(obj, dict):
        obj = obj.values()
    elif not isinstance(obj, list | tuple | set | frozenset):
        return False
    return any(_contains_collection(x) for x in obj)


def _unpack(args: Sequence[Any], traverse: bool) -> tuple[list[Any], list[Any]]:
    """Split ``args`` into collections to compute and passthrough values."""
    from ferrox.delayed import delayed

    collections = []
    for arg in args:
        if is_collection(arg):
            collections.append(arg)
        elif traverse and _contains_collection(arg):
            collections.append(delayed(arg))
        else:
            collections.append(None)
    return collections, list(args)


def compute(
    *args: Any,
    traverse: bool = True,
    scheduler: Any = None,
    num_workers: int | None = None,
    optimize_graph: bool = True,
) -> tuple[Any, ...]:
    """Compute several collections at once, sharing their common work.

    Parameters
    ----------
    *args : collections or any objects
        Collections are computed; other objects are returned as they are.
        With ``traverse=True``, lists, tuples, sets and dicts holding
        collections are computed too.
    scheduler : str or Client, optional
        ``"threads"`` (default), ``"sync"``, or a ``distributed.Client``.
    num_workers : int, optional
        Threads of the ``threads`` scheduler.
    optimize_graph : bool
        Accepted for Dask compatibility; graphs are always culled and ordered.

    Returns
    -------
    tuple
        One result per argument.

    Examples
    --------
    >>> from ferrox import delayed
    >>> a = delayed(sum)([1, 2, 3])
    >>> compute(a, a + 1, "x")
    (6, 7, 'x')
    """
    collections, values = _unpack(args, traverse)
    cores: list[Any] = []
    spans = []
    for coll in collections:
        if coll is None:
            spans.append(None)
            continue
        own = coll.__ferrox_cores__()
        spans.append((len(cores), len(own)))
        cores.extend(own)
    results = compute_cores(cores, scheduler, num_workers) if cores else []
    out = []
    for coll, span, value in zip(collections, spans, values, strict=True):
        if span is None:
            out.append(value)
        else:
            start, n = span
            out.append(coll.__ferrox_finalize__(results[start : start + n]))
    return tuple(out)


def persist(
    *args: Any,
    traverse: bool = True,
    scheduler: Any = None,
    num_workers: int | None = None,
) -> tuple[Any, ...]:
    """Compute collections and return new ones holding the results in memory.

    Examples
    --------
    >>> from ferrox import delayed
    >>> (p,) = persist(delayed(sum)([1, 2]))
    >>> p.compute()
    3
    """
    if len(args) == 1 and hasattr(type(args[0]), "__ferrox_persist__"):
        # A collection that keeps its computed pieces natively (array blocks).
        from ferrox.diagnostics import progress_callback

        resolved = get_scheduler(scheduler)
        if isinstance(resolved, str):
            workers = _num_workers(num_workers)
            with one_blas_thread(workers if resolved == "threads" else 1):
                return (args[0].__ferrox_persist__(resolved, workers, progress_callback()),)
    collections = [a if is_collection(a) else None for a in args]
    cores: list[Any] = []
    spans = []
    for coll in collections:
        own = [] if coll is None else coll.__ferrox_cores__()
        spans.append((len(cores), len(own)))
        cores.extend(own)
    results = compute_cores(cores, scheduler, num_workers) if cores else []
    out = []
    for arg, coll, (start, n) in zip(args, collections, spans, strict=True):
        out.append(arg if coll is None else coll.__ferrox_rebuild__(results[start : start + n]))
    return tuple(out)


def _normalize(obj: Any) -> Any:
    """A hashable, deterministic stand-in for ``obj`` (``None`` if there is none)."""
    task = getattr(type(obj), "__ferrox_task__", None)
    if task is not None:
        return ("__ferrox_task__", obj.__ferrox_task__().key)
    if obj is None or isinstance(obj, bool | int | float | complex | str | bytes):
        return (type(obj).__name__, obj)
    if isinstance(obj, list | tuple):
        return (type(obj).__name__, [_normalize(x) for x in obj])
    if isinstance(obj, set | frozenset):
        return (type(obj).__name__, sorted(str(_normalize(x)) for x in obj))
    if isinstance(obj, dict):
        return ("dict", sorted((str(_normalize(k)), _normalize(v)) for k, v in obj.items()))
    dask_token = getattr(obj, "__dask_tokenize__", None)
    if callable(dask_token) and not isinstance(obj, type):
        return ("dask", dask_token())
    if callable(obj) and hasattr(obj, "__qualname__") and "<lambda>" not in obj.__qualname__:
        return ("callable", getattr(obj, "__module__", None), obj.__qualname__)
    try:
        return ("pickle", hashlib.sha1(pickle.dumps(obj, protocol=5)).hexdigest())
    except Exception:  # noqa: BLE001 - unpicklable objects get a unique token
        return ("unique", uuid.uuid4().hex)


def tokenize(*args: Any, pure: bool | None = None, **kwargs: Any) -> str:
    """A token for the arguments: deterministic if ``pure``, unique otherwise.

    ``pure=None`` uses ``config.get("delayed_pure")`` (default ``False``),
    as ``dask.base.tokenize`` does in ``dask.delayed``.

    Examples
    --------
    >>> tokenize(1, "a", pure=True) == tokenize(1, "a", pure=True)
    True
    >>> tokenize(1, pure=False) == tokenize(1, pure=False)
    False
    """
    if pure is None:
        pure = config.get("delayed_pure", False)
    if not pure:
        return uuid.uuid4().hex
    text = repr((_normalize(args), _normalize(kwargs)))
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def visualize(*args: Any, filename: str | None = "mydask", format: str | None = None) -> str:
    """Render the task graph of the collections as Graphviz DOT.

    Writes ``filename`` (with ``format``'s extension, default ``png``) when the
    Graphviz ``dot`` program is installed, and returns the DOT source.
    """
    from ferrox.diagnostics import to_dot

    graph: dict[Any, Any] = {}
    for arg in args:
        if is_collection(arg):
            for core in arg.__ferrox_cores__():
                graph.update(core.to_dict())
    return to_dot(graph, filename=filename, format=format)
