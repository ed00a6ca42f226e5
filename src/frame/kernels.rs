//! The task kernels frame graphs are made of: producing a partition (a
//! source read with the row-wise steps fused onto it), counting rows, and
//! the group-by chunk / combine / aggregate steps. Each runs natively on
//! polars frames, without the GIL.

use std::sync::Arc;

use polars_core::prelude::*;

use super::colexpr::ColExpr;
use super::groupby::{self, AggSpec};
use super::source::{ReadSpec, Source};
use crate::error::{FxError, FxResult};
use crate::graph::Kernel;
use crate::value::Value;

/// The `i`-th input as a frame partition.
pub fn frame_input(inputs: &[Value], i: usize) -> FxResult<Arc<DataFrame>> {
    match inputs.get(i) {
        Some(Value::Frame(df)) => Ok(df.clone()),
        _ => Err(FxError::DType("a frame partition was expected".into())),
    }
}

/// `df` with exactly `columns` of `schema`, cast to their declared dtypes
/// (for frames made by Python code, whose dtypes may differ from the ones
/// declared by `meta`).
pub fn conform(df: &DataFrame, schema: &Schema, columns: &[PlSmallStr]) -> FxResult<DataFrame> {
    let cols = columns
        .iter()
        .map(|c| {
            let col = df.column(c).map_err(|_| {
                FxError::InvalidArgument(format!(
                    "the computed partition has no column '{c}' (its columns are {:?}); \
                     does `meta` match what the function returns?",
                    df.get_column_names()
                ))
            })?;
            match schema.get(c) {
                // A declared `Enum` stands for any categorical (its
                // categories are known only when computed).
                Some(DataType::Enum(..)) if col.dtype().is_enum() => Ok(col.clone()),
                Some(d) if d != col.dtype() && !d.is_null() => Ok(col.cast(d)?),
                _ => Ok(col.clone()),
            }
        })
        .collect::<FxResult<Vec<_>>>()?;
    Ok(DataFrame::new(df.height(), cols)?)
}

/// A scalar input of a task: row 0 of the last column of a one-row frame.
fn scalar_input(inputs: &[Value], i: u32) -> FxResult<Scalar> {
    let df = frame_input(inputs, i as usize)?;
    let col = df
        .columns()
        .last()
        .ok_or_else(|| FxError::InvalidArgument("a scalar input has no column".into()))?;
    let value = if df.height() == 0 {
        AnyValue::Null
    } else {
        col.get(0)?.into_static()
    };
    Ok(Scalar::new(col.dtype().clone(), value))
}

/// How one partition is produced inside a task: read, or taken from a
/// dependency, then transformed row-wise.
#[derive(Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Partition {
    /// Partition `i` of a source: only `columns`, in that order; the
    /// source's own inputs are the task inputs `inputs`.
    Source {
        /// The source.
        src: Arc<dyn Source>,
        /// Which partition.
        i: usize,
        /// Columns to produce.
        columns: Vec<PlSmallStr>,
        /// Read only this many rows (`head`).
        n_rows: Option<usize>,
        /// Positions of the source's inputs among the task inputs.
        inputs: Vec<u32>,
        /// Rows to keep, evaluated by the source itself (predicate
        /// pushdown; only for sources that take it).
        predicate: Option<ColExpr>,
    },
    /// The task's `n`-th input, then `columns` of it (all if `None`).
    Input(u32, Option<Vec<PlSmallStr>>),
    /// Index columns `keep`, then `exprs`.
    Select {
        /// The input.
        input: Box<Partition>,
        /// Input columns passed through first (index columns).
        keep: Vec<PlSmallStr>,
        /// Computed columns.
        exprs: Vec<(PlSmallStr, ColExpr)>,
        /// Task inputs holding the scalar parameters.
        params: Vec<u32>,
    },
    /// The rows where `predicate` holds, then `columns` of them.
    Filter {
        /// The input.
        input: Box<Partition>,
        /// The predicate.
        predicate: ColExpr,
        /// Task inputs holding its scalar parameters.
        params: Vec<u32>,
        /// Columns to keep, in order.
        columns: Vec<PlSmallStr>,
    },
    /// Row positions as column `column`: `offset` (a task input holding the
    /// number of rows before this partition) plus the row number.
    RowIndex {
        /// The input.
        input: Box<Partition>,
        /// Task input holding the offset.
        offset: u32,
        /// The positions' column.
        column: PlSmallStr,
        /// Columns of the result, in order (the index column among them).
        columns: Vec<PlSmallStr>,
    },
    /// The first rows of a partition.
    Head(Box<Partition>, usize),
}

