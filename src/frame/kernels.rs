//! The task kernels frame graphs are made of: reading a partition (with the
//! steps fused onto it) and the group-by chunk / combine / aggregate steps.
//! Each runs natively on polars frames, without the GIL.

use std::sync::Arc;

use polars_core::prelude::*;
use polars_io::prelude::*;

use super::expr::CsvSpec;
use super::groupby::{self, AggSpec};
use crate::error::{FxError, FxResult};
use crate::graph::Kernel;
use crate::value::Value;

/// pandas' default missing-value markers (`read_csv`'s `na_values`).
const PANDAS_NA: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

fn csv_options(spec: &CsvSpec) -> CsvReadOptions {
    let nulls = NullValues::AllColumns(PANDAS_NA.iter().map(|s| (*s).into()).collect());
    CsvReadOptions::default()
        .with_has_header(spec.has_header)
        .map_parse_options(|o| {
            o.with_separator(spec.sep)
                .with_null_values(Some(nulls.clone()))
        })
}

/// pandas reads an integer column with missing values as float64 (NaN):
/// cast such columns of a freshly read partition.
fn ints_with_nulls_as_floats(df: DataFrame) -> FxResult<DataFrame> {
    if !df
        .columns()
        .iter()
        .any(|c| c.dtype().is_integer() && c.null_count() > 0)
    {
        return Ok(df);
    }
    let cols = df
        .columns()
        .iter()
        .map(|c| {
            if c.dtype().is_integer() && c.null_count() > 0 {
                c.cast(&DataType::Float64)
            } else {
                Ok(c.clone())
            }
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    Ok(DataFrame::new_infer_height(cols)?)
}

/// The schema of a CSV file, inferred (like Dask's `sample`) from its first
/// `sample` bytes, cut after the last complete line.
pub fn infer_csv_schema(path: &str, spec: &CsvSpec, sample: usize) -> FxResult<Schema> {
    use std::io::Read;
    let mut head = Vec::with_capacity(sample);
    std::fs::File::open(path)
        .and_then(|f| f.take(sample as u64).read_to_end(&mut head))
        .map_err(|e| FxError::Io(format!("{path}: {e}")))?;
    if head.len() == sample {
        if let Some(end) = head.iter().rposition(|&b| b == b'\n') {
            head.truncate(end + 1);
        }
    }
    let df = csv_options(spec)
        .with_infer_schema_length(None)
        .with_n_threads(Some(1))
        .into_reader_with_file_handle(std::io::Cursor::new(head))
        .finish()
        .map_err(|e| with_path(e, path))?;
    Ok(ints_with_nulls_as_floats(df)?.schema().as_ref().clone())
}

fn with_path(e: PolarsError, path: &str) -> FxError {
    match FxError::from(e) {
        FxError::InvalidArgument(m) => FxError::InvalidArgument(format!("{path}: {m}")),
        FxError::DType(m) => FxError::DType(format!("{path}: {m}")),
        other => other,
    }
}

/// How one partition is produced inside a task: read, or taken from a
/// dependency, then projected.
#[derive(Clone)]
pub enum Partition {
    /// Read a CSV file: only `columns`, with dtypes from `schema`.
    Csv {
        /// The file.
        path: Arc<str>,
        /// Parsing options.
        spec: CsvSpec,
        /// Every column's dtype (the first file's schema).
        schema: Arc<Schema>,
        /// Columns to parse, in output order.
        columns: Vec<PlSmallStr>,
        /// Read only this many rows (`head`).
        n_rows: Option<usize>,
    },
    /// The task's `n`-th dependency.
    Input(u32),
    /// Some columns of a partition.
    Select(Box<Partition>, Vec<PlSmallStr>),
    /// The first rows of a partition.
    Head(Box<Partition>, usize),
}

impl Partition {
    /// Produce the partition.
    pub fn eval(&self, inputs: &[Value]) -> FxResult<Arc<DataFrame>> {
        match self {
            Partition::Csv {
                path,
                spec,
                schema,
                columns,
                n_rows,
            } => {
                // Dtypes by column name (files may order their columns
                // differently); the header names the columns.
                let df = csv_options(spec)
                    .with_schema_overwrite(Some(schema.clone()))
                    .with_n_rows(*n_rows)
                    .with_columns(Some(columns.clone().into()))
                    .with_n_threads(Some(1))
                    .try_into_reader_with_file_path(Some(path.to_string().into()))?
                    .finish()
                    .map_err(|e| with_path(e, path))?;
                // The reader returns columns in file order.
                let df = df.select(columns.iter().cloned())?;
                Ok(Arc::new(ints_with_nulls_as_floats(df)?))
            }
            Partition::Input(i) => match &inputs[*i as usize] {
                Value::Frame(df) => Ok(df.clone()),
                _ => Err(FxError::DType("a frame partition was expected".into())),
            },
            Partition::Select(input, columns) => Ok(Arc::new(
                input.eval(inputs)?.select(columns.iter().cloned())?,
            )),
            Partition::Head(input, n) => Ok(Arc::new(input.eval(inputs)?.head(Some(*n)))),
        }
    }
}

impl Partition {
    /// The first `n` rows: pushed into a CSV scan (it stops reading there).
    pub fn head(self, n: usize) -> Partition {
        match self {
            Partition::Csv {
                path,
                spec,
                schema,
                columns,
                n_rows,
            } => Partition::Csv {
                path,
                spec,
                schema,
                columns,
                n_rows: Some(n_rows.map_or(n, |m| m.min(n))),
            },
            Partition::Select(input, columns) => {
                Partition::Select(Box::new(input.head(n)), columns)
            }
            other => Partition::Head(Box::new(other), n),
        }
    }

    /// The number of rows, without parsing values where the source allows.
    pub fn count_rows(&self, inputs: &[Value]) -> FxResult<usize> {
        match self {
            Partition::Csv {
                path,
                spec,
                n_rows: None,
                ..
            } => polars_io::csv::read::count_rows(
                path.as_ref().into(),
                Some(b'"'),
                None,
                b'\n',
                spec.has_header,
                0,
                0,
                0,
                false,
            )
            .map_err(|e| with_path(e, path)),
            Partition::Select(input, _) => input.count_rows(inputs),
            other => Ok(other.eval(inputs)?.height()),
        }
    }
}

/// A task counting one partition's rows.
pub struct RowCountKernel(pub Partition);

impl Kernel for RowCountKernel {
    fn name(&self) -> &str {
        "len-chunk"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        Ok(Value::Int(self.0.count_rows(inputs)? as i64))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A task adding its inputs' row counts.
pub struct SumCountsKernel;

impl Kernel for SumCountsKernel {
    fn name(&self) -> &str {
        "len-agg"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let mut total = 0i64;
        for v in inputs {
            match v {
                Value::Int(n) => total += n,
                _ => return Err(FxError::DType("a row count was expected".into())),
            }
        }
        Ok(Value::Int(total))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A task producing one partition.
pub struct PartitionKernel(pub Partition);

impl Kernel for PartitionKernel {
    fn name(&self) -> &str {
        "partition"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        Ok(Value::Frame(self.0.eval(inputs)?))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Which group-by step a [`GroupByKernel`] runs.
#[derive(Clone, Copy, Debug)]
pub enum GroupStep {
    /// A partition to partials.
    Chunk,
    /// Partials to partials.
    Combine,
    /// Partials to the result.
    Aggregate,
}

/// One step of a group-by tree.
pub struct GroupByKernel {
    /// Which step.
    pub step: GroupStep,
    /// Key columns.
    pub keys: Arc<Vec<String>>,
    /// Aggregations.
    pub aggs: Arc<Vec<AggSpec>>,
    /// For the chunk step: the partition (fused read).
    pub source: Option<Partition>,
}

impl Kernel for GroupByKernel {
    fn name(&self) -> &str {
        match self.step {
            GroupStep::Chunk => "groupby-chunk",
            GroupStep::Combine => "groupby-combine",
            GroupStep::Aggregate => "groupby-agg",
        }
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let frames = || {
            inputs
                .iter()
                .map(|v| match v {
                    Value::Frame(df) => Ok(&**df),
                    _ => Err(FxError::DType("a frame partition was expected".into())),
                })
                .collect::<FxResult<Vec<_>>>()
        };
        let out = match self.step {
            GroupStep::Chunk => {
                let source = self.source.as_ref().expect("chunk steps read a partition");
                groupby::chunk(&*source.eval(inputs)?, &self.keys, &self.aggs)?
            }
            GroupStep::Combine => groupby::combine(&frames()?, &self.keys, &self.aggs)?,
            GroupStep::Aggregate => groupby::aggregate(&frames()?, &self.keys, &self.aggs)?,
        };
        Ok(Value::Frame(Arc::new(out)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
