"""Diagnostics: progress bars and graph rendering.

A :class:`Callback` used as a context manager is told, from the thread that
called ``compute``, how many tasks of the running graph have finished
(every ~50 ms, and once at the end).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from typing import IO, Any

_active: list[Callback] = []


class Callback:
    """Base class of compute callbacks; override :meth:`_progress`.

    Active while used as a context manager, or after :meth:`register`.
    """

    def __enter__(self) -> Callback:
        self.register()
        return self

    def __exit__(self, *exc: object) -> None:
        self.unregister()

    def register(self) -> None:
        """Make the callback active for every later compute."""
        _active.append(self)

    def unregister(self) -> None:
        """Stop the callback."""
        if self in _active:
            _active.remove(self)

    def _begin(self) -> None:
        """Called when a compute starts."""

    def _progress(self, done: int, total: int) -> None:
        """Called with the number of finished tasks and the graph size."""


def progress_callback() -> Callable[[int, int], None] | None:
    """The function the executor calls with progress, or ``None``."""
    if not _active:
        return None
    callbacks = list(_active)
    for cb in callbacks:
        cb._begin()

    def report(done: int, total: int) -> None:
        for cb in callbacks:
            cb._progress(done, total)

    return report


class ProgressBar(Callback):
    """A text progress bar for computes, like ``dask.diagnostics.ProgressBar``.

    Parameters
    ----------
    minimum : float
        Seconds a compute must run before the bar shows.
    width : int
        Width of the bar in characters.
    dt : float
        Seconds between updates.
    out : file
        Where to write (default ``sys.stdout``).

    Examples
    --------
    The timing shown varies from run to run, hence the skip:

    >>> from ferrox import delayed
    >>> with ProgressBar():  # doctest: +SKIP
    ...     delayed(sum)([1, 2]).compute()
    [########################################] | 100% Completed | 101.23 ms
    3
    """

    def __init__(
        self, minimum: float = 0, width: int = 40, dt: float = 0.1, out: IO[str] | None = None
    ) -> None:
        self._minimum = minimum
        self._width = width
        self._dt = dt
        self._out = out
        self._start: float | None = None
        self._last = 0.0
        self._shown = False

    def _begin(self) -> None:
        self._start = time.perf_counter()
        self._last = 0.0

    def _progress(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if self._start is None:
            self._start = now
        elapsed = now - self._start
        finished = done >= total
        if elapsed < self._minimum and not finished:
            return
        if not finished and now - self._last < self._dt:
            return
        self._last = now
        self._draw(done / total if total else 1.0, elapsed)
        self._shown = True
        if finished:
            (self._out or sys.stdout).write("\n")
            self._start = None
            self._shown = False

    def _draw(self, frac: float, elapsed: float) -> None:
        bar = "#" * int(self._width * frac)
        shown = f"{elapsed:.2f} s" if elapsed >= 1 else f"{elapsed * 1000:.2f} ms"
        line = f"\r[{bar:<{self._width}}] | {frac * 100:3.0f}% Completed | {shown}"
        out = self._out or sys.stdout
        out.write(line)
        out.flush()


def _label(key: Any) -> str:
    return str(key) if isinstance(key, str) else repr(key)


def to_dot(
    graph: dict[Any, Any], filename: str | None = "mydask", format: str | None = None
) -> str:
    """Graphviz DOT source for a Dask-style graph; rendered to ``filename`` if
    the ``dot`` program is installed."""
    lines = ["digraph {", "  rankdir=BT;"]
    ids = {key: f"n{i}" for i, key in enumerate(graph)}

    def walk(spec: Any, found: list[Any]) -> None:
        if isinstance(spec, tuple | list):
            for item in spec:
                walk(item, found)
        else:
            try:
                if spec in ids:
                    found.append(spec)
            except TypeError:
                pass

    for key, spec in graph.items():
        lines.append(f'  {ids[key]} [label="{_label(key)[:40]}", shape=box];')
        deps: list[Any] = []
        walk(spec, deps)
        for dep in dict.fromkeys(deps):
            if dep != key:
                lines.append(f"  {ids[dep]} -> {ids[key]};")
    lines.append("}")
    source = "\n".join(lines)
    if filename is not None and shutil.which("dot"):
        fmt = format or "png"
        target = filename if filename.endswith(f".{fmt}") else f"{filename}.{fmt}"
        subprocess.run(["dot", f"-T{fmt}", "-o", target], input=source.encode(), check=True)
    return source


__all__ = ["Callback", "ProgressBar", "to_dot"]
