//! Shuffles: moving rows between partitions.
//!
//! A shuffle is two task layers. A *split* task reads one input partition
//! and cuts it into `pieces` frames ([`Value::Frames`]): by the range of a
//! sort key against boundaries computed from a sample (sorts, `set_index`),
//! by the hash of key columns (joins), or into row ranges (`repartition`).
//! A *gather* task for output partition `j` takes piece `j` of every split
//! task, in input order, and stacks them, so rows that stay together keep
//! their relative order; an optional final step (a stable sort) runs in
//! the same task.
//!
//! Missing values (null, and NaN in float keys, which pandas treats as
//! missing) go to the first or the last piece of a range split.

use std::sync::Arc;

use polars_core::chunked_array::ops::search_sorted::SearchSortedSide;
use polars_core::prelude::*;
use polars_ops::prelude::search_sorted;

use super::expr::{token_of, FrameExpr, FrameOp};
use super::kernels::{conform, Partition};
use super::lower::partition;
use super::sort::key as sort_key;
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Node, Op};
use crate::value::Value;

/// How a split task assigns rows to pieces.
#[derive(Clone, Debug)]
pub enum SplitBy {
    /// By the value of `key` against sorted boundaries: the task input
    /// `bounds` holds a one-column frame `[min, b1, …, b(pieces-1), max]`
    /// ([`super::sort`]); piece `j` gets the values in `[b(j), b(j+1))`.
    Range {
        /// The key column.
        key: PlSmallStr,
        /// Pieces in descending key order.
        descending: bool,
        /// Missing keys go to the last piece (else the first).
        nulls_last: bool,
        /// The task input holding the boundaries.
        bounds: u32,
    },
    /// By the hash of `keys` (cast to `dtypes` first, so both sides of a
    /// join hash equal values alike).
    Hash {
        /// Key columns.
        keys: Vec<PlSmallStr>,
        /// The dtype each key is hashed as.
        dtypes: Vec<DataType>,
    },
    /// Into row ranges of near-equal length.
    Rows,
}

/// A split task: one partition into `pieces` frames.
pub struct SplitKernel {
    /// The assignment rule.
    pub by: SplitBy,
    /// Number of pieces.
    pub pieces: usize,
    /// The partition (a fused read).
    pub source: Partition,
}

/// The missing values of `s`: nulls, and NaN in a float column.
pub fn missing(s: &Series) -> FxResult<BooleanChunked> {
    let nulls = s.is_null();
    if s.dtype().is_float() {
        let nan = s.is_nan()?.fill_null_with_values(false)?;
        return Ok(&nulls | &nan);
    }
    Ok(nulls)
}

/// `s` with NaN replaced by null (pandas treats both as missing).
pub fn nan_to_null(s: &Series) -> FxResult<Series> {
    if !s.dtype().is_float() || s.null_count() == s.len() {
        return Ok(s.clone());
    }
    let nan = s.is_nan()?.fill_null_with_values(false)?;
    if !nan.any() {
        return Ok(s.clone());
    }
    let nulls = Series::full_null(s.name().clone(), s.len(), s.dtype());
    Ok(nulls.zip_with(&nan, s)?)
}

fn range_assignment(
    s: &Series,
    bounds: &Series,
    pieces: usize,
    descending: bool,
    nulls_last: bool,
) -> FxResult<Vec<u32>> {
    let last = (pieces - 1) as u32;
    let miss = missing(s)?;
    // The inner boundaries b1 … b(pieces-1).
    let inner = if bounds.len() >= 2 {
        bounds.slice(1, bounds.len() - 2)
    } else {
        bounds.clear()
    };
    let values = s.cast(bounds.dtype())?;
    let idx = search_sorted(&inner, &values, SearchSortedSide::Right, false)?;
    let out = idx
        .iter()
        .zip(miss.iter())
        .map(|(j, m)| {
            if m == Some(true) {
                return if nulls_last { last } else { 0 };
            }
            let j = (j.unwrap_or(0) as usize).min(last as usize) as u32;
            if descending {
                last - j
            } else {
                j
            }
        })
        .collect();
    Ok(out)
}

/// The piece of every row of `df` by the hash of `keys` (cast to `dtypes`).
pub fn hash_assignment(
    df: &DataFrame,
    keys: &[PlSmallStr],
    dtypes: &[DataType],
    pieces: usize,
) -> FxResult<Vec<u32>> {
    let mut hashes = Vec::with_capacity(df.height());
    for (i, (k, d)) in keys.iter().zip(dtypes).enumerate() {
        let s = df.column(k)?.as_materialized_series().cast(d)?;
        let s = nan_to_null(&s)?;
        let state = PlSeedableRandomStateQuality::seed_from_u64(0x5eed);
        if i == 0 {
            s.vec_hash(state, &mut hashes)?;
        } else {
            s.vec_hash_combine(state, &mut hashes)?;
        }
    }
    if keys.is_empty() {
        hashes = vec![0; df.height()];
    }
    Ok(hashes.iter().map(|h| (h % pieces as u64) as u32).collect())
}

