//! `memory_usage`: the bytes pandas reports for each column of the computed
//! frame, summed over the partitions by a tree reduction.
//!
//! pandas' numbers depend on how the column arrives in pandas, which is
//! decided for the whole column: NumPy columns take `itemsize` bytes a
//! value — unless a missing value anywhere makes an integer column
//! float64 or a boolean one `object` (8 bytes a value, plus with `deep`
//! the size of each Python object); text columns are Arrow `large_string`
//! chunks, one per partition, of `8·n + text bytes` (plus `⌈n / 8⌉` for
//! the validity bitmap when the chunk has a missing value). So each
//! partition reports, per column, its bytes in its own representation,
//! its missing values and its true values; the last step applies the
//! whole-column rules. The row count is reported too, for the index
//! pandas makes of a default one (a `RangeIndex`, whose size Python knows).

use std::sync::Arc;

use polars_core::prelude::*;

use super::expr::{token_of, FrameExpr, FrameOp};
use super::reduce::{frame_tree, FrameTree};
use super::sort::frames;
use crate::error::{FxError, FxResult};
use crate::graph::Node;
use crate::value::Value;

/// Sizes of the Python objects of an `object` boolean column (`True`,
/// `False`, and the NaN of a missing value), for `deep=True`.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct ObjectSizes {
    /// `sys.getsizeof(True)`.
    pub true_: i64,
    /// `sys.getsizeof(False)`.
    pub false_: i64,
    /// `sys.getsizeof(float("nan"))`.
    pub nan: i64,
}

/// The partial's columns for input column `i`: bytes, missing values,
/// true values.
fn part_names(i: usize) -> [PlSmallStr; 3] {
    [
        format!("b{i}").into(),
        format!("z{i}").into(),
        format!("t{i}").into(),
    ]
}

const ROWS: &str = "rows";

/// The partial's columns of the index's [`Progression`].
const PROGRESSION: [&str; 5] = ["p_n", "p_first", "p_last", "p_step", "p_ok"];

/// Whether a run of integers is an arithmetic progression (a `RangeIndex`
/// in pandas): its length, ends and step (unknown below two values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Progression {
    n: i64,
    first: i64,
    last: i64,
    step: Option<i64>,
    ok: bool,
}

impl Progression {
    fn of(s: &Series) -> FxResult<Progression> {
        let s = s.cast(&DataType::Int64)?;
        let ca = s.i64()?;
        let n = ca.len() as i64;
        if ca.null_count() > 0 {
            return Ok(Progression {
                n,
                first: 0,
                last: 0,
                step: None,
                ok: false,
            });
        }
        let values: Vec<i64> = ca.into_no_null_iter().collect();
        let step = (values.len() >= 2).then(|| values[1].wrapping_sub(values[0]));
        let ok = step
            .is_none_or(|st| st != 0 && values.windows(2).all(|w| w[1].wrapping_sub(w[0]) == st));
        Ok(Progression {
            n,
            first: values.first().copied().unwrap_or(0),
            last: values.last().copied().unwrap_or(0),
            step,
            ok,
        })
    }

    /// This run followed by `next`.
    fn then(self, next: Progression) -> Progression {
        if self.n == 0 {
            return next;
        }
        if next.n == 0 {
            return self;
        }
        let gap = next.first.wrapping_sub(self.last);
        let step = self.step.or(next.step).unwrap_or(gap);
        let ok = self.ok
            && next.ok
            && step != 0
            && gap == step
            && self.step.is_none_or(|st| st == step)
            && next.step.is_none_or(|st| st == step);
        Progression {
            n: self.n + next.n,
            first: self.first,
            last: next.last,
            step: Some(step),
            ok,
        }
    }

    /// Whether pandas makes a `RangeIndex` of it (not of one value).
    fn is_range(self) -> bool {
        self.n == 0 || (self.n >= 2 && self.ok)
    }

    fn columns(self) -> Vec<Column> {
        vec![
            Column::new(PROGRESSION[0].into(), [self.n]),
            Column::new(PROGRESSION[1].into(), [self.first]),
            Column::new(PROGRESSION[2].into(), [self.last]),
            Column::new(PROGRESSION[3].into(), [self.step]),
            Column::new(PROGRESSION[4].into(), [self.ok]),
        ]
    }

