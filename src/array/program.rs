//! `Program`: how one block is computed inside a single task.
//!
//! A program is a small tree mirroring the fused part of an expression:
//! leaves draw random values, slice an in-memory array, fill constants or
//! read a dependency; inner nodes apply elementwise operations, transposes
//! and takes. Programs evaluate whole blocks, or a few rows at a time
//! (`eval_rows`) so the temporaries of a fused chain stay in the cache.

use std::borrow::Cow;
use std::sync::Arc;

use ndarray::{ArrayD, IxDyn, Slice};

use super::chunk::{ArrayChunk, Elem};
use super::dtype::DType;
use super::elementwise;
use super::expr::MapOp;
use super::random::{self, Dist};
use crate::error::{FxError, FxResult};
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
