//! CSV files read with polars-io's reader, parsed like `pandas.read_csv`:
//! pandas' missing-value markers (plus `na_values`), int columns with
//! missing values as float64, text as strings, `dtype` and `parse_dates`
//! overrides.
//!
//! A file is one partition, or — with `blocksize` — several byte ranges.
//! As in Dask, a range owns the lines that *start* inside it: its ends are
//! moved to the next line start when it is read, and every range but the
//! first gets the file's header line prepended, so each block parses like a
//! small file. A quoted field holding a newline can therefore be cut (Dask
//! has the same limit). Compressed files (detected by polars from their
//! first bytes) are never split.
//!
//! Only the columns the query needs are parsed, `head(n)` stops the reader
//! after `n` rows, and `len()` counts lines without parsing values.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;

use polars_buffer::Buffer;
use polars_core::prelude::*;
use polars_io::prelude::*;

use crate::error::{FxError, FxResult};
use crate::frame::source::{ReadSpec, Source};
use crate::value::Value;

/// pandas' default missing-value markers (`read_csv`'s `na_values`).
pub const PANDAS_NA: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// CSV parsing options shared by every file of a scan.
#[derive(Clone, Debug)]
pub struct CsvSpec {
    /// Field separator.
    pub sep: u8,
    /// Whether the first line names the columns.
    pub has_header: bool,
    /// Every missing-value marker (pandas' defaults unless
    /// `keep_default_na=False`, plus `na_values`).
    pub na_values: Vec<String>,
    /// Column names by position (`names=`, or `0, 1, …` for `header=None`):
    /// the file's own header, if any, is skipped and columns are matched by
    /// position instead of by name.
    pub names: Option<Vec<String>>,
    /// Columns whose dtype the caller fixed (`dtype=`, `parse_dates=`).
    pub dtype: Vec<(PlSmallStr, DataType)>,
}

impl Hash for CsvSpec {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.sep.hash(state);
        self.has_header.hash(state);
        self.na_values.hash(state);
        self.names.hash(state);
        for (n, d) in &self.dtype {
            (n.as_str(), d.to_string()).hash(state);
        }
    }
}

impl CsvSpec {
    /// Options with pandas' defaults: comma-separated, a header, pandas'
    /// missing-value markers.
    pub fn new(sep: u8, has_header: bool) -> CsvSpec {
        CsvSpec {
            sep,
            has_header,
            na_values: PANDAS_NA.iter().map(|s| s.to_string()).collect(),
            names: None,
            dtype: Vec::new(),
        }
    }

    fn fixed(&self, column: &str) -> Option<&DataType> {
        self.dtype.iter().find(|(n, _)| n == column).map(|(_, d)| d)
    }
}

fn csv_options(spec: &CsvSpec) -> CsvReadOptions {
    let nulls = NullValues::AllColumns(spec.na_values.iter().map(|s| s.as_str().into()).collect());
    CsvReadOptions::default()
        .with_has_header(spec.has_header)
        .map_parse_options(|o| {
            o.with_separator(spec.sep)
                .with_null_values(Some(nulls.clone()))
        })
}

/// pandas reads an integer column with missing values as float64 (NaN):
/// cast such columns of a freshly read partition. A column whose dtype the
/// caller fixed as an integer cannot hold them: an error, as in pandas.
fn ints_with_nulls_as_floats(df: DataFrame, spec: &CsvSpec) -> FxResult<DataFrame> {
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
                if spec.fixed(c.name()).is_some() {
                    return Err(FxError::InvalidArgument(format!(
                        "Integer column has NA values in column '{}'",
                        c.name()
                    )));
                }
                Ok(c.cast(&DataType::Float64)?)
            } else {
                Ok(c.clone())
            }
        })
        .collect::<FxResult<Vec<_>>>()?;
    Ok(DataFrame::new_infer_height(cols)?)
}

/// A column with no value in the sample is float64 (all NaN), as pandas
/// reads it (polars would say text); as in Dask, text in that column
/// later in the files is then a parse error naming the column.
fn all_missing_as_floats(df: DataFrame) -> FxResult<DataFrame> {
    let height = df.height();
    if height == 0 {
        return Ok(df);
    }
    let cols = df
        .columns()
        .iter()
        .map(|c| {
            if c.dtype().is_string() && c.null_count() == height {
                Ok(c.cast(&DataType::Float64)?)
            } else {
                Ok(c.clone())
            }
        })
        .collect::<FxResult<Vec<_>>>()?;
    Ok(DataFrame::new(height, cols)?)
}

