"""Run benchmark workloads, each engine in its own process, and print a table.

Usage::

    python benchmarks/run.py [WORKLOAD ...] [--repeat N] [--scale S] [--engines a,b] [--csv FILE]

Every (workload, engine) runs ``N + 1`` times as ``python benchmarks/<workload>.py
--engine E --scale S``; the first run is a warm-up and is dropped. The table
shows the median of the timed section the script reports, the median
whole-process wall time, the ratio of each engine's time to ferrox's, and the
child's peak RSS. A script checks its result against the reference before it
reports, and exits non-zero if the result is wrong.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

WORKLOADS: dict[str, list[str]] = {
    "delayed_sleep": ["ferrox", "dask", "python"],
    "overhead_native": ["ferrox", "dask"],
    "overhead_python": ["ferrox", "dask"],
    "array_seed": ["ferrox", "dask", "numpy"],
    "array_chain": ["ferrox", "dask", "numpy"],
    "array_ops_transpose": ["ferrox", "dask", "numpy"],
    "array_ops_strided": ["ferrox", "dask", "numpy"],
    "array_matmul": ["ferrox", "dask", "numpy"],
}

#: Workloads that are one script run with ``--kind``: name -> (script, kind).
VARIANTS = {
    "overhead_native": ("overhead", "native"),
    "overhead_python": ("overhead", "python"),
    "array_ops_transpose": ("array_ops", "transpose"),
    "array_ops_strided": ("array_ops", "strided"),
}


def run_once(workload: str, engine: str, scale: float) -> dict[str, Any]:
    script, variant = VARIANTS.get(workload, (workload, ""))
    args = [sys.executable, str(HERE / f"{script}.py"), "--engine", engine, "--scale", str(scale)]
    if variant:
        args += ["--kind", variant]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    if proc.returncode != 0:
        raise RuntimeError(f"{workload} on {engine} failed ({proc.returncode}):\n{err}")
    report = json.loads(out.strip().splitlines()[-1])
    report["wall"] = wall
    report["rss_mib"] = usage.ru_maxrss / 1024
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("workloads", nargs="*", default=list(WORKLOADS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--engines", default=None, help="comma-separated subset of engines")
    parser.add_argument("--csv", default=None, help="append one row per result to this file")
    opts = parser.parse_args()
    wanted = set(opts.engines.split(",")) if opts.engines else None
    rows = []
    for workload in opts.workloads:
        results: dict[str, dict[str, Any]] = {}
        for engine in WORKLOADS[workload]:
            if wanted and engine not in wanted:
                continue
            try:
                runs = [run_once(workload, engine, opts.scale) for _ in range(opts.repeat + 1)][1:]
            except RuntimeError as e:
                if "ModuleNotFoundError" in str(e):
                    print(f"skipping {engine} for {workload}: not installed", file=sys.stderr)
                    continue
                raise
            results[engine] = {
                "version": runs[0]["version"],
                "seconds": statistics.median(r["seconds"] for r in runs),
                "wall": statistics.median(r["wall"] for r in runs),
                "rss_mib": max(r["rss_mib"] for r in runs),
                "extra": {
                    k: v
                    for k, v in runs[0].items()
                    if k not in {"engine", "version", "seconds", "check", "wall", "rss_mib"}
                },
            }
        base = results.get("ferrox", {}).get("seconds")
        for engine, r in results.items():
            rows.append((workload, engine, r, r["seconds"] / base if base else float("nan")))
    columns = ["workload", "engine", "version", "timed (s)", "process (s)", "ratio to ferrox"]
    print("| " + " | ".join([*columns, "peak RSS (MiB)", "extra"]) + " |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for workload, engine, r, ratio in rows:
        extra = ", ".join(
            f"{k}={v:,.0f}" if isinstance(v, float) else f"{k}={v}" for k, v in r["extra"].items()
        )
        print(
            f"| {workload} | {engine} | {r['version']} | {r['seconds']:.3f} | {r['wall']:.2f} "
            f"| {ratio:.2f} | {r['rss_mib']:.0f} | {extra} |"
        )
    if opts.csv:
        with open(opts.csv, "a", newline="") as f:
            w = csv.writer(f)
            for workload, engine, r, _ in rows:
                w.writerow(
                    [
                        engine,
                        r["version"],
                        workload,
                        opts.scale,
                        f"{r['seconds']:.4f}",
                        f"{r['rss_mib']:.0f}",
                    ]
                )


if __name__ == "__main__":
    main()
