//! Parquet files read with polars-io's reader: one partition per file, or
//! per `split_row_groups` row groups.
//!
//! Only the columns the query needs are decoded (projection pushdown). A
//! predicate — pyarrow-style `filters=`, or a `df[mask]` the lowering pushed
//! into the scan — is used twice: row groups whose min/max statistics prove
//! that no row can match are never read, and the rows of the others are
//! filtered right after decoding, before anything else sees them.
//!
//! Index columns (named in the files' pandas metadata, which the Python
//! edge reads) come first in the schema as `__index_level_N__`, mapped
//! to their names in the files.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use polars_core::prelude::*;
use polars_core::utils::accumulate_dataframes_vertical;
use polars_io::parquet::read::{FileMetadata, ParallelStrategy, ParquetReader};
use polars_io::SerReader;

use crate::error::{FxError, FxResult};
use crate::frame::colexpr::{BinOp, ColExpr, UnOp};
use crate::frame::expr::index_column;
use crate::frame::source::{ReadSpec, Source};
use crate::value::Value;

/// One file of a Parquet dataset and its footer.
pub struct ParquetFile {
    /// Where it is.
    pub path: String,
    /// Its footer (row groups, statistics).
    pub metadata: Arc<FileMetadata>,
}

/// The row groups one partition reads.
#[derive(Clone, Debug, Hash)]
pub struct ParquetPart {
    /// Index into [`ParquetSource::files`].
    pub file: usize,
    /// Row groups of that file, in order.
    pub row_groups: Vec<usize>,
}

/// A Parquet dataset.
pub struct ParquetSource {
    /// The files, in order.
    pub files: Vec<ParquetFile>,
    /// The partitions.
    pub parts: Vec<ParquetPart>,
    /// Every column the source produces, index columns first.
    pub schema: Arc<Schema>,
    /// Each schema column's name in the files.
    pub file_columns: Vec<PlSmallStr>,
    /// Number of index columns.
    pub nindex: usize,
    /// pandas names of the index levels.
    pub index_names: Vec<Option<String>>,
    /// Rows to keep (`filters=`), over the schema's names.
    pub filter: Option<ColExpr>,
}

fn with_path(e: PolarsError, path: &str) -> FxError {
    match FxError::from(e) {
        FxError::Io(m) => FxError::Io(format!("{path}: {m}")),
        FxError::InvalidArgument(m) => FxError::InvalidArgument(format!("{path}: {m}")),
        other => other,
    }
}

fn open(path: &str) -> FxResult<File> {
    File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            FxError::Io(format!("[Errno 2] No such file or directory: '{path}'"))
        } else {
            FxError::Io(format!("{path}: {e}"))
        }
    })
}

impl ParquetSource {
    /// Read the footers of `paths`; `index_columns` (file names) become the
    /// index; `split_row_groups` row groups make a partition (`None`: one
    /// partition per file).
    pub fn open(
        paths: &[String],
        index_columns: &[String],
        index_names: Vec<Option<String>>,
        split_row_groups: Option<usize>,
    ) -> FxResult<ParquetSource> {
        let mut files = Vec::with_capacity(paths.len());
        let mut file_schema = None;
        for path in paths {
            let mut reader = ParquetReader::new(open(path)?);
            let metadata = reader
                .get_metadata()
                .map_err(|e| with_path(e, path))?
                .clone();
            if file_schema.is_none() {
                let arrow = reader.schema().map_err(|e| with_path(e, path))?;
                file_schema = Some(Schema::from_arrow_schema(&arrow));
            }
            files.push(ParquetFile {
                path: path.clone(),
                metadata,
            });
        }
        let file_schema =
            file_schema.ok_or_else(|| FxError::Io("no parquet files to read".into()))?;
        let mut schema = Schema::with_capacity(file_schema.len());
        let mut file_columns = Vec::with_capacity(file_schema.len());
        for (i, name) in index_columns.iter().enumerate() {
            let dtype = file_schema.get(name).ok_or_else(|| {
                FxError::MissingColumn(format!("index column '{name}' not in the files"))
            })?;
            schema.insert(index_column(i), dtype.clone());
            file_columns.push(PlSmallStr::from(name.as_str()));
        }
        for (name, dtype) in file_schema.iter() {
            if !index_columns.iter().any(|c| c == name.as_str()) {
                schema.insert(name.clone(), dtype.clone());
                file_columns.push(name.clone());
            }
        }
        let mut parts = Vec::new();
        for (file, f) in files.iter().enumerate() {
            let n = f.metadata.row_groups.len();
            match split_row_groups {
                Some(k) if k > 0 => {
                    for start in (0..n).step_by(k) {
                        parts.push(ParquetPart {
                            file,
                            row_groups: (start..(start + k).min(n)).collect(),
                        });
                    }
                }
                _ => parts.push(ParquetPart {
                    file,
                    row_groups: (0..n).collect(),
                }),
            }
        }
        if parts.is_empty() {
            parts.push(ParquetPart {
                file: 0,
                row_groups: Vec::new(),
            });
        }
        Ok(ParquetSource {
            files,
            parts,
            schema: Arc::new(schema),
            file_columns,
            nindex: index_columns.len(),
            index_names,
            filter: None,
        })
    }

