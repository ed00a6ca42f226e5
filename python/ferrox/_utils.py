"""Small helpers shared by the package (task-spec functions, names)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
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


class methodcaller:  # noqa: N801 - named like operator.methodcaller
    """Call the method ``name`` of the first argument with the other arguments.

    Unlike ``operator.methodcaller`` the arguments come at call time, so one
    instance serves every call (``Delayed.method(...)`` builds tasks of it).

    Examples
    --------
    >>> methodcaller("upper")("abc")
    'ABC'
    >>> methodcaller("get")({"a": 1}, "b", 0)
    0
    """

    __slots__ = ("method",)

    def __init__(self, method: str) -> None:
        self.method = method

    @property
    def __name__(self) -> str:
        return self.method

    def __call__(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(obj, self.method)(*args, **kwargs)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return (methodcaller, (self.method,))

    def __repr__(self) -> str:
        return f"<methodcaller: {self.method}>"


def one_blas_thread(workers: int) -> AbstractContextManager[Any]:
    """While ``workers`` ferrox threads run tasks, let BLAS libraries (NumPy's
    OpenBLAS, called by Python tasks such as ``map_blocks(np.linalg.qr)``) use
    one thread each instead of one per core per call: with both, the threads
    oversubscribe the cores and a blocked QR runs many times slower."""
    if workers < 2:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
