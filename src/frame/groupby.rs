//! Group-by aggregations (and, with no keys, whole-frame reductions) as a
//! tree: each partition is reduced to partial results per group (chunk),
//! partials are merged in groups of `split_every` (combine), and the last
//! merge finishes them (aggregate), sorted by the keys like pandas'
//! default `sort=True`.
//!
//! Decomposable aggregations keep a few partial columns per group: `sum`,
//! `prod`, `count`, `size`, `min`, `max`, `first`, `last`, `any`, `all`
//! one; `mean` two (sum as float64, count); `std` / `var` four (count,
//! mean in two parts, M2; merged as in Chan et al., without losing the
//! digits that separate nearby means). Holistic ones (`median`,
//! `nunique`) cannot be summarized that way: when a request has one, the
//! tree gathers the rows themselves (only the needed columns; distinct
//! pairs for `nunique`) and the last step aggregates them directly.
//!
//! pandas' rules hold throughout: missing values are skipped, a group with
//! none gives NaN (0 for `sum` / `count`), rows with a missing key are
//! dropped (`dropna=True`) or form one group sorted last (`dropna=False`).
//!
//! With `split_out > 1` each chunk's partials are cut by the hash of the
//! keys, and output partition `j` is its own tree over piece `j` of every
//! chunk: no task ever holds every group.

use polars_core::prelude::*;
use polars_ops::prelude::*;

use super::expr::{index_column, ORDER};
use super::group_ids::DenseGroups;
use crate::error::{FxError, FxResult};

/// An aggregation pandas' group-by offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggOp {
    /// Sum of the non-missing values (0 for none).
    Sum,
    /// Product of the non-missing values (1 for none).
    Prod,
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
    /// First non-missing value.
    First,
    /// Last non-missing value.
    Last,
    /// Standard deviation (`ddof`).
    Std,
    /// Variance (`ddof`).
    Var,
    /// Median of the non-missing values.
    Median,
    /// Number of distinct non-missing values.
    NUnique,
    /// Whether any value is true.
    Any,
    /// Whether every value is true.
    All,
    /// The `q`-quantile of the non-missing values (linear interpolation).
    Quantile,
}

impl AggOp {
    /// Every aggregation, for parsing names.
    pub const ALL: [AggOp; 16] = [
        AggOp::Sum,
        AggOp::Prod,
        AggOp::Mean,
        AggOp::Count,
        AggOp::Size,
        AggOp::Min,
        AggOp::Max,
        AggOp::First,
        AggOp::Last,
        AggOp::Std,
        AggOp::Var,
        AggOp::Median,
        AggOp::NUnique,
        AggOp::Any,
        AggOp::All,
        AggOp::Quantile,
    ];

    /// pandas' name.
    pub fn name(self) -> &'static str {
        match self {
            AggOp::Sum => "sum",
            AggOp::Prod => "prod",
            AggOp::Mean => "mean",
            AggOp::Count => "count",
            AggOp::Size => "size",
            AggOp::Min => "min",
            AggOp::Max => "max",
            AggOp::First => "first",
            AggOp::Last => "last",
            AggOp::Std => "std",
            AggOp::Var => "var",
            AggOp::Median => "median",
            AggOp::NUnique => "nunique",
            AggOp::Any => "any",
            AggOp::All => "all",
            AggOp::Quantile => "quantile",
        }
    }

    /// The aggregation called `name` (pandas' names and aliases).
    pub fn from_name(name: &str) -> FxResult<AggOp> {
        let name = match name {
            "product" => "prod",
            "amin" => "min",
            "amax" => "max",
            other => other,
        };
        AggOp::ALL
            .into_iter()
            .find(|o| o.name() == name)
            .ok_or_else(|| {
                FxError::InvalidArgument(format!(
                    "'{name}' is not a valid function for aggregation"
                ))
            })
    }

    fn holistic(self) -> bool {
        matches!(self, AggOp::Median | AggOp::NUnique | AggOp::Quantile)
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
    /// Delta degrees of freedom (`std`, `var`).
    pub ddof: u8,
    /// The quantile (`quantile`).
    pub q: f64,
}

fn partial_name(i: usize, part: &str) -> PlSmallStr {
    format!("__agg{i}_{part}").into()
}

/// Whether a request needs the gathering strategy.
fn gathers(aggs: &[AggSpec]) -> bool {
    aggs.iter().any(|a| a.op.holistic())
}

