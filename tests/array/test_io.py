"""Array IO (``.npy`` stacks, ``store``, Zarr) against NumPy and dask.array.

Expected values always come from NumPy or from dask.array doing the same
thing; files written by one library are read by the other.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
import warnings

import dask.array as da
import ferrox
import ferrox.array as fa
import numpy as np
import pytest
from ferrox.testing import assert_eq

zarr = pytest.importorskip("zarr")

DTYPES = ["float64", "int32", "bool", "complex128"]

#: (shape, chunks, axis) for the npy stacks: irregular, one element per
#: block, a single block, a 0-length axis, 3-d.
STACK_CASES = [
    ((7, 5), ((2, 4, 1), (2, 3)), 0),
    ((7, 5), ((2, 4, 1), (2, 3)), 1),
    ((4, 3), 1, 0),
    ((4, 3), 1, 1),
    ((6, 4), -1, 0),
    ((0, 3), 2, 0),
    ((3, 0), 2, 0),
    ((4, 3, 2), (3, 2, 1), 2),
    ((9,), ((1, 5, 3),), 0),
]

#: (shape, chunks) for store and Zarr.
STORE_CASES = [
    ((7, 5), ((2, 4, 1), (2, 3))),
    ((4, 3), 1),
    ((6, 4), -1),
    ((0, 3), 2),
    ((4, 3, 2), (3, 2, 1)),
    ((9,), ((1, 5, 3),)),
]

#: Regular chunkings (what Zarr holds without rechunking).
ZARR_CASES = [
    ((7, 5), (3, 2)),
    ((4, 3), 1),
    ((6, 4), -1),
    ((0, 3), 2),
    ((4, 3, 2), (3, 2, 1)),
]


def make(shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Distinct values of ``dtype`` (a seeded generator, so the same every run)."""
    rng = np.random.default_rng(42)
    n = int(np.prod(shape))
    if dtype == "bool":
        x = rng.random(n) < 0.5
    elif dtype == "complex128":
        x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    else:
        x = (rng.standard_normal(n) * 100).astype(dtype)
    return x.reshape(shape)


def read_info(dirname: object) -> dict:
    with open(os.path.join(dirname, "info"), "rb") as f:
        return pickle.load(f)


# -- npy stacks ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "chunks", "axis"), STACK_CASES)
def test_npy_stack_round_trip(tmp_path, shape, chunks, axis, dtype) -> None:
    x = make(shape, dtype)
    fa.to_npy_stack(tmp_path / "f", fa.from_array(x, chunks=chunks), axis=axis)
    y = fa.from_npy_stack(tmp_path / "f")
    assert_eq(y, x)
    da.to_npy_stack(str(tmp_path / "d"), da.from_array(x, chunks=chunks), axis=axis)
    assert y.chunks == da.from_npy_stack(str(tmp_path / "d")).chunks


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "chunks", "axis"), STACK_CASES)
def test_npy_stack_files_equal_dasks(tmp_path, shape, chunks, axis, dtype) -> None:
    x = make(shape, dtype)
    fa.to_npy_stack(tmp_path / "f", fa.from_array(x, chunks=chunks), axis=axis)
    da.to_npy_stack(str(tmp_path / "d"), da.from_array(x, chunks=chunks), axis=axis)
    assert sorted(os.listdir(tmp_path / "f")) == sorted(os.listdir(tmp_path / "d"))
    assert read_info(tmp_path / "f") == read_info(tmp_path / "d")
    for name in os.listdir(tmp_path / "d"):
        if name.endswith(".npy"):
            ours, theirs = np.load(tmp_path / "f" / name), np.load(tmp_path / "d" / name)
            assert ours.dtype == theirs.dtype
            np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "chunks", "axis"), STACK_CASES)
def test_npy_stack_written_by_dask_reads_in_ferrox(tmp_path, shape, chunks, axis, dtype) -> None:
    x = make(shape, dtype)
    da.to_npy_stack(str(tmp_path), da.from_array(x, chunks=chunks), axis=axis)
    expected = da.from_npy_stack(str(tmp_path))
    y = fa.from_npy_stack(str(tmp_path))
    assert y.chunks == expected.chunks
    assert_eq(y, expected.compute())
    assert_eq(y, x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "chunks", "axis"), STACK_CASES)
