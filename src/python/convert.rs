//! Conversions at the PyO3 edge: values, keys and option strings.

use std::collections::HashMap;
use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyTuple};

use num_complex::Complex64;
use numpy::{IntoPyArray, PyArrayDyn, PyArrayMethods, ToPyArray};

use crate::array::chunk::ArrayChunk;
use crate::array::dtype::DType;
use crate::executor::pytask::PyValue;
use crate::graph::Key;
use crate::value::Value;

/// A task value as a Python object.
pub fn value_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Unit => py.None().into_bound(py),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Float(f) => f.into_pyobject(py)?.into_any(),
        Value::Py(obj) => obj.0.bind(py).clone(),
        Value::Array(chunk) => chunk_to_numpy(py, chunk.clone()),
        Value::Frame(df) => {
            let (batch, schema) = crate::frame::export::to_arrow(df)?;
            pyo3_arrow::PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)?
        }
        Value::Frames(parts) => {
            let tables = parts
                .iter()
                .map(|df| value_to_py(py, &Value::Frame(df.clone())))
                .collect::<PyResult<Vec<_>>>()?;
            pyo3::types::PyList::new(py, tables)?.into_any()
        }
        Value::Partial(_) => {
            return Err(PyTypeError::new_err(
                "a reduction partial has no Python form",
            ))
        }
    })
}

/// A task value as a Python object, moving array blocks into NumPy without
/// a copy when nothing else holds them.
pub fn value_into_py(py: Python<'_>, value: Value) -> PyResult<Bound<'_, PyAny>> {
    match value {
        Value::Array(chunk) => Ok(chunk_to_numpy(py, chunk)),
        other => value_to_py(py, &other),
    }
}

/// An array block as a NumPy array: zero-copy when the block is not shared.
pub fn chunk_to_numpy(py: Python<'_>, chunk: Arc<ArrayChunk>) -> Bound<'_, PyAny> {
    match Arc::try_unwrap(chunk) {
        Ok(owned) => crate::dispatch!(owned, a => a.into_pyarray(py).into_any()),
        Err(shared) => crate::dispatch!(&*shared, a => a.to_pyarray(py).into_any()),
    }
}

/// A NumPy array (or anything `numpy.asarray` accepts) as a block, copied.
pub fn numpy_to_chunk(obj: &Bound<'_, PyAny>) -> PyResult<ArrayChunk> {
    macro_rules! try_dtype {
        ($t:ty, $variant:ident) => {
            if let Ok(a) = obj.cast::<PyArrayDyn<$t>>() {
                return Ok(ArrayChunk::$variant(a.readonly().as_array().to_owned()));
            }
        };
    }
    try_dtype!(f64, F64);
    try_dtype!(f32, F32);
    try_dtype!(i64, I64);
    try_dtype!(i32, I32);
    try_dtype!(u8, U8);
    try_dtype!(bool, Bool);
    try_dtype!(Complex64, C128);
    // Not one of ferrox's dtypes: the same error as any other unsupported dtype.
    let dtype = obj
        .getattr("dtype")
        .map(|d| d.to_string())
        .unwrap_or_else(|_| "?".into());
    match DType::from_name(&dtype) {
        Err(err) => Err(err.into()),
        Ok(_) => Err(PyTypeError::new_err(format!(
            "expected a NumPy array, got {}",
            obj.get_type().name()?
        ))),
    }
}

/// An argument of a native op: any Python or NumPy integer (bools too, as
/// in Python arithmetic) or float becomes a native scalar; anything else, or
/// an integer beyond int64, stays a Python object (and the op rejects it).
pub fn py_to_number(obj: &Bound<'_, PyAny>) -> Value {
    if obj.is_instance_of::<PyFloat>() {
        if let Ok(f) = obj.extract::<f64>() {
            return Value::Float(f);
        }
    }
    if obj.is_instance_of::<PyInt>() || obj.hasattr("__index__").unwrap_or(false) {
        if let Ok(i) = obj
            .call_method0("__index__")
            .and_then(|i| i.extract::<i64>())
        {
            return Value::Int(i);
        }
    }
    if obj.hasattr("dtype").unwrap_or(false) {
        if let Ok(f) = obj.extract::<f64>() {
            return Value::Float(f);
        }
    }
    py_to_value(obj)
}

/// A Python object as a value: numbers become native scalars so native
/// kernels can read them; everything else stays a Python object.
pub fn py_to_value(obj: &Bound<'_, PyAny>) -> Value {
    if obj.is_none() {
        Value::Unit
    } else if obj.is_exact_instance_of::<PyInt>() {
        match obj.extract::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Py(Arc::new(PyValue(obj.clone().unbind()))),
        }
    } else if obj.is_exact_instance_of::<PyFloat>() {
        Value::Float(obj.extract::<f64>().unwrap_or(f64::NAN))
    } else {
        Value::Py(Arc::new(PyValue(obj.clone().unbind())))
    }
}

/// A Python key object: `str`, or a tuple of a `str` and integers.
pub fn key_to_py<'py>(py: Python<'py>, key: &Key) -> PyResult<Bound<'py, PyAny>> {
    Ok(match key {
        Key::Str(s) => PyString::new(py, s).into_any(),
        Key::Tuple(name, idx) => {
            let mut items: Vec<Bound<'py, PyAny>> = Vec::with_capacity(idx.len() + 1);
            items.push(PyString::new(py, name).into_any());
            for i in idx.iter() {
                items.push(i.into_pyobject(py)?.into_any());
            }
            PyTuple::new(py, items)?.into_any()
        }
    })
}