/// The groups of `df` by `keys`, or one group of every row without keys;
/// with the key columns of the result (one row per group).
fn groups_of(df: &DataFrame, keys: &[String]) -> FxResult<(GroupPositions, Vec<Column>)> {
    if keys.is_empty() {
        let groups = GroupsType::Slice {
            groups: vec![[0, df.height() as IdxSize]],
            overlapping: false,
            monotonic: true,
        };
        return Ok((groups.into_sliceable(), Vec::new()));
    }
    // One thread per partition: partitions already run in parallel, and
    // polars' partitioned multi-threaded hashing costs more in total.
    let by = df.select_to_vec(keys.iter().map(|k| k.as_str()))?;
    let gb = df.group_by_with_series(by, false, false)?;
    let keys = gb.keys();
    Ok((gb.into_groups(), keys))
}

/// `df` with NaN keys as null (pandas treats both as missing), and rows
/// with a missing key dropped unless `dropna` is false (then they form a
/// group of their own).
fn prepare_keys(df: &DataFrame, keys: &[String], dropna: bool) -> FxResult<DataFrame> {
    let mut df = df.clone();
    for k in keys {
        let col = df.column(k)?;
        if col.dtype().is_float() {
            let s = super::shuffle::nan_to_null(col.as_materialized_series())?;
            df.with_column(s.into_column())?;
        }
    }
    if dropna {
        drop_missing_keys(&df, keys)
    } else {
        Ok(df)
    }
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
    Prod,
    ValidCount,
    Size,
    Min,
    Max,
    First,
    Last,
    Any,
    All,
}

fn reduce(col: &Column, groups: &GroupsType, how: Reduce) -> FxResult<Column> {
    // SAFETY: `groups` were computed on the frame `col` belongs to (or
    // cover its rows exactly), so every group index is in bounds.
    let out = unsafe {
        match how {
            Reduce::Sum if col.dtype().is_string() => return concat_text(col, groups),
            Reduce::Sum => col.agg_sum(groups),
            Reduce::Prod => return prod(col, groups),
            // polars 0.55's `agg_valid_count` returns the column's length
            // for every group when the column has no missing values.
            Reduce::ValidCount if col.null_count() == 0 => groups.group_count().into_column(),
            Reduce::ValidCount => col.agg_valid_count(groups),
            Reduce::Size => groups.group_count().into_column(),
            Reduce::Min => col.agg_min(groups),
            Reduce::Max => col.agg_max(groups),
            Reduce::First => col.agg_first_non_null(groups),
            Reduce::Last => col.agg_last_non_null(groups),
            Reduce::Any => col
                .as_materialized_series()
                .bool()?
                .agg_any(groups, true)
                .into_column(),
            Reduce::All => col
                .as_materialized_series()
                .bool()?
                .agg_all(groups, true)
                .into_column(),
        }
    };
    Ok(out)
}

/// Product per group (missing values skipped), in float64 or int64.
fn prod(col: &Column, groups: &GroupsType) -> FxResult<Column> {
    let s = col.as_materialized_series();
    let name = col.name().clone();
    if s.dtype().is_float() {
        let s = s.cast(&DataType::Float64)?.rechunk();
        let ca = s.f64()?;
        let v = per_group(groups, |rows| {
            Ok(rows.filter_map(|i| ca.get(i)).product::<f64>())
        })?;
        Ok(Float64Chunked::from_vec(name, v).into_column())
    } else {
        let s = s.cast(&DataType::Int64)?.rechunk();
        let ca = s.i64()?;
        let v = per_group(groups, |rows| {
            Ok(rows.filter_map(|i| ca.get(i)).fold(1i64, i64::wrapping_mul))
        })?;
        Ok(Int64Chunked::from_vec(name, v).into_column())
    }
}

/// pandas' sum of text: per group, its non-missing values joined in row
/// order ("" for none).
fn concat_text(col: &Column, groups: &GroupsType) -> FxResult<Column> {
    let s = col.as_materialized_series().rechunk();
    let ca = s.str()?;
    let mut joined = String::new();
    let mut out = StringChunkedBuilder::new(col.name().clone(), groups.len());
    per_group(groups, |rows| {
        joined.clear();
        rows.filter_map(|i| ca.get(i))
            .for_each(|v| joined.push_str(v));
        out.append_value(&joined);
        Ok(())
    })?;
    Ok(out.finish().into_column())
}