def test_npy_stack_written_by_ferrox_reads_in_dask(tmp_path, shape, chunks, axis, dtype) -> None:
    x = make(shape, dtype)
    a = fa.from_array(x, chunks=chunks)
    fa.to_npy_stack(str(tmp_path), a, axis=axis)
    d = da.from_npy_stack(str(tmp_path))
    assert d.chunks == fa.from_npy_stack(str(tmp_path)).chunks
    assert d.dtype == x.dtype
    np.testing.assert_array_equal(d.compute(), x)


@pytest.mark.parametrize("mmap_mode", ["r", None])
def test_from_npy_stack_is_lazy_with_one_task_per_file(tmp_path, mmap_mode) -> None:
    x = make((10, 3), "float64")
    fa.to_npy_stack(tmp_path, fa.from_array(x, chunks=4))
    y = fa.from_npy_stack(tmp_path, mmap_mode=mmap_mode)
    assert len(y.dask) == len(os.listdir(tmp_path)) - 1 == 3  # one load task per file
    # nothing is read before compute: files rewritten now are what compute sees
    new = x[4:8] * -1
    np.save(tmp_path / "1.npy", new)
    expected = x.copy()
    expected[4:8] = new
    assert_eq(y, expected)
    assert_eq(y[5:], expected[5:])


def test_to_npy_stack_writes_each_block_in_its_own_task(tmp_path, monkeypatch) -> None:
    saved = []
    real_save = np.save

    def recording_save(path, arr, *args, **kwargs):
        saved.append((os.path.basename(path), np.shape(arr), threading.get_ident()))
        time.sleep(0.05)  # overlapping writes run on several threads
        return real_save(path, arr, *args, **kwargs)

    monkeypatch.setattr(np, "save", recording_save)
    x = make((16, 3), "int32")
    with ferrox.config.set(num_workers=4):
        fa.to_npy_stack(tmp_path, fa.from_array(x, chunks=(4, 1)))
    assert sorted(saved)[0][:2] == ("0.npy", (4, 3))
    assert sorted(s[:2] for s in saved) == [(f"{i}.npy", (4, 3)) for i in range(4)]
    assert len({s[2] for s in saved}) > 1, "the blocks were written in parallel"
    assert_eq(fa.from_npy_stack(tmp_path), x)


def test_npy_stack_negative_axis(tmp_path) -> None:
    x = make((3, 4), "float64")
    fa.to_npy_stack(tmp_path, fa.from_array(x, chunks=(2, 3)), axis=-1)
    assert read_info(tmp_path)["axis"] == 1
    y = fa.from_npy_stack(tmp_path)
    assert y.chunks == ((3,), (3, 1))
    assert_eq(y, x)
    np.testing.assert_array_equal(da.from_npy_stack(str(tmp_path)).compute(), x)


def test_npy_stack_axis_out_of_bounds(tmp_path) -> None:
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds"):
        fa.to_npy_stack(tmp_path, fa.ones((2, 2), chunks=1), axis=2)


def test_from_npy_stack_missing_directory_raises_like_dask(tmp_path) -> None:
    missing = str(tmp_path / "missing")
    with pytest.raises(Exception) as dask_err:
        da.from_npy_stack(missing)
    with pytest.raises(Exception) as ferrox_err:
        fa.from_npy_stack(missing)
    assert type(ferrox_err.value) is type(dask_err.value) is FileNotFoundError
    assert str(ferrox_err.value) == str(dask_err.value)


def test_to_npy_stack_missing_parent_raises_like_dask(tmp_path) -> None:
    target = str(tmp_path / "missing" / "stack")
    with pytest.raises(Exception) as dask_err:
        da.to_npy_stack(target, da.ones(4, chunks=2))
    with pytest.raises(Exception) as ferrox_err:
        fa.to_npy_stack(target, fa.ones(4, chunks=2))
    assert type(ferrox_err.value) is type(dask_err.value) is FileNotFoundError
    assert str(ferrox_err.value) == str(dask_err.value)


def test_from_npy_stack_missing_block_file_raises_on_compute(tmp_path) -> None:
    fa.to_npy_stack(tmp_path, fa.ones(4, chunks=2))
    y = fa.from_npy_stack(tmp_path)
    os.remove(tmp_path / "1.npy")
    with pytest.raises(FileNotFoundError):
        y.compute()


# -- store ----------------------------------------------------------------------------


class RecordingTarget:
    """A NumPy array behind ``__setitem__`` that records every write."""

    def __init__(self, shape: tuple[int, ...], dtype: object, delay: float = 0.0) -> None:
        self.data = np.zeros(shape, dtype=dtype)
        self.shape = self.data.shape
        self.writes: list[tuple[object, tuple[int, ...], int]] = []
        self.delay = delay

    def __setitem__(self, index: object, value: object) -> None:
        self.writes.append((index, np.shape(value), threading.get_ident()))
        time.sleep(self.delay)
        self.data[index] = value

    def __getitem__(self, index: object) -> np.ndarray:
        return self.data[index]