/// Marks pandas' default missing-value markers missing in a frame read
/// without them: in text columns the markers, in float columns NaN (read
/// from `nan`, `NaN`, `-nan`, …). Columns without one are not rebuilt.
fn mark_pandas_missing(df: DataFrame) -> PolarsResult<DataFrame> {
    let longest = PANDAS_NA.iter().map(|m| m.len()).max().unwrap_or(0);
    // Most text is rejected by its length or its first byte.
    let mut first = [false; 256];
    for m in PANDAS_NA {
        if let Some(b) = m.bytes().next() {
            first[b as usize] = true;
        }
    }
    let is_marker = |v: &str| match v.as_bytes().first() {
        None => true,
        Some(&b) => v.len() <= longest && first[b as usize] && PANDAS_NA.contains(&v),
    };
    let height = df.height();
    let mut changed = false;
    let mut cols = Vec::with_capacity(df.width());
    for c in df.columns() {
        let s = c.as_materialized_series();
        let out = match s.dtype() {
            DataType::String => {
                let ca = s.str()?;
                // A pass over the views (length, first bytes) rules most
                // columns out without touching the text.
                let candidate = ca.downcast_iter().any(|arr| {
                    arr.views().iter().fold(false, |seen, v| {
                        let short = v.length as usize <= longest;
                        seen | (v.length == 0) | (short & first[(v.prefix & 0xff) as usize])
                    })
                });
                if candidate && ca.iter().flatten().any(is_marker) {
                    let marked: StringChunked =
                        ca.iter().map(|v| v.filter(|v| !is_marker(v))).collect();
                    Some(marked.with_name(s.name().clone()).into_series())
                } else {
                    None
                }
            }
            DataType::Float32 | DataType::Float64 => {
                let nan = s.is_nan()?.fill_null_with_values(false)?;
                if nan.any() {
                    let missing = Series::full_null(s.name().clone(), height, s.dtype());
                    Some(s.zip_with(&!&nan, &missing)?)
                } else {
                    None
                }
            }
            _ => None,
        };
        changed |= out.is_some();
        cols.push(out.map_or_else(|| c.clone(), Column::from));
    }
    if !changed {
        return Ok(df);
    }
    DataFrame::new(height, cols)
}

/// Whether polars will decompress the file (gzip, zlib or zstd magic
/// bytes); such files are read whole.
pub fn is_compressed(path: &str) -> FxResult<bool> {
    let mut magic = [0u8; 4];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .map_err(|e| io_error(path, e))?;
    Ok(compressed(&magic[..n]))
}

/// Whether `bytes` start with gzip, zlib or zstd magic bytes.
fn compressed(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
        || bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
        || matches!(bytes, [0x78, 0x01 | 0x5e | 0x9c | 0xda, ..])
}

/// Whether polars may split `bytes` without tracking quotes: they are
/// plain text in which no quote character occurs, so no field is quoted.
/// Splitting fields that cannot be quoted is about a tenth faster, and
/// looking for the character costs far less than that.
fn unquoted(bytes: &[u8]) -> bool {
    !compressed(bytes) && memchr::memchr(b'"', bytes).is_none()
}

/// Whether some row of `df` is missing in every column (what a blank line
/// reads as).
fn has_empty_row(df: &DataFrame) -> bool {
    let cols = df.columns();
    if cols.is_empty() || cols.iter().any(|c| c.null_count() == 0) {
        return false;
    }
    let mut all = cols[0].is_null();
    for c in &cols[1..] {
        all = &all & &c.is_null();
    }
    all.any()
}

/// A byte a blank line may hold.
fn blank(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// `bytes` without its blank lines (nothing but spaces, tabs or `\r`)
/// outside quoted fields, or `None` if it has none. A cheap test first: a
/// blank line is one that starts with a blank byte.
fn without_blank_lines(bytes: &[u8]) -> Option<Vec<u8>> {
    let candidate = bytes.first().is_some_and(blank)
        || memchr::memchr_iter(b'\n', bytes).any(|i| bytes.get(i + 1).is_some_and(blank));
    if !candidate {
        return None;
    }
    let mut kept: Option<Vec<u8>> = None;
    let mut quoted = false;
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i + 1);
        let line = &bytes[start..end];
        let is_blank = !quoted && line.iter().all(blank);
        match &mut kept {
            None if is_blank => kept = Some(bytes[..start].to_vec()),
            Some(out) if !is_blank => out.extend_from_slice(line),
            _ => {}
        }
        quoted ^= memchr::memchr_iter(b'"', line).count() % 2 == 1;
        start = end;
    }
    kept
}

