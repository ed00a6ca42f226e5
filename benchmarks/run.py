"""Run benchmark workloads, each engine in its own process, and print a table.

Usage::

    python benchmarks/run.py [WORKLOAD ...] [--repeat N] [--scale S]
                             [--engines a,b] [--csv FILE] [--timeout SECONDS]

Every (workload, engine) runs ``N + 1`` times as ``python benchmarks/<script>.py
--engine E --scale S [--kind K]``; the first run is a warm-up and is dropped.
For the other ``N`` the runner takes the median of the timed section the
script reports (``seconds``), the median whole-process wall time, the median
of every numeric extra metric (such as ``tasks_per_s``), and the largest peak
RSS of the child (``os.wait4``; ``ru_maxrss`` is KiB on Linux). The ratio is
the engine's timed seconds over ferrox's.

A script checks its result against the reference before it reports and exits
non-zero if the result is wrong; the runner then marks the pair failed, goes
on, and exits non-zero at the end. Engines that are not installed are skipped
with a note. ``--csv`` appends one row per (workload, engine): engine, version,
workload, scale, seconds, peak_rss_mib, process_seconds.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Workload:
    """One row group of the table: a script, optionally with ``--kind``."""

    script: str
    engines: tuple[str, ...]
    kind: str | None = None
    #: Modules every engine needs besides its own (the native ops are ferrox's).
    needs: tuple[str, ...] = ()


WORKLOADS: dict[str, Workload] = {
    "delayed_sleep": Workload("delayed_sleep", ("ferrox", "dask", "python")),
    "overhead_native": Workload("overhead", ("ferrox", "dask"), "native", needs=("ferrox",)),
    "overhead_python": Workload("overhead", ("ferrox", "dask"), "python"),
    "array_seed": Workload("array_seed", ("ferrox", "dask", "numpy")),
    "array_chain": Workload("array_chain", ("ferrox", "dask", "numpy")),
    "array_ops_transpose": Workload("array_ops", ("ferrox", "dask", "numpy"), "transpose"),
    "array_ops_strided": Workload("array_ops", ("ferrox", "dask", "numpy"), "strided"),
    "array_matmul": Workload("array_matmul", ("ferrox", "dask", "numpy")),
    "df_seed": Workload("df_seed", ("ferrox", "dask", "pandas", "polars")),
    **{f"tpch_q{q}": Workload("tpch", ("ferrox", "dask", "pandas"), f"q{q}") for q in range(1, 8)},
}

#: Keys of a script's report that are not extra metrics.
REPORT_KEYS = {"engine", "version", "seconds", "check"}


class Failed(Exception):
    """A run exited non-zero, timed out, or printed no valid report."""


@dataclass
class Run:
    """One process: its report, wall seconds and peak RSS."""

    report: dict[str, Any]
    wall: float
    rss_mib: float


@dataclass
class Result:
    """The summary of the kept runs of one (workload, engine)."""

    workload: str
    engine: str
    version: str
    seconds: float
    wall: float
    rss_mib: float
    extra: dict[str, Any] = field(default_factory=dict)


def installed(module: str) -> bool:
    """Whether ``module`` can be imported (``python`` always can)."""
    return module == "python" or importlib.util.find_spec(module) is not None


def command(workload: Workload, engine: str, scale: float) -> list[str]:
    """The child's command line."""
    args = [sys.executable, str(HERE / f"{workload.script}.py")]
    args += ["--engine", engine, "--scale", str(scale)]
    if workload.kind:
        args += ["--kind", workload.kind]
    return args


def _tail(f: IO[bytes], lines: int = 15, chars: int = 2000) -> str:
    """The last ``lines`` lines of a child's output, at most ``chars`` long."""
    f.seek(0)
    text = "\n".join(f.read().decode(errors="replace").rstrip().splitlines()[-lines:])
    return text if len(text) <= chars else "..." + text[-chars:]


