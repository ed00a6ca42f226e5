//! Sources of partitions: files (CSV, Parquet, JSON lines), frames already
//! in memory (`from_pandas`), and tasks computed elsewhere (`from_delayed`,
//! `map_partitions`).
//!
//! A [`Source`] is asked for one partition at a time with the columns the
//! query needs (projection pushdown), an optional predicate it may use to
//! skip data (predicate pushdown: Parquet row groups) and an optional row
//! limit (`head`). Whatever it does with them, the partition it returns has
//! exactly the requested columns, in order, and only rows that satisfy the
//! predicate if it took it.

use std::sync::Arc;

use polars_core::prelude::*;

use super::colexpr::ColExpr;
use crate::error::FxResult;
use crate::graph::Node;
use crate::value::Value;

/// What a scan is asked for.
pub struct ReadSpec<'a> {
    /// The columns to return, in order (index columns included).
    pub columns: &'a [PlSmallStr],
    /// Rows the query keeps (already applied by the caller if the source
    /// does not take it; a source that evaluates it says so in
    /// [`Source::takes_predicate`]).
    pub predicate: Option<&'a ColExpr>,
    /// At most this many rows.
    pub n_rows: Option<usize>,
}

/// A partitioned source of rows.
pub trait Source: Send + Sync {
    /// A short name for task keys (`"read-csv"`).
    fn label(&self) -> &str;
    /// A token that changes when anything that changes the data does.
    fn token(&self) -> u64;
    /// Number of partitions.
    fn npartitions(&self) -> usize;
    /// Every column the source can produce, index columns first.
    fn schema(&self) -> Arc<Schema>;
    /// Number of index columns at the front of [`Source::schema`].
    fn nindex(&self) -> usize {
        0
    }
    /// The pandas names of the index levels (one per index column).
    fn index_names(&self) -> Vec<Option<String>> {
        vec![None; self.nindex()]
    }
    /// Tasks whose values partition `i` reads (e.g. Python-made frames).
    fn deps(&self, _i: usize) -> Vec<Arc<Node>> {
        Vec::new()
    }
    /// Whether [`Source::read`] filters rows by the predicate itself.
    fn takes_predicate(&self) -> bool {
        false
    }
    /// The same source keeping only the rows where `predicate` holds,
    /// filtered inside the scan (pyarrow-style `filters=`), if it can.
    fn with_filter(&self, _predicate: ColExpr) -> Option<Arc<dyn Source>> {
        None
    }
    /// Produce partition `i`; `inputs` are the values of [`Source::deps`].
    fn read(&self, i: usize, spec: &ReadSpec<'_>, inputs: &[Value]) -> FxResult<DataFrame>;
    /// The number of rows of partition `i` without reading its values, if
    /// the source can tell cheaply.
    fn count_rows(&self, _i: usize) -> Option<FxResult<usize>> {
        None
    }
    /// The number of rows of every partition, if known without reading.
    fn known_lengths(&self) -> Option<Vec<usize>> {
        None
    }
}

/// Partitions already in memory (`from_pandas`, `from_dict`, persisted
/// frames).
pub struct InMemory {
    /// The partitions, index columns first.
    pub parts: Vec<Arc<DataFrame>>,
    /// Their schema.
    pub schema: Arc<Schema>,
    /// Number of index columns.
    pub nindex: usize,
    /// pandas names of the index levels.
    pub index_names: Vec<Option<String>>,
    /// A token for the data.
    pub token: u64,
}

impl Source for InMemory {
    fn label(&self) -> &str {
        "from-pandas"
    }
    fn token(&self) -> u64 {
        self.token
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
    fn read(&self, i: usize, spec: &ReadSpec<'_>, _inputs: &[Value]) -> FxResult<DataFrame> {
        let df = &self.parts[i];
        let df = match spec.n_rows {
            Some(n) => df.head(Some(n)),
            None => (**df).clone(),
        };
        Ok(df.select(spec.columns.iter().cloned())?)
    }
    fn count_rows(&self, i: usize) -> Option<FxResult<usize>> {
        Some(Ok(self.parts[i].height()))
    }
    fn known_lengths(&self) -> Option<Vec<usize>> {
        Some(self.parts.iter().map(|p| p.height()).collect())
    }
}

/// Partitions computed by other tasks (Python calls returning frames).
pub struct FromTasks {
    /// One node per partition; each computes a frame with `schema`.
    pub nodes: Vec<Arc<Node>>,
    /// The frames' schema, index columns first.
    pub schema: Arc<Schema>,
    /// Number of index columns.
    pub nindex: usize,
    /// pandas names of the index levels.
    pub index_names: Vec<Option<String>>,
    /// A token for the tasks.
    pub token: u64,
}

impl Source for FromTasks {
    fn label(&self) -> &str {
        "from-delayed"
    }
    fn token(&self) -> u64 {
        self.token
    }
    fn npartitions(&self) -> usize {
        self.nodes.len()
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
    fn deps(&self, i: usize) -> Vec<Arc<Node>> {
        vec![self.nodes[i].clone()]
    }
    fn read(&self, _i: usize, spec: &ReadSpec<'_>, inputs: &[Value]) -> FxResult<DataFrame> {
        let df = super::kernels::frame_input(inputs, 0)?;
        let df = match spec.n_rows {
            Some(n) => df.head(Some(n)),
            None => (*df).clone(),
        };
        super::kernels::conform(&df, &self.schema, spec.columns)
    }
}
