//! Multi-partition frame operations (sorting, shuffling, joining,
//! reshaping) as functions over `FrameCore`s: `ferrox._core.sort_values`,
//! `merge`, `concat`, … Each builds an expression (checked now) in
//! `src/frame/{sort,distinct,join,concat,index}.rs`.

use pyo3::prelude::*;

use super::frame::{py_to_scalar, FrameCore};
use super::task::TaskCore;
use crate::frame::{concat as fconcat, distinct, index, join, sort};

fn wrap(expr: std::sync::Arc<crate::frame::expr::FrameExpr>) -> FrameCore {
    FrameCore { expr }
}

/// `sort_values(by, ascending, na_position == "last")`.
#[pyfunction]
pub fn sort_values(
    core: &FrameCore,
    by: Vec<String>,
    ascending: Vec<bool>,
    nulls_last: bool,
) -> PyResult<FrameCore> {
    Ok(wrap(sort::sort_values(
        &core.expr, &by, &ascending, nulls_last,
    )?))
}

/// `sort_index()`.
#[pyfunction]
pub fn sort_index(core: &FrameCore) -> PyResult<FrameCore> {
    Ok(wrap(sort::sort_index(&core.expr)?))
}

/// `nlargest(n, by)` (`largest`) or `nsmallest(n, by)`.
#[pyfunction]
#[pyo3(signature = (core, n, by, largest, split_every=8))]
pub fn top_n(
    core: &FrameCore,
    n: usize,
    by: Vec<String>,
    largest: bool,
    split_every: usize,
) -> PyResult<FrameCore> {
    Ok(wrap(sort::top_n(&core.expr, n, &by, largest, split_every)?))
}

/// `set_index(column, sorted, drop)`.
#[pyfunction]
pub fn set_index(
    core: &FrameCore,
    column: String,
    sorted: bool,
    drop: bool,
) -> PyResult<FrameCore> {
    Ok(wrap(if sorted {
        fconcat::set_index_sorted(&core.expr, &column, drop)?
    } else {
        sort::set_index(&core.expr, &column, drop)?
    }))
}

/// `reset_index(drop)`.
#[pyfunction]
pub fn reset_index(core: &FrameCore, drop: bool) -> PyResult<FrameCore> {
    Ok(wrap(fconcat::reset_index(&core.expr, drop)?))
}

/// A task computing the divisions (a pyarrow table of one column), or
/// `None` when they are unknown.
#[pyfunction]
pub fn divisions_task(core: &FrameCore) -> Option<TaskCore> {
    index::divisions_node(&core.expr).map(|node| TaskCore { node })
}

/// `loc[lo:hi]`, or `loc[labels]` (`labels` a pyarrow array), over
/// partitions `parts` (all when empty).
#[pyfunction]
#[pyo3(signature = (core, parts, lo, hi, labels=None))]
pub fn loc(
    core: &FrameCore,
    parts: Vec<usize>,
    lo: &Bound<'_, PyAny>,
    hi: &Bound<'_, PyAny>,
    labels: Option<pyo3_arrow::PyArray>,
) -> PyResult<FrameCore> {
    let labels = labels.map(array_to_series).transpose()?;
    let bound = |b: &Bound<'_, PyAny>| -> PyResult<_> {
        Ok(if b.is_none() {
            None
        } else {
            Some(py_to_scalar(b)?)
        })
    };
    Ok(wrap(index::loc(
        &core.expr,
        parts,
        bound(lo)?,
        bound(hi)?,
        labels,
    )?))
}

/// A pyarrow array as a polars series.
fn array_to_series(values: pyo3_arrow::PyArray) -> PyResult<polars_core::prelude::Series> {
    use std::sync::Arc;
    let (array, field) = values.into_inner();
    let schema = arrow::datatypes::Schema::new(vec![field.as_ref().clone().with_name("v")]);
    let batch = arrow::record_batch::RecordBatch::try_new(Arc::new(schema.clone()), vec![array])
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let df = crate::frame::export::from_arrow(&[batch], &Arc::new(schema))?;
    Ok(df.columns()[0].as_materialized_series().clone())
}

