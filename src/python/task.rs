//! `TaskCore`: the Rust handle behind `ferrox.delayed.Delayed`.
//!
//! A `TaskCore` owns one [`Node`] of a lazily built graph. `TaskCore.call`
//! walks the call's arguments once, turning every delayed value found in
//! them (directly, or inside lists, tuples, sets and dict values) into a
//! dependency, like `dask.delayed`'s `unpack_collections`. Any object whose
//! type defines `__ferrox_task__()` (a Delayed, later any ferrox collection)
//! counts as a delayed value.

use std::collections::HashMap;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple,
};

use super::array::BlockRef;
use super::convert::{key_to_py, py_to_value, value_into_py, value_to_py, KeyReader, Scheduler};
use super::gil::run_nodes;
use super::native::NativeOpCore;
use crate::array::expr::ArrayExpr;
use crate::executor::native::{NativeArg, NativeCall};
use crate::executor::pytask::{Arg, PyCall};
use crate::graph::{Graph, Key, Node, Op};

/// A lazily built task: its key, operation and dependencies.
#[pyclass(frozen, module = "ferrox._core", name = "TaskCore")]
pub struct TaskCore {
    /// The node this handle owns.
    pub node: Arc<Node>,
}

/// Keyword argument templates: (name, template) pairs.
pub type KwargTemplates = Vec<(Py<PyAny>, Arg)>;

/// A dependency found while walking a call's arguments.
pub enum WalkDep {
    /// A task (a delayed value).
    Task(Arc<Node>),
    /// Block `.1` of an array (a [`BlockRef`] argument).
    Block(Arc<ArrayExpr>, Vec<usize>),
}

#[derive(PartialEq, Eq, Hash)]
enum DepId {
    Task(Key),
    Block(usize, Vec<usize>),
}

/// Collects the dependencies of one call while its arguments are walked.
#[derive(Default)]
pub struct Walker {
    /// The dependencies, in the order of their `Arg::Dep` numbers.
    pub deps: Vec<WalkDep>,
    positions: HashMap<DepId, u32>,
    traverse: bool,
}

impl Walker {
    /// A walker; `traverse` looks inside lists, tuples, sets and dicts.
    pub fn new(traverse: bool) -> Walker {
        Walker {
            traverse,
            ..Walker::default()
        }
    }

    fn dep(&mut self, id: DepId, dep: impl FnOnce() -> WalkDep) -> Arg {
        let next = self.deps.len() as u32;
        let pos = *self.positions.entry(id).or_insert_with(|| {
            self.deps.push(dep());
            next
        });
        Arg::Dep(pos)
    }

    fn task(&mut self, node: &Arc<Node>) -> Arg {
        self.dep(DepId::Task(node.key.clone()), || {
            WalkDep::Task(node.clone())
        })
    }

    /// Templates of a call's positional and keyword arguments.
    pub fn call_args(
        &mut self,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<(Vec<Arg>, KwargTemplates)> {
        let args = self.items(args.iter().map(Ok))?;
        let mut kw = Vec::new();
        if let Some(kwargs) = kwargs {
            for (k, v) in kwargs.iter() {
                kw.push((k.unbind(), self.walk(&v)?));
            }
        }
        Ok((args, kw))
    }

    fn items<'py>(
        &mut self,
        items: impl Iterator<Item = PyResult<Bound<'py, PyAny>>>,
    ) -> PyResult<Vec<Arg>> {
        items.map(|item| self.walk(&item?)).collect()
    }