    fn file_name(&self, column: &str) -> Option<&PlSmallStr> {
        self.schema.index_of(column).map(|i| &self.file_columns[i])
    }

    /// Per row group of `part`, whether some row may satisfy `predicate`
    /// (from the min/max statistics of the columns it compares).
    fn row_groups_to_read(&self, part: &ParquetPart, predicate: Option<&ColExpr>) -> Vec<usize> {
        let Some(predicate) = predicate else {
            return part.row_groups.clone();
        };
        let md = &self.files[part.file].metadata;
        let mut columns = Vec::new();
        predicate.columns(&mut columns);
        let stats: Vec<(PlSmallStr, Option<ColumnStats>)> = columns
            .into_iter()
            .map(|c| {
                let s = self.column_stats(md, &c);
                (c, s)
            })
            .collect();
        part.row_groups
            .iter()
            .copied()
            .filter(|&rg| {
                let lookup = |c: &str| -> Option<RgStats> {
                    let (_, s) = stats.iter().find(|(n, _)| n == c)?;
                    s.as_ref()?.at(rg, md.row_groups[rg].num_rows())
                };
                may_match(predicate, &lookup)
            })
            .collect()
    }

    /// The statistics of one column over every row group of a file, if
    /// the file has them and the dtype is one whose order is understood.
    fn column_stats(&self, md: &FileMetadata, column: &str) -> Option<ColumnStats> {
        use polars_arrow::datatypes::ArrowDataType as D;
        let file_name = self.file_name(column)?;
        let dtype = self.schema.get(column)?;
        if md.row_groups.is_empty() {
            return None;
        }
        let arrow = polars_parquet::arrow::read::infer_schema(md).ok()?;
        let field = arrow.get(file_name.as_str())?;
        let supported = matches!(
            field.dtype(),
            D::Boolean
                | D::Int8
                | D::Int16
                | D::Int32
                | D::Int64
                | D::UInt8
                | D::UInt16
                | D::UInt32
                | D::Float32
                | D::Float64
                | D::Utf8
                | D::LargeUtf8
                | D::Utf8View
                | D::Date32
                | D::Timestamp(_, None)
        );
        if !supported {
            return None;
        }
        let idx = match md.row_groups[0].columns_idxs_under_root_iter(file_name.as_str()) {
            Some([i]) => *i,
            _ => return None,
        };
        let arrays = polars_parquet::arrow::read::statistics::deserialize_all(
            field,
            &md.row_groups,
            idx,
            &md.footer_buf,
        )
        .ok()??;
        let as_series = |a: Box<dyn polars_arrow::array::Array>| {
            Series::from_arrow(PlSmallStr::EMPTY, a)
                .and_then(|s| s.cast(dtype))
                .ok()
        };
        let nulls: Vec<Option<usize>> = arrays
            .null_count
            .iter()
            .map(|v| v.map(|n| *n as usize))
            .collect();
        Some(ColumnStats {
            min: as_series(arrays.min_value)?,
            max: as_series(arrays.max_value)?,
            nulls,
        })
    }