class CountingLock:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acquired = 0

    def acquire(self, *args: object) -> bool:
        self.acquired += 1
        return self.lock.acquire(*args)

    def release(self) -> None:
        self.lock.release()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "chunks"), STORE_CASES)
def test_store_into_numpy_like_dask(shape, chunks, dtype) -> None:
    x = make(shape, dtype)
    ours, theirs = np.zeros(shape, dtype), np.zeros(shape, dtype)
    assert fa.store(fa.from_array(x, chunks=chunks), ours) is None
    da.store(da.from_array(x, chunks=chunks), theirs)
    np.testing.assert_array_equal(ours, x)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(("shape", "chunks"), STORE_CASES)
def test_store_writes_each_block_once(shape, chunks) -> None:
    x = make(shape, "float64")
    a = fa.from_array(x, chunks=chunks)
    target = RecordingTarget(shape, x.dtype)
    fa.store(a, target, lock=False)
    np.testing.assert_array_equal(target.data, x)
    nonempty = [b for b in np.ndindex(*a.numblocks) if a.blocks[b].size]
    written = sorted(shape for _, shape, _ in target.writes)
    assert written == sorted(a.blocks[b].shape for b in nonempty)


def test_store_writes_in_parallel_never_the_whole_array() -> None:
    x = make((8, 8), "float64")
    a = fa.from_array(x, chunks=4) + 1
    target = RecordingTarget(x.shape, x.dtype, delay=0.05)
    fa.store(a, target, lock=False, num_workers=4)
    np.testing.assert_array_equal(target.data, x + 1)
    assert all(shape == (4, 4) for _, shape, _ in target.writes)
    assert len(target.writes) == 4
    assert len({thread for _, _, thread in target.writes}) > 1


def test_store_compute_false_writes_nothing_until_computed() -> None:
    x = make((6, 4), "int32")
    targets = [np.zeros((6, 4), "int32"), np.zeros((6, 4), "int32")]
    sources = [fa.from_array(x, chunks=(4, 3)), fa.from_array(-x, chunks=2)]
    lazy = fa.store(sources, targets, compute=False)
    assert isinstance(lazy, ferrox.Delayed)
    stores = [k for k in lazy.dask if isinstance(k, str) and k.startswith("_store_block")]
    assert len(stores) == sum(s.npartitions for s in sources)
    assert not targets[0].any() and not targets[1].any()
    assert lazy.compute() is None
    np.testing.assert_array_equal(targets[0], x)
    np.testing.assert_array_equal(targets[1], -x)


@pytest.mark.parametrize(
    ("region", "shape", "target_shape"),
    [
        ((slice(2, 8),), (6, 4), (8, 4)),
        ((slice(2, None), slice(1, 5)), (6, 4), (8, 5)),
        ((slice(-6, None),), (6, 4), (9, 4)),
        ((slice(1, None, 2),), (6, 4), (13, 4)),
        ((1,), (5,), (3, 5)),
        ((slice(1, 7), slice(None)), (6, 4), (8, 4)),
    ],
)
def test_store_regions_like_dask(region, shape, target_shape) -> None:
    x = make(shape, "float64")
    ours, expected = np.zeros(target_shape), np.zeros(target_shape)
    fa.store(fa.from_array(x, chunks=2), ours, regions=region)
    expected[region] = x
    np.testing.assert_array_equal(ours, expected)
    if region[0] != slice(-6, None):  # dask's store does not take negative starts
        theirs = np.zeros(target_shape)
        da.store(da.from_array(x, chunks=2), theirs, regions=region)
        np.testing.assert_array_equal(ours, theirs)


def test_store_many_sources_with_regions() -> None:
    x, y = make((4,), "float64"), make((3, 2), "int32")
    ours = [np.zeros(6), np.zeros((3, 4), "int32")]
    theirs = [np.zeros(6), np.zeros((3, 4), "int32")]
    regions = [(slice(1, 5),), (slice(None), slice(2, 4))]
    fa.store([fa.from_array(x, chunks=3), fa.from_array(y, chunks=2)], ours, regions=regions)
    da.store([da.from_array(x, chunks=3), da.from_array(y, chunks=2)], theirs, regions=regions)
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o, t)


