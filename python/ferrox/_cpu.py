"""The CPU check run before the native core is loaded.

The core is compiled for x86-64-v3 (AVX2, FMA, BMI2, …) plus PCLMULQDQ, as
polars' wheels are; on an older x86 CPU it would die of an illegal
instruction, so the import fails first with a message instead.
"""

from __future__ import annotations

import platform
from pathlib import Path

#: The target features the core is compiled with beyond x86-64's baseline
#: (rustc's names), each with the flag Linux's ``/proc/cpuinfo`` shows for it.
REQUIRED = {
    "avx": "avx",
    "avx2": "avx2",
    "bmi1": "bmi1",
    "bmi2": "bmi2",
    "cmpxchg16b": "cx16",
    "f16c": "f16c",
    "fma": "fma",
    "lzcnt": "abm",
    "movbe": "movbe",
    "pclmulqdq": "pclmulqdq",
    "popcnt": "popcnt",
    "sse3": "pni",
    "sse4.1": "sse4_1",
    "sse4.2": "sse4_2",
    "ssse3": "ssse3",
    "xsave": "xsave",
}


def missing_flags(cpuinfo: str) -> list[str]:
    """The required features (rustc's names) that ``cpuinfo`` lacks.

    ``cpuinfo`` is ``/proc/cpuinfo``'s text; without a ``flags`` line
    nothing is known to be missing.

    Examples
    --------
    >>> everything = " ".join(REQUIRED.values())
    >>> missing_flags(f"flags : sse2 {everything}")
    []
    >>> missing_flags(f"flags : sse2 {everything}".replace(" abm", ""))
    ['lzcnt']
    """
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            have = set(line.partition(":")[2].split())
            return [feature for feature, flag in REQUIRED.items() if flag not in have]
    return []


def check(machine: str | None = None, cpuinfo: Path = Path("/proc/cpuinfo")) -> None:
    """Raise ImportError when this x86-64 CPU lacks a feature the core needs.

    Other architectures, and systems without ``/proc/cpuinfo``, pass.
    """
    machine = (machine or platform.machine()).lower()
    if machine not in ("x86_64", "amd64"):
        return
    try:
        text = cpuinfo.read_text()
    except OSError:
        return
    lacking = missing_flags(text)
    if lacking:
        raise ImportError(
            "ferrox's native core is built for x86-64-v3 CPUs (AVX2 and FMA, "
            f"2013 or later); this CPU lacks {', '.join(lacking)}. Build it "
            "for this machine with RUSTFLAGS='-C target-cpu=native' pip install ."
        )


check()
