"""ferrox.ops: native task functions agree with Python arithmetic on numbers."""

from __future__ import annotations

import ferrox
import numpy as np
import pytest
from ferrox import ops

# Native ops compute in int64 / float64: NumPy scalars of smaller types give
# the int64 result (no wrap-around), so they are compared on values that fit.
NUMBERS = [0, -7, 3.5, True, np.int64(4), np.int32(-2), np.float64(1.25), np.uint8(20)]


@pytest.mark.parametrize("x", NUMBERS, ids=repr)
def test_inc_add_sum_match_python(x: object) -> None:
    assert ops.inc(x) == x + 1
    assert ops.add(x, 2) == x + 2
    assert ops.sum([x, 1, 2.5]) == sum([x, 1, 2.5])
    assert ops.sum((x, x)) == sum((x, x))
    assert ferrox.get({"b": (ops.inc, x)}, "b") == x + 1


def test_graph_values_feeding_native_ops_must_be_python_numbers() -> None:
    # A literal in a graph keeps its own type (as in dask), so a NumPy scalar
    # stored under a key reaches a native op as a Python object.
    assert ferrox.get({"a": 2, "b": (ops.inc, "a")}, "b") == 3
    with pytest.raises(TypeError, match="got a Python object as argument 1"):
        ferrox.get({"a": np.int64(2), "b": (ops.inc, "a")}, "b")
    assert type(ferrox.get({"a": np.int64(2)}, "a")) is np.int64


def test_int64_overflow_is_an_error_not_a_float() -> None:
    with pytest.raises(OverflowError, match="native `inc` overflowed int64"):
        ops.inc(2**63 - 1)
    with pytest.raises(OverflowError, match="native `add` overflowed int64"):
        ferrox.get({"a": 2**62, "b": (ops.add, "a", "a")}, "b")


def test_non_numbers_name_the_argument() -> None:
    with pytest.raises(
        TypeError,
        match="native `add` takes int64 or float numbers, got a Python object as argument 2",
    ):
        ops.add(1, "x")
    with pytest.raises(TypeError, match="got a Python object as argument 1"):
        ops.inc(2**64)