/// Call `f` with the row numbers of each group, in group order.
fn per_group<T>(
    groups: &GroupsType,
    mut f: impl FnMut(&mut dyn Iterator<Item = usize>) -> FxResult<T>,
) -> FxResult<Vec<T>> {
    let mut out = Vec::with_capacity(groups.len());
    for g in groups.iter() {
        match g {
            GroupsIndicator::Idx((_, idx)) => {
                out.push(f(&mut idx.iter().map(|&i| i as usize))?);
            }
            GroupsIndicator::Slice([first, len]) => {
                out.push(f(&mut (first as usize..(first + len) as usize))?);
            }
        }
    }
    Ok(out)
}

/// The partial columns of aggregation `spec`: (reduction, part name).
fn chunk_parts(op: AggOp) -> Vec<(Reduce, &'static str)> {
    match op {
        AggOp::Sum => vec![(Reduce::Sum, "sum")],
        AggOp::Prod => vec![(Reduce::Prod, "prod")],
        AggOp::Mean => vec![(Reduce::Sum, "sum"), (Reduce::ValidCount, "count")],
        AggOp::Count => vec![(Reduce::ValidCount, "count")],
        AggOp::Size => vec![(Reduce::Size, "size")],
        AggOp::Min => vec![(Reduce::Min, "min")],
        AggOp::Max => vec![(Reduce::Max, "max")],
        AggOp::First => vec![(Reduce::First, "first")],
        AggOp::Last => vec![(Reduce::Last, "last")],
        AggOp::Any => vec![(Reduce::Any, "any")],
        AggOp::All => vec![(Reduce::All, "all")],
        // Computed by `moments` (count, mean, m2), not by a `Reduce`.
        AggOp::Std | AggOp::Var => vec![],
        AggOp::Median | AggOp::NUnique | AggOp::Quantile => vec![],
    }
}

/// How a partial column merges: sums and counts add, the rest keep their
/// own rule.
fn merge_of(part: &str) -> Reduce {
    match part {
        "min" => Reduce::Min,
        "max" => Reduce::Max,
        "first" => Reduce::First,
        "last" => Reduce::Last,
        "prod" => Reduce::Prod,
        "any" => Reduce::Any,
        "all" => Reduce::All,
        _ => Reduce::Sum,
    }
}

fn prepare(col: &Column, op: AggOp) -> FxResult<Column> {
    Ok(match (op, col.dtype()) {
        (AggOp::Mean | AggOp::Std | AggOp::Var, _) => col.cast(&DataType::Float64)?,
        (AggOp::Sum | AggOp::Prod, DataType::Boolean) => col.cast(&DataType::Int64)?,
        (AggOp::Sum | AggOp::Prod, d) if d.is_integer() => col.cast(&DataType::Int64)?,
        (AggOp::Any | AggOp::All, d) if !d.is_bool() => {
            // pandas: truthiness of the values.
            let s = col.as_materialized_series();
            let t = if s.dtype().is_string() {
                s.str()?.str_len_bytes().gt(0).into_series()
            } else {
                s.cast(&DataType::Float64)?
                    .f64()?
                    .not_equal(0.0)
                    .into_series()
            };
            let t = t.zip_with(
                &s.is_not_null(),
                &Series::full_null(PlSmallStr::EMPTY, s.len(), &DataType::Boolean),
            )?;
            t.with_name(col.name().clone()).into_column()
        }
        _ => col.clone(),
    })
}

/// The partial columns of `std` / `var`.
const MOMENTS: [&str; 4] = ["n", "mean", "lo", "m2"];

/// (count, mean, M2) per group of a float column, missing values skipped,
/// with the mean in two parts (`mean + lo`) so that merging partials does
/// not lose the digits that separate nearby means: the corrected two-pass
/// algorithm (the first mean's rounding error is measured on the
/// deviations and kept in `lo`), as accurate as pandas' own variance.
fn moments(col: &Column, groups: &GroupsType) -> FxResult<[Column; 4]> {
    let s = col
        .as_materialized_series()
        .cast(&DataType::Float64)?
        .rechunk();
    let ca = s.f64()?;
    let stats = per_group(groups, |rows| {
        let values: Vec<f64> = rows.filter_map(|i| ca.get(i)).collect();
        let n = values.len();
        if n == 0 {
            return Ok((0, 0.0, 0.0, 0.0));
        }
        let rough = values.iter().sum::<f64>() / n as f64;
        let (mut dev, mut sq) = (0.0, 0.0);
        for x in &values {
            let d = x - rough;
            dev += d;
            sq += d * d;
        }
        let lo = dev / n as f64;
        let m2 = (sq - dev * lo).max(0.0);
        Ok((n as i64, rough, lo, m2))
    })?;
    Ok(moment_columns(&stats))
}

