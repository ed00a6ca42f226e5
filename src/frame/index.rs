//! The index across partitions: divisions and label lookups.
//!
//! Divisions (`[min, b1, …, b(n-1), max]`: partition `i` holds the index
//! values in `[b(i), b(i+1))`, the last one up to `max` included) are known
//! after `set_index`; they are computed by a task (the sort's boundaries,
//! or each partition's first value when the data was sorted already) and
//! survive row-wise steps, which keep every row in its partition.
//!
//! `loc[lo:hi]` keeps the partitions the caller chose from the divisions
//! (all of them when unknown) and filters each by the index range.

use std::sync::Arc;

use polars_core::prelude::*;

use super::expr::{token_of, FrameExpr, FrameOp, Kind, POSITION};
use super::kernels::Partition;
use super::lower::partition;
use super::sort::key;
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Node, Op};
use crate::value::Value;

/// A node computing `e`'s divisions, if they are known.
pub fn divisions_node(e: &Arc<FrameExpr>) -> Option<Arc<Node>> {
    match &e.kind {
        Kind::Op(op) => op.divisions(e),
        Kind::Select { input, .. } | Kind::Filter { input, .. } => divisions_node(input),
        Kind::RowIndex { input, column } if column == POSITION => divisions_node(input),
        _ => None,
    }
}

struct LocKernel {
    lo: Option<Scalar>,
    hi: Option<Scalar>,
    labels: Option<Series>,
    source: Partition,
}

fn bound(s: &Scalar, dtype: &DataType) -> FxResult<Series> {
    let b = s.clone().into_series(PlSmallStr::EMPTY);
    b.cast(dtype).map_err(|_| {
        FxError::DType(format!(
            "cannot compare an index of dtype {} with {}",
            super::expr::pandas_dtype_name(dtype),
            b.dtype()
        ))
    })
}

impl Kernel for LocKernel {
    fn name(&self) -> &str {
        "loc"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = self.source.eval(inputs)?;
        let idx = df.columns()[0].as_materialized_series();
        let mut mask = BooleanChunked::full(PlSmallStr::EMPTY, true, df.height());
        if let Some(lo) = &self.lo {
            mask = &mask & &idx.gt_eq(&bound(lo, idx.dtype())?)?;
        }
        if let Some(hi) = &self.hi {
            mask = &mask & &idx.lt_eq(&bound(hi, idx.dtype())?)?;
        }
        if let Some(labels) = &self.labels {
            // polars' `is_in` takes the values as one list.
            let labels = labels.cast(idx.dtype())?.implode()?.into_series();
            mask = &mask & &polars_ops::prelude::is_in(idx, &labels, true)?;
        }
        let mask = mask.fill_null_with_values(false)?;
        Ok(Value::Frame(Arc::new(df.filter(&mask)?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The rows of partitions `parts` of `input` whose index is in `[lo, hi]`.
pub struct LocOp {
    input: Arc<FrameExpr>,
    parts: Vec<usize>,
    lo: Option<Scalar>,
    hi: Option<Scalar>,
    labels: Option<Series>,
}

impl FrameOp for LocOp {
    fn label(&self) -> &str {
        "loc"
    }
    fn token(&self) -> u64 {
        let show = |s: &Option<Scalar>| s.as_ref().map(|s| format!("{:?}", s.value()));
        let labels = self.labels.as_ref().map(|s| format!("{s:?}"));
        token_of((&self.parts, show(&self.lo), show(&self.hi), labels))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let columns: Vec<PlSmallStr> = self.input.schema.iter_names().cloned().collect();
        let mut deps = Vec::new();
        let source = partition(&self.input, self.parts[i], &columns, &mut deps);
        let op = LocKernel {
            lo: self.lo.clone(),
            hi: self.hi.clone(),
            labels: self.labels.clone(),
            source,
        };
        Node::new(key(&e.name, i), Op::Kernel(Arc::new(op)), deps)
    }
}

/// `loc[lo:hi]` (both ends included, `None` unbounded), or the rows whose
/// index is one of `labels`, over the partitions `parts` (every partition
/// when empty).
pub fn loc(
    input: &Arc<FrameExpr>,
    parts: Vec<usize>,
    lo: Option<Scalar>,
    hi: Option<Scalar>,
    labels: Option<Series>,
) -> FxResult<Arc<FrameExpr>> {
    let input = &input.row_index();
    if input.nindex != 1 {
        return Err(FxError::InvalidArgument(
            "`loc` with labels needs a frame indexed by one column (use set_index first)".into(),
        ));
    }
    let parts = if parts.is_empty() {
        (0..input.npartitions).collect()
    } else {
        parts
    };
    if let Some(&p) = parts.iter().find(|&&p| p >= input.npartitions) {
        return Err(FxError::Index(format!("partition {p} out of range")));
    }
    let n = parts.len();
    let op = LocOp {
        input: input.clone(),
        parts,
        lo,
        hi,
        labels,
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        (*input.schema).clone(),
        1,
        input.index_names.clone(),
        n,
    ))
}
