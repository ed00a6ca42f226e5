"""ferrox.delayed side by side with dask.delayed: the same programs, the same results.

Each program is a function of the engine module (``dask`` or ``ferrox``); the
expected value is always what dask computes for the same program. Tests that
take the ``engine`` fixture assert a property of both engines, so their dask
half checks the test itself.
"""

from __future__ import annotations

import functools
import operator
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import dask
import ferrox
import numpy as np
import pytest
from dask.delayed import Delayed as DaskDelayed
from ferrox.delayed import Delayed

Program = Callable[[ModuleType], Any]
CounterFactory = Callable[[], Any]
SCHEDULERS = ("sync", "threads")
DELAYED_TYPES = {"dask": DaskDelayed, "ferrox": Delayed}


# -- helpers ---------------------------------------------------------------------
def inc(x: int) -> int:
    return x + 1


def add(x: Any, y: Any = 0) -> Any:
    return x + y


def identity(x: Any) -> Any:
    return x


@dataclass(frozen=True)
class Point:
    x: int
    y: int

    def norm1(self, scale: int = 1) -> int:
        return scale * (abs(self.x) + abs(self.y))


def key_prefix(key: str) -> str:
    """``"add-1f3c…"`` -> ``"add"``: the part of a generated key that names the task."""
    return key.split("-")[0]


def delayed_type(engine: ModuleType) -> type:
    return DELAYED_TYPES[engine.__name__]


def assert_same_value(result: Any, expected: Any) -> None:
    """Equal value and equal type; NumPy arrays compared with their dtype."""
    assert type(result) is type(expected), (result, expected)
    if isinstance(expected, np.ndarray):
        assert result.dtype == expected.dtype and result.shape == expected.shape
        np.testing.assert_array_equal(result, expected)
    else:
        assert result == expected, (result, expected)


def run_both(program: Program) -> None:
    """``program(ferrox)`` computes what ``program(dask)`` does, on every scheduler."""
    expected = program(dask).compute(scheduler="sync")
    for scheduler in SCHEDULERS:
        lazy = program(ferrox)
        assert isinstance(lazy, Delayed), type(lazy)
        assert_same_value(lazy.compute(scheduler=scheduler), expected)
        assert_same_value(ferrox.compute(program(ferrox), scheduler=scheduler)[0], expected)


def raise_both(program: Program, scheduler: str) -> tuple[BaseException, BaseException]:
    """Compute ``program`` with both engines; both must fail the same way."""
    with pytest.raises(Exception) as dask_info:
        program(dask).compute(scheduler=scheduler)
    with pytest.raises(Exception) as ferrox_info:
        program(ferrox).compute(scheduler=scheduler)
    assert type(ferrox_info.value) is type(dask_info.value)
    assert str(ferrox_info.value) == str(dask_info.value)
    assert ferrox_info.value.args == dask_info.value.args
    return dask_info.value, ferrox_info.value


# -- the programs: each is computed by both engines and its graph compared ------
def _key_string_is_a_literal(e: ModuleType) -> Any:
    x = e.delayed(inc)(1)
    # The string equal to x's key is data, not a reference to x.
    return e.delayed(lambda value, text: (value, text == x.key))(x, x.key)


def _shared_dependency(e: ModuleType) -> Any:
    s = e.delayed(inc)(1)
    return e.delayed(add)(s, s)


def _diamond(e: ModuleType) -> Any:
    top = e.delayed(inc)(1)
    left, right = e.delayed(inc)(top), e.delayed(add)(top, 10)
    return e.delayed(add)(left, y=right)


