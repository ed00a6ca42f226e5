//! `ArrayCore`: the Rust handle behind `ferrox.array.Array`.
//!
//! Every method builds a new expression (validated now) and returns a new
//! handle; nothing runs until `task()` is computed.

use std::sync::Arc;

use num_complex::Complex64;
use pyo3::exceptions::{
    PyIndexError, PyNotImplementedError, PyOverflowError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyComplex, PyDict, PyFloat, PyInt, PyList, PySlice, PySliceMethods, PyString, PyTuple,
};

use super::convert::{numpy_to_chunk, Scheduler};
use super::gil::run_nodes;
use super::task::{graph_to_dict, TaskCore, WalkDep, Walker};
use crate::array::chunk::ArrayChunk;
use crate::array::chunks::{self, AxisChunks, Chunks};
use crate::array::dtype::{DType, ScalarKind};
use crate::array::elementwise::{BinOp, UnOp};
use crate::array::expr::{ArrayExpr, BlockCall, CallDep, MapOp, Operand, Scalar};
use crate::array::lower::Lowerer;
use crate::array::random::Dist;
use crate::array::reductions::ReduceOp;
use crate::array::structure::AxisIndex;
use crate::executor::pytask::{Arg, PyCall};
use crate::graph::{Graph, Node};
use crate::value::Value;

/// A lazily defined chunked array.
#[pyclass(frozen, module = "ferrox._core", name = "ArrayCore")]
pub struct ArrayCore {
    /// The expression this handle owns.
    pub expr: Arc<ArrayExpr>,
}

/// Block `idx` of an array, as an argument of a block call
/// ([`ArrayCore::from_calls`]): the call receives that block's value.
#[pyclass(frozen, module = "ferrox._core", name = "BlockRef")]
pub struct BlockRef {
    /// The array.
    pub expr: Arc<ArrayExpr>,
    /// The block's index in its grid.
    pub idx: Vec<usize>,
}

#[pymethods]
impl BlockRef {
    fn __repr__(&self) -> String {
        format!(
            "BlockRef({:?}, {})",
            &*self.expr.name,
            chunks::format_shape(&self.idx)
        )
    }
}

fn wrap(expr: Arc<ArrayExpr>) -> ArrayCore {
    ArrayCore { expr }
}

fn dtype_arg(name: &str) -> PyResult<DType> {
    Ok(DType::from_name(name)?)
}

fn axis_chunks(obj: &Bound<'_, PyAny>) -> PyResult<AxisChunks> {
    if obj.is_none() {
        return Ok(AxisChunks::Whole);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        if s.to_str()? == "auto" {
            return Ok(AxisChunks::Auto);
        }
    }
    if obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>() {
        return Ok(AxisChunks::Explicit(obj.extract()?));
    }
    let n: i64 = obj.extract().map_err(|_| {
        PyValueError::new_err(format!(
            "`chunks` entries must be ints, tuples, None or 'auto', got {obj}"
        ))
    })?;
    match n {
        -1 => Ok(AxisChunks::Whole),
        n if n > 0 => Ok(AxisChunks::Size(n as usize)),
        _ => Err(PyValueError::new_err(format!(
            "`chunks` must be positive, got {n}"
        ))),
    }
}

/// Parse a `chunks=` argument (int, "auto", a tuple per axis, a tuple of
/// tuples, or a dict `{axis: spec}`) into explicit chunks for `shape`.
pub fn parse_chunks(obj: &Bound<'_, PyAny>, shape: &[usize], dtype: DType) -> PyResult<Chunks> {
    let ndim = shape.len();
    let spec: Vec<AxisChunks> = if let Ok(d) = obj.cast::<pyo3::types::PyDict>() {
        let mut spec = vec![AxisChunks::Whole; ndim];
        for (k, v) in d.iter() {
            let ax = crate::array::expr::normalize_axis(k.extract()?, ndim)?;
            spec[ax] = axis_chunks(&v)?;
        }
        spec
    } else if obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>() {
        let items: Vec<Bound<'_, PyAny>> = obj.try_iter()?.collect::<PyResult<_>>()?;
        if items.len() != ndim {
            return Err(PyValueError::new_err(format!(
                "Chunks and shape must be of the same length/dimension. Got chunks={obj}, shape={}",
                chunks::format_shape(shape)
            )));
        }
        items.iter().map(axis_chunks).collect::<PyResult<_>>()?
    } else {
        vec![axis_chunks(obj)?; ndim]
    };
    Ok(chunks::normalize(&spec, shape, dtype.itemsize())?)
}