impl Partition {
    /// Produce the partition.
    pub fn eval(&self, inputs: &[Value]) -> FxResult<Arc<DataFrame>> {
        match self {
            Partition::Source {
                src,
                i,
                columns,
                n_rows,
                inputs: own,
                predicate,
            } => {
                let own: Vec<Value> = own.iter().map(|&j| inputs[j as usize].clone()).collect();
                if columns.is_empty() {
                    // Only the number of rows is needed.
                    let counted = if predicate.is_none() {
                        src.count_rows(*i)
                    } else {
                        None
                    };
                    let height = match (counted, n_rows) {
                        (Some(n), None) => n?,
                        _ => {
                            let first = src.schema().iter_names().next().cloned();
                            let cols: Vec<PlSmallStr> = first.into_iter().collect();
                            let spec = ReadSpec {
                                columns: &cols,
                                predicate: predicate.as_ref(),
                                n_rows: *n_rows,
                            };
                            src.read(*i, &spec, &own)?.height()
                        }
                    };
                    return Ok(Arc::new(DataFrame::new(height, Vec::new())?));
                }
                let spec = ReadSpec {
                    columns,
                    predicate: predicate.as_ref(),
                    n_rows: *n_rows,
                };
                Ok(Arc::new(src.read(*i, &spec, &own)?))
            }
            Partition::Input(i, columns) => {
                let df = frame_input(inputs, *i as usize)?;
                Ok(match columns {
                    None => df,
                    Some(cols) => Arc::new(select(&df, cols)?),
                })
            }
            Partition::Select {
                input,
                keep,
                exprs,
                params,
            } => {
                let df = input.eval(inputs)?;
                let params = params
                    .iter()
                    .map(|&p| scalar_input(inputs, p))
                    .collect::<FxResult<Vec<_>>>()?;
                let mut cols: Vec<Column> = keep
                    .iter()
                    .map(|k| df.column(k).cloned())
                    .collect::<PolarsResult<_>>()?;
                for (name, e) in exprs {
                    let s = match e {
                        ColExpr::Col(c) => df.column(c)?.as_materialized_series().clone(),
                        _ => e.eval(&df, &params)?,
                    };
                    cols.push(s.with_name(name.clone()).into_column());
                }
                Ok(Arc::new(DataFrame::new(df.height(), cols)?))
            }
            Partition::Filter {
                input,
                predicate,
                params,
                columns,
            } => {
                let df = input.eval(inputs)?;
                let params = params
                    .iter()
                    .map(|&p| scalar_input(inputs, p))
                    .collect::<FxResult<Vec<_>>>()?;
                let mask = predicate.eval(&df, &params)?;
                let mask = mask.bool()?.fill_null_with_values(false)?;
                let kept = select(&df, columns)?;
                Ok(Arc::new(kept.filter(&mask)?))
            }
            Partition::RowIndex {
                input,
                offset,
                column,
                columns,
            } => {
                let df = input.eval(inputs)?;
                let offset = match inputs.get(*offset as usize) {
                    Some(Value::Int(n)) => *n,
                    _ => return Err(FxError::DType("a row offset was expected".into())),
                };
                let index: Int64Chunked = (offset..offset + df.height() as i64).map(Some).collect();
                let index = index.with_name(column.clone()).into_column();
                let cols = columns
                    .iter()
                    .map(|c| {
                        if c == index.name() {
                            Ok(index.clone())
                        } else {
                            Ok(df.column(c)?.clone())
                        }
                    })
                    .collect::<FxResult<Vec<_>>>()?;
                Ok(Arc::new(DataFrame::new(df.height(), cols)?))
            }
            Partition::Head(input, n) => Ok(Arc::new(input.eval(inputs)?.head(Some(*n)))),
        }
    }

    /// The first `n` rows: pushed into a source read (it stops there).
    pub fn head(self, n: usize) -> Partition {
        match self {
            Partition::Source {
                src,
                i,
                columns,
                n_rows,
                inputs,
                predicate,
            } => Partition::Source {
                src,
                i,
                columns,
                n_rows: Some(n_rows.map_or(n, |m| m.min(n))),
                inputs,
                predicate,
            },
            Partition::Select {
                input,
                keep,
                exprs,
                params,
            } => Partition::Select {
                input: Box::new(input.head(n)),
                keep,
                exprs,
                params,
            },
            other => Partition::Head(Box::new(other), n),
        }
    }

