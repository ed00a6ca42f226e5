"""Native operations for hand-built graphs: they run in Rust without the GIL.

Each is also an ordinary Python callable, so a graph using them runs
unchanged under Dask (which calls them like any function).

Examples
--------
>>> from ferrox import ops
>>> ops.inc(1), ops.add(2, 3), ops.sum([1, 2, 3]), ops.noop(1, 2)
(2, 5, 6, None)
"""

from __future__ import annotations

from ferrox._core import native_op

noop = native_op("noop")
identity = native_op("identity")
inc = native_op("inc")
add = native_op("add")
sum = native_op("sum")  # noqa: A001 - the operation's name

__all__ = ["add", "identity", "inc", "noop", "sum"]
