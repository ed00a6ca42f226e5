//! The IO functions behind `ferrox.dataframe.io`: readers that build
//! frames over file sources (`read_csv`, `read_parquet`, `read_json`),
//! writers that build the write tasks (`to_parquet`, `to_csv`), and frames
//! whose partitions are computed by Python calls (`map_partitions`,
//! `from_delayed`). Argument checking that needs no file lives in Python;
//! what needs a file (schemas, footers) happens here, GIL released.

use std::sync::Arc;

use polars_core::prelude::*;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::frame::{parse_dtype, FrameCore};
use super::task::{TaskCore, WalkDep, Walker};
use crate::executor::pytask::{Arg, PyCall};
use crate::frame::expr::{FrameExpr, Kind};
use crate::frame::io::csv::{infer_schema, plan_blocks, CsvSource, CsvSpec};
use crate::frame::io::json::{self, JsonSource};
use crate::frame::io::parquet::ParquetSource;
use crate::frame::io::write::{parquet_compression, Commit, CsvFormat, WriteCsv, WriteParquet};
use crate::frame::lower;
use crate::frame::source::FromTasks;
use crate::graph::{Key, Node, Op};

fn key(name: &str, i: usize) -> Key {
    Key::Tuple(Arc::from(name), Box::new([i as i64]))
}

fn one_byte(name: &str, value: &str) -> PyResult<u8> {
    match value.as_bytes() {
        [b] => Ok(*b),
        _ => Err(PyValueError::new_err(format!(
            "`{name}` must be one character, got {value:?}"
        ))),
    }
}

/// CSV files: one partition per file, or per `blocksize` bytes of it. The
/// schema is inferred from the first `sample` bytes of the first file with
/// rows; `dtype` pairs (column, pandas dtype name) fix some dtypes.
#[pyfunction]
#[pyo3(signature = (paths, blocksize=None, sep=",", header=true, names=None, na_values=None, dtype=Vec::new(), sample=256_000))]
#[allow(clippy::too_many_arguments)]
pub fn read_csv(
    py: Python<'_>,
    paths: Vec<String>,
    blocksize: Option<u64>,
    sep: &str,
    header: bool,
    names: Option<Vec<String>>,
    na_values: Option<Vec<String>>,
    dtype: Vec<(String, String)>,
    sample: usize,
) -> PyResult<FrameCore> {
    let mut spec = CsvSpec::new(one_byte("sep", sep)?, header);
    if let Some(na) = na_values {
        spec.na_values = na;
    }
    spec.names = names;
    spec.dtype = dtype
        .iter()
        .map(|(c, d)| Ok((PlSmallStr::from(c.as_str()), parse_dtype(d)?)))
        .collect::<PyResult<_>>()?;
    let (schema, parts) = py.detach(|| {
        let schema = infer_schema(&paths, &spec, sample)?;
        let parts = plan_blocks(&paths, blocksize)?;
        Ok::<_, crate::error::FxError>((schema, parts))
    })?;
    let source = CsvSource {
        paths,
        parts,
        spec,
        schema: Arc::new(schema),
    };
    Ok(FrameCore {
        expr: FrameExpr::source(Arc::new(source)),
    })
}

/// Parquet files: `index_columns` (names in the files) become the index;
/// `split_row_groups` row groups per partition (`None`: one per file).
#[pyfunction]
#[pyo3(signature = (paths, index_columns=Vec::new(), index_names=Vec::new(), split_row_groups=None))]
pub fn read_parquet(
    py: Python<'_>,
    paths: Vec<String>,
    index_columns: Vec<String>,
    index_names: Vec<Option<String>>,
    split_row_groups: Option<usize>,
) -> PyResult<FrameCore> {
    let source =
        py.detach(|| ParquetSource::open(&paths, &index_columns, index_names, split_row_groups))?;
    Ok(FrameCore {
        expr: FrameExpr::source(Arc::new(source)),
    })
}