PROGRAMS: dict[str, Program] = {
    # calls
    "call": lambda e: e.delayed(add)(1, 2),
    "call-kwargs": lambda e: e.delayed(add)(1, y=2),
    "call-builtin": lambda e: e.delayed(max)(3, 9, 4),
    "call-lambda": lambda e: e.delayed(lambda x, y: x * y)(6, 7),
    "call-partial": lambda e: e.delayed(functools.partial(add, y=10))(1),
    "call-numpy": lambda e: e.delayed(np.cumsum)(np.arange(5)),
    "call-returning-none": lambda e: e.delayed(print)(end="", file=None),
    "call-a-delayed-function": lambda e: e.delayed(lambda: add)()(2, 3),
    "nested-calls": lambda e: e.delayed(add)(e.delayed(inc)(1), y=e.delayed(inc)(2)),
    "shared-dependency": _shared_dependency,
    "diamond": _diamond,
    # delayed values nested in arguments
    "list-arg": lambda e: e.delayed(sum)([e.delayed(inc)(i) for i in range(10)]),
    "tuple-arg": lambda e: e.delayed(max)((e.delayed(inc)(1), e.delayed(inc)(5), 3)),
    "dict-arg": lambda e: e.delayed(lambda d: sorted(d.items()))(
        {"a": e.delayed(inc)(1), "b": (e.delayed(inc)(2), 3)}
    ),
    "set-arg": lambda e: e.delayed(sorted)({e.delayed(inc)(1), 5}),
    "deep-arg": lambda e: e.delayed(repr)(
        [{"a": (e.delayed(inc)(1), [e.delayed(inc)(2), {"b": e.delayed(inc)(3)}])}, 4]
    ),
    "kwargs-nested": lambda e: e.delayed(dict)(
        a=[e.delayed(inc)(1), {"x": e.delayed(inc)(2)}], b=(e.delayed(inc)(3),)
    ),
    "tuple-like-a-task-is-a-literal": lambda e: e.delayed(identity)((inc, 1)),
    "key-string-is-a-literal": _key_string_is_a_literal,
    # delayed(obj): literals and containers
    "literal-int": lambda e: e.delayed(5),
    "literal-str": lambda e: e.delayed("text"),
    "literal-none": lambda e: e.delayed(None),
    "literal-tuple": lambda e: e.delayed((1, "a", None)),
    "literal-numpy": lambda e: e.delayed(np.arange(6.0)),
    "container-list": lambda e: e.delayed([1, e.delayed(inc)(1), (2, e.delayed(inc)(2))]),
    "container-tuple": lambda e: e.delayed((e.delayed(inc)(1), 2)),
    "container-dict": lambda e: e.delayed({"a": e.delayed(inc)(1), "b": [e.delayed(inc)(2)]}),
    "container-set": lambda e: e.delayed({e.delayed(inc)(1), 3}),
    "container-then-getitem": lambda e: e.delayed({"a": e.delayed(inc)(1)})["a"] + 1,
    "delayed-of-delayed": lambda e: e.delayed(e.delayed(inc)(1)),
    # attributes and methods
    "attr": lambda e: e.delayed(1 + 2j).real,
    "attr-of-a-result": lambda e: e.delayed(complex)(1, 2).imag,
    "attr-of-an-object": lambda e: e.delayed(Point(3, -4)).y,
    "method": lambda e: e.delayed("hello").upper(),
    "method-args": lambda e: e.delayed("a,b,c").split(","),
    "method-kwargs": lambda e: e.delayed(Point(3, -4)).norm1(scale=2),
    "method-delayed-arg": lambda e: e.delayed("-").join([e.delayed(str)(1), "x"]),
    "method-chain": lambda e: e.delayed(np.arange(6)).reshape(2, 3).sum(axis=0),
    "dict-method": lambda e: e.delayed({"a": 1}).get("a", 0),
    # indexing
    "getitem-list": lambda e: e.delayed([1, 2, 3])[1],
    "getitem-dict": lambda e: e.delayed({"k": "v"})["k"],
    "getitem-slice": lambda e: e.delayed(list(range(10)))[2:8:3],
    "getitem-numpy": lambda e: e.delayed(np.arange(12).reshape(3, 4))[1:, ::2],
    "getitem-delayed-index": lambda e: e.delayed([10, 20, 30])[e.delayed(inc)(1)],
    "nout-index": lambda e: e.delayed(divmod, nout=2)(17, 5)[1],
    # operators
    "matmul": lambda e: e.delayed(np.arange(4.0).reshape(2, 2)) @ np.arange(6.0).reshape(2, 3),
    "matmul-both-delayed": lambda e: e.delayed(np.arange(4.0).reshape(2, 2)) @ e.delayed(np.eye(2)),
    "rmatmul": lambda e: [[1.0, 2.0]] @ e.delayed(np.arange(4.0).reshape(2, 2)),
    "operators-mixed": lambda e: (e.delayed(7) * 2 - e.delayed(inc)(1)) ** 2 % 5,
}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_result_equals_dask(name: str) -> None:
    run_both(PROGRAMS[name])


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_graph_matches_dask(name: str) -> None:
    """``.key`` is a str, ``.dask`` a Mapping holding it, as large as dask's graph."""
    f, d = PROGRAMS[name](ferrox), PROGRAMS[name](dask)
    assert isinstance(f.key, str) and isinstance(d.key, str)
    assert isinstance(f.dask, Mapping)
    assert f.key in f.dask
    # A HighLevelGraph's len() counts a key shared by two layers twice: compare distinct keys.
    assert len(f.dask) == len(dict(d.dask))
    dask_prefixes = sorted(map(key_prefix, d.dask))
    if "_swap" not in dask_prefixes:  # dask names reflected operators after a helper
        assert sorted(map(key_prefix, f.dask)) == dask_prefixes
    graph = f.__dask_graph__()
    assert isinstance(graph, Mapping) and set(graph) == set(f.dask)
    assert f.__dask_keys__() == [f.key]


