//! Frame expressions: one node per user-level operation.
//!
//! A [`FrameExpr`] knows its columns and their dtypes when it is built, so
//! an unknown column fails here, before anything runs. Building a projection
//! on a scan pushes the columns into the scan (only they are parsed).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use polars_core::prelude::{DataType, Schema};

use super::groupby::{AggOp, AggSpec};
use crate::error::{FxError, FxResult};

/// A lazily defined partitioned frame.
pub struct FrameExpr {
    /// Name of the tasks that produce its partitions.
    pub name: Arc<str>,
    /// Columns and dtypes, in order.
    pub schema: Arc<Schema>,
    /// Number of partitions.
    pub npartitions: usize,
    /// What it is.
    pub kind: Kind,
}

/// CSV parsing options shared by every file of a scan.
#[derive(Clone, Debug, Hash)]
pub struct CsvSpec {
    /// Field separator.
    pub sep: u8,
    /// Whether the first line names the columns.
    pub has_header: bool,
}

/// The kinds of frame expressions.
pub enum Kind {
    /// CSV files, one partition per file, reading only `columns`.
    Csv {
        /// The files, in order.
        paths: Arc<Vec<String>>,
        /// Parsing options.
        spec: CsvSpec,
        /// The file schema (every column), inferred from the first file.
        file_schema: Arc<Schema>,
    },
    /// A subset of the input's columns, in the given order.
    Project {
        /// The input.
        input: Arc<FrameExpr>,
    },
    /// The first `n` rows of the first partition (`head`).
    Head {
        /// The input.
        input: Arc<FrameExpr>,
        /// How many rows.
        n: usize,
    },
    /// Group-by aggregations: one partition, sorted by the keys.
    GroupBy {
        /// The input.
        input: Arc<FrameExpr>,
        /// Key columns.
        keys: Vec<String>,
        /// Aggregations.
        aggs: Vec<AggSpec>,
        /// Fan-in of the combine tree.
        split_every: usize,
    },
}

fn name(prefix: &str, parts: impl Hash) -> Arc<str> {
    let mut h = DefaultHasher::new();
    prefix.hash(&mut h);
    parts.hash(&mut h);
    Arc::from(format!("{prefix}-{:016x}", h.finish()))
}

