//! The PyO3 edge: the only module (with `executor::pytask`) that uses PyO3.
//!
//! - [`task`]: `TaskCore`, the handle behind Delayed, and `compute`.
//! - [`native`]: dict graphs (`get`) and native ops (`NativeOp`).
//! - [`convert`]: values, keys and option strings.
//! - [`error`]: `FxError` → Python exceptions, once.
//! - [`gil`]: running a graph with the GIL released.
//! - [`array`], [`frame`]: the handles behind `ferrox.array` and
//!   `ferrox.dataframe`; [`frame_io`] DataFrame IO and partitions made by
//!   Python calls; [`frame_ops`] multi-partition operations;
//!   [`frame_reduce`] reductions beyond group-by.

pub mod array;
pub mod convert;
pub mod error;
pub mod frame;
pub mod frame_io;
pub mod frame_ops;
pub mod frame_reduce;
pub mod gil;
pub mod native;
pub mod task;

use pyo3::prelude::*;

/// Register the module's classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<task::TaskCore>()?;
    m.add_class::<native::NativeOpCore>()?;
    m.add_class::<array::ArrayCore>()?;
    m.add_class::<array::BlockRef>()?;
    m.add_class::<frame::FrameCore>()?;
    frame_io::register(m)?;
    m.add_function(wrap_pyfunction!(task::compute, m)?)?;
    m.add_function(wrap_pyfunction!(native::get, m)?)?;
    m.add_function(wrap_pyfunction!(native::native_op, m)?)?;
    frame_ops::register(m)?;
    frame_reduce::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
