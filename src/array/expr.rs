//! Array expressions: one node per user-level operation.
//!
//! An [`ArrayExpr`] knows its shape, chunks and dtype when it is built, so
//! bad input (mismatched shapes, out-of-range axes, unknown dtypes) fails
//! here, before anything runs. Names are deterministic hashes of the
//! operation and its inputs, so building the same expression twice gives
//! the same task keys; only unseeded random arrays get a fresh seed.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::chunk::ArrayChunk;
use super::chunks::{self, Chunks};
use super::dtype::{DType, ScalarKind};
use super::elementwise::{broadcast_shape, BinOp, UnOp};
use super::random::Dist;
use super::reductions::ReduceOp;
use crate::error::{FxError, FxResult};

/// A dependency of one block's Python call.
pub enum CallDep {
    /// A block (index in the grid) of input number `.0`.
    Block(usize, Vec<usize>),
    /// Any other task (a delayed value among the arguments).
    Task(Arc<crate::graph::Node>),
}

/// The Python call computing one block, and what its `Dep` arguments are.
pub struct BlockCall {
    /// The call; `Arg::Dep(n)` stands for `deps[n]`.
    pub call: Arc<crate::executor::pytask::PyCall>,
    /// The call's dependencies, in order.
    pub deps: Vec<CallDep>,
}

/// A lazily defined array.
pub struct ArrayExpr {
    /// Name of the tasks that produce its blocks (`"add-1f3a…"`).
    pub name: Arc<str>,
    /// Shape.
    pub shape: Vec<usize>,
    /// Block lengths per axis.
    pub chunks: Chunks,
    /// Element type.
    pub dtype: DType,
    /// What the array is.
    pub kind: Kind,
}

/// A Python scalar operand, already cast to the dtype it takes part in.
#[derive(Clone, Debug)]
pub struct Scalar {
    /// The scalar as a 0-d chunk.
    pub value: ArrayChunk,
    /// Its Python kind (for NEP 50 promotion).
    pub kind: ScalarKind,
}

/// One input of an elementwise operation.
#[derive(Clone)]
pub enum Operand {
    /// An array.
    Array(Arc<ArrayExpr>),
    /// A Python scalar.
    Scalar(Scalar),
}

/// An elementwise operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MapOp {
    /// A unary ufunc.
    Unary(UnOp),
    /// A binary ufunc.
    Binary(BinOp),
    /// `where(cond, a, b)`.
    Where,
    /// `astype(dtype)`.
    AsType(DType),
}

