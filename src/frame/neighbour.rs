//! Operations that read neighbouring rows — `shift`, `diff`, `ffill`,
//! `bfill` — of a whole frame or within the groups of key columns
//! (`groupby(...).shift()`), with pandas' results in the original row order
//! and index.
//!
//! Dask's `map_overlap` hands each partition the tail of the previous one;
//! here the rows a partition needs from before it form a *carry*, as in
//! [`super::scan`]: per group, the last `periods` rows seen so far
//! (`shift`, `diff`) or the last row forward-filled (`ffill`). Carries
//! chain from partition to partition, so a shift longer than a partition,
//! or one across empty partitions, is still exact:
//!
//! ```text
//!   part 0 ─┬─────────────────────────────► out 0 = op(part 0)
//!           └► carry 1 ─┐
//!   part 1 ─┬───────────┴─────────────────► out 1 = op(carry 1 ++ part 1)
//!           └► carry 2 = tail(carry 1 ++ part 1) ─► …
//! ```
//!
//! Negative periods and `bfill` run the same steps on the partitions in
//! reverse (rows reversed, carries chained from the last partition).
//! Missing values (null, NaN) are what `ffill` fills; rows whose key is
//! missing belong to no group (`dropna=True`) and get a missing value (or
//! `shift`'s `fill_value`, as in pandas).

use std::sync::Arc;

use polars_core::prelude::*;

use super::colexpr::Lit;
use super::expr::{pandas_dtype_name, token_of, FrameExpr, FrameOp};
use super::kernels::{conform, frame_input};
use super::lower::node_with;
use super::shuffle::{missing, nan_to_null};
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Key, Node, Op};
use crate::value::Value;

/// Which neighbour operation.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum NeighbourKind {
    /// `shift(periods, fill_value)`
    Shift,
    /// `diff(periods)`: the value minus the one `periods` rows before.
    Diff,
    /// `ffill()`: missing values take the last value before them.
    FFill,
    /// `bfill()`: missing values take the next value after them.
    BFill,
}

