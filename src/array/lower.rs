//! Lowering array expressions to tasks, with blockwise fusion.
//!
//! Policy:
//! - A blockwise expression (sources, generators, elementwise maps) used by
//!   exactly one consumer is *fused* into that consumer: the consumer's task
//!   evaluates a small [`Program`] per block instead of reading a separate
//!   task's output, so `(a + 1) * 2 - b` on random `a` and `b` is one task per
//!   block, and the chunk step of a reduction runs on the fused block.
//! - An expression used more than once, or a non-blockwise one (reduction,
//!   rechunk), gets its own task per block, keyed `(name, i, j, …)`, so shared
//!   work runs once.
//! - Reductions build a combine tree with fan-in `split_every` over the
//!   reduced axes and finish with one aggregate task per output block.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use ndarray::{ArrayD, IxDyn, Slice};

use super::chunk::{ArrayChunk, Elem};
use super::chunks::{self, block_indices, block_shape, offsets};
use super::dtype::DType;
use super::elementwise;
use super::expr::{ArrayExpr, Kind, MapOp, Operand};
use super::random::{self, Dist};
use super::reductions::{self, BlockPlace, Partial, ReduceOp};
use super::scan::{self, ScanOp};
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Key, Node, Op};
use crate::value::Value;

/// How to compute one block, evaluated inside a single task.
pub enum Program {
    /// The value of the task's `n`-th dependency.
    Input(u32),
    /// A constant block (a persisted block, or a scalar operand).
    Const(Arc<ArrayChunk>),
    /// A region of an in-memory array.
    Slice {
        /// The whole array.
        src: Arc<ArrayChunk>,
        /// `start..end` per axis.
        ranges: Vec<(usize, usize)>,
    },
    /// Random values.
    Random {
        /// Distribution.
        dist: Dist,
        /// Seed of the whole array.
        seed: u64,
        /// C-order position of the block.
        block: u64,
        /// Block shape.
        shape: Vec<usize>,
    },
    /// A constant value broadcast to `shape`.
    Full {
        /// The value, a 0-d chunk.
        value: ArrayChunk,
        /// Block shape.
        shape: Vec<usize>,
    },
    /// Elements `first..first + len` of an `arange` / `linspace`.
    Arange {
        /// The sequence.
        seq: Sequence,
        /// Global index of the block's first element.
        first: usize,
        /// Block length.
        len: usize,
        /// Output dtype.
        dtype: DType,
    },
    /// A block of `eye`: ones where `col - row == k`.
    Eye {
        /// Global (row, column) of the block's corner.
        at: (usize, usize),
        /// Block shape.
        shape: (usize, usize),
        /// Diagonal offset.
        k: i64,
        /// Output dtype.
        dtype: DType,
    },
    /// An elementwise operation.
    Map(MapOp, Vec<Program>, DType),
    /// A block with its axes permuted.
    Transpose(Box<Program>, Vec<usize>),
    /// A region of a block (basic indexing).
    Take(Box<Program>, Vec<super::structure::Take>),
}

/// An arithmetic sequence as `numpy.arange` or `numpy.linspace` computes it.
#[derive(Clone, Copy, Debug)]
pub struct Sequence {
    /// First value.
    pub start: f64,
    /// Step.
    pub step: f64,
    /// Index and exact value of the last element (`linspace`'s endpoint).
    pub last: Option<(usize, f64)>,
    /// NumPy's `arange` fill: element 1 is `start + step`, element `i > 1` is
    /// `start + i * ((start + step) - start)`.
    pub arange_fill: bool,
}

impl Sequence {
    fn value(&self, i: usize) -> f64 {
        if let Some((n, v)) = self.last {
            if n == i {
                return v;
            }
        }
        if self.arange_fill && i >= 2 {
            let delta = (self.start + self.step) - self.start;
            return self.start + i as f64 * delta;
        }
        self.start + i as f64 * self.step
    }
}

/// How many consumers may each draw a shared generator again instead of
/// sharing its materialized blocks.
const MAX_REDRAWS: usize = 4;

/// Elements per tile when a block is evaluated a few rows at a time, so the
/// temporaries of a fused chain stay in the CPU cache.
pub const TILE_ELEMS: usize = 64 * 1024;

fn rows_of(a: &ArrayChunk, r0: usize, r1: usize) -> ArrayChunk {
    crate::dispatch!(a, x => Elem::wrap(x.slice_axis(ndarray::Axis(0), Slice::from(r0..r1)).to_owned()))
}

impl Program {
    /// Whether rows of this program can be evaluated without evaluating its
    /// whole block: every transpose or take reads an input directly.
    pub fn tileable(&self) -> bool {
        match self {
            Program::Map(_, args, _) => args.iter().all(Program::tileable),
            Program::Transpose(inner, _) | Program::Take(inner, _) => {
                matches!(**inner, Program::Input(_) | Program::Const(_))
            }
            _ => true,
        }
    }

    /// The full shape of what this program produces, for leaves.
    fn leaf_shape(&self, inputs: &[Value]) -> Option<Vec<usize>> {
        Some(match self {
            Program::Input(i) => match &inputs[*i as usize] {
                Value::Array(a) => a.shape().to_vec(),
                _ => return None,
            },
            Program::Const(c) => c.shape().to_vec(),
            Program::Slice { ranges, .. } => ranges.iter().map(|(a, b)| b - a).collect(),
            Program::Random { shape, .. } | Program::Full { shape, .. } => shape.clone(),
            Program::Arange { len, .. } => vec![*len],
            Program::Eye { shape, .. } => vec![shape.0, shape.1],
            Program::Map(..) | Program::Transpose(..) | Program::Take(..) => return None,
        })
    }

