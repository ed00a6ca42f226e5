"""The CPU check that runs before the native core loads."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from ferrox import _cpu

ROOT = Path(__file__).resolve().parents[1]


def test_this_machine_has_what_the_core_needs() -> None:
    assert _cpu.missing_flags(Path("/proc/cpuinfo").read_text()) == []


def test_an_older_cpu_is_refused_with_the_missing_features(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor : 0\nflags : fpu sse sse2 pni ssse3 sse4_1 sse4_2 popcnt avx\n")
    with pytest.raises(
        ImportError, match=r"lacks avx2, bmi1, bmi2, cmpxchg16b, .*target-cpu=native"
    ):
        _cpu.check("x86_64", info)


def test_other_architectures_and_unknown_cpus_pass(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("flags : fp asimd\n")
    _cpu.check("aarch64", info)
    _cpu.check("x86_64", tmp_path / "absent")
    info.write_text("processor : 0\n")
    _cpu.check("x86_64", info)


@pytest.mark.skipif(shutil.which("rustc") is None, reason="needs rustc")
def test_the_check_covers_every_feature_the_build_enables() -> None:
    config = (ROOT / ".cargo" / "config.toml").read_text()
    flags = re.search(r"^rustflags = \[(.*)\]$", config, re.M)
    assert flags is not None

    def features(*rustc_args: str) -> set[str]:
        cfg = subprocess.run(
            ["rustc", "--print", "cfg", *rustc_args], capture_output=True, text=True, check=True
        )
        return set(re.findall(r'target_feature="([^"]+)"', cfg.stdout))

    built = features(*re.findall(r'"([^"]+)"', flags.group(1)))
    assert built - features() == set(_cpu.REQUIRED)