    fn read_row_group(
        &self,
        part: &ParquetPart,
        rg: usize,
        columns: &[String],
    ) -> FxResult<DataFrame> {
        let f = &self.files[part.file];
        let offset: usize = f.metadata.row_groups[..rg]
            .iter()
            .map(|g| g.num_rows())
            .sum();
        let rows = f.metadata.row_groups[rg].num_rows();
        let mut reader = ParquetReader::new(open(&f.path)?);
        reader.set_metadata(f.metadata.clone());
        reader
            .with_slice(Some((offset, rows)))
            .with_columns(Some(columns.to_vec()))
            .read_parallel(ParallelStrategy::RowGroups)
            .finish()
            .map_err(|e| with_path(e, &f.path))
    }

    fn empty(&self, columns: &[PlSmallStr]) -> DataFrame {
        let schema: Schema = columns
            .iter()
            .map(|c| {
                Field::new(
                    c.clone(),
                    self.schema.get(c).cloned().unwrap_or(DataType::Null),
                )
            })
            .collect();
        DataFrame::empty_with_schema(&schema)
    }
}

/// Min / max statistics of one column, one entry per row group.
struct ColumnStats {
    min: Series,
    max: Series,
    nulls: Vec<Option<usize>>,
}

/// The statistics of one column in one row group.
struct RgStats {
    min: Series,
    max: Series,
    nulls: Option<usize>,
    rows: usize,
}

impl ColumnStats {
    fn at(&self, rg: usize, rows: usize) -> Option<RgStats> {
        Some(RgStats {
            min: self.min.slice(rg as i64, 1),
            max: self.max.slice(rg as i64, 1),
            nulls: *self.nulls.get(rg)?,
            rows,
        })
    }
}

/// `a <op> b` for one-value series of comparable dtypes; `None` if they
/// cannot be compared or either is missing.
fn compare(op: BinOp, a: &Series, b: &Series) -> Option<bool> {
    if a.null_count() > 0 || b.null_count() > 0 {
        return None;
    }
    let to = polars_core::utils::try_get_supertype(a.dtype(), b.dtype()).ok()?;
    let (a, b) = (a.cast(&to).ok()?, b.cast(&to).ok()?);
    let out = match op {
        BinOp::Eq => a.equal(&b),
        BinOp::Lt => a.lt(&b),
        BinOp::Le => a.lt_eq(&b),
        BinOp::Gt => a.gt(&b),
        BinOp::Ge => a.gt_eq(&b),
        _ => return None,
    };
    out.ok()?.get(0)
}