/// What an array expression is.
pub enum Kind {
    /// An in-memory array; blocks are sliced out of it.
    Source(Arc<ArrayChunk>),
    /// Blocks already in memory, in C order (`persist`).
    Blocks(Vec<Arc<ArrayChunk>>),
    /// Random values.
    Random {
        /// The distribution.
        dist: Dist,
        /// The seed of the whole array.
        seed: u64,
    },
    /// Every element equal to a value (a 0-d chunk of the dtype).
    Full(ArrayChunk),
    /// `start + i * step` along the only axis: `arange` (with NumPy's fill,
    /// which steps by `(start + step) - start`) or `linspace` (whose last
    /// value is replaced by the exact endpoint).
    Arange {
        /// First value.
        start: f64,
        /// Difference between neighbours.
        step: f64,
        /// The exact last value, if any.
        last: Option<f64>,
        /// Whether values follow `numpy.arange`'s fill.
        arange_fill: bool,
    },
    /// Ones on the `k`-th diagonal, zeros elsewhere (2-d).
    Eye {
        /// Diagonal offset (positive: above the main diagonal).
        k: i64,
    },
    /// One block: the value of a task (a Delayed), converted to an array.
    FromTask {
        /// The task; its value is passed to `call`, which converts it.
        node: Arc<crate::graph::Node>,
        /// `numpy.asarray` applied to the task's value.
        call: Arc<crate::executor::pytask::PyCall>,
    },
    /// An elementwise operation.
    Map(MapOp, Vec<Operand>),
    /// A reduction over some axes.
    Reduce {
        /// Which reduction.
        op: ReduceOp,
        /// The input.
        input: Arc<ArrayExpr>,
        /// Reduced axes, sorted.
        axes: Vec<usize>,
        /// Keep reduced axes with length 1.
        keepdims: bool,
        /// Delta degrees of freedom (var / std).
        ddof: f64,
        /// Fan-in of the combine tree.
        split_every: usize,
    },
    /// The input cut into other chunks.
    Rechunk(Arc<ArrayExpr>),
    /// The input's axes permuted: output axis `i` is input axis `axes[i]`.
    Transpose {
        /// The input.
        input: Arc<ArrayExpr>,
        /// The permutation.
        axes: Vec<usize>,
    },
    /// A Python function applied to corresponding blocks of the inputs.
    MapBlocks {
        /// The call; its dependencies are the inputs' blocks, in order.
        call: Arc<crate::executor::pytask::PyCall>,
        /// The input arrays (same block grid).
        inputs: Vec<Arc<ArrayExpr>>,
    },
    /// The input's elements in C order, in another shape. The input has one
    /// block on every axis but the first, so each block is a contiguous
    /// range of the flat array; output blocks are cut along the first axis.
    Reshape(Arc<ArrayExpr>),
    /// A cumulative sum or product along an axis.
    Scan {
        /// Which scan.
        op: super::scan::ScanOp,
        /// The input.
        input: Arc<ArrayExpr>,
        /// The axis.
        axis: usize,
    },
    /// Arrays joined along an axis (same dtype and chunks on other axes).
    Concatenate {
        /// The inputs, in order.
        inputs: Vec<Arc<ArrayExpr>>,
        /// The axis they are joined along.
        axis: usize,
    },
    /// The matrix product of two 2-d arrays (inner chunks aligned).
    MatMul(Arc<ArrayExpr>, Arc<ArrayExpr>),
    /// Integer-array indexing along one axis (`x[:, [3, 0, 3]]`).
    Gather {
        /// The input.
        input: Arc<ArrayExpr>,
        /// The indexed axis.
        axis: usize,
        /// Input positions along `axis`, one per output position.
        indices: Arc<Vec<usize>>,
    },
    /// Python calls, one per output block (in C order of the block grid),
    /// reading any blocks of the inputs: `blockwise`, `map_overlap`,
    /// `map_blocks` with `block_id`, readers of files.
    Calls {
        /// The arrays whose blocks the calls read.
        inputs: Vec<Arc<ArrayExpr>>,
        /// One call per output block.
        blocks: Arc<Vec<BlockCall>>,
    },
    /// Basic indexing: per index position, the takes of each output block.
    Index {
        /// The input.
        input: Arc<ArrayExpr>,
        /// One list of takes per index position (input axes and new axes).
        takes: Vec<Vec<super::structure::Take>>,
    },
}

impl Kind {
    /// Whether each block depends only on the same block of the inputs (and
    /// can therefore be fused into its consumer).
    pub fn is_blockwise(&self) -> bool {
        !matches!(
            self,
            Kind::Reduce { .. }
                | Kind::Rechunk(_)
                | Kind::MatMul(..)
                | Kind::MapBlocks { .. }
                | Kind::Gather { .. }
                | Kind::Calls { .. }
                | Kind::FromTask { .. }
                | Kind::Scan { .. }
                | Kind::Reshape(_)
        )
    }
}

fn name(prefix: &str, parts: impl Hash) -> Arc<str> {
    let mut h = DefaultHasher::new();
    prefix.hash(&mut h);
    parts.hash(&mut h);
    Arc::from(format!("{prefix}-{:016x}", h.finish()))
}

/// A content hash of a chunk, for deterministic names. One multiply per
/// element (about 1 ns), so naming a large in-memory array stays cheap.
fn hash_chunk(c: &ArrayChunk) -> u64 {
    let mut h = DefaultHasher::new();
    c.dtype().hash(&mut h);
    c.shape().hash(&mut h);
    let mut acc: u64 = h.finish();
    crate::dispatch!(c, a => for &x in a.iter() {
        let v = super::chunk::Elem::to_c128(x);
        acc = (acc ^ v.re.to_bits()).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
            ^ v.im.to_bits();
    });
    acc
}

/// A requested shape as NumPy prints it in reshape errors: no spaces, -1 as
/// "newaxis", leading -1s dropped.
fn python_shape(shape: &[i64]) -> String {
    let Some(first) = shape.iter().position(|&n| n >= 0) else {
        return "()".into();
    };
    let items: Vec<String> = shape[first..]
        .iter()
        .map(|&n| {
            if n < 0 {
                "newaxis".to_string()
            } else {
                n.to_string()
            }
        })
        .collect();
    if shape.len() == 1 {
        format!("({},)", items[0])
    } else {
        format!("({})", items.join(","))
    }
}

/// Normalize `axis` against `ndim` (negative counts from the end).
pub fn normalize_axis(axis: i64, ndim: usize) -> FxResult<usize> {
    let n = ndim as i64;
    if axis < -n || axis >= n {
        return Err(FxError::Axis(format!(
            "axis {axis} is out of bounds for array of dimension {ndim}"
        )));
    }
    Ok(if axis < 0 {
        (axis + n) as usize
    } else {
        axis as usize
    })
}

