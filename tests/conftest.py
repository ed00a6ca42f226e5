"""Shared pytest configuration: hypothesis profiles, the two engines, subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from types import ModuleType

import dask
import ferrox
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "fast", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

#: The reference and the library under test, by name: a test that takes the
#: ``engine`` fixture runs once with each, so its dask half checks the test itself.
ENGINES: dict[str, ModuleType] = {"dask": dask, "ferrox": ferrox}

RunSubprocess = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture(params=list(ENGINES))
def engine(request: pytest.FixtureRequest) -> ModuleType:
    """``dask`` or ``ferrox``: each has ``delayed``, ``compute``, ``persist``, ``config``."""
    return ENGINES[request.param]


def _run_subprocess(code: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (dedented) as ``python -c`` and capture its output as text."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def run_subprocess() -> RunSubprocess:
    """``run_subprocess(code, timeout=300) -> CompletedProcess[str]``."""
    return _run_subprocess


class CallCounter:
    """A thread-safe call counter: ``counter(x)`` counts the call and returns ``x``."""

    def __init__(self) -> None:
        self.n = 0
        self._lock = threading.Lock()

    def tick(self) -> int:
        """Count one call; return the count including it."""
        with self._lock:
            self.n += 1
            return self.n

    def __call__(self, x: object) -> object:
        self.tick()
        return x


@pytest.fixture
def make_counter() -> Callable[[], CallCounter]:
    """A factory of fresh :class:`CallCounter` objects."""
    return CallCounter
