"""compute / persist / config / schedulers / dict graphs, against dask."""

from __future__ import annotations

import time
from operator import add, mul

import dask
import dask.threaded
import ferrox
import pytest


def inc(x: int) -> int:
    return x + 1


def sleepy(x: float) -> float:
    time.sleep(x)
    return x


@pytest.mark.parametrize("name", ["threads", "threading", "sync", "synchronous", "single-threaded"])
def test_scheduler_names(name: str) -> None:
    program = lambda e: e.delayed(sum)([e.delayed(inc)(i) for i in range(5)])  # noqa: E731
    assert program(ferrox).compute(scheduler=name) == program(dask).compute(scheduler=name)


def test_unknown_scheduler_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError) as info:
        ferrox.delayed(1).compute(scheduler="warp-drive")
    message = str(info.value)
    assert "'warp-drive'" in message and "'threads'" in message and "'sync'" in message


def test_config_set_as_context_and_globally() -> None:
    assert ferrox.config.get("scheduler", None) is None
    with ferrox.config.set(scheduler="sync"):
        assert ferrox.config.get("scheduler") == "sync"
        with pytest.raises(ValueError):
            with ferrox.config.set(scheduler="nope"):
                ferrox.delayed(1).compute()
        assert ferrox.config.get("scheduler") == "sync"
    assert ferrox.config.get("scheduler", None) is None
    ferrox.config.set(num_workers=3)
    try:
        assert ferrox.config.get("num_workers") == 3
    finally:
        ferrox.config.set(num_workers=None)


def test_num_workers_is_honoured() -> None:
    tasks = lambda: ferrox.delayed(sum)([ferrox.delayed(sleepy)(0.3) for _ in range(4)])  # noqa: E731
    start = time.perf_counter()
    tasks().compute(num_workers=4)
    parallel = time.perf_counter() - start
    start = time.perf_counter()
    tasks().compute(num_workers=1)
    serial = time.perf_counter() - start
    assert parallel < 0.9 and serial > 1.1, (parallel, serial)
    with ferrox.config.set(num_workers=4):
        start = time.perf_counter()
        tasks().compute()
        assert time.perf_counter() - start < 0.9


@pytest.mark.parametrize("scheduler", ["threads", "sync"])
def test_dict_graphs_equal_dask(scheduler: str) -> None:
    dsk = {
        "a": 1,
        ("b", 0): (inc, "a"),
        ("b", 1): (add, ("b", 0), 10),
        "c": (sum, [("b", 0), ("b", 1), "a"]),
        "d": (mul, (inc, "c"), 2),
        "e": "c",
        "f": ["a", ("b", 0)],
        "g": (add, "not-a-key", "!"),
    }
    for keys in ["d", ["c", "e"], [["a", "f"], "g"], ("b", 1)]:
        assert ferrox.get(dsk, keys, scheduler=scheduler) == dask.get(dsk, keys)


def test_native_ops_equal_python_functions() -> None:
    def graph(i: object, a: object, s: object) -> dict:
        return {
            "x": 1,
            "y": (i, "x"),
            "z": (a, "y", 2.5),
            "t": (s, ["x", "y", "z"]),
            "n": (ferrox.ops.noop, "t"),
        }

    native = graph(ferrox.ops.inc, ferrox.ops.add, ferrox.ops.sum)
    python = graph(inc, add, sum)
    python["n"] = (lambda _: None, "t")
    for key in ("y", "z", "t", "n"):
        assert ferrox.get(native, key) == dask.threaded.get(python, key)
        assert ferrox.get(native, key) == dask.threaded.get(native, key)


def test_graph_errors_match_dask() -> None:
    with pytest.raises(KeyError) as dask_err:
        dask.get({"a": 1}, "zz")
    with pytest.raises(KeyError) as ferrox_err:
        ferrox.get({"a": 1}, "zz")
    assert ferrox_err.value.args == dask_err.value.args
    cyclic = {"a": (inc, "b"), "b": (inc, "a")}
    with pytest.raises(RuntimeError):
        dask.threaded.get(cyclic, "a")
    with pytest.raises(RuntimeError, match="cycle"):
        ferrox.get(cyclic, "a")


def test_native_op_errors() -> None:
    with pytest.raises(
        TypeError, match="native `inc` takes int64 or float numbers, got a Python object"
    ):
        ferrox.get({"a": "text", "b": (ferrox.ops.inc, "a")}, "b")
    with pytest.raises(ValueError, match="`add` takes 2 arguments, got 1"):
        ferrox.ops.add(1)
