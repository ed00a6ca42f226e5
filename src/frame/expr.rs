//! Frame expressions: one node per user-level operation.
//!
//! A [`FrameExpr`] knows its partition schema when it is built — index
//! columns first (`__index_level_0__`, …), then the data columns — so an
//! unknown column or a type error fails here, before anything runs.
//!
//! Row-wise steps normalize as they are built, so that every frame is
//! `Select` over a *row source* (a scan, a filter of one, a group-by result,
//! …): a select of a select is one select, a filter of a select is a select
//! of a filter, a filter of a filter is one filter. Two series over the same
//! row source combine into one select (`df.a + df.b`, `df[df.x > 0]`,
//! `df.assign(y=df.x * 2)`), which lowers to one task per partition.
//!
//! A frame without index columns has pandas' default index: the position of
//! each row in the whole frame. It is materialized (a `RowIndex` step) only
//! where rows are dropped or reordered, from the lengths of the partitions
//! before it.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use polars_core::prelude::*;

use super::colexpr::{ColExpr, UnOp};
use super::groupby::{AggOp, AggSpec};
use super::source::Source;
use crate::error::{FxError, FxResult};

/// The name of the `i`-th index column inside a partition.
pub fn index_column(i: usize) -> PlSmallStr {
    format!("__index_level_{i}__").into()
}

/// The name of the hidden position column ([`FrameExpr::with_position`]).
pub const POSITION: &str = "__position__";

/// The name of the hidden first-position aggregation of `groupby(sort=False)`.
pub const ORDER: &str = "__order__";

/// Whether `name` is an index column's.
pub fn is_index_column(name: &str) -> bool {
    name.starts_with("__index_level_")
}

/// A frame as (row source, data columns as expressions over it, scalar
/// inputs of those expressions).
pub type Split = (
    Arc<FrameExpr>,
    Vec<(PlSmallStr, ColExpr)>,
    Vec<Arc<FrameExpr>>,
);

/// A lazily defined partitioned frame.
pub struct FrameExpr {
    /// Name of the tasks that produce its partitions (a content hash).
    pub name: Arc<str>,
    /// Columns and dtypes of a partition: index columns first.
    pub schema: Arc<Schema>,
    /// Number of index columns at the front of `schema` (0: default index).
    pub nindex: usize,
    /// The pandas names of the index levels.
    pub index_names: Vec<Option<String>>,
    /// Number of partitions.
    pub npartitions: usize,
    /// What it is.
    pub kind: Kind,
}

/// The kinds of frame expressions.
#[allow(clippy::large_enum_variant)]
pub enum Kind {
    /// Partitions read from a source.
    Source(Arc<dyn Source>),
    /// Row-wise: the input's index columns, then `exprs` over the input's
    /// columns; `params` are scalars computed by other frames (one row each).
    Select {
        /// The row source.
        input: Arc<FrameExpr>,
        /// Output data columns.
        exprs: Vec<(PlSmallStr, ColExpr)>,
        /// Scalar inputs (`ColExpr::Param(i)` reads `params[i]`).
        params: Vec<Arc<FrameExpr>>,
    },
    /// The rows of the input where `predicate` is true.
    Filter {
        /// The input.
        input: Arc<FrameExpr>,
        /// A boolean expression over the input's columns.
        predicate: ColExpr,
        /// Scalar inputs of the predicate.
        params: Vec<Arc<FrameExpr>>,
    },
    /// The input with each row's position in the whole frame as column
    /// `column`: index column 0 (materializing a default index), or the
    /// data column [`POSITION`] appended last.
    RowIndex {
        /// The input.
        input: Arc<FrameExpr>,
        /// The new column's name.
        column: PlSmallStr,
    },
    /// The first `n` rows of the first partition (`head`).
    Head {
        /// The input.
        input: Arc<FrameExpr>,
        /// How many rows.
        n: usize,
    },
    /// A multi-partition operation with its own lowering (sorts, shuffles,
    /// joins, …), defined in its own module.
    Op(Arc<dyn FrameOp>),
    /// Group-by aggregations (a reduction without keys): one partition,
    /// sorted by the keys.
    GroupBy {
        /// The input.
        input: Arc<FrameExpr>,
        /// Key columns (none: one row for the whole frame).
        keys: Vec<String>,
        /// Aggregations.
        aggs: Vec<AggSpec>,
        /// Fan-in of the combine tree.
        split_every: usize,
        /// Rows with a missing key are dropped (else they form a group).
        dropna: bool,
        /// Number of output partitions (by the hash of the keys).
        split_out: usize,
    },
}

