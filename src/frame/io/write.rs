//! Writing partitions: `to_parquet` (one `part.N.parquet` per partition)
//! and `to_csv` (one file per partition, or all of them appended to one
//! file in order). Each partition is written by a native task to a
//! temporary name; a last task moves every file to its final name once all
//! writes have finished, so a failed compute leaves nothing at the
//! destination.

use std::fs::{File, OpenOptions};

use polars_core::prelude::*;
use polars_io::parquet::write::{KeyValueMetadata, ParquetCompression, ParquetWriter};
use polars_io::prelude::CsvWriter;
use polars_io::SerWriter;

use crate::error::{FxError, FxResult};
use crate::frame::expr::is_index_column;
use crate::frame::kernels::frame_input;
use crate::graph::Kernel;
use crate::value::Value;

fn io_error(path: &str, e: std::io::Error) -> FxError {
    FxError::Io(format!("{path}: {e}"))
}

/// `df` with columns renamed by `(from, to)` pairs; index columns not
/// renamed are left out (`index=False`).
fn renamed(df: &DataFrame, renames: &[(PlSmallStr, PlSmallStr)]) -> FxResult<DataFrame> {
    let cols = df
        .columns()
        .iter()
        .filter_map(
            |c| match renames.iter().find(|(from, _)| from == c.name()) {
                Some((_, to)) => Some(c.clone().with_name(to.clone())),
                None if is_index_column(c.name()) => None,
                None => Some(c.clone()),
            },
        )
        .collect();
    Ok(DataFrame::new(df.height(), cols)?)
}

/// A task writing its input partition to one Parquet file.
pub struct WriteParquet {
    /// Where (a temporary name).
    pub path: String,
    /// Column renames (index columns to the names pandas gives them).
    pub renames: Vec<(PlSmallStr, PlSmallStr)>,
    /// The `pandas` key-value metadata (the index and dtypes, for readers
    /// that restore them).
    pub pandas_metadata: Option<String>,
    /// `snappy`, `gzip`, `zstd`, `lz4` or `none`.
    pub compression: String,
}

/// A compression codec by pyarrow's name.
pub fn parquet_compression(name: &str) -> FxResult<ParquetCompression> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "snappy" => ParquetCompression::Snappy,
        "gzip" => ParquetCompression::Gzip(None),
        "zstd" => ParquetCompression::Zstd(None),
        "lz4" => ParquetCompression::Lz4Raw,
        "none" | "uncompressed" => ParquetCompression::Uncompressed,
        other => {
            return Err(FxError::InvalidArgument(format!(
            "`compression` must be one of 'snappy', 'gzip', 'zstd', 'lz4' or None, got '{other}'"
        )))
        }
    })
}

impl Kernel for WriteParquet {
    fn name(&self) -> &str {
        "to-parquet"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = frame_input(inputs, 0)?;
        let mut df = renamed(&df, &self.renames)?;
        let file = File::create(&self.path).map_err(|e| io_error(&self.path, e))?;
        let metadata = self
            .pandas_metadata
            .as_ref()
            .map(|m| pandas_key_values(&df, m));
        ParquetWriter::new(file)
            .with_compression(parquet_compression(&self.compression)?)
            .with_key_value_metadata(metadata)
            .finish(&mut df)?;
        Ok(Value::Int(df.height() as i64))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The key-value metadata of a file with pandas metadata: `pandas`, and
/// the Arrow schema (`ARROW:schema`, which pyarrow prefers to the other
/// keys) carrying it too, as pyarrow writes them. The schema is the one
/// polars writes with strings as large strings, not string views (the
/// Parquet data is the same; pyarrow's `filters` do not take views). With
/// nested columns polars' own schema is kept and only `pandas` is added.
fn pandas_key_values(df: &DataFrame, pandas: &str) -> KeyValueMetadata {
    use base64::Engine as _;
    use polars_arrow::io::ipc::write::{default_ipc_fields, schema_to_bytes};
    let mut kv = vec![("pandas".to_string(), pandas.to_string())];
    let schema = df.schema().to_arrow(CompatLevel::oldest());
    if !schema.iter_values().any(|f| f.dtype.is_nested()) {
        let mut custom = polars_arrow::datatypes::Metadata::new();
        custom.insert("pandas".into(), pandas.into());
        let bytes = schema_to_bytes(
            &schema,
            &default_ipc_fields(schema.iter_values()),
            Some(&custom),
        );
        // The legacy IPC framing pyarrow reads: continuation marker, length.
        let mut framed = Vec::with_capacity(bytes.len() + 8);
        framed.extend_from_slice(&[255, 255, 255, 255]);
        framed.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        framed.extend_from_slice(&bytes);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&framed);
        kv.push(("ARROW:schema".to_string(), encoded));
    }
    KeyValueMetadata::from_static(kv)
}

/// A header line as pandas writes it: names quoted only when they hold the
/// separator, a quote or a line break (an unnamed index is an empty field).
fn header_line(df: &DataFrame, sep: u8) -> String {
    let sep = sep as char;
    let fields: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| {
            let n = n.as_str();
            if n.contains(sep) || n.contains('"') || n.contains('\n') || n.contains('\r') {
                format!("\"{}\"", n.replace('"', "\"\""))
            } else {
                n.to_string()
            }
        })
        .collect();
    let mut line = fields.join(&sep.to_string());
    line.push('\n');
    line
}

