"""The allocator's settings are made before the native core loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SHOW = "import os, ferrox; print(os.environ['MIMALLOC_ARENA_EAGER_COMMIT'])"


@pytest.mark.parametrize(("given", "seen"), [(None, "0"), ("1", "1")])
def test_arenas_commit_on_demand_unless_the_user_says(given: str | None, seen: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MIMALLOC_ARENA_EAGER_COMMIT"}
    if given is not None:
        env["MIMALLOC_ARENA_EAGER_COMMIT"] = given
    out = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == seen


def test_the_setting_precedes_the_core() -> None:
    code = "import sys, ferrox; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    order = out.stdout.split()
    assert order.index("ferrox._allocator") < order.index("ferrox._core")
    assert order.index("ferrox._cpu") < order.index("ferrox._core")