/// An operation that is not row-wise: it lowers its partitions itself.
///
/// Each implementation lives in its own module (`sort.rs`, `join.rs`, …)
/// and is built through [`FrameExpr::op`], which fixes its schema and
/// partition count.
pub trait FrameOp: Send + Sync {
    /// A short name for task keys (`"sort"`).
    fn label(&self) -> &str;
    /// A hash of the operation's own parameters (not its inputs').
    fn token(&self) -> u64;
    /// The frames it reads.
    fn inputs(&self) -> Vec<Arc<FrameExpr>>;
    /// The node producing partition `i` of `e` (whose kind is this op),
    /// every column.
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<crate::graph::Node>;
    /// A node computing the divisions of the result's index (a one-column
    /// frame `[min, b1, …, max]`), if the operation knows them.
    fn divisions(&self, _e: &Arc<FrameExpr>) -> Option<Arc<crate::graph::Node>> {
        None
    }
    /// The node producing partition `i` of `e` with only `columns` (index
    /// columns included), if the operation can compute fewer columns for
    /// less (projection pushdown through joins); `None`: every column is
    /// computed and the rest dropped.
    fn lower_columns(
        &self,
        _e: &Arc<FrameExpr>,
        _i: usize,
        _columns: &[PlSmallStr],
    ) -> Option<Arc<crate::graph::Node>> {
        None
    }
    /// Whether the result is one row of whole-frame reductions (usable as
    /// a scalar operand, like a group-by without keys).
    fn one_row(&self) -> bool {
        false
    }
    /// A one-line description for `explain()`.
    fn describe(&self) -> String {
        self.label().to_string()
    }
}

