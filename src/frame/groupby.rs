//! Group-by aggregations as a tree: each partition is reduced to partial
//! results per group (chunk), partials are merged in groups of `split_every`
//! (combine), and the last merge finishes them (aggregate): mean = sum /
//! count, sorted by the keys like pandas' default `sort=True`.
//!
//! A partial frame holds the key columns, then the partial columns of each
//! aggregation in order: `sum`, `count` or `size` one column; `mean` two
//! (sum as float64, count); `min` / `max` one.

use polars_core::prelude::*;

use crate::error::{FxError, FxResult};

/// An aggregation pandas' group-by offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggOp {
    /// Sum of the non-missing values (0 for none).
    Sum,
    /// Mean of the non-missing values.
    Mean,
    /// Number of non-missing values.
    Count,
    /// Number of rows.
    Size,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
}

impl AggOp {
    /// Every aggregation, for parsing names.
    pub const ALL: [AggOp; 6] = [
        AggOp::Sum,
        AggOp::Mean,
        AggOp::Count,
        AggOp::Size,
        AggOp::Min,
        AggOp::Max,
    ];

    /// pandas' name.
    pub fn name(self) -> &'static str {
        match self {
            AggOp::Sum => "sum",
            AggOp::Mean => "mean",
            AggOp::Count => "count",
            AggOp::Size => "size",
            AggOp::Min => "min",
            AggOp::Max => "max",
        }
    }
}

/// One aggregation of one column, named `output` in the result.
#[derive(Clone, Debug)]
pub struct AggSpec {
    /// The aggregated column.
    pub column: String,
    /// The aggregation.
    pub op: AggOp,
    /// The result column's name.
    pub output: String,
}

fn partial_name(i: usize, part: &str) -> PlSmallStr {
    format!("__agg{i}_{part}").into()
}

/// Group `df` by `keys` (rows with a missing key dropped).
fn grouped<'a>(df: &'a DataFrame, keys: &[String]) -> FxResult<GroupBy<'a>> {
    Ok(df.group_by(keys.iter().map(|k| k.as_str()))?)
}

fn drop_missing_keys(df: &DataFrame, keys: &[String]) -> FxResult<DataFrame> {
    let mut mask: Option<BooleanChunked> = None;
    for k in keys {
        let col = df.column(k)?;
        if col.null_count() == 0 {
            continue;
        }
        let valid = col.is_not_null();
        mask = Some(match mask {
            None => valid,
            Some(m) => &m & &valid,
        });
    }
    Ok(match mask {
        None => df.clone(),
        Some(m) => df.filter(&m)?,
    })
}

/// How a group's values are reduced inside one partition or partial frame.
#[derive(Clone, Copy)]
enum Reduce {
    Sum,
    ValidCount,
    Size,
    Min,
    Max,
}

fn reduce(col: &Column, groups: &GroupsType, how: Reduce) -> Column {
    // SAFETY: `groups` were computed by `group_by` on the frame `col`
    // belongs to, so every group index is in bounds.
    unsafe {
        match how {
            Reduce::Sum => col.agg_sum(groups),
            // polars 0.55's `agg_valid_count` returns the column's length
            // for every group when the column has no missing values.
            Reduce::ValidCount if col.null_count() == 0 => groups.group_count().into_column(),
            Reduce::ValidCount => col.agg_valid_count(groups),
            Reduce::Size => groups.group_count().into_column(),
            Reduce::Min => col.agg_min(groups),
            Reduce::Max => col.agg_max(groups),
        }
    }
}

/// The partial columns of aggregation `spec`: (source column, reduction, part name).
fn chunk_parts(spec: &AggSpec) -> Vec<(&str, Reduce, &'static str)> {
    let c = spec.column.as_str();
    match spec.op {
        AggOp::Sum => vec![(c, Reduce::Sum, "sum")],
        AggOp::Mean => vec![(c, Reduce::Sum, "sum"), (c, Reduce::ValidCount, "count")],
        AggOp::Count => vec![(c, Reduce::ValidCount, "count")],
        AggOp::Size => vec![(c, Reduce::Size, "size")],
        AggOp::Min => vec![(c, Reduce::Min, "min")],
        AggOp::Max => vec![(c, Reduce::Max, "max")],
    }
}

