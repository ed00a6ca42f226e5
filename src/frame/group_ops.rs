//! Group-wise operations that keep the input's rows: `transform` (an
//! aggregation per group, broadcast back to the group's rows) and the
//! cumulative ones (`cumsum`, `cumprod`, `cummax`, `cummin`, `cumcount`).
//!
//! `transform` joins each partition's keys with the group-by result (one
//! partition): a broadcast left join that keeps the partition's row order
//! and index. The cumulative operations are per-group versions of
//! [`super::scan`]: each partition is cumulated within its groups, starting
//! from a carry of per-group running values left by the partitions before
//! it; the carries form a chain of small frames (one row per group seen).

use std::sync::Arc;

use polars_core::prelude::*;
use polars_ops::prelude::*;

use super::expr::{index_column, token_of, FrameExpr, FrameOp};
use super::kernels::frame_input;
use super::lower::{node, node_with};
use super::shuffle::nan_to_null;
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Key, Node, Op};
use crate::value::Value;

fn key(name: &str, i: usize) -> Key {
    Key::Tuple(Arc::from(name), Box::new([i as i64]))
}

/// `df` left-joined with `right` on `keys` (named alike on both sides),
/// one output row per `df` row, in `df`'s order; a missing key (null or
/// NaN) matches a missing key of `right`, which has one only when the
/// groups keep them (`dropna=False`).
fn lookup(df: &DataFrame, right: &DataFrame, keys: &[PlSmallStr]) -> FxResult<DataFrame> {
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    args.nulls_equal = true;
    let mut left = df.select(keys.iter().cloned())?;
    // Key dtypes may differ (an int key that is float in some partition).
    let mut right = right.clone();
    for k in keys {
        let l = nan_to_null(left.column(k)?.as_materialized_series())?;
        let to = l.dtype().clone();
        left.with_column(l.into_column())?;
        let col = right.column(k)?.cast(&to)?;
        let col = nan_to_null(col.as_materialized_series())?;
        right.with_column(col.into_column())?;
    }
    Ok(left.join(&right, keys, keys, args, None)?)
}

/// `transform`: aggregation results broadcast back to the rows.
pub struct Transform {
    /// The rows (their index columns and the key columns are read).
    pub input: Arc<FrameExpr>,
    /// The group-by result: index = the keys, data = the values to broadcast.
    pub groups: Arc<FrameExpr>,
    /// The key columns of `input`.
    pub keys: Vec<String>,
}

impl Transform {
    /// The values of `groups`' data columns for every row of `input`.
    pub fn build(
        input: &Arc<FrameExpr>,
        groups: &Arc<FrameExpr>,
        keys: Vec<String>,
    ) -> FxResult<Arc<FrameExpr>> {
        let mut schema = Schema::with_capacity(input.nindex + groups.schema.len());
        for (n, d) in input.schema.iter().take(input.nindex) {
            schema.insert(n.clone(), d.clone());
        }
        for (n, d) in groups.schema.iter().skip(groups.nindex) {
            schema.insert(n.clone(), d.clone());
        }
        for k in &keys {
            input.dtype(k)?;
        }
        Ok(FrameExpr::op(
            Arc::new(Transform {
                input: input.clone(),
                groups: groups.clone(),
                keys,
            }),
            schema,
            input.nindex,
            input.index_names.clone(),
            input.npartitions,
        ))
    }
}

impl FrameOp for Transform {
    fn label(&self) -> &str {
        "transform"
    }
    fn token(&self) -> u64 {
        token_of(&self.keys)
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone(), self.groups.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let mut columns = self.input.index_columns();
        for k in &self.keys {
            let k = PlSmallStr::from(k.as_str());
            if !columns.contains(&k) {
                columns.push(k);
            }
        }
        let rows = node_with(&self.input, i, &columns);
        let groups = node(&self.groups, 0);
        let kernel = TransformKernel {
            keys: self.keys.iter().map(|k| k.as_str().into()).collect(),
            nindex: self.input.nindex,
            ngroup_index: self.groups.nindex,
        };
        Node::new(
            key(&e.name, i),
            Op::Kernel(Arc::new(kernel)),
            vec![rows, groups],
        )
    }
}

