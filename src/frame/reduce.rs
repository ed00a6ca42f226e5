//! Whole-frame reductions that see missing values, as pandas' `skipna=False`
//! and `dropna=False` do:
//!
//! - `sum`, `prod`, `mean`, `min`, `max`, `std`, `var` of a column with a
//!   missing value are missing ([`Missing::Propagate`]);
//! - `any` counts a missing value as true ([`Missing::Truthy`]; `all` needs
//!   no flag: a missing value, being true, never makes it false);
//! - `nunique` counts the missing values as one more value
//!   ([`Missing::Counted`]).
//!
//! The aggregations are the group-by kernels without keys
//! ([`super::groupby::chunk`], `combine`, `aggregate`); beside their partial
//! frame, each partial ([`ReducePartial`]) carries one "has a missing
//! value" flag per aggregation (null, or NaN in a float column), ORed up
//! the chunk → combine → aggregate tree and applied by the last step. NaN
//! is turned into null before aggregating, so both are one missing value,
//! as in pandas.
//!
//! [`reduction_tree`] builds the tree; the other tree reductions of this
//! family (`value_counts`, `idxmax`, `memory_usage`) use it too.

use std::sync::Arc;

use polars_core::prelude::*;

use super::expr::{token_of, FrameExpr, FrameOp};
use super::groupby::{self, AggOp, AggSpec};
use super::kernels::Partition;
use super::lower::partition;
use super::shuffle::nan_to_null;
use super::sort::key;
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Node, Op};
use crate::value::Value;

/// What a missing value does to an aggregation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Missing {
    /// Skipped (pandas' default `skipna=True`).
    Skip,
    /// Makes the result missing (`skipna=False`).
    Propagate,
    /// Counts as true (`any(skipna=False)`).
    Truthy,
    /// Counts as one more distinct value (`nunique(dropna=False)`).
    Counted,
}

impl Missing {
    /// The rule called `name` (`"skip"`, `"propagate"`, `"truthy"`,
    /// `"counted"`).
    pub fn from_name(name: &str) -> FxResult<Missing> {
        Ok(match name {
            "skip" => Missing::Skip,
            "propagate" => Missing::Propagate,
            "truthy" => Missing::Truthy,
            "counted" => Missing::Counted,
            other => {
                return Err(FxError::InvalidArgument(format!(
                    "`missing` must be 'skip', 'propagate', 'truthy' or 'counted', got '{other}'"
                )))
            }
        })
    }
}

/// One aggregation and what a missing value does to it.
#[derive(Clone, Debug)]
pub struct ReduceSpec {
    /// The aggregation (its column, operation, output name, `ddof`).
    pub agg: AggSpec,
    /// The missing-value rule.
    pub missing: Missing,
}

/// The partial state of a reduction: the group-by partial frame and, per
/// aggregation, whether its column had a missing value so far.
struct ReducePartial {
    partial: Arc<DataFrame>,
    missing: Vec<bool>,
}

impl ReducePartial {
    /// As a task value: the partial frame, then a one-row frame of flags.
    fn into_value(self) -> FxResult<Value> {
        let flags: Vec<Column> = self
            .missing
            .iter()
            .enumerate()
            .map(|(i, &m)| Column::new(format!("m{i}").into(), [m]))
            .collect();
        let flags = DataFrame::new(1, flags)?;
        Ok(Value::Frames(Arc::new(vec![self.partial, Arc::new(flags)])))
    }

    fn from_value(value: &Value) -> FxResult<ReducePartial> {
        let Value::Frames(parts) = value else {
            return Err(FxError::DType("a reduction partial was expected".into()));
        };
        let [partial, flags] = parts.as_slice() else {
            return Err(FxError::DType("a reduction partial was expected".into()));
        };
        let missing = flags
            .columns()
            .iter()
            .map(|c| Ok(c.as_materialized_series().bool()?.get(0).unwrap_or(false)))
            .collect::<FxResult<Vec<_>>>()?;
        Ok(ReducePartial {
            partial: partial.clone(),
            missing,
        })
    }
}

/// Which step of a tree reduction a kernel runs.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    /// A partition to a partial.
    Chunk,
    /// Partials to a partial.
    Combine,
    /// Partials to the result.
    Aggregate,
}