/// The source of `frame` keeping only the rows where `mask` (a boolean
/// series over `frame`'s rows) holds, filtered inside the scan.
#[pyfunction]
pub fn scan_filter(frame: &FrameCore, mask: &FrameCore) -> PyResult<FrameCore> {
    let Kind::Source(src) = &frame.expr.kind else {
        return Err(PyValueError::new_err("only a file scan can be filtered"));
    };
    let (input, exprs, params) = mask.expr.split();
    let [(_, predicate)] = <[_; 1]>::try_from(exprs)
        .map_err(|_| PyValueError::new_err("`filters` must give one boolean column"))?;
    if input.name != frame.expr.name || !params.is_empty() {
        return Err(PyValueError::new_err(
            "`filters` must compare columns of the file with values",
        ));
    }
    let filtered = src
        .with_filter(predicate)
        .ok_or_else(|| PyValueError::new_err("this source cannot filter its rows"))?;
    Ok(FrameCore {
        expr: FrameExpr::source(filtered),
    })
}

/// JSON Lines files, one partition per file; the schema comes from the
/// first `sample` bytes of the first file.
#[pyfunction]
#[pyo3(signature = (paths, sample=256_000))]
pub fn read_json(py: Python<'_>, paths: Vec<String>, sample: usize) -> PyResult<FrameCore> {
    let first = paths
        .first()
        .cloned()
        .ok_or_else(|| pyo3::exceptions::PyFileNotFoundError::new_err("no files to read"))?;
    let schema = py.detach(|| json::infer_schema(&first, sample))?;
    let source = JsonSource {
        paths,
        schema: Arc::new(schema),
    };
    Ok(FrameCore {
        expr: FrameExpr::source(Arc::new(source)),
    })
}

fn renames(pairs: Vec<(String, String)>) -> Vec<(PlSmallStr, PlSmallStr)> {
    pairs
        .into_iter()
        .map(|(a, b)| (a.as_str().into(), b.as_str().into()))
        .collect()
}

fn commit(
    name: &str,
    writes: Vec<Arc<Node>>,
    tmp_paths: Vec<String>,
    final_paths: Vec<String>,
    tmp_dir: Option<String>,
) -> TaskCore {
    let moves = tmp_paths.into_iter().zip(final_paths).collect();
    let op = Op::Kernel(Arc::new(Commit { moves, tmp_dir }));
    TaskCore {
        node: Node::new(key(&format!("commit-{name}"), 0), op, writes),
    }
}

/// A task writing every partition of `frame` to `tmp_paths` (one Parquet
/// file each, columns renamed by `renames`, `pandas_metadata` stored), then
/// moving them to `final_paths`.
#[pyfunction]
#[pyo3(signature = (frame, tmp_paths, final_paths, renames_, pandas_metadata, compression, tmp_dir=None))]
pub fn to_parquet(
    frame: &FrameCore,
    tmp_paths: Vec<String>,
    final_paths: Vec<String>,
    renames_: Vec<(String, String)>,
    pandas_metadata: Option<String>,
    compression: String,
    tmp_dir: Option<String>,
) -> PyResult<TaskCore> {
    parquet_compression(&compression)?;
    let e = &frame.expr;
    let renames = renames(renames_);
    let name = format!("to-parquet-{}", e.name);
    let writes = tmp_paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let op = Op::Kernel(Arc::new(WriteParquet {
                path: path.clone(),
                renames: renames.clone(),
                pandas_metadata: pandas_metadata.clone(),
                compression: compression.clone(),
            }));
            Node::new(key(&name, i), op, vec![lower::node(e, i)])
        })
        .collect();
    Ok(commit(&name, writes, tmp_paths, final_paths, tmp_dir))
}

