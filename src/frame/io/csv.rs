//! CSV files read with polars-io's reader, one partition per file, parsed
//! like `pandas.read_csv`: pandas' missing-value markers, int columns with
//! missing values as float64, text as strings. Only the columns the query
//! needs are parsed, and `head(n)` stops the reader after `n` rows.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use polars_core::prelude::*;
use polars_io::prelude::*;

use crate::error::{FxError, FxResult};
use crate::frame::source::{ReadSpec, Source};
use crate::value::Value;

/// pandas' default missing-value markers (`read_csv`'s `na_values`).
const PANDAS_NA: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// CSV parsing options shared by every file of a scan.
#[derive(Clone, Debug, Hash)]
pub struct CsvSpec {
    /// Field separator.
    pub sep: u8,
    /// Whether the first line names the columns.
    pub has_header: bool,
}

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
pub fn infer_schema(path: &str, spec: &CsvSpec, sample: usize) -> FxResult<Schema> {
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

/// CSV files, one partition per file.
pub struct CsvSource {
    /// The files, in order.
    pub paths: Vec<String>,
    /// Parsing options.
    pub spec: CsvSpec,
    /// Every column's dtype (inferred from the first file).
    pub schema: Arc<Schema>,
}

impl Source for CsvSource {
    fn label(&self) -> &str {
        "read-csv"
    }
    fn token(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.paths.hash(&mut h);
        self.spec.hash(&mut h);
        for (n, d) in self.schema.iter() {
            (n.as_str(), d.to_string()).hash(&mut h);
        }
        h.finish()
    }
    fn npartitions(&self) -> usize {
        self.paths.len()
    }
    fn schema(&self) -> Arc<Schema> {
        self.schema.clone()
    }
    fn read(&self, i: usize, spec: &ReadSpec<'_>, _inputs: &[Value]) -> FxResult<DataFrame> {
        let path = &self.paths[i];
        // Dtypes by column name (files may order their columns
        // differently); the header names the columns.
        let df = csv_options(&self.spec)
            .with_schema_overwrite(Some(self.schema.clone()))
            .with_n_rows(spec.n_rows)
            .with_columns(Some(spec.columns.to_vec().into()))
            .with_n_threads(Some(1))
            .try_into_reader_with_file_path(Some(path.clone().into()))?
            .finish()
            .map_err(|e| with_path(e, path))?;
        // The reader returns columns in file order.
        let df = df.select(spec.columns.iter().cloned())?;
        ints_with_nulls_as_floats(df)
    }
    fn count_rows(&self, i: usize) -> Option<FxResult<usize>> {
        let path = &self.paths[i];
        Some(
            polars_io::csv::read::count_rows(
                path.as_str().into(),
                Some(b'"'),
                None,
                b'\n',
                self.spec.has_header,
                0,
                0,
                0,
                false,
            )
            .map_err(|e| with_path(e, path)),
        )
    }
}
