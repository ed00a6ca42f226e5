//! `idxmax` / `idxmin`: the index label of each column's first largest
//! (smallest) value, as a tree reduction.
//!
//! A partial is one row per input with, for every column, its extreme
//! value so far, that value's index label and whether a missing value
//! (null, or NaN in a float column) was seen. Partials are stacked in
//! partition order and the first row holding the extreme wins, so ties go
//! to the first occurrence in the whole frame, as in pandas. pandas' errors
//! are raised by the last step: a missing value with `skipna=False`, a
//! column of missing values only, an empty column.

use std::sync::Arc;

use polars_core::prelude::*;

use super::expr::{index_column, token_of, FrameExpr, FrameOp};
use super::reduce::{frame_tree, FrameTree};
use super::shuffle::{nan_to_null, stack};
use super::sort::frames;
use crate::error::{FxError, FxResult};
use crate::graph::Node;
use crate::value::Value;

fn value_name(i: usize) -> PlSmallStr {
    format!("v{i}").into()
}

fn label_name(i: usize) -> PlSmallStr {
    format!("l{i}").into()
}

fn missing_name(i: usize) -> PlSmallStr {
    format!("m{i}").into()
}

/// The position of the first largest (`max`) or smallest value of `s`
/// (missing values skipped), if it has a value.
fn first_extreme(s: &Series, max: bool) -> FxResult<Option<usize>> {
    let extreme = if max {
        s.max_reduce()?
    } else {
        s.min_reduce()?
    };
    if extreme.is_null() {
        return Ok(None);
    }
    let target = extreme.into_series(PlSmallStr::EMPTY).cast(s.dtype())?;
    let equal = s.equal(&target)?;
    let pos = equal.iter().position(|v| v == Some(true));
    Ok(pos)
}

/// One row: `values` and `labels` at `pos` (nulls without a position).
fn pick(s: &Series, pos: Option<usize>, name: PlSmallStr) -> Series {
    match pos {
        Some(p) => s.slice(p as i64, 1).with_name(name),
        None => Series::full_null(name, 1, s.dtype()),
    }
}

struct ArgTree {
    columns: Arc<Vec<PlSmallStr>>,
    max: bool,
    skipna: bool,
    /// The partials' schema.
    schema: Arc<Schema>,
}

impl ArgTree {
    /// The partial of `values` (one column per input column) and `labels`.
    fn partial(&self, values: &[Series], labels: &Series, missing: &[bool]) -> FxResult<DataFrame> {
        let mut cols = Vec::with_capacity(3 * values.len());
        for (i, s) in values.iter().enumerate() {
            let pos = first_extreme(s, self.max)?;
            cols.push(pick(s, pos, value_name(i)).into_column());
            cols.push(pick(labels, pos, label_name(i)).into_column());
            cols.push(Column::new(missing_name(i), [missing[i]]));
        }
        Ok(DataFrame::new(1, cols)?)
    }
}