impl ArrayExpr {
    /// Wrap an in-memory array, cut into `chunks`.
    pub fn source(data: ArrayChunk, chunks: Chunks) -> FxResult<Arc<ArrayExpr>> {
        let shape = data.shape().to_vec();
        chunks::validate(&chunks, &shape)?;
        let name = name("array", (hash_chunk(&data), &chunks));
        Ok(Arc::new(ArrayExpr {
            name,
            dtype: data.dtype(),
            shape,
            chunks,
            kind: Kind::Source(Arc::new(data)),
        }))
    }

    /// Blocks already computed, in C order of the block grid.
    pub fn blocks(
        name: Arc<str>,
        blocks: Vec<Arc<ArrayChunk>>,
        shape: Vec<usize>,
        chunks: Chunks,
        dtype: DType,
    ) -> Arc<ArrayExpr> {
        Arc::new(ArrayExpr {
            name,
            shape,
            chunks,
            dtype,
            kind: Kind::Blocks(blocks),
        })
    }

    /// Random values of `dist`.
    pub fn random(
        dist: Dist,
        seed: u64,
        shape: Vec<usize>,
        chunks: Chunks,
    ) -> FxResult<Arc<ArrayExpr>> {
        chunks::validate(&chunks, &shape)?;
        if let Dist::Integers { low, high } = dist {
            if low >= high {
                return Err(FxError::InvalidArgument(format!(
                    "low >= high ({low} >= {high})"
                )));
            }
        }
        let tag = format!("{dist:?}");
        let name = name("random", (tag, seed, &shape, &chunks));
        Ok(Arc::new(ArrayExpr {
            name,
            dtype: dist.dtype(),
            shape,
            chunks,
            kind: Kind::Random { dist, seed },
        }))
    }

    /// Every element equal to `value` (a 0-d chunk).
    pub fn full(value: ArrayChunk, shape: Vec<usize>, chunks: Chunks) -> FxResult<Arc<ArrayExpr>> {
        chunks::validate(&chunks, &shape)?;
        let name = name("full", (hash_chunk(&value), &shape, &chunks));
        Ok(Arc::new(ArrayExpr {
            name,
            dtype: value.dtype(),
            shape,
            chunks,
            kind: Kind::Full(value),
        }))
    }

    /// `start + i * step` for `i` in `0..n`, as `dtype`.
    pub fn arange(
        start: f64,
        step: f64,
        n: usize,
        dtype: DType,
        chunks: Chunks,
    ) -> FxResult<Arc<ArrayExpr>> {
        let shape = vec![n];
        chunks::validate(&chunks, &shape)?;
        let name = name(
            "arange",
            (start.to_bits(), step.to_bits(), n, dtype, &chunks),
        );
        Ok(Arc::new(ArrayExpr {
            name,
            dtype,
            shape,
            chunks,
            kind: Kind::Arange {
                start,
                step,
                last: None,
                arange_fill: true,
            },
        }))
    }

    /// `num` values from `start` to `stop` (included if `endpoint`), as
    /// `numpy.linspace` computes them.
    pub fn linspace(
        start: f64,
        stop: f64,
        num: usize,
        endpoint: bool,
        dtype: DType,
        chunks: Chunks,
    ) -> FxResult<Arc<ArrayExpr>> {
        let shape = vec![num];
        chunks::validate(&chunks, &shape)?;
        let div = if endpoint { num.saturating_sub(1) } else { num };
        // NumPy: `i * (delta / div) + start`, or `i * delta + start` when
        // there is no division (num <= 1).
        let delta = stop - start;
        let step = if div > 0 { delta / div as f64 } else { delta };
        let last = (endpoint && num > 1).then_some(stop);
        let name = name(
            "linspace",
            (
                start.to_bits(),
                stop.to_bits(),
                num,
                endpoint,
                dtype,
                &chunks,
            ),
        );
        let kind = Kind::Arange {
            start,
            step,
            last,
            arange_fill: false,
        };
        Ok(Arc::new(ArrayExpr {
            name,
            dtype,
            shape,
            chunks,
            kind,
        }))
    }

    /// An `n` x `m` array with ones on the `k`-th diagonal.
    pub fn eye(
        n: usize,
        m: usize,
        k: i64,
        dtype: DType,
        chunks: Chunks,
    ) -> FxResult<Arc<ArrayExpr>> {
        let shape = vec![n, m];
        chunks::validate(&chunks, &shape)?;
        let name = name("eye", (n, m, k, dtype, &chunks));
        Ok(Arc::new(ArrayExpr {
            name,
            dtype,
            shape,
            chunks,
            kind: Kind::Eye { k },
        }))
    }