/// A Python scalar as an operand taking part with an array of `dtype`.
fn scalar_operand(obj: &Bound<'_, PyAny>, dtype: DType) -> PyResult<Option<Scalar>> {
    let kind = if obj.is_instance_of::<PyBool>() {
        ScalarKind::Bool
    } else if obj.is_instance_of::<PyInt>() {
        ScalarKind::Int
    } else if obj.is_instance_of::<PyFloat>() {
        ScalarKind::Float
    } else if obj.is_instance_of::<PyComplex>() {
        ScalarKind::Complex
    } else {
        return Ok(None);
    };
    let target = DType::promote_scalar(dtype, kind);
    let zero_d = |c: ArrayChunk| c;
    let value = match kind {
        ScalarKind::Bool => {
            ArrayChunk::Bool(ndarray::arr0(obj.extract::<bool>()?).into_dyn()).astype(target)
        }
        ScalarKind::Int => {
            let big: i128 = obj
                .extract()
                .map_err(|_| PyOverflowError::new_err("Python int too large"))?;
            let (lo, hi): (i128, i128) = match target {
                DType::U8 => (0, 255),
                DType::I32 => (i32::MIN as i128, i32::MAX as i128),
                DType::I64 => (i64::MIN as i128, i64::MAX as i128),
                _ => (i128::MIN, i128::MAX),
            };
            if big < lo || big > hi {
                return Err(PyOverflowError::new_err(format!(
                    "Python integer {big} out of bounds for {}",
                    target.name()
                )));
            }
            if target.is_int() {
                zero_d(ArrayChunk::I64(ndarray::arr0(big as i64).into_dyn())).astype(target)
            } else {
                ArrayChunk::F64(ndarray::arr0(big as f64).into_dyn()).astype(target)
            }
        }
        ScalarKind::Float => {
            ArrayChunk::F64(ndarray::arr0(obj.extract::<f64>()?).into_dyn()).astype(target)
        }
        ScalarKind::Complex => {
            let c = obj.cast::<PyComplex>()?;
            ArrayChunk::C128(ndarray::arr0(Complex64::new(c.real(), c.imag())).into_dyn())
        }
    };
    Ok(Some(Scalar { value, kind }))
}

fn operand(obj: &Bound<'_, PyAny>, other_dtype: DType) -> PyResult<Operand> {
    if let Ok(core) = obj.cast::<ArrayCore>() {
        return Ok(Operand::Array(core.get().expr.clone()));
    }
    match scalar_operand(obj, other_dtype)? {
        Some(s) => Ok(Operand::Scalar(s)),
        None => Err(PyTypeError::new_err(format!(
            "unsupported operand type: {}",
            obj.get_type().name()?
        ))),
    }
}

