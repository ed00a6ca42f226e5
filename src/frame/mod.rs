//! Partitioned data frames: the expressions and kernels behind
//! `ferrox.dataframe`. Partitions are polars `DataFrame`s, index columns
//! first.
//!
//! - [`expr`]: frame expressions, validated (columns, dtypes) when built and
//!   normalized so row-wise steps over the same rows fuse.
//! - [`colexpr`]: column expressions (arithmetic, comparisons, `fillna`,
//!   `isin`, …) with pandas' semantics; [`strings`] and [`temporal`] hold
//!   the `.str` and `.dt` methods.
//! - [`source`]: where partitions come from; [`io`] the file formats.
//! - [`groupby`]: group-by aggregations and reductions as chunk → combine →
//!   aggregate; [`group_ids`] the one-pass chunk step for one text key.
//! - [`lower`]: expressions to tasks, with projection pushdown;
//!   [`kernels`]: the task kernels.
//! - [`scan`]: cumulative reductions across partitions; [`neighbour`]:
//!   `shift` / `diff` / `ffill` / `bfill`, grouped or not; [`group_ops`]:
//!   group-wise `transform` and cumulative operations.
//! - [`reduce`]: whole-frame reductions that see missing values
//!   (`skipna=False`, `nunique(dropna=False)`); [`counts`]
//!   (`value_counts`, `mode`), [`argext`] (`idxmax`, `idxmin`),
//!   [`memory`] (`memory_usage`) and [`category`] (`astype("category")`)
//!   are tree reductions of the same shape; [`tail`] reads the last
//!   partitions only.
//! - [`export`]: partitions to and from Arrow, for pyarrow and pandas.
//! - [`shuffle`]: moving rows between partitions (split / gather);
//!   [`sort`] (global sorts, top-n), [`distinct`] (`drop_duplicates`),
//!   [`join`] (`merge`), [`concat`] (`concat`, `reset_index`,
//!   `repartition`) and [`index`] (divisions, `loc`) build on it.

pub mod argext;
pub mod category;
pub mod colexpr;
pub mod concat;
pub mod counts;
pub mod distinct;
pub mod export;
pub mod expr;
pub mod group_ids;
pub mod group_ops;
pub mod groupby;
pub mod index;
pub mod io;
pub mod join;
pub mod kernels;
pub mod lower;
pub mod memory;
pub mod neighbour;
pub mod reduce;
pub mod scan;
pub mod shuffle;
pub mod sort;
pub mod source;
pub mod strings;
pub mod tail;
pub mod temporal;

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
