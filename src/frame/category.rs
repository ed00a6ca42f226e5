//! `astype("category")` of a text column: pandas infers the categories
//! from the whole column (its distinct values, sorted), so a tree
//! reduction collects them first (each partition's distinct values,
//! merged and sorted by the last step), then every partition casts its
//! column to a polars `Enum` of exactly those categories — exported to
//! Arrow as a dictionary with every category, in order, which pandas reads
//! as its categorical.
//!
//! The categories are known only when computed: the declared dtype is an
//! `Enum` without categories, which stands for "categorical" (partitions
//! are not cast to it, see [`super::kernels::conform`]).

use std::sync::Arc;

use polars_core::prelude::*;

use super::expr::{token_of, FrameExpr, FrameOp};
use super::kernels::frame_input;
use super::lower::node_with;
use super::reduce::{frame_tree, FrameTree};
use super::sort::{frames, key};
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Node, Op};
use crate::value::Value;

/// The dtype declared for a categorical column before its categories are
/// known.
pub fn unknown_categories() -> FxResult<DataType> {
    let empty: [&str; 0] = [];
    Ok(DataType::from_frozen_categories(FrozenCategories::new(
        empty,
    )?))
}

/// The distinct non-missing values of a text column (sorted by the last
/// step).
struct CategoriesTree {
    column: PlSmallStr,
}

impl CategoriesTree {
    fn distinct(&self, s: Series) -> FxResult<DataFrame> {
        let s = s.drop_nulls().unique()?;
        Ok(DataFrame::new(s.len(), vec![s.into_column()])?)
    }
}

impl FrameTree for CategoriesTree {
    const NAMES: [&'static str; 3] = ["categories"; 3];

    fn chunk(&self, partition: &DataFrame) -> FxResult<DataFrame> {
        let s = partition.column(&self.column)?.as_materialized_series();
        self.distinct(s.clone())
    }

    fn merge(&self, partials: &[Value]) -> FxResult<DataFrame> {
        let mut all: Option<Series> = None;
        for df in frames(partials)? {
            let s = df.column(&self.column)?.as_materialized_series();
            match &mut all {
                None => all = Some(s.clone()),
                Some(acc) => {
                    acc.append(s)?;
                }
            }
        }
        self.distinct(all.ok_or_else(|| FxError::InvalidArgument("nothing to combine".into()))?)
    }

    fn finish(&self, merged: DataFrame) -> FxResult<DataFrame> {
        let s = merged.column(&self.column)?.as_materialized_series();
        let s = s.sort(SortOptions::default().with_multithreaded(false))?;
        Ok(DataFrame::new(s.len(), vec![s.into_column()])?)
    }
}

/// One partition with `column` cast to an `Enum` of the categories (the
/// task's second input).
struct CastKernel {
    column: PlSmallStr,
}

impl Kernel for CastKernel {
    fn name(&self) -> &str {
        "astype-category"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = frame_input(inputs, 0)?;
        let cats = frame_input(inputs, 1)?;
        let cats = cats.column(&self.column)?.as_materialized_series();
        let fcats = FrozenCategories::new(cats.str()?.iter().flatten())?;
        let dtype = DataType::from_frozen_categories(fcats);
        let mut out = (*df).clone();
        let cast = out.column(&self.column)?.cast(&dtype)?;
        out.with_column(cast)?;
        Ok(Value::Frame(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `input` with `column` as a categorical.
pub struct CategorizeOp {
    input: Arc<FrameExpr>,
    column: PlSmallStr,
    split_every: usize,
}

impl CategorizeOp {
    fn categories(&self, e: &FrameExpr) -> Arc<Node> {
        let name = format!("{}-categories", e.name);
        let tree = CategoriesTree {
            column: self.column.clone(),
        };
        let columns = [self.column.clone()];
        frame_tree(&name, &self.input, &columns, self.split_every, tree)
    }

    fn cast(&self, name: &str, i: usize, part: Arc<Node>, cats: Arc<Node>) -> Arc<Node> {
        let kernel = CastKernel {
            column: self.column.clone(),
        };
        Node::new(key(name, i), Op::Kernel(Arc::new(kernel)), vec![part, cats])
    }
}

impl FrameOp for CategorizeOp {
    fn label(&self) -> &str {
        "astype-category"
    }
    fn token(&self) -> u64 {
        token_of((&self.column, self.split_every))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let columns: Vec<PlSmallStr> = self.input.schema.iter_names().cloned().collect();
        let part = node_with(&self.input, i, &columns);
        self.cast(&e.name, i, part, self.categories(e))
    }
    fn lower_columns(
        &self,
        e: &Arc<FrameExpr>,
        i: usize,
        columns: &[PlSmallStr],
    ) -> Option<Arc<Node>> {
        let part = node_with(&self.input, i, columns);
        if !columns.contains(&self.column) {
            // The categorical column is not read: nothing to cast.
            return Some(part);
        }
        let name = format!("{}-{:08x}", e.name, token_of(columns) as u32);
        Some(self.cast(&name, i, part, self.categories(e)))
    }
}

/// `input` with the text column `column` cast to a categorical whose
/// categories are the column's sorted distinct values.
pub fn astype_category(
    input: &Arc<FrameExpr>,
    column: &str,
    split_every: usize,
) -> FxResult<Arc<FrameExpr>> {
    let dtype = input.dtype(column)?;
    if !dtype.is_string() {
        return Err(FxError::DType(format!(
            "astype('category') of a {} column is not supported yet (only text columns)",
            super::expr::pandas_dtype_name(dtype)
        )));
    }
    let mut schema = (*input.schema).clone();
    schema.insert(column.into(), unknown_categories()?);
    let op = CategorizeOp {
        input: input.clone(),
        column: column.into(),
        split_every: split_every.max(2),
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        schema,
        input.nindex,
        input.index_names.clone(),
        input.npartitions,
    ))
}
