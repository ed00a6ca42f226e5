"""``ferrox.delayed``: lazy Python calls, the ``dask.delayed`` API.

``delayed(func)(*args, **kwargs)`` records a task instead of calling ``func``;
delayed values may appear anywhere in the arguments (also inside lists,
tuples, sets and dict values) and become the task's dependencies. Nothing
runs before ``.compute()``, ``ferrox.compute`` or ``.persist()``. The graph
itself lives in Rust (``TaskCore``): building a call is O(1) in the size of
the graph below it.
"""

from __future__ import annotations

import functools
import operator
import types
from collections.abc import Callable, Iterator
from typing import Any

from ferrox import _core, base
from ferrox._utils import apply, funcname, methodcaller

_no_default = object()


def _key_name(prefix: str, token: str) -> str:
    return f"{prefix}-{token}"


class Delayed:
    """A lazy value: the result of a task not run yet.

    Build one with :func:`delayed`. Calls, attribute access, indexing and
    operators on a ``Delayed`` give new ``Delayed`` values.

    Examples
    --------
    >>> from ferrox import delayed
    >>> x = delayed(1) + 2
    >>> x.compute()
    3
    """

    __slots__ = ("_core", "_length")

    def __init__(self, core: _core.TaskCore, length: int | None = None) -> None:
        object.__setattr__(self, "_core", core)
        object.__setattr__(self, "_length", length)

    # -- the collection protocol ------------------------------------------------
    def __ferrox_task__(self) -> _core.TaskCore:
        return self._core

    def __ferrox_cores__(self) -> list[_core.TaskCore]:
        return [self._core]

    def __ferrox_finalize__(self, values: list[Any]) -> Any:
        return values[0]

    def __ferrox_rebuild__(self, values: list[Any]) -> Delayed:
        return Delayed(_core.TaskCore.literal(self.key, values[0]), self._length)

    def __dask_graph__(self) -> dict[Any, Any]:
        return self._core.to_dict()

    def __dask_keys__(self) -> list[Any]:
        return [self.key]

    def __dask_layers__(self) -> tuple[str, ...]:
        return (self.key,)

    @staticmethod
    def __dask_optimize__(dsk: Any, keys: Any, **kwargs: Any) -> Any:
        return dsk

    @staticmethod
    def __dask_scheduler__(dsk: Any, keys: Any, **kwargs: Any) -> Any:
        import dask.threaded

        return dask.threaded.get(dsk, keys, **kwargs)

    def __dask_tokenize__(self) -> Any:
        return self.key

    def __dask_postcompute__(self) -> tuple[Callable[..., Any], tuple[()]]:
        return operator.itemgetter(0), ()

    def __dask_postpersist__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return _rebuild_from_graph, (self.key, self._length)

    # -- introspection ----------------------------------------------------------
    @property
    def key(self) -> Any:
        """The task's key (a ``str``).

        Examples
        --------
        >>> from ferrox import delayed
        >>> delayed(1, name="one").key
        'one'
        """
        return self._core.key

    @property
    def dask(self) -> dict[Any, Any]:
        """The task graph below this value, as a Dask-style ``{key: task}`` dict."""
        return self._core.to_dict()

    def __repr__(self) -> str:
        return f"Delayed({self.key!r})"

    def __hash__(self) -> int:
        return hash(self.key)

    def __dir__(self) -> list[str]:
        return sorted({*dir(type(self)), "key", "dask"})

    # -- computing ---------------------------------------------------------------
    def compute(self, **kwargs: Any) -> Any:
        """Compute this value.

        Parameters
        ----------
        **kwargs
            ``scheduler=`` and ``num_workers=``, as for :func:`ferrox.compute`.

        Examples
        --------
        >>> from ferrox import delayed
        >>> delayed(max)(1, 5).compute(scheduler="sync")
        5
        """
        (result,) = base.compute(self, traverse=False, **kwargs)
        return result

    def persist(self, **kwargs: Any) -> Delayed:
        """Compute this value and return a ``Delayed`` holding it in memory.

        Examples
        --------
        >>> from ferrox import delayed
        >>> delayed(max)(1, 5).persist().compute()
        5
        """
        (result,) = base.persist(self, **kwargs)
        return result

    def visualize(self, filename: str | None = "mydask", format: str | None = None) -> str:
        """Render this value's task graph; see :func:`ferrox.visualize`."""
        return base.visualize(self, filename=filename, format=format)

    # -- lazy behaviour ----------------------------------------------------------
    def __getattr__(self, attr: str) -> DelayedAttr:
        if attr.startswith("_"):
            raise AttributeError(f"Attribute {attr} not found")
        return DelayedAttr(self, attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        raise TypeError("Delayed objects are immutable")

    def __setitem__(self, index: Any, value: Any) -> None:
        raise TypeError("Delayed objects are immutable")

    def __iter__(self) -> Iterator[Delayed]:
        if self._length is None:
            raise TypeError("Delayed objects of unspecified length are not iterable")
        for i in range(self._length):
            yield self[i]

    def __len__(self) -> int:
        if self._length is None:
            raise TypeError("Delayed objects of unspecified length have no len()")
        return self._length

    def __bool__(self) -> bool:
        raise TypeError("Truth of Delayed objects is not supported")

    __nonzero__ = __bool__

    def __get__(self, instance: Any, cls: Any) -> Any:
        if instance is None:
            return self
        return types.MethodType(self, instance)

    def __call__(self, *args: Any, **kwargs: Any) -> Delayed:
        pure = kwargs.pop("pure", None)
        name = kwargs.pop("dask_key_name", None)
        func = delayed(apply, pure=pure)
        if name is not None:
            return func(self, args, kwargs, dask_key_name=name)
        return func(self, args, kwargs)


def _rebuild_from_graph(dsk: Any, key: Any, length: int | None) -> Delayed:
    return Delayed(_core.TaskCore.literal(key, dsk[key]), length)


def call_function(
    func: Callable[..., Any],
    func_token: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    pure: bool | None = None,
    nout: int | None = None,
    prefix: str | None = None,
) -> Delayed:
    """A ``Delayed`` for ``func(*args, **kwargs)``; ``dask_key_name=`` and
    ``pure=`` in ``kwargs`` are taken out as in ``dask.delayed``."""
    name = kwargs.pop("dask_key_name", None)
    pure = kwargs.pop("pure", pure)
    if name is None:
        token = base.tokenize(func_token, *args, pure=pure, **kwargs)
        name = _key_name(prefix or funcname(func), token)
    core = _core.TaskCore.call(name, func, args, kwargs or None)
    return Delayed(core, nout)


class DelayedLeaf(Delayed):
    """A delayed object or function: calling it records a call."""

    __slots__ = ("_obj", "_pure", "_nout")

    def __init__(self, obj: Any, key: str, pure: bool | None = None, nout: int | None = None):
        super().__init__(_core.TaskCore.literal(key, obj), nout)
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_pure", pure)
        object.__setattr__(self, "_nout", nout)

    def __call__(self, *args: Any, **kwargs: Any) -> Delayed:
        return call_function(self._obj, self._obj, args, kwargs, pure=self._pure, nout=self._nout)

    @property
    def __name__(self) -> str:
        return funcname(self._obj)

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        return getattr(self._obj, "__doc__", None)

    @property
    def __wrapped__(self) -> Any:
        return self._obj


class DelayedAttr(Delayed):
    """``d.attr``: a lazy attribute, and ``d.attr(...)`` a lazy method call."""

    __slots__ = ("_obj", "_attr")

    def __init__(self, obj: Delayed, attr: str) -> None:
        key = _key_name("getattr", base.tokenize(obj, attr, pure=True))
        super().__init__(_core.TaskCore.call(key, getattr, (obj, attr)))
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_attr", attr)

    def __call__(self, *args: Any, **kwargs: Any) -> Delayed:
        return call_function(
            methodcaller(self._attr),
            self._attr,
            (self._obj, *args),
            kwargs,
            prefix=self._attr,
        )


def delayed(
    obj: Any = _no_default,
    name: str | None = None,
    pure: bool | None = None,
    nout: int | None = None,
    traverse: bool = True,
) -> Any:
    """Wrap a function or value so that using it builds a task graph.

    Parameters
    ----------
    obj : callable or object
        A function to call lazily, or a value (containers holding delayed
        values become one task that rebuilds them).
    name : str, optional
        The key of the resulting task (default: a name and a token).
    pure : bool, optional
        Whether calls with equal arguments are the same task (deterministic
        keys). Default ``config.get("delayed_pure")``, ``False``.
    nout : int, optional
        Number of outputs, which makes the result iterable and sized.
    traverse : bool
        Look for delayed values inside containers.

    Returns
    -------
    Delayed

    Examples
    --------
    >>> from ferrox import delayed
    >>> @delayed(pure=True)
    ... def inc(x):
    ...     return x + 1
    >>> inc(1).compute()
    2
    >>> a, b = delayed(divmod, nout=2)(7, 2)
    >>> (a + b).compute()
    4
    """
    if obj is _no_default:
        return functools.partial(delayed, name=name, pure=pure, nout=nout, traverse=traverse)
    if isinstance(obj, Delayed):
        return obj
    if not (nout is None or (type(nout) is int and nout >= 0)):
        raise ValueError(f"nout must be None or a non-negative integer, got {nout}")
    if traverse and base._contains_collection(obj):
        key = name or _key_name(type(obj).__name__, base.tokenize(obj, pure=pure))
        return Delayed(_core.TaskCore.call(key, None, (obj,)), nout)
    if not name:
        prefix = funcname(obj) if callable(obj) else type(obj).__name__
        name = _key_name(prefix, base.tokenize(obj, nout, pure=pure))
    return DelayedLeaf(obj, name, pure=pure, nout=nout)


def _bind_operator(op: Callable[..., Any]) -> None:
    name = op.__name__.strip("_")

    def forward(self: Delayed, *args: Any) -> Delayed:
        return call_function(op, op, (self, *args), {}, pure=True, prefix=name)

    setattr(Delayed, f"__{name}__", forward)
    if name not in {"abs", "neg", "pos", "invert", "getitem", "eq", "ne", "lt", "le", "gt", "ge"}:

        def reverse(self: Delayed, other: Any) -> Delayed:
            return call_function(op, op, (other, self), {}, pure=True, prefix=name)

        setattr(Delayed, f"__r{name}__", reverse)


for _op in (
    operator.abs,
    operator.neg,
    operator.pos,
    operator.invert,
    operator.add,
    operator.sub,
    operator.mul,
    operator.floordiv,
    operator.truediv,
    operator.mod,
    operator.pow,
    operator.and_,
    operator.or_,
    operator.xor,
    operator.lshift,
    operator.rshift,
    operator.eq,
    operator.ne,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
    operator.getitem,
    operator.matmul,
):
    _bind_operator(_op)


__all__ = ["Delayed", "DelayedAttr", "DelayedLeaf", "call_function", "delayed"]