/// NumPy's basic index (`x[1, ::2, None, ...]`) as one entry per axis.
fn parse_index(key: &Bound<'_, PyAny>, shape: &[usize]) -> PyResult<Vec<AxisIndex>> {
    let py = key.py();
    let items: Vec<Bound<'_, PyAny>> = match key.cast::<PyTuple>() {
        Ok(t) => t.iter().collect(),
        Err(_) => vec![key.clone()],
    };
    let ellipsis = py.Ellipsis();
    let n_ellipsis = items.iter().filter(|i| i.is(&ellipsis)).count();
    if n_ellipsis > 1 {
        return Err(PyIndexError::new_err(
            "an index can only have a single ellipsis ('...')",
        ));
    }
    let real = items
        .iter()
        .filter(|i| !i.is_none() && !i.is(&ellipsis))
        .count();
    if real > shape.len() {
        return Err(PyIndexError::new_err(format!(
            "too many indices for array: array is {}-dimensional, but {real} were indexed",
            shape.len()
        )));
    }
    let mut out = Vec::new();
    let mut axis = 0;
    let full = |n: usize| AxisIndex::Slice {
        start: 0,
        stop: n as i64,
        step: 1,
    };
    for item in &items {
        if item.is_none() {
            out.push(AxisIndex::NewAxis);
        } else if item.is(&ellipsis) {
            for _ in 0..shape.len() - real {
                out.push(full(shape[axis]));
                axis += 1;
            }
        } else if let Ok(sl) = item.cast::<PySlice>() {
            let ind = sl.indices(shape[axis] as isize)?;
            out.push(AxisIndex::Slice {
                start: ind.start as i64,
                stop: ind.stop as i64,
                step: ind.step as i64,
            });
            axis += 1;
        } else if item.is_instance_of::<PyInt>() && !item.is_instance_of::<PyBool>() {
            let i: i64 = item.extract()?;
            let n = shape[axis] as i64;
            if i < -n || i >= n {
                return Err(PyIndexError::new_err(format!(
                    "index {i} is out of bounds for axis {axis} with size {n}"
                )));
            }
            out.push(AxisIndex::Int(if i < 0 { i + n } else { i }));
            axis += 1;
        } else {
            return Err(PyNotImplementedError::new_err(format!(
                "indexing with {} is not supported yet; use ints, slices, None and ...",
                item.get_type().name()?
            )));
        }
    }
    while axis < shape.len() {
        out.push(full(shape[axis]));
        axis += 1;
    }
    Ok(out)
}

fn lookup<T: Copy>(
    all: &[T],
    name: &str,
    what: &str,
    get: impl Fn(T) -> &'static str,
) -> PyResult<T> {
    all.iter()
        .copied()
        .find(|&x| get(x) == name)
        .ok_or_else(|| PyValueError::new_err(format!("unknown {what} '{name}'")))
}

#[pymethods]
impl ArrayCore {
    /// Wrap a NumPy array, cut into `chunks`.
    #[staticmethod]
    fn from_numpy(data: &Bound<'_, PyAny>, chunks: &Bound<'_, PyAny>) -> PyResult<ArrayCore> {
        let chunk = numpy_to_chunk(data)?;
        let chunks = parse_chunks(chunks, chunk.shape(), chunk.dtype())?;
        Ok(wrap(ArrayExpr::source(chunk, chunks)?))
    }

