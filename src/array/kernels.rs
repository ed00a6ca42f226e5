//! The task kernels array graphs are made of: fused blocks, reduction
//! steps, scans, matrix-product blocks and block assembly (rechunk,
//! reshape). Each runs natively on its inputs' values, without the GIL.

use std::sync::Arc;

use ndarray::{ArrayD, IxDyn, Slice};

use super::chunk::{ArrayChunk, Elem};
use super::dtype::DType;
use super::program::{Program, TILE_ELEMS};
use super::reductions::{self, BlockPlace, Partial, ReduceOp};
use super::scan::{self, ScanOp};
use crate::error::{FxError, FxResult};
use crate::graph::Kernel;
use crate::value::Value;

/// A task computing one block (of the given shape) with a fused program.
pub struct BlockKernel(pub(crate) Program, pub(crate) Vec<usize>);

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
pub(crate) struct FlatPiece {
    pub(crate) input: usize,
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) len: usize,
}

/// Build a block from flat (C-order) ranges of input blocks (reshape).
pub struct FlatAssemble {
    pub(crate) shape: Vec<usize>,
    pub(crate) dtype: DType,
    pub(crate) pieces: Vec<FlatPiece>,
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
    pub(crate) left: Vec<Program>,
    pub(crate) right: Vec<Program>,
    pub(crate) out: DType,
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
    pub(crate) op: ReduceOp,
    pub(crate) axes: Vec<usize>,
    pub(crate) out: DType,
    pub(crate) place: BlockPlace,
    pub(crate) program: Program,
    pub(crate) shape: Vec<usize>,
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
pub struct ReduceCombine(pub(crate) ReduceOp);

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
    pub(crate) op: ReduceOp,
    pub(crate) axes: Vec<usize>,
    pub(crate) keepdims: bool,
    pub(crate) ddof: f64,
    pub(crate) out: DType,
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
pub(crate) type Overlap = (usize, (usize, usize), usize);

/// One piece of an output block cut from an input block.
pub(crate) struct Piece {
    pub(crate) input: u32,
    pub(crate) src: Vec<(usize, usize)>,
    pub(crate) dst: Vec<usize>,
}

/// Copy regions of input blocks into a new block (rechunk, assembly).
pub struct Assemble {
    pub(crate) shape: Vec<usize>,
    pub(crate) dtype: DType,
    pub(crate) pieces: Vec<Piece>,
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

pub(crate) fn copy_region(
    out: &mut ArrayChunk,
    src: &ArrayChunk,
    region: &[(usize, usize)],
    at: &[usize],
) {
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

/// Integer-array indexing along one axis: output positions picked from the
/// input blocks this output block reads (`picks[i] = (dep, local index)`).
pub struct GatherKernel {
    pub(crate) axis: usize,
    pub(crate) picks: Vec<(usize, usize)>,
    pub(crate) shape: Vec<usize>,
    pub(crate) dtype: DType,
}

impl Kernel for GatherKernel {
    fn name(&self) -> &str {
        "take"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        if self.picks.is_empty() {
            return Ok(Value::Array(Arc::new(ArrayChunk::zeros(
                self.dtype,
                &self.shape,
            ))));
        }
        let blocks = inputs
            .iter()
            .map(|v| match v {
                Value::Array(c) => Ok(&**c),
                _ => Err(FxError::DType("an array block was expected".into())),
            })
            .collect::<FxResult<Vec<_>>>()?;
        Ok(Value::Array(Arc::new(super::structure::gather(
            &blocks,
            &self.picks,
            self.axis,
        ))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