def test_store_locks() -> None:
    x = make((6, 6), "float64")
    a = fa.from_array(x, chunks=(2, 3))
    lock = CountingLock()
    target = np.zeros(x.shape)
    fa.store(a, target, lock=lock)
    np.testing.assert_array_equal(target, x)
    assert lock.acquired == a.npartitions
    for flag in (True, False):
        target = np.zeros(x.shape)
        a.store(target, lock=flag)
        np.testing.assert_array_equal(target, x)


@pytest.mark.parametrize("compute", [True, False])
def test_store_return_stored(compute) -> None:
    x = make((5, 4), "float64")
    a = fa.from_array(x, chunks=(2, 3))
    target = np.zeros(x.shape)
    stored = fa.store(a, target, return_stored=True, compute=compute)
    assert isinstance(stored, fa.Array)
    assert stored.chunks == a.chunks
    assert bool(target.any()) is compute
    assert_eq(stored, x)
    np.testing.assert_array_equal(target, x)
    targets = [np.zeros(x.shape), np.zeros(4)]
    both = fa.store([a, a[0]], targets, return_stored=True, compute=compute)
    assert isinstance(both, tuple) and len(both) == 2
    assert_eq(both[0], x)
    assert_eq(both[1], x[0])


def test_array_store_method_like_dask() -> None:
    x = make((5, 3), "complex128")
    ours, theirs = np.zeros(x.shape, x.dtype), np.zeros(x.shape, x.dtype)
    lazy = fa.from_array(x, chunks=2).store(ours, compute=False)
    assert not ours.any()
    lazy.compute()
    da.from_array(x, chunks=2).store(theirs)
    np.testing.assert_array_equal(ours, theirs)


def test_store_mismatched_lengths_raise_like_dask() -> None:
    f, d = fa.ones(4, chunks=2), da.ones(4, chunks=2)
    t = np.zeros(4)
    cases = [
        (([f], [t, t]), ([d], [t, t]), {}),
        (([f, f], [t]), ([d, d], [t]), {}),
        (([f], [t]), ([d], [t]), {"regions": [(slice(0, 4),), (slice(0, 4),)]}),
    ]
    for ours, theirs, kw in cases:
        with pytest.raises(ValueError) as dask_err:
            da.store(*theirs, **kw)
        with pytest.raises(ValueError) as ferrox_err:
            fa.store(*ours, **kw)
        assert str(ferrox_err.value) == str(dask_err.value)
    assert not t.any()


def test_store_non_array_source_raises_like_dask() -> None:
    t = np.zeros(3)
    with pytest.raises(ValueError) as dask_err:
        da.store([np.ones(3)], [t])
    with pytest.raises(ValueError) as ferrox_err:
        fa.store([np.ones(3)], [t])
    assert str(ferrox_err.value) == str(dask_err.value).replace("dask", "ferrox")


def test_store_shape_mismatch_raises_numpys_error() -> None:
    with pytest.raises(ValueError, match="could not broadcast"):
        fa.store(fa.ones(4, chunks=2), np.zeros(3))


# -- zarr -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "chunks"), ZARR_CASES)
def test_zarr_round_trip(tmp_path, shape, chunks, dtype) -> None:
    x = make(shape, dtype)
    assert fa.to_zarr(fa.from_array(x, chunks=chunks), str(tmp_path / "f")) is None
    y = fa.from_zarr(str(tmp_path / "f"))
    assert_eq(y, x)
    da.to_zarr(da.from_array(x, chunks=chunks), str(tmp_path / "d"))
    assert y.chunks == da.from_zarr(str(tmp_path / "d")).chunks
    ours = zarr.open_array(str(tmp_path / "f"), mode="r")
    theirs = zarr.open_array(str(tmp_path / "d"), mode="r")
    assert (ours.shape, ours.chunks, ours.dtype) == (theirs.shape, theirs.chunks, theirs.dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "chunks"), ZARR_CASES)
def test_zarr_interoperates_with_dask(tmp_path, shape, chunks, dtype) -> None:
    x = make(shape, dtype)
    da.to_zarr(da.from_array(x, chunks=chunks), str(tmp_path / "d"))
    y = fa.from_zarr(str(tmp_path / "d"))
    expected = da.from_zarr(str(tmp_path / "d"))
    assert y.chunks == expected.chunks
    assert_eq(y, expected.compute())
    fa.to_zarr(fa.from_array(x, chunks=chunks), tmp_path / "f")
    back = da.from_zarr(str(tmp_path / "f"))
    assert back.chunks == y.chunks
    np.testing.assert_array_equal(back.compute(), x)