    fn walk(&mut self, obj: &Bound<'_, PyAny>) -> PyResult<Arg> {
        if let Ok(core) = obj.cast::<TaskCore>() {
            return Ok(self.task(&core.get().node));
        }
        if let Ok(r) = obj.cast::<BlockRef>() {
            let r = r.get();
            let id = DepId::Block(Arc::as_ptr(&r.expr) as usize, r.idx.clone());
            return Ok(self.dep(id, || WalkDep::Block(r.expr.clone(), r.idx.clone())));
        }
        let plain = obj.is_none()
            || obj.is_exact_instance_of::<PyInt>()
            || obj.is_exact_instance_of::<PyFloat>()
            || obj.is_exact_instance_of::<PyString>()
            || obj.is_exact_instance_of::<PyBool>()
            || obj.is_exact_instance_of::<PyBytes>();
        if plain {
            return Ok(Arg::Lit(obj.clone().unbind()));
        }
        if self.traverse {
            let rebuilt = if let Ok(list) = obj.cast_exact::<PyList>() {
                Some(Arg::List(self.items(list.iter().map(Ok))?))
            } else if let Ok(tuple) = obj.cast_exact::<PyTuple>() {
                Some(Arg::Tuple(self.items(tuple.iter().map(Ok))?))
            } else if let Ok(set) = obj.cast_exact::<PySet>() {
                Some(Arg::Set(self.items(set.iter().map(Ok))?))
            } else if let Ok(set) = obj.cast_exact::<PyFrozenSet>() {
                Some(Arg::Set(self.items(set.iter().map(Ok))?))
            } else if let Ok(dict) = obj.cast_exact::<PyDict>() {
                let mut pairs = Vec::with_capacity(dict.len());
                for (k, v) in dict.iter() {
                    pairs.push((k.unbind(), self.walk(&v)?));
                }
                Some(Arg::Dict(pairs))
            } else {
                None
            };
            if let Some(arg) = rebuilt {
                return Ok(if holds_dep(&arg) {
                    arg
                } else {
                    Arg::Lit(obj.clone().unbind())
                });
            }
        }
        let py = obj.py();
        if obj.get_type().hasattr(intern!(py, "__ferrox_task__"))? {
            let task = obj.call_method0(intern!(py, "__ferrox_task__"))?;
            let core = task.cast::<TaskCore>()?;
            return Ok(self.task(&core.get().node));
        }
        Ok(Arg::Lit(obj.clone().unbind()))
    }
}

fn holds_dep(arg: &Arg) -> bool {
    match arg {
        Arg::Lit(_) => false,
        Arg::Dep(_) | Arg::Call(_) => true,
        Arg::List(xs) | Arg::Tuple(xs) | Arg::Set(xs) => xs.iter().any(holds_dep),
        Arg::Dict(pairs) => pairs.iter().any(|(_, a)| holds_dep(a)),
    }
}

#[pymethods]
impl TaskCore {
    /// A task whose value is `value`, known now.
    #[staticmethod]
    fn literal(key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<TaskCore> {
        let key = KeyReader::default().read(key, "key")?;
        Ok(TaskCore {
            node: Node::new(key, Op::Literal(py_to_value(value)), vec![]),
        })
    }

    /// A task calling `func(*args, **kwargs)`; delayed values anywhere in the
    /// arguments become dependencies. `func=None` returns `args[0]` rebuilt.
    #[staticmethod]
    #[pyo3(signature = (key, func, args, kwargs=None, traverse=true))]
    fn call(
        key: &Bound<'_, PyAny>,
        func: Option<Py<PyAny>>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
        traverse: bool,
    ) -> PyResult<TaskCore> {
        let key = KeyReader::default().read(key, "key")?;
        let mut walker = Walker::new(traverse);
        let (args, kwargs) = walker.call_args(args, kwargs)?;
        let deps = walker
            .deps
            .into_iter()
            .map(|d| match d {
                WalkDep::Task(node) => Ok(node),
                WalkDep::Block(..) => Err(PyTypeError::new_err(
                    "array block references can only be arguments of array block calls",
                )),
            })
            .collect::<PyResult<Vec<_>>>()?;
        let op = Op::Python(Arc::new(PyCall {
            func,
            args,
            kwargs,
            to_array: None,
            shape: None,
            to_frame: false,
        }));
        Ok(TaskCore {
            node: Node::new(key, op, deps),
        })
    }

    /// The task's key: a `str` or a tuple.
    #[getter]
    fn key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        key_to_py(py, &self.node.key)
    }

    /// The tasks this one reads, in argument order.
    fn dependencies(&self) -> Vec<TaskCore> {
        self.node
            .deps
            .iter()
            .map(|n| TaskCore { node: n.clone() })
            .collect()
    }

    /// Number of tasks in the graph below (and including) this task.
    fn num_tasks(&self) -> usize {
        Graph::from_nodes(std::slice::from_ref(&self.node)).0.len()
    }

    /// The graph below this task as a Dask-style dict `{key: task}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let (graph, _) = Graph::from_nodes(std::slice::from_ref(&self.node));
        graph_to_dict(py, &graph)
    }

    fn __repr__(&self) -> String {
        format!("TaskCore({})", self.node.key)
    }
}