    /// Rows `r0..r1` (along axis 0) of a block with `rows` rows and `ndim`
    /// axes. Operands that broadcast along axis 0 are produced whole.
    pub fn eval_rows(
        &self,
        inputs: &[Value],
        r0: usize,
        r1: usize,
        rows: usize,
        ndim: usize,
    ) -> FxResult<ArrayChunk> {
        if let Program::Map(op, args, out) = self {
            let vals = args
                .iter()
                .map(|p| p.eval_rows(inputs, r0, r1, rows, ndim))
                .collect::<FxResult<Vec<_>>>()?;
            return Ok(match op {
                MapOp::Unary(u) => elementwise::unary(*u, &vals[0])?,
                MapOp::Binary(b) => elementwise::binary(*b, &vals[0], &vals[1])?,
                MapOp::Where => elementwise::where_(&vals[0], &vals[1], &vals[2], *out)?,
                MapOp::AsType(d) => vals[0].astype(*d),
            });
        }
        match self {
            Program::Transpose(inner, axes) => {
                // Rows of the output are a range along the input's axes[0].
                let block = inner.eval(inputs)?;
                return Ok(crate::dispatch!(&*block, a => {
                    let v = a.slice_axis(ndarray::Axis(axes[0]), Slice::from(r0..r1));
                    Elem::wrap(super::structure::transpose_view(v, axes))
                }));
            }
            Program::Take(inner, takes) => {
                use super::structure::Take;
                let mut takes = takes.clone();
                if let Some(Take::Range {
                    first, step, count, ..
                }) = takes.iter_mut().find(|t| !matches!(t, Take::Int { .. }))
                {
                    *first = (*first as i64 + r0 as i64 * *step) as usize;
                    *count = r1 - r0;
                }
                return Ok(super::structure::apply(&*inner.eval(inputs)?, &takes));
            }
            _ => {}
        }
        let shape = self.leaf_shape(inputs).unwrap_or_default();
        let sliced = shape.len() == ndim && ndim > 0 && shape[0] == rows && (r0, r1) != (0, rows);
        if !sliced {
            return Ok(self.eval(inputs)?.into_owned());
        }
        Ok(match self {
            Program::Slice { src, ranges } => {
                let mut ranges = ranges.clone();
                let s0 = ranges[0].0;
                ranges[0] = (s0 + r0, s0 + r1);
                Program::Slice {
                    src: src.clone(),
                    ranges,
                }
                .eval(inputs)?
                .into_owned()
            }
            Program::Random {
                dist,
                seed,
                block,
                shape,
            } => {
                let row_len: usize = shape[1..].iter().product();
                let mut tile = shape.clone();
                tile[0] = r1 - r0;
                random::block_range(*dist, *seed, *block, (r0 * row_len) as u64, &tile)
            }
            Program::Full { value, shape } => {
                let mut tile = shape.clone();
                tile[0] = r1 - r0;
                Program::Full {
                    value: value.clone(),
                    shape: tile,
                }
                .eval(inputs)?
                .into_owned()
            }
            Program::Arange {
                seq, first, dtype, ..
            } => Program::Arange {
                seq: *seq,
                first: first + r0,
                len: r1 - r0,
                dtype: *dtype,
            }
            .eval(inputs)?
            .into_owned(),
            other => rows_of(&*other.eval(inputs)?, r0, r1),
        })
    }

    /// Compute the block from the task's inputs.
    pub fn eval<'a>(&'a self, inputs: &'a [Value]) -> FxResult<Cow<'a, ArrayChunk>> {
        Ok(match self {
            Program::Input(i) => match &inputs[*i as usize] {
                Value::Array(a) => Cow::Borrowed(&**a),
                _ => return Err(FxError::DType("an array block was expected".into())),
            },
            Program::Const(c) => Cow::Borrowed(&**c),
            Program::Slice { src, ranges } => {
                let block = crate::dispatch!(&**src, a => {
                    let mut v = a.view();
                    for (ax, &(s, e)) in ranges.iter().enumerate() {
                        v.slice_axis_inplace(ndarray::Axis(ax), Slice::from(s..e));
                    }
                    Elem::wrap(v.to_owned())
                });
                Cow::Owned(block)
            }
            Program::Random {
                dist,
                seed,
                block,
                shape,
            } => Cow::Owned(random::block(*dist, *seed, *block, shape)),
            Program::Full { value, shape } => Cow::Owned(crate::dispatch!(value, a => {
                let x = *a.iter().next().expect("a 0-d value");
                Elem::wrap(ArrayD::from_elem(IxDyn(shape), x))
            })),
            Program::Arange {
                seq,
                first,
                len,
                dtype,
            } => {
                let values = ArrayD::from_shape_fn(IxDyn(&[*len]), |i| seq.value(first + i[0]));
                Cow::Owned(if dtype.is_int() {
                    ArrayChunk::I64(values.mapv(|v| v as i64)).astype(*dtype)
                } else {
                    ArrayChunk::F64(values).astype(*dtype)
                })
            }
            Program::Eye {
                at,
                shape,
                k,
                dtype,
            } => {
                let values = ArrayD::from_shape_fn(IxDyn(&[shape.0, shape.1]), |ix| {
                    ((at.1 + ix[1]) as i64 - (at.0 + ix[0]) as i64 == *k) as i64
                });
                Cow::Owned(ArrayChunk::I64(values).astype(*dtype))
            }
            Program::Transpose(inner, axes) => {
                Cow::Owned(super::structure::transpose(&*inner.eval(inputs)?, axes))
            }
            Program::Take(inner, takes) => {
                Cow::Owned(super::structure::apply(&*inner.eval(inputs)?, takes))
            }
            Program::Map(op, args, out) => {
                let vals = args
                    .iter()
                    .map(|p| p.eval(inputs))
                    .collect::<FxResult<Vec<_>>>()?;
                Cow::Owned(match op {
                    MapOp::Unary(u) => elementwise::unary(*u, &vals[0])?,
                    MapOp::Binary(b) => elementwise::binary(*b, &vals[0], &vals[1])?,
                    MapOp::Where => elementwise::where_(&vals[0], &vals[1], &vals[2], *out)?,
                    MapOp::AsType(d) => vals[0].astype(*d),
                })
            }
        })
    }
}