fn moment_columns(stats: &[(i64, f64, f64, f64)]) -> [Column; 4] {
    let n: Int64Chunked = stats.iter().map(|s| Some(s.0)).collect();
    let mean: Float64Chunked = stats.iter().map(|s| Some(s.1)).collect();
    let lo: Float64Chunked = stats.iter().map(|s| Some(s.2)).collect();
    let m2: Float64Chunked = stats.iter().map(|s| Some(s.3)).collect();
    [
        n.into_column(),
        mean.into_column(),
        lo.into_column(),
        m2.into_column(),
    ]
}

/// Merge (count, mean + lo, M2) partial rows per group: every partial's
/// mean as an offset from the first one's (exact for nearby values), the
/// merged mean from the offsets, then M2 = Σ M2 + Σ n·(offset − mean)².
fn merge_moments(parts: [&Column; 4], groups: &GroupsType) -> FxResult<[Column; 4]> {
    let n = parts[0].as_materialized_series().i64()?.clone();
    let mean = parts[1].as_materialized_series().f64()?.clone();
    let lo = parts[2].as_materialized_series().f64()?.clone();
    let m2 = parts[3].as_materialized_series().f64()?.clone();
    let stats = per_group(groups, |rows| {
        let rows: Vec<usize> = rows.filter(|&i| n.get(i).unwrap_or(0) > 0).collect();
        let Some(&first) = rows.first() else {
            return Ok((0, 0.0, 0.0, 0.0));
        };
        let reference = mean.get(first).unwrap_or(0.0);
        let offset = |i: usize| (mean.get(i).unwrap_or(0.0) - reference) + lo.get(i).unwrap_or(0.0);
        let total: i64 = rows.iter().map(|&i| n.get(i).unwrap_or(0)).sum();
        let shift = rows
            .iter()
            .map(|&i| n.get(i).unwrap_or(0) as f64 * offset(i))
            .sum::<f64>()
            / total as f64;
        let mut m2t = 0.0;
        for &i in &rows {
            let d = offset(i) - shift;
            m2t += m2.get(i).unwrap_or(0.0) + n.get(i).unwrap_or(0) as f64 * d * d;
        }
        Ok((total, reference, shift, m2t))
    })?;
    Ok(moment_columns(&stats))
}

/// The rows a gathering tree carries: keys and aggregated columns (distinct
/// rows when only `nunique` needs them).
fn gather_rows(df: &DataFrame, keys: &[String], aggs: &[AggSpec]) -> FxResult<DataFrame> {
    let mut cols: Vec<PlSmallStr> = keys.iter().map(|k| k.as_str().into()).collect();
    for a in aggs {
        let c: PlSmallStr = a.column.as_str().into();
        if !cols.contains(&c) {
            cols.push(c);
        }
    }
    let out = df.select(cols)?;
    if aggs.iter().all(|a| a.op == AggOp::NUnique) && aggs.len() == 1 {
        return Ok(out.unique_stable(None, UniqueKeepStrategy::First, None)?);
    }
    Ok(out)
}

/// Chunk step: one partition to partial results per group (`dropna`:
/// rows with a missing key left out).
pub fn chunk(
    df: &DataFrame,
    keys: &[String],
    aggs: &[AggSpec],
    dropna: bool,
) -> FxResult<DataFrame> {
    let df = prepare_keys(df, keys, dropna)?;
    if gathers(aggs) {
        return gather_rows(&df, keys, aggs);
    }
    if let Some(out) = dense_chunk(&df, keys, aggs)? {
        return Ok(out);
    }
    let (groups, mut cols) = groups_of(&df, keys)?;
    for (i, spec) in aggs.iter().enumerate() {
        let col = prepare(df.column(&spec.column)?, spec.op)?;
        if matches!(spec.op, AggOp::Std | AggOp::Var) {
            for (c, part) in moments(&col, &groups)?.into_iter().zip(MOMENTS) {
                cols.push(c.with_name(partial_name(i, part)));
            }
            continue;
        }
        for (how, part) in chunk_parts(spec.op) {
            let mut out = reduce(&col, &groups, how)?;
            if matches!(how, Reduce::ValidCount | Reduce::Size) {
                out = out.cast(&DataType::Int64)?;
            }
            cols.push(out.with_name(partial_name(i, part)));
        }
    }
    let height = groups.len();
    Ok(DataFrame::new(height, cols)?)
}

