//! `FrameCore`: the Rust handle behind `ferrox.dataframe.DataFrame` and
//! `Series`. Every method builds a new expression (validated now).

use std::sync::Arc;

use polars_core::prelude::DataType;
use pyo3::prelude::*;

use super::task::TaskCore;
use crate::frame::expr::{CsvSpec, FrameExpr};
use crate::frame::groupby::{AggOp, AggSpec};
use crate::frame::kernels::infer_csv_schema;
use crate::frame::lower;

/// A lazily defined partitioned frame.
#[pyclass(frozen, module = "ferrox._core", name = "FrameCore")]
pub struct FrameCore {
    /// The expression this handle owns.
    pub expr: Arc<FrameExpr>,
}

fn wrap(expr: Arc<FrameExpr>) -> FrameCore {
    FrameCore { expr }
}

/// pandas' name for a column dtype (what `DataFrame.dtypes` shows).
fn pandas_dtype(dtype: &DataType) -> String {
    match dtype {
        DataType::Boolean => "bool".into(),
        DataType::UInt8 => "uint8".into(),
        DataType::UInt16 => "uint16".into(),
        DataType::UInt32 => "uint32".into(),
        DataType::UInt64 => "uint64".into(),
        DataType::Int8 => "int8".into(),
        DataType::Int16 => "int16".into(),
        DataType::Int32 => "int32".into(),
        DataType::Int64 => "int64".into(),
        DataType::Float32 => "float32".into(),
        DataType::Float64 => "float64".into(),
        DataType::String => "str".into(),
        DataType::Date => "datetime64[s]".into(),
        DataType::Datetime(_, _) => "datetime64[ns]".into(),
        other => other.to_string(),
    }
}

#[pymethods]
impl FrameCore {
    /// CSV files, one partition per file; the schema is inferred from the
    /// first `sample` bytes of the first file.
    #[staticmethod]
    #[pyo3(signature = (paths, sep=",", header=true, sample=256_000))]
    fn read_csv(
        py: Python<'_>,
        paths: Vec<String>,
        sep: &str,
        header: bool,
        sample: usize,
    ) -> PyResult<FrameCore> {
        let sep = match sep.as_bytes() {
            [b] => *b,
            _ => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "`sep` must be one character, got {sep:?}"
                )))
            }
        };
        let spec = CsvSpec {
            sep,
            has_header: header,
        };
        let first = paths.first().cloned().unwrap_or_default();
        let schema = py.detach(|| infer_csv_schema(&first, &spec, sample))?;
        Ok(wrap(FrameExpr::csv(paths, spec, schema)?))
    }

    /// Column names, in order.
    fn columns(&self) -> Vec<String> {
        self.expr.columns().iter().map(|c| c.to_string()).collect()
    }

    /// pandas dtype names of the columns, in order.
    fn dtypes(&self) -> Vec<String> {
        self.expr.schema.iter_values().map(pandas_dtype).collect()
    }

    /// Number of partitions.
    #[getter]
    fn npartitions(&self) -> usize {
        self.expr.npartitions
    }

    /// Name of the partition tasks.
    #[getter]
    fn name(&self) -> String {
        self.expr.name.to_string()
    }

    /// The columns `columns`, in that order.
    fn project(&self, columns: Vec<String>) -> PyResult<FrameCore> {
        Ok(wrap(self.expr.project(&columns)?))
    }

    /// Group-by aggregations: `aggs` holds `(column, op, output name)`.
    #[pyo3(signature = (keys, aggs, split_every=8))]
    fn groupby(
        &self,
        keys: Vec<String>,
        aggs: Vec<(String, String, String)>,
        split_every: usize,
    ) -> PyResult<FrameCore> {
        let aggs = aggs
            .into_iter()
            .map(|(column, op, output)| {
                let op = AggOp::ALL
                    .into_iter()
                    .find(|o| o.name() == op)
                    .ok_or_else(|| {
                        pyo3::exceptions::PyValueError::new_err(format!(
                            "unknown aggregation '{op}'"
                        ))
                    })?;
                Ok(AggSpec { column, op, output })
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(wrap(self.expr.groupby(keys, aggs, split_every)?))
    }

    /// The first `n` rows of the first partition.
    fn head(&self, n: usize) -> FrameCore {
        wrap(self.expr.head(n))
    }

    /// A task computing the number of rows.
    fn len_task(&self) -> TaskCore {
        TaskCore {
            node: lower::len_node(&self.expr),
        }
    }

    /// One task per partition, in order; each computes a pyarrow table.
    fn partition_tasks(&self) -> Vec<TaskCore> {
        (0..self.expr.npartitions)
            .map(|i| TaskCore {
                node: lower::node(&self.expr, i),
            })
            .collect()
    }
}