impl FrameTree for ArgTree {
    const NAMES: [&'static str; 3] = ["idx-chunk", "idx-combine", "idx-agg"];

    fn chunk(&self, df: &DataFrame) -> FxResult<DataFrame> {
        let labels = df.column(&index_column(0))?.as_materialized_series();
        let mut values = Vec::with_capacity(self.columns.len());
        let mut missing = Vec::with_capacity(self.columns.len());
        for c in self.columns.iter() {
            let s = nan_to_null(df.column(c)?.as_materialized_series())?;
            missing.push(s.null_count() > 0);
            values.push(s);
        }
        self.partial(&values, labels, &missing)
    }

    fn merge(&self, inputs: &[Value]) -> FxResult<DataFrame> {
        let all = stack(&frames(inputs)?, &self.schema)?;
        let mut out = Vec::with_capacity(3 * self.columns.len());
        for i in 0..self.columns.len() {
            let values = all.column(&value_name(i))?.as_materialized_series();
            let labels = all.column(&label_name(i))?.as_materialized_series();
            let pos = first_extreme(values, self.max)?;
            let seen = all
                .column(&missing_name(i))?
                .as_materialized_series()
                .bool()?
                .any();
            out.push(pick(values, pos, value_name(i)).into_column());
            out.push(pick(labels, pos, label_name(i)).into_column());
            out.push(Column::new(missing_name(i), [seen]));
        }
        Ok(DataFrame::new(1, out)?)
    }

    fn finish(&self, merged: DataFrame) -> FxResult<DataFrame> {
        let which = if self.max { "argmax" } else { "argmin" };
        let mut cols = Vec::with_capacity(self.columns.len());
        for (i, c) in self.columns.iter().enumerate() {
            let value = merged.column(&value_name(i))?;
            let seen = merged
                .column(&missing_name(i))?
                .as_materialized_series()
                .bool()?
                .any();
            if seen && !self.skipna {
                return Err(FxError::InvalidArgument(
                    "Encountered an NA value with skipna=False".into(),
                ));
            }
            if value.null_count() == value.len() {
                return Err(FxError::InvalidArgument(if seen {
                    "Encountered all NA values".into()
                } else {
                    format!("attempt to get {which} of an empty sequence")
                }));
            }
            cols.push(merged.column(&label_name(i))?.clone().with_name(c.clone()));
        }
        Ok(DataFrame::new(1, cols)?)
    }
}

/// `idxmax` / `idxmin` of `columns` (one row of index labels).
pub struct ArgExtremeOp {
    input: Arc<FrameExpr>,
    columns: Arc<Vec<PlSmallStr>>,
    max: bool,
    skipna: bool,
    split_every: usize,
}

impl FrameOp for ArgExtremeOp {
    fn label(&self) -> &str {
        if self.max {
            "idxmax"
        } else {
            "idxmin"
        }
    }
    fn token(&self) -> u64 {
        token_of((&*self.columns, self.max, self.skipna, self.split_every))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, _i: usize) -> Arc<Node> {
        let label_dtype = self.input.schema.get_at_index(0).map(|(_, d)| d.clone());
        let label_dtype = label_dtype.unwrap_or(DataType::Int64);
        let mut schema = Schema::with_capacity(3 * self.columns.len());
        for (i, c) in self.columns.iter().enumerate() {
            let dtype = self.input.schema.get(c).cloned().unwrap_or(DataType::Null);
            schema.insert(value_name(i), dtype);
            schema.insert(label_name(i), label_dtype.clone());
            schema.insert(missing_name(i), DataType::Boolean);
        }
        let mut wanted = vec![index_column(0)];
        wanted.extend(self.columns.iter().cloned());
        let (needed, _) = super::sort::needed(&self.input, &wanted);
        let tree = ArgTree {
            columns: self.columns.clone(),
            max: self.max,
            skipna: self.skipna,
            schema: Arc::new(schema),
        };
        frame_tree(&e.name, &self.input, &needed, self.split_every, tree)
    }
    fn one_row(&self) -> bool {
        true
    }
}

/// `idxmax(skipna)` (`max`) or `idxmin` of `columns` of `input`: one row,
/// a column of index labels per input column.
pub fn arg_extreme(
    input: &Arc<FrameExpr>,
    columns: &[String],
    max: bool,
    skipna: bool,
    split_every: usize,
) -> FxResult<Arc<FrameExpr>> {
    if input.nindex > 1 {
        return Err(FxError::InvalidArgument(
            "idxmax / idxmin of a frame with a MultiIndex is not supported yet".into(),
        ));
    }
    for c in columns {
        let d = input.dtype(c)?;
        if !(d.is_primitive_numeric() || d.is_bool() || d.is_temporal() || d.is_string()) {
            return Err(FxError::DType(format!(
                "reduction operation '{}' not allowed for this dtype",
                if max { "argmax" } else { "argmin" }
            )));
        }
    }
    let input = input.row_index();
    let label = input.schema.get_at_index(0).map(|(_, d)| d.clone());
    let label = label.unwrap_or(DataType::Int64);
    let mut schema = Schema::with_capacity(columns.len());
    for c in columns {
        schema.insert(c.as_str().into(), label.clone());
    }
    let op = ArgExtremeOp {
        input: input.clone(),
        columns: Arc::new(columns.iter().map(|c| c.as_str().into()).collect()),
        max,
        skipna,
        split_every: split_every.max(2),
    };
    Ok(FrameExpr::op(Arc::new(op), schema, 0, Vec::new(), 1))
}