    /// Random values: `dist` is "uniform" (a=low, b=high), "normal" (a=loc,
    /// b=scale) or "integers" (a=low, b=high).
    #[staticmethod]
    fn random(
        dist: &str,
        a: f64,
        b: f64,
        seed: u64,
        shape: Vec<usize>,
        chunks: &Bound<'_, PyAny>,
    ) -> PyResult<ArrayCore> {
        let dist = match dist {
            "uniform" => Dist::Uniform { low: a, high: b },
            "normal" => Dist::Normal { loc: a, scale: b },
            "integers" => Dist::Integers {
                low: a as i64,
                high: b as i64,
            },
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown distribution '{other}'"
                )))
            }
        };
        let chunks = parse_chunks(chunks, &shape, dist.dtype())?;
        Ok(wrap(ArrayExpr::random(dist, seed, shape, chunks)?))
    }

    /// Every element `value`, of `dtype`.
    #[staticmethod]
    fn full(
        value: &Bound<'_, PyAny>,
        dtype: &str,
        shape: Vec<usize>,
        chunks: &Bound<'_, PyAny>,
    ) -> PyResult<ArrayCore> {
        let dtype = dtype_arg(dtype)?;
        let scalar = scalar_operand(value, dtype)?
            .ok_or_else(|| PyTypeError::new_err("`fill_value` must be a number"))?
            .value
            .astype(dtype);
        let chunks = parse_chunks(chunks, &shape, dtype)?;
        Ok(wrap(ArrayExpr::full(scalar, shape, chunks)?))
    }

    /// `start + i * step` for `i` in `0..n`, of `dtype`.
    #[staticmethod]
    fn arange(
        start: f64,
        step: f64,
        n: usize,
        dtype: &str,
        chunks: &Bound<'_, PyAny>,
    ) -> PyResult<ArrayCore> {
        let dtype = dtype_arg(dtype)?;
        let chunks = parse_chunks(chunks, &[n], dtype)?;
        Ok(wrap(ArrayExpr::arange(start, step, n, dtype, chunks)?))
    }

    /// `numpy.linspace(start, stop, num, endpoint)` as `dtype`.
    #[staticmethod]
    fn linspace(
        start: f64,
        stop: f64,
        num: usize,
        endpoint: bool,
        dtype: &str,
        chunks: &Bound<'_, PyAny>,
    ) -> PyResult<ArrayCore> {
        let dtype = dtype_arg(dtype)?;
        let chunks = parse_chunks(chunks, &[num], dtype)?;
        Ok(wrap(ArrayExpr::linspace(
            start, stop, num, endpoint, dtype, chunks,
        )?))
    }

    /// `numpy.eye(n, m, k)` as `dtype`.
    #[staticmethod]
    fn eye(
        n: usize,
        m: usize,
        k: i64,
        dtype: &str,
        chunks: &Bound<'_, PyAny>,
    ) -> PyResult<ArrayCore> {
        let dtype = dtype_arg(dtype)?;
        let chunks = parse_chunks(chunks, &[n, m], dtype)?;
        Ok(wrap(ArrayExpr::eye(n, m, k, dtype, chunks)?))
    }

    /// One block: the value of `task` (anything `numpy.asarray` accepts) of
    /// the given shape and dtype.
    #[staticmethod]
    fn from_task(
        py: Python<'_>,
        task: &Bound<'_, TaskCore>,
        shape: Vec<usize>,
        dtype: &str,
    ) -> PyResult<ArrayCore> {
        let asarray = py.import("numpy")?.getattr("asarray")?.unbind();
        let call = PyCall {
            func: Some(asarray),
            args: vec![Arg::Dep(0)],
            kwargs: Vec::new(),
            to_array: None,
            shape: None,
            to_frame: false,
        };
        Ok(wrap(ArrayExpr::from_task(
            task.get().node.clone(),
            call,
            shape,
            dtype_arg(dtype)?,
        )))
    }

    /// Normalize a `chunks=` argument for `shape` and `dtype`.
    #[staticmethod]
    fn normalize_chunks(
        chunks: &Bound<'_, PyAny>,
        shape: Vec<usize>,
        dtype: &str,
    ) -> PyResult<Vec<Vec<usize>>> {
        parse_chunks(chunks, &shape, dtype_arg(dtype)?)
    }

    /// The shape.
    #[getter]
    fn shape(&self) -> Vec<usize> {
        self.expr.shape.clone()
    }

    /// The chunks, one list of block lengths per axis.
    #[getter]
    fn chunks(&self) -> Vec<Vec<usize>> {
        self.expr.chunks.clone()
    }

    /// NumPy's name of the dtype.
    #[getter]
    fn dtype(&self) -> &'static str {
        self.expr.dtype.name()
    }

    /// The name of the block tasks.
    #[getter]
    fn name(&self) -> String {
        self.expr.name.to_string()
    }

    /// A unary ufunc.
    fn unary(&self, op: &str) -> PyResult<ArrayCore> {
        let op = lookup(&UnOp::ALL, op, "ufunc", UnOp::name)?;
        Ok(wrap(ArrayExpr::map(
            MapOp::Unary(op),
            vec![Operand::Array(self.expr.clone())],
        )?))
    }

    /// A binary ufunc with `other` (an ArrayCore or a Python scalar);
    /// `reflected` puts `other` first.
    #[pyo3(signature = (op, other, reflected=false))]
    fn binary(&self, op: &str, other: &Bound<'_, PyAny>, reflected: bool) -> PyResult<ArrayCore> {
        let op = lookup(&BinOp::ALL, op, "ufunc", BinOp::name)?;
        let me = Operand::Array(self.expr.clone());
        let other = operand(other, self.expr.dtype)?;
        let operands = if reflected {
            vec![other, me]
        } else {
            vec![me, other]
        };
        Ok(wrap(ArrayExpr::map(MapOp::Binary(op), operands)?))
    }

    /// `where(self, a, b)`.
    fn where_(&self, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<ArrayCore> {
        let dt = |o: &Bound<'_, PyAny>| o.cast::<ArrayCore>().map(|c| c.get().expr.dtype).ok();
        let hint = dt(a).or_else(|| dt(b)).unwrap_or(DType::Bool);
        let ops = vec![
            Operand::Array(self.expr.clone()),
            operand(a, hint)?,
            operand(b, hint)?,
        ];
        Ok(wrap(ArrayExpr::map(MapOp::Where, ops)?))
    }

    /// The array cast to `dtype`.
    fn astype(&self, dtype: &str) -> PyResult<ArrayCore> {
        let d = dtype_arg(dtype)?;
        if d == self.expr.dtype {
            return Ok(wrap(self.expr.clone()));
        }
        Ok(wrap(ArrayExpr::map(
            MapOp::AsType(d),
            vec![Operand::Array(self.expr.clone())],
        )?))
    }

    /// A reduction; `axis` is None, an int or a tuple of ints.
    #[pyo3(signature = (op, axis=None, keepdims=false, ddof=0.0, dtype=None, split_every=None))]
    fn reduce(
        &self,
        op: &str,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
        ddof: f64,
        dtype: Option<&str>,
        split_every: Option<usize>,
    ) -> PyResult<ArrayCore> {
        let op = lookup(&ReduceOp::ALL, op, "reduction", ReduceOp::name)?;
        let axes = match axis {
            None => None,
            Some(a) if a.is_none() => None,
            Some(a) => Some(if let Ok(i) = a.extract::<i64>() {
                vec![i]
            } else {
                a.extract::<Vec<i64>>()?
            }),
        };
        let dtype = dtype.map(dtype_arg).transpose()?;
        Ok(wrap(self.expr.reduce(
            op,
            axes,
            keepdims,
            ddof,
            dtype,
            split_every,
        )?))
    }

    /// The axes permuted (`None` reverses them).
    #[pyo3(signature = (axes=None))]
    fn transpose(&self, axes: Option<Vec<i64>>) -> PyResult<ArrayCore> {
        Ok(wrap(self.expr.transpose(axes)?))
    }

    /// Basic indexing: ints, slices, `None` and `...`.
    fn getitem(&self, key: &Bound<'_, PyAny>) -> PyResult<ArrayCore> {
        Ok(wrap(self.expr.index(parse_index(key, &self.expr.shape)?)?))
    }

    /// `func(*args, **kwargs)` on corresponding blocks, where each
    /// `ArrayCore` in `args` stands for its block; the result blocks have
    /// `chunks` and `dtype`.
    #[staticmethod]
    #[pyo3(signature = (name, func, args, kwargs, chunks, dtype))]
    fn map_blocks(
        name: &str,
        func: Py<PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: &Bound<'_, pyo3::types::PyDict>,
        chunks: Vec<Vec<usize>>,
        dtype: &str,
    ) -> PyResult<ArrayCore> {
        let mut inputs = Vec::new();
        let template = args
            .iter()
            .map(|a| match a.cast::<ArrayCore>() {
                Ok(core) => {
                    inputs.push(core.get().expr.clone());
                    Arg::Dep((inputs.len() - 1) as u32)
                }
                Err(_) => Arg::Lit(a.unbind()),
            })
            .collect();
        let kw = kwargs
            .iter()
            .map(|(k, v)| (k.unbind(), Arg::Lit(v.unbind())))
            .collect();
        let call = PyCall {
            func: Some(func),
            args: template,
            kwargs: kw,
            to_array: None,
            shape: None,
            to_frame: false,
        };
        Ok(wrap(ArrayExpr::map_blocks(
            name,
            call,
            inputs,
            chunks,
            dtype_arg(dtype)?,
        )?))
    }

    /// Use the OpenBLAS library at `path` for float matrix products.
    #[staticmethod]
    fn load_blas(path: &str) -> PyResult<()> {
        Ok(crate::array::blas::load(path)?)
    }

    /// References to every block, in C order of the block grid.
    fn block_refs(&self) -> Vec<BlockRef> {
        chunks::block_indices(&self.expr.numblocks())
            .into_iter()
            .map(|idx| BlockRef {
                expr: self.expr.clone(),
                idx,
            })
            .collect()
    }

    /// An array whose blocks are computed by Python calls: `calls` holds one
    /// `(func, args, kwargs)` per block in C order; `BlockRef`s (and delayed
    /// values) anywhere in the arguments become dependencies.
    #[staticmethod]
    fn from_calls(
        name: &str,
        calls: Vec<(Py<PyAny>, Bound<'_, PyTuple>, Bound<'_, PyDict>)>,
        chunks: Vec<Vec<usize>>,
        dtype: &str,
    ) -> PyResult<ArrayCore> {
        let dtype = dtype_arg(dtype)?;
        let grid = chunks::block_indices(&chunks::numblocks(&chunks));
        let mut inputs: Vec<Arc<ArrayExpr>> = Vec::new();
        let mut blocks = Vec::with_capacity(calls.len());
        for (n, (func, args, kwargs)) in calls.into_iter().enumerate() {
            let mut walker = Walker::new(true);
            let (args, kwargs) = walker.call_args(&args, Some(&kwargs))?;
            let deps = walker
                .deps
                .into_iter()
                .map(|d| match d {
                    WalkDep::Task(node) => CallDep::Task(node),
                    WalkDep::Block(expr, idx) => {
                        let i = match inputs.iter().position(|e| Arc::ptr_eq(e, &expr)) {
                            Some(i) => i,
                            None => {
                                inputs.push(expr);
                                inputs.len() - 1
                            }
                        };
                        CallDep::Block(i, idx)
                    }
                })
                .collect();
            let shape = grid.get(n).map(|idx| chunks::block_shape(&chunks, idx));
            let call = PyCall {
                func: Some(func),
                args,
                kwargs,
                to_array: Some(dtype),
                shape,
                to_frame: false,
            };
            blocks.push(BlockCall {
                call: Arc::new(call),
                deps,
            });
        }
        Ok(wrap(ArrayExpr::calls(name, inputs, blocks, chunks, dtype)?))
    }

    /// `x.take(indices, axis)` with in-range (possibly negative) indices.
    fn take(&self, axis: usize, indices: Vec<i64>) -> PyResult<ArrayCore> {
        Ok(wrap(self.expr.take(axis, indices)?))
    }

    /// `numpy.concatenate(arrays, axis)`.
    #[staticmethod]
    fn concatenate(arrays: Vec<Bound<'_, ArrayCore>>, axis: i64) -> PyResult<ArrayCore> {
        let inputs = arrays.iter().map(|a| a.get().expr.clone()).collect();
        Ok(wrap(ArrayExpr::concatenate(inputs, axis)?))
    }

    /// `self @ other` for 2-d arrays.
    fn matmul(&self, other: &Bound<'_, ArrayCore>) -> PyResult<ArrayCore> {
        Ok(wrap(self.expr.matmul(&other.get().expr)?))
    }

    /// The elements in C order with another shape (one entry may be -1).
    fn reshape(&self, shape: Vec<i64>) -> PyResult<ArrayCore> {
        Ok(wrap(self.expr.reshape(&shape)?))
    }

    /// `cumsum` / `cumprod` along `axis`.
    #[pyo3(signature = (op, axis, dtype=None))]
    fn scan(&self, op: &str, axis: i64, dtype: Option<&str>) -> PyResult<ArrayCore> {
        use crate::array::scan::ScanOp;
        let op = lookup(&[ScanOp::Sum, ScanOp::Prod], op, "scan", ScanOp::name)?;
        let dtype = dtype.map(dtype_arg).transpose()?;
        Ok(wrap(self.expr.scan(op, axis, dtype)?))
    }

    /// The same values cut into other chunks.
    fn rechunk(&self, chunks: &Bound<'_, PyAny>) -> PyResult<ArrayCore> {
        let chunks = parse_chunks(chunks, &self.expr.shape, self.expr.dtype)?;
        Ok(wrap(self.expr.rechunk(chunks)?))
    }

    /// A task whose value is the whole array (a NumPy array).
    fn task(&self) -> TaskCore {
        let mut lowerer = Lowerer::new(std::slice::from_ref(&self.expr));
        let key = format!("finalize-{}", self.expr.name);
        TaskCore {
            node: lowerer.whole(&self.expr, &key),
        }
    }

    /// One task per block, in C order of the block grid.
    fn block_tasks(&self) -> Vec<TaskCore> {
        let mut lowerer = Lowerer::new(std::slice::from_ref(&self.expr));
        chunks::block_indices(&self.expr.numblocks())
            .iter()
            .map(|idx| TaskCore {
                node: lowerer.block(&self.expr, idx),
            })
            .collect()
    }

    /// An array made of computed blocks (NumPy arrays, in C order).
    #[staticmethod]
    fn from_blocks(
        name: &str,
        blocks: Vec<Bound<'_, PyAny>>,
        shape: Vec<usize>,
        chunks: Vec<Vec<usize>>,
        dtype: &str,
    ) -> PyResult<ArrayCore> {
        let dtype = dtype_arg(dtype)?;
        let blocks = blocks
            .iter()
            .map(|b| Ok(Arc::new(numpy_to_chunk(b)?.astype(dtype))))
            .collect::<PyResult<_>>()?;
        chunks::validate(&chunks, &shape)?;
        Ok(wrap(ArrayExpr::blocks(
            Arc::from(name),
            blocks,
            shape,
            chunks,
            dtype,
        )))
    }

    /// Compute every block and keep them in memory: an array whose blocks
    /// are the results (same name, chunks and dtype).
    #[pyo3(signature = (scheduler, num_workers, progress=None))]
    fn persist(
        &self,
        py: Python<'_>,
        scheduler: Scheduler,
        num_workers: usize,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<ArrayCore> {
        let roots: Vec<Arc<Node>> = self.block_tasks().into_iter().map(|t| t.node).collect();
        let values = run_nodes(py, &roots, scheduler, num_workers, progress.as_ref())?;
        let blocks = values
            .into_iter()
            .map(|v| match v {
                Value::Array(chunk) => Ok(chunk),
                _ => Err(PyTypeError::new_err("an array block was expected")),
            })
            .collect::<PyResult<Vec<_>>>()?;
        let e = &self.expr;
        Ok(wrap(ArrayExpr::blocks(
            e.name.clone(),
            blocks,
            e.shape.clone(),
            e.chunks.clone(),
            e.dtype,
        )))
    }

    /// Number of tasks needed to compute every block.
    fn num_tasks(&self) -> usize {
        let roots: Vec<Arc<Node>> = self.block_tasks().into_iter().map(|t| t.node).collect();
        Graph::from_nodes(&roots).0.len()
    }

    /// The graph computing every block, as a Dask-style dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let roots: Vec<Arc<Node>> = self.block_tasks().into_iter().map(|t| t.node).collect();
        graph_to_dict(py, &Graph::from_nodes(&roots).0)
    }
}