/// The hash of anything hashable (task-name tokens).
pub fn token_of(parts: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

fn hash_name(prefix: &str, parts: impl Hash) -> Arc<str> {
    let mut h = DefaultHasher::new();
    prefix.hash(&mut h);
    parts.hash(&mut h);
    Arc::from(format!("{prefix}-{:016x}", h.finish()))
}

fn names(params: &[Arc<FrameExpr>]) -> Vec<&str> {
    params.iter().map(|p| &*p.name).collect()
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
    fn new(
        name: Arc<str>,
        schema: Schema,
        nindex: usize,
        index_names: Vec<Option<String>>,
        npartitions: usize,
        kind: Kind,
    ) -> Arc<FrameExpr> {
        Arc::new(FrameExpr {
            name,
            schema: Arc::new(schema),
            nindex,
            index_names,
            npartitions,
            kind,
        })
    }

    /// The names of the data columns, in order.
    pub fn columns(&self) -> Vec<&str> {
        self.schema
            .iter_names()
            .skip(self.nindex)
            .map(|n| n.as_str())
            .collect()
    }

    /// The index columns' names inside a partition.
    pub fn index_columns(&self) -> Vec<PlSmallStr> {
        self.schema
            .iter_names()
            .take(self.nindex)
            .cloned()
            .collect()
    }

    /// The dtypes of the data columns, in order.
    pub fn dtypes(&self) -> Vec<&DataType> {
        self.schema.iter_values().skip(self.nindex).collect()
    }

    /// The dtype of data column `column`, or a `MissingColumn` error listing
    /// close matches.
    pub fn dtype(&self, column: &str) -> FxResult<&DataType> {
        match self.schema.get(column) {
            Some(d) if !is_index_column(column) => Ok(d),
            _ => {
                let cols = self.columns();
                let close = close_matches(column, &cols);
                let hint = if close.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", close.join(" or "))
                };
                Err(FxError::MissingColumn(format!(
                    "'{column}' not in columns {cols:?}{hint}"
                )))
            }
        }
    }

    /// A frame read from `source`.
    pub fn source(source: Arc<dyn Source>) -> Arc<FrameExpr> {
        let schema = source.schema();
        let label = source.label().to_string();
        FrameExpr::new(
            hash_name(&label, source.token()),
            (*schema).clone(),
            source.nindex(),
            source.index_names(),
            source.npartitions(),
            Kind::Source(source),
        )
    }

    /// The row source and the data columns as expressions over it.
    pub fn split(self: &Arc<Self>) -> Split {
        match &self.kind {
            Kind::Select {
                input,
                exprs,
                params,
            } => (input.clone(), exprs.clone(), params.clone()),
            _ => (
                self.clone(),
                self.schema
                    .iter_names()
                    .skip(self.nindex)
                    .map(|n| (n.clone(), ColExpr::Col(n.clone())))
                    .collect(),
                Vec::new(),
            ),
        }
    }

    /// `exprs` over the columns of this frame (the frame's index kept): a
    /// select, folded into this frame's own select if it has one. `params`
    /// are the scalar inputs the expressions read.
    pub fn select(
        self: &Arc<Self>,
        exprs: Vec<(PlSmallStr, ColExpr)>,
        params: Vec<Arc<FrameExpr>>,
    ) -> FxResult<Arc<FrameExpr>> {
        let mut seen = PlHashSet::new();
        for (n, _) in &exprs {
            if !seen.insert(n.clone()) {
                return Err(FxError::InvalidArgument(format!("duplicate column '{n}'")));
            }
            if is_index_column(n) {
                return Err(FxError::InvalidArgument(format!(
                    "'{n}' is reserved for index columns"
                )));
            }
        }
        for (_, e) in &exprs {
            let mut cols = Vec::new();
            e.columns(&mut cols);
            for c in cols {
                self.dtype(&c)?;
            }
        }
        let (input, inner, mut all_params) = self.split();
        let base = all_params.len();
        all_params.extend(params);
        let folded: Vec<(PlSmallStr, ColExpr)> = exprs
            .into_iter()
            .map(|(n, e)| {
                let e = e
                    .map_params(&|i| i + base)
                    .substitute(&|c| inner.iter().find(|(n, _)| n == c).map(|(_, e)| e.clone()));
                (n, e)
            })
            .collect();
        Self::select_on(&input, folded, all_params, &self.index_names)
    }

    /// `exprs` over `input`'s rows; the index levels are named
    /// `index_names` (the frame's selected from: the names of a
    /// [`FrameExpr::with_index_names`] below it survive).
    fn select_on(
        input: &Arc<FrameExpr>,
        exprs: Vec<(PlSmallStr, ColExpr)>,
        params: Vec<Arc<FrameExpr>>,
        index_names: &[Option<String>],
    ) -> FxResult<Arc<FrameExpr>> {
        // The identity select is the input itself.
        let identity = exprs.len() + input.nindex == input.schema.len()
            && params.is_empty()
            && input.index_names == index_names
            && exprs
                .iter()
                .zip(input.schema.iter_names().skip(input.nindex))
                .all(|((n, e), c)| n == c && matches!(e, ColExpr::Col(x) if x == c));
        if identity {
            return Ok(input.clone());
        }
        let mut schema = Schema::with_capacity(input.nindex + exprs.len());
        for (n, d) in input.schema.iter().take(input.nindex) {
            schema.insert(n.clone(), d.clone());
        }
        for (n, e) in &exprs {
            schema.insert(n.clone(), e.dtype(&input.schema)?);
        }
        let token = hash_name(
            "select",
            (&*input.name, &exprs, names(&params), index_names),
        );
        Ok(FrameExpr::new(
            token,
            schema,
            input.nindex,
            index_names.to_vec(),
            input.npartitions,
            Kind::Select {
                input: input.clone(),
                exprs,
                params,
            },
        ))
    }

    /// The same partitions with the index levels named `names`: only how
    /// they convert to pandas changes.
    pub fn with_index_names(
        self: &Arc<Self>,
        names: Vec<Option<String>>,
    ) -> FxResult<Arc<FrameExpr>> {
        if names.len() != self.nindex {
            return Err(FxError::InvalidArgument(format!(
                "expected {} index names, got {}",
                self.nindex,
                names.len()
            )));
        }
        let exprs = self
            .columns()
            .into_iter()
            .map(|c| (PlSmallStr::from(c), ColExpr::col(c)))
            .collect();
        Ok(FrameExpr::new(
            hash_name("index-names", (&*self.name, &names)),
            (*self.schema).clone(),
            self.nindex,
            names,
            self.npartitions,
            Kind::Select {
                input: self.clone(),
                exprs,
                params: Vec::new(),
            },
        ))
    }

    /// The data columns `columns`, in that order.
    pub fn project(self: &Arc<Self>, columns: &[String]) -> FxResult<Arc<FrameExpr>> {
        let exprs = columns
            .iter()
            .map(|c| {
                self.dtype(c)?;
                Ok((PlSmallStr::from(c.as_str()), ColExpr::col(c)))
            })
            .collect::<FxResult<Vec<_>>>()?;
        self.select(exprs, Vec::new())
    }

    /// Whether `self` and `other` have the same rows (the same row source),
    /// so their columns can be combined row by row.
    pub fn same_rows(&self, other: &FrameExpr) -> bool {
        let a = match &self.kind {
            Kind::Select { input, .. } => &input.name,
            _ => &self.name,
        };
        let b = match &other.kind {
            Kind::Select { input, .. } => &input.name,
            _ => &other.name,
        };
        a == b
    }

    /// The columns of several frames over the same rows, side by side:
    /// `parts` gives, per output column, the frame and its expression over
    /// that frame's columns.
    pub fn combine(parts: &[(Arc<FrameExpr>, PlSmallStr, ColExpr)]) -> FxResult<Arc<FrameExpr>> {
        let first = &parts
            .first()
            .ok_or_else(|| FxError::InvalidArgument("no columns to combine".into()))?
            .0;
        if parts.iter().any(|(f, _, _)| !f.same_rows(first)) {
            return Self::combine_aligned(parts);
        }
        let (input, _, _) = first.split();
        let mut exprs = Vec::with_capacity(parts.len());
        let mut params: Vec<Arc<FrameExpr>> = Vec::new();
        for (frame, name, e) in parts {
            let (_, inner, own) = frame.split();
            let base = params.len();
            params.extend(own);
            // `e` reads the frame's columns; their expressions read the
            // frame's own scalar inputs, which now start at `base`.
            let e = e.substitute(&|c| {
                inner
                    .iter()
                    .find(|(n, _)| n == c)
                    .map(|(_, e)| e.map_params(&|i| i + base))
            });
            exprs.push((name.clone(), e));
        }
        let mut seen = PlHashSet::new();
        for (n, _) in &exprs {
            if !seen.insert(n.clone()) {
                return Err(FxError::InvalidArgument(format!("duplicate column '{n}'")));
            }
        }
        Self::select_on(&input, exprs, params, &first.index_names)
    }

    /// [`FrameExpr::combine`] of frames over different row sources cut into
    /// the same number of partitions (a `transform` and its frame, a
    /// series of a persisted copy): partition `i` of each, side by side, as
    /// Dask does with aligned partitions; the index values are checked to
    /// agree when the tasks run.
    fn combine_aligned(
        parts: &[(Arc<FrameExpr>, PlSmallStr, ColExpr)],
    ) -> FxResult<Arc<FrameExpr>> {
        let mut frames: Vec<Arc<FrameExpr>> = Vec::new();
        let position =
            |frames: &[Arc<FrameExpr>], f: &FrameExpr| frames.iter().position(|g| g.name == f.name);
        for (f, _, _) in parts {
            if position(&frames, f).is_none() {
                frames.push(f.clone());
            }
        }
        if frames
            .iter()
            .any(|f| f.npartitions != frames[0].npartitions)
        {
            return Err(not_aligned());
        }
        let rename = |k: usize, c: &str| format!("__c{k}_{c}");
        let names: Vec<Vec<String>> = frames
            .iter()
            .enumerate()
            .map(|(k, f)| f.columns().iter().map(|c| rename(k, c)).collect())
            .collect();
        let zipped = super::concat::concat_columns(&frames, &names)?;
        let parts: Vec<(Arc<FrameExpr>, PlSmallStr, ColExpr)> = parts
            .iter()
            .map(|(f, n, e)| {
                let k = position(&frames, f).expect("every frame was collected");
                let e = e.substitute(&|c| Some(ColExpr::Col(rename(k, c).into())));
                (zipped.clone(), n.clone(), e)
            })
            .collect();
        Self::combine(&parts)
    }

    /// The rows where `mask` (a one-column boolean frame over the same rows)
    /// is true.
    pub fn filter(self: &Arc<Self>, mask: &Arc<FrameExpr>) -> FxResult<Arc<FrameExpr>> {
        if !self.same_rows(mask) {
            return Err(not_aligned());
        }
        let (_, mask_exprs, mask_params) = mask.split();
        let [(_, predicate)] = <[_; 1]>::try_from(mask_exprs).map_err(|_| {
            FxError::InvalidArgument("a boolean mask must have exactly one column".into())
        })?;
        let (input, exprs, params) = self.split();
        let pdtype = predicate.dtype(&input.schema)?;
        if !pdtype.is_bool() {
            return Err(FxError::DType(format!(
                "a boolean mask is needed to filter rows, got dtype {}",
                pandas_dtype_name(&pdtype)
            )));
        }
        // Rows are dropped: a default index must be materialized first.
        let (input, predicate, mask_params) = if input.nindex == 0 {
            let with_index = input.row_index();
            (with_index, predicate, mask_params)
        } else {
            (input, predicate, mask_params)
        };
        let filtered = input.filter_on(predicate, mask_params);
        // The data columns come back as they were, over the filtered rows.
        // A default index was materialized: its one level is unnamed.
        let names = if filtered.nindex == self.nindex {
            self.index_names.clone()
        } else {
            filtered.index_names.clone()
        };
        Self::select_on(&filtered, exprs, params, &names)
    }

    fn filter_on(
        self: &Arc<Self>,
        predicate: ColExpr,
        params: Vec<Arc<FrameExpr>>,
    ) -> Arc<FrameExpr> {
        // A filter of a filter is one filter.
        if let Kind::Filter {
            input,
            predicate: first,
            params: first_params,
        } = &self.kind
        {
            let base = first_params.len();
            let mut all = first_params.clone();
            all.extend(params);
            let both = ColExpr::Binary(
                super::colexpr::BinOp::And,
                Box::new(first.clone()),
                Box::new(predicate.map_params(&|i| i + base)),
            );
            return input.filter_on(both, all);
        }
        let token = hash_name("filter", (&*self.name, &predicate, names(&params)));
        FrameExpr::new(
            token,
            (*self.schema).clone(),
            self.nindex,
            self.index_names.clone(),
            self.npartitions,
            Kind::Filter {
                input: self.clone(),
                predicate,
                params,
            },
        )
    }

    /// The frame with its default index as index column 0 (a no-op if it
    /// has index columns).
    pub fn row_index(self: &Arc<Self>) -> Arc<FrameExpr> {
        if self.nindex > 0 {
            return self.clone();
        }
        let mut schema = Schema::with_capacity(self.schema.len() + 1);
        schema.insert(index_column(0), DataType::Int64);
        for (n, d) in self.schema.iter() {
            schema.insert(n.clone(), d.clone());
        }
        FrameExpr::new(
            hash_name("row-index", &*self.name),
            schema,
            1,
            vec![None],
            self.npartitions,
            Kind::RowIndex {
                input: self.clone(),
                column: index_column(0),
            },
        )
    }

    /// The frame with each row's position in the whole frame appended as
    /// the data column [`POSITION`].
    pub fn with_position(self: &Arc<Self>) -> Arc<FrameExpr> {
        let mut schema = (*self.schema).clone();
        schema.insert(POSITION.into(), DataType::Int64);
        FrameExpr::new(
            hash_name("position", &*self.name),
            schema,
            self.nindex,
            self.index_names.clone(),
            self.npartitions,
            Kind::RowIndex {
                input: self.clone(),
                column: POSITION.into(),
            },
        )
    }

    /// A frame computed by `op`, with the given partition schema (index
    /// columns first) and partition count.
    pub fn op(
        op: Arc<dyn FrameOp>,
        schema: Schema,
        nindex: usize,
        index_names: Vec<Option<String>>,
        npartitions: usize,
    ) -> Arc<FrameExpr> {
        let inputs: Vec<String> = op.inputs().iter().map(|e| e.name.to_string()).collect();
        let label = op.label().to_string();
        FrameExpr::new(
            hash_name(&label, (op.token(), inputs)),
            schema,
            nindex,
            index_names,
            npartitions,
            Kind::Op(op),
        )
    }

    /// The first `n` rows of the first partition, as one partition.
    pub fn head(self: &Arc<Self>, n: usize) -> Arc<FrameExpr> {
        FrameExpr::new(
            hash_name("head", (&*self.name, n)),
            (*self.schema).clone(),
            self.nindex,
            self.index_names.clone(),
            1,
            Kind::Head {
                input: self.clone(),
                n,
            },
        )
    }

    /// `groupby(keys).agg(...)`: `split_out` partitions by the hash of the
    /// keys (one by default), each sorted by the keys (`sort`) or in the
    /// order the groups first appear; rows with a missing key dropped
    /// (`dropna`) or grouped, sorted last. Without keys, one row of
    /// whole-frame reductions. The keys become the index.
    #[allow(clippy::too_many_arguments)]
    pub fn groupby(
        self: &Arc<Self>,
        keys: Vec<String>,
        aggs: Vec<AggSpec>,
        split_every: usize,
        sort: bool,
        dropna: bool,
        split_out: usize,
    ) -> FxResult<Arc<FrameExpr>> {
        let split_out = if keys.is_empty() { 1 } else { split_out.max(1) };
        let mut schema = Schema::with_capacity(keys.len() + aggs.len());
        for (i, k) in keys.iter().enumerate() {
            schema.insert(index_column(i), self.dtype(k)?.clone());
        }
        for a in &aggs {
            let dtype = self.dtype(&a.column)?;
            let out = a.op.output_dtype(dtype)?;
            if schema.contains(a.output.as_str()) {
                return Err(FxError::InvalidArgument(format!(
                    "duplicate column '{}'",
                    a.output
                )));
            }
            schema.insert(a.output.as_str().into(), out);
        }
        let (input, aggs) = if sort || keys.is_empty() {
            (self.clone(), aggs)
        } else {
            // First appearance: the smallest position of each group.
            let mut aggs = aggs;
            aggs.push(AggSpec {
                column: POSITION.into(),
                op: AggOp::Min,
                output: ORDER.into(),
                ddof: 1,
                q: 0.0,
            });
            (self.with_position(), aggs)
        };
        let ops: Vec<(&str, String, &str, u8)> = aggs
            .iter()
            .map(|a| {
                (
                    a.column.as_str(),
                    format!("{:?}", a.op),
                    a.output.as_str(),
                    a.ddof,
                )
            })
            .collect();
        Ok(FrameExpr::new(
            hash_name(
                "groupby-agg",
                (
                    &*self.name,
                    &keys,
                    &ops,
                    split_every,
                    sort,
                    dropna,
                    split_out,
                ),
            ),
            schema,
            keys.len(),
            keys.iter().map(|k| Some(k.clone())).collect(),
            split_out,
            Kind::GroupBy {
                input,
                keys,
                aggs,
                split_every: split_every.max(2),
                dropna,
                split_out,
            },
        ))
    }

    /// A one-column frame computing `op` of every row of column `column`.
    pub fn unary(self: &Arc<Self>, column: &str, op: UnOp) -> FxResult<Arc<FrameExpr>> {
        let e = ColExpr::Unary(op, Box::new(ColExpr::col(column)));
        self.select(vec![(column.into(), e)], Vec::new())
    }
}