fn io_error(path: &str, e: std::io::Error) -> FxError {
    if e.kind() == std::io::ErrorKind::NotFound {
        FxError::Io(format!("[Errno 2] No such file or directory: '{path}'"))
    } else {
        FxError::Io(format!("{path}: {e}"))
    }
}

/// The schema of one CSV file, inferred (like Dask's `sample`) from its
/// first `sample` bytes, cut after the last complete line (the first rows,
/// for compressed files); `None` if that sample has no rows.
fn infer_one(path: &str, spec: &CsvSpec, sample: usize) -> FxResult<Option<Schema>> {
    let df = if is_compressed(path)? {
        csv_options(spec)
            .with_infer_schema_length(Some(10_000))
            .with_n_rows(Some(10_000))
            .with_n_threads(Some(1))
            .try_into_reader_with_file_path(Some(path.into()))?
            .finish()
            .map_err(|e| parse_error(e, path, spec.sep))?
    } else {
        let mut head = Vec::with_capacity(sample);
        File::open(path)
            .and_then(|f| f.take(sample as u64).read_to_end(&mut head))
            .map_err(|e| io_error(path, e))?;
        if head.len() == sample {
            if let Some(end) = head.iter().rposition(|&b| b == b'\n') {
                head.truncate(end + 1);
            }
        }
        // pandas skips blank lines; the reader would see rows of missing values.
        let head = without_blank_lines(&head).unwrap_or(head);
        csv_options(spec)
            .with_infer_schema_length(None)
            .with_n_threads(Some(1))
            .into_reader_with_file_handle(std::io::Cursor::new(head))
            .finish()
            .map_err(|e| parse_error(e, path, spec.sep))?
    };
    let empty = df.height() == 0;
    let df = all_missing_as_floats(df)?;
    let mut schema = ints_with_nulls_as_floats(
        df,
        &CsvSpec {
            dtype: Vec::new(),
            ..spec.clone()
        },
    )?
    .schema()
    .as_ref()
    .clone();
    if let Some(names) = &spec.names {
        if names.len() != schema.len() {
            return Err(FxError::InvalidArgument(format!(
                "`names` has {} names, the file {path} has {} columns",
                names.len(),
                schema.len()
            )));
        }
        schema = names
            .iter()
            .zip(schema.iter_values())
            .map(|(n, d)| Field::new(n.as_str().into(), d.clone()))
            .collect();
    }
    for (name, dtype) in &spec.dtype {
        match schema.get_mut(name) {
            Some(d) => *d = dtype.clone(),
            None => {
                return Err(FxError::InvalidArgument(format!(
                    "`dtype` or `parse_dates` names column '{name}', which is not in the \
                     file's columns {:?}",
                    schema.iter_names().map(|n| n.as_str()).collect::<Vec<_>>()
                )))
            }
        }
    }
    Ok((!empty).then_some(schema))
}

/// The schema of a scan: inferred from the first file whose sample has
/// rows (a header-only file says nothing about the dtypes), else from the
/// first file.
pub fn infer_schema(paths: &[String], spec: &CsvSpec, sample: usize) -> FxResult<Schema> {
    let first = paths
        .first()
        .ok_or_else(|| FxError::Io("no files to read".into()))?;
    for path in paths.iter().take(16) {
        if let Some(schema) = infer_one(path, spec, sample)? {
            return Ok(schema);
        }
    }
    // No rows anywhere: every column as text (what the reader infers).
    let mut schema = infer_header(first, spec)?;
    for (name, dtype) in &spec.dtype {
        if let Some(d) = schema.get_mut(name) {
            *d = dtype.clone();
        }
    }
    Ok(schema)
}

fn infer_header(path: &str, spec: &CsvSpec) -> FxResult<Schema> {
    let df = csv_options(spec)
        .with_n_rows(Some(0))
        .with_n_threads(Some(1))
        .try_into_reader_with_file_path(Some(path.into()))?
        .finish()
        .map_err(|e| parse_error(e, path, spec.sep))?;
    let schema = df.schema().as_ref().clone();
    Ok(match &spec.names {
        Some(names) => names
            .iter()
            .zip(schema.iter_values())
            .map(|(n, d)| Field::new(n.as_str().into(), d.clone()))
            .collect(),
        None => schema,
    })
}