struct TransformKernel {
    keys: Vec<PlSmallStr>,
    nindex: usize,
    ngroup_index: usize,
}

impl Kernel for TransformKernel {
    fn name(&self) -> &str {
        "transform"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let rows = frame_input(inputs, 0)?;
        let groups = frame_input(inputs, 1)?;
        // The group-by result names its keys as index columns.
        let mut right = (*groups).clone();
        for (j, k) in self.keys.iter().enumerate().take(self.ngroup_index) {
            right.rename(&index_column(j), k.clone())?;
        }
        let joined = lookup(&rows, &right, &self.keys)?;
        let mut cols: Vec<Column> = rows.columns()[..self.nindex].to_vec();
        for c in right.columns().iter().skip(self.ngroup_index) {
            cols.push(joined.column(c.name())?.clone());
        }
        Ok(Value::Frame(Arc::new(DataFrame::new(rows.height(), cols)?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Which per-group cumulative operation.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum GroupCum {
    /// `cumsum`
    Sum,
    /// `cumprod`
    Prod,
    /// `cummax`
    Max,
    /// `cummin`
    Min,
    /// `cumcount`: the row's position within its group (0, 1, …).
    Count,
}

impl GroupCum {
    /// From pandas' method name.
    pub fn from_name(name: &str) -> FxResult<GroupCum> {
        Ok(match name {
            "cumsum" => GroupCum::Sum,
            "cumprod" => GroupCum::Prod,
            "cummax" => GroupCum::Max,
            "cummin" => GroupCum::Min,
            "cumcount" => GroupCum::Count,
            other => {
                return Err(FxError::InvalidArgument(format!(
                    "unknown group-wise method '{other}'"
                )))
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            GroupCum::Sum => "cumsum",
            GroupCum::Prod => "cumprod",
            GroupCum::Max => "cummax",
            GroupCum::Min => "cummin",
            GroupCum::Count => "cumcount",
        }
    }

    fn output_dtype(self, dtype: &DataType) -> FxResult<DataType> {
        Ok(match (self, dtype) {
            (GroupCum::Count, _) => DataType::Int64,
            (GroupCum::Sum | GroupCum::Prod, d) if d.is_integer() || d.is_bool() => DataType::Int64,
            (_, d) if d.is_primitive_numeric() => d.clone(),
            (_, d) => {
                return Err(FxError::DType(format!(
                    "{} is not supported for dtype {}",
                    self.name(),
                    super::expr::pandas_dtype_name(d)
                )))
            }
        })
    }

    /// Fold `x` into the running value `acc`.
    fn step(self, acc: Option<f64>, x: Option<f64>) -> Option<f64> {
        match (acc, x) {
            (acc, None) => acc,
            (None, Some(x)) => Some(x),
            (Some(a), Some(x)) => Some(match self {
                GroupCum::Sum => a + x,
                GroupCum::Prod => a * x,
                GroupCum::Max => a.max(x),
                GroupCum::Min => a.min(x),
                GroupCum::Count => a + 1.0,
            }),
        }
    }
}

/// A per-group cumulative operation of the value columns of `input`.
pub struct GroupCumulative {
    /// The rows.
    pub input: Arc<FrameExpr>,
    /// Key columns.
    pub keys: Vec<String>,
    /// Value columns (none for `cumcount`).
    pub values: Vec<String>,
    /// Which operation.
    pub op: GroupCum,
    /// Rows with a missing key belong to no group (else to one of their own).
    pub dropna: bool,
}

impl GroupCumulative {
    /// The cumulative values of `values` within the groups of `keys`, over
    /// `input`'s rows and index (`cumcount`: one column `name`).
    pub fn build(
        input: &Arc<FrameExpr>,
        keys: Vec<String>,
        values: Vec<String>,
        op: GroupCum,
        name: &str,
        dropna: bool,
    ) -> FxResult<Arc<FrameExpr>> {
        let mut schema = Schema::with_capacity(input.nindex + values.len());
        for (n, d) in input.schema.iter().take(input.nindex) {
            schema.insert(n.clone(), d.clone());
        }
        for k in &keys {
            input.dtype(k)?;
        }
        if op == GroupCum::Count {
            schema.insert(name.into(), DataType::Int64);
        }
        for v in &values {
            schema.insert(v.as_str().into(), op.output_dtype(input.dtype(v)?)?);
        }
        Ok(FrameExpr::op(
            Arc::new(GroupCumulative {
                input: input.clone(),
                keys,
                values,
                op,
                dropna,
            }),
            schema,
            input.nindex,
            input.index_names.clone(),
            input.npartitions,
        ))
    }
}

impl FrameOp for GroupCumulative {
    fn label(&self) -> &str {
        self.op.name()
    }
    fn token(&self) -> u64 {
        token_of((&self.keys, &self.values, self.op, self.dropna))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let mut columns = self.input.index_columns();
        for c in self.keys.iter().chain(&self.values) {
            let c = PlSmallStr::from(c.as_str());
            if !columns.contains(&c) {
                columns.push(c);
            }
        }
        let out_names: Vec<PlSmallStr> = e.schema.iter_names().skip(e.nindex).cloned().collect();
        let kernel = |step| {
            Op::Kernel(Arc::new(GroupCumKernel {
                op: self.op,
                step,
                keys: self.keys.iter().map(|k| k.as_str().into()).collect(),
                values: self.values.iter().map(|v| v.as_str().into()).collect(),
                out: out_names.clone(),
                out_dtypes: e.schema.iter_values().skip(e.nindex).cloned().collect(),
                nindex: self.input.nindex,
                dropna: self.dropna,
            }))
        };
        let mut carry: Option<Arc<Node>> = None;
        for j in 0..i {
            let mut deps = vec![node_with(&self.input, j, &columns)];
            deps.extend(carry.take());
            let name = format!("{}-carry", e.name);
            carry = Some(Node::new(key(&name, j + 1), kernel(Step::Carry), deps));
        }
        let mut deps = vec![node_with(&self.input, i, &columns)];
        deps.extend(carry);
        Node::new(key(&e.name, i), kernel(Step::Apply), deps)
    }
}

#[derive(Clone, Copy)]
enum Step {
    Carry,
    Apply,
}

struct GroupCumKernel {
    op: GroupCum,
    step: Step,
    keys: Vec<PlSmallStr>,
    values: Vec<PlSmallStr>,
    out: Vec<PlSmallStr>,
    out_dtypes: Vec<DataType>,
    nindex: usize,
    dropna: bool,
}

/// The name of the running-count column of a carry.
const COUNT: &str = "__count__";

impl GroupCumKernel {
    /// The running values of every row (one vector per value column, plus
    /// the within-group position first) and the carry after the partition.
    #[allow(clippy::type_complexity)]
    fn cumulate(
        &self,
        df: &DataFrame,
        carry: Option<&DataFrame>,
    ) -> FxResult<(Vec<Vec<Option<f64>>>, DataFrame)> {
        let nvalues = self.values.len() + 1;
        let mut per_row: Vec<Vec<Option<f64>>> = vec![vec![None; df.height()]; nvalues];
        // Rows with a missing key belong to no group (pandas gives NaN),
        // unless `dropna=False` groups them.
        let mut df = df.clone();
        for k in &self.keys {
            let s = nan_to_null(df.column(k)?.as_materialized_series())?;
            df.with_column(s.into_column())?;
        }
        let df = &df;
        let keyed = {
            let mut mask = BooleanChunked::full(PlSmallStr::EMPTY, true, df.height());
            if self.dropna {
                for k in &self.keys {
                    mask = &mask & &df.column(k)?.is_not_null();
                }
            }
            mask
        };
        let rows_idx: Vec<IdxSize> = keyed
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.unwrap_or(false).then_some(i as IdxSize))
            .collect();
        let sub = df.take(&IdxCa::from_vec(PlSmallStr::EMPTY, rows_idx.clone()))?;
        let gb = sub.group_by(self.keys.iter().map(|k| k.as_str()))?;
        let group_keys = DataFrame::new_infer_height(gb.keys())?;
        let groups = gb.get_groups();
        // The running values each group starts from.
        let init: Vec<Vec<Option<f64>>> = match carry {
            None => vec![vec![None; groups.len()]; nvalues],
            Some(c) => {
                let joined = lookup(&group_keys, c, &self.keys)?;
                let mut cols = vec![column_f64(&joined, COUNT)?];
                for v in &self.values {
                    cols.push(column_f64(&joined, v)?);
                }
                cols
            }
        };
        let values: Vec<Float64Chunked> = self
            .values
            .iter()
            .map(|v| {
                Ok(sub
                    .column(v)?
                    .as_materialized_series()
                    .cast(&DataType::Float64)?
                    .f64()?
                    .rechunk()
                    .into_owned())
            })
            .collect::<FxResult<_>>()?;
        let mut last: Vec<Vec<Option<f64>>> = vec![vec![None; groups.len()]; nvalues];
        for (g, group) in groups.iter().enumerate() {
            let rows: Vec<usize> = match group {
                GroupsIndicator::Idx((_, idx)) => idx.iter().map(|&r| r as usize).collect(),
                GroupsIndicator::Slice([first, len]) => {
                    (first as usize..(first + len) as usize).collect()
                }
            };
            let mut count = init[0][g].unwrap_or(0.0);
            let mut acc: Vec<Option<f64>> =
                (0..self.values.len()).map(|v| init[v + 1][g]).collect();
            for r in rows {
                let orig = rows_idx[r] as usize;
                per_row[0][orig] = Some(count);
                count += 1.0;
                for (v, ca) in values.iter().enumerate() {
                    let x = ca.get(r);
                    acc[v] = self.op.step(acc[v], x);
                    // A missing value stays missing (pandas' skipna).
                    per_row[v + 1][orig] = x.and(acc[v]);
                }
            }
            last[0][g] = Some(count);
            for v in 0..self.values.len() {
                last[v + 1][g] = acc[v];
            }
        }
        // The new carry: this partition's groups, plus the carried groups
        // it did not touch.
        let mut cols: Vec<Column> = group_keys.columns().to_vec();
        let names = std::iter::once(PlSmallStr::from(COUNT)).chain(self.values.iter().cloned());
        for (name, values) in names.zip(last) {
            cols.push(Float64Chunked::from_iter_options(name, values.into_iter()).into_column());
        }
        let mut new_carry = DataFrame::new(group_keys.height(), cols)?;
        if let Some(c) = carry {
            let mut anti = JoinArgs::new(JoinType::Anti);
            anti.nulls_equal = true;
            let untouched = c.join(&group_keys, &self.keys, &self.keys, anti, None)?;
            let untouched = untouched.select(new_carry.get_column_names_owned())?;
            let mut aligned = untouched.clone();
            for col in new_carry.columns() {
                let cast = aligned.column(col.name())?.cast(col.dtype())?;
                aligned.with_column(cast)?;
            }
            new_carry.vstack_mut(&aligned)?;
        }
        Ok((per_row, new_carry))
    }
}

fn column_f64(df: &DataFrame, name: &str) -> FxResult<Vec<Option<f64>>> {
    let s = df
        .column(name)?
        .as_materialized_series()
        .cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}

impl Kernel for GroupCumKernel {
    fn name(&self) -> &str {
        match self.step {
            Step::Carry => "group-cum-carry",
            Step::Apply => "group-cum",
        }
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = frame_input(inputs, 0)?;
        let carry = if inputs.len() > 1 {
            Some(frame_input(inputs, 1)?)
        } else {
            None
        };
        let (per_row, new_carry) = self.cumulate(&df, carry.as_deref())?;
        let out = match self.step {
            Step::Carry => new_carry,
            Step::Apply => {
                let mut cols: Vec<Column> = df.columns()[..self.nindex].to_vec();
                let sources: Vec<&Vec<Option<f64>>> = if self.op == GroupCum::Count {
                    vec![&per_row[0]]
                } else {
                    per_row[1..].iter().collect()
                };
                for ((name, dtype), values) in self.out.iter().zip(&self.out_dtypes).zip(sources) {
                    let s = Float64Chunked::from_iter_options(name.clone(), values.iter().copied())
                        .into_series();
                    let s = if dtype.is_integer() && s.null_count() > 0 {
                        s
                    } else {
                        s.cast(dtype)?
                    };
                    cols.push(s.into_column());
                }
                DataFrame::new(df.height(), cols)?
            }
        };
        Ok(Value::Frame(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