/// The chunk step in one pass over the rows (see [`DenseGroups`]), when
/// it applies: one text key, and only sums (of float64 or int64 values),
/// means, counts and sizes. The partials are those of the general step.
fn dense_chunk(df: &DataFrame, keys: &[String], aggs: &[AggSpec]) -> FxResult<Option<DataFrame>> {
    let [key] = keys else {
        return Ok(None);
    };
    let key = df.column(key)?;
    let ops = |a: &AggSpec| matches!(a.op, AggOp::Sum | AggOp::Mean | AggOp::Count | AggOp::Size);
    if !key.dtype().is_string() || !aggs.iter().all(ops) {
        return Ok(None);
    }
    let mut prepared = Vec::with_capacity(aggs.len());
    for spec in aggs {
        let col = prepare(df.column(&spec.column)?, spec.op)?;
        let summable = matches!(col.dtype(), DataType::Float64 | DataType::Int64);
        if matches!(spec.op, AggOp::Sum | AggOp::Mean) && !summable {
            return Ok(None);
        }
        prepared.push(col);
    }
    let groups = DenseGroups::of_text(key.as_materialized_series().str()?);
    let mut cols = vec![groups.keys(key)?];
    for (i, (spec, col)) in aggs.iter().zip(&prepared).enumerate() {
        for (how, part) in chunk_parts(spec.op) {
            let out = match how {
                Reduce::Sum => match col.as_materialized_series().f64() {
                    Ok(ca) => groups.sum_f64(ca).into_column(),
                    Err(_) => groups
                        .sum_i64(col.as_materialized_series().i64()?)
                        .into_column(),
                },
                Reduce::ValidCount => groups.valid_count(col).into_column(),
                Reduce::Size => groups.size().into_column(),
                _ => unreachable!("dense_chunk admits sums and counts only"),
            };
            cols.push(out.with_name(partial_name(i, part)));
        }
    }
    Ok(Some(DataFrame::new(groups.len(), cols)?))
}

/// Stack partial frames (partitions may disagree on a column's dtype: an
/// int column is float where a partition had missing values).
fn stack(parts: &[&DataFrame]) -> FxResult<DataFrame> {
    let first = parts
        .first()
        .ok_or_else(|| FxError::InvalidArgument("nothing to combine".into()))?;
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
    Ok(all)
}

/// Combine step: partial frames merged into one partial frame.
pub fn combine(parts: &[&DataFrame], keys: &[String], aggs: &[AggSpec]) -> FxResult<DataFrame> {
    let all = stack(parts)?;
    if gathers(aggs) {
        if aggs.len() == 1 && aggs[0].op == AggOp::NUnique {
            return Ok(all.unique_stable(None, UniqueKeepStrategy::First, None)?);
        }
        return Ok(all);
    }
    let (groups, mut cols) = groups_of(&all, keys)?;
    for (i, spec) in aggs.iter().enumerate() {
        if matches!(spec.op, AggOp::Std | AggOp::Var) {
            let p = |part| all.column(&partial_name(i, part));
            let merged = merge_moments([p("n")?, p("mean")?, p("lo")?, p("m2")?], &groups)?;
            for (c, part) in merged.into_iter().zip(MOMENTS) {
                cols.push(c.with_name(partial_name(i, part)));
            }
            continue;
        }
        for (_, part) in chunk_parts(spec.op) {
            let name = partial_name(i, part);
            let out = reduce(all.column(&name)?, &groups, merge_of(part))?;
            cols.push(out.with_name(name));
        }
    }
    Ok(DataFrame::new(groups.len(), cols)?)
}

/// Sort by the key columns, which are index columns by now — or, for
/// `sort=False`, by each group's first position (the hidden last
/// aggregation), dropped afterwards.
fn sort_by_keys(df: DataFrame, keys: &[String]) -> FxResult<DataFrame> {
    if keys.is_empty() {
        return Ok(df);
    }
    if df
        .get_column_names()
        .last()
        .is_some_and(|c| c.as_str() == ORDER)
    {
        let options = SortMultipleOptions::default()
            .with_maintain_order(true)
            .with_multithreaded(false);
        let sorted = df.sort([ORDER], options)?;
        return Ok(sorted.drop(ORDER)?);
    }
    // A missing key (`dropna=False`) sorts last, as in pandas.
    let options = SortMultipleOptions::default()
        .with_maintain_order(true)
        .with_nulls_last(true)
        .with_multithreaded(false);
    let by: Vec<PlSmallStr> = (0..keys.len()).map(index_column).collect();
    Ok(df.sort(by, options)?)
}