@pytest.mark.parametrize(("shape", "chunks"), [((7, 5), ((2, 4, 1), (2, 3))), ((9,), (3, 4, 2))])
def test_to_zarr_irregular_chunks_rechunk_with_dasks_warning(tmp_path, shape, chunks) -> None:
    # dask.array (2026.x) warns and rechunks to the largest block along each axis
    x = make(shape, "int32")
    if len(shape) == 1:
        chunks = (chunks,)
    with pytest.warns(UserWarning) as dask_warn:
        da.to_zarr(da.from_array(x, chunks=chunks), str(tmp_path / "d"))
    with pytest.warns(UserWarning) as ferrox_warn:
        fa.to_zarr(fa.from_array(x, chunks=chunks), str(tmp_path / "f"))
    assert [str(w.message) for w in ferrox_warn] == [str(w.message) for w in dask_warn]
    assert "irregular chunk sizes" in str(ferrox_warn[0].message)
    ours = zarr.open_array(str(tmp_path / "f"), mode="r")
    theirs = zarr.open_array(str(tmp_path / "d"), mode="r")
    assert ours.chunks == theirs.chunks
    np.testing.assert_array_equal(ours[...], x)


def test_to_zarr_compute_false_writes_nothing_until_computed(tmp_path) -> None:
    x = make((6, 4), "float64") + 10
    lazy = fa.from_array(x, chunks=(2, 3)).to_zarr(str(tmp_path / "f"), compute=False)
    dask_lazy = da.from_array(x, chunks=(2, 3)).to_zarr(str(tmp_path / "d"), compute=False)
    assert isinstance(lazy, ferrox.Delayed)
    ours = zarr.open_array(str(tmp_path / "f"), mode="r")
    theirs = zarr.open_array(str(tmp_path / "d"), mode="r")
    np.testing.assert_array_equal(ours[...], theirs[...])
    assert not ours[...].any()
    lazy.compute()
    dask_lazy.compute()
    np.testing.assert_array_equal(ours[...], x)
    np.testing.assert_array_equal(ours[...], theirs[...])


def test_to_zarr_return_stored(tmp_path) -> None:
    x = make((5, 3), "int32")
    stored = fa.to_zarr(fa.from_array(x, chunks=2), str(tmp_path), return_stored=True)
    assert stored.chunks == ((2, 2, 1), (2, 1))
    assert_eq(stored, x)


def test_to_zarr_into_existing_array_and_region(tmp_path) -> None:
    x = make((7, 5), "float64")
    ours = zarr.create_array(str(tmp_path / "f"), shape=(10, 5), chunks=(3, 2), dtype="f8")
    theirs = zarr.create_array(str(tmp_path / "d"), shape=(10, 5), chunks=(3, 2), dtype="f8")
    region = (slice(2, 9), slice(None))
    fa.to_zarr(fa.from_array(x, chunks=(4, 4)), ours, region=region)
    with warnings.catch_warnings():
        # dask writes the region as one block along axis 0 and warns that it
        # does not align with the zarr chunks; ferrox aligns its blocks
        warnings.simplefilter("ignore", da.PerformanceWarning)
        da.to_zarr(da.from_array(x, chunks=(4, 4)), theirs, region=region)
    np.testing.assert_array_equal(ours[...], theirs[...])
    np.testing.assert_array_equal(ours[2:9], x)
    whole = make((10, 5), "float64")
    fa.from_array(whole, chunks=(4, 1)).to_zarr(ours)
    np.testing.assert_array_equal(ours[...], whole)


def test_to_zarr_existing_array_blocks_align_with_zarr_chunks(tmp_path) -> None:
    z = zarr.create_array(str(tmp_path), shape=(10,), chunks=(3,), dtype="i4")
    stored = fa.to_zarr(
        fa.arange(1, 8, chunks=4, dtype="int32"), z, region=(slice(2, 9),), return_stored=True
    )
    # every block ends on a zarr chunk edge, so no two tasks share a zarr chunk
    assert stored.chunks == ((1, 3, 3),)
    np.testing.assert_array_equal(z[...], np.r_[0, 0, np.arange(1, 8), 0])