    /// One block holding the value of `node` (a task), converted by `call`.
    pub fn from_task(
        node: Arc<crate::graph::Node>,
        call: crate::executor::pytask::PyCall,
        shape: Vec<usize>,
        dtype: DType,
    ) -> Arc<ArrayExpr> {
        let chunks: Chunks = shape.iter().map(|&n| vec![n]).collect();
        let name = name("from-value", (node.key.to_string(), &shape, dtype));
        let mut call = call;
        call.to_array = Some(dtype);
        let kind = Kind::FromTask {
            node,
            call: Arc::new(call),
        };
        Arc::new(ArrayExpr {
            name,
            shape,
            chunks,
            dtype,
            kind,
        })
    }

    /// The same values cut into `chunks`.
    pub fn rechunk(self: &Arc<Self>, chunks: Chunks) -> FxResult<Arc<ArrayExpr>> {
        chunks::validate(&chunks, &self.shape)?;
        if chunks == self.chunks {
            return Ok(self.clone());
        }
        if let Kind::Source(data) = &self.kind {
            // An in-memory array is simply sliced differently.
            let name = name("array", (&*self.name, &chunks));
            return Ok(Arc::new(ArrayExpr {
                name,
                shape: self.shape.clone(),
                chunks,
                dtype: self.dtype,
                kind: Kind::Source(data.clone()),
            }));
        }
        let name = name("rechunk", (&*self.name, &chunks));
        Ok(Arc::new(ArrayExpr {
            name,
            shape: self.shape.clone(),
            chunks,
            dtype: self.dtype,
            kind: Kind::Rechunk(self.clone()),
        }))
    }

    /// An elementwise operation on arrays and scalars, broadcasting like
    /// NumPy and rechunking operands to common chunks where they differ.
    pub fn map(op: MapOp, operands: Vec<Operand>) -> FxResult<Arc<ArrayExpr>> {
        let arrays: Vec<&Arc<ArrayExpr>> = operands
            .iter()
            .filter_map(|o| match o {
                Operand::Array(a) => Some(a),
                Operand::Scalar(_) => None,
            })
            .collect();
        let mut shape: Vec<usize> = Vec::new();
        for a in &arrays {
            shape = broadcast_shape(&shape, &a.shape)?;
        }
        // Common chunks per output axis, from the operands that span it.
        let ndim = shape.len();
        let mut out_chunks: Chunks = shape
            .iter()
            .map(|&n| chunks::regular(n, n.max(1)))
            .collect();
        let mut seen = vec![false; ndim];
        for a in &arrays {
            let off = ndim - a.shape.len();
            for (j, c) in a.chunks.iter().enumerate() {
                let i = j + off;
                if a.shape[j] == shape[i] {
                    out_chunks[i] = if seen[i] {
                        chunks::unify_axis(&out_chunks[i], c)
                    } else {
                        c.clone()
                    };
                    seen[i] = true;
                }
            }
        }
        let operands = operands
            .into_iter()
            .map(|o| match o {
                Operand::Array(a) => {
                    let off = ndim - a.shape.len();
                    let want: Chunks = (0..a.shape.len())
                        .map(|j| {
                            if a.shape[j] == shape[j + off] {
                                out_chunks[j + off].clone()
                            } else {
                                vec![1]
                            }
                        })
                        .collect();
                    Ok(Operand::Array(a.rechunk(want)?))
                }
                s => Ok(s),
            })
            .collect::<FxResult<Vec<_>>>()?;
        let dtype_of = |o: &Operand| match o {
            Operand::Array(a) => a.dtype,
            Operand::Scalar(s) => s.value.dtype(),
        };
        let dtype = match op {
            MapOp::Unary(u) => u.out_dtype(dtype_of(&operands[0]))?,
            MapOp::Binary(b) => b.out_dtype(dtype_of(&operands[0]), dtype_of(&operands[1]))?,
            MapOp::Where => DType::promote(dtype_of(&operands[1]), dtype_of(&operands[2])),
            MapOp::AsType(d) => d,
        };
        let parts: Vec<String> = operands
            .iter()
            .map(|o| match o {
                Operand::Array(a) => a.name.to_string(),
                Operand::Scalar(s) => format!("{:?}", s.value),
            })
            .collect();
        let prefix = match op {
            MapOp::Unary(u) => u.name(),
            MapOp::Binary(b) => b.name(),
            MapOp::Where => "where",
            MapOp::AsType(_) => "astype",
        };
        let name = name(prefix, (format!("{op:?}"), parts));
        Ok(Arc::new(ArrayExpr {
            name,
            shape,
            chunks: out_chunks,
            dtype,
            kind: Kind::Map(op, operands),
        }))
    }