fn with_path(e: PolarsError, path: &str) -> FxError {
    match FxError::from(e) {
        FxError::InvalidArgument(m) => FxError::InvalidArgument(format!("{path}: {m}")),
        FxError::DType(m) => FxError::DType(format!("{path}: {m}")),
        FxError::Io(m) => FxError::Io(format!("{path}: {m}")),
        other => other,
    }
}

/// The reader's error naming the file; for a row with too many fields,
/// pandas' message with the line number (the file is scanned again,
/// quotes respected, only on this error path).
fn parse_error(e: PolarsError, path: &str, sep: u8) -> FxError {
    if e.to_string().contains("found more fields than defined") {
        let ragged = std::fs::read(path)
            .ok()
            .filter(|_| !is_compressed(path).unwrap_or(true))
            .and_then(|bytes| ragged_line(&bytes, sep));
        if let Some((line, expected, saw)) = ragged {
            return FxError::InvalidArgument(format!(
                "Error tokenizing data: {path}: expected {expected} fields in line {line}, \
                 saw {saw}"
            ));
        }
    }
    with_path(e, path)
}

/// The first line (1-based) with more fields than the first line, with
/// both field counts; separators inside double quotes do not count. Used
/// only to point at the row a parse error is about.
fn ragged_line(bytes: &[u8], sep: u8) -> Option<(usize, usize, usize)> {
    let (mut line, mut fields, mut quoted) = (1, 1, false);
    let mut expected = None;
    let mut end_line = |line: usize, fields: usize| match expected {
        None => {
            expected = Some(fields);
            None
        }
        Some(n) if fields > n => Some((line, n, fields)),
        _ => None,
    };
    for &b in bytes {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && b == b'\n' {
            if let Some(found) = end_line(line, fields) {
                return Some(found);
            }
            line += 1;
            fields = 1;
        } else if !quoted && b == sep {
            fields += 1;
        }
    }
    end_line(line, fields)
}

/// One partition of a CSV scan: a whole file, or the lines starting in a
/// byte range of it.
#[derive(Clone, Debug, Hash)]
pub struct CsvPart {
    /// Index into [`CsvSource::paths`].
    pub file: usize,
    /// `[start, end)` in bytes; `None` for the whole file.
    pub range: Option<(u64, u64)>,
}

/// The partitions of `paths` for a `blocksize` (`None`: one per file).
/// Compressed files are never split.
pub fn plan_blocks(paths: &[String], blocksize: Option<u64>) -> FxResult<Vec<CsvPart>> {
    let mut parts = Vec::new();
    for (file, path) in paths.iter().enumerate() {
        let len = std::fs::metadata(path)
            .map_err(|e| io_error(path, e))?
            .len();
        match blocksize {
            Some(size) if size > 0 && len > size && !is_compressed(path)? => {
                let mut start = 0;
                while start < len {
                    let end = (start + size).min(len);
                    parts.push(CsvPart {
                        file,
                        range: Some((start, end)),
                    });
                    start = end;
                }
            }
            _ => parts.push(CsvPart { file, range: None }),
        }
    }
    Ok(parts)
}

/// The first line start at or after `pos` (`pos` itself if it is 0 or
/// follows a newline; the file length if none).
fn line_start(f: &mut File, pos: u64, len: u64) -> std::io::Result<u64> {
    if pos == 0 || pos >= len {
        return Ok(pos.min(len));
    }
    f.seek(SeekFrom::Start(pos - 1))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = pos - 1;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(len);
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            return Ok(at + i as u64 + 1);
        }
        at += n as u64;
    }
}

/// The bytes of a block: its lines (ends moved to line starts), after the
/// file's header line for any block but the first; `None` if no line
/// starts in the block.
fn block_bytes(
    path: &str,
    start: u64,
    end: u64,
    has_header: bool,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let begin = line_start(&mut f, start, len)?;
    let stop = line_start(&mut f, end, len)?;
    if stop <= begin {
        return Ok(None);
    }
    let mut out = Vec::new();
    if has_header && begin > 0 {
        let header_end = line_start(&mut f, 1, len)?;
        f.seek(SeekFrom::Start(0))?;
        (&mut f).take(header_end).read_to_end(&mut out)?;
    }
    f.seek(SeekFrom::Start(begin))?;
    (&mut f).take(stop - begin).read_to_end(&mut out)?;
    Ok(Some(out))
}

