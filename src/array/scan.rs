//! Cumulative sums and products along an axis (`cumsum`, `cumprod`).
//!
//! Each block is scanned on its own; a chain of carries then passes the
//! running total of the blocks before it along the axis, and each block adds
//! (or multiplies) its carry in: `out[j] = local[j] ⊕ carry[j]` with
//! `carry[j] = carry[j - 1] ⊕ last(local[j - 1])`.

use ndarray::{ArrayD, Axis};

use super::chunk::{ArrayChunk, Elem};
use super::dtype::DType;
use super::elementwise::{binary, BinOp, Num};
use crate::error::FxResult;

/// Which scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScanOp {
    /// `cumsum`
    Sum,
    /// `cumprod`
    Prod,
}

impl ScanOp {
    /// NumPy's name.
    pub fn name(self) -> &'static str {
        match self {
            ScanOp::Sum => "cumsum",
            ScanOp::Prod => "cumprod",
        }
    }

    fn binop(self) -> BinOp {
        match self {
            ScanOp::Sum => BinOp::Add,
            ScanOp::Prod => BinOp::Mul,
        }
    }

    /// The result dtype (NumPy's: integers and bools accumulate in int64).
    pub fn out_dtype(self, a: DType) -> DType {
        match a {
            DType::Bool | DType::U8 | DType::I32 | DType::I64 => DType::I64,
            other => other,
        }
    }
}

fn scan_typed<T: Num>(op: ScanOp, mut a: ArrayD<T>, axis: usize) -> ArrayD<T> {
    let f: fn(T, T) -> T = match op {
        ScanOp::Sum => T::add,
        ScanOp::Prod => T::mul,
    };
    a.accumulate_axis_inplace(Axis(axis), |&prev, cur| *cur = f(prev, *cur));
    a
}

/// The scan of one block along `axis`, in dtype `out`.
pub fn local(op: ScanOp, block: &ArrayChunk, axis: usize, out: DType) -> ArrayChunk {
    match block.astype(out) {
        ArrayChunk::I64(a) => ArrayChunk::I64(scan_typed(op, a, axis)),
        ArrayChunk::F32(a) => ArrayChunk::F32(scan_typed(op, a, axis)),
        ArrayChunk::F64(a) => ArrayChunk::F64(scan_typed(op, a, axis)),
        ArrayChunk::C128(mut a) => {
            a.accumulate_axis_inplace(Axis(axis), |&prev, cur| match op {
                ScanOp::Sum => *cur += prev,
                ScanOp::Prod => *cur *= prev,
            });
            ArrayChunk::C128(a)
        }
        other => other,
    }
}

/// The carry into the next block: `prev ⊕ last(local)` (keeping `axis`).
pub fn carry(
    op: ScanOp,
    prev: Option<&ArrayChunk>,
    local: &ArrayChunk,
    axis: usize,
) -> FxResult<ArrayChunk> {
    let n = local.shape()[axis];
    let last = crate::dispatch!(local, a => Elem::wrap(
        a.index_axis(Axis(axis), n - 1).to_owned().insert_axis(Axis(axis))
    ));
    match prev {
        None => Ok(last),
        Some(p) => binary(op.binop(), p, &last),
    }
}

/// A block's result: `local ⊕ carry`.
pub fn apply(op: ScanOp, local: &ArrayChunk, carry: &ArrayChunk) -> FxResult<ArrayChunk> {
    binary(op.binop(), local, carry)
}
