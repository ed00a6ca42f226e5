//! ferrox's Rust core, imported from Python as `ferrox._core`.
//!
//! Layers, top to bottom: [`python`] (the PyO3 edge), [`graph`] (keys, tasks,
//! ordering, culling), [`executor`] (worker pool and schedulers), with
//! [`value`] the values tasks exchange and [`error`] the one error type.

pub mod array;
pub mod error;
pub mod executor;
pub mod frame;
pub mod graph;
pub mod python;
pub mod value;

use pyo3::prelude::*;

/// Kernels allocate and free block- and tile-sized buffers all the time;
/// mimalloc keeps them in reusable pages instead of returning them to the OS.
/// Its arenas are committed on demand (`ferrox/_allocator.py` sets the
/// option before this library loads).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    python::register(m)
}