    /// The number of rows, without evaluating columns where possible.
    pub fn count_rows(&self, inputs: &[Value]) -> FxResult<usize> {
        match self {
            Partition::Source {
                src,
                i,
                n_rows: None,
                predicate: None,
                ..
            } => match src.count_rows(*i) {
                Some(n) => n,
                None => Ok(self.eval(inputs)?.height()),
            },
            Partition::Select { input, .. } => input.count_rows(inputs),
            Partition::RowIndex { input, .. } => input.count_rows(inputs),
            other => Ok(other.eval(inputs)?.height()),
        }
    }
}

fn select(df: &DataFrame, columns: &[PlSmallStr]) -> FxResult<DataFrame> {
    let cols = columns
        .iter()
        .map(|c| df.column(c).cloned())
        .collect::<PolarsResult<Vec<_>>>()?;
    Ok(DataFrame::new(df.height(), cols)?)
}

/// A task counting one partition's rows.
pub struct RowCountKernel(pub Partition);

impl Kernel for RowCountKernel {
    fn name(&self) -> &str {
        "len-chunk"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        Ok(Value::Int(self.0.count_rows(inputs)? as i64))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A task adding its inputs' row counts.
pub struct SumCountsKernel;

impl Kernel for SumCountsKernel {
    fn name(&self) -> &str {
        "len-agg"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let mut total = 0i64;
        for v in inputs {
            match v {
                Value::Int(n) => total += n,
                _ => return Err(FxError::DType("a row count was expected".into())),
            }
        }
        Ok(Value::Int(total))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A task producing one partition.
pub struct PartitionKernel(pub Partition);

impl Kernel for PartitionKernel {
    fn name(&self) -> &str {
        "partition"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        Ok(Value::Frame(self.0.eval(inputs)?))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Which group-by step a [`GroupByKernel`] runs.
#[derive(Clone, Copy, Debug)]
pub enum GroupStep {
    /// A partition to partials.
    Chunk,
    /// Partials to partials.
    Combine,
    /// Partials to the result.
    Aggregate,
}

/// One step of a group-by tree.
pub struct GroupByKernel {
    /// Which step.
    pub step: GroupStep,
    /// Key columns.
    pub keys: Arc<Vec<String>>,
    /// Aggregations.
    pub aggs: Arc<Vec<AggSpec>>,
    /// For the chunk step: the partition (fused read).
    pub source: Option<Partition>,
    /// Rows with a missing key are dropped (else they form a group).
    pub dropna: bool,
    /// For the chunk step: cut the partials into this many pieces by the
    /// hash of the keys, hashed as these dtypes (`split_out`).
    pub split: Option<(usize, Vec<DataType>)>,
    /// For the combine / aggregate steps: the inputs are cut chunks; read
    /// this piece of each.
    pub piece: Option<usize>,
}

impl Kernel for GroupByKernel {
    fn name(&self) -> &str {
        match self.step {
            GroupStep::Chunk => "groupby-chunk",
            GroupStep::Combine => "groupby-combine",
            GroupStep::Aggregate => "groupby-agg",
        }
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let owned = match self.step {
            GroupStep::Chunk => Vec::new(),
            _ => super::shuffle::pieces(inputs, self.piece)?,
        };
        let frames: Vec<&DataFrame> = owned.iter().map(|df| &**df).collect();
        let out = match self.step {
            GroupStep::Chunk => {
                let source = self.source.as_ref().expect("chunk steps read a partition");
                let df =
                    groupby::chunk(&*source.eval(inputs)?, &self.keys, &self.aggs, self.dropna)?;
                if let Some((pieces, dtypes)) = &self.split {
                    let keys: Vec<PlSmallStr> =
                        self.keys.iter().map(|k| k.as_str().into()).collect();
                    let assign = super::shuffle::hash_assignment(&df, &keys, dtypes, *pieces)?;
                    let parts = super::shuffle::split_by(&df, &assign, *pieces)?;
                    return Ok(Value::Frames(Arc::new(parts)));
                }
                df
            }
            GroupStep::Combine => groupby::combine(&frames, &self.keys, &self.aggs)?,
            GroupStep::Aggregate => groupby::aggregate(&frames, &self.keys, &self.aggs)?,
        };
        Ok(Value::Frame(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
