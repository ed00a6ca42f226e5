"""Hypothesis strategies shared by the test suite (the only place they live)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DTYPES = ["bool", "uint8", "int32", "int64", "float32", "float64"]
#: Every dtype ferrox holds, complex128 included.
ALL_DTYPES = [*DTYPES, "complex128"]
NUMERIC = ["int32", "int64", "float32", "float64"]


@st.composite
def chunks_for(draw: Any, shape: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Explicit, possibly irregular chunks covering ``shape`` (one-element
    blocks, single blocks and ragged ends included)."""
    out = []
    for n in shape:
        if n == 0:
            out.append((0,))
            continue
        kind = draw(st.sampled_from(["one", "single", "regular", "ragged"]))
        if kind == "one":
            out.append((1,) * n)
        elif kind == "single":
            out.append((n,))
        elif kind == "regular":
            size = draw(st.integers(1, n))
            out.append(tuple([size] * (n // size) + ([n % size] if n % size else [])))
        else:
            cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=4))) if n > 1 else []
            edges = [0, *cuts, n]
            out.append(tuple(b - a for a, b in zip(edges, edges[1:], strict=False)))
    return tuple(out)


@st.composite
def chunked_arrays(
    draw: Any,
    dtypes: list[str] | None = None,
    min_dims: int = 0,
    max_dims: int = 3,
    max_side: int = 7,
    nan: bool = True,
) -> tuple[np.ndarray, tuple[tuple[int, ...], ...]]:
    """A NumPy array (0-length and 1-element axes included, NaN in floats and
    complex numbers) and chunks for it."""
    dtype = np.dtype(draw(st.sampled_from(dtypes or DTYPES)))
    shape = draw(
        hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=max_side)
    )
    if dtype.kind == "f":
        elements = st.floats(-1e6, 1e6, allow_nan=False, width=dtype.itemsize * 8)
    elif dtype.kind == "c":
        elements = st.complex_numbers(max_magnitude=1e6, allow_nan=False, allow_infinity=False)
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        elements = st.integers(max(info.min, -1000), min(info.max, 1000))
    else:
        elements = None
    arr = draw(hnp.arrays(dtype, shape, elements=elements))
    if nan and dtype.kind in "fc" and arr.size and draw(st.booleans()):
        mask = draw(hnp.arrays(np.bool_, shape))
        arr = np.where(mask, np.nan, arr).astype(dtype)
        if dtype.kind == "c" and draw(st.booleans()):
            # NaN in the imaginary part only
            arr = np.where(draw(hnp.arrays(np.bool_, shape)), arr.real + complex(0, np.nan), arr)
    return arr, draw(chunks_for(shape))


#: Text values for frame strategies: mixed case, a space, non-ASCII, empty.
WORDS = ["a", "b", "B", "c d", "élan", ""]


@st.composite
def pandas_frames(draw: Any, min_rows: int = 0, max_rows: int = 30, nulls: bool = True) -> Any:
    """A pandas frame with int (``i``), float (``f``, with NaN), text
    (``s``, with missing values), bool (``b``) and small-int key (``k``)
    columns, the dtypes ``pandas.read_csv`` would give."""
    import pandas as pd

    n = draw(st.integers(min_rows, max_rows))
    ints = st.integers(-50, 50)
    floats = st.floats(-1e3, 1e3, allow_nan=False, width=64)
    f = draw(st.lists(floats, min_size=n, max_size=n))
    s = draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n))
    if nulls and n:
        holes = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        f = [np.nan if h else v for v, h in zip(f, holes, strict=True)]
        holes = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        s = [None if h else v for v, h in zip(s, holes, strict=True)]
    return pd.DataFrame(
        {
            "i": np.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype=np.int64),
            "f": np.array(f, dtype=np.float64),
            "s": pd.array(s, dtype="str"),
            "b": np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool),
            "k": np.array(
                draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64
            ),
        }
    )


@st.composite
def partitioned_frames(draw: Any, max_rows: int = 30, nulls: bool = True) -> tuple[Any, int]:
    """A pandas frame and a number of partitions for it (one-row and
    empty partitions included: more partitions than rows are allowed)."""
    frame = draw(pandas_frames(max_rows=max_rows, nulls=nulls))
    return frame, draw(st.integers(1, max(1, min(len(frame) + 2, 8))))