def run_once(workload: Workload, engine: str, scale: float, timeout: float) -> Run:
    """Run the workload's script once, in its own process, and measure it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command(workload, engine, scale), stdout=out, stderr=err)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            # wait4 instead of proc.wait: it also returns this child's rusage.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            why = f"killed after {timeout:g} s" if killed.is_set() else f"exit status {code}"
            tail = _tail(err)
            raise Failed(f"{why}:\n{tail}" if tail else why)
        stdout = _tail(out, 1)
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        raise Failed(f"no JSON report on the last line of stdout, got {stdout!r}") from None
    missing = REPORT_KEYS - report.keys()
    if missing or report["check"] != "ok":
        raise Failed(f"bad report (missing {sorted(missing)}): {stdout}")
    return Run(report, wall, usage.ru_maxrss / 1024)


def summarize(name: str, engine: str, runs: list[Run]) -> Result:
    """Medians of the kept runs; the largest peak RSS."""
    extra: dict[str, Any] = {}
    for key, value in runs[0].report.items():
        if key in REPORT_KEYS:
            continue
        values = [r.report.get(key) for r in runs]
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        extra[key] = statistics.median(values) if numeric else value  # type: ignore[type-var]
    return Result(
        workload=name,
        engine=engine,
        version=str(runs[0].report["version"]),
        seconds=statistics.median(r.report["seconds"] for r in runs),
        wall=statistics.median(r.wall for r in runs),
        rss_mib=max(r.rss_mib for r in runs),
        extra=extra,
    )


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def table(results: list[Result]) -> str:
    """The Markdown table, one row per result, ratios against ferrox's time."""
    base = {r.workload: r.seconds for r in results if r.engine == "ferrox"}
    lines = [
        "| workload | engine | version | timed (s) | process (s) | ratio to ferrox "
        "| peak RSS (MiB) | extra |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ratio = f"{r.seconds / base[r.workload]:.2f}" if r.workload in base else "—"
        extra = ", ".join(f"{k}={_number(v)}" for k, v in r.extra.items())
        lines.append(
            f"| {r.workload} | {r.engine} | {r.version} | {r.seconds:.3f} | {r.wall:.2f} "
            f"| {ratio} | {r.rss_mib:.0f} | {extra} |"
        )
    return "\n".join(lines)


def write_csv(path: str, results: list[Result], scale: float) -> None:
    """Append one row per result, with a header if the file is new."""
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    with open(path, "a", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(
                [
                    "engine",
                    "version",
                    "workload",
                    "scale",
                    "seconds",
                    "peak_rss_mib",
                    "process_seconds",
                ]
            )
        for r in results:
            w.writerow(
                [
                    r.engine,
                    r.version,
                    r.workload,
                    scale,
                    f"{r.seconds:.4f}",
                    f"{r.rss_mib:.0f}",
                    f"{r.wall:.4f}",
                ]
            )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("workloads", nargs="*", metavar="WORKLOAD", help=", ".join(WORKLOADS))
    parser.add_argument("--repeat", type=int, default=3, help="kept runs per pair (default 3)")
    parser.add_argument("--scale", type=float, default=1.0, help="size multiplier (default 1)")
    parser.add_argument("--engines", default=None, help="comma-separated subset of engines")
    parser.add_argument("--csv", default=None, help="append one row per result to this file")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds before a run is killed"
    )
    opts = parser.parse_args()
    names = opts.workloads or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")
    if opts.repeat < 1:
        parser.error(f"`--repeat` must be at least 1, got {opts.repeat}")
    wanted = set(opts.engines.split(",")) if opts.engines else None

    results: list[Result] = []
    notes: list[str] = []
    failed = False
    for name in names:
        workload = WORKLOADS[name]
        for engine in workload.engines:
            if wanted is not None and engine not in wanted:
                continue
            absent = [m for m in dict.fromkeys((engine, *workload.needs)) if not installed(m)]
            if absent:
                notes.append(f"skipped {name} on {engine}: {', '.join(absent)} not installed")
                print(notes[-1], file=sys.stderr)
                continue
            runs: list[Run] = []
            try:
                for i in range(opts.repeat + 1):
                    run = run_once(workload, engine, opts.scale, opts.timeout)
                    label = "warm-up" if i == 0 else f"run {i}/{opts.repeat}"
                    print(
                        f"{name} on {engine}, {label}: {run.report['seconds']:.3f} s timed, "
                        f"{run.wall:.2f} s process",
                        file=sys.stderr,
                    )
                    runs.append(run)
            except Failed as e:
                failed = True
                notes.append(f"FAILED {name} on {engine}: {e}")
                print(notes[-1], file=sys.stderr)
                continue
            results.append(summarize(name, engine, runs[1:]))

    print(f"\nscale {opts.scale:g}, median of {opts.repeat} runs after a warm-up\n")
    print(table(results))
    for note in notes:
        print(f"\n{note}")
    if opts.csv and results:
        write_csv(opts.csv, results, opts.scale)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
