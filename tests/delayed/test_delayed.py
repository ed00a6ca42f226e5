"""ferrox.delayed side by side with dask.delayed: the same programs, the same results."""

from __future__ import annotations

import operator
import threading
import traceback
from collections.abc import Callable
from typing import Any

import dask
import ferrox
import numpy as np
import pytest
from ferrox.delayed import Delayed

ENGINES = {"dask": dask, "ferrox": ferrox}


def run_both(program: Callable[[Any], Any]) -> None:
    """Run ``program(engine)`` with dask and ferrox; compare computed results."""
    expected = dask.compute(program(dask), scheduler="sync")[0]
    for scheduler in ("sync", "threads"):
        result = ferrox.compute(program(ferrox), scheduler=scheduler)[0]
        if isinstance(expected, np.ndarray):
            np.testing.assert_array_equal(result, expected)
        else:
            assert result == expected and type(result) is type(expected), (result, expected)


def inc(x: int) -> int:
    return x + 1


def add(x: int, y: int = 0) -> int:
    return x + y


class Counter:
    def __init__(self) -> None:
        self.n = 0
        self.lock = threading.Lock()

    def __call__(self, x: Any) -> Any:
        with self.lock:
            self.n += 1
        return x


def test_calls_and_nesting() -> None:
    run_both(lambda e: e.delayed(add)(e.delayed(inc)(1), y=e.delayed(inc)(2)))
    run_both(lambda e: e.delayed(sum)([e.delayed(inc)(i) for i in range(10)]))
    run_both(lambda e: e.delayed(len)({"a": e.delayed(inc)(1), "b": (e.delayed(inc)(2), 3)}))
    run_both(lambda e: e.delayed(sorted)({e.delayed(inc)(1), 5}))
    run_both(lambda e: e.delayed(dict)(a=[e.delayed(inc)(1), {"x": e.delayed(inc)(2)}]))


def test_decorators() -> None:
    for e in ENGINES.values():

        @e.delayed
        def double(x: int) -> int:
            return 2 * x

        @e.delayed(pure=True)
        def triple(x: int) -> int:
            return 3 * x

        assert double(triple(2)).compute() == 12
        assert triple(2).key == triple(2).key
        assert double(2).key != double(2).key


def test_delayed_values_and_containers() -> None:
    run_both(lambda e: e.delayed(5))
    run_both(lambda e: e.delayed([1, e.delayed(inc)(1), (2, e.delayed(inc)(2))]))
    run_both(lambda e: e.delayed({"a": e.delayed(inc)(1)})["a"] + 1)
    d = ferrox.delayed(ferrox.delayed(1))
    assert isinstance(d, Delayed) and d.compute() == 1


def test_pure_and_names() -> None:
    a, b = ferrox.delayed(add, pure=True)(1, 2), ferrox.delayed(add, pure=True)(1, 2)
    assert a.key == b.key
    assert ferrox.delayed(add)(1, 2).key != ferrox.delayed(add)(1, 2).key
    assert ferrox.delayed(add)(1, 2, dask_key_name="three").key == "three"
    assert ferrox.delayed(3, name="x").key == "x"
    assert ferrox.delayed(add)(1, 2).key.startswith("add-")
    with ferrox.config.set(delayed_pure=True):
        assert ferrox.delayed(add)(1, 2).key == ferrox.delayed(add)(1, 2).key


def test_nout_unpacking_and_len() -> None:
    run_both(lambda e: e.delayed(divmod, nout=2)(17, 5)[1])
    for e in ENGINES.values():
        q, r = e.delayed(divmod, nout=2)(17, 5)
        assert (q.compute(), r.compute()) == divmod(17, 5)
        assert len(e.delayed(divmod, nout=2)(1, 1)) == 2
    for e in ENGINES.values():
        with pytest.raises(TypeError, match="not iterable"):
            list(e.delayed(divmod)(1, 1))
        with pytest.raises(TypeError, match="no len"):
            len(e.delayed(divmod)(1, 1))
    with pytest.raises(ValueError) as dask_err:
        dask.delayed(divmod, nout=-1)
    with pytest.raises(ValueError) as ferrox_err:
        ferrox.delayed(divmod, nout=-1)
    assert str(ferrox_err.value) == str(dask_err.value)


def test_attributes_and_methods() -> None:
    run_both(lambda e: e.delayed("hello").upper())
    run_both(lambda e: e.delayed(np.arange(6)).reshape(2, 3).sum(axis=0))
    run_both(lambda e: e.delayed(1 + 2j).real)
    run_both(lambda e: e.delayed({"a": 1}).get("a", 0))


BINARY = [
    operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod,
    operator.pow, operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift,
    operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge,
]  # fmt: skip