/// How a partial column merges: sums and counts add, extremes stay extreme.
fn merge_of(part: &str) -> Reduce {
    match part {
        "min" => Reduce::Min,
        "max" => Reduce::Max,
        _ => Reduce::Sum,
    }
}

fn cast_for_sum(col: &Column, op: AggOp) -> FxResult<Column> {
    Ok(match (op, col.dtype()) {
        (AggOp::Mean, _) => col.cast(&DataType::Float64)?,
        (AggOp::Sum, DataType::Boolean) => col.cast(&DataType::Int64)?,
        _ => col.clone(),
    })
}

/// Chunk step: one partition to partial results per group.
pub fn chunk(df: &DataFrame, keys: &[String], aggs: &[AggSpec]) -> FxResult<DataFrame> {
    let df = drop_missing_keys(df, keys)?;
    let gb = grouped(&df, keys)?;
    let groups = gb.get_groups();
    let mut cols = gb.keys();
    for (i, spec) in aggs.iter().enumerate() {
        for (source, how, part) in chunk_parts(spec) {
            let col = cast_for_sum(df.column(source)?, spec.op)?;
            let mut out = reduce(&col, groups, how);
            if matches!(how, Reduce::ValidCount | Reduce::Size) {
                out = out.cast(&DataType::Int64)?;
            }
            out.rename(partial_name(i, part));
            cols.push(out);
        }
    }
    Ok(DataFrame::new_infer_height(cols)?)
}

/// Combine step: partial frames merged into one partial frame.
pub fn combine(parts: &[&DataFrame], keys: &[String], aggs: &[AggSpec]) -> FxResult<DataFrame> {
    let first = parts
        .first()
        .ok_or_else(|| FxError::InvalidArgument("nothing to combine".into()))?;
    // Partitions may disagree on a column's dtype (an int column is float
    // where a partition had missing values): stack them as float64.
    let widen: Vec<PlSmallStr> = first
        .columns()
        .iter()
        .filter(|c| {
            parts
                .iter()
                .any(|p| p.column(c.name()).is_ok_and(|o| o.dtype() != c.dtype()))
        })
        .map(|c| c.name().clone())
        .collect();
    let as_floats = |d: &DataFrame| -> FxResult<DataFrame> {
        let mut d = d.clone();
        for name in &widen {
            let col = d.column(name)?.cast(&DataType::Float64)?;
            d.with_column(col)?;
        }
        Ok(d)
    };
    let mut all = as_floats(first)?;
    for p in &parts[1..] {
        all.vstack_mut(&as_floats(p)?)?;
    }
    all.rechunk_mut_par();
    let gb = grouped(&all, keys)?;
    let groups = gb.get_groups();
    let mut cols = gb.keys();
    for (i, spec) in aggs.iter().enumerate() {
        for (_, _, part) in chunk_parts(spec) {
            let name = partial_name(i, part);
            let mut out = reduce(all.column(&name)?, groups, merge_of(part));
            out.rename(name);
            cols.push(out);
        }
    }
    Ok(DataFrame::new_infer_height(cols)?)
}

/// Aggregate step: merge the last partials, finish each aggregation and
/// sort by the keys.
pub fn aggregate(parts: &[&DataFrame], keys: &[String], aggs: &[AggSpec]) -> FxResult<DataFrame> {
    let merged = combine(parts, keys, aggs)?;
    let mut cols: Vec<Column> = keys
        .iter()
        .map(|k| merged.column(k).cloned())
        .collect::<PolarsResult<_>>()?;
    for (i, spec) in aggs.iter().enumerate() {
        let part = |p: &str| merged.column(&partial_name(i, p)).cloned();
        let mut out = match spec.op {
            AggOp::Mean => {
                let sum = part("sum")?;
                let count = part("count")?.cast(&DataType::Float64)?;
                (&sum / &count)?
            }
            AggOp::Sum => part("sum")?,
            AggOp::Count => part("count")?,
            AggOp::Size => part("size")?,
            AggOp::Min => part("min")?,
            AggOp::Max => part("max")?,
        };
        out.rename(spec.output.as_str().into());
        cols.push(out);
    }
    let df = DataFrame::new_infer_height(cols)?;
    let options = SortMultipleOptions::default()
        .with_maintain_order(true)
        .with_multithreaded(false);
    Ok(df.sort(keys.iter().map(|k| k.as_str()), options)?)
}