fn flipped(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

/// Whether some row of a row group may satisfy `e`, given per-column
/// statistics (`true` whenever the statistics cannot tell).
fn may_match(e: &ColExpr, stats: &dyn Fn(&str) -> Option<RgStats>) -> bool {
    match e {
        ColExpr::Binary(BinOp::And, a, b) => may_match(a, stats) && may_match(b, stats),
        ColExpr::Binary(BinOp::Or, a, b) => may_match(a, stats) || may_match(b, stats),
        ColExpr::Binary(
            op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
            l,
            r,
        ) => {
            let (column, lit, op) = match (&**l, &**r) {
                (ColExpr::Col(c), ColExpr::Lit(v)) => (c, v, *op),
                (ColExpr::Lit(v), ColExpr::Col(c)) => (c, v, flipped(*op)),
                _ => return true,
            };
            let Some(st) = stats(column) else {
                return true;
            };
            if st.nulls == Some(st.rows) {
                // Every value is missing: only `!=` holds.
                return op == BinOp::Ne;
            }
            let v = lit.0.clone().into_series(PlSmallStr::EMPTY);
            let cmp = |op, a: &Series, b: &Series| compare(op, a, b).unwrap_or(true);
            match op {
                BinOp::Eq => cmp(BinOp::Le, &st.min, &v) && cmp(BinOp::Ge, &st.max, &v),
                BinOp::Ne => {
                    let all_equal = compare(BinOp::Eq, &st.min, &v) == Some(true)
                        && compare(BinOp::Eq, &st.max, &v) == Some(true)
                        && st.nulls == Some(0);
                    !all_equal
                }
                BinOp::Lt | BinOp::Le => cmp(op, &st.min, &v),
                _ => cmp(op, &st.max, &v),
            }
        }
        ColExpr::Unary(UnOp::IsIn(values), a) => {
            let ColExpr::Col(column) = &**a else {
                return true;
            };
            let Some(st) = stats(column) else {
                return true;
            };
            let values = &values.0;
            (0..values.len()).any(|i| {
                let v = values.slice(i as i64, 1);
                v.null_count() > 0
                    || (compare(BinOp::Le, &st.min, &v).unwrap_or(true)
                        && compare(BinOp::Ge, &st.max, &v).unwrap_or(true))
            })
        }
        _ => true,
    }
}

impl Source for ParquetSource {
    fn label(&self) -> &str {
        "read-parquet"
    }
    fn token(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for f in &self.files {
            f.path.hash(&mut h);
        }
        self.parts.hash(&mut h);
        self.file_columns.hash(&mut h);
        self.nindex.hash(&mut h);
        self.filter.hash(&mut h);
        h.finish()
    }
    fn npartitions(&self) -> usize {
        self.parts.len()
    }
    fn schema(&self) -> Arc<Schema> {
        self.schema.clone()
    }
    fn nindex(&self) -> usize {
        self.nindex
    }
    fn index_names(&self) -> Vec<Option<String>> {
        self.index_names.clone()
    }
    fn takes_predicate(&self) -> bool {
        true
    }
    fn with_filter(&self, predicate: ColExpr) -> Option<Arc<dyn Source>> {
        let filter = match &self.filter {
            Some(f) => ColExpr::Binary(BinOp::And, Box::new(f.clone()), Box::new(predicate)),
            None => predicate,
        };
        Some(Arc::new(ParquetSource {
            files: self
                .files
                .iter()
                .map(|f| ParquetFile {
                    path: f.path.clone(),
                    metadata: f.metadata.clone(),
                })
                .collect(),
            parts: self.parts.clone(),
            schema: self.schema.clone(),
            file_columns: self.file_columns.clone(),
            nindex: self.nindex,
            index_names: self.index_names.clone(),
            filter: Some(filter),
        }))
    }
    fn read(&self, i: usize, spec: &ReadSpec<'_>, _inputs: &[Value]) -> FxResult<DataFrame> {
        let part = &self.parts[i];
        let predicate = match (&self.filter, spec.predicate) {
            (Some(a), Some(b)) => Some(ColExpr::Binary(
                BinOp::And,
                Box::new(a.clone()),
                Box::new(b.clone()),
            )),
            (Some(a), None) => Some(a.clone()),
            (None, Some(b)) => Some(b.clone()),
            (None, None) => None,
        };
        // The columns to decode: the requested ones and the predicate's.
        let mut needed: Vec<PlSmallStr> = spec.columns.to_vec();
        if let Some(p) = &predicate {
            p.columns(&mut needed);
        }
        let needed: Vec<PlSmallStr> = self
            .schema
            .iter_names()
            .filter(|n| needed.contains(n))
            .cloned()
            .collect();
        let file_names: Vec<String> = needed
            .iter()
            .map(|c| {
                self.file_name(c)
                    .map(|n| n.to_string())
                    .ok_or_else(|| FxError::MissingColumn(format!("'{c}'")))
            })
            .collect::<FxResult<_>>()?;
        let mut frames = Vec::new();
        let mut rows = 0;
        for rg in self.row_groups_to_read(part, predicate.as_ref()) {
            if predicate.is_none() && spec.n_rows.is_some_and(|n| rows >= n) {
                break;
            }
            let mut df = self.read_row_group(part, rg, &file_names)?;
            let cols = needed
                .iter()
                .zip(&file_names)
                .map(|(name, file)| Ok(df.column(file.as_str())?.clone().with_name(name.clone())))
                .collect::<FxResult<Vec<_>>>()?;
            df = DataFrame::new(df.height(), cols)?;
            if let Some(p) = &predicate {
                let mask = p.eval(&df, &[])?;
                let mask = mask.bool()?.fill_null_with_values(false)?;
                df = df.filter(&mask)?;
            }
            rows += df.height();
            frames.push(df.select(spec.columns.iter().cloned())?);
        }
        let df = if frames.is_empty() {
            self.empty(spec.columns)
        } else {
            accumulate_dataframes_vertical(frames)?
        };
        Ok(match spec.n_rows {
            Some(n) => df.head(Some(n)),
            None => df,
        })
    }
    fn count_rows(&self, i: usize) -> Option<FxResult<usize>> {
        if self.filter.is_some() {
            return None;
        }
        let part = &self.parts[i];
        let md = &self.files[part.file].metadata;
        Some(Ok(part
            .row_groups
            .iter()
            .map(|&rg| md.row_groups[rg].num_rows())
            .sum()))
    }
    fn known_lengths(&self) -> Option<Vec<usize>> {
        (0..self.parts.len())
            .map(|i| self.count_rows(i).and_then(|r| r.ok()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::colexpr::{Lit, SeriesLit};

    fn stats(min: i64, max: i64, nulls: usize, rows: usize) -> impl Fn(&str) -> Option<RgStats> {
        move |c: &str| {
            (c == "x").then(|| RgStats {
                min: Series::new("".into(), [min]),
                max: Series::new("".into(), [max]),
                nulls: Some(nulls),
                rows,
            })
        }
    }

    fn cmp(op: BinOp, v: i64) -> ColExpr {
        ColExpr::Binary(
            op,
            Box::new(ColExpr::col("x")),
            Box::new(ColExpr::Lit(Lit(Scalar::from(v)))),
        )
    }

    #[test]
    fn comparisons_use_min_and_max() {
        let s = stats(10, 20, 0, 5);
        assert!(may_match(&cmp(BinOp::Eq, 15), &s));
        assert!(!may_match(&cmp(BinOp::Eq, 21), &s));
        assert!(!may_match(&cmp(BinOp::Lt, 10), &s));
        assert!(may_match(&cmp(BinOp::Le, 10), &s));
        assert!(!may_match(&cmp(BinOp::Gt, 20), &s));
        assert!(may_match(&cmp(BinOp::Ge, 20), &s));
        // A literal on the left flips the comparison: 25 < x.
        let flipped = ColExpr::Binary(
            BinOp::Lt,
            Box::new(ColExpr::Lit(Lit(Scalar::from(25i64)))),
            Box::new(ColExpr::col("x")),
        );
        assert!(!may_match(&flipped, &s));
    }

    #[test]
    fn and_or_isin_and_unknown_columns() {
        let s = stats(10, 20, 0, 5);
        let and = ColExpr::Binary(
            BinOp::And,
            Box::new(cmp(BinOp::Gt, 12)),
            Box::new(cmp(BinOp::Gt, 30)),
        );
        assert!(!may_match(&and, &s));
        let or = ColExpr::Binary(
            BinOp::Or,
            Box::new(cmp(BinOp::Gt, 30)),
            Box::new(cmp(BinOp::Eq, 11)),
        );
        assert!(may_match(&or, &s));
        let isin = |vals: &[i64]| {
            let values = Series::new("".into(), vals);
            ColExpr::Unary(
                UnOp::IsIn(SeriesLit(Arc::new(values))),
                Box::new(ColExpr::col("x")),
            )
        };
        assert!(!may_match(&isin(&[1, 30]), &s));
        assert!(may_match(&isin(&[1, 12]), &s));
        let other = ColExpr::Binary(
            BinOp::Gt,
            Box::new(ColExpr::col("y")),
            Box::new(ColExpr::Lit(Lit(Scalar::from(1000i64)))),
        );
        assert!(may_match(&other, &s));
    }

    #[test]
    fn all_missing_row_groups_only_match_ne() {
        let s = stats(0, 0, 5, 5);
        assert!(!may_match(&cmp(BinOp::Eq, 0), &s));
        assert!(may_match(&cmp(BinOp::Ne, 0), &s));
        // Every value equal to the literal and none missing: `!=` cannot hold.
        assert!(!may_match(&cmp(BinOp::Ne, 7), &stats(7, 7, 0, 5)));
    }
}
