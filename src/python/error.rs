//! The one translation of [`FxError`] into Python exceptions.
//!
//! Types follow what pandas / NumPy / Dask raise for the same mistake. A task
//! that raised re-raises the user's own exception object, with the failing key
//! attached as a PEP 678 note.

use pyo3::exceptions::{PyKeyError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use super::convert::key_to_py;
use crate::error::{FxError, TaskError};

impl From<FxError> for PyErr {
    fn from(err: FxError) -> PyErr {
        Python::attach(|py| to_pyerr(py, err))
    }
}

fn to_pyerr(py: Python<'_>, err: FxError) -> PyErr {
    match err {
        FxError::MissingKey(key) => match key_to_py(py, &key) {
            // A tuple key is one argument, not the exception's args.
            Ok(k) => PyKeyError::new_err((k.unbind(),)),
            Err(e) => e,
        },
        FxError::Cycle(_) | FxError::Cancelled => PyRuntimeError::new_err(err.to_string()),
        FxError::InvalidArgument(msg) => PyValueError::new_err(msg),
        FxError::DType(msg) => PyTypeError::new_err(msg),
        FxError::Axis(msg) => axis_error(py, msg),
        FxError::Overflow(msg) => pyo3::exceptions::PyOverflowError::new_err(msg),
        FxError::Index(msg) => pyo3::exceptions::PyIndexError::new_err(msg),
        FxError::MissingColumn(msg) => PyKeyError::new_err(msg),
        FxError::Io(msg) => pyo3::exceptions::PyOSError::new_err(msg),
        FxError::TaskFailed { key, source } => {
            let pyerr = match source {
                TaskError::Python(payload) => match payload.downcast::<PyErr>() {
                    Ok(pyerr) => *pyerr,
                    Err(_) => PyRuntimeError::new_err("a task raised an unknown error"),
                },
                TaskError::Native(inner) => to_pyerr(py, *inner),
            };
            let note = format!("while computing task {key}");
            // Best effort: an exception type may refuse notes.
            let _ = pyerr.value(py).call_method1("add_note", (note,));
            pyerr
        }
    }
}

/// NumPy's `AxisError` (a `ValueError` and an `IndexError`).
fn axis_error(py: Python<'_>, msg: String) -> PyErr {
    match py
        .import("numpy.exceptions")
        .and_then(|m| m.getattr("AxisError"))
    {
        Ok(cls) => match cls.call1((msg.clone(),)) {
            Ok(exc) => PyErr::from_value(exc),
            Err(e) => e,
        },
        Err(_) => pyo3::exceptions::PyIndexError::new_err(msg),
    }
}
