//! `drop_duplicates` / `unique` as a tree reduction: each partition keeps
//! its first (or last) row of every distinct value, groups of
//! `split_every` partials do the same on their stacked rows, and so does
//! the last step. Partials are stacked in partition order, so the rows
//! kept are pandas' (the first or last occurrence in the whole frame) and
//! stay in the order they appear (polars' `unique_stable`).

use std::sync::Arc;

use polars_core::prelude::*;

use super::expr::{token_of, FrameExpr, FrameOp};
use super::kernels::Partition;
use super::lower::partition;
use super::shuffle::stack;
use super::sort::{frames, key};
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Node, Op};
use crate::value::Value;

struct DistinctKernel {
    subset: Arc<Vec<String>>,
    keep_last: bool,
    schema: Arc<Schema>,
    source: Option<Partition>,
}

impl Kernel for DistinctKernel {
    fn name(&self) -> &str {
        "drop-duplicates"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = match &self.source {
            Some(p) => (*p.eval(inputs)?).clone(),
            None => stack(&frames(inputs)?, &self.schema)?,
        };
        let keep = if self.keep_last {
            UniqueKeepStrategy::Last
        } else {
            UniqueKeepStrategy::First
        };
        // NaN and null are one missing value in pandas.
        let mut keyed = df.clone();
        let mut names = Vec::with_capacity(self.subset.len());
        for (i, c) in self.subset.iter().enumerate() {
            let s = super::shuffle::nan_to_null(df.column(c)?.as_materialized_series())?;
            let name = format!("__distinct_{i}__");
            keyed.with_column(s.with_name(name.as_str().into()).into_column())?;
            names.push(name);
        }
        let out = if df.width() == 0 {
            df
        } else {
            keyed
                .unique_stable(Some(&names), keep, None)?
                .select(df.get_column_names_owned())?
        };
        Ok(Value::Frame(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Distinct rows of `input` by `subset` (one partition).
pub struct DistinctOp {
    input: Arc<FrameExpr>,
    subset: Arc<Vec<String>>,
    keep_last: bool,
    split_every: usize,
}

impl FrameOp for DistinctOp {
    fn label(&self) -> &str {
        "drop-duplicates"
    }
    fn token(&self) -> u64 {
        token_of((&*self.subset, self.keep_last, self.split_every))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let columns: Vec<PlSmallStr> = self.input.schema.iter_names().cloned().collect();
        self.tree(&e.name, &columns, i)
    }
    fn lower_columns(
        &self,
        e: &Arc<FrameExpr>,
        i: usize,
        columns: &[PlSmallStr],
    ) -> Option<Arc<Node>> {
        // The rows kept depend on the subset only: other columns (the index
        // among them) are carried only if asked for, so a default index
        // nobody reads is never computed.
        let mut wanted: Vec<PlSmallStr> = columns.to_vec();
        wanted.extend(self.subset.iter().map(|c| PlSmallStr::from(c.as_str())));
        let carried: Vec<PlSmallStr> = self
            .input
            .schema
            .iter_names()
            .filter(|n| wanted.contains(n))
            .cloned()
            .collect();
        let name = format!("{}-{:08x}", e.name, token_of(&carried) as u32);
        let tree = self.tree(&name, &carried, i);
        if carried == columns {
            return Some(tree);
        }
        let pick = Partition::Input(0, Some(columns.to_vec()));
        let name = format!("{}-{:08x}", e.name, token_of(columns) as u32);
        Some(Node::new(
            key(&name, i),
            Op::Kernel(Arc::new(super::kernels::PartitionKernel(pick))),
            vec![tree],
        ))
    }
}

impl DistinctOp {
    /// The chunk → combine → aggregate tree over `columns` of the input.
    fn tree(&self, name: &str, columns: &[PlSmallStr], i: usize) -> Arc<Node> {
        let schema: Schema = self
            .input
            .schema
            .iter()
            .filter(|(n, _)| columns.contains(n))
            .map(|(n, d)| (n.clone(), d.clone()))
            .collect();
        let schema = Arc::new(schema);
        let step = |source| DistinctKernel {
            subset: self.subset.clone(),
            keep_last: self.keep_last,
            schema: schema.clone(),
            source,
        };
        let mut level: Vec<Arc<Node>> = (0..self.input.npartitions)
            .map(|p| {
                let mut deps = Vec::new();
                let source = partition(&self.input, p, columns, &mut deps);
                let chunk = format!("{name}-chunk");
                Node::new(
                    key(&chunk, p),
                    Op::Kernel(Arc::new(step(Some(source)))),
                    deps,
                )
            })
            .collect();
        let mut depth = 0;
        while level.len() > self.split_every {
            let combine = format!("{name}-combine-{depth}");
            level = level
                .chunks(self.split_every)
                .enumerate()
                .map(|(j, group)| {
                    Node::new(
                        key(&combine, j),
                        Op::Kernel(Arc::new(step(None))),
                        group.to_vec(),
                    )
                })
                .collect();
            depth += 1;
        }
        Node::new(key(name, i), Op::Kernel(Arc::new(step(None))), level)
    }
}

/// `drop_duplicates(subset, keep)`: `subset` empty means every data
/// column; the index follows the rows kept (`ignore_index`: a new default
/// index).
pub fn drop_duplicates(
    input: &Arc<FrameExpr>,
    subset: &[String],
    keep: &str,
    split_every: usize,
    ignore_index: bool,
) -> FxResult<Arc<FrameExpr>> {
    let keep_last = match keep {
        "first" => false,
        "last" => true,
        other => {
            return Err(FxError::InvalidArgument(format!(
                "`keep` must be 'first' or 'last', got '{other}'"
            )))
        }
    };
    let subset: Vec<String> = if subset.is_empty() {
        input.columns().iter().map(|c| c.to_string()).collect()
    } else {
        for c in subset {
            input.dtype(c)?;
        }
        subset.to_vec()
    };
    let input = if ignore_index {
        let cols: Vec<String> = input.columns().iter().map(|c| c.to_string()).collect();
        super::concat::drop_index(input, &cols)?
    } else {
        input.row_index()
    };
    let op = DistinctOp {
        input: input.clone(),
        subset: Arc::new(subset),
        keep_last,
        split_every: split_every.max(2),
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        (*input.schema).clone(),
        input.nindex,
        input.index_names.clone(),
        1,
    ))
}
