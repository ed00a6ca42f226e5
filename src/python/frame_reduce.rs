//! Frame reductions beyond group-by, as functions over `FrameCore`s:
//! `ferrox._core.reduce` (missing-value rules), `value_counts`, `mode`,
//! `idx_extreme`, `memory_usage`, `astype_category`, `tail`. Each builds
//! an expression (checked now) in `src/frame/{reduce,counts,argext,memory,
//! category,tail}.rs`.

use pyo3::prelude::*;

use super::frame::FrameCore;
use crate::frame::counts::Finish;
use crate::frame::groupby::{AggOp, AggSpec};
use crate::frame::memory::ObjectSizes;
use crate::frame::reduce::{Missing, ReduceSpec};
use crate::frame::{argext, category, counts, memory, reduce as freduce, tail as ftail};

fn wrap(expr: std::sync::Arc<crate::frame::expr::FrameExpr>) -> FrameCore {
    FrameCore { expr }
}

/// Whole-frame reductions: `aggs` holds `(column, op, output name, ddof,
/// missing)`, `missing` one of `"skip"`, `"propagate"`, `"truthy"`,
/// `"counted"`.
#[pyfunction]
#[pyo3(signature = (core, aggs, split_every=8))]
pub fn reduce(
    core: &FrameCore,
    aggs: Vec<(String, String, String, u8, String)>,
    split_every: usize,
) -> PyResult<FrameCore> {
    let specs = aggs
        .into_iter()
        .map(|(column, op, output, ddof, missing)| {
            Ok(ReduceSpec {
                agg: AggSpec {
                    column,
                    op: AggOp::from_name(&op)?,
                    output,
                    ddof,
                    q: 0.5,
                },
                missing: Missing::from_name(&missing)?,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(wrap(freduce::reduce(&core.expr, specs, split_every)?))
}

/// `value_counts` of the rows by `keys` (a series: its one column).
#[pyfunction]
#[pyo3(signature = (core, keys, dropna, sort, ascending, normalize, split_every=8))]
pub fn value_counts(
    core: &FrameCore,
    keys: Vec<String>,
    dropna: bool,
    sort: bool,
    ascending: bool,
    normalize: bool,
    split_every: usize,
) -> PyResult<FrameCore> {
    let finish = Finish::Counts {
        sort,
        ascending,
        normalize,
    };
    Ok(wrap(counts::value_counts(
        &core.expr,
        &keys,
        dropna,
        finish,
        split_every,
    )?))
}

/// `mode(dropna)` of the one column `column`.
#[pyfunction]
#[pyo3(signature = (core, column, dropna, split_every=8))]
pub fn mode(
    core: &FrameCore,
    column: String,
    dropna: bool,
    split_every: usize,
) -> PyResult<FrameCore> {
    Ok(wrap(counts::value_counts(
        &core.expr,
        &[column],
        dropna,
        Finish::Mode,
        split_every,
    )?))
}

/// `idxmax(skipna)` (`largest`) or `idxmin` of `columns`: one row of
/// index labels.
#[pyfunction]
#[pyo3(signature = (core, columns, largest, skipna, split_every=8))]
pub fn idx_extreme(
    core: &FrameCore,
    columns: Vec<String>,
    largest: bool,
    skipna: bool,
    split_every: usize,
) -> PyResult<FrameCore> {
    Ok(wrap(argext::arg_extreme(
        &core.expr,
        &columns,
        largest,
        skipna,
        split_every,
    )?))
}

/// `memory_usage`: one row, `rows` then the bytes of every column (index
/// columns first); `object_sizes` (`sys.getsizeof` of `True`, `False`,
/// NaN) for `deep=True`.
#[pyfunction]
#[pyo3(signature = (core, object_sizes=None, split_every=8))]
pub fn memory_usage(
    core: &FrameCore,
    object_sizes: Option<(i64, i64, i64)>,
    split_every: usize,
) -> PyResult<FrameCore> {
    let deep = object_sizes.map(|(true_, false_, nan)| ObjectSizes { true_, false_, nan });
    Ok(wrap(memory::memory_usage(&core.expr, deep, split_every)?))
}

/// `astype("category")` of the text column `column`.
#[pyfunction]
#[pyo3(signature = (core, column, split_every=8))]
pub fn astype_category(core: &FrameCore, column: &str, split_every: usize) -> PyResult<FrameCore> {
    Ok(wrap(category::astype_category(
        &core.expr,
        column,
        split_every,
    )?))
}

/// `tail(n)` of the last `npartitions` partitions.
#[pyfunction]
#[pyo3(signature = (core, n, npartitions=1))]
pub fn tail(core: &FrameCore, n: usize, npartitions: usize) -> PyResult<FrameCore> {
    Ok(wrap(ftail::tail(&core.expr, n, npartitions)?))
}

/// Register the functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(reduce, m)?)?;
    m.add_function(wrap_pyfunction!(value_counts, m)?)?;
    m.add_function(wrap_pyfunction!(mode, m)?)?;
    m.add_function(wrap_pyfunction!(idx_extreme, m)?)?;
    m.add_function(wrap_pyfunction!(memory_usage, m)?)?;
    m.add_function(wrap_pyfunction!(astype_category, m)?)?;
    m.add_function(wrap_pyfunction!(tail, m)?)?;
    Ok(())
}
