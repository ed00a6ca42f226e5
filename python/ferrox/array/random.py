"""Random arrays, reproducible for a seed whatever the number of threads.

Each block has its own stream derived from the array's seed and the block's
position (``src/array/random.rs``), so ``random(..., chunks=c)`` with a seed
gives the same values on 1 or 64 workers. The streams are ferrox's own: the
values differ from NumPy's for the same seed, as Dask's do.
"""

from __future__ import annotations

import os
from typing import Any

from ferrox import _core
from ferrox.array.core import Array


def _size(size: Any) -> list[int]:
    if size is None:
        return []
    if isinstance(size, int):
        return [size]
    return [int(n) for n in size]


def _fresh_seed() -> int:
    return int.from_bytes(os.urandom(8), "little")


class Generator:
    """A seeded source of random arrays, like ``numpy.random.Generator``.

    Examples
    --------
    >>> import ferrox.array as fa
    >>> rng = fa.random.default_rng(42)
    >>> x = rng.random((4, 4), chunks=2)
    >>> bool(((x >= 0) & (x < 1)).all())
    True
    >>> bool((fa.random.default_rng(42).random((4, 4), chunks=2) == x).all())
    True
    """

    def __init__(self, seed: int | None = None) -> None:
        self._seed = _fresh_seed() if seed is None else int(seed) & (2**64 - 1)
        self._calls = 0

    def _next_seed(self) -> int:
        self._calls += 1
        return (self._seed * 0x9E3779B97F4A7C15 + self._calls) & (2**64 - 1)

    def _draw(self, dist: str, a: float, b: float, size: Any, chunks: Any) -> Array:
        return Array(_core.ArrayCore.random(dist, a, b, self._next_seed(), _size(size), chunks))

    def random(
        self, size: Any = None, dtype: Any = float, chunks: Any = "auto", **kw: Any
    ) -> Array:
        """Floats uniform on ``[0, 1)``."""
        out = self._draw("uniform", 0.0, 1.0, size, chunks)
        return out if dtype in (float, "float64") else out.astype(dtype)

    def uniform(
        self, low: float = 0.0, high: float = 1.0, size: Any = None, chunks: Any = "auto", **kw: Any
    ) -> Array:
        """Floats uniform on ``[low, high)``."""
        return self._draw("uniform", float(low), float(high), size, chunks)

    def normal(
        self,
        loc: float = 0.0,
        scale: float = 1.0,
        size: Any = None,
        chunks: Any = "auto",
        **kw: Any,
    ) -> Array:
        """Normally distributed floats."""
        if scale < 0:
            raise ValueError("scale < 0")
        return self._draw("normal", float(loc), float(scale), size, chunks)

    def standard_normal(self, size: Any = None, chunks: Any = "auto", **kw: Any) -> Array:
        """Floats from the standard normal distribution."""
        return self.normal(0.0, 1.0, size, chunks)

    def integers(
        self,
        low: int,
        high: int | None = None,
        size: Any = None,
        dtype: Any = "int64",
        chunks: Any = "auto",
        **kw: Any,
    ) -> Array:
        """Integers uniform on ``[low, high)`` (``[0, low)`` if ``high`` is None)."""
        if high is None:
            low, high = 0, low
        if low >= high:
            raise ValueError("high <= 0" if low == 0 else "low >= high")
        out = self._draw("integers", float(low), float(high), size, chunks)
        return out if str(dtype) == "int64" else out.astype(dtype)


class RandomState(Generator):
    """The legacy ``numpy.random.RandomState`` names on a seeded stream."""

    def random_sample(self, size: Any = None, chunks: Any = "auto", **kw: Any) -> Array:
        """Floats uniform on ``[0, 1)``."""
        return self.random(size, chunks=chunks)

    def rand(self, *shape: int, chunks: Any = "auto") -> Array:
        """Floats uniform on ``[0, 1)`` of the given shape."""
        return self.random(shape or None, chunks=chunks)

    def randn(self, *shape: int, chunks: Any = "auto") -> Array:
        """Standard normal floats of the given shape."""
        return self.standard_normal(shape or None, chunks=chunks)

    def randint(
        self,
        low: int,
        high: int | None = None,
        size: Any = None,
        dtype: Any = "int64",
        chunks: Any = "auto",
        **kw: Any,
    ) -> Array:
        """Integers uniform on ``[low, high)``."""
        return self.integers(low, high, size, dtype=dtype, chunks=chunks)


def default_rng(seed: int | None = None) -> Generator:
    """A :class:`Generator` seeded with ``seed`` (fresh entropy if None)."""
    return Generator(seed)


_global = RandomState()


def seed(seed: int | None = None) -> None:
    """Reseed the module-level functions."""
    global _global
    _global = RandomState(seed)


def random(size: Any = None, chunks: Any = "auto", **kwargs: Any) -> Array:
    """Floats uniform on ``[0, 1)`` (``dask.array.random.random``).

    Examples
    --------
    >>> import ferrox.array as fa
    >>> fa.random.random((1000, 1000), chunks=(100, 100)).numblocks
    (10, 10)
    """
    return _global.random(size, chunks=chunks)


def random_sample(size: Any = None, chunks: Any = "auto", **kwargs: Any) -> Array:
    """Floats uniform on ``[0, 1)``."""
    return _global.random(size, chunks=chunks)


def rand(*shape: int, chunks: Any = "auto") -> Array:
    """Floats uniform on ``[0, 1)`` of the given shape."""
    return _global.rand(*shape, chunks=chunks)


def randn(*shape: int, chunks: Any = "auto") -> Array:
    """Standard normal floats of the given shape."""
    return _global.randn(*shape, chunks=chunks)


def uniform(
    low: float = 0.0, high: float = 1.0, size: Any = None, chunks: Any = "auto", **kw: Any
) -> Array:
    """Floats uniform on ``[low, high)``."""
    return _global.uniform(low, high, size, chunks=chunks)


def normal(
    loc: float = 0.0, scale: float = 1.0, size: Any = None, chunks: Any = "auto", **kw: Any
) -> Array:
    """Normally distributed floats."""
    return _global.normal(loc, scale, size, chunks=chunks)


def standard_normal(size: Any = None, chunks: Any = "auto", **kw: Any) -> Array:
    """Standard normal floats."""
    return _global.standard_normal(size, chunks=chunks)


def randint(
    low: int,
    high: int | None = None,
    size: Any = None,
    dtype: Any = "int64",
    chunks: Any = "auto",
    **kw: Any,
) -> Array:
    """Integers uniform on ``[low, high)``."""
    return _global.randint(low, high, size, dtype=dtype, chunks=chunks)


__all__ = [
    "Generator", "RandomState", "default_rng", "normal", "rand", "randint", "randn", "random",
    "random_sample", "seed", "standard_normal", "uniform",
]  # fmt: skip