/// CSV formatting options (pandas' `to_csv` defaults: `,`, a header, empty
/// missing values).
#[derive(Clone, Debug)]
pub struct CsvFormat {
    /// Field separator.
    pub sep: u8,
    /// Whether to write the column names.
    pub header: bool,
    /// What a missing value is written as.
    pub na_rep: String,
}

/// `True` / `False` text for bool columns, as pandas writes them.
fn pandas_text(df: &DataFrame) -> FxResult<DataFrame> {
    let cols = df
        .columns()
        .iter()
        .map(|c| {
            if c.dtype().is_bool() {
                let s = c.as_materialized_series();
                let text: StringChunked = s
                    .bool()?
                    .iter()
                    .map(|v| v.map(|b| if b { "True" } else { "False" }))
                    .collect();
                Ok(text.with_name(c.name().clone()).into_column())
            } else {
                Ok(c.clone())
            }
        })
        .collect::<FxResult<Vec<_>>>()?;
    Ok(DataFrame::new(df.height(), cols)?)
}

/// A task writing its input partition as CSV: to a new file, or appended
/// to `path` after the previous partition (then its second input is the
/// previous write, which orders the appends).
pub struct WriteCsv {
    /// Where (a temporary name).
    pub path: String,
    /// Column renames (index columns to their pandas names).
    pub renames: Vec<(PlSmallStr, PlSmallStr)>,
    /// Formatting.
    pub format: CsvFormat,
    /// Append to the file instead of creating it (and write no header).
    pub append: bool,
}

impl Kernel for WriteCsv {
    fn name(&self) -> &str {
        "to-csv"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = frame_input(inputs, 0)?;
        let mut df = pandas_text(&renamed(&df, &self.renames)?)?;
        let mut file = if self.append {
            OpenOptions::new().append(true).open(&self.path)
        } else {
            File::create(&self.path)
        }
        .map_err(|e| io_error(&self.path, e))?;
        if self.format.header && !self.append {
            use std::io::Write as _;
            file.write_all(header_line(&df, self.format.sep).as_bytes())
                .map_err(|e| io_error(&self.path, e))?;
        }
        CsvWriter::new(file)
            .include_header(false)
            .with_separator(self.format.sep)
            .with_null_value(self.format.na_rep.as_str().into())
            .with_datetime_format(Some("%Y-%m-%d %H:%M:%S%.f".into()))
            .finish(&mut df)?;
        Ok(Value::Int(df.height() as i64))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// A task run after every write: moves each temporary file to its final
/// name, creating the destination directory, and removes the temporary
/// directory, if any.
pub struct Commit {
    /// `(temporary, final)` paths.
    pub moves: Vec<(String, String)>,
    /// A temporary directory to remove once emptied.
    pub tmp_dir: Option<String>,
}

impl Kernel for Commit {
    fn name(&self) -> &str {
        "commit"
    }
    fn run(&self, _inputs: &[Value]) -> FxResult<Value> {
        for (from, to) in &self.moves {
            if let Some(dir) = std::path::Path::new(to).parent() {
                std::fs::create_dir_all(dir).map_err(|e| io_error(to, e))?;
            }
            std::fs::rename(from, to).map_err(|e| io_error(to, e))?;
        }
        if let Some(dir) = &self.tmp_dir {
            let _ = std::fs::remove_dir(dir);
        }
        Ok(Value::Unit)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
