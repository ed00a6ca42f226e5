//! The crate's one error type.
//!
//! Every layer below the PyO3 edge returns [`FxResult`]. Variants say what
//! went wrong; `src/python/error.rs` is the only place that turns them into
//! Python exceptions (`KeyError`, `ValueError`, …), so a message is written
//! once, here, in the house style: lower case, the argument in backticks,
//! expected vs. got.

use std::fmt;

use crate::graph::Key;

/// What went wrong, by kind.
#[derive(Debug)]
pub enum FxError {
    /// A requested key is not in the graph.
    MissingKey(Key),
    /// The graph has a cycle through the named key.
    Cycle(Key),
    /// An argument has a value outside what the call accepts.
    InvalidArgument(String),
    /// A value has the wrong type for an operation.
    DType(String),
    /// An axis is out of range for an array's dimensions.
    Axis(String),
    /// An integer result does not fit its type.
    Overflow(String),
    /// An index is out of bounds for the axis it indexes.
    Index(String),
    /// A column name that is not in the frame.
    MissingColumn(String),
    /// A file could not be read or written.
    Io(String),
    /// A task raised; the payload is the original error (a Python exception
    /// for Python tasks) and the key of the task that failed.
    TaskFailed {
        /// The failing task's key, formatted like Python's `repr`.
        key: String,
        /// What the task raised.
        source: TaskError,
    },
    /// The computation was cancelled (Ctrl-C, or an error elsewhere).
    Cancelled,
}

/// The error a task raised: a native message, or an opaque payload the
/// Python edge knows how to re-raise (the user's own exception object).
pub enum TaskError {
    /// A native kernel failed.
    Native(Box<FxError>),
    /// A Python callable raised; the payload is the exception, boxed so this
    /// module stays free of PyO3.
    Python(Box<dyn std::any::Any + Send + Sync>),
}

impl fmt::Debug for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Native(e) => write!(f, "Native({e})"),
            TaskError::Python(_) => write!(f, "Python(..)"),
        }
    }
}

/// Result alias used everywhere below the PyO3 edge.
pub type FxResult<T> = Result<T, FxError>;

impl fmt::Display for FxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FxError::MissingKey(k) => write!(f, "{k}"),
            FxError::Cycle(k) => write!(f, "cycle detected in the graph through key {k}"),
            FxError::InvalidArgument(m)
            | FxError::DType(m)
            | FxError::Axis(m)
            | FxError::Overflow(m)
            | FxError::Index(m)
            | FxError::MissingColumn(m)
            | FxError::Io(m) => f.write_str(m),
            FxError::TaskFailed { key, source } => match source {
                TaskError::Native(e) => write!(f, "{e} (while computing task {key})"),
                TaskError::Python(_) => write!(f, "task {key} raised"),
            },
            FxError::Cancelled => f.write_str("the computation was cancelled"),
        }
    }
}

impl std::error::Error for FxError {}

/// Return early with an [`FxError`] variant built from a format string.
#[macro_export]
macro_rules! fx_bail {
    ($variant:ident, $($arg:tt)*) => {
        return Err($crate::error::FxError::$variant(format!($($arg)*)))
    };
}

/// Return early with an [`FxError`] unless the condition holds.
#[macro_export]
macro_rules! fx_ensure {
    ($cond:expr, $variant:ident, $($arg:tt)*) => {
        if !$cond {
            $crate::fx_bail!($variant, $($arg)*);
        }
    };
}