    /// A reduction over `axes` (`None`: all axes).
    pub fn reduce(
        self: &Arc<Self>,
        op: ReduceOp,
        axes: Option<Vec<i64>>,
        keepdims: bool,
        ddof: f64,
        dtype: Option<DType>,
        split_every: Option<usize>,
    ) -> FxResult<Arc<ArrayExpr>> {
        let ndim = self.shape.len();
        let mut axes: Vec<usize> = match axes {
            None => (0..ndim).collect(),
            Some(list) => list
                .into_iter()
                .map(|a| normalize_axis(a, ndim))
                .collect::<FxResult<_>>()?,
        };
        axes.sort_unstable();
        if axes.windows(2).any(|w| w[0] == w[1]) {
            return Err(FxError::InvalidArgument("duplicate value in 'axis'".into()));
        }
        if matches!(op, ReduceOp::ArgMin | ReduceOp::ArgMax)
            && axes.len() != 1
            && axes.len() != ndim
        {
            return Err(FxError::InvalidArgument(format!(
                "`{}` takes one axis or None",
                op.name()
            )));
        }
        let empty = axes.iter().any(|&ax| self.shape[ax] == 0);
        if empty {
            // NumPy's words: nanmin / nanmax reduce with fmin / fmax.
            let ufunc = match op {
                ReduceOp::Min => Some("minimum"),
                ReduceOp::Max => Some("maximum"),
                ReduceOp::NanMin => Some("fmin"),
                ReduceOp::NanMax => Some("fmax"),
                _ => None,
            };
            if let Some(ufunc) = ufunc {
                return Err(FxError::InvalidArgument(format!(
                    "zero-size array to reduction operation {ufunc} which has no identity"
                )));
            }
            if matches!(op, ReduceOp::ArgMin | ReduceOp::ArgMax) {
                return Err(FxError::InvalidArgument(format!(
                    "attempt to get {} of an empty sequence",
                    op.name()
                )));
            }
        }
        op.check_complex(self.dtype)?;
        let out = op.out_dtype(self.dtype, dtype)?;
        let shape: Vec<usize> = (0..ndim)
            .filter_map(|ax| {
                if axes.contains(&ax) {
                    keepdims.then_some(1)
                } else {
                    Some(self.shape[ax])
                }
            })
            .collect();
        let chunks: Chunks = (0..ndim)
            .filter_map(|ax| {
                if axes.contains(&ax) {
                    keepdims.then(|| vec![1])
                } else {
                    Some(self.chunks[ax].clone())
                }
            })
            .collect();
        let split_every = split_every.unwrap_or(16).max(2);
        let name = name(
            op.name(),
            (
                &*self.name,
                &axes,
                keepdims,
                ddof.to_bits(),
                out,
                split_every,
            ),
        );
        Ok(Arc::new(ArrayExpr {
            name,
            shape,
            chunks,
            dtype: out,
            kind: Kind::Reduce {
                op,
                input: self.clone(),
                axes,
                keepdims,
                ddof,
                split_every,
            },
        }))
    }

    /// The array with its axes permuted (`axes=None` reverses them).
    pub fn transpose(self: &Arc<Self>, axes: Option<Vec<i64>>) -> FxResult<Arc<ArrayExpr>> {
        let ndim = self.shape.len();
        let axes = match axes {
            None => (0..ndim).rev().collect(),
            Some(a) => super::structure::normalize_axes(&a, ndim)?,
        };
        if axes.iter().enumerate().all(|(i, &a)| i == a) {
            return Ok(self.clone());
        }
        let name = name("transpose", (&*self.name, &axes));
        Ok(Arc::new(ArrayExpr {
            name,
            shape: axes.iter().map(|&a| self.shape[a]).collect(),
            chunks: axes.iter().map(|&a| self.chunks[a].clone()).collect(),
            dtype: self.dtype,
            kind: Kind::Transpose {
                input: self.clone(),
                axes,
            },
        }))
    }