/// Close matches of `name` among `columns`, for error messages.
fn close_matches(name: &str, columns: &[&str]) -> Vec<String> {
    let lower = name.to_lowercase();
    columns
        .iter()
        .filter(|c| {
            let c = c.to_lowercase();
            c.contains(&lower) || lower.contains(&c) || edit_distance(&c, &lower) <= 2
        })
        .map(|c| c.to_string())
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

impl FrameExpr {
    /// The names of the columns, in order.
    pub fn columns(&self) -> Vec<&str> {
        self.schema.iter_names().map(|n| n.as_str()).collect()
    }

    /// The dtype of `column`, or a `MissingColumn` error listing close matches.
    pub fn dtype(&self, column: &str) -> FxResult<&DataType> {
        self.schema.get(column).ok_or_else(|| {
            let cols = self.columns();
            let close = close_matches(column, &cols);
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!("; did you mean {}?", close.join(" or "))
            };
            FxError::MissingColumn(format!("'{column}' not in columns {cols:?}{hint}"))
        })
    }

    /// CSV files read with `spec`; `file_schema` is the first file's.
    pub fn csv(paths: Vec<String>, spec: CsvSpec, file_schema: Schema) -> FxResult<Arc<Self>> {
        if paths.is_empty() {
            return Err(FxError::Io("no files to read".into()));
        }
        let schema = Arc::new(file_schema);
        let cols: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        Ok(Arc::new(FrameExpr {
            name: name("read-csv", (&paths, &spec, &cols)),
            npartitions: paths.len(),
            schema: schema.clone(),
            kind: Kind::Csv {
                paths: Arc::new(paths),
                spec,
                file_schema: schema,
            },
        }))
    }

    /// The columns `columns`, in that order. On a scan, only they are read.
    pub fn project(self: &Arc<Self>, columns: &[String]) -> FxResult<Arc<Self>> {
        let mut schema = Schema::with_capacity(columns.len());
        for c in columns {
            schema.insert(c.as_str().into(), self.dtype(c)?.clone());
        }
        let schema = Arc::new(schema);
        let kind = match &self.kind {
            // Projection pushdown: the scan reads fewer columns.
            Kind::Csv {
                paths,
                spec,
                file_schema,
            } => Kind::Csv {
                paths: paths.clone(),
                spec: spec.clone(),
                file_schema: file_schema.clone(),
            },
            Kind::Project { input } => return input.project(columns),
            _ => Kind::Project {
                input: self.clone(),
            },
        };
        Ok(Arc::new(FrameExpr {
            name: name("project", (&*self.name, columns)),
            schema,
            npartitions: self.npartitions,
            kind,
        }))
    }

    /// The first `n` rows of the first partition, as one partition.
    pub fn head(self: &Arc<Self>, n: usize) -> Arc<Self> {
        Arc::new(FrameExpr {
            name: name("head", (&*self.name, n)),
            schema: self.schema.clone(),
            npartitions: 1,
            kind: Kind::Head {
                input: self.clone(),
                n,
            },
        })
    }

    /// `groupby(keys).agg(...)`: one partition, sorted by the keys, rows with
    /// a missing key dropped (pandas' `dropna=True`).
    pub fn groupby(
        self: &Arc<Self>,
        keys: Vec<String>,
        aggs: Vec<AggSpec>,
        split_every: usize,
    ) -> FxResult<Arc<Self>> {
        if keys.is_empty() {
            return Err(FxError::InvalidArgument("no group keys given".into()));
        }
        let mut schema = Schema::with_capacity(keys.len() + aggs.len());
        for k in &keys {
            schema.insert(k.as_str().into(), self.dtype(k)?.clone());
        }
        for a in &aggs {
            let dtype = self.dtype(&a.column)?;
            let out = a.op.output_dtype(dtype)?;
            schema.insert(a.output.as_str().into(), out);
        }
        let ops: Vec<(&str, &str, &str)> = aggs
            .iter()
            .map(|a| (a.column.as_str(), a.op.name(), a.output.as_str()))
            .collect();
        Ok(Arc::new(FrameExpr {
            name: name("groupby-agg", (&*self.name, &keys, &ops, split_every)),
            schema: Arc::new(schema),
            npartitions: 1,
            kind: Kind::GroupBy {
                input: self.clone(),
                keys,
                aggs,
                split_every: split_every.max(2),
            },
        }))
    }
}

impl AggOp {
    /// The dtype pandas gives this aggregation of a `dtype` column.
    pub fn output_dtype(self, dtype: &DataType) -> FxResult<DataType> {
        let numeric = dtype.is_primitive_numeric() || dtype.is_bool();
        Ok(match self {
            AggOp::Count | AggOp::Size => DataType::Int64,
            AggOp::Mean if numeric => DataType::Float64,
            AggOp::Sum if dtype.is_bool() => DataType::Int64,
            AggOp::Sum | AggOp::Min | AggOp::Max if numeric => dtype.clone(),
            AggOp::Min | AggOp::Max if dtype.is_string() => dtype.clone(),
            _ => {
                return Err(FxError::DType(format!(
                    "agg function failed [how->{}, dtype->{}]",
                    self.name(),
                    pandas_dtype_name(dtype)
                )))
            }
        })
    }
}

/// pandas' name of a dtype, for messages.
pub fn pandas_dtype_name(dtype: &DataType) -> String {
    match dtype {
        DataType::String => "str".into(),
        DataType::Float64 => "float64".into(),
        DataType::Int64 => "int64".into(),
        DataType::Boolean => "bool".into(),
        other => other.to_string(),
    }
}