/// A task writing every partition of `frame` as CSV — to one file each, or
/// (`single_file`) appended in order to `tmp_paths[0]` — then moving the
/// files to `final_paths`.
#[pyfunction]
#[pyo3(signature = (frame, tmp_paths, final_paths, renames_, sep=",", header=true, na_rep="", single_file=false))]
#[allow(clippy::too_many_arguments)]
pub fn to_csv(
    frame: &FrameCore,
    tmp_paths: Vec<String>,
    final_paths: Vec<String>,
    renames_: Vec<(String, String)>,
    sep: &str,
    header: bool,
    na_rep: &str,
    single_file: bool,
) -> PyResult<TaskCore> {
    let e = &frame.expr;
    let format = CsvFormat {
        sep: one_byte("sep", sep)?,
        header,
        na_rep: na_rep.to_string(),
    };
    let renames = renames(renames_);
    let name = format!("to-csv-{}", e.name);
    let mut writes: Vec<Arc<Node>> = Vec::with_capacity(e.npartitions);
    for i in 0..e.npartitions {
        let path = if single_file {
            tmp_paths[0].clone()
        } else {
            tmp_paths[i].clone()
        };
        let append = single_file && i > 0;
        let op = Op::Kernel(Arc::new(WriteCsv {
            path,
            renames: renames.clone(),
            format: format.clone(),
            append,
        }));
        let mut deps = vec![lower::node(e, i)];
        if append {
            deps.push(writes[i - 1].clone());
        }
        writes.push(Node::new(key(&name, i), op, deps));
    }
    if single_file {
        writes = writes.split_off(writes.len() - 1);
    }
    Ok(commit(&name, writes, tmp_paths, final_paths, None))
}

/// A frame whose partition `i` is `wrapper(func, parts[i], args, kwargs,
/// info)`, a Python call returning a pyarrow table shaped like `meta`
/// (index columns first); delayed values in `args` / `kwargs` become
/// dependencies.
#[pyfunction]
#[pyo3(signature = (name, parts, wrapper, func, args, kwargs, info, meta, nindex, index_names))]
#[allow(clippy::too_many_arguments)]
pub fn frame_from_calls(
    py: Python<'_>,
    name: String,
    parts: Vec<PyRef<'_, TaskCore>>,
    wrapper: Py<PyAny>,
    func: Py<PyAny>,
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
    info: Py<PyAny>,
    meta: pyo3_arrow::PyTable,
    nindex: usize,
    index_names: Vec<Option<String>>,
) -> PyResult<FrameCore> {
    let (batches, schema) = meta.into_inner();
    let meta = crate::frame::export::from_arrow(&batches, &schema)?;
    if nindex > meta.width() {
        return Err(PyValueError::new_err(
            "`meta` has fewer columns than index levels",
        ));
    }
    let mut nodes = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let mut walker = Walker::new(true);
        let (arg_t, kw_t) = walker.call_args(args, kwargs)?;
        let mut deps = walker
            .deps
            .into_iter()
            .map(|d| match d {
                WalkDep::Task(node) => Ok(node),
                WalkDep::Block(..) => Err(PyTypeError::new_err(
                    "array block references cannot be arguments of `map_partitions`",
                )),
            })
            .collect::<PyResult<Vec<_>>>()?;
        deps.push(part.node.clone());
        let call = PyCall {
            func: Some(wrapper.clone_ref(py)),
            args: vec![
                Arg::Lit(func.clone_ref(py)),
                Arg::Dep((deps.len() - 1) as u32),
                Arg::Tuple(arg_t),
                Arg::Dict(kw_t),
                Arg::Lit(info.clone_ref(py)),
            ],
            kwargs: Vec::new(),
            to_array: None,
            shape: None,
            to_frame: true,
        };
        nodes.push(Node::new(key(&name, i), Op::Python(Arc::new(call)), deps));
    }
    let source = FromTasks {
        nodes,
        schema: meta.schema().clone(),
        nindex,
        index_names,
        token: crate::frame::expr::token_of(&name),
    };
    Ok(FrameCore {
        expr: FrameExpr::source(Arc::new(source)),
    })
}

/// Register the IO functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_csv, m)?)?;
    m.add_function(wrap_pyfunction!(read_parquet, m)?)?;
    m.add_function(wrap_pyfunction!(scan_filter, m)?)?;
    m.add_function(wrap_pyfunction!(read_json, m)?)?;
    m.add_function(wrap_pyfunction!(to_parquet, m)?)?;
    m.add_function(wrap_pyfunction!(to_csv, m)?)?;
    m.add_function(wrap_pyfunction!(frame_from_calls, m)?)?;
    Ok(())
}