/// A chunk → combine → aggregate tree of fan-in `split_every` over the
/// partitions of `input` (restricted to `columns`); `kernel` makes each
/// step's kernel (chunk steps get the partition they read).
pub(crate) fn reduction_tree(
    name: &str,
    input: &Arc<FrameExpr>,
    columns: &[PlSmallStr],
    split_every: usize,
    kernel: &dyn Fn(Step, Option<Partition>) -> Arc<dyn Kernel>,
) -> Arc<Node> {
    let chunk = format!("{name}-chunk");
    let mut level: Vec<Arc<Node>> = (0..input.npartitions)
        .map(|p| {
            let mut deps = Vec::new();
            let source = partition(input, p, columns, &mut deps);
            let op = Op::Kernel(kernel(Step::Chunk, Some(source)));
            Node::new(key(&chunk, p), op, deps)
        })
        .collect();
    let mut depth = 0;
    while level.len() > split_every.max(2) {
        let combine = format!("{name}-combine-{depth}");
        level = level
            .chunks(split_every.max(2))
            .enumerate()
            .map(|(j, group)| {
                let op = Op::Kernel(kernel(Step::Combine, None));
                Node::new(key(&combine, j), op, group.to_vec())
            })
            .collect();
        depth += 1;
    }
    Node::new(
        key(name, 0),
        Op::Kernel(kernel(Step::Aggregate, None)),
        level,
    )
}

/// A tree reduction whose partials are frames: `chunk` makes a partition's
/// partial, `merge` folds partials into one, `finish` turns the merged
/// partial into the result.
pub(crate) trait FrameTree: Send + Sync + 'static {
    /// Task names of the chunk, combine and aggregate steps.
    const NAMES: [&'static str; 3];
    /// A partition's partial.
    fn chunk(&self, partition: &DataFrame) -> FxResult<DataFrame>;
    /// Partials (frame values) folded into one.
    fn merge(&self, partials: &[Value]) -> FxResult<DataFrame>;
    /// The result, from the merged partial.
    fn finish(&self, merged: DataFrame) -> FxResult<DataFrame>;
}

/// One step of a [`FrameTree`] as a task (chunk steps read `source`).
struct TreeStep<T> {
    step: Step,
    tree: Arc<T>,
    source: Option<Partition>,
}