/// Compute the tasks `cores`, sharing work between them; returns their values.
#[pyfunction]
#[pyo3(signature = (cores, scheduler, num_workers, progress=None))]
pub fn compute(
    py: Python<'_>,
    cores: Vec<Bound<'_, TaskCore>>,
    scheduler: Scheduler,
    num_workers: usize,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Vec<Py<PyAny>>> {
    let roots: Vec<Arc<Node>> = cores.iter().map(|c| c.get().node.clone()).collect();
    let values = run_nodes(py, &roots, scheduler, num_workers, progress.as_ref())?;
    values
        .into_iter()
        .map(|v| Ok(value_into_py(py, v)?.unbind()))
        .collect()
}

fn dask_apply(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static APPLY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    APPLY.import(py, "ferrox._utils", "apply")
}

fn builtin<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import(intern!(py, "builtins"))?.getattr(name)
}

/// Export a flattened graph in Dask's legacy task format.
pub fn graph_to_dict<'py>(py: Python<'py>, graph: &Graph) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for task in &graph.tasks {
        let dep_keys: Vec<Bound<'py, PyAny>> = task
            .deps
            .iter()
            .map(|&d| key_to_py(py, &graph.tasks[d as usize].key))
            .collect::<PyResult<_>>()?;
        let spec = match &task.op {
            Op::Literal(v) => value_to_py(py, v)?,
            Op::Alias => dep_keys[0].clone(),
            Op::Python(call) => export_call(py, call, &dep_keys)?,
            Op::Kernel(kernel) => match kernel.as_any().downcast_ref::<NativeCall>() {
                Some(nc) => {
                    let mut items = vec![Bound::new(py, NativeOpCore { op: nc.op })?.into_any()];
                    for a in &nc.args {
                        items.push(match a {
                            NativeArg::Dep(i) => dep_keys[*i as usize].clone(),
                            NativeArg::Lit(v) => value_to_py(py, v)?,
                        });
                    }
                    PyTuple::new(py, items)?.into_any()
                }
                None => PyString::new(py, kernel.name()).into_any(),
            },
        };
        out.set_item(key_to_py(py, &task.key)?, spec)?;
    }
    Ok(out)
}

fn export_call<'py>(
    py: Python<'py>,
    call: &PyCall,
    deps: &[Bound<'py, PyAny>],
) -> PyResult<Bound<'py, PyAny>> {
    let args = call
        .args
        .iter()
        .map(|a| export_arg(py, a, deps))
        .collect::<PyResult<Vec<_>>>()?;
    let Some(func) = &call.func else {
        return Ok(args
            .into_iter()
            .next()
            .unwrap_or_else(|| py.None().into_bound(py)));
    };
    if call.kwargs.is_empty() {
        let mut items = vec![func.bind(py).clone()];
        items.extend(args);
        return Ok(PyTuple::new(py, items)?.into_any());
    }
    let pairs = call
        .kwargs
        .iter()
        .map(|(k, a)| {
            Ok(PyList::new(py, [k.bind(py).clone(), export_arg(py, a, deps)?])?.into_any())
        })
        .collect::<PyResult<Vec<_>>>()?;
    let kwargs = PyTuple::new(
        py,
        [builtin(py, "dict")?, PyList::new(py, pairs)?.into_any()],
    )?;
    Ok(PyTuple::new(
        py,
        [
            dask_apply(py)?.clone(),
            func.bind(py).clone(),
            PyList::new(py, args)?.into_any(),
            kwargs.into_any(),
        ],
    )?
    .into_any())
}

fn export_arg<'py>(
    py: Python<'py>,
    arg: &Arg,
    deps: &[Bound<'py, PyAny>],
) -> PyResult<Bound<'py, PyAny>> {
    let items = |xs: &[Arg]| {
        xs.iter()
            .map(|a| export_arg(py, a, deps))
            .collect::<PyResult<Vec<_>>>()
    };
    let wrap = |name: &str, xs: Vec<Bound<'py, PyAny>>| -> PyResult<Bound<'py, PyAny>> {
        Ok(PyTuple::new(py, [builtin(py, name)?, PyList::new(py, xs)?.into_any()])?.into_any())
    };
    match arg {
        Arg::Lit(obj) => Ok(obj.bind(py).clone()),
        Arg::Dep(i) => Ok(deps[*i as usize].clone()),
        Arg::List(xs) => Ok(PyList::new(py, items(xs)?)?.into_any()),
        Arg::Tuple(xs) => wrap("tuple", items(xs)?),
        Arg::Set(xs) => wrap("set", items(xs)?),
        Arg::Dict(pairs) => {
            let kv = pairs
                .iter()
                .map(|(k, a)| {
                    Ok(PyList::new(py, [k.bind(py).clone(), export_arg(py, a, deps)?])?.into_any())
                })
                .collect::<PyResult<Vec<_>>>()?;
            wrap("dict", kv)
        }
        Arg::Call(inner) => export_call(py, inner, deps),
    }
}
