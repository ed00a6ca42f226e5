//! Dask-style dict graphs (`ferrox.get`) and the native operations usable in
//! them (`ferrox.ops`).
//!
//! A dict graph maps keys to tasks in Dask's legacy format: a tuple whose
//! first item is callable is a call, an argument equal to a key of the graph
//! is a dependency, lists are walked, anything else is a literal. A call of a
//! `ferrox.ops` function becomes a native task and runs without the GIL.

use std::collections::HashMap;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use super::convert::{py_to_number, py_to_value, value_into_py, value_to_py, KeyReader, Scheduler};
use super::gil::run_graph;
use crate::executor::native::{NativeArg, NativeCall, NativeOp};
use crate::executor::pytask::{Arg, PyCall};
use crate::graph::{Graph, Key, Op};
use crate::value::Value;

/// A native operation, callable from Python too (`ferrox.ops.inc(1) == 2`).
#[pyclass(frozen, module = "ferrox._core", name = "NativeOp")]
pub struct NativeOpCore {
    /// Which operation.
    pub op: NativeOp,
}

#[pymethods]
impl NativeOpCore {
    #[pyo3(signature = (*args))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut values: Vec<Value> = Vec::with_capacity(args.len());
        for arg in args.iter() {
            let sequence = arg.is_instance_of::<PyList>() || arg.is_instance_of::<PyTuple>();
            if self.op == NativeOp::Sum && args.len() == 1 && sequence {
                for v in arg.try_iter()? {
                    values.push(py_to_number(&v?));
                }
            } else {
                values.push(py_to_number(&arg));
            }
        }
        let refs: Vec<&Value> = values.iter().collect();
        value_to_py(py, &self.op.apply(&refs)?)
    }

    #[getter]
    fn __name__(&self) -> &'static str {
        self.op.name()
    }

    fn __repr__(&self) -> String {
        format!("<ferrox native op '{}'>", self.op.name())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (&'static str,))> {
        Ok((
            py.import("ferrox._core")?.getattr("native_op")?,
            (self.op.name(),),
        ))
    }
}

/// The native operation called `name`.
#[pyfunction]
pub fn native_op(name: &str) -> PyResult<NativeOpCore> {
    NativeOp::ALL
        .into_iter()
        .find(|op| op.name() == name)
        .map(|op| NativeOpCore { op })
        .ok_or_else(|| PyTypeError::new_err(format!("there is no native op named '{name}'")))
}

/// Reads one dict graph, resolving references against its keys.
struct DictReader<'a, 'py> {
    dsk: &'a Bound<'py, PyDict>,
    keys: KeyReader,
}

/// The dependencies of one task being read.
#[derive(Default)]
struct Deps {
    keys: Vec<Key>,
    positions: HashMap<Key, u32>,
}

impl Deps {
    fn add(&mut self, key: Key) -> u32 {
        let next = self.keys.len() as u32;
        *self.positions.entry(key.clone()).or_insert_with(|| {
            self.keys.push(key);
            next
        })
    }
}