impl NeighbourKind {
    /// From pandas' method name.
    pub fn from_name(name: &str) -> FxResult<NeighbourKind> {
        Ok(match name {
            "shift" => NeighbourKind::Shift,
            "diff" => NeighbourKind::Diff,
            "ffill" => NeighbourKind::FFill,
            "bfill" => NeighbourKind::BFill,
            other => {
                return Err(FxError::InvalidArgument(format!(
                    "unknown neighbour method '{other}'"
                )))
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            NeighbourKind::Shift => "shift",
            NeighbourKind::Diff => "diff",
            NeighbourKind::FFill => "ffill",
            NeighbourKind::BFill => "bfill",
        }
    }
}

/// A neighbour operation of the value columns of `input`.
pub struct Neighbour {
    input: Arc<FrameExpr>,
    keys: Vec<String>,
    values: Vec<String>,
    kind: NeighbourKind,
    periods: i64,
    fill: Option<Lit>,
    dropna: bool,
}

fn fill_fits(fill: &Scalar, d: &DataType) -> bool {
    let f = fill.dtype();
    if f.is_null() {
        return true;
    }
    if d.is_primitive_numeric() || d.is_bool() {
        return f.is_primitive_numeric() || f.is_bool();
    }
    if d.is_string() {
        return f.is_string();
    }
    if matches!(d, DataType::Datetime(..)) {
        return matches!(f, DataType::Datetime(..));
    }
    false
}

/// pandas' dtype of the result of `kind` on a `dtype` column.
fn output_dtype(
    kind: NeighbourKind,
    periods: i64,
    fill: Option<&Scalar>,
    dtype: &DataType,
) -> FxResult<DataType> {
    Ok(match kind {
        NeighbourKind::Shift => {
            if let Some(f) = fill {
                if !fill_fits(f, dtype) {
                    return Err(FxError::DType(format!(
                        "`fill_value` of dtype {} does not fit a column of dtype {}",
                        pandas_dtype_name(f.dtype()),
                        pandas_dtype_name(dtype)
                    )));
                }
            }
            let int_fill = fill.is_some_and(|f| f.dtype().is_integer() || f.dtype().is_bool());
            if periods != 0 && dtype.is_integer() && !int_fill {
                DataType::Float64
            } else {
                dtype.clone()
            }
        }
        NeighbourKind::Diff => match dtype {
            DataType::Float32 => DataType::Float32,
            d if d.is_primitive_numeric() => DataType::Float64,
            DataType::Datetime(tu, _) => DataType::Duration(*tu),
            d => {
                return Err(FxError::DType(format!(
                    "diff is not supported for dtype {}",
                    pandas_dtype_name(d)
                )))
            }
        },
        NeighbourKind::FFill | NeighbourKind::BFill => dtype.clone(),
    })
}

impl Neighbour {
    /// `kind` of `values` over `input`'s rows and index, within the groups
    /// of `keys` (none: the whole frame).
    #[allow(clippy::too_many_arguments)]
    pub fn build(
        input: &Arc<FrameExpr>,
        keys: Vec<String>,
        values: Vec<String>,
        kind: NeighbourKind,
        periods: i64,
        fill: Option<Scalar>,
        dropna: bool,
    ) -> FxResult<Arc<FrameExpr>> {
        let fill = fill.filter(|f| !f.is_null());
        let mut schema = Schema::with_capacity(input.nindex + values.len());
        for (n, d) in input.schema.iter().take(input.nindex) {
            schema.insert(n.clone(), d.clone());
        }
        for k in &keys {
            input.dtype(k)?;
        }
        for v in &values {
            let d = output_dtype(kind, periods, fill.as_ref(), input.dtype(v)?)?;
            schema.insert(v.as_str().into(), d);
        }
        let op = Neighbour {
            input: input.clone(),
            keys,
            values,
            kind,
            periods,
            fill: fill.map(Lit),
            dropna,
        };
        Ok(FrameExpr::op(
            Arc::new(op),
            schema,
            input.nindex,
            input.index_names.clone(),
            input.npartitions,
        ))
    }

    /// Whether the steps run on reversed partitions, from the last one.
    fn backward(&self) -> bool {
        match self.kind {
            NeighbourKind::Shift | NeighbourKind::Diff => self.periods < 0,
            NeighbourKind::FFill => false,
            NeighbourKind::BFill => true,
        }
    }
}

fn key(name: &str, i: usize) -> Key {
    Key::Tuple(Arc::from(name), Box::new([i as i64]))
}

impl FrameOp for Neighbour {
    fn label(&self) -> &str {
        self.kind.name()
    }
    fn token(&self) -> u64 {
        token_of((
            &self.keys,
            &self.values,
            self.kind,
            self.periods,
            &self.fill,
            self.dropna,
        ))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn describe(&self) -> String {
        format!(
            "{}(periods={}) by={:?} of {:?}",
            self.kind.name(),
            self.periods,
            self.keys,
            self.values
        )
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let mut columns = self.input.index_columns();
        for c in self.keys.iter().chain(&self.values) {
            let c = PlSmallStr::from(c.as_str());
            if !columns.contains(&c) {
                columns.push(c);
            }
        }
        let mut data: Vec<PlSmallStr> = Vec::new();
        for c in self.keys.iter().chain(&self.values) {
            let c = PlSmallStr::from(c.as_str());
            if !data.contains(&c) {
                data.push(c);
            }
        }
        let kernel = |step| {
            Op::Kernel(Arc::new(NeighbourKernel {
                kind: self.kind,
                lag: self.periods.unsigned_abs() as usize,
                fill: self.fill.as_ref().map(|f| f.0.clone()),
                dropna: self.dropna,
                backward: self.backward(),
                step,
                keys: self.keys.iter().map(|k| k.as_str().into()).collect(),
                values: self.values.iter().map(|v| v.as_str().into()).collect(),
                data: data.clone(),
                out_dtypes: e.schema.iter_values().skip(e.nindex).cloned().collect(),
                nindex: self.input.nindex,
            }))
        };
        // The partitions before `i`, in the order the carries chain.
        let before: Vec<usize> = if self.backward() {
            (i + 1..self.input.npartitions).rev().collect()
        } else {
            (0..i).collect()
        };
        let name = format!("{}-carry", e.name);
        let mut carry: Option<Arc<Node>> = None;
        for j in before {
            let mut deps = vec![node_with(&self.input, j, &columns)];
            deps.extend(carry.take());
            carry = Some(Node::new(key(&name, j), kernel(Step::Carry), deps));
        }
        let mut deps = vec![node_with(&self.input, i, &columns)];
        deps.extend(carry);
        Node::new(key(&e.name, i), kernel(Step::Apply), deps)
    }
}

#[derive(Clone, Copy)]
enum Step {
    /// (partition, previous carry?) → the carry after the partition.
    Carry,
    /// (partition, carry?) → the result partition.
    Apply,
}

struct NeighbourKernel {
    kind: NeighbourKind,
    lag: usize,
    fill: Option<Scalar>,
    dropna: bool,
    backward: bool,
    step: Step,
    keys: Vec<PlSmallStr>,
    values: Vec<PlSmallStr>,
    /// Keys then values, without repeats: the columns a carry holds.
    data: Vec<PlSmallStr>,
    out_dtypes: Vec<DataType>,
    nindex: usize,
}

/// The row numbers of each group of `df` by `keys` (all rows without keys),
/// ascending; groups whose key is missing are left out when `dropna`.
fn group_rows(df: &DataFrame, keys: &[PlSmallStr], dropna: bool) -> FxResult<Vec<Vec<IdxSize>>> {
    if keys.is_empty() {
        return Ok(vec![(0..df.height() as IdxSize).collect()]);
    }
    let mut cols = Vec::with_capacity(keys.len());
    for k in keys {
        let s = nan_to_null(df.column(k)?.as_materialized_series())?;
        cols.push(s.into_column());
    }
    let keyed = DataFrame::new(df.height(), cols)?;
    let mut null_key = BooleanChunked::full(PlSmallStr::EMPTY, false, df.height());
    for c in keyed.columns() {
        null_key = &null_key | &c.is_null();
    }
    let gb = keyed.group_by(keys.iter().cloned())?;
    let mut out = Vec::new();
    for g in gb.get_groups().iter() {
        let mut rows: Vec<IdxSize> = match g {
            GroupsIndicator::Idx((_, idx)) => idx.to_vec(),
            GroupsIndicator::Slice([first, len]) => (first..first + len).collect(),
        };
        if dropna
            && rows
                .first()
                .is_some_and(|&r| null_key.get(r as usize) == Some(true))
        {
            continue;
        }
        rows.sort_unstable();
        out.push(rows);
    }
    Ok(out)
}

impl NeighbourKernel {
    /// The output columns for the rows of `part` (its data columns, in
    /// forward order) and the carry after it.
    fn compute(
        &self,
        part: &DataFrame,
        carry: Option<&DataFrame>,
    ) -> FxResult<(Vec<Column>, DataFrame)> {
        let (stacked, offset) = match carry {
            Some(c) if c.height() > 0 => {
                let mut s = conform(c, part.schema(), &self.data)?;
                s.vstack_mut(part)?;
                s.rechunk_mut_par();
                (s, c.height())
            }
            _ => (part.clone(), 0),
        };
        let n = stacked.height();
        let groups = group_rows(&stacked, &self.keys, self.dropna)?;
        let lag = self.lag as isize;
        let mut outs = Vec::with_capacity(self.values.len());
        let mut filled_cols: Vec<Column> = Vec::new();
        // Shift and diff: one source row per row, shared by every column.
        let shared: Option<Vec<Option<IdxSize>>> = match self.kind {
            NeighbourKind::Shift | NeighbourKind::Diff => {
                let mut src = vec![None; n];
                for rows in &groups {
                    for (k, &r) in rows.iter().enumerate() {
                        let from = k as isize - lag;
                        if from >= 0 {
                            src[r as usize] = Some(rows[from as usize]);
                        }
                    }
                }
                Some(src)
            }
            _ => None,
        };
        for (v, out_dtype) in self.values.iter().zip(&self.out_dtypes) {
            let s = stacked.column(v)?.as_materialized_series();
            let out = match (&shared, self.kind) {
                (Some(src), NeighbourKind::Shift) => {
                    let idx = IdxCa::from_iter_options(PlSmallStr::EMPTY, src.iter().copied());
                    let shifted = s.take(&idx)?.cast(out_dtype)?;
                    match &self.fill {
                        Some(f) => {
                            // Rows shifted in from outside their group (or
                            // in no group: a missing key) get the fill
                            // value, as in pandas.
                            let keep: BooleanChunked =
                                src.iter().map(|s| Some(s.is_some())).collect();
                            let value = Series::from_any_values(
                                s.name().clone(),
                                &[f.value().clone()],
                                false,
                            )?
                            .cast(out_dtype)?
                            .new_from_index(0, n);
                            shifted.zip_with(&keep, &value)?
                        }
                        None => shifted,
                    }
                }
                (Some(src), NeighbourKind::Diff) => {
                    let idx = IdxCa::from_iter_options(PlSmallStr::EMPTY, src.iter().copied());
                    let x = nan_to_null(s)?;
                    let (x, before) = if out_dtype.is_float() {
                        let x = x.cast(out_dtype)?;
                        let before = x.take(&idx)?;
                        (x, before)
                    } else {
                        let before = x.take(&idx)?;
                        (x, before)
                    };
                    let d = (&x - &before)?;
                    // Rows of no group: missing.
                    let valid: BooleanChunked = src.iter().map(|s| Some(s.is_some())).collect();
                    let nulls = Series::full_null(d.name().clone(), n, d.dtype());
                    d.zip_with(&valid, &nulls)?.cast(out_dtype)?
                }
                _ => {
                    // ffill (bfill on reversed rows): the last valid row of
                    // the group so far.
                    let miss = missing(s)?;
                    let mut src = vec![None; n];
                    for rows in &groups {
                        let mut last = None;
                        for &r in rows {
                            if miss.get(r as usize) != Some(true) {
                                last = Some(r);
                            }
                            src[r as usize] = last;
                        }
                    }
                    let idx = IdxCa::from_iter_options(PlSmallStr::EMPTY, src.iter().copied());
                    s.take(&idx)?.cast(out_dtype)?
                }
            };
            let out = out.with_name(v.clone());
            if matches!(self.kind, NeighbourKind::FFill | NeighbourKind::BFill) {
                filled_cols.push(out.clone().into_column());
            }
            outs.push(out.slice(offset as i64, n - offset).into_column());
        }
        let carry = match self.step {
            Step::Apply => DataFrame::empty(),
            Step::Carry => {
                // Per group, the rows the next partition needs.
                let keep = match self.kind {
                    NeighbourKind::Shift | NeighbourKind::Diff => self.lag,
                    _ => 1,
                };
                let mut rows: Vec<IdxSize> = groups
                    .iter()
                    .flat_map(|g| g[g.len().saturating_sub(keep)..].iter().copied())
                    .collect();
                rows.sort_unstable();
                let idx = IdxCa::from_vec(PlSmallStr::EMPTY, rows);
                let base = if filled_cols.is_empty() {
                    stacked.clone()
                } else {
                    let mut cols: Vec<Column> = Vec::with_capacity(self.data.len());
                    for c in &self.data {
                        match filled_cols.iter().find(|f| f.name() == c) {
                            Some(f) if !self.keys.contains(c) => {
                                // The carry keeps the input's dtypes.
                                cols.push(f.cast(stacked.column(c)?.dtype())?);
                            }
                            _ => cols.push(stacked.column(c)?.clone()),
                        }
                    }
                    DataFrame::new(n, cols)?
                };
                base.take(&idx)?
            }
        };
        Ok((outs, carry))
    }
}

impl Kernel for NeighbourKernel {
    fn name(&self) -> &str {
        match self.step {
            Step::Carry => "neighbour-carry",
            Step::Apply => "neighbour",
        }
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = frame_input(inputs, 0)?;
        let carry = if inputs.len() > 1 {
            Some(frame_input(inputs, 1)?)
        } else {
            None
        };
        let data = df.select(self.data.iter().cloned())?;
        let data = if self.backward { data.reverse() } else { data };
        let (outs, new_carry) = self.compute(&data, carry.as_deref())?;
        let out = match self.step {
            Step::Carry => new_carry,
            Step::Apply => {
                let mut cols: Vec<Column> = df.columns()[..self.nindex].to_vec();
                for c in outs {
                    cols.push(if self.backward {
                        c.as_materialized_series().reverse().into_column()
                    } else {
                        c
                    });
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