    /// Basic indexing with one entry per input axis plus new axes.
    pub fn index(
        self: &Arc<Self>,
        index: Vec<super::structure::AxisIndex>,
    ) -> FxResult<Arc<ArrayExpr>> {
        use super::structure::{takes, AxisIndex, Take};
        let mut axis = 0;
        let mut all_takes = Vec::with_capacity(index.len());
        let mut shape = Vec::new();
        let mut chunks: Chunks = Vec::new();
        for ix in &index {
            let t = match ix {
                AxisIndex::NewAxis => takes(ix, &[]),
                _ => {
                    let t = takes(ix, &self.chunks[axis]);
                    axis += 1;
                    t
                }
            };
            match &t[0] {
                Take::Int { .. } => {}
                Take::NewAxis => {
                    shape.push(1);
                    chunks.push(vec![1]);
                }
                Take::Range { .. } => {
                    let c: Vec<usize> = t
                        .iter()
                        .map(|x| match x {
                            Take::Range { count, .. } => *count,
                            _ => 0,
                        })
                        .collect();
                    shape.push(c.iter().sum());
                    chunks.push(c);
                }
            }
            all_takes.push(t);
        }
        if axis != self.shape.len() {
            return Err(FxError::InvalidArgument(
                "the index must cover every axis".into(),
            ));
        }
        let name = name("getitem", (&*self.name, format!("{index:?}")));
        Ok(Arc::new(ArrayExpr {
            name,
            shape,
            chunks,
            dtype: self.dtype,
            kind: Kind::Index {
                input: self.clone(),
                takes: all_takes,
            },
        }))
    }

    /// `self @ other` for two 2-d arrays, rechunking `other`'s rows to
    /// `self`'s column chunks.
    pub fn matmul(self: &Arc<Self>, other: &Arc<ArrayExpr>) -> FxResult<Arc<ArrayExpr>> {
        if self.shape.len() != 2 || other.shape.len() != 2 {
            return Err(FxError::InvalidArgument(
                "matmul of blocked arrays takes two 2-d arrays".into(),
            ));
        }
        if self.shape[1] != other.shape[0] {
            return Err(FxError::InvalidArgument(format!(
                "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc \
                 signature (n?,k),(k,m?)->(n?,m?) (size {} is different from {})",
                other.shape[0], self.shape[1]
            )));
        }
        let inner = chunks::unify_axis(&self.chunks[1], &other.chunks[0]);
        let a = self.rechunk(vec![self.chunks[0].clone(), inner.clone()])?;
        let b = other.rechunk(vec![inner, other.chunks[1].clone()])?;
        let name = name("matmul", (&*a.name, &*b.name));
        Ok(Arc::new(ArrayExpr {
            name,
            shape: vec![a.shape[0], b.shape[1]],
            chunks: vec![a.chunks[0].clone(), b.chunks[1].clone()],
            dtype: super::linalg::matmul_dtype(a.dtype, b.dtype),
            kind: Kind::MatMul(a, b),
        }))
    }

    /// A Python function mapped over corresponding blocks of `inputs`,
    /// giving blocks of `chunks` and `dtype`. Inputs are rechunked to the
    /// first one's chunks.
    pub fn map_blocks(
        name: &str,
        call: crate::executor::pytask::PyCall,
        inputs: Vec<Arc<ArrayExpr>>,
        chunks: Chunks,
        dtype: DType,
    ) -> FxResult<Arc<ArrayExpr>> {
        let first = inputs.first().ok_or_else(|| {
            FxError::InvalidArgument("map_blocks needs at least one array".into())
        })?;
        let grid = first.numblocks();
        let inputs = inputs
            .iter()
            .map(|a| {
                if a.shape == first.shape {
                    a.rechunk(first.chunks.clone())
                } else if a.numblocks() == grid {
                    Ok(a.clone())
                } else {
                    Err(FxError::InvalidArgument(format!(
                        "map_blocks arrays must have the same block grid, got {:?} and {:?}",
                        grid,
                        a.numblocks()
                    )))
                }
            })
            .collect::<FxResult<Vec<_>>>()?;
        if chunks::numblocks(&chunks) != grid {
            return Err(FxError::InvalidArgument(format!(
                "`chunks` must give {:?} blocks, like the inputs, got {:?}",
                grid,
                chunks::numblocks(&chunks)
            )));
        }
        let shape = chunks.iter().map(|c| c.iter().sum()).collect();
        let mut call = call;
        call.to_array = Some(dtype);
        Ok(Arc::new(ArrayExpr {
            name: Arc::from(name),
            shape,
            chunks,
            dtype,
            kind: Kind::MapBlocks {
                call: Arc::new(call),
                inputs,
            },
        }))
    }

