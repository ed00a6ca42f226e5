"""Configuration: ``ferrox.config.set(scheduler="sync")``, globally or as a context.

Mirrors ``dask.config``: :func:`set` updates the settings at once and, used in a
``with`` block, restores the previous values on exit.

Known keys: ``scheduler`` (``"threads"``, ``"sync"``, or a
``distributed.Client``), ``num_workers`` (threads of the ``threads``
scheduler; default: the number of CPUs) and ``delayed_pure`` (default of
``pure=`` for :func:`ferrox.delayed`).
"""

from __future__ import annotations

from typing import Any

_missing = object()

config: dict[str, Any] = {"scheduler": None, "num_workers": None, "delayed_pure": False}


def get(key: str, default: Any = _missing) -> Any:
    """The value of ``key``, or ``default`` if it is unset.

    Raises
    ------
    KeyError
        If ``key`` is unset and no default is given.

    Examples
    --------
    >>> get("delayed_pure")
    False
    """
    value = config.get(key, _missing)
    if value is _missing or (value is None and default is not _missing):
        if default is _missing:
            raise KeyError(key)
        return default
    return value


class set:  # noqa: A001 - the name dask users call
    """Set configuration values, globally or for a ``with`` block.

    Parameters
    ----------
    arg : dict, optional
        Values to set, by key.
    **kwargs
        More values to set, by key.

    Examples
    --------
    >>> with set(scheduler="sync"):
    ...     get("scheduler")
    'sync'
    >>> get("scheduler", None) is None
    True
    """

    def __init__(self, arg: dict[str, Any] | None = None, **kwargs: Any) -> None:
        updates = {**(arg or {}), **kwargs}
        self._previous = {k: config.get(k, _missing) for k in updates}
        config.update(updates)

    def __enter__(self) -> set:
        return self

    def __exit__(self, *exc: object) -> None:
        for key, old in self._previous.items():
            if old is _missing:
                config.pop(key, None)
            else:
                config[key] = old


__all__ = ["config", "get", "set"]
