//! `value_counts` (of a series, or of a frame's rows) and `mode`, as tree
//! reductions whose partial state is a frame of (distinct keys, count).
//!
//! Each partition counts its distinct keys (one or several columns) in
//! the order they first appear; combine and aggregate steps stack partials
//! in partition order and add the counts of equal keys, again in order of
//! first appearance — so the result's order is pandas': the order of the
//! data, then (`sort=True`) a stable sort by count. NaN and null are one
//! missing key, kept (`dropna=False`) or dropped with their rows.
//! `normalize` divides by the total count; `mode` keeps the keys with the
//! largest count, sorted, as a series with a default index.

use std::sync::Arc;

use polars_core::prelude::*;

use super::expr::{index_column, token_of, FrameExpr, FrameOp};
use super::reduce::{frame_tree, FrameTree};
use super::shuffle::{nan_to_null, sort_frame, stack};
use super::sort::frames;
use crate::error::{FxError, FxResult};
use crate::graph::Node;
use crate::value::Value;

/// The name of the count column of a partial.
const COUNT: &str = "__count__";

/// What the last step makes of the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Finish {
    /// `value_counts`: keys as the index, a `count` (or `proportion`)
    /// column.
    Counts {
        /// Sort by count.
        sort: bool,
        /// Smallest counts first.
        ascending: bool,
        /// Proportions instead of counts.
        normalize: bool,
    },
    /// `mode`: the most frequent keys, sorted, as a column.
    Mode,
}

/// `df`'s key columns with NaN as null, without the rows missing a key
/// when `dropna`.
fn keys_of(df: &DataFrame, keys: &[PlSmallStr], dropna: bool) -> FxResult<DataFrame> {
    let cols = keys
        .iter()
        .map(|k| Ok(nan_to_null(df.column(k)?.as_materialized_series())?.into_column()))
        .collect::<FxResult<Vec<_>>>()?;
    let out = DataFrame::new(df.height(), cols)?;
    if !dropna {
        return Ok(out);
    }
    let mut mask = BooleanChunked::full(PlSmallStr::EMPTY, true, out.height());
    for c in out.columns() {
        if c.null_count() > 0 {
            mask = &mask & &c.is_not_null();
        }
    }
    Ok(out.filter(&mask)?)
}

/// Distinct keys in order of first appearance and their counts: of the
/// rows (`counts` is `None`), or the sums of column `counts`.
fn count(df: &DataFrame, keys: &[PlSmallStr], counts: Option<&Column>) -> FxResult<DataFrame> {
    let gb = df.group_by_stable(keys.iter().cloned())?;
    let mut cols = gb.keys();
    let groups = gb.get_groups();
    let n = match counts {
        None => groups.group_count().into_column(),
        // SAFETY: the groups were computed on `df`, which `counts` belongs to.
        Some(c) => unsafe { c.agg_sum(groups) },
    };
    cols.push(n.cast(&DataType::Int64)?.with_name(COUNT.into()));
    Ok(DataFrame::new(groups.len(), cols)?)
}

struct CountsTree {
    keys: Arc<Vec<PlSmallStr>>,
    dropna: bool,
    finish: Finish,
    /// The partials' schema (keys, then the count).
    schema: Arc<Schema>,
}

impl FrameTree for CountsTree {
    const NAMES: [&'static str; 3] = [
        "value-counts-chunk",
        "value-counts-combine",
        "value-counts-agg",
    ];

    fn chunk(&self, partition: &DataFrame) -> FxResult<DataFrame> {
        let df = keys_of(partition, &self.keys, self.dropna)?;
        count(&df, &self.keys, None)
    }

    fn merge(&self, inputs: &[Value]) -> FxResult<DataFrame> {
        let all = stack(&frames(inputs)?, &self.schema)?;
        count(&all, &self.keys, Some(all.column(COUNT)?))
    }

