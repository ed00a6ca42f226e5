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


#: Text values for frame strategies: mixed case (pandas sorts "B" before
#: "a"), an empty string, a space, non-ASCII.
WORDS = ["a", "b", "B", "", "c d", "élan", "zz"]


@st.composite
def partition_sizes(draw: Any, n: int, max_partitions: int = 5) -> tuple[int, ...]:
    """Partition lengths summing to ``n``, empty and one-row ones included."""
    k = draw(st.integers(1, max_partitions))
    cuts = sorted(draw(st.lists(st.integers(0, n), min_size=k - 1, max_size=k - 1)))
    edges = [0, *cuts, n]
    return tuple(b - a for a, b in zip(edges, edges[1:], strict=False))


@st.composite
def partitioned_frames(
    draw: Any,
    columns: dict[str, str] | None = None,
    min_rows: int = 0,
    max_rows: int = 25,
    max_partitions: int = 5,
    missing: bool = True,
) -> tuple[Any, tuple[int, ...]]:
    """A pandas frame whose columns have the given kinds (``"int"``,
    ``"float"`` with NaN, ``"str"`` with missing values, ``"bool"``) drawn
    from small value sets, so that keys repeat, and partition lengths for
    it (empty and one-row partitions included).

    Without ``columns``: a frame of ``pandas_frames`` (every kind, random
    values) and a number of partitions for ``from_pandas``.
    """
    import pandas as pd

    if columns is None:
        return draw(_frames_and_count(max_rows=max_rows, nulls=missing))

    n = draw(st.integers(min_rows, max_rows))
    data: dict[str, Any] = {}
    for name, kind in columns.items():
        if kind == "int":
            data[name] = np.array(draw(st.lists(st.integers(-4, 4), min_size=n, max_size=n)))
            data[name] = data[name].astype(np.int64)
        elif kind == "float":
            pool = [-1.5, 0.0, 0.5, 2.0, 3.25] + ([np.nan] if missing else [])
            data[name] = np.array(
                draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)), dtype=np.float64
            )
        elif kind == "str":
            pool = [*WORDS, *([None] if missing else [])]
            values = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
            data[name] = pd.array(values, dtype="str")
        elif kind == "bool":
            data[name] = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        else:
            raise ValueError(f"unknown column kind {kind!r}")
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    return frame, draw(partition_sizes(n, max_partitions))


def frame_from_partitions(frame: Any, sizes: tuple[int, ...]) -> Any:
    """A ``ferrox.dataframe.DataFrame`` over ``frame`` cut into partitions of
    the given lengths (``from_pandas`` makes no empty ones). The default
    index stays the default index; any other index is kept."""
    import uuid

    import pandas as pd
    import pyarrow as pa

    from ferrox import _core
    from ferrox.dataframe import DataFrame
    from ferrox.dataframe._collection import INDEX_PREFIX

    assert sum(sizes) == len(frame)
    default = isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
    flat = frame.copy(deep=False)
    if default and frame.index.name is None:
        nindex, names, flat = 0, [], flat.reset_index(drop=True)
    else:
        nindex, names = 1, [frame.index.name]
        flat.index.names = [f"{INDEX_PREFIX}0__"]
        flat = flat.reset_index()
    schema = pa.Schema.from_pandas(flat, preserve_index=False)
    edges = np.cumsum([0, *sizes])
    tables = [
        pa.Table.from_pandas(flat.iloc[a:b], schema=schema, preserve_index=False)
        for a, b in zip(edges, edges[1:], strict=False)
    ]
    core = _core.FrameCore.from_arrow(tables, nindex, names, uuid.uuid4().hex)
    return DataFrame(core)


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
def _frames_and_count(draw: Any, max_rows: int = 30, nulls: bool = True) -> tuple[Any, int]:
    """A pandas frame and a number of partitions for it (one-row and
    empty partitions included: more partitions than rows are allowed)."""
    frame = draw(pandas_frames(max_rows=max_rows, nulls=nulls))
    return frame, draw(st.integers(1, max(1, min(len(frame) + 2, 8))))