    fn from_row(df: &DataFrame, row: usize) -> FxResult<Progression> {
        let int = |name: &str| -> FxResult<Option<i64>> {
            Ok(df.column(name)?.as_materialized_series().i64()?.get(row))
        };
        let ok = df
            .column(PROGRESSION[4])?
            .as_materialized_series()
            .bool()?
            .get(row);
        Ok(Progression {
            n: int(PROGRESSION[0])?.unwrap_or(0),
            first: int(PROGRESSION[1])?.unwrap_or(0),
            last: int(PROGRESSION[2])?.unwrap_or(0),
            step: int(PROGRESSION[3])?,
            ok: ok.unwrap_or(false),
        })
    }
}

/// The bytes of `s` in the representation of its own partition.
fn own_bytes(s: &Series) -> FxResult<i64> {
    let n = s.len() as i64;
    Ok(match s.dtype() {
        DataType::String => {
            let text: i64 = s
                .str()?
                .iter()
                .map(|v| v.map_or(0, |t| t.len() as i64))
                .sum();
            let validity = if s.null_count() > 0 { (n + 7) / 8 } else { 0 };
            8 * n + text + validity
        }
        DataType::Boolean | DataType::UInt8 | DataType::Int8 => n,
        DataType::UInt16 | DataType::Int16 => 2 * n,
        DataType::UInt32 | DataType::Int32 | DataType::Float32 => 4 * n,
        _ => 8 * n,
    })
}

struct MemoryTree {
    columns: Arc<Vec<(PlSmallStr, DataType)>>,
    /// The integer index column whose progression is tracked.
    range_index: Option<PlSmallStr>,
    deep: Option<ObjectSizes>,
}

impl FrameTree for MemoryTree {
    const NAMES: [&'static str; 3] = [
        "memory-usage-chunk",
        "memory-usage-combine",
        "memory-usage-agg",
    ];

    fn chunk(&self, df: &DataFrame) -> FxResult<DataFrame> {
        let mut cols = vec![Column::new(ROWS.into(), [df.height() as i64])];
        for (i, (c, _)) in self.columns.iter().enumerate() {
            let s = df.column(c)?.as_materialized_series();
            let trues = if s.dtype().is_bool() {
                s.bool()?.sum().unwrap_or(0) as i64
            } else {
                0
            };
            let [b, z, t] = part_names(i);
            cols.push(Column::new(b, [own_bytes(s)?]));
            cols.push(Column::new(z, [s.null_count() as i64]));
            cols.push(Column::new(t, [trues]));
        }
        if let Some(index) = &self.range_index {
            let p = Progression::of(df.column(index)?.as_materialized_series())?;
            cols.extend(p.columns());
        }
        Ok(DataFrame::new(1, cols)?)
    }

    fn merge(&self, inputs: &[Value]) -> FxResult<DataFrame> {
        let parts = frames(inputs)?;
        let first = parts
            .first()
            .ok_or_else(|| FxError::InvalidArgument("nothing to combine".into()))?;
        let mut cols = first
            .columns()
            .iter()
            .filter(|c| !PROGRESSION.contains(&c.name().as_str()))
            .map(|c| {
                let mut total = 0i64;
                for p in &parts {
                    let s = p.column(c.name())?.as_materialized_series();
                    total += s.i64()?.sum().unwrap_or(0);
                }
                Ok(Column::new(c.name().clone(), [total]))
            })
            .collect::<FxResult<Vec<_>>>()?;
        if self.range_index.is_some() {
            let mut all = Progression::from_row(first, 0)?;
            for p in &parts[1..] {
                all = all.then(Progression::from_row(p, 0)?);
            }
            cols.extend(all.columns());
        }
        Ok(DataFrame::new(1, cols)?)
    }