impl<'py> DictReader<'_, 'py> {
    /// The key `obj` names, if it is a key of the graph.
    fn reference(&mut self, obj: &Bound<'py, PyAny>) -> Option<Key> {
        let key = self.keys.try_read(obj)?;
        self.dsk.contains(obj).ok()?.then_some(key)
    }

    fn is_call(obj: &Bound<'py, PyAny>) -> Option<Bound<'py, PyTuple>> {
        let t = obj.cast_exact::<PyTuple>().ok()?;
        (!t.is_empty() && t.get_item(0).ok()?.is_callable()).then(|| t.clone())
    }

    fn arg(&mut self, obj: &Bound<'py, PyAny>, deps: &mut Deps) -> PyResult<Arg> {
        if let Some(key) = self.reference(obj) {
            return Ok(Arg::Dep(deps.add(key)));
        }
        if let Some(t) = Self::is_call(obj) {
            return Ok(Arg::Call(Box::new(self.call(&t, deps)?)));
        }
        if let Ok(list) = obj.cast_exact::<PyList>() {
            let items = list
                .iter()
                .map(|x| self.arg(&x, deps))
                .collect::<PyResult<Vec<_>>>()?;
            if items.iter().any(|a| !matches!(a, Arg::Lit(_))) {
                return Ok(Arg::List(items));
            }
        } else if let Ok(tuple) = obj.cast_exact::<PyTuple>() {
            // Dask resolves keys inside plain tuples too.
            let items = tuple
                .iter()
                .map(|x| self.arg(&x, deps))
                .collect::<PyResult<Vec<_>>>()?;
            if items.iter().any(|a| !matches!(a, Arg::Lit(_))) {
                return Ok(Arg::Tuple(items));
            }
        }
        Ok(Arg::Lit(obj.clone().unbind()))
    }

    fn holds_call(obj: &Bound<'py, PyAny>) -> bool {
        if Self::is_call(obj).is_some() {
            return true;
        }
        match obj.cast_exact::<PyList>() {
            Ok(list) => list.iter().any(|x| Self::holds_call(&x)),
            Err(_) => false,
        }
    }

    fn call(&mut self, t: &Bound<'py, PyTuple>, deps: &mut Deps) -> PyResult<PyCall> {
        let func = t.get_item(0)?.unbind();
        let args = t
            .iter()
            .skip(1)
            .map(|a| self.arg(&a, deps))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyCall {
            func: Some(func),
            args,
            kwargs: Vec::new(),
            to_array: None,
            shape: None,
            to_frame: false,
        })
    }

    fn native_arg(&mut self, obj: &Bound<'py, PyAny>, deps: &mut Deps, out: &mut Vec<NativeArg>) {
        if let Some(key) = self.reference(obj) {
            out.push(NativeArg::Dep(deps.add(key)));
        } else if let Ok(list) = obj.cast_exact::<PyList>() {
            for item in list.iter() {
                self.native_arg(&item, deps, out);
            }
        } else {
            out.push(NativeArg::Lit(py_to_number(obj)));
        }
    }

    fn task(&mut self, spec: &Bound<'py, PyAny>) -> PyResult<(Op, Vec<Key>)> {
        let mut deps = Deps::default();
        if let Some(key) = self.reference(spec) {
            deps.add(key);
            return Ok((Op::Alias, deps.keys));
        }
        let op = if let Some(t) = Self::is_call(spec) {
            let head = t.get_item(0)?;
            // A native op whose arguments hold nested tasks runs as a Python
            // call (it is callable), so the nested tasks are evaluated first.
            let nested = t.iter().skip(1).any(|a| Self::holds_call(&a));
            if let (Ok(native), false) = (head.cast::<NativeOpCore>(), nested) {
                let mut args = Vec::new();
                for a in t.iter().skip(1) {
                    self.native_arg(&a, &mut deps, &mut args);
                }
                Op::Kernel(Arc::new(NativeCall {
                    op: native.get().op,
                    args,
                }))
            } else {
                Op::Python(Arc::new(self.call(&t, &mut deps)?))
            }
        } else {
            match self.arg(spec, &mut deps)? {
                Arg::Lit(_) => Op::Literal(py_to_value(spec)),
                arg => Op::Python(Arc::new(PyCall {
                    func: None,
                    args: vec![arg],
                    kwargs: Vec::new(),
                    to_array: None,
                    shape: None,
                    to_frame: false,
                })),
            }
        };
        Ok((op, deps.keys))
    }
}

/// Compute `keys` of the Dask-style dict graph `dsk`; returns their values.
#[pyfunction]
#[pyo3(signature = (dsk, keys, scheduler, num_workers, progress=None))]
pub fn get(
    py: Python<'_>,
    dsk: &Bound<'_, PyDict>,
    keys: Vec<Bound<'_, PyAny>>,
    scheduler: Scheduler,
    num_workers: usize,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Vec<Py<PyAny>>> {
    let mut reader = DictReader {
        dsk,
        keys: KeyReader::default(),
    };
    let mut entries = Vec::with_capacity(dsk.len());
    for (k, spec) in dsk.iter() {
        let key = reader.keys.read(&k, "dsk")?;
        let (op, deps) = reader.task(&spec)?;
        entries.push((key, op, deps));
    }
    let outputs = keys
        .iter()
        .map(|k| reader.keys.read(k, "keys"))
        .collect::<PyResult<Vec<_>>>()?;
    let (graph, outputs) = Graph::from_entries(entries, &outputs)?;
    let values = run_graph(
        py,
        graph,
        outputs,
        scheduler,
        num_workers,
        progress.as_ref(),
    )?;
    values
        .into_iter()
        .map(|v| Ok(value_into_py(py, v)?.unbind()))
        .collect()
}