# -- decorators ------------------------------------------------------------------
def test_decorators(engine: ModuleType) -> None:
    def plain_double(x: int) -> int:
        return 2 * x

    @engine.delayed
    def double(x: int) -> int:
        """Twice x."""
        return 2 * x

    @engine.delayed(pure=True)
    def triple(x: int) -> int:
        return 3 * x

    @engine.delayed(nout=2)
    def halves(x: int) -> tuple[int, int]:
        return x // 2, x - x // 2

    assert isinstance(double, delayed_type(engine))
    assert double.__name__ == "double" and double.__doc__ == "Twice x."
    assert double(triple(2)).compute() == plain_double(3 * 2)
    assert triple(2).key == triple(2).key
    assert triple(2).key != triple(3).key
    assert double(2).key != double(2).key
    low, high = halves(7)
    assert (low.compute(), high.compute()) == (7 // 2, 7 - 7 // 2)


# -- pure=, dask_key_name=, name= ----------------------------------------------------
def _pure_same_args(e: ModuleType) -> tuple[Any, Any]:
    return e.delayed(add, pure=True)(1, 2), e.delayed(add, pure=True)(1, 2)


def _impure_same_leaf(e: ModuleType) -> tuple[Any, Any]:
    f = e.delayed(add)
    return f(1, 2), f(1, 2)


def _per_call_pure(e: ModuleType) -> tuple[Any, Any]:
    f = e.delayed(add)
    return f(1, 2, pure=True), f(1, 2, pure=True)


def _config_pure(e: ModuleType) -> tuple[Any, Any]:
    with e.config.set(delayed_pure=True):
        return e.delayed(add)(1, 2), e.delayed(add)(1, 2)


def _pure_over_one_impure_input(e: ModuleType) -> tuple[Any, Any]:
    x, f = e.delayed(inc)(1), e.delayed(add, pure=True)
    return f(x, 1), f(x, 1)


def _pure_over_two_impure_inputs(e: ModuleType) -> tuple[Any, Any]:
    f = e.delayed(add, pure=True)
    return f(e.delayed(inc)(1), 1), f(e.delayed(inc)(1), 1)


def _operator_on_one_input(e: ModuleType) -> tuple[Any, Any]:
    x = e.delayed(inc)(1)
    return x + 1, x + 1


def _getattr_on_one_input(e: ModuleType) -> tuple[Any, Any]:
    x = e.delayed(complex)(1, 2)
    return x.real, x.real


def _getitem_on_one_input(e: ModuleType) -> tuple[Any, Any]:
    x = e.delayed(list)("abc")
    return x[0], x[0]


def _method_on_one_input(e: ModuleType) -> tuple[Any, Any]:
    x = e.delayed("abc")
    return x.upper(), x.upper()


KEY_PAIRS: dict[str, Callable[[ModuleType], tuple[Any, Any]]] = {
    "pure-same-args": _pure_same_args,
    "pure-other-args": lambda e: (
        e.delayed(add, pure=True)(1, 2),
        e.delayed(add, pure=True)(1, 3),
    ),
    "pure-same-kwargs": lambda e: (
        e.delayed(add, pure=True)(1, y=2),
        e.delayed(add, pure=True)(1, y=2),
    ),
    "pure-other-kwargs": lambda e: (
        e.delayed(add, pure=True)(1, y=2),
        e.delayed(add, pure=True)(1, y=3),
    ),
    "pure-equal-numpy-args": lambda e: (
        e.delayed(np.sum, pure=True)(np.arange(5)),
        e.delayed(np.sum, pure=True)(np.arange(5)),
    ),
    "pure-other-numpy-args": lambda e: (
        e.delayed(np.sum, pure=True)(np.arange(5)),
        e.delayed(np.sum, pure=True)(np.arange(6)),
    ),
    "pure-other-functions": lambda e: (
        e.delayed(add, pure=True)(1, 2),
        e.delayed(max, pure=True)(1, 2),
    ),
    "pure-literals": lambda e: (e.delayed(5, pure=True), e.delayed(5, pure=True)),
    "impure-same-leaf": _impure_same_leaf,
    "impure-literals": lambda e: (e.delayed(5), e.delayed(5)),
    "per-call-pure": _per_call_pure,
    "config-delayed-pure": _config_pure,
    "pure-over-one-impure-input": _pure_over_one_impure_input,
    "pure-over-two-impure-inputs": _pure_over_two_impure_inputs,
    "operator": _operator_on_one_input,
    "getattr": _getattr_on_one_input,
    "getitem": _getitem_on_one_input,
    "method-call": _method_on_one_input,
}


@pytest.mark.parametrize("name", list(KEY_PAIRS))
def test_key_equality_matches_dask(name: str) -> None:
    """Two builds share a key in ferrox exactly when they do in dask."""
    d1, d2 = KEY_PAIRS[name](dask)
    f1, f2 = KEY_PAIRS[name](ferrox)
    assert (f1.key == f2.key) == (d1.key == d2.key), (f1.key, f2.key)
    assert_same_value(f1.compute(), d1.compute())


def test_keys_are_prefixed_with_the_function_name(engine: ModuleType) -> None:
    assert engine.delayed(add)(1, 2).key.startswith("add-")
    assert engine.delayed(add, pure=True)(1, 2).key.startswith("add-")
    assert engine.delayed("s").upper().key.startswith("upper-")
    assert engine.delayed(Point(1, 2)).key.startswith("Point-")


def test_dask_key_name_and_name(engine: ModuleType) -> None:
    three = engine.delayed(add)(1, 2, dask_key_name="three")
    assert three.key == "three" and three.compute() == add(1, 2)
    assert engine.delayed(3, name="x").key == "x"
    assert engine.delayed(add, name="adder").key == "adder"
    assert engine.delayed([engine.delayed(inc)(1)], name="lst").key == "lst"
    assert engine.delayed("a").upper(dask_key_name="up").key == "up"
    one, two = engine.delayed(1, name="one"), engine.delayed(2, name="two")
    total = engine.delayed(add)(one, two, dask_key_name="total")
    assert set(total.dask) == {"one", "two", "total"}
    assert total.compute() == add(1, 2)


def test_named_graphs_equal_dask() -> None:
    def program(e: ModuleType) -> Any:
        one = e.delayed(1, name="one")
        return e.delayed(add)(one, e.delayed(inc)(one, dask_key_name="two"), dask_key_name="t")

    f, d = program(ferrox), program(dask)
    assert set(f.dask) == set(d.dask)
    assert f.compute() == d.compute()


# -- nout -------------------------------------------------------------------------
def test_nout_unpacking_len_and_iteration(engine: ModuleType) -> None:
    q, r = engine.delayed(divmod, nout=2)(17, 5)
    assert (q.compute(), r.compute()) == divmod(17, 5)
    assert engine.compute(q, r) == divmod(17, 5)
    assert len(engine.delayed(divmod, nout=2)(1, 1)) == 2
    assert [x.compute() for x in engine.delayed(lambda: (5,), nout=1)()] == [5]
    empty = engine.delayed(tuple, nout=0)()
    assert len(empty) == 0 and list(empty) == []
    with pytest.raises(ValueError, match="unpack"):
        a, b, c = engine.delayed(divmod, nout=2)(1, 1)


def test_no_nout_means_no_iteration_and_no_len() -> None:
    def messages(e: ModuleType) -> list[tuple[type, str]]:
        out = []
        for use in (list, len, lambda d: [*d], lambda d: tuple(d), lambda d: next(iter(d))):
            with pytest.raises(TypeError) as info:
                use(e.delayed(divmod)(1, 1))
            out.append((type(info.value), str(info.value)))
        return out

    assert messages(ferrox) == messages(dask)


@pytest.mark.parametrize("nout", [-1, 1.5, "2"])
def test_bad_nout_raises_like_dask(nout: Any) -> None:
    with pytest.raises(Exception) as dask_err:
        dask.delayed(divmod, nout=nout)
    with pytest.raises(Exception) as ferrox_err:
        ferrox.delayed(divmod, nout=nout)
    assert type(ferrox_err.value) is type(dask_err.value)
    assert str(ferrox_err.value) == str(dask_err.value)


# -- attributes, operators ----------------------------------------------------------
def test_private_attributes_raise_at_build_time(engine: ModuleType) -> None:
    d = engine.delayed(Point(1, 2))
    with pytest.raises(AttributeError):
        d._private  # noqa: B018
    assert not hasattr(d, "_x")
    assert isinstance(d.x, delayed_type(engine))


@pytest.mark.parametrize("scheduler", SCHEDULERS)
def test_missing_attribute_fails_at_compute_like_dask(scheduler: str) -> None:
    raise_both(lambda e: e.delayed(1).nonexistent, scheduler)
    raise_both(lambda e: e.delayed("s").nonexistent(1), scheduler)


BINARY = [
    operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod,
    operator.pow, operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift,
    operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge,
]  # fmt: skip


@pytest.mark.parametrize("op", BINARY, ids=lambda f: f.__name__)
def test_binary_operators(op: Callable[[Any, Any], Any]) -> None:
    run_both(lambda e: op(e.delayed(7), 3))
    run_both(lambda e: op(7, e.delayed(3)))
    run_both(lambda e: op(e.delayed(7), e.delayed(3)))
    run_both(lambda e: op(e.delayed(np.arange(1, 5)), np.arange(4, 0, -1)))


@pytest.mark.parametrize("op", BINARY, ids=lambda f: f.__name__)
def test_binary_operators_are_lazy(engine: ModuleType, op: Callable[[Any, Any], Any]) -> None:
    assert isinstance(op(engine.delayed(7), 3), delayed_type(engine))
    assert isinstance(op(3, engine.delayed(7)), delayed_type(engine))


@pytest.mark.parametrize(
    "op", [operator.neg, operator.pos, operator.abs, operator.invert], ids=lambda f: f.__name__
)
def test_unary_operators(op: Callable[[Any], Any]) -> None:
    run_both(lambda e: op(e.delayed(-5)))
    run_both(lambda e: op(e.delayed(np.arange(-2, 3))))


def test_augmented_assignment_builds_a_new_value(engine: ModuleType) -> None:
    x = engine.delayed(1)
    y = x
    x += 1
    x *= 10
    assert (x.compute(), y.compute()) == ((1 + 1) * 10, 1)


@pytest.mark.parametrize("scheduler", SCHEDULERS)
def test_operator_errors_like_dask(scheduler: str) -> None:
    raise_both(lambda e: e.delayed(1) / 0, scheduler)
    raise_both(lambda e: e.delayed({"a": 1})["b"], scheduler)
    raise_both(lambda e: e.delayed([1])[5], scheduler)
    raise_both(lambda e: e.delayed("a") - 1, scheduler)
    raise_both(lambda e: e.delayed(np.ones((2, 3))) @ np.ones((2, 3)), scheduler)


# -- immutability, truth, repr, hashing ------------------------------------------------
def test_immutable_and_no_truth_like_dask() -> None:
    def failures(e: ModuleType) -> list[tuple[type, str]]:
        d = e.delayed(1)
        out = []
        for use in (
            bool,
            operator.not_,
            lambda d: setattr(d, "x", 1),
            lambda d: d.__setitem__(0, 1),
            lambda d: 1 if d else 0,
        ):
            with pytest.raises(TypeError) as info:
                use(d)
            out.append((type(info.value), str(info.value)))
        return out

    assert failures(ferrox) == failures(dask)


def test_repr_and_hash(engine: ModuleType) -> None:
    for d in (engine.delayed(inc)(1), engine.delayed(1 + 2j).real, engine.delayed("a").upper()):
        assert repr(d) == f"Delayed({d.key!r})"
        assert hash(d) == hash(d) and {d: 1}[d] == 1


# -- laziness ---------------------------------------------------------------------
def test_nothing_runs_before_compute(engine: ModuleType, make_counter: CounterFactory) -> None:
    count = make_counter()
    x = engine.delayed(count)(Point(1, 2))
    y = engine.delayed(identity)([x, x.x, x.norm1(scale=2), x == x, {"k": x}])
    _ = y.dask, y.key, repr(y), len(y.dask), y.__dask_graph__(), y.__dask_keys__()
    assert count.n == 0
    assert y.compute()[0] == Point(1, 2)
    assert count.n == 1


def test_every_compute_runs_the_graph_again(
    engine: ModuleType, make_counter: CounterFactory
) -> None:
    count = make_counter()
    x = engine.delayed(count)(1)
    assert x.compute() == x.compute() == 1
    assert count.n == 2


# -- compute and persist ------------------------------------------------------------
def test_compute_many_returns_a_tuple_and_shares_work(
    engine: ModuleType, make_counter: CounterFactory
) -> None:
    count = make_counter()
    shared = engine.delayed(count)(10)
    a, b, c = engine.delayed(inc)(shared), engine.delayed(add)(shared, 1), shared * 2
    for scheduler in SCHEDULERS:
        count.n = 0
        result = engine.compute(a, b, c, scheduler=scheduler)
        assert type(result) is tuple and len(result) == 3
        assert count.n == 1


def test_compute_many_equals_dask() -> None:
    def program(e: ModuleType) -> tuple[Any, ...]:
        shared = e.delayed(inc)(10)
        a = e.delayed(add)(shared, 1)
        return (a, "x", 3, None, [a, 2, [shared]], {"k": a, "n": 1}, (a, shared), {a, 5}, a)

    expected = dask.compute(*program(dask), scheduler="sync")
    for scheduler in SCHEDULERS:
        result = ferrox.compute(*program(ferrox), scheduler=scheduler)
        assert result == expected
        assert [type(r) for r in result] == [type(r) for r in expected]


def test_compute_without_traversal_and_without_arguments(engine: ModuleType) -> None:
    a = engine.delayed(inc)(1)
    listed, value = engine.compute([a], a, traverse=False)
    assert isinstance(listed[0], delayed_type(engine)) and value == inc(1)
    assert engine.compute() == ()
    assert engine.compute(1, "x") == (1, "x")


def test_persist_keeps_the_value_without_rerunning(
    engine: ModuleType, make_counter: CounterFactory
) -> None:
    count = make_counter()
    x = engine.delayed(count)(3)
    p = x.persist()
    assert count.n == 1
    assert isinstance(p, delayed_type(engine)) and p.key == x.key
    assert p.compute() == 3 and (p + 1).compute() == 4
    assert engine.compute(p, p * 2) == (3, 6)
    assert count.n == 1
    (q, five) = engine.persist(x, 5)
    assert count.n == 2 and q.compute() == 3 and five == 5


def test_persist_many_shares_work(engine: ModuleType, make_counter: CounterFactory) -> None:
    count = make_counter()
    shared = engine.delayed(count)(1)
    a, b = engine.persist(shared + 1, shared + 2)
    assert count.n == 1
    assert engine.compute(a, b) == (2, 3)
    assert count.n == 1


def test_persist_equals_dask() -> None:
    def program(e: ModuleType) -> Any:
        x = e.delayed(sum)([e.delayed(inc)(i) for i in range(5)]).persist()
        return e.delayed(add)(x, y=x)

    run_both(program)
    assert len(program(ferrox).dask) == len(dict(program(dask).dask))


# -- interoperability --------------------------------------------------------------
def test_dask_runs_the_exported_graph() -> None:
    f = PROGRAMS["diamond"](ferrox)
    assert dask.get(dict(f.dask), f.key) == f.compute()


@pytest.mark.parametrize("scheduler", [None, "sync", "threads"])
def test_dask_computes_a_ferrox_delayed(scheduler: str | None) -> None:
    """ferrox collections implement dask's collection protocol (DESIGN.md)."""
    f = PROGRAMS["diamond"](ferrox)
    assert dask.is_dask_collection(f)
    assert dask.compute(f, scheduler=scheduler) == (PROGRAMS["diamond"](dask).compute(),)


# -- exceptions -----------------------------------------------------------------------
class PairError(Exception):
    """An exception whose constructor needs two arguments."""

    def __init__(self, a: int, b: int) -> None:
        super().__init__(a, b)
        self.a, self.b = a, b


def fail_value(x: int) -> int:
    raise ValueError(f"bad value {x}")


def fail_pair(x: int) -> int:
    raise PairError(x, x + 1)


FAILURES: dict[str, Program] = {
    "value-error": lambda e: e.delayed(fail_value)(3),
    "pair-error": lambda e: e.delayed(fail_pair)(3),
    "zero-division": lambda e: e.delayed(operator.truediv)(1, 0),
    "key-error": lambda e: e.delayed(lambda d: d["missing"])({}),
    "type-error": lambda e: e.delayed(inc)("a"),
    "in-a-dependency": lambda e: e.delayed(inc)(e.delayed(fail_value)(4)),
    "in-a-nested-argument": lambda e: e.delayed(sum)([e.delayed(inc)(1), e.delayed(inc)(None)]),
}


@pytest.mark.parametrize("scheduler", SCHEDULERS)
@pytest.mark.parametrize("name", list(FAILURES))
def test_exceptions_keep_type_and_message(name: str, scheduler: str) -> None:
    _, ferrox_exc = raise_both(FAILURES[name], scheduler)
    if isinstance(ferrox_exc, PairError):
        assert (ferrox_exc.a, ferrox_exc.b) == (3, 4)


@pytest.mark.parametrize("scheduler", SCHEDULERS)
def test_exception_notes_name_the_failing_key(scheduler: str) -> None:
    bad = ferrox.delayed(fail_value)(3)
    downstream = ferrox.delayed(inc)(bad)
    for target in (bad, downstream):
        with pytest.raises(ValueError) as info:
            target.compute(scheduler=scheduler)
        notes = getattr(info.value, "__notes__", [])
        assert any(bad.key in note for note in notes), notes


@pytest.mark.parametrize("scheduler", SCHEDULERS)
def test_failure_stops_the_dependents(
    engine: ModuleType, scheduler: str, make_counter: CounterFactory
) -> None:
    count = make_counter()
    downstream = engine.delayed(count)(engine.delayed(fail_value)(3))
    with pytest.raises(ValueError):
        downstream.compute(scheduler=scheduler)
    assert count.n == 0


@pytest.mark.parametrize("scheduler", SCHEDULERS)
def test_the_users_exception_object_and_frame_surface(engine: ModuleType, scheduler: str) -> None:
    err = KeyError("mine")

    def raiser() -> None:
        raise err

    with pytest.raises(KeyError) as info:
        engine.delayed(raiser)().compute(scheduler=scheduler)
    assert info.value is err
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert "raiser" in frames, frames


def test_computing_after_a_failure_works(engine: ModuleType) -> None:
    for scheduler in SCHEDULERS:
        with pytest.raises(ValueError):
            engine.delayed(fail_value)(1).compute(scheduler=scheduler)
        assert engine.delayed(inc)(1).compute(scheduler=scheduler) == inc(1)


def test_a_failure_cancels_the_remaining_tasks(
    engine: ModuleType, make_counter: CounterFactory
) -> None:
    """30 independent tasks of 0.3 s on 2 threads; the third to start fails.

    Run to the end they would take ~4.5 s. The exception surfaces without
    waiting for the rest, and no task starts afterwards: besides the failing
    one, at most the ``workers`` tasks already handed to threads run.
    """
    n_tasks, nap, workers = 30, 0.3, 2
    started, finished = make_counter(), make_counter()
    failed: list[tuple[int, float]] = []

    def work(i: int) -> int:
        if started.tick() == 3:
            failed.append((i, time.perf_counter()))
            raise RuntimeError(f"task {i} failed")
        time.sleep(nap)
        finished.tick()
        return i

    tasks = [engine.delayed(work)(i) for i in range(n_tasks)]
    total = engine.delayed(sum)(tasks)
    with pytest.raises(RuntimeError, match="failed") as info:
        total.compute(scheduler="threads", num_workers=workers)
    raised_at = time.perf_counter()
    time.sleep(6 * nap)  # without cancellation ~12 more tasks would start by now
    (failed_index, failed_at) = failed[0]
    assert raised_at - failed_at < 1.0, raised_at - failed_at
    assert started.n <= 3 + workers, started.n
    assert finished.n <= started.n - 1
    if engine is ferrox:
        notes = getattr(info.value, "__notes__", [])
        assert any(tasks[failed_index].key in note for note in notes), notes


def test_threads_run_python_tasks_concurrently(engine: ModuleType) -> None:
    """Two tasks that each wait for the other finish only if they run at once."""
    barrier = threading.Barrier(2, timeout=10)

    def meet(i: int) -> int:
        barrier.wait()
        return i

    pair = engine.delayed(add)(engine.delayed(meet)(1), engine.delayed(meet)(2))
    assert pair.compute(scheduler="threads", num_workers=2) == add(1, 2)
