"""Shared helpers for workload scripts: arguments, timing, the JSON report.

A workload script runs one engine, checks its answer against the reference,
and prints exactly one JSON line as its last line of stdout::

    {"engine": "dask", "version": "2026.8.0", "seconds": 1.01, "check": "ok", ...}

``seconds`` is the timed section inside the process; any further keys (such
as ``tasks_per_s``) are extra metrics the runner shows beside it. A wrong
answer ends the script with a non-zero exit status (:func:`fail`) before any
report is printed.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable, Sequence
from typing import Any


def parse(engines: list[str], **extra: str | Sequence[str]) -> argparse.Namespace:
    """The workload's command line: ``--engine``, ``--scale`` and extras.

    An extra given as a string is a free option with that default; one given
    as a list or tuple is a choice among its items, the first the default.
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=engines, required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    for name, default in extra.items():
        if isinstance(default, str):
            parser.add_argument(f"--{name}", default=default)
        else:
            parser.add_argument(f"--{name}", choices=list(default), default=default[0])
    opts = parser.parse_args()
    if opts.scale <= 0:
        parser.error(f"`--scale` must be positive, got {opts.scale}")
    return opts


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn`` and return its result and the seconds it took."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def fail(message: str) -> None:
    """End the script with a non-zero status: the answer was wrong."""
    raise SystemExit(f"check failed: {message}")


def report(engine: str, version: str, seconds: float, **extra: Any) -> None:
    """Print the one JSON line the runner reads (call only after the check)."""
    line = {"engine": engine, "version": version, "seconds": seconds, "check": "ok", **extra}
    print(json.dumps(line), flush=True)


def version_of(engine: str) -> str:
    """The engine's version string (the interpreter's for ``python``)."""
    if engine == "python":
        return platform.python_version()
    return str(__import__(engine).__version__)
