//! Partitioned data frames: the expressions and kernels behind
//! `ferrox.dataframe`. Partitions are polars `DataFrame`s.
//!
//! - [`expr`]: frame expressions, validated (columns, dtypes) when built,
//!   with projection pushdown into the CSV scan.
//! - [`groupby`]: group-by aggregations as chunk → combine → aggregate.
//! - [`kernels`]: the task kernels (scan a file, group-by steps).
//! - [`lower`]: expressions to tasks.
//! - [`export`]: partitions to Arrow (`arrow-rs`), for pyarrow and pandas.

pub mod export;
pub mod expr;
pub mod groupby;
pub mod kernels;
pub mod lower;

use polars_core::error::PolarsError;

use crate::error::FxError;

impl From<PolarsError> for FxError {
    fn from(err: PolarsError) -> FxError {
        match err {
            PolarsError::ColumnNotFound(msg) => FxError::MissingColumn(msg.to_string()),
            PolarsError::IO { error, msg } => FxError::Io(match msg {
                Some(m) => format!("{error}: {m}"),
                None => error.to_string(),
            }),
            PolarsError::SchemaMismatch(msg) | PolarsError::InvalidOperation(msg) => {
                FxError::DType(msg.to_string())
            }
            other => FxError::InvalidArgument(other.to_string()),
        }
    }
}
