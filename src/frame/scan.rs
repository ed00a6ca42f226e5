//! Cumulative reductions down the rows (`cumsum`, `cumprod`, `cummax`,
//! `cummin`) across partitions, as Dask's `cumulative` does:
//!
//! ```text
//!   part 0 ─┬──────────────────────────────► out 0 = cum(part 0)
//!           └► total 0 ─► carry 1 ─┐
//!   part 1 ─┬───────────────────────┴──────► out 1 = cum(part 1, from carry 1)
//!           └► total 1 ─► carry 2 = carry 1 ⊕ total 1 ─► …
//! ```
//!
//! Totals are computed in parallel; only the (one-row) carries form a
//! chain. Missing values stay missing and are skipped, as in pandas.

use std::sync::Arc;

use polars_core::prelude::*;
use polars_ops::prelude::*;

use super::expr::{FrameExpr, FrameOp};
use super::kernels::frame_input;
use super::lower;
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Key, Node, Op};
use crate::value::Value;

/// Which cumulative reduction.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum CumOp {
    /// `cumsum`
    Sum,
    /// `cumprod`
    Prod,
    /// `cummax`
    Max,
    /// `cummin`
    Min,
}

impl CumOp {
    /// The operation for a pandas method name.
    pub fn from_name(name: &str) -> FxResult<CumOp> {
        Ok(match name {
            "cumsum" => CumOp::Sum,
            "cumprod" => CumOp::Prod,
            "cummax" => CumOp::Max,
            "cummin" => CumOp::Min,
            other => {
                return Err(FxError::InvalidArgument(format!(
                    "unknown cumulative method '{other}'"
                )))
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            CumOp::Sum => "cumsum",
            CumOp::Prod => "cumprod",
            CumOp::Max => "cummax",
            CumOp::Min => "cummin",
        }
    }

    /// The cumulative column, starting from `init` (null: from nothing).
    fn apply(self, s: &Series, init: &AnyValue<'static>) -> FxResult<Series> {
        let s = match s.dtype() {
            DataType::Boolean if matches!(self, CumOp::Sum | CumOp::Prod) => {
                s.cast(&DataType::Int64)?
            }
            d if d.is_primitive_numeric() || d.is_bool() => s.clone(),
            d => {
                return Err(FxError::DType(format!(
                    "{} is not supported for dtype {}",
                    self.name(),
                    super::expr::pandas_dtype_name(d)
                )))
            }
        };
        let out = match self {
            CumOp::Sum => cum_sum_with_init(&s, false, init)?,
            CumOp::Prod => cum_prod_with_init(&s, false, init)?,
            CumOp::Max => cum_max_with_init(&s, false, init)?,
            CumOp::Min => cum_min_with_init(&s, false, init)?,
        };
        // polars fills missing positions with the running value; pandas
        // keeps them missing.
        let out = if s.null_count() > 0 {
            let nulls = Series::full_null(out.name().clone(), out.len(), out.dtype());
            out.zip_with(&s.is_not_null(), &nulls)?
        } else {
            out
        };
        Ok(out.cast(&output_dtype(self, s.dtype()))?)
    }
}

fn output_dtype(op: CumOp, dtype: &DataType) -> DataType {
    match (op, dtype) {
        (CumOp::Sum | CumOp::Prod, d) if d.is_integer() => DataType::Int64,
        (_, d) => d.clone(),
    }
}

/// The last non-missing value of `s`, or null.
fn last_valid(s: &Series) -> FxResult<AnyValue<'static>> {
    let valid = s.drop_nulls();
    Ok(if valid.is_empty() {
        AnyValue::Null
    } else {
        valid.get(valid.len() - 1)?.into_static()
    })
}

/// A cumulative reduction of every data column of `input`.
pub struct CumAgg {
    /// The frame.
    pub input: Arc<FrameExpr>,
    /// Which reduction.
    pub op: CumOp,
}

impl CumAgg {
    /// `op` of every data column of `input`, as a frame over the same rows
    /// and index.
    pub fn build(input: &Arc<FrameExpr>, op: CumOp) -> FxResult<Arc<FrameExpr>> {
        let mut schema = Schema::with_capacity(input.schema.len());
        for (i, (n, d)) in input.schema.iter().enumerate() {
            let d = if i < input.nindex {
                d.clone()
            } else {
                // Type errors now, not when the tasks run.
                let empty = Series::new_empty(n.clone(), d);
                op.apply(&empty, &AnyValue::Null)?.dtype().clone()
            };
            schema.insert(n.clone(), d);
        }
        let index_names = input.index_names.clone();
        Ok(FrameExpr::op(
            Arc::new(CumAgg {
                input: input.clone(),
                op,
            }),
            schema,
            input.nindex,
            index_names,
            input.npartitions,
        ))
    }
}

fn key(name: &str, i: usize) -> Key {
    Key::Tuple(Arc::from(name), Box::new([i as i64]))
}

impl FrameOp for CumAgg {
    fn label(&self) -> &str {
        self.op.name()
    }
    fn token(&self) -> u64 {
        super::expr::token_of(self.op)
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let nindex = self.input.nindex;
        let step = |step| {
            Op::Kernel(Arc::new(CumKernel {
                op: self.op,
                step,
                nindex,
            }))
        };
        // carry i = carry i-1 ⊕ total of partition i-1 (a chain of one-row frames).
        let mut carry: Option<Arc<Node>> = None;
        for j in 0..i {
            let part = lower::node(&self.input, j);
            let mut deps = vec![part];
            deps.extend(carry.take());
            let name = format!("{}-carry", e.name);
            carry = Some(Node::new(key(&name, j + 1), step(CumStep::Carry), deps));
        }
        let mut deps = vec![lower::node(&self.input, i)];
        deps.extend(carry);
        Node::new(key(&e.name, i), step(CumStep::Apply), deps)
    }
}

#[derive(Clone, Copy)]
enum CumStep {
    /// (partition, previous carry?) → the carry after the partition.
    Carry,
    /// (partition, carry?) → the cumulative partition.
    Apply,
}

struct CumKernel {
    op: CumOp,
    step: CumStep,
    nindex: usize,
}

impl CumKernel {
    /// The cumulative data columns of `df` from `carry` (a one-row frame).
    fn cumulate(&self, df: &DataFrame, carry: Option<&DataFrame>) -> FxResult<Vec<Column>> {
        df.columns()
            .iter()
            .skip(self.nindex)
            .map(|c| {
                let init = match carry {
                    Some(cf) => cf.column(c.name())?.get(0)?.into_static(),
                    None => AnyValue::Null,
                };
                Ok(self
                    .op
                    .apply(c.as_materialized_series(), &init)?
                    .into_column())
            })
            .collect()
    }
}

impl Kernel for CumKernel {
    fn name(&self) -> &str {
        match self.step {
            CumStep::Carry => "cum-carry",
            CumStep::Apply => "cum-apply",
        }
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = frame_input(inputs, 0)?;
        let carry = if inputs.len() > 1 {
            Some(frame_input(inputs, 1)?)
        } else {
            None
        };
        let cum = self.cumulate(&df, carry.as_deref())?;
        let out = match self.step {
            CumStep::Apply => {
                let mut cols: Vec<Column> = df.columns()[..self.nindex].to_vec();
                cols.extend(cum);
                DataFrame::new(df.height(), cols)?
            }
            CumStep::Carry => {
                // The running value after the last row (the previous carry
                // for an empty or all-missing partition).
                let cols = cum
                    .iter()
                    .map(|c| {
                        let mut v = last_valid(c.as_materialized_series())?;
                        if v.is_null() {
                            if let Some(cf) = &carry {
                                v = cf.column(c.name())?.get(0)?.into_static();
                            }
                        }
                        let s = Series::from_any_values_and_dtype(
                            c.name().clone(),
                            &[v],
                            c.dtype(),
                            true,
                        )?;
                        Ok(s.into_column())
                    })
                    .collect::<FxResult<Vec<_>>>()?;
                DataFrame::new(1, cols)?
            }
        };
        Ok(Value::Frame(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