    fn finish(&self, merged: DataFrame) -> FxResult<DataFrame> {
        let get = |name: &str| -> FxResult<i64> {
            Ok(merged
                .column(name)?
                .as_materialized_series()
                .i64()?
                .get(0)
                .unwrap_or(0))
        };
        let rows = get(ROWS)?;
        let mut cols = vec![Column::new(ROWS.into(), [rows])];
        for (i, (_, dtype)) in self.columns.iter().enumerate() {
            let [b, z, t] = part_names(i);
            let (bytes, nulls, trues) = (get(&b)?, get(&z)?, get(&t)?);
            let total = match dtype {
                // pandas' float64 for an integer column with a missing value.
                d if d.is_integer() && nulls > 0 => 8 * rows,
                // pandas' object column of True, False and NaN.
                DataType::Boolean if nulls > 0 => {
                    let objects = self.deep.map_or(0, |o| {
                        trues * o.true_ + (rows - nulls - trues) * o.false_ + nulls * o.nan
                    });
                    8 * rows + objects
                }
                _ => bytes,
            };
            cols.push(Column::new(format!("c{i}").into(), [total]));
        }
        // A `RangeIndex` (start, stop, step), or zeros.
        let range = match &self.range_index {
            Some(_) => Some(Progression::from_row(&merged, 0)?).filter(|p| p.is_range()),
            None => None,
        };
        let (start, stop, step) = match range {
            Some(p) if p.n == 0 => (0, 0, 1),
            Some(p) => {
                let step = p.step.unwrap_or(1);
                (p.first, p.last.wrapping_add(step), step)
            }
            None => (0, 0, 0),
        };
        cols.push(Column::new("range_start".into(), [start]));
        cols.push(Column::new("range_stop".into(), [stop]));
        cols.push(Column::new("range_step".into(), [step]));
        Ok(DataFrame::new(1, cols)?)
    }
}

/// `memory_usage` of every column of `input`, index columns included.
pub struct MemoryOp {
    input: Arc<FrameExpr>,
    deep: Option<ObjectSizes>,
    split_every: usize,
}

impl FrameOp for MemoryOp {
    fn label(&self) -> &str {
        "memory-usage"
    }
    fn token(&self) -> u64 {
        token_of((self.deep, self.split_every))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, _i: usize) -> Arc<Node> {
        let columns: Vec<(PlSmallStr, DataType)> = self
            .input
            .schema
            .iter()
            .map(|(n, d)| (n.clone(), d.clone()))
            .collect();
        let names: Vec<PlSmallStr> = columns.iter().map(|(n, _)| n.clone()).collect();
        let range_index = match columns.first() {
            Some((name, dtype)) if self.input.nindex == 1 && dtype.is_integer() => {
                Some(name.clone())
            }
            _ => None,
        };
        let tree = MemoryTree {
            columns: Arc::new(columns),
            range_index,
            deep: self.deep,
        };
        frame_tree(&e.name, &self.input, &names, self.split_every, tree)
    }
}

/// `memory_usage(deep)` of every column of `input`: one row of int64
/// byte counts, `rows` (the number of rows) then `c0`, `c1`, … for the
/// columns in schema order (index columns first), then `range_start`,
/// `range_stop`, `range_step`: the `RangeIndex` pandas makes of an integer
/// index (step 0: none).
pub fn memory_usage(
    input: &Arc<FrameExpr>,
    deep: Option<ObjectSizes>,
    split_every: usize,
) -> FxResult<Arc<FrameExpr>> {
    let mut schema = Schema::with_capacity(input.schema.len() + 1);
    schema.insert(ROWS.into(), DataType::Int64);
    for (i, d) in input.schema.iter_values().enumerate() {
        let supported = d.is_primitive_numeric()
            || d.is_bool()
            || d.is_string()
            || matches!(d, DataType::Datetime(..) | DataType::Duration(_));
        if !supported {
            return Err(FxError::DType(format!(
                "memory_usage of a column of dtype {} (an object column in pandas) is not \
                 supported yet",
                super::expr::pandas_dtype_name(d)
            )));
        }
        schema.insert(format!("c{i}").into(), DataType::Int64);
    }
    for name in ["range_start", "range_stop", "range_step"] {
        schema.insert(name.into(), DataType::Int64);
    }
    let op = MemoryOp {
        input: input.clone(),
        deep,
        split_every: split_every.max(2),
    };
    Ok(FrameExpr::op(Arc::new(op), schema, 0, Vec::new(), 1))
}