/// `concat(frames, axis=1)` of frames cut alike: `names[k]` are the
/// output names of frame `k`'s columns.
#[pyfunction]
pub fn concat_columns(
    cores: Vec<PyRef<'_, FrameCore>>,
    names: Vec<Vec<String>>,
) -> PyResult<FrameCore> {
    let exprs: Vec<_> = cores.iter().map(|c| c.expr.clone()).collect();
    Ok(wrap(fconcat::concat_columns(&exprs, &names)?))
}

/// `drop_duplicates(subset, keep, ignore_index)`.
#[pyfunction]
#[pyo3(signature = (core, subset, keep, ignore_index=false, split_every=8))]
pub fn drop_duplicates(
    core: &FrameCore,
    subset: Vec<String>,
    keep: &str,
    ignore_index: bool,
    split_every: usize,
) -> PyResult<FrameCore> {
    Ok(wrap(distinct::drop_duplicates(
        &core.expr,
        &subset,
        keep,
        split_every,
        ignore_index,
    )?))
}

/// `merge(left, right, how, left_on, right_on, on_index, suffixes)`;
/// `on_index` is `"both"`, `"right"` (`left_on` against the right index)
/// or `"no"`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn merge(
    left: &FrameCore,
    right: &FrameCore,
    how: &str,
    left_on: Vec<String>,
    right_on: Vec<String>,
    on_index: &str,
    suffixes: (String, String),
) -> PyResult<FrameCore> {
    let how = join::How::from_name(how)?;
    let on_index = match on_index {
        "both" => join::OnIndex::Both,
        "right" => join::OnIndex::Right,
        _ => join::OnIndex::No,
    };
    Ok(wrap(join::merge(
        &left.expr,
        &right.expr,
        how,
        &left_on,
        &right_on,
        on_index,
        (&suffixes.0, &suffixes.1),
    )?))
}

/// `concat(frames, ignore_index)` along rows.
#[pyfunction]
pub fn concat(cores: Vec<PyRef<'_, FrameCore>>, ignore_index: bool) -> PyResult<FrameCore> {
    let exprs: Vec<_> = cores.iter().map(|c| c.expr.clone()).collect();
    Ok(wrap(fconcat::concat(&exprs, ignore_index)?))
}

/// `repartition(npartitions)`.
#[pyfunction]
pub fn repartition(core: &FrameCore, npartitions: usize) -> PyResult<FrameCore> {
    Ok(wrap(fconcat::repartition(&core.expr, npartitions)?))
}

/// The rows hash-partitioned by `keys` into `npartitions` partitions
/// (every group in one partition; the index follows the rows).
#[pyfunction]
pub fn hash_partition(
    core: &FrameCore,
    keys: Vec<String>,
    npartitions: usize,
) -> PyResult<FrameCore> {
    Ok(wrap(crate::frame::shuffle::hash_partition(
        &core.expr,
        &keys,
        npartitions,
    )?))
}

/// Register the functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sort_values, m)?)?;
    m.add_function(wrap_pyfunction!(sort_index, m)?)?;
    m.add_function(wrap_pyfunction!(top_n, m)?)?;
    m.add_function(wrap_pyfunction!(set_index, m)?)?;
    m.add_function(wrap_pyfunction!(reset_index, m)?)?;
    m.add_function(wrap_pyfunction!(divisions_task, m)?)?;
    m.add_function(wrap_pyfunction!(loc, m)?)?;
    m.add_function(wrap_pyfunction!(drop_duplicates, m)?)?;
    m.add_function(wrap_pyfunction!(merge, m)?)?;
    m.add_function(wrap_pyfunction!(concat, m)?)?;
    m.add_function(wrap_pyfunction!(concat_columns, m)?)?;
    m.add_function(wrap_pyfunction!(repartition, m)?)?;
    m.add_function(wrap_pyfunction!(hash_partition, m)?)?;
    Ok(())
}