/// CSV files, one partition per file or per block.
pub struct CsvSource {
    /// The files, in order.
    pub paths: Vec<String>,
    /// The partitions.
    pub parts: Vec<CsvPart>,
    /// Parsing options.
    pub spec: CsvSpec,
    /// Every column's dtype (inferred from the first file with rows).
    pub schema: Arc<Schema>,
}

impl CsvSource {
    fn options(&self, spec: &ReadSpec<'_>, schema: &Arc<Schema>, unquoted: bool) -> CsvReadOptions {
        let base = csv_options(&self.spec)
            .map_parse_options(|o| if unquoted { o.with_quote_char(None) } else { o })
            .with_n_rows(spec.n_rows)
            .with_columns(Some(spec.columns.to_vec().into()))
            .with_n_threads(Some(1));
        if self.spec.names.is_some() {
            // Columns by position, named by `names`.
            base.with_schema(Some(schema.clone()))
        } else {
            // Dtypes by column name (files may order their columns
            // differently); the header names the columns.
            base.with_schema_overwrite(Some(schema.clone()))
        }
    }

    /// Whether the read can skip polars' per-field missing-marker match
    /// (a large part of the parse: every field is compared with every
    /// marker) and mark pandas' defaults afterwards: the markers are
    /// pandas' defaults, none of which is a number, and every column read
    /// is a number, a bool or text. A marker in a number or bool column
    /// then fails that field's parse, and the block is read again the slow
    /// way; `nan` parses as NaN, which is then marked missing too.
    fn marks_missing_after(&self, spec: &ReadSpec<'_>) -> bool {
        self.spec.na_values.len() == PANDAS_NA.len()
            && self
                .spec
                .na_values
                .iter()
                .zip(PANDAS_NA)
                .all(|(a, b)| a == b)
            && spec.columns.iter().all(|c| {
                self.schema.get(c).is_some_and(|d| {
                    d.is_primitive_numeric() || d.is_string() || matches!(d, DataType::Boolean)
                })
            })
    }

    /// Reads a partition of `bytes`, skipping blank lines as pandas does
    /// (`skip_blank_lines=True`). polars reads a blank line as a row of
    /// missing values (or fails on one of spaces), so only a read with such
    /// a row, or a failed one, looks for blank lines, and parses again
    /// without them.
    fn read_bytes(&self, bytes: &[u8], spec: &ReadSpec<'_>) -> PolarsResult<DataFrame> {
        match self.parse(bytes, spec) {
            Ok(df) if !has_empty_row(&df) => Ok(df),
            first => match without_blank_lines(bytes) {
                Some(kept) => self.parse(&kept, spec),
                None => first,
            },
        }
    }

    /// Parses `bytes` with the inferred schema, or, where that fails, with
    /// its integer columns as text (see `ints_from_text`).
    fn parse(&self, bytes: &[u8], spec: &ReadSpec<'_>) -> PolarsResult<DataFrame> {
        let err = match self.parse_as(bytes, spec, &self.schema) {
            Ok(df) => return Ok(df),
            Err(err) => err,
        };
        self.ints_from_text(bytes, spec).ok_or(err)
    }

    /// The schema comes from the first file's sample; pandas infers every
    /// file's own. A column inferred as an integer may hold a fraction in
    /// a later partition, which pandas reads as float64: the integer
    /// columns (those the caller did not fix) are read as text and cast,
    /// to their dtype where every value is an integer, else to float64.
    /// `None` if that fails too (the first error stands).
    fn ints_from_text(&self, bytes: &[u8], spec: &ReadSpec<'_>) -> Option<DataFrame> {
        let ints: Vec<&PlSmallStr> = spec
            .columns
            .iter()
            .filter(|c| {
                self.spec.fixed(c).is_none() && self.schema.get(c).is_some_and(|d| d.is_integer())
            })
            .collect();
        if ints.is_empty() {
            return None;
        }
        let mut schema = (*self.schema).clone();
        for c in &ints {
            schema.set_dtype(c, DataType::String);
        }
        let mut df = self.parse_as(bytes, spec, &Arc::new(schema)).ok()?;
        for c in ints {
            let text = df.column(c).ok()?;
            let dtype = self.schema.get(c)?;
            let col = text
                .strict_cast(dtype)
                .or_else(|_| text.strict_cast(&DataType::Float64))
                .ok()?;
            df.with_column(col).ok()?;
        }
        Some(df)
    }