/// `df` cut into `pieces` frames by a row → piece assignment, each keeping
/// the rows' order.
pub fn split_by(df: &DataFrame, assign: &[u32], pieces: usize) -> FxResult<Vec<Arc<DataFrame>>> {
    let mut rows: Vec<Vec<IdxSize>> = vec![Vec::new(); pieces];
    for (i, &j) in assign.iter().enumerate() {
        rows[j as usize].push(i as IdxSize);
    }
    rows.into_iter()
        .map(|r| {
            let idx = IdxCa::from_vec(PlSmallStr::EMPTY, r);
            Ok(Arc::new(df.take(&idx)?))
        })
        .collect()
}

/// `df` cut into `pieces` row ranges of near-equal length.
pub fn split_rows(df: &DataFrame, pieces: usize) -> Vec<Arc<DataFrame>> {
    let n = df.height();
    (0..pieces)
        .map(|p| {
            let (a, b) = (p * n / pieces, (p + 1) * n / pieces);
            Arc::new(df.slice(a as i64, b - a))
        })
        .collect()
}

impl Kernel for SplitKernel {
    fn name(&self) -> &str {
        "shuffle-split"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = self.source.eval(inputs)?;
        let parts = match &self.by {
            SplitBy::Rows => split_rows(&df, self.pieces),
            SplitBy::Range {
                key,
                descending,
                nulls_last,
                bounds,
            } => {
                let bounds = super::kernels::frame_input(inputs, *bounds as usize)?;
                let b = bounds.columns()[0].as_materialized_series();
                let s = df.column(key)?.as_materialized_series();
                let assign = range_assignment(s, b, self.pieces, *descending, *nulls_last)?;
                split_by(&df, &assign, self.pieces)?
            }
            SplitBy::Hash { keys, dtypes } => {
                let assign = hash_assignment(&df, keys, dtypes, self.pieces)?;
                split_by(&df, &assign, self.pieces)?
            }
        };
        Ok(Value::Frames(Arc::new(parts)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Frames stacked in order, each conformed to `schema` (partitions may
/// disagree on a dtype the schema fixes).
pub fn stack(frames: &[Arc<DataFrame>], schema: &Schema) -> FxResult<DataFrame> {
    let columns: Vec<PlSmallStr> = schema.iter_names().cloned().collect();
    let mut out: Option<DataFrame> = None;
    for df in frames {
        let df = if df.schema().as_ref() == schema {
            (**df).clone()
        } else {
            conform(df, schema, &columns)?
        };
        match &mut out {
            None => out = Some(df),
            Some(acc) => {
                acc.vstack_mut_owned(df)?;
            }
        }
    }
    let mut out = out.unwrap_or_else(|| DataFrame::empty_with_schema(schema));
    out.rechunk_mut_par();
    Ok(out)
}

/// A stable sort of `df` by `by` (NaN as missing), nulls first or last.
pub fn sort_frame(
    df: &DataFrame,
    by: &[PlSmallStr],
    descending: &[bool],
    nulls_last: bool,
) -> FxResult<DataFrame> {
    if by.is_empty() || df.height() < 2 {
        return Ok(df.clone());
    }
    let mut keyed = df.clone();
    let mut names = Vec::with_capacity(by.len());
    for (i, k) in by.iter().enumerate() {
        let s = nan_to_null(df.column(k)?.as_materialized_series())?;
        let name: PlSmallStr = format!("__sort_key_{i}__").into();
        keyed.with_column(s.with_name(name.clone()).into_column())?;
        names.push(name);
    }
    let options = SortMultipleOptions::default()
        .with_order_descending_multi(descending.iter().copied())
        .with_nulls_last(nulls_last)
        .with_maintain_order(true)
        .with_multithreaded(false);
    let sorted = keyed.sort(names.clone(), options)?;
    Ok(sorted.select(df.get_column_names_owned())?)
}

/// What a gather task does with the stacked pieces.
#[derive(Clone, Debug)]
pub enum After {
    /// Nothing.
    Nothing,
    /// A stable sort.
    Sort {
        /// Key columns.
        by: Vec<PlSmallStr>,
        /// Descending, per key.
        descending: Vec<bool>,
        /// Missing keys last.
        nulls_last: bool,
    },
}

impl After {
    /// Apply the step.
    pub fn apply(&self, df: DataFrame) -> FxResult<DataFrame> {
        match self {
            After::Nothing => Ok(df),
            After::Sort {
                by,
                descending,
                nulls_last,
            } => sort_frame(&df, by, descending, *nulls_last),
        }
    }
}

/// A gather task: piece `piece` of every input (split tasks), or every
/// input whole (`None`), stacked in order; then `after`, then the columns
/// renamed by `rename` (`(input column, output column)`, in output order).
pub struct GatherKernel {
    /// Which piece of each input (`None`: inputs are whole partitions).
    pub piece: Option<usize>,
    /// The inputs' schema.
    pub schema: Arc<Schema>,
    /// The final step.
    pub after: After,
    /// Output columns.
    pub rename: Option<Vec<(PlSmallStr, PlSmallStr)>>,
}

/// Input frames of a gather: piece `piece` of split outputs, or whole frames.
pub fn pieces(inputs: &[Value], piece: Option<usize>) -> FxResult<Vec<Arc<DataFrame>>> {
    inputs
        .iter()
        .map(|v| match (v, piece) {
            (Value::Frames(parts), Some(j)) => parts
                .get(j)
                .cloned()
                .ok_or_else(|| FxError::Index(format!("a split has no piece {j}"))),
            (Value::Frame(df), None) => Ok(df.clone()),
            _ => Err(FxError::DType("shuffle pieces were expected".into())),
        })
        .collect()
}

/// `df`'s columns `rename` (input name → output name), in that order.
pub fn relabel(df: &DataFrame, rename: &[(PlSmallStr, PlSmallStr)]) -> FxResult<DataFrame> {
    let cols = rename
        .iter()
        .map(|(src, dst)| Ok(df.column(src)?.clone().with_name(dst.clone())))
        .collect::<FxResult<Vec<_>>>()?;
    Ok(DataFrame::new(df.height(), cols)?)
}

impl Kernel for GatherKernel {
    fn name(&self) -> &str {
        "shuffle-gather"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let frames = pieces(inputs, self.piece)?;
        let df = self.after.apply(stack(&frames, &self.schema)?)?;
        let df = match &self.rename {
            Some(r) => relabel(&df, r)?,
            None => df,
        };
        Ok(Value::Frame(Arc::new(df)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `df` hash-partitioned by key columns (what `groupby(...).apply` needs:
/// every group in one partition). Rows keep their relative order within a
/// partition, and a default index is materialized first so it follows the
/// rows.
pub struct HashPartitionOp {
    input: Arc<FrameExpr>,
    keys: Vec<PlSmallStr>,
    splits: std::sync::OnceLock<Vec<Arc<Node>>>,
}

impl FrameOp for HashPartitionOp {
    fn label(&self) -> &str {
        "hash-partition"
    }
    fn token(&self) -> u64 {
        token_of(&self.keys)
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let pieces = e.npartitions;
        let splits = self.splits.get_or_init(|| {
            let columns: Vec<PlSmallStr> = self.input.schema.iter_names().cloned().collect();
            let dtypes: Vec<DataType> = self
                .keys
                .iter()
                .map(|k| self.input.schema.get(k).cloned().unwrap_or(DataType::Null))
                .collect();
            (0..self.input.npartitions)
                .map(|p| {
                    let mut deps = Vec::new();
                    let source = partition(&self.input, p, &columns, &mut deps);
                    let op = SplitKernel {
                        by: SplitBy::Hash {
                            keys: self.keys.clone(),
                            dtypes: dtypes.clone(),
                        },
                        pieces,
                        source,
                    };
                    let name = format!("{}-split", e.name);
                    Node::new(sort_key(&name, p), Op::Kernel(Arc::new(op)), deps)
                })
                .collect()
        });
        let gather = GatherKernel {
            piece: Some(i),
            schema: self.input.schema.clone(),
            after: After::Nothing,
            rename: None,
        };
        Node::new(
            sort_key(&e.name, i),
            Op::Kernel(Arc::new(gather)),
            splits.clone(),
        )
    }
}

/// `input` hash-partitioned by `keys` into `npartitions` partitions.
pub fn hash_partition(
    input: &Arc<FrameExpr>,
    keys: &[String],
    npartitions: usize,
) -> FxResult<Arc<FrameExpr>> {
    for k in keys {
        input.dtype(k)?;
    }
    fx_ensure_partitions(npartitions)?;
    let input = input.row_index();
    let op = HashPartitionOp {
        input: input.clone(),
        keys: keys.iter().map(|k| k.as_str().into()).collect(),
        splits: std::sync::OnceLock::new(),
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        (*input.schema).clone(),
        input.nindex,
        input.index_names.clone(),
        npartitions,
    ))
}

fn fx_ensure_partitions(npartitions: usize) -> FxResult<()> {
    if npartitions == 0 {
        return Err(FxError::InvalidArgument(
            "`npartitions` must be at least 1, got 0".into(),
        ));
    }
    Ok(())
}