    /// `x.take(indices, axis)`: the positions `indices` along `axis`, cut
    /// like Dask's (pieces as long as the axis' largest input chunk).
    pub fn take(self: &Arc<Self>, axis: usize, indices: Vec<i64>) -> FxResult<Arc<ArrayExpr>> {
        if axis >= self.shape.len() {
            return Err(FxError::Axis(format!(
                "axis {axis} is out of bounds for array of dimension {}",
                self.shape.len()
            )));
        }
        let n = self.shape[axis] as i64;
        let indices = indices
            .into_iter()
            .map(|i| {
                if i < -n || i >= n {
                    Err(FxError::Index(format!(
                        "index {i} is out of bounds for axis {axis} with size {n}"
                    )))
                } else {
                    Ok(if i < 0 { i + n } else { i } as usize)
                }
            })
            .collect::<FxResult<Vec<_>>>()?;
        let piece = self.chunks[axis].iter().copied().max().unwrap_or(0).max(1);
        let mut along: Vec<usize> = (0..indices.len())
            .step_by(piece)
            .map(|s| piece.min(indices.len() - s))
            .collect();
        if along.is_empty() {
            along.push(0);
        }
        let mut shape = self.shape.clone();
        shape[axis] = indices.len();
        let mut chunks = self.chunks.clone();
        chunks[axis] = along;
        Ok(Arc::new(ArrayExpr {
            name: name("take", (&*self.name, axis, &indices)),
            shape,
            chunks,
            dtype: self.dtype,
            kind: Kind::Gather {
                input: self.clone(),
                axis,
                indices: Arc::new(indices),
            },
        }))
    }

    /// An array whose blocks are computed by Python calls (one per block,
    /// C order) reading blocks of `inputs`.
    pub fn calls(
        name: &str,
        inputs: Vec<Arc<ArrayExpr>>,
        blocks: Vec<BlockCall>,
        chunks: Chunks,
        dtype: DType,
    ) -> FxResult<Arc<ArrayExpr>> {
        let grid = chunks::numblocks(&chunks);
        let expected: usize = grid.iter().product();
        if blocks.len() != expected {
            return Err(FxError::InvalidArgument(format!(
                "{expected} block calls expected for chunks of {grid:?} blocks, got {}",
                blocks.len()
            )));
        }
        for b in &blocks {
            for d in &b.deps {
                if let CallDep::Block(i, idx) = d {
                    let input = inputs
                        .get(*i)
                        .ok_or_else(|| FxError::InvalidArgument(format!("no input array {i}")))?;
                    let nb = input.numblocks();
                    if idx.len() != nb.len() || idx.iter().zip(&nb).any(|(a, b)| a >= b) {
                        return Err(FxError::Index(format!(
                            "block {idx:?} is outside the grid {nb:?}"
                        )));
                    }
                }
            }
        }
        let shape = chunks.iter().map(|c| c.iter().sum()).collect();
        Ok(Arc::new(ArrayExpr {
            name: Arc::from(name),
            shape,
            chunks,
            dtype,
            kind: Kind::Calls {
                inputs,
                blocks: Arc::new(blocks),
            },
        }))
    }

    /// Join `inputs` along `axis`, like `numpy.concatenate`.
    pub fn concatenate(inputs: Vec<Arc<ArrayExpr>>, axis: i64) -> FxResult<Arc<ArrayExpr>> {
        let first = inputs.first().ok_or_else(|| {
            FxError::InvalidArgument("need at least one array to concatenate".into())
        })?;
        let ndim = first.shape.len();
        if ndim == 0 {
            return Err(FxError::InvalidArgument(
                "zero-dimensional arrays cannot be concatenated".into(),
            ));
        }
        let axis = normalize_axis(axis, ndim)?;
        for (i, a) in inputs.iter().enumerate().skip(1) {
            if a.shape.len() != ndim {
                return Err(FxError::InvalidArgument(format!(
                    "all the input arrays must have same number of dimensions, but the array at \
                     index 0 has {ndim} dimension(s) and the array at index {i} has {} dimension(s)",
                    a.shape.len()
                )));
            }
            for d in (0..ndim).filter(|&d| d != axis) {
                if a.shape[d] != first.shape[d] {
                    return Err(FxError::InvalidArgument(format!(
                        "all the input array dimensions except for the concatenation axis must \
                         match exactly, but along dimension {d}, the array at index 0 has size {} \
                         and the array at index {i} has size {}",
                        first.shape[d], a.shape[d]
                    )));
                }
            }
        }
        let dtype = inputs
            .iter()
            .map(|a| a.dtype)
            .reduce(DType::promote)
            .expect("one input");
        // Common chunks on the other axes; the joined axis keeps each input's.
        let mut common: Chunks = first.chunks.clone();
        for a in &inputs[1..] {
            for d in (0..ndim).filter(|&d| d != axis) {
                common[d] = chunks::unify_axis(&common[d], &a.chunks[d]);
            }
        }
        let inputs = inputs
            .iter()
            .map(|a| {
                let mut want = common.clone();
                want[axis] = a.chunks[axis].clone();
                let a = a.rechunk(want)?;
                if a.dtype == dtype {
                    Ok(a)
                } else {
                    ArrayExpr::map(MapOp::AsType(dtype), vec![Operand::Array(a)])
                }
            })
            .collect::<FxResult<Vec<_>>>()?;
        let mut chunks = common;
        chunks[axis] = inputs
            .iter()
            .flat_map(|a| a.chunks[axis].iter().copied())
            .collect();
        let mut shape = first.shape.clone();
        shape[axis] = inputs.iter().map(|a| a.shape[axis]).sum();
        let names: Vec<&str> = inputs.iter().map(|a| &*a.name).collect();
        let name = name("concatenate", (names, axis));
        Ok(Arc::new(ArrayExpr {
            name,
            shape,
            chunks,
            dtype,
            kind: Kind::Concatenate { inputs, axis },
        }))
    }

