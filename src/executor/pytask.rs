//! Python tasks: the executor's one door into the interpreter.
//!
//! A [`PyCall`] is a callable plus an argument template. The template is
//! walked once per call to build the real arguments, substituting the values
//! of the task's dependencies for [`Arg::Dep`] placeholders and rebuilding
//! any list, tuple, set or dict that held one — like Dask's task spec. The
//! GIL is held only for that: building the arguments, the call itself and
//! wrapping the result.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySet, PyTuple};

use crate::array::chunks::format_shape;
use crate::array::dtype::DType;
use crate::error::TaskError;
use crate::python::convert::{numpy_to_chunk, value_to_py};
use crate::value::Value;

/// A Python object held by the executor.
pub struct PyValue(pub Py<PyAny>);

impl std::fmt::Debug for PyValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PyValue(..)")
    }
}

/// One argument of a Python call, possibly holding dependency values.
pub enum Arg {
    /// A literal, passed as is.
    Lit(Py<PyAny>),
    /// The value of the task's `n`-th dependency.
    Dep(u32),
    /// A list rebuilt from its items.
    List(Vec<Arg>),
    /// A tuple rebuilt from its items.
    Tuple(Vec<Arg>),
    /// A set rebuilt from its items.
    Set(Vec<Arg>),
    /// A dict rebuilt from its (literal key, value) pairs.
    Dict(Vec<(Py<PyAny>, Arg)>),
    /// A nested call, evaluated in place (Dask's inline tasks).
    Call(Box<PyCall>),
}

/// A Python callable and its argument templates.
pub struct PyCall {
    /// The callable; `None` means "the value of the first argument" (used to
    /// rebuild a container holding delayed values).
    pub func: Option<Py<PyAny>>,
    /// Positional arguments.
    pub args: Vec<Arg>,
    /// Keyword arguments (keys are `str` objects).
    pub kwargs: Vec<(Py<PyAny>, Arg)>,
    /// Convert the result to an array block of this dtype (`map_blocks`),
    /// so native kernels downstream can read it without the GIL.
    pub to_array: Option<DType>,
    /// The block shape the result must have (calls computing one block of
    /// a known grid); a mismatch is an error naming both shapes.
    pub shape: Option<Vec<usize>>,
    /// Convert the result (a pyarrow table) to a frame partition
    /// (`map_partitions`, `from_delayed`), so native kernels downstream
    /// can read it without the GIL.
    pub to_frame: bool,
}

/// Run `f` with this thread attached to the interpreter (holding the GIL).
/// Nested calls are cheap, so a worker wraps a whole stretch of Python tasks.
pub fn attached<R>(f: impl FnOnce() -> R) -> R {
    Python::attach(|_py| f())
}

/// Call `call` on the given dependency values.
pub fn call(call: &PyCall, inputs: &[Value]) -> Result<Value, TaskError> {
    Python::attach(|py| {
        let result = evaluate(py, call, inputs).and_then(|obj| match call.to_array {
            None if call.to_frame => {
                let (batches, schema) = obj.extract::<pyo3_arrow::PyTable>()?.into_inner();
                let df = crate::frame::export::from_arrow(&batches, &schema)?;
                Ok(Value::Frame(Arc::new(df)))
            }
            None => Ok(Value::Py(Arc::new(PyValue(obj.unbind())))),
            Some(dtype) => {
                let arr = py.import("numpy")?.call_method1("asarray", (obj,))?;
                let chunk = numpy_to_chunk(&arr)?.astype(dtype);
                match &call.shape {
                    Some(shape) if chunk.shape() != shape.as_slice() => {
                        Err(pyo3::exceptions::PyValueError::new_err(format!(
                            "the function returned a block of shape {}, expected {} from the chunks",
                            format_shape(chunk.shape()),
                            format_shape(shape)
                        )))
                    }
                    _ => Ok(Value::Array(Arc::new(chunk))),
                }
            }
        });
        result.map_err(|err| TaskError::Python(Box::new(err)))
    })
}

fn evaluate<'py>(py: Python<'py>, call: &PyCall, inputs: &[Value]) -> PyResult<Bound<'py, PyAny>> {
    let args = call
        .args
        .iter()
        .map(|a| build(py, a, inputs))
        .collect::<PyResult<Vec<_>>>()?;
    let Some(func) = &call.func else {
        return Ok(args
            .into_iter()
            .next()
            .unwrap_or_else(|| py.None().into_bound(py)));
    };
    let args = PyTuple::new(py, args)?;
    if call.kwargs.is_empty() {
        func.bind(py).call1(args)
    } else {
        let kwargs = PyDict::new(py);
        for (k, v) in &call.kwargs {
            kwargs.set_item(k.bind(py), build(py, v, inputs)?)?;
        }
        func.bind(py).call(args, Some(&kwargs))
    }
}

fn build<'py>(py: Python<'py>, arg: &Arg, inputs: &[Value]) -> PyResult<Bound<'py, PyAny>> {
    let items = |xs: &[Arg]| {
        xs.iter()
            .map(|a| build(py, a, inputs))
            .collect::<PyResult<Vec<_>>>()
    };
    Ok(match arg {
        Arg::Lit(obj) => obj.bind(py).clone(),
        Arg::Dep(i) => value_to_py(py, &inputs[*i as usize])?,
        Arg::List(xs) => PyList::new(py, items(xs)?)?.into_any(),
        Arg::Tuple(xs) => PyTuple::new(py, items(xs)?)?.into_any(),
        Arg::Set(xs) => PySet::new(py, items(xs)?)?.into_any(),
        Arg::Dict(pairs) => {
            let d = PyDict::new(py);
            for (k, v) in pairs {
                d.set_item(k.bind(py), build(py, v, inputs)?)?;
            }
            d.into_any()
        }
        Arg::Call(inner) => evaluate(py, inner, inputs)?,
    })
}