fn not_aligned() -> FxError {
    FxError::InvalidArgument(
        "the operands do not have the same rows (they come from different frames or \
         differently filtered ones, cut into different partitions); combining them would \
         need aligning on the index, which is not supported yet"
            .into(),
    )
}

impl AggOp {
    /// The dtype pandas gives this aggregation of a `dtype` column.
    pub fn output_dtype(self, dtype: &DataType) -> FxResult<DataType> {
        let numeric = dtype.is_primitive_numeric() || dtype.is_bool();
        Ok(match self {
            AggOp::Count | AggOp::Size | AggOp::NUnique => DataType::Int64,
            AggOp::Mean | AggOp::Std | AggOp::Var | AggOp::Median | AggOp::Quantile if numeric => {
                DataType::Float64
            }
            AggOp::Sum if dtype.is_string() => DataType::String,
            AggOp::Sum | AggOp::Prod if dtype.is_bool() => DataType::Int64,
            AggOp::Sum | AggOp::Prod if dtype.is_integer() => DataType::Int64,
            AggOp::Sum | AggOp::Prod | AggOp::Min | AggOp::Max if numeric => dtype.clone(),
            AggOp::Min | AggOp::Max | AggOp::First | AggOp::Last => dtype.clone(),
            AggOp::Any | AggOp::All => DataType::Boolean,
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
        DataType::Float32 => "float32".into(),
        DataType::Int64 => "int64".into(),
        DataType::Int32 => "int32".into(),
        DataType::UInt8 => "uint8".into(),
        DataType::Boolean => "bool".into(),
        DataType::Datetime(_, _) => "datetime64[us]".into(),
        other => other.to_string(),
    }
}