    /// The elements in C order with `shape` (one entry may be -1).
    pub fn reshape(self: &Arc<Self>, shape: &[i64]) -> FxResult<Arc<ArrayExpr>> {
        let size: usize = self.shape.iter().product();
        let known: i64 = shape.iter().filter(|&&n| n != -1).product();
        let unknown = shape.iter().filter(|&&n| n == -1).count();
        let bad = || {
            FxError::InvalidArgument(format!(
                "cannot reshape array of size {size} into shape {}",
                python_shape(shape)
            ))
        };
        if unknown > 1 {
            return Err(FxError::InvalidArgument(
                "can only specify one unknown dimension".into(),
            ));
        }
        if shape.iter().any(|&n| n < -1) {
            return Err(bad());
        }
        let out: Vec<usize> = if unknown == 1 {
            if known == 0 || size as i64 % known != 0 {
                return Err(bad());
            }
            shape
                .iter()
                .map(|&n| {
                    if n == -1 {
                        size / known as usize
                    } else {
                        n as usize
                    }
                })
                .collect()
        } else {
            shape.iter().map(|&n| n as usize).collect()
        };
        if out.iter().product::<usize>() != size {
            return Err(bad());
        }
        if out == self.shape {
            return Ok(self.clone());
        }
        // Whole blocks on every axis but the first, so blocks are flat ranges.
        let mut want: Chunks = self.shape.iter().map(|&n| vec![n]).collect();
        if let Some(first) = self.chunks.first() {
            want[0] = first.clone();
        }
        let input = self.rechunk(want)?;
        let row: usize = out.iter().skip(1).product();
        let chunks: Chunks = if out.is_empty() {
            vec![]
        } else {
            // About as many elements per block as the input's blocks hold.
            let in_rows = input
                .chunks
                .first()
                .and_then(|c| c.iter().max().copied())
                .unwrap_or(1);
            let in_row: usize = input.shape.iter().skip(1).product();
            let per_block = (in_rows * in_row).max(1);
            let rows = (per_block / row.max(1)).max(1);
            let mut c = vec![chunks::regular(out[0], rows)];
            c.extend(out.iter().skip(1).map(|&n| vec![n]));
            c
        };
        let name = name("reshape", (&*self.name, &out));
        Ok(Arc::new(ArrayExpr {
            name,
            shape: out,
            chunks,
            dtype: self.dtype,
            kind: Kind::Reshape(input),
        }))
    }

    /// `cumsum` / `cumprod` along `axis`.
    pub fn scan(
        self: &Arc<Self>,
        op: super::scan::ScanOp,
        axis: i64,
        dtype: Option<DType>,
    ) -> FxResult<Arc<ArrayExpr>> {
        let axis = normalize_axis(axis, self.shape.len())?;
        let dtype = dtype.unwrap_or_else(|| op.out_dtype(self.dtype));
        let name = name(op.name(), (&*self.name, axis, dtype));
        Ok(Arc::new(ArrayExpr {
            name,
            shape: self.shape.clone(),
            chunks: self.chunks.clone(),
            dtype,
            kind: Kind::Scan {
                op,
                input: self.clone(),
                axis,
            },
        }))
    }

    /// Number of blocks along each axis.
    pub fn numblocks(&self) -> Vec<usize> {
        chunks::numblocks(&self.chunks)
    }
}