/// A task computing one block (of the given shape) with a fused program.
pub struct BlockKernel(pub Program, pub Vec<usize>);

impl Kernel for BlockKernel {
    fn name(&self) -> &str {
        "block"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let Program::Map(_, _, dtype) = &self.0 else {
            return Ok(Value::Array(Arc::new(self.0.eval(inputs)?.into_owned())));
        };
        // A fused chain: evaluate a few rows at a time into the output.
        let shape = &self.1;
        let row_len: usize = shape.iter().skip(1).product();
        let rows = shape.first().copied().unwrap_or(1);
        let step = (TILE_ELEMS / row_len.max(1)).max(1);
        if shape.is_empty() || rows <= step || !self.0.tileable() {
            return Ok(Value::Array(Arc::new(self.0.eval(inputs)?.into_owned())));
        }
        let mut out = ArrayChunk::zeros(*dtype, shape);
        let mut at = vec![0usize; shape.len()];
        for r0 in (0..rows).step_by(step) {
            let r1 = (r0 + step).min(rows);
            let tile = self.0.eval_rows(inputs, r0, r1, rows, shape.len())?;
            at[0] = r0;
            let region: Vec<(usize, usize)> = tile.shape().iter().map(|&n| (0, n)).collect();
            copy_region(&mut out, &tile, &region, &at);
        }
        Ok(Value::Array(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A flat range of an input block copied into an output block.
struct FlatPiece {
    input: usize,
    from: usize,
    to: usize,
    len: usize,
}

/// Build a block from flat (C-order) ranges of input blocks (reshape).
pub struct FlatAssemble {
    shape: Vec<usize>,
    dtype: DType,
    pieces: Vec<FlatPiece>,
}

impl Kernel for FlatAssemble {
    fn name(&self) -> &str {
        "reshape"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        fn go<T: Elem + super::chunk::Typed>(
            p: &FlatAssemble,
            inputs: &[Value],
        ) -> FxResult<ArrayChunk> {
            let n: usize = p.shape.iter().product();
            let mut out = vec![T::default(); n];
            for piece in &p.pieces {
                let Value::Array(src) = &inputs[piece.input] else {
                    return Err(FxError::DType("an array block was expected".into()));
                };
                let src = src.to_typed::<T>();
                let flat = src.as_standard_layout();
                let data = flat.as_slice().expect("standard layout");
                out[piece.to..piece.to + piece.len]
                    .copy_from_slice(&data[piece.from..piece.from + piece.len]);
            }
            Ok(T::wrap(
                ArrayD::from_shape_vec(IxDyn(&p.shape), out).expect("n values"),
            ))
        }
        let block = crate::with_dtype!(self.dtype, T => go::<T>(self, inputs)?);
        Ok(Value::Array(Arc::new(block)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The steps of a scan (see `array::scan`).
pub enum ScanKernel {
    /// Scan one block.
    Local {
        /// Which scan.
        op: ScanOp,
        /// Along which axis.
        axis: usize,
        /// Result dtype.
        out: DType,
        /// The input block.
        program: Program,
    },
    /// Inputs: the previous block's local scan, then (if any) its carry.
    Carry {
        /// Which scan.
        op: ScanOp,
        /// Along which axis.
        axis: usize,
    },
    /// Inputs: the local scan and the carry.
    Apply(ScanOp),
}

impl Kernel for ScanKernel {
    fn name(&self) -> &str {
        "scan"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let array = |i: usize| match &inputs[i] {
            Value::Array(a) => Ok(&**a),
            _ => Err(FxError::DType("an array block was expected".into())),
        };
        let out = match self {
            ScanKernel::Local {
                op,
                axis,
                out,
                program,
            } => scan::local(*op, &*program.eval(inputs)?, *axis, *out),
            ScanKernel::Carry { op, axis } => {
                let prev = if inputs.len() > 1 {
                    Some(array(1)?)
                } else {
                    None
                };
                scan::carry(*op, prev, array(0)?, *axis)?
            }
            ScanKernel::Apply(op) => scan::apply(*op, array(0)?, array(1)?)?,
        };
        Ok(Value::Array(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// One block of a matrix product: `sum_k left[k] @ right[k]`.
pub struct MatMulBlock {
    left: Vec<Program>,
    right: Vec<Program>,
    out: DType,
}

impl Kernel for MatMulBlock {
    fn name(&self) -> &str {
        "matmul"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let left = self
            .left
            .iter()
            .map(|p| p.eval(inputs))
            .collect::<FxResult<Vec<_>>>()?;
        let right = self
            .right
            .iter()
            .map(|p| p.eval(inputs))
            .collect::<FxResult<Vec<_>>>()?;
        let l: Vec<&ArrayChunk> = left.iter().map(|c| &**c).collect();
        let r: Vec<&ArrayChunk> = right.iter().map(|c| &**c).collect();
        Ok(Value::Array(Arc::new(super::linalg::matmul_blocks(
            &l, &r, self.out,
        )?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The chunk step of a reduction, on a fused block.
pub struct ReduceChunk {
    op: ReduceOp,
    axes: Vec<usize>,
    out: DType,
    place: BlockPlace,
    program: Program,
    shape: Vec<usize>,
}

impl Kernel for ReduceChunk {
    fn name(&self) -> &str {
        "reduce-chunk"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let rows = self.shape.first().copied().unwrap_or(1);
        let row_len: usize = self.shape.iter().skip(1).product();
        let step = (TILE_ELEMS / row_len.max(1)).max(1);
        if self.axes.contains(&0) && rows > step && self.program.tileable() {
            // Axis 0 is reduced: reduce a few rows at a time and merge, so the
            // block is never materialized whole.
            let mut acc: Option<Partial> = None;
            for r0 in (0..rows).step_by(step) {
                let r1 = (r0 + step).min(rows);
                let tile = self
                    .program
                    .eval_rows(inputs, r0, r1, rows, self.shape.len())?;
                let mut place = self.place.clone();
                place.offset[0] += r0;
                let p = reductions::chunk(self.op, &tile, &self.axes, self.out, &place)?;
                acc = Some(match acc {
                    None => p,
                    Some(prev) => reductions::combine(self.op, &[&prev, &p])?,
                });
            }
            return Ok(Value::Partial(Arc::new(acc.expect("at least one tile"))));
        }
        let block = self.program.eval(inputs)?;
        Ok(Value::Partial(Arc::new(reductions::chunk(
            self.op,
            &block,
            &self.axes,
            self.out,
            &self.place,
        )?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn partials(inputs: &[Value]) -> FxResult<Vec<&Partial>> {
    inputs
        .iter()
        .map(|v| match v {
            Value::Partial(p) => Ok(&**p),
            _ => Err(FxError::DType("a reduction partial was expected".into())),
        })
        .collect()
}

/// The combine step of a reduction.
pub struct ReduceCombine(ReduceOp);

impl Kernel for ReduceCombine {
    fn name(&self) -> &str {
        "reduce-combine"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        Ok(Value::Partial(Arc::new(reductions::combine(
            self.0,
            &partials(inputs)?,
        )?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The last combine and the aggregate step of a reduction.
pub struct ReduceAggregate {
    op: ReduceOp,
    axes: Vec<usize>,
    keepdims: bool,
    ddof: f64,
    out: DType,
}

impl Kernel for ReduceAggregate {
    fn name(&self) -> &str {
        "reduce-aggregate"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let p = reductions::combine(self.op, &partials(inputs)?)?;
        let block =
            reductions::aggregate(self.op, &p, &self.axes, self.keepdims, self.ddof, self.out)?;
        Ok(Value::Array(Arc::new(block)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// An input block overlapping an output block along one axis: its index,
/// the overlap within it, and where the overlap starts in the output.
type Overlap = (usize, (usize, usize), usize);

/// One piece of an output block cut from an input block.
struct Piece {
    input: u32,
    src: Vec<(usize, usize)>,
    dst: Vec<usize>,
}

/// Copy regions of input blocks into a new block (rechunk, assembly).
pub struct Assemble {
    shape: Vec<usize>,
    dtype: DType,
    pieces: Vec<Piece>,
}

impl Kernel for Assemble {
    fn name(&self) -> &str {
        "assemble"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let mut out = ArrayChunk::zeros(self.dtype, &self.shape);
        for piece in &self.pieces {
            let Value::Array(src) = &inputs[piece.input as usize] else {
                return Err(FxError::DType("an array block was expected".into()));
            };
            let src = src.astype(self.dtype);
            copy_region(&mut out, &src, &piece.src, &piece.dst);
        }
        Ok(Value::Array(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn copy_region(out: &mut ArrayChunk, src: &ArrayChunk, region: &[(usize, usize)], at: &[usize]) {
    fn go<T: Elem + super::chunk::Typed>(
        out: &mut ArrayD<T>,
        src: &ArrayChunk,
        region: &[(usize, usize)],
        at: &[usize],
    ) {
        let src = T::view(src).expect("same dtype");
        let mut s = src.view();
        let mut d = out.view_mut();
        for (ax, (&(a, b), &o)) in region.iter().zip(at).enumerate() {
            s.slice_axis_inplace(ndarray::Axis(ax), Slice::from(a..b));
            d.slice_axis_inplace(ndarray::Axis(ax), Slice::from(o..o + (b - a)));
        }
        d.assign(&s);
    }
    crate::dispatch!(out, o => go(o, src, region, at))
}

/// Builds task nodes for array expressions.
#[derive(Default)]
pub struct Lowerer {
    consumers: HashMap<*const ArrayExpr, usize>,
    nodes: HashMap<(*const ArrayExpr, Vec<usize>), Arc<Node>>,
    /// Carry tasks of scans, by expression and block.
    carries: HashMap<(*const ArrayExpr, Vec<usize>), Arc<Node>>,
    /// Keep the expressions alive while their addresses are map keys.
    keep: Vec<Arc<ArrayExpr>>,
}

fn key(name: &str, idx: &[usize]) -> Key {
    Key::Tuple(Arc::from(name), idx.iter().map(|&i| i as i64).collect())
}

fn children(e: &ArrayExpr) -> Vec<&Arc<ArrayExpr>> {
    match &e.kind {
        Kind::Map(_, ops) => ops
            .iter()
            .filter_map(|o| match o {
                Operand::Array(a) => Some(a),
                Operand::Scalar(_) => None,
            })
            .collect(),
        Kind::Reduce { input, .. }
        | Kind::Rechunk(input)
        | Kind::Transpose { input, .. }
        | Kind::Index { input, .. }
        | Kind::Scan { input, .. }
        | Kind::Reshape(input) => vec![input],
        Kind::MatMul(a, b) => vec![a, b],
        Kind::FromTask { .. } => vec![],
        Kind::MapBlocks { inputs, .. } | Kind::Concatenate { inputs, .. } => {
            inputs.iter().collect()
        }
        _ => vec![],
    }
}

impl Lowerer {
    /// A lowerer for graphs whose outputs are `roots`.
    pub fn new(roots: &[Arc<ArrayExpr>]) -> Lowerer {
        let mut l = Lowerer::default();
        let mut stack: Vec<Arc<ArrayExpr>> = roots.to_vec();
        for r in roots {
            // Outputs count as a consumer: they are materialized.
            *l.consumers.entry(Arc::as_ptr(r)).or_insert(0) += 1;
        }
        let mut visited = std::collections::HashSet::new();
        while let Some(e) = stack.pop() {
            if !visited.insert(Arc::as_ptr(&e)) {
                continue;
            }
            for c in children(&e) {
                *l.consumers.entry(Arc::as_ptr(c)).or_insert(0) += 1;
                stack.push(c.clone());
            }
            l.keep.push(e);
        }
        l
    }

    /// The node producing block `idx` of `e`.
    pub fn block(&mut self, e: &Arc<ArrayExpr>, idx: &[usize]) -> Arc<Node> {
        let k = (Arc::as_ptr(e), idx.to_vec());
        if let Some(n) = self.nodes.get(&k) {
            return n.clone();
        }
        let node = match &e.kind {
            Kind::Reduce { .. } => self.reduce_block(e, idx),
            Kind::Rechunk(input) => self.rechunk_block(e, input, idx),
            Kind::Scan { op, input, axis } => self.scan_block(e, *op, input, *axis, idx),
            Kind::Reshape(input) => self.reshape_block(e, input, idx),
            Kind::FromTask { node, call } => Node::new(
                key(&e.name, idx),
                Op::Python(call.clone()),
                vec![node.clone()],
            ),
            Kind::MapBlocks { call, inputs } => {
                let deps = inputs.iter().map(|a| self.block(a, idx)).collect();
                Node::new(key(&e.name, idx), Op::Python(call.clone()), deps)
            }
            Kind::MatMul(a, b) => {
                let mut deps = Vec::new();
                let k = a.numblocks()[1];
                // Each input block feeds a whole row or column of output
                // blocks: materialize it once instead of fusing it.
                let mut input = |x: &Arc<ArrayExpr>, i: usize, j: usize| {
                    deps.push(self.block(x, &[i, j]));
                    Program::Input((deps.len() - 1) as u32)
                };
                let left = (0..k).map(|kk| input(a, idx[0], kk)).collect();
                let right = (0..k).map(|kk| input(b, kk, idx[1])).collect();
                let kernel = MatMulBlock {
                    left,
                    right,
                    out: e.dtype,
                };
                Node::new(key(&e.name, idx), Op::Kernel(Arc::new(kernel)), deps)
            }
            _ => {
                let mut deps = Vec::new();
                let program = self.program(e, idx, &mut deps, true);
                Node::new(
                    key(&e.name, idx),
                    Op::Kernel(Arc::new(BlockKernel(program, block_shape(&e.chunks, idx)))),
                    deps,
                )
            }
        };
        self.nodes.insert(k, node.clone());
        node
    }

    /// The program computing block `idx` of `e`; inputs that are not fused
    /// become dependencies appended to `deps`.
    fn program(
        &mut self,
        e: &Arc<ArrayExpr>,
        idx: &[usize],
        deps: &mut Vec<Arc<Node>>,
        top: bool,
    ) -> Program {
        // A shared expression gets its own tasks, so its blocks are computed
        // once, unless it is a cheap generator (random values, constants,
        // ranges, slices of an in-memory array) used a few times: drawing it
        // again in each consumer costs less than keeping its blocks alive.
        let consumers = self.consumers.get(&Arc::as_ptr(e)).copied().unwrap_or(0);
        let generator = matches!(
            e.kind,
            Kind::Random { .. }
                | Kind::Full(_)
                | Kind::Arange { .. }
                | Kind::Eye { .. }
                | Kind::Source(_)
        );
        let shared = consumers > 1 && !(generator && consumers <= MAX_REDRAWS);
        if !e.kind.is_blockwise() || (shared && !top) {
            let node = self.block(e, idx);
            let pos = match deps.iter().position(|d| Arc::ptr_eq(d, &node)) {
                Some(p) => p,
                None => {
                    deps.push(node);
                    deps.len() - 1
                }
            };
            return Program::Input(pos as u32);
        }
        let shape = block_shape(&e.chunks, idx);
        match &e.kind {
            Kind::Source(src) => {
                let ranges = e
                    .chunks
                    .iter()
                    .zip(idx)
                    .map(|(c, &i)| {
                        let off = offsets(c);
                        (off[i], off[i + 1])
                    })
                    .collect();
                Program::Slice {
                    src: src.clone(),
                    ranges,
                }
            }
            Kind::Blocks(blocks) => {
                let nb = e.numblocks();
                let mut flat = 0;
                for (i, n) in idx.iter().zip(&nb) {
                    flat = flat * n + i;
                }
                Program::Const(blocks[flat].clone())
            }
            Kind::Random { dist, seed } => {
                let nb = e.numblocks();
                let mut flat = 0u64;
                for (i, n) in idx.iter().zip(&nb) {
                    flat = flat * *n as u64 + *i as u64;
                }
                Program::Random {
                    dist: *dist,
                    seed: *seed,
                    block: flat,
                    shape,
                }
            }
            Kind::Full(v) => Program::Full {
                value: v.clone(),
                shape,
            },
            Kind::Arange {
                start,
                step,
                last,
                arange_fill,
            } => Program::Arange {
                seq: Sequence {
                    start: *start,
                    step: *step,
                    last: last.map(|v| (e.shape[0] - 1, v)),
                    arange_fill: *arange_fill,
                },
                first: offsets(&e.chunks[0])[idx[0]],
                len: shape[0],
                dtype: e.dtype,
            },
            Kind::Eye { k } => Program::Eye {
                at: (offsets(&e.chunks[0])[idx[0]], offsets(&e.chunks[1])[idx[1]]),
                shape: (shape[0], shape[1]),
                k: *k,
                dtype: e.dtype,
            },
            Kind::Map(op, operands) => {
                let ndim = e.shape.len();
                let args = operands
                    .iter()
                    .map(|o| match o {
                        Operand::Scalar(s) => Program::Const(Arc::new(s.value.clone())),
                        Operand::Array(a) => {
                            let off = ndim - a.shape.len();
                            let sub: Vec<usize> = (0..a.shape.len())
                                .map(|j| {
                                    if a.chunks[j].len() == 1 {
                                        0
                                    } else {
                                        idx[j + off]
                                    }
                                })
                                .collect();
                            self.program(a, &sub, deps, false)
                        }
                    })
                    .collect();
                Program::Map(*op, args, e.dtype)
            }
            Kind::Transpose { input, axes } => {
                let mut in_idx = vec![0usize; axes.len()];
                for (i, &a) in axes.iter().enumerate() {
                    in_idx[a] = idx[i];
                }
                Program::Transpose(
                    Box::new(self.program(input, &in_idx, deps, false)),
                    axes.clone(),
                )
            }
            Kind::Index { input, takes } => {
                use super::structure::Take;
                let mut out_axis = 0;
                let mut in_idx = Vec::with_capacity(input.shape.len());
                let mut chosen = Vec::with_capacity(takes.len());
                for t in takes {
                    let pick = match &t[0] {
                        Take::Int { .. } => t[0].clone(),
                        Take::NewAxis => {
                            out_axis += 1;
                            t[0].clone()
                        }
                        Take::Range { .. } => {
                            out_axis += 1;
                            t[idx[out_axis - 1]].clone()
                        }
                    };
                    match &pick {
                        Take::Int { block, .. } | Take::Range { block, .. } => in_idx.push(*block),
                        Take::NewAxis => {}
                    }
                    chosen.push(pick);
                }
                Program::Take(Box::new(self.program(input, &in_idx, deps, false)), chosen)
            }
            Kind::Concatenate { inputs, axis } => {
                // Find the input holding output block idx[axis].
                let mut local = idx[*axis];
                let input = inputs
                    .iter()
                    .find(|a| {
                        let n = a.chunks[*axis].len();
                        if local < n {
                            true
                        } else {
                            local -= n;
                            false
                        }
                    })
                    .expect("block index within the joined axis");
                let mut in_idx = idx.to_vec();
                in_idx[*axis] = local;
                self.program(input, &in_idx, deps, false)
            }
            Kind::Reshape(_)
            | Kind::Scan { .. }
            | Kind::FromTask { .. }
            | Kind::Reduce { .. }
            | Kind::Rechunk(_)
            | Kind::MatMul(..)
            | Kind::MapBlocks { .. } => {
                unreachable!("not blockwise")
            }
        }
    }

    fn reduce_block(&mut self, e: &Arc<ArrayExpr>, out_idx: &[usize]) -> Arc<Node> {
        let Kind::Reduce {
            op,
            input,
            axes,
            keepdims,
            ddof,
            split_every,
        } = &e.kind
        else {
            unreachable!("a reduction")
        };
        let ndim = input.shape.len();
        let nb = input.numblocks();
        // The input block index along kept axes, from the output index.
        let mut kept_idx = vec![0usize; ndim];
        let mut o = 0;
        for (ax, slot) in kept_idx.iter_mut().enumerate() {
            if axes.contains(&ax) {
                if *keepdims {
                    o += 1;
                }
            } else {
                *slot = out_idx[o];
                o += 1;
            }
        }
        // Level 0: one chunk task per input block along the reduced axes.
        let reduced_nb: Vec<usize> = axes.iter().map(|&ax| nb[ax]).collect();
        let mut level: Vec<Arc<Node>> = Vec::new();
        let chunk_name = format!("{}-chunk", e.name);
        for r in block_indices(&reduced_nb) {
            let mut idx = kept_idx.clone();
            for (&ax, &i) in axes.iter().zip(&r) {
                idx[ax] = i;
            }
            let mut deps = Vec::new();
            let program = self.program(input, &idx, &mut deps, false);
            let place = BlockPlace {
                offset: input
                    .chunks
                    .iter()
                    .zip(&idx)
                    .map(|(c, &i)| offsets(c)[i])
                    .collect(),
                shape: input.shape.clone(),
            };
            let kernel = ReduceChunk {
                op: *op,
                axes: axes.clone(),
                out: e.dtype,
                place,
                program,
                shape: block_shape(&input.chunks, &idx),
            };
            level.push(Node::new(
                key(&chunk_name, &idx),
                Op::Kernel(Arc::new(kernel)),
                deps,
            ));
        }
        // Combine levels until one group per axis remains.
        let fan = ((*split_every as f64)
            .powf(1.0 / axes.len().max(1) as f64)
            .floor() as usize)
            .max(2);
        let mut grid = reduced_nb;
        let mut depth = 0;
        while grid.iter().any(|&n| n > fan) {
            depth += 1;
            let next: Vec<usize> = grid.iter().map(|&n| n.div_ceil(fan)).collect();
            let name = format!("{}-combine{depth}", e.name);
            let mut next_level = Vec::new();
            for g in block_indices(&next) {
                let members = group_members(&grid, &g, fan);
                let deps: Vec<Arc<Node>> = members.iter().map(|&m| level[m].clone()).collect();
                let mut idx = kept_idx.clone();
                for (&ax, &i) in axes.iter().zip(&g) {
                    idx[ax] = i;
                }
                next_level.push(Node::new(
                    key(&name, &idx),
                    Op::Kernel(Arc::new(ReduceCombine(*op))),
                    deps,
                ));
            }
            level = next_level;
            grid = next;
        }
        let kernel = ReduceAggregate {
            op: *op,
            axes: axes.clone(),
            keepdims: *keepdims,
            ddof: *ddof,
            out: e.dtype,
        };
        Node::new(key(&e.name, out_idx), Op::Kernel(Arc::new(kernel)), level)
    }

    /// Block `idx` of a scan: the local scan plus the carry of the blocks
    /// before it along `axis` (a chain of carry tasks).
    fn scan_block(
        &mut self,
        e: &Arc<ArrayExpr>,
        op: ScanOp,
        input: &Arc<ArrayExpr>,
        axis: usize,
        idx: &[usize],
    ) -> Arc<Node> {
        let local = self.scan_local(e, op, input, axis, idx);
        if idx[axis] == 0 {
            return Node::new(key(&e.name, idx), Op::Alias, vec![local]);
        }
        let carry = self.scan_carry(e, op, input, axis, idx);
        let kernel = ScanKernel::Apply(op);
        Node::new(
            key(&e.name, idx),
            Op::Kernel(Arc::new(kernel)),
            vec![local, carry],
        )
    }

    fn scan_local(
        &mut self,
        e: &Arc<ArrayExpr>,
        op: ScanOp,
        input: &Arc<ArrayExpr>,
        axis: usize,
        idx: &[usize],
    ) -> Arc<Node> {
        let mut deps = Vec::new();
        let program = self.program(input, idx, &mut deps, false);
        let kernel = ScanKernel::Local {
            op,
            axis,
            out: e.dtype,
            program,
        };
        Node::new(
            key(&format!("{}-local", e.name), idx),
            Op::Kernel(Arc::new(kernel)),
            deps,
        )
    }

    /// The carry into block `idx` (whose index along `axis` is at least 1).
    fn scan_carry(
        &mut self,
        e: &Arc<ArrayExpr>,
        op: ScanOp,
        input: &Arc<ArrayExpr>,
        axis: usize,
        idx: &[usize],
    ) -> Arc<Node> {
        let name = format!("{}-carry", e.name);
        let memo = (Arc::as_ptr(e), idx.to_vec());
        if let Some(n) = self.carries.get(&memo) {
            return n.clone();
        }
        let mut prev_idx = idx.to_vec();
        prev_idx[axis] -= 1;
        let mut deps = vec![self.scan_local(e, op, input, axis, &prev_idx)];
        if prev_idx[axis] > 0 {
            deps.push(self.scan_carry(e, op, input, axis, &prev_idx));
        }
        let node = Node::new(
            key(&name, idx),
            Op::Kernel(Arc::new(ScanKernel::Carry { op, axis })),
            deps,
        );
        self.carries.insert(memo, node.clone());
        node
    }

    /// Block `idx` of a reshape: flat ranges of the input's blocks copied
    /// into the output block's flat range.
    fn reshape_block(
        &mut self,
        e: &Arc<ArrayExpr>,
        input: &Arc<ArrayExpr>,
        idx: &[usize],
    ) -> Arc<Node> {
        let shape = block_shape(&e.chunks, idx);
        let out_row: usize = e.shape.iter().skip(1).product();
        let (lo, hi) = match e.chunks.first() {
            Some(c) => {
                let off = offsets(c);
                (off[idx[0]] * out_row, off[idx[0] + 1] * out_row)
            }
            None => (0, 1),
        };
        let in_row: usize = input.shape.iter().skip(1).product();
        let in_off: Vec<usize> = match input.chunks.first() {
            Some(c) => offsets(c).iter().map(|o| o * in_row).collect(),
            None => vec![0, 1],
        };
        let mut deps = Vec::new();
        let mut pieces = Vec::new();
        for b in 0..in_off.len() - 1 {
            let (s0, s1) = (in_off[b].max(lo), in_off[b + 1].min(hi));
            if s0 < s1 {
                let mut in_idx = vec![0usize; input.shape.len()];
                if let Some(first) = in_idx.first_mut() {
                    *first = b;
                }
                deps.push(self.block(input, &in_idx));
                pieces.push(FlatPiece {
                    input: deps.len() - 1,
                    from: s0 - in_off[b],
                    to: s0 - lo,
                    len: s1 - s0,
                });
            }
        }
        let kernel = FlatAssemble {
            shape,
            dtype: e.dtype,
            pieces,
        };
        Node::new(key(&e.name, idx), Op::Kernel(Arc::new(kernel)), deps)
    }

    fn rechunk_block(
        &mut self,
        e: &Arc<ArrayExpr>,
        input: &Arc<ArrayExpr>,
        idx: &[usize],
    ) -> Arc<Node> {
        let (pieces, deps) = self.pieces(input, &e.chunks, idx);
        let shape = block_shape(&e.chunks, idx);
        Node::new(
            key(&e.name, idx),
            Op::Kernel(Arc::new(Assemble {
                shape,
                dtype: e.dtype,
                pieces,
            })),
            deps,
        )
    }

    /// The pieces of `input`'s blocks that make block `idx` of `chunks`.
    fn pieces(
        &mut self,
        input: &Arc<ArrayExpr>,
        chunks: &[Vec<usize>],
        idx: &[usize],
    ) -> (Vec<Piece>, Vec<Arc<Node>>) {
        let ndim = chunks.len();
        // Per axis: (input block, src range, dst offset) overlapping the output block.
        let mut per_axis: Vec<Vec<Overlap>> = Vec::with_capacity(ndim);
        for ax in 0..ndim {
            let out_off = offsets(&chunks[ax]);
            let (lo, hi) = (out_off[idx[ax]], out_off[idx[ax] + 1]);
            let in_off = offsets(&input.chunks[ax]);
            let mut list = Vec::new();
            for b in 0..input.chunks[ax].len() {
                let (s, t) = (in_off[b], in_off[b + 1]);
                let (a, z) = (s.max(lo), t.min(hi));
                if a < z || (lo == hi && s == lo && list.is_empty()) {
                    list.push((b, (a - s, z - s), a - lo));
                }
            }
            per_axis.push(list);
        }
        let counts: Vec<usize> = per_axis.iter().map(|l| l.len()).collect();
        let mut pieces = Vec::new();
        let mut deps: Vec<Arc<Node>> = Vec::new();
        for combo in block_indices(&counts) {
            let in_idx: Vec<usize> = combo
                .iter()
                .enumerate()
                .map(|(ax, &c)| per_axis[ax][c].0)
                .collect();
            let node = self.block(input, &in_idx);
            deps.push(node);
            pieces.push(Piece {
                input: (deps.len() - 1) as u32,
                src: combo
                    .iter()
                    .enumerate()
                    .map(|(ax, &c)| per_axis[ax][c].1)
                    .collect(),
                dst: combo
                    .iter()
                    .enumerate()
                    .map(|(ax, &c)| per_axis[ax][c].2)
                    .collect(),
            });
        }
        (pieces, deps)
    }

    /// A node assembling every block of `e` into one array.
    pub fn whole(&mut self, e: &Arc<ArrayExpr>, key_name: &str) -> Arc<Node> {
        let whole: Vec<Vec<usize>> = e.shape.iter().map(|&n| vec![n]).collect();
        let zero = vec![0usize; e.shape.len()];
        let nb = e.numblocks();
        if nb.iter().all(|&n| n == 1) {
            let block = self.block(e, &zero);
            return Node::new(Key::from(key_name), Op::Alias, vec![block]);
        }
        let (pieces, deps) = self.pieces(e, &whole, &zero);
        Node::new(
            Key::from(key_name),
            Op::Kernel(Arc::new(Assemble {
                shape: e.shape.clone(),
                dtype: e.dtype,
                pieces,
            })),
            deps,
        )
    }
}

/// Flat positions (in `grid`'s C order) of the members of group `g`.
fn group_members(grid: &[usize], g: &[usize], fan: usize) -> Vec<usize> {
    let ranges: Vec<(usize, usize)> = g
        .iter()
        .zip(grid)
        .map(|(&i, &n)| (i * fan, ((i + 1) * fan).min(n)))
        .collect();
    let counts: Vec<usize> = ranges.iter().map(|(a, b)| b - a).collect();
    block_indices(&counts)
        .into_iter()
        .map(|c| {
            let mut flat = 0;
            for (d, &ci) in c.iter().enumerate() {
                flat = flat * grid[d] + ranges[d].0 + ci;
            }
            flat
        })
        .collect()
}

/// Number of tasks and the chunks check used in tests.
pub fn count_blocks(e: &ArrayExpr) -> usize {
    chunks::numblocks(&e.chunks).iter().product()
}
