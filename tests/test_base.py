"""compute / config / schedulers / dict graphs, side by side with dask."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from operator import add, mul
from types import ModuleType
from typing import Any

import dask
import dask.threaded
import ferrox
import pytest
from dask.utils import apply

SCHEDULER_NAMES = ["threads", "threading", "sync", "synchronous", "single-threaded"]
SYNC_NAMES = {"sync", "synchronous", "single-threaded"}


def inc(x: int) -> int:
    return x + 1


def identity(x: Any) -> Any:
    return x


def sleepy(x: float) -> float:
    time.sleep(x)
    return x


def thread_id(_: object = None) -> int:
    return threading.get_ident()


@pytest.fixture(autouse=True)
def restore_config() -> Iterator[None]:
    """Tests that set configuration globally leave it as they found it."""
    saved = {
        name: (engine.config.get("scheduler", None), engine.config.get("num_workers", None))
        for name, engine in {"dask": dask, "ferrox": ferrox}.items()
    }
    yield
    for name, engine in {"dask": dask, "ferrox": ferrox}.items():
        scheduler, num_workers = saved[name]
        engine.config.set(scheduler=scheduler, num_workers=num_workers)


def outcome(run: Callable[[], Any]) -> tuple[str, Any]:
    """``("ok", value)`` or ``("raised", exception type)``."""
    try:
        return "ok", run()
    except Exception as exc:  # noqa: BLE001 - the type is the outcome
        return "raised", type(exc)


# -- configuration ------------------------------------------------------------------
def test_config_set_is_a_context_manager_that_restores(engine: ModuleType) -> None:
    before = engine.config.get("scheduler", None)
    with engine.config.set(scheduler="sync"):
        assert engine.config.get("scheduler") == "sync"
        with engine.config.set(scheduler="threads", num_workers=3):
            assert engine.config.get("scheduler") == "threads"
            assert engine.config.get("num_workers") == 3
        assert engine.config.get("scheduler") == "sync"
        with pytest.raises(ZeroDivisionError):
            with engine.config.set(scheduler="threads"):
                1 / 0  # noqa: B018
        assert engine.config.get("scheduler") == "sync"
    assert engine.config.get("scheduler", None) == before


def test_config_set_globally(engine: ModuleType) -> None:
    engine.config.set(scheduler="sync", num_workers=3)
    assert engine.config.get("scheduler") == "sync"
    assert engine.config.get("num_workers") == 3
    assert engine.delayed(thread_id)().compute() == threading.get_ident()


def test_config_get_default_for_unset_keys(engine: ModuleType) -> None:
    assert engine.config.get("no-such-setting", 42) == 42
    with pytest.raises(KeyError):
        engine.config.get("no-such-setting")


@pytest.mark.parametrize("configured", ["sync", "threads"])
def test_the_configured_scheduler_is_used(engine: ModuleType, configured: str) -> None:
    """sync runs tasks on the calling thread; threads on pool threads; arguments win."""
    here = threading.get_ident()
    other = "threads" if configured == "sync" else "sync"
    with engine.config.set(scheduler=configured):
        on_caller = engine.delayed(thread_id)().compute() == here
        assert on_caller == (configured == "sync")
        on_caller = engine.delayed(thread_id)().compute(scheduler=other) == here
        assert on_caller == (other == "sync")


# -- scheduler names -------------------------------------------------------------------
@pytest.mark.parametrize("name", SCHEDULER_NAMES)
def test_scheduler_names(name: str) -> None:
    def program(e: ModuleType) -> Any:
        return e.delayed(sum)([e.delayed(inc)(i) for i in range(5)])

    expected = program(dask).compute(scheduler=name)
    assert program(ferrox).compute(scheduler=name) == expected
    assert ferrox.compute(program(ferrox), scheduler=name) == (expected,)
    with ferrox.config.set(scheduler=name):
        assert program(ferrox).compute() == expected
    ids = {"dask": dask.delayed(thread_id)(), "ferrox": ferrox.delayed(thread_id)()}
    on_caller = {k: d.compute(scheduler=name) == threading.get_ident() for k, d in ids.items()}
    assert on_caller["ferrox"] == on_caller["dask"] == (name in SYNC_NAMES)


def test_unknown_scheduler_lists_the_valid_ones() -> None:
    with pytest.raises(Exception) as dask_err:
        dask.delayed(1).compute(scheduler="warp-drive")
    for attempt in (
        lambda: ferrox.delayed(1).compute(scheduler="warp-drive"),
        lambda: ferrox.compute(ferrox.delayed(1), scheduler="warp-drive"),
        lambda: ferrox.get({"a": 1}, "a", scheduler="warp-drive"),
    ):
        with pytest.raises(Exception) as ferrox_err:
            attempt()
        assert type(ferrox_err.value) is type(dask_err.value) is ValueError
        message = str(ferrox_err.value)
        assert "warp-drive" in message and "threads" in message and "sync" in message


def test_unknown_configured_scheduler_raises_like_dask(engine: ModuleType) -> None:
    with engine.config.set(scheduler="warp-drive"):
        with pytest.raises(ValueError, match="threads"):
            engine.delayed(1).compute()


# -- num_workers ---------------------------------------------------------------------
def four_naps(e: ModuleType) -> Any:
    return e.delayed(sum)([e.delayed(sleepy)(0.3) for _ in range(4)])


def elapsed(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def test_num_workers_is_honoured(engine: ModuleType) -> None:
    """Four tasks sleeping 0.3 s: ~0.3 s on four threads, ~1.2 s on one."""
    parallel = elapsed(lambda: four_naps(engine).compute(scheduler="threads", num_workers=4))
    serial = elapsed(lambda: four_naps(engine).compute(scheduler="threads", num_workers=1))
    assert parallel < 0.9 and serial > 1.1, (parallel, serial)


def test_num_workers_from_config(engine: ModuleType) -> None:
    with engine.config.set(scheduler="threads", num_workers=4):
        assert elapsed(lambda: four_naps(engine).compute()) < 0.9
    with engine.config.set(scheduler="threads", num_workers=1):
        assert elapsed(lambda: four_naps(engine).compute()) > 1.1


def test_num_workers_in_get(engine: ModuleType) -> None:
    dsk = {("nap", i): (sleepy, 0.3) for i in range(4)}
    keys = list(dsk)
    if engine is dask:
        get = dask.threaded.get
    else:

        def get(dsk: Any, keys: Any, num_workers: int) -> Any:
            return ferrox.get(dsk, keys, scheduler="threads", num_workers=num_workers)

    assert elapsed(lambda: get(dsk, keys, num_workers=4)) < 0.9
    assert elapsed(lambda: get(dsk, keys, num_workers=1)) > 1.1


# -- dict graphs -----------------------------------------------------------------------
BASE_GRAPH: dict[Any, Any] = {
    "a": 1,
    ("b", 0): (inc, "a"),
    ("b", 1): (add, ("b", 0), 10),
    "c": (sum, [("b", 0), ("b", 1), "a"]),
    "d": (mul, (inc, "c"), 2),
    "alias": "c",
    "list-value": ["a", ("b", 0)],
    "nested-lists": (sum, [[("b", 0)], ["a"]], []),
    "literal-string": (add, "not-a-key", "!"),
    "literal-tuple": (1, 2),
    "tuple-of-keys": ("a", ("b", 1)),
    "tuple-arg-of-keys": (identity, ("a", ("b", 1), 5)),
    "dict-arg": (identity, {"k": "a"}),
    "apply-kwargs": (apply, add, ["a"], {"y": 5}),
    "missing-tuple-key-is-literal": (identity, ("b", 99)),
    "fan-in": (sum, [("fan", i) for i in range(100)]),
    **{("fan", i): (inc, i) for i in range(100)},
}

KEY_REQUESTS: dict[str, Any] = {
    "str": "d",
    "tuple": ("b", 1),
    "literal": "a",
    "alias": "alias",
    "list-value": "list-value",
    "nested-lists": "nested-lists",
    "literal-string": "literal-string",
    "literal-tuple": "literal-tuple",
    "tuple-of-keys": "tuple-of-keys",
    "tuple-arg-of-keys": "tuple-arg-of-keys",
    "dict-arg": "dict-arg",
    "apply-kwargs": "apply-kwargs",
    "missing-tuple-key-is-literal": "missing-tuple-key-is-literal",
    "fan-in": "fan-in",
    "list": ["c", "alias", ("b", 0)],
    "nested-list": [["a", "d"], "alias", [("b", 1)]],
    "repeated": ["a", "a", "d"],
    "empty-list": [],
}


@pytest.mark.parametrize("scheduler", ["threads", "sync"])
@pytest.mark.parametrize("request_name", list(KEY_REQUESTS))
def test_dict_graphs_equal_dask(request_name: str, scheduler: str) -> None:
    keys = KEY_REQUESTS[request_name]
    expected = outcome(lambda: dask.get(BASE_GRAPH, keys))
    assert outcome(lambda: dask.threaded.get(BASE_GRAPH, keys)) == expected
    assert outcome(lambda: ferrox.get(BASE_GRAPH, keys, scheduler=scheduler)) == expected


def test_get_does_not_change_the_graph() -> None:
    dsk = dict(BASE_GRAPH)
    ferrox.get(dsk, ["d", "fan-in"])
    assert dsk == BASE_GRAPH


def test_get_only_runs_what_the_keys_need() -> None:
    def boom() -> None:
        raise RuntimeError("not needed")

    dsk = {"a": 1, "b": (inc, "a"), "unused": (boom,)}
    for scheduler in ("threads", "sync"):
        assert ferrox.get(dsk, "b", scheduler=scheduler) == dask.get(dsk, "b")


def native_and_python(graph: Callable[..., dict[Any, Any]]) -> tuple[dict[Any, Any], ...]:
    """The same graph built from ``ferrox.ops`` and from plain Python functions."""

    def noop(*args: Any) -> None:
        return None

    ops = ferrox.ops
    return graph(ops.inc, ops.add, ops.sum, ops.noop, ops.identity), graph(
        inc, add, sum, noop, identity
    )


def assert_native_equals_python(graph: Callable[..., dict[Any, Any]], keys: list[Any]) -> None:
    native, python = native_and_python(graph)
    expected = dask.threaded.get(python, keys)
    assert dask.threaded.get(native, keys) == expected
    for scheduler in ("threads", "sync"):
        result = ferrox.get(native, keys, scheduler=scheduler)
        assert result == expected
        assert [type(r) for r in result] == [type(r) for r in expected]


def test_native_ops_equal_python_functions() -> None:
    def graph(inc_: Any, add_: Any, sum_: Any, noop_: Any, identity_: Any) -> dict[Any, Any]:
        return {
            "x": 1,
            "f": 2.5,
            "y": (inc_, "x"),
            "z": (add_, "y", "f"),
            "t": (sum_, ["x", "y", "z"]),
            "n": (noop_, "t"),
            "i": (identity_, "t"),
            ("w", 0): (add_, "x", "x"),
            ("w", 1): (add_, ("w", 0), 0.5),
            "literals": (sum_, [1, 2, "y"]),
        }

    assert_native_equals_python(graph, ["y", "z", "t", "n", "i", ("w", 1), "literals"])


def test_native_ops_take_nested_tasks() -> None:
    def graph(inc_: Any, add_: Any, sum_: Any, noop_: Any, identity_: Any) -> dict[Any, Any]:
        return {
            "x": 1,
            "native-in-native": (inc_, (inc_, "x")),
            "python-in-native": (add_, (inc, "x"), 1),
            "native-in-python": (inc, (inc_, "x")),
            "task-in-a-list": (sum_, [1, (inc_, "x")]),
            "deep": (inc_, (add_, (inc_, "x"), (sum_, [1, 2, "x"]))),
        }

    keys = ["native-in-native", "python-in-native", "native-in-python", "task-in-a-list", "deep"]
    assert_native_equals_python(graph, keys)


def test_native_ops_in_a_long_fan_in() -> None:
    native = {("x", i): (ferrox.ops.inc, i) for i in range(1000)}
    native["total"] = (ferrox.ops.sum, list(native))
    python = {("x", i): (inc, i) for i in range(1000)}
    python["total"] = (sum, list(python))
    assert ferrox.get(native, "total") == dask.get(python, "total")


def test_native_op_errors_are_python_errors() -> None:
    dsk = {"a": "text", "b": (ferrox.ops.inc, "a")}
    with pytest.raises(TypeError) as dask_err:
        dask.get({"a": "text", "b": (inc, "a")}, "b")
    with pytest.raises(TypeError) as ferrox_err:
        ferrox.get(dsk, "b")
    assert type(ferrox_err.value) is type(dask_err.value)
    with pytest.raises(
        TypeError, match="native `inc` takes int64 or float numbers, got a Python object"
    ):
        ferrox.get(dsk, "b", scheduler="sync")
    with pytest.raises(ValueError, match="`add` takes 2 arguments, got 1"):
        ferrox.ops.add(1)


# -- bad graphs ------------------------------------------------------------------------
BAD_GRAPHS: dict[str, tuple[dict[Any, Any], Any]] = {
    "missing-requested-key": ({"a": 1}, "zz"),
    "missing-requested-tuple-key": ({("a", 0): 1}, ("a", 1)),
    "missing-key-in-a-list": ({"a": 1}, ["a", "zz"]),
    "cycle": ({"a": (inc, "b"), "b": (inc, "a")}, "a"),
    "self-cycle": ({"a": (inc, "a")}, "a"),
    "cycle-of-three": ({"a": (inc, "b"), "b": (inc, "c"), "c": (sum, ["a", 1])}, "a"),
    "cycle-below": ({"top": (inc, "a"), "a": (inc, "b"), "b": (inc, "a")}, "top"),
}


@pytest.mark.parametrize("scheduler", ["threads", "sync"])
@pytest.mark.parametrize("name", list(BAD_GRAPHS))
def test_bad_graphs_raise_like_dask(name: str, scheduler: str) -> None:
    dsk, keys = BAD_GRAPHS[name]
    with pytest.raises(Exception) as dask_err:
        dask.get(dsk, keys)
    with pytest.raises(Exception) as ferrox_err:
        ferrox.get(dsk, keys, scheduler=scheduler)
    assert type(ferrox_err.value) is type(dask_err.value)
    if isinstance(dask_err.value, KeyError):
        assert ferrox_err.value.args == dask_err.value.args
    else:
        assert "cycle" in str(ferrox_err.value).lower()
