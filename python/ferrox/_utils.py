"""Small helpers shared by the package (task-spec functions, names)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def apply(func: Callable[..., Any], args: list[Any], kwargs: dict[str, Any] | None = None) -> Any:
    """Call ``func(*args, **kwargs)``; the task form of a call with keywords.

    Examples
    --------
    >>> apply(max, [1, 3], {"key": lambda x: -x})
    1
    """
    if kwargs:
        return func(*args, **kwargs)
    return func(*args)


def funcname(func: Any) -> str:
    """The name Dask gives tasks of ``func``: its ``__name__``, unwrapping partials.

    Examples
    --------
    >>> import functools
    >>> funcname(functools.partial(max, 1))
    'max'
    """
    while isinstance(func, functools.partial):
        func = func.func
    name = getattr(func, "__name__", None)
    if name is None:
        return type(func).__name__.lower()
    return "lambda" if name == "<lambda>" else name
