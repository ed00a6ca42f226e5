"""Shared helpers for workload scripts: arguments, timing, the JSON report."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any


def parse(engines: list[str], **extra: Any) -> argparse.Namespace:
    """The workload's command line: ``--engine``, ``--scale`` and extras."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=engines, required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    for name, default in extra.items():
        parser.add_argument(f"--{name}", default=default)
    return parser.parse_args()


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn`` and return its result and the seconds it took."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def report(engine: str, version: str, seconds: float, **extra: Any) -> None:
    """Print the one JSON line the runner reads."""
    print(
        json.dumps(
            {"engine": engine, "version": version, "seconds": seconds, "check": "ok", **extra}
        )
    )


def version_of(engine: str) -> str:
    """The engine's version string."""
    module = {"python": "sys"}.get(engine, engine)
    if module == "sys":
        import sys

        return sys.version.split()[0]
    return __import__(module).__version__
