//! JSON Lines files (`read_json(lines=True)`) read with polars-io's JSON
//! reader, one partition per file. The schema is inferred from the first
//! `sample` bytes of the first file; as in pandas, an integer column with
//! missing values is float64. Only the needed columns are kept, and
//! `len()` counts the non-blank lines without parsing them.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::sync::Arc;

use polars_core::prelude::*;
use polars_io::json::{JsonFormat, JsonReader};
use polars_io::SerReader;

use crate::error::{FxError, FxResult};
use crate::frame::source::{ReadSpec, Source};
use crate::value::Value;

fn io_error(path: &str, e: std::io::Error) -> FxError {
    if e.kind() == std::io::ErrorKind::NotFound {
        FxError::Io(format!("[Errno 2] No such file or directory: '{path}'"))
    } else {
        FxError::Io(format!("{path}: {e}"))
    }
}

fn with_path(e: PolarsError, path: &str) -> FxError {
    match FxError::from(e) {
        FxError::InvalidArgument(m) => FxError::InvalidArgument(format!("{path}: {m}")),
        FxError::DType(m) => FxError::DType(format!("{path}: {m}")),
        FxError::Io(m) => FxError::Io(format!("{path}: {m}")),
        other => other,
    }
}

fn ints_with_nulls_as_floats(df: DataFrame) -> FxResult<DataFrame> {
    let cols = df
        .columns()
        .iter()
        .map(|c| {
            if c.dtype().is_integer() && c.null_count() > 0 {
                Ok(c.cast(&DataType::Float64)?)
            } else if c.dtype().is_null() {
                // A column with only nulls: pandas' float64 NaN.
                Ok(c.cast(&DataType::Float64)?)
            } else {
                Ok(c.clone())
            }
        })
        .collect::<FxResult<Vec<_>>>()?;
    Ok(DataFrame::new(df.height(), cols)?)
}

fn parse(bytes: Vec<u8>, schema: Option<Arc<Schema>>, path: &str) -> FxResult<DataFrame> {
    let mut reader = JsonReader::new(std::io::Cursor::new(bytes))
        .with_json_format(JsonFormat::JsonLines)
        .infer_schema_len(None);
    if let Some(schema) = schema {
        reader = reader.with_schema(schema);
    }
    reader.finish().map_err(|e| with_path(e, path))
}

fn read_all(path: &str) -> FxResult<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| io_error(path, e))?;
    Ok(bytes)
}

/// The schema of a JSON Lines file, from its first `sample` bytes (cut
/// after the last complete line).
pub fn infer_schema(path: &str, sample: usize) -> FxResult<Schema> {
    let mut head = Vec::with_capacity(sample);
    File::open(path)
        .and_then(|f| f.take(sample as u64).read_to_end(&mut head))
        .map_err(|e| io_error(path, e))?;
    if head.len() == sample {
        if let Some(end) = head.iter().rposition(|&b| b == b'\n') {
            head.truncate(end + 1);
        }
    }
    let df = parse(head, None, path)?;
    Ok(ints_with_nulls_as_floats(df)?.schema().as_ref().clone())
}

/// JSON Lines files, one partition per file.
pub struct JsonSource {
    /// The files, in order.
    pub paths: Vec<String>,
    /// Every column's dtype (inferred from the first file).
    pub schema: Arc<Schema>,
}

impl Source for JsonSource {
    fn label(&self) -> &str {
        "read-json"
    }
    fn token(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.paths.hash(&mut h);
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
        let bytes = read_all(path)?;
        let df = if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            DataFrame::empty_with_schema(&self.schema)
        } else {
            // Values are parsed as the inferred dtypes; a float-valued
            // column read as int64 from the sample is widened.
            let read_schema: Schema = self
                .schema
                .iter()
                .map(|(n, d)| {
                    let d = if d.is_integer() {
                        DataType::Float64
                    } else {
                        d.clone()
                    };
                    Field::new(n.clone(), d)
                })
                .collect();
            let df = parse(bytes, Some(Arc::new(read_schema)), path)?;
            let cols = df
                .columns()
                .iter()
                .map(|c| {
                    let want = self.schema.get(c.name()).unwrap_or(c.dtype());
                    if want.is_integer() && c.null_count() == 0 {
                        let as_int = c.cast(want)?;
                        let exact = as_int
                            .cast(&DataType::Float64)?
                            .as_materialized_series()
                            .equals(c.as_materialized_series());
                        Ok(if exact { as_int } else { c.clone() })
                    } else {
                        Ok(c.clone())
                    }
                })
                .collect::<FxResult<Vec<_>>>()?;
            DataFrame::new(df.height(), cols)?
        };
        let df = df.select(spec.columns.iter().cloned())?;
        let df = match spec.n_rows {
            Some(n) => df.head(Some(n)),
            None => df,
        };
        ints_with_nulls_as_floats(df)
    }
    fn count_rows(&self, i: usize) -> Option<FxResult<usize>> {
        let path = &self.paths[i];
        Some(read_all(path).map(|bytes| {
            bytes
                .split(|&b| b == b'\n')
                .filter(|line| !line.iter().all(|b| b.is_ascii_whitespace()))
                .count()
        }))
    }
}
