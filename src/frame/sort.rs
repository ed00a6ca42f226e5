//! Global sorts (`sort_values`, `set_index`) and top-n reductions
//! (`nlargest`, `nsmallest`).
//!
//! A sort samples the first key of every partition (evenly spaced values
//! of its sorted non-missing keys, each weighted by the partition's length
//! over the sample's), merges the samples into weighted quantiles — the
//! boundaries `[min, b1, …, b(n-1), max]`, which are also the divisions of
//! a `set_index` — then range-splits every partition by them and stably
//! sorts each output partition's pieces ([`super::shuffle`]). Rows whose
//! first keys are equal land in the same output partition, so later keys
//! and ties are resolved there; pieces are stacked in input order, so the
//! sort is stable overall (pandas' `kind="stable"`). Missing keys (null,
//! NaN) go first or last, per `na_position`.
//!
//! A frame without index columns gets its default index materialized
//! first: the index follows the rows.
//!
//! `nlargest` / `nsmallest` keep the top `n` rows of each partition, then
//! of groups of `split_every` partials, then of the last one: a tree
//! reduction whose partial state is a frame of at most `n` rows.

use std::sync::{Arc, OnceLock};

use polars_core::prelude::*;

use super::expr::{index_column, token_of, FrameExpr, FrameOp};
use super::lower::{node_with, partition};
use super::shuffle::{missing, sort_frame, stack, After, GatherKernel, SplitBy, SplitKernel};
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Key, Node, Op};
use crate::value::Value;

pub(crate) fn key(name: &str, i: usize) -> Key {
    Key::Tuple(Arc::from(name), Box::new([i as i64]))
}

pub(crate) fn frames(inputs: &[Value]) -> FxResult<Vec<Arc<DataFrame>>> {
    inputs
        .iter()
        .map(|v| match v {
            Value::Frame(df) => Ok(df.clone()),
            _ => Err(FxError::DType("a frame partition was expected".into())),
        })
        .collect()
}

/// The columns of `e` among `wanted`, in `e`'s schema order, and their
/// schema.
pub(crate) fn needed(e: &FrameExpr, wanted: &[PlSmallStr]) -> (Vec<PlSmallStr>, Arc<Schema>) {
    let mut schema = Schema::with_capacity(wanted.len());
    for (n, d) in e.schema.iter() {
        if wanted.contains(n) {
            schema.insert(n.clone(), d.clone());
        }
    }
    (schema.iter_names().cloned().collect(), Arc::new(schema))
}

/// Sample size per partition, for `pieces` output partitions.
fn sample_size(pieces: usize) -> usize {
    (20 * pieces).clamp(100, 10_000)
}

/// Sample step: evenly spaced values of the sorted non-missing keys
/// (first and last included), each weighted by `len / sample length`.
struct SampleKernel {
    key: PlSmallStr,
    size: usize,
    source: Partition,
}

use super::kernels::Partition;