/// Reads Python keys, sharing one `Arc<str>` per distinct name.
#[derive(Default)]
pub struct KeyReader {
    names: HashMap<String, Arc<str>>,
}

impl KeyReader {
    fn name(&mut self, s: &str) -> Arc<str> {
        if let Some(name) = self.names.get(s) {
            return name.clone();
        }
        let name: Arc<str> = Arc::from(s);
        self.names.insert(s.to_string(), name.clone());
        name
    }

    /// Read a key, or `None` if `obj` does not have the shape of one.
    pub fn try_read(&mut self, obj: &Bound<'_, PyAny>) -> Option<Key> {
        if let Ok(s) = obj.cast::<PyString>() {
            return Some(Key::Str(self.name(s.to_str().ok()?)));
        }
        let t = obj.cast::<PyTuple>().ok()?;
        let first = t.get_item(0).ok()?;
        let name = first.cast::<PyString>().ok()?.to_str().ok()?.to_string();
        let mut idx = Vec::with_capacity(t.len() - 1);
        for item in t.iter().skip(1) {
            if item.is_instance_of::<PyBool>() || !item.is_instance_of::<PyInt>() {
                return None;
            }
            idx.push(item.extract::<i64>().ok()?);
        }
        Some(Key::Tuple(self.name(&name), idx.into_boxed_slice()))
    }

    /// Read a key, failing with a `TypeError` naming `what`.
    pub fn read(&mut self, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Key> {
        self.try_read(obj).ok_or_else(|| {
            PyTypeError::new_err(format!(
                "`{what}` must be a str or a tuple of a str and integers, got {}",
                obj.repr()
                    .map(|r| r.to_string())
                    .unwrap_or_else(|_| "?".into())
            ))
        })
    }
}

/// Which scheduler runs a graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheduler {
    /// The Rust worker pool.
    Threads,
    /// The calling thread, in priority order.
    Sync,
}

impl<'a, 'py> FromPyObject<'a, 'py> for Scheduler {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let name: String = obj.extract()?;
        match name.as_str() {
            "threads" | "threading" => Ok(Scheduler::Threads),
            "sync" | "synchronous" | "single-threaded" => Ok(Scheduler::Sync),
            other => Err(PyValueError::new_err(format!(
                "`scheduler` must be one of 'threads', 'threading', 'sync', 'synchronous', \
                 'single-threaded', got '{other}'"
            ))),
        }
    }
}