def test_to_zarr_component_mode_and_overwrite(tmp_path) -> None:
    x = make((4, 4), "float64")
    url = str(tmp_path)
    fa.to_zarr(fa.from_array(x, chunks=2), url, component="group/data")
    assert_eq(fa.from_zarr(url, component="group/data"), x)
    with pytest.raises(Exception) as dask_err:
        da.to_zarr(da.from_array(x, chunks=2), url, component="group/data")
    with pytest.raises(Exception) as ferrox_err:
        fa.to_zarr(fa.from_array(x, chunks=2), url, component="group/data")
    assert type(ferrox_err.value) is type(dask_err.value)
    fa.to_zarr(fa.from_array(-x, chunks=2), url, component="group/data", mode="w")
    assert_eq(fa.from_zarr(url, component="group/data"), -x)
    fa.to_zarr(fa.from_array(x, chunks=3), url, component="group/data", overwrite=True)
    assert_eq(fa.from_zarr(url, component="group/data"), x)
    assert fa.from_zarr(url, component="group/data").chunks == ((3, 1), (3, 1))


def test_to_zarr_bad_arguments_raise_like_dask(tmp_path) -> None:
    f, d = fa.ones(4, chunks=2), da.ones(4, chunks=2)
    url = str(tmp_path / "z")
    cases = [
        {"region": (slice(0, 4),)},
        {"mode": "r"},
        {"component": "a", "name": "b"},
    ]
    for kw in cases:
        with pytest.raises(ValueError) as dask_err:
            da.to_zarr(d, url, **kw)
        with pytest.raises(ValueError) as ferrox_err:
            fa.to_zarr(f, url, **kw)
        assert str(ferrox_err.value) == str(dask_err.value)
    assert not os.path.exists(url)


def test_from_zarr_is_lazy_with_one_task_per_block(tmp_path) -> None:
    x = make((6, 5), "int32")
    z = zarr.create_array(str(tmp_path), shape=x.shape, chunks=(4, 2), dtype="i4")
    z[...] = x
    y = fa.from_zarr(z)
    d = da.from_zarr(z)
    assert y.chunks == d.chunks == ((4, 2), (2, 2, 1))
    assert len(y.dask) == y.npartitions == 6  # one read task per block
    z[1:3] = -x[1:3]  # written after from_zarr: compute must see it
    assert_eq(y, d.compute())
    assert_eq(y, np.concatenate([x[:1], -x[1:3], x[3:]]))


@pytest.mark.parametrize("chunks", [3, (2, 5), ((1, 4, 1), (5,)), -1])
def test_from_zarr_chunks_like_dask(tmp_path, chunks) -> None:
    x = make((6, 5), "float64")
    z = zarr.create_array(str(tmp_path), shape=x.shape, chunks=(4, 2), dtype="f8")
    z[...] = x
    y = fa.from_zarr(str(tmp_path), chunks=chunks)
    assert y.chunks == da.from_zarr(str(tmp_path), chunks=chunks).chunks
    assert_eq(y, x)


def test_from_zarr_missing_raises_like_dask(tmp_path) -> None:
    missing = str(tmp_path / "missing.zarr")
    with pytest.raises(Exception) as dask_err:
        da.from_zarr(missing)
    with pytest.raises(Exception) as ferrox_err:
        fa.from_zarr(missing)
    assert type(ferrox_err.value) is type(dask_err.value)
    assert "No array found" in str(ferrox_err.value)


def test_zarr_functions_need_zarr(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "zarr", None)
    for call in (lambda: fa.from_zarr(str(tmp_path)), lambda: fa.ones(2).to_zarr(str(tmp_path))):
        with pytest.raises(ImportError, match="pip install zarr"):
            call()


@pytest.mark.parametrize("dtype", DTYPES)
def test_from_array_of_a_zarr_array(tmp_path, dtype) -> None:
    x = make((7, 5), dtype)
    z = zarr.create_array(str(tmp_path), shape=x.shape, chunks=(3, 2), dtype=dtype)
    z[...] = x
    a = fa.from_array(z, chunks=(3, 2))
    d = da.from_array(z, chunks=(3, 2))
    assert a.chunks == d.chunks
    assert_eq(a, d.compute())
    assert_eq(a[1:6, ::2].sum(axis=0), x[1:6, ::2].sum(axis=0))


def test_from_array_of_a_zarr_array_reads_lazily(tmp_path) -> None:
    x = make((4,), "float64")
    z = zarr.create_array(str(tmp_path), shape=x.shape, chunks=(2,), dtype="f8")
    z[...] = x
    a = fa.from_array(z, chunks=2)
    d = da.from_array(z, chunks=2)
    z[...] = -x
    np.testing.assert_array_equal(d.compute(), -x)
    assert_eq(a, -x)