impl Kernel for SampleKernel {
    fn name(&self) -> &str {
        "sort-sample"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = self.source.eval(inputs)?;
        let s = df.column(&self.key)?.as_materialized_series();
        let present = !missing(s)?;
        let s = s.filter(&present)?;
        let s = s.sort(SortOptions::default().with_multithreaded(false))?;
        let n = s.len();
        let m = n.min(self.size);
        let positions: Vec<IdxSize> = (0..m)
            .map(|k| {
                if m == 1 {
                    0
                } else {
                    (k * (n - 1) / (m - 1)) as IdxSize
                }
            })
            .collect();
        let values = s.take(&IdxCa::from_vec(PlSmallStr::EMPTY, positions))?;
        let weight = if m == 0 { 0.0 } else { n as f64 / m as f64 };
        let weights = Float64Chunked::from_vec("weight".into(), vec![weight; m]);
        let out = DataFrame::new(
            m,
            vec![
                values.with_name("value".into()).into_column(),
                weights.into_column(),
            ],
        )?;
        Ok(Value::Frame(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Bounds step: the samples' weighted quantiles `[min, b1, …, b(n-1),
/// max]` as a one-column frame (empty when there are no keys).
struct BoundsKernel {
    pieces: usize,
}

impl Kernel for BoundsKernel {
    fn name(&self) -> &str {
        "sort-bounds"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let parts = frames(inputs)?;
        let schema = parts[0].schema().clone();
        let all = stack(&parts, &schema)?;
        let all = sort_frame(&all, &["value".into()], &[false], true)?;
        let values = all.column("value")?.as_materialized_series();
        let weights = all
            .column("weight")?
            .as_materialized_series()
            .f64()?
            .clone();
        let n = values.len();
        if n == 0 {
            let empty = values.clear().with_name("bounds".into());
            return Ok(Value::Frame(Arc::new(DataFrame::new(
                0,
                vec![empty.into()],
            )?)));
        }
        let total: f64 = weights.into_no_null_iter().sum();
        let mut picks: Vec<IdxSize> = vec![0];
        let mut cum = 0.0;
        let mut row = 0usize;
        for j in 1..self.pieces {
            let target = total * j as f64 / self.pieces as f64;
            while row < n - 1 && cum + weights.get(row).unwrap_or(0.0) <= target {
                cum += weights.get(row).unwrap_or(0.0);
                row += 1;
            }
            picks.push(row as IdxSize);
        }
        picks.push((n - 1) as IdxSize);
        let bounds = values.take(&IdxCa::from_vec(PlSmallStr::EMPTY, picks))?;
        let bounds = bounds.with_name("bounds".into());
        Ok(Value::Frame(Arc::new(DataFrame::new(
            bounds.len(),
            vec![bounds.into()],
        )?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The sample → bounds → split layers of a range shuffle of `input` by
/// `key` into `pieces` partitions, reading `columns`.
pub struct RangeShuffle {
    /// The boundaries (also the divisions of an ascending sort).
    pub bounds: Arc<Node>,
    /// One split task per input partition.
    pub splits: Vec<Arc<Node>>,
}

/// Build the layers of a range shuffle.
pub fn range_shuffle(
    input: &Arc<FrameExpr>,
    key_col: &PlSmallStr,
    descending: bool,
    nulls_last: bool,
    pieces: usize,
    columns: &[PlSmallStr],
    name: &str,
) -> RangeShuffle {
    let size = sample_size(pieces);
    let samples: Vec<Arc<Node>> = (0..input.npartitions)
        .map(|p| {
            let mut deps = Vec::new();
            let source = partition(input, p, std::slice::from_ref(key_col), &mut deps);
            let op = SampleKernel {
                key: key_col.clone(),
                size,
                source,
            };
            Node::new(
                key(&format!("{name}-sample"), p),
                Op::Kernel(Arc::new(op)),
                deps,
            )
        })
        .collect();
    let bounds = Node::new(
        key(&format!("{name}-bounds"), 0),
        Op::Kernel(Arc::new(BoundsKernel { pieces })),
        samples,
    );
    let splits = (0..input.npartitions)
        .map(|p| {
            let mut deps = Vec::new();
            let source = partition(input, p, columns, &mut deps);
            deps.push(bounds.clone());
            let by = SplitBy::Range {
                key: key_col.clone(),
                descending,
                nulls_last,
                bounds: (deps.len() - 1) as u32,
            };
            let op = SplitKernel { by, pieces, source };
            Node::new(
                key(&format!("{name}-split"), p),
                Op::Kernel(Arc::new(op)),
                deps,
            )
        })
        .collect();
    RangeShuffle { bounds, splits }
}

/// A global, stable sort by `by`; the output columns are `rename`'s
/// (input column → output column).
pub struct SortOp {
    input: Arc<FrameExpr>,
    by: Vec<PlSmallStr>,
    descending: Vec<bool>,
    nulls_last: bool,
    rename: Vec<(PlSmallStr, PlSmallStr)>,
    layers: OnceLock<RangeShuffle>,
}

impl SortOp {
    fn columns(&self) -> (Vec<PlSmallStr>, Arc<Schema>) {
        let mut wanted: Vec<PlSmallStr> = self.rename.iter().map(|(s, _)| s.clone()).collect();
        wanted.extend(self.by.iter().cloned());
        needed(&self.input, &wanted)
    }

    fn layers(&self, name: &str) -> &RangeShuffle {
        self.layers.get_or_init(|| {
            let (columns, _) = self.columns();
            range_shuffle(
                &self.input,
                &self.by[0],
                self.descending[0],
                self.nulls_last,
                self.input.npartitions,
                &columns,
                name,
            )
        })
    }
}

impl FrameOp for SortOp {
    fn label(&self) -> &str {
        "sort"
    }
    fn token(&self) -> u64 {
        token_of((&self.by, &self.descending, self.nulls_last, &self.rename))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let (columns, schema) = self.columns();
        let gather = GatherKernel {
            piece: (self.input.npartitions > 1).then_some(i),
            schema,
            after: After::Sort {
                by: self.by.clone(),
                descending: self.descending.clone(),
                nulls_last: self.nulls_last,
            },
            rename: Some(self.rename.clone()),
        };
        let deps = if self.input.npartitions == 1 {
            vec![node_with(&self.input, 0, &columns)]
        } else {
            self.layers(&e.name).splits.clone()
        };
        Node::new(key(&e.name, i), Op::Kernel(Arc::new(gather)), deps)
    }
    fn divisions(&self, e: &Arc<FrameExpr>) -> Option<Arc<Node>> {
        // Only a sort by the (first) index column bounds the index.
        let by_index = self
            .rename
            .iter()
            .any(|(src, dst)| *src == self.by[0] && *dst == index_column(0));
        if self.descending[0] || !self.nulls_last || !by_index {
            return None;
        }
        Some(self.layers(&e.name).bounds.clone())
    }
    fn describe(&self) -> String {
        format!("sort by {:?}", self.by)
    }
}

fn check_sortable(e: &FrameExpr, by: &[String]) -> FxResult<()> {
    if by.is_empty() {
        return Err(FxError::InvalidArgument(
            "`by` must name at least one column".into(),
        ));
    }
    for k in by {
        let d = e.dtype(k)?;
        if matches!(d, DataType::List(_) | DataType::Struct(_)) {
            return Err(FxError::DType(format!(
                "cannot sort by column '{k}' of dtype {d}"
            )));
        }
    }
    Ok(())
}

/// `sort_values(by, ascending, na_position)`: a global stable sort, the
/// index following the rows.
pub fn sort_values(
    input: &Arc<FrameExpr>,
    by: &[String],
    ascending: &[bool],
    nulls_last: bool,
) -> FxResult<Arc<FrameExpr>> {
    check_sortable(input, by)?;
    if ascending.len() != by.len() {
        return Err(FxError::InvalidArgument(format!(
            "Length of ascending ({}) != length of by ({})",
            ascending.len(),
            by.len()
        )));
    }
    let input = input.row_index();
    let rename = input
        .schema
        .iter_names()
        .map(|n| (n.clone(), n.clone()))
        .collect();
    let op = SortOp {
        input: input.clone(),
        by: by.iter().map(|b| b.as_str().into()).collect(),
        descending: ascending.iter().map(|a| !a).collect(),
        nulls_last,
        rename,
        layers: OnceLock::new(),
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        (*input.schema).clone(),
        input.nindex,
        input.index_names.clone(),
        input.npartitions,
    ))
}

/// `sort_index()`: a global stable sort by the index columns (missing
/// values last).
pub fn sort_index(input: &Arc<FrameExpr>) -> FxResult<Arc<FrameExpr>> {
    let input = input.row_index();
    let by = input.index_columns();
    let rename = input
        .schema
        .iter_names()
        .map(|n| (n.clone(), n.clone()))
        .collect();
    let op = SortOp {
        input: input.clone(),
        descending: vec![false; by.len()],
        by,
        nulls_last: true,
        rename,
        layers: OnceLock::new(),
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        (*input.schema).clone(),
        input.nindex,
        input.index_names.clone(),
        input.npartitions,
    ))
}

/// `set_index(column)` on unsorted data: sorted by `column`, which becomes
/// the index (the old index dropped); `drop=false` keeps it as a column
/// too. The divisions are the sort's boundaries.
pub fn set_index(input: &Arc<FrameExpr>, column: &str, drop: bool) -> FxResult<Arc<FrameExpr>> {
    check_sortable(input, &[column.to_string()])?;
    let col: PlSmallStr = column.into();
    let mut rename = vec![(col.clone(), index_column(0))];
    let mut schema = Schema::with_capacity(input.schema.len());
    schema.insert(index_column(0), input.dtype(column)?.clone());
    for (n, d) in input.schema.iter().skip(input.nindex) {
        if *n == col && drop {
            continue;
        }
        rename.push((n.clone(), n.clone()));
        schema.insert(n.clone(), d.clone());
    }
    let op = SortOp {
        input: input.clone(),
        by: vec![col],
        descending: vec![false],
        nulls_last: true,
        rename,
        layers: OnceLock::new(),
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        schema,
        1,
        vec![Some(column.to_string())],
        input.npartitions,
    ))
}

/// One step of a top-n tree: the first `n` rows of the stacked inputs
/// after a stable sort (missing keys last).
struct TopKernel {
    by: Vec<PlSmallStr>,
    descending: bool,
    n: usize,
    schema: Arc<Schema>,
    source: Option<Partition>,
}

impl Kernel for TopKernel {
    fn name(&self) -> &str {
        "top-n"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = match &self.source {
            Some(p) => (*p.eval(inputs)?).clone(),
            None => stack(&frames(inputs)?, &self.schema)?,
        };
        let descending = vec![self.descending; self.by.len()];
        let sorted = sort_frame(&df, &self.by, &descending, true)?;
        Ok(Value::Frame(Arc::new(sorted.head(Some(self.n)))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `nlargest(n, columns)` / `nsmallest`: a tree reduction into one
/// partition.
pub struct TopOp {
    input: Arc<FrameExpr>,
    by: Vec<PlSmallStr>,
    descending: bool,
    n: usize,
    split_every: usize,
}

impl FrameOp for TopOp {
    fn label(&self) -> &str {
        if self.descending {
            "nlargest"
        } else {
            "nsmallest"
        }
    }
    fn token(&self) -> u64 {
        token_of((&self.by, self.descending, self.n, self.split_every))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let columns: Vec<PlSmallStr> = self.input.schema.iter_names().cloned().collect();
        let step = |source| TopKernel {
            by: self.by.clone(),
            descending: self.descending,
            n: self.n,
            schema: self.input.schema.clone(),
            source,
        };
        let mut level: Vec<Arc<Node>> = (0..self.input.npartitions)
            .map(|p| {
                let mut deps = Vec::new();
                let source = partition(&self.input, p, &columns, &mut deps);
                let name = format!("{}-chunk", e.name);
                Node::new(
                    key(&name, p),
                    Op::Kernel(Arc::new(step(Some(source)))),
                    deps,
                )
            })
            .collect();
        let mut depth = 0;
        while level.len() > self.split_every {
            let name = format!("{}-combine-{depth}", e.name);
            level = level
                .chunks(self.split_every)
                .enumerate()
                .map(|(j, group)| {
                    Node::new(
                        key(&name, j),
                        Op::Kernel(Arc::new(step(None))),
                        group.to_vec(),
                    )
                })
                .collect();
            depth += 1;
        }
        Node::new(key(&e.name, i), Op::Kernel(Arc::new(step(None))), level)
    }
}

/// `nlargest(n, columns)` (`largest`) or `nsmallest(n, columns)`.
pub fn top_n(
    input: &Arc<FrameExpr>,
    n: usize,
    by: &[String],
    largest: bool,
    split_every: usize,
) -> FxResult<Arc<FrameExpr>> {
    check_sortable(input, by)?;
    let method = if largest { "nlargest" } else { "nsmallest" };
    for k in by {
        let d = input.dtype(k)?;
        if !(d.is_primitive_numeric() || d.is_bool() || d.is_temporal()) {
            return Err(FxError::DType(format!(
                "Column '{k}' has dtype {}, cannot use method '{method}' with this dtype",
                super::expr::pandas_dtype_name(d)
            )));
        }
    }
    let input = input.row_index();
    let op = TopOp {
        input: input.clone(),
        by: by.iter().map(|b| b.as_str().into()).collect(),
        descending: largest,
        n,
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