impl<T: FrameTree> Kernel for TreeStep<T> {
    fn name(&self) -> &str {
        match self.step {
            Step::Chunk => T::NAMES[0],
            Step::Combine => T::NAMES[1],
            Step::Aggregate => T::NAMES[2],
        }
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let out = match self.step {
            Step::Chunk => {
                let source = self.source.as_ref().expect("chunk steps read a partition");
                self.tree.chunk(&*source.eval(inputs)?)?
            }
            Step::Combine => self.tree.merge(inputs)?,
            Step::Aggregate => self.tree.finish(self.tree.merge(inputs)?)?,
        };
        Ok(Value::Frame(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// [`reduction_tree`] with the steps of `tree`.
pub(crate) fn frame_tree<T: FrameTree>(
    name: &str,
    input: &Arc<FrameExpr>,
    columns: &[PlSmallStr],
    split_every: usize,
    tree: T,
) -> Arc<Node> {
    let tree = Arc::new(tree);
    let kernel = move |step, source| -> Arc<dyn Kernel> {
        Arc::new(TreeStep {
            step,
            tree: tree.clone(),
            source,
        })
    };
    reduction_tree(name, input, columns, split_every, &kernel)
}

/// One step of a reduction tree.
struct ReduceKernel {
    step: Step,
    specs: Arc<Vec<ReduceSpec>>,
    source: Option<Partition>,
}

impl ReduceKernel {
    fn aggs(&self) -> Vec<AggSpec> {
        self.specs.iter().map(|s| s.agg.clone()).collect()
    }

    fn chunk(&self, df: &DataFrame) -> FxResult<ReducePartial> {
        // NaN is missing, as null is: the group-by kernels skip nulls.
        let mut clean = df.clone();
        for col in df.columns() {
            if col.dtype().is_float() {
                let s = nan_to_null(col.as_materialized_series())?;
                clean.with_column(s.into_column())?;
            }
        }
        let missing = self
            .specs
            .iter()
            .map(|s| Ok(clean.column(&s.agg.column)?.null_count() > 0))
            .collect::<FxResult<Vec<_>>>()?;
        let partial = groupby::chunk(&clean, &[], &self.aggs(), true)?;
        Ok(ReducePartial {
            partial: Arc::new(partial),
            missing,
        })
    }

    fn merge(&self, inputs: &[Value]) -> FxResult<(Vec<Arc<DataFrame>>, Vec<bool>)> {
        let mut missing = vec![false; self.specs.len()];
        let mut partials = Vec::with_capacity(inputs.len());
        for v in inputs {
            let p = ReducePartial::from_value(v)?;
            for (m, seen) in missing.iter_mut().zip(p.missing) {
                *m |= seen;
            }
            partials.push(p.partial);
        }
        Ok((partials, missing))
    }

    fn finish(&self, df: DataFrame, missing: &[bool]) -> FxResult<DataFrame> {
        let mut out = df;
        for (spec, &seen) in self.specs.iter().zip(missing) {
            if !seen {
                continue;
            }
            let name = spec.agg.output.as_str();
            let col = out.column(name)?.as_materialized_series().clone();
            let replaced = match spec.missing {
                Missing::Skip => continue,
                Missing::Propagate => Series::full_null(col.name().clone(), col.len(), col.dtype()),
                Missing::Truthy => {
                    BooleanChunked::full(col.name().clone(), true, col.len()).into_series()
                }
                Missing::Counted => &col + 1i64,
            };
            out.with_column(replaced.into_column())?;
        }
        Ok(out)
    }
}

impl Kernel for ReduceKernel {
    fn name(&self) -> &str {
        match self.step {
            Step::Chunk => "reduce-chunk",
            Step::Combine => "reduce-combine",
            Step::Aggregate => "reduce-agg",
        }
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        match self.step {
            Step::Chunk => {
                let source = self.source.as_ref().expect("chunk steps read a partition");
                self.chunk(&*source.eval(inputs)?)?.into_value()
            }
            Step::Combine => {
                let (partials, missing) = self.merge(inputs)?;
                let refs: Vec<&DataFrame> = partials.iter().map(|p| &**p).collect();
                let partial = groupby::combine(&refs, &[], &self.aggs())?;
                ReducePartial {
                    partial: Arc::new(partial),
                    missing,
                }
                .into_value()
            }
            Step::Aggregate => {
                let (partials, missing) = self.merge(inputs)?;
                let refs: Vec<&DataFrame> = partials.iter().map(|p| &**p).collect();
                let out = groupby::aggregate(&refs, &[], &self.aggs())?;
                Ok(Value::Frame(Arc::new(self.finish(out, &missing)?)))
            }
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Whole-frame reductions with missing-value rules: one partition of one
/// row, a column per aggregation.
pub struct ReduceOp {
    input: Arc<FrameExpr>,
    specs: Arc<Vec<ReduceSpec>>,
    split_every: usize,
}

impl FrameOp for ReduceOp {
    fn label(&self) -> &str {
        "reduce"
    }
    fn token(&self) -> u64 {
        let parts: Vec<(&str, &str, &str, u8, String, Missing)> = self
            .specs
            .iter()
            .map(|s| {
                (
                    s.agg.column.as_str(),
                    s.agg.op.name(),
                    s.agg.output.as_str(),
                    s.agg.ddof,
                    s.agg.q.to_string(),
                    s.missing,
                )
            })
            .collect();
        token_of((parts, self.split_every))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, _i: usize) -> Arc<Node> {
        let wanted: Vec<PlSmallStr> = self
            .specs
            .iter()
            .map(|s| PlSmallStr::from(s.agg.column.as_str()))
            .collect();
        let (columns, _) = super::sort::needed(&self.input, &wanted);
        let specs = self.specs.clone();
        let kernel = move |step, source| -> Arc<dyn Kernel> {
            Arc::new(ReduceKernel {
                step,
                specs: specs.clone(),
                source,
            })
        };
        reduction_tree(&e.name, &self.input, &columns, self.split_every, &kernel)
    }
    fn one_row(&self) -> bool {
        true
    }
    fn describe(&self) -> String {
        let labels: Vec<String> = self
            .specs
            .iter()
            .map(|s| {
                format!(
                    "{}={}({}, missing={:?})",
                    s.agg.output,
                    s.agg.op.name(),
                    s.agg.column,
                    s.missing
                )
            })
            .collect();
        format!("Reduce [{}]", labels.join(", "))
    }
}

/// Whole-frame reductions of `input` with missing-value rules (one row).
pub fn reduce(
    input: &Arc<FrameExpr>,
    specs: Vec<ReduceSpec>,
    split_every: usize,
) -> FxResult<Arc<FrameExpr>> {
    let mut schema = Schema::with_capacity(specs.len());
    for s in &specs {
        let dtype = input.dtype(&s.agg.column)?;
        let out = s.agg.op.output_dtype(dtype)?;
        if schema.contains(s.agg.output.as_str()) {
            return Err(FxError::InvalidArgument(format!(
                "duplicate column '{}'",
                s.agg.output
            )));
        }
        if s.missing == Missing::Counted && s.agg.op != AggOp::NUnique {
            return Err(FxError::InvalidArgument(
                "only `nunique` counts missing values as a value".into(),
            ));
        }
        schema.insert(s.agg.output.as_str().into(), out);
    }
    let op = ReduceOp {
        input: input.clone(),
        specs: Arc::new(specs),
        split_every: split_every.max(2),
    };
    Ok(FrameExpr::op(Arc::new(op), schema, 0, Vec::new(), 1))
}