/// Aggregate step: merge the last partials, finish each aggregation and
/// sort by the keys, which become the index columns.
pub fn aggregate(parts: &[&DataFrame], keys: &[String], aggs: &[AggSpec]) -> FxResult<DataFrame> {
    let merged = combine(parts, keys, aggs)?;
    if gathers(aggs) {
        return sort_by_keys(aggregate_rows(&merged, keys, aggs)?, keys);
    }
    let mut cols: Vec<Column> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Ok(merged.column(k)?.clone().with_name(index_column(i))))
        .collect::<FxResult<_>>()?;
    for (i, spec) in aggs.iter().enumerate() {
        let part = |p: &str| merged.column(&partial_name(i, p)).cloned();
        let out = match spec.op {
            AggOp::Mean => {
                let sum = part("sum")?;
                let count = part("count")?.cast(&DataType::Float64)?;
                let mean = (&sum / &count)?;
                // 0 / 0 for a group without values: missing.
                let valid = part("count")?.as_materialized_series().gt(0)?;
                mask_invalid(mean, &valid)?
            }
            AggOp::Std | AggOp::Var => {
                let n = part("n")?.cast(&DataType::Float64)?;
                let m2 = part("m2")?;
                let denom = &n - spec.ddof as f64;
                let var = (&m2 / &denom)?;
                let valid = denom.as_materialized_series().gt(0.0)?;
                let var = mask_invalid(var, &valid)?;
                if spec.op == AggOp::Std {
                    let s = var.as_materialized_series().f64()?.apply_values(f64::sqrt);
                    s.into_column()
                } else {
                    var
                }
            }
            other => {
                let (_, p) = chunk_parts(other)[0];
                part(p)?
            }
        };
        cols.push(out.with_name(spec.output.as_str().into()));
    }
    let df = DataFrame::new(merged.height(), cols)?;
    sort_by_keys(df, keys)
}

fn mask_invalid(col: Column, valid: &BooleanChunked) -> FxResult<Column> {
    let s = col.as_materialized_series();
    let nulls = Series::full_null(s.name().clone(), s.len(), s.dtype());
    Ok(s.zip_with(valid, &nulls)?.into_column())
}

/// The last step of a gathering tree: every aggregation straight from the
/// gathered rows.
fn aggregate_rows(df: &DataFrame, keys: &[String], aggs: &[AggSpec]) -> FxResult<DataFrame> {
    let (groups, keys) = groups_of(df, keys)?;
    let mut cols: Vec<Column> = keys
        .into_iter()
        .enumerate()
        .map(|(i, k)| k.with_name(index_column(i)))
        .collect();
    for spec in aggs {
        let col = prepare(df.column(&spec.column)?, spec.op)?;
        // SAFETY: `groups` were computed on `df`, which `col` belongs to.
        let out = unsafe {
            match spec.op {
                AggOp::Median => col.agg_median(&groups),
                AggOp::Quantile => col.cast(&DataType::Float64)?.agg_quantile(
                    &groups,
                    spec.q,
                    QuantileMethod::Linear,
                ),
                AggOp::NUnique => {
                    let n = col.agg_n_unique(&groups).cast(&DataType::Int64)?;
                    // pandas does not count a missing value as a value.
                    let valid =
                        reduce(&col, &groups, Reduce::ValidCount)?.cast(&DataType::Int64)?;
                    let size = groups.group_count().into_column().cast(&DataType::Int64)?;
                    let has_null = valid
                        .as_materialized_series()
                        .lt(size.as_materialized_series())?;
                    let one = Series::new(PlSmallStr::EMPTY, [1i64]).new_from_index(0, n.len());
                    let zero = Series::new(PlSmallStr::EMPTY, [0i64]).new_from_index(0, n.len());
                    let sub = one.zip_with(&has_null, &zero)?;
                    (n.as_materialized_series() - &sub)?.into_column()
                }
                AggOp::Std => col.agg_std(&groups, spec.ddof),
                AggOp::Var => col.agg_var(&groups, spec.ddof),
                AggOp::Mean => col.agg_mean(&groups),
                op => {
                    let (how, _) = chunk_parts(op)[0];
                    let out = reduce(&col, &groups, how)?;
                    if matches!(how, Reduce::ValidCount | Reduce::Size) {
                        out.cast(&DataType::Int64)?
                    } else {
                        out
                    }
                }
            }
        };
        cols.push(out.with_name(spec.output.as_str().into()));
    }
    Ok(DataFrame::new(groups.len(), cols)?)
}