@pytest.mark.parametrize("op", BINARY, ids=lambda f: f.__name__)
def test_operators(op: Callable[[Any, Any], Any]) -> None:
    run_both(lambda e: op(e.delayed(7), 3))
    run_both(lambda e: op(7, e.delayed(3)))
    run_both(lambda e: op(e.delayed(7), e.delayed(3)))


def test_unary_operators_getitem_and_matmul() -> None:
    for op in (operator.neg, operator.pos, operator.abs, operator.invert):
        run_both(lambda e, op=op: op(e.delayed(-5)))
    run_both(lambda e: e.delayed([1, 2, 3])[1])
    m = np.arange(4.0).reshape(2, 2)
    run_both(lambda e: e.delayed(m) @ m)


def test_calling_a_delayed_value() -> None:
    run_both(lambda e: e.delayed(max)(1, 5) + 1)
    run_both(lambda e: e.delayed(add)(1, y=2))
    f = ferrox.delayed(lambda: add)
    assert f()(2, 3).compute() == 5


def test_nothing_runs_before_compute() -> None:
    count = Counter()
    x = ferrox.delayed(count)(1)
    y = ferrox.delayed(add)(x, x)
    _ = y.dask, y.key, repr(y)
    assert count.n == 0
    assert y.compute() == 2
    assert count.n == 1


def test_compute_shares_work_and_passes_through() -> None:
    count = Counter()
    shared = ferrox.delayed(count)(10)
    a, b = ferrox.delayed(inc)(shared), ferrox.delayed(add)(shared, 1)
    assert ferrox.compute(a, b, "x", [shared, 2]) == dask.compute(11, 11, "x", [10, 2])
    assert count.n == 1


def test_persist_keeps_the_value() -> None:
    count = Counter()
    x = ferrox.delayed(count)(3)
    p = x.persist()
    assert count.n == 1 and p.key == x.key
    assert (p + 1).compute() == 4 and p.compute() == 3
    assert count.n == 1
    (q,) = ferrox.persist(x)
    assert q.compute() == 3


def test_graph_introspection_matches_dask() -> None:
    def program(e: Any) -> Any:
        xs = [e.delayed(inc)(i) for i in range(3)]
        return e.delayed(sum)(xs).real

    f, d = program(ferrox), program(dask)
    assert isinstance(f.key, str) and f.key in f.dask
    assert len(f.dask) == len(dict(d.dask))
    assert f.__dask_keys__() == [f.key]
    assert set(f.__dask_graph__()) == set(f.dask)
    assert repr(f) == f"Delayed({f.key!r})"


def test_dask_can_run_the_exported_graph() -> None:
    f = ferrox.delayed(add)(ferrox.delayed(inc)(1), y=ferrox.delayed(inc)([2][0]))
    assert dask.get(f.dask, f.key) == f.compute()


def test_immutable_and_no_truth() -> None:
    for e in ENGINES.values():
        d = e.delayed(1)
        with pytest.raises(TypeError, match="Truth of Delayed objects is not supported"):
            bool(d)
        with pytest.raises(TypeError, match="immutable"):
            d.x = 1
        with pytest.raises(TypeError, match="immutable"):
            d[0] = 1
        with pytest.raises(AttributeError):
            d._private  # noqa: B018


def failing(x: int) -> int:
    raise ValueError(f"bad value {x}")


def test_exceptions_keep_type_message_and_name_the_key() -> None:
    with pytest.raises(ValueError) as dask_err:
        dask.delayed(failing)(3).compute()
    for scheduler in ("sync", "threads"):
        task = ferrox.delayed(failing)(3)
        with pytest.raises(ValueError) as ferrox_err:
            task.compute(scheduler=scheduler)
        assert str(ferrox_err.value) == str(dask_err.value)
        assert any(task.key in note for note in ferrox_err.value.__notes__)


def test_sync_raises_the_users_own_exception_with_its_frame() -> None:
    err = KeyError("mine")

    def raiser() -> None:
        raise err

    with pytest.raises(KeyError) as info:
        ferrox.delayed(raiser)().compute(scheduler="sync")
    assert info.value is err
    assert "raiser" in [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]


def test_a_failure_cancels_the_rest() -> None:
    started = Counter()
    event = threading.Event()

    def slow(i: int) -> int:
        started(i)
        event.wait(5)
        return i

    def fail_now() -> None:
        event.set()
        raise RuntimeError("boom")

    # The failing task sits under the longest branch, so it runs first.
    chain = ferrox.delayed(fail_now)()
    for i in range(20):
        chain = ferrox.delayed(add)(chain, i)
    others = [ferrox.delayed(slow)(i) for i in range(50)]
    with pytest.raises(RuntimeError, match="boom"):
        ferrox.delayed(sum)([chain, *others]).compute(scheduler="threads", num_workers=1)
    assert started.n < 50