    /// Parses `bytes` with polars' reader and `schema`; the fast options
    /// first when they apply (see `marks_missing_after`, `unquoted`). A
    /// read of the first rows only does not look for quotes in the rest.
    fn parse_as(
        &self,
        bytes: &[u8],
        spec: &ReadSpec<'_>,
        schema: &Arc<Schema>,
    ) -> PolarsResult<DataFrame> {
        let unquoted = spec.n_rows.is_none() && unquoted(bytes);
        let read = |o: CsvReadOptions| {
            o.into_reader_with_file_handle(std::io::Cursor::new(bytes))
                .finish()
        };
        if self.marks_missing_after(spec) {
            let fast = self
                .options(spec, schema, unquoted)
                .map_parse_options(|o| o.with_null_values(None));
            if let Ok(df) = read(fast) {
                return mark_pandas_missing(df);
            }
        }
        read(self.options(spec, schema, unquoted))
    }

    fn finish(&self, df: DataFrame, spec: &ReadSpec<'_>) -> FxResult<DataFrame> {
        // The reader returns columns in file order.
        let df = df.select(spec.columns.iter().cloned())?;
        ints_with_nulls_as_floats(df, &self.spec)
    }
}

impl Source for CsvSource {
    fn label(&self) -> &str {
        "read-csv"
    }
    fn token(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.paths.hash(&mut h);
        self.parts.hash(&mut h);
        self.spec.hash(&mut h);
        for (n, d) in self.schema.iter() {
            (n.as_str(), d.to_string()).hash(&mut h);
        }
        h.finish()
    }
    fn npartitions(&self) -> usize {
        self.parts.len()
    }
    fn schema(&self) -> Arc<Schema> {
        self.schema.clone()
    }
    fn read(&self, i: usize, spec: &ReadSpec<'_>, _inputs: &[Value]) -> FxResult<DataFrame> {
        let part = &self.parts[i];
        let path = &self.paths[part.file];
        let df = match part.range {
            None => {
                let file = File::open(path).map_err(|e| io_error(path, e))?;
                // SAFETY: the map is only read, while this partition is
                // parsed; a file another process changes meanwhile gives
                // garbled rows, as with polars' own map of it.
                let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| io_error(path, e))?;
                self.read_bytes(&map, spec)
            }
            Some((start, end)) => {
                let Some(bytes) = block_bytes(path, start, end, self.spec.has_header)
                    .map_err(|e| io_error(path, e))?
                else {
                    let schema: Schema = spec
                        .columns
                        .iter()
                        .map(|c| {
                            let dtype = self.schema.get(c).cloned().unwrap_or(DataType::Null);
                            Field::new(c.clone(), dtype)
                        })
                        .collect();
                    return Ok(DataFrame::empty_with_schema(&schema));
                };
                self.read_bytes(&bytes, spec)
            }
        }
        .map_err(|e| parse_error(e, path, self.spec.sep))?;
        self.finish(df, spec)
    }
    fn count_rows(&self, i: usize) -> Option<FxResult<usize>> {
        let part = &self.parts[i];
        let path = &self.paths[part.file];
        let count = || -> FxResult<usize> {
            let bytes = match part.range {
                // polars decompresses the file itself.
                None if is_compressed(path)? => {
                    return polars_io::csv::read::count_rows(
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
                    .map_err(|e| with_path(e, path));
                }
                None => {
                    let file = File::open(path).map_err(|e| io_error(path, e))?;
                    // SAFETY: as in `read`.
                    let map =
                        unsafe { memmap2::Mmap::map(&file) }.map_err(|e| io_error(path, e))?;
                    Buffer::from_owner(map)
                }
                Some((start, end)) => {
                    match block_bytes(path, start, end, self.spec.has_header)
                        .map_err(|e| io_error(path, e))?
                    {
                        Some(bytes) => Buffer::from(bytes),
                        None => return Ok(0),
                    }
                }
            };
            // Blank lines are not rows (pandas skips them).
            let bytes = without_blank_lines(&bytes).map_or(bytes, Buffer::from);
            polars_io::csv::read::count_rows_from_slice_par(
                bytes,
                Some(b'"'),
                None,
                b'\n',
                self.spec.has_header,
                0,
                0,
                0,
                false,
            )
            .map_err(|e| with_path(e, path))
        };
        Some(count())
    }
}
