//! The values tasks exchange.
//!
//! A [`Value`] is cheap to clone (an `Arc` or a scalar), so the executor can
//! hand a task its inputs without holding the run's lock while the task
//! runs. Every kernel family adds its chunk type here; the PyO3 edge
//! (`src/python/convert.rs`) is the one place that turns a value into a
//! Python object.

use std::sync::Arc;

use crate::array::chunk::ArrayChunk;
use crate::array::reductions::Partial;
use crate::executor::pytask::PyValue;

/// A task's output, or a literal in the graph.
#[derive(Clone, Debug)]
pub enum Value {
    /// `None`, the output of tasks run for their effect.
    Unit,
    /// A 64-bit integer produced by a native kernel.
    Int(i64),
    /// A 64-bit float produced by a native kernel.
    Float(f64),
    /// A Python object (the output of a Python task, or a literal).
    Py(Arc<PyValue>),
    /// A block of an array.
    Array(Arc<ArrayChunk>),
    /// The partial state of an array reduction.
    Partial(Arc<Partial>),
    /// A partition of a data frame.
    Frame(Arc<polars_core::frame::DataFrame>),
    /// The pieces a shuffle's split step cut one partition into.
    Frames(Arc<Vec<Arc<polars_core::frame::DataFrame>>>),
}