    fn finish(&self, counts: DataFrame) -> FxResult<DataFrame> {
        match self.finish {
            Finish::Counts {
                sort,
                ascending,
                normalize,
            } => {
                let mut out = counts;
                if sort && out.height() > 1 {
                    let options = SortMultipleOptions::default()
                        .with_order_descending(!ascending)
                        .with_maintain_order(true)
                        .with_multithreaded(false);
                    out = out.sort([COUNT], options)?;
                }
                let mut cols: Vec<Column> = self
                    .keys
                    .iter()
                    .enumerate()
                    .map(|(i, k)| Ok(out.column(k)?.clone().with_name(index_column(i))))
                    .collect::<FxResult<_>>()?;
                let n = out.column(COUNT)?.clone();
                let n = if normalize {
                    let total = n.as_materialized_series().i64()?.sum().unwrap_or(0);
                    let s = n.as_materialized_series().cast(&DataType::Float64)?;
                    (&s / total as f64).into_column()
                } else {
                    n
                };
                let name = if normalize { "proportion" } else { "count" };
                cols.push(n.with_name(name.into()));
                Ok(DataFrame::new(out.height(), cols)?)
            }
            Finish::Mode => {
                let key = &self.keys[0];
                let n = counts
                    .column(COUNT)?
                    .as_materialized_series()
                    .i64()?
                    .clone();
                let top = n.max().unwrap_or(0);
                let most = n.equal(top);
                let values = counts.filter(&most)?.select([key.clone()])?;
                // pandas sorts missing datetimes (NaT, the smallest
                // int64) first, other missing values last.
                let nulls_last = !values.column(key)?.dtype().is_temporal();
                sort_frame(&values, std::slice::from_ref(key), &[false], nulls_last)
            }
        }
    }
}

/// `value_counts` / `mode` of the key columns of `input` (one partition).
pub struct CountsOp {
    input: Arc<FrameExpr>,
    keys: Arc<Vec<PlSmallStr>>,
    dropna: bool,
    finish: Finish,
    split_every: usize,
}

impl FrameOp for CountsOp {
    fn label(&self) -> &str {
        match self.finish {
            Finish::Counts { .. } => "value-counts",
            Finish::Mode => "mode",
        }
    }
    fn token(&self) -> u64 {
        token_of((&*self.keys, self.dropna, self.finish, self.split_every))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, _i: usize) -> Arc<Node> {
        let mut schema = Schema::with_capacity(self.keys.len() + 1);
        for k in self.keys.iter() {
            let dtype = self.input.schema.get(k).cloned().unwrap_or(DataType::Null);
            schema.insert(k.clone(), dtype);
        }
        schema.insert(COUNT.into(), DataType::Int64);
        let tree = CountsTree {
            keys: self.keys.clone(),
            dropna: self.dropna,
            finish: self.finish,
            schema: Arc::new(schema),
        };
        let (columns, _) = super::sort::needed(&self.input, &self.keys);
        frame_tree(&e.name, &self.input, &columns, self.split_every, tree)
    }
}

/// `value_counts` of the rows of `input` by `keys` (one partition): the
/// keys as index columns, then `count` (`proportion` if `normalize`).
pub fn value_counts(
    input: &Arc<FrameExpr>,
    keys: &[String],
    dropna: bool,
    finish: Finish,
    split_every: usize,
) -> FxResult<Arc<FrameExpr>> {
    if keys.is_empty() {
        return Err(FxError::InvalidArgument(
            "`value_counts` needs at least one column".into(),
        ));
    }
    let mut schema = Schema::with_capacity(keys.len() + 1);
    let (nindex, names) = match finish {
        Finish::Counts { normalize, .. } => {
            for (i, k) in keys.iter().enumerate() {
                schema.insert(index_column(i), input.dtype(k)?.clone());
            }
            let (name, dtype) = if normalize {
                ("proportion", DataType::Float64)
            } else {
                ("count", DataType::Int64)
            };
            schema.insert(name.into(), dtype);
            (keys.len(), keys.iter().map(|k| Some(k.clone())).collect())
        }
        Finish::Mode => {
            let [k] = keys else {
                return Err(FxError::InvalidArgument("`mode` takes one column".into()));
            };
            schema.insert(k.as_str().into(), input.dtype(k)?.clone());
            (0, Vec::new())
        }
    };
    let op = CountsOp {
        input: input.clone(),
        keys: Arc::new(keys.iter().map(|k| k.as_str().into()).collect()),
        dropna,
        finish,
        split_every: split_every.max(2),
    };
    Ok(FrameExpr::op(Arc::new(op), schema, nindex, names, 1))
}
