//! `merge` / `join` with pandas' rules, on polars-ops' hash join.
//!
//! Each join task joins the *key columns and row numbers* of its two
//! frames with polars' hash join (missing keys match each other, as in
//! pandas), then takes the rows of both sides by those numbers and builds
//! pandas' output itself: key columns once (`on`) or from both sides
//! (`left_on` / `right_on`), overlapping names suffixed, a right-side
//! column missing where a left row found no match. Row order is pandas':
//! left order for `inner` / `left`, right order for `right`, and `outer`
//! sorts by the keys (missing keys last).
//!
//! Strategies, chosen when the expression is built:
//! - both sides one partition: one task (pandas' row order exactly);
//! - *broadcast*: one side has one partition and the join keeps the other
//!   side's rows in order (`inner` / `left` with a one-partition right
//!   side, `inner` / `right` with a one-partition left side): every
//!   partition of the big side is joined with the whole small side;
//! - otherwise a *hash shuffle*: both sides split by the hash of the keys
//!   into `max(npartitions)` pieces, piece `j` of both joined. Row order
//!   then follows the hash partitions; an `outer` join is sorted globally
//!   afterwards by [`super::sort`].

use std::sync::{Arc, OnceLock};

use polars_core::prelude::*;
use polars_ops::prelude::*;

use super::expr::{index_column, token_of, FrameExpr, FrameOp};
use super::lower::{node_with, partition};
use super::shuffle::{nan_to_null, pieces, sort_frame, stack, SplitBy, SplitKernel};
use super::sort::{key, needed};
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Node, Op};
use crate::value::Value;

/// pandas' join types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum How {
    /// Matching rows only.
    Inner,
    /// Every left row.
    Left,
    /// Every right row.
    Right,
    /// Every row of both.
    Outer,
}

impl How {
    /// From pandas' name.
    pub fn from_name(name: &str) -> FxResult<How> {
        Ok(match name {
            "inner" => How::Inner,
            "left" => How::Left,
            "right" => How::Right,
            "outer" => How::Outer,
            other => {
                return Err(FxError::InvalidArgument(format!(
                    "`how` must be 'inner', 'left', 'right' or 'outer', got '{other}'"
                )))
            }
        })
    }
}

/// Where an output column comes from.
#[derive(Clone, Debug, Hash)]
pub enum From {
    /// A left column.
    Left(PlSmallStr),
    /// A right column.
    Right(PlSmallStr),
    /// A key: the left value where the left row exists, else the right's.
    Coalesce(PlSmallStr, PlSmallStr),
}

/// What every join task computes.
#[derive(Clone, Debug, Hash)]
pub struct JoinSpec {
    how: How,
    left_on: Vec<PlSmallStr>,
    right_on: Vec<PlSmallStr>,
    key_dtypes: Vec<DataType>,
    out: Vec<(PlSmallStr, From, DataType)>,
    /// Output columns to sort by (`outer`).
    sort_by: Vec<PlSmallStr>,
}

fn key_frame(
    df: &DataFrame,
    on: &[PlSmallStr],
    dtypes: &[DataType],
    row: &str,
) -> FxResult<DataFrame> {
    let mut cols = Vec::with_capacity(on.len() + 1);
    for (i, (k, d)) in on.iter().zip(dtypes).enumerate() {
        let s = df.column(k)?.as_materialized_series().cast(d)?;
        let s = nan_to_null(&s)?;
        cols.push(s.with_name(format!("__key_{i}__").into()).into_column());
    }
    let rows: Vec<IdxSize> = (0..df.height() as IdxSize).collect();
    cols.push(IdxCa::from_vec(row.into(), rows).into_column());
    Ok(DataFrame::new(df.height(), cols)?)
}

/// Join two frames by `spec`.
pub fn join_frames(left: &DataFrame, right: &DataFrame, spec: &JoinSpec) -> FxResult<DataFrame> {
    let lk = key_frame(left, &spec.left_on, &spec.key_dtypes, "__left_row__")?;
    let rk = key_frame(right, &spec.right_on, &spec.key_dtypes, "__right_row__")?;
    let names: Vec<String> = (0..spec.left_on.len())
        .map(|i| format!("__key_{i}__"))
        .collect();
    let (how, order) = match spec.how {
        How::Inner => (JoinType::Inner, MaintainOrderJoin::LeftRight),
        How::Left => (JoinType::Left, MaintainOrderJoin::LeftRight),
        How::Right => (JoinType::Right, MaintainOrderJoin::RightLeft),
        How::Outer => (JoinType::Full, MaintainOrderJoin::LeftRight),
    };
    let mut args = JoinArgs::new(how)
        .with_coalesce(JoinCoalesce::KeepColumns)
        .with_suffix(Some("__right".into()));
    args.nulls_equal = true;
    args.maintain_order = order;
    let joined = lk.join(&rk, &names, &names, args, None)?;
    let lrow = joined
        .column("__left_row__")?
        .as_materialized_series()
        .idx()?
        .clone();
    let rrow = joined
        .column("__right_row__")?
        .as_materialized_series()
        .idx()?
        .clone();
    let lt = left.take(&lrow)?;
    let rt = right.take(&rrow)?;
    let has_left = lrow.is_not_null();
    let cols = spec
        .out
        .iter()
        .map(|(name, from, dtype)| {
            let c = match from {
                From::Left(c) => lt.column(c)?.clone(),
                From::Right(c) => rt.column(c)?.clone(),
                From::Coalesce(l, r) => {
                    let l = lt.column(l)?.as_materialized_series().cast(dtype)?;
                    let r = rt.column(r)?.as_materialized_series().cast(dtype)?;
                    l.zip_with(&has_left, &r)?.into_column()
                }
            };
            Ok(c.with_name(name.clone()))
        })
        .collect::<FxResult<Vec<_>>>()?;
    let out = DataFrame::new(joined.height(), cols)?;
    if spec.sort_by.is_empty() {
        return Ok(out);
    }
    let descending = vec![false; spec.sort_by.len()];
    sort_frame(&out, &spec.sort_by, &descending, true)
}

/// A join task: the first `nleft` inputs are left frames (or split
/// pieces, `piece`), the rest right ones.
struct JoinKernel {
    spec: Arc<JoinSpec>,
    piece: Option<usize>,
    nleft: usize,
    left_schema: Arc<Schema>,
    right_schema: Arc<Schema>,
}

impl Kernel for JoinKernel {
    fn name(&self) -> &str {
        "merge"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let (l, r) = inputs.split_at(self.nleft);
        let left = stack(&pieces(l, self.piece)?, &self.left_schema)?;
        let right = stack(&pieces(r, self.piece)?, &self.right_schema)?;
        Ok(Value::Frame(Arc::new(join_frames(
            &left, &right, &self.spec,
        )?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
enum Strategy {
    Single,
    BroadcastRight,
    BroadcastLeft,
    Shuffle,
}

/// The split tasks of both sides of a shuffle join.
type SplitNodes = (Vec<Arc<Node>>, Vec<Arc<Node>>);

/// A join of two frames.
pub struct JoinOp {
    left: Arc<FrameExpr>,
    right: Arc<FrameExpr>,
    spec: Arc<JoinSpec>,
    strategy: Strategy,
    splits: OnceLock<SplitNodes>,
    /// Split tasks of joins computing fewer columns, by column set.
    narrow_splits: parking_lot::Mutex<std::collections::HashMap<Vec<PlSmallStr>, SplitNodes>>,
}

impl JoinOp {
    /// The columns each side must provide for `spec`.
    fn columns_of(&self, spec: &JoinSpec) -> [(Vec<PlSmallStr>, Arc<Schema>); 2] {
        let mut l: Vec<PlSmallStr> = spec.left_on.clone();
        let mut r: Vec<PlSmallStr> = spec.right_on.clone();
        for (_, from, _) in &spec.out {
            match from {
                From::Left(c) => l.push(c.clone()),
                From::Right(c) => r.push(c.clone()),
                From::Coalesce(a, b) => {
                    l.push(a.clone());
                    r.push(b.clone());
                }
            }
        }
        [needed(&self.left, &l), needed(&self.right, &r)]
    }

    fn split(
        &self,
        side: &Arc<FrameExpr>,
        on: &[PlSmallStr],
        columns: &[PlSmallStr],
        name: &str,
        n: usize,
    ) -> Vec<Arc<Node>> {
        (0..side.npartitions)
            .map(|p| {
                let mut deps = Vec::new();
                let source = partition(side, p, columns, &mut deps);
                let by = SplitBy::Hash {
                    keys: on.to_vec(),
                    dtypes: self.spec.key_dtypes.clone(),
                };
                let op = SplitKernel {
                    by,
                    pieces: n,
                    source,
                };
                Node::new(key(name, p), Op::Kernel(Arc::new(op)), deps)
            })
            .collect()
    }
}

impl JoinOp {
    /// The split tasks of a shuffle join computing `spec` (none for the
    /// other strategies).
    fn splits_for(&self, e: &Arc<FrameExpr>, spec: &JoinSpec, name: &str) -> SplitNodes {
        if self.strategy != Strategy::Shuffle {
            return (Vec::new(), Vec::new());
        }
        let [(lcols, _), (rcols, _)] = self.columns_of(spec);
        let n = e.npartitions;
        (
            self.split(
                &self.left,
                &spec.left_on,
                &lcols,
                &format!("{name}-split-left"),
                n,
            ),
            self.split(
                &self.right,
                &spec.right_on,
                &rcols,
                &format!("{name}-split-right"),
                n,
            ),
        )
    }

    /// The task computing partition `i` (named `name`) of the join `spec`.
    fn lower_spec(
        &self,
        spec: &Arc<JoinSpec>,
        name: &str,
        splits: &SplitNodes,
        i: usize,
    ) -> Arc<Node> {
        let [(lcols, lschema), (rcols, rschema)] = self.columns_of(spec);
        let kernel = |piece, nleft| JoinKernel {
            spec: spec.clone(),
            piece,
            nleft,
            left_schema: lschema.clone(),
            right_schema: rschema.clone(),
        };
        let (op, deps) = match self.strategy {
            Strategy::Single => (
                kernel(None, 1),
                vec![
                    node_with(&self.left, 0, &lcols),
                    node_with(&self.right, 0, &rcols),
                ],
            ),
            Strategy::BroadcastRight => (
                kernel(None, 1),
                vec![
                    node_with(&self.left, i, &lcols),
                    node_with(&self.right, 0, &rcols),
                ],
            ),
            Strategy::BroadcastLeft => (
                kernel(None, 1),
                vec![
                    node_with(&self.left, 0, &lcols),
                    node_with(&self.right, i, &rcols),
                ],
            ),
            Strategy::Shuffle => {
                let (l, r) = splits;
                let mut deps = l.clone();
                deps.extend(r.iter().cloned());
                (kernel(Some(i), l.len()), deps)
            }
        };
        Node::new(key(name, i), Op::Kernel(Arc::new(op)), deps)
    }
}

impl FrameOp for JoinOp {
    fn label(&self) -> &str {
        "merge"
    }
    fn token(&self) -> u64 {
        token_of((&*self.spec, self.strategy))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.left.clone(), self.right.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let splits = self
            .splits
            .get_or_init(|| self.splits_for(e, &self.spec, &e.name));
        self.lower_spec(&self.spec, &e.name, splits, i)
    }
    fn lower_columns(
        &self,
        e: &Arc<FrameExpr>,
        i: usize,
        columns: &[PlSmallStr],
    ) -> Option<Arc<Node>> {
        // An outer join sorts by its keys afterwards: keep it whole.
        if !self.spec.sort_by.is_empty() {
            return None;
        }
        let out = columns
            .iter()
            .map(|c| self.spec.out.iter().find(|(n, _, _)| n == c).cloned())
            .collect::<Option<Vec<_>>>()?;
        let spec = JoinSpec {
            out,
            ..(*self.spec).clone()
        };
        let name = format!("{}-{:08x}", e.name, token_of(columns) as u32);
        let splits = if self.strategy == Strategy::Shuffle {
            let mut cache = self.narrow_splits.lock();
            cache
                .entry(columns.to_vec())
                .or_insert_with(|| self.splits_for(e, &spec, &name))
                .clone()
        } else {
            (Vec::new(), Vec::new())
        };
        Some(self.lower_spec(&Arc::new(spec), &name, &splits, i))
    }
    fn describe(&self) -> String {
        format!("merge {:?} ({:?})", self.spec.how, self.strategy)
    }
}

/// The dtype both sides' keys are compared as (pandas merges int with
/// float keys by value, refuses text with numbers).
fn key_dtype(l: &DataType, r: &DataType, name: &str) -> FxResult<DataType> {
    if l == r {
        return Ok(l.clone());
    }
    let numeric = |d: &DataType| d.is_primitive_numeric() || d.is_bool();
    if numeric(l) && numeric(r) && !l.is_bool() && !r.is_bool() {
        let st = polars_core::utils::try_get_supertype(l, r)?;
        return Ok(if l.is_float() || r.is_float() {
            DataType::Float64
        } else {
            st
        });
    }
    if l.is_temporal() && r.is_temporal() {
        return Ok(polars_core::utils::try_get_supertype(l, r)?);
    }
    Err(FxError::InvalidArgument(format!(
        "You are trying to merge on {} and {} columns for key '{name}'. If you wish to \
         proceed you should use pd.concat",
        super::expr::pandas_dtype_name(l),
        super::expr::pandas_dtype_name(r)
    )))
}

/// Which sides a join takes its keys from the index of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnIndex {
    /// Columns on both sides: the result gets a new default index.
    No,
    /// Both indexes (`join`, `left_index=right_index=True`): the result is
    /// indexed by the joined index.
    Both,
    /// `left_on` columns against the right index (`join(on=...)`,
    /// `right_index=True`): the result keeps the left index.
    Right,
}

/// `merge(left, right, how, left_on, right_on, suffixes)`, with keys
/// from the indexes as `on_index` says.
pub fn merge(
    left: &Arc<FrameExpr>,
    right: &Arc<FrameExpr>,
    how: How,
    left_on: &[String],
    right_on: &[String],
    on_index: OnIndex,
    suffixes: (&str, &str),
) -> FxResult<Arc<FrameExpr>> {
    let (left, right) = if on_index != OnIndex::No {
        (left.row_index(), right.row_index())
    } else {
        (left.clone(), right.clone())
    };
    let (lkeys, rkeys): (Vec<PlSmallStr>, Vec<PlSmallStr>) = if on_index == OnIndex::Right {
        if left_on.len() != right.nindex {
            return Err(FxError::InvalidArgument(
                "len(left_on) must equal the number of levels in the index of \"right\"".into(),
            ));
        }
        for c in left_on {
            left.dtype(c)?;
        }
        let lkeys = left_on.iter().map(|c| c.as_str().into()).collect();
        (lkeys, right.index_columns())
    } else if on_index == OnIndex::Both {
        if left.nindex != right.nindex {
            return Err(FxError::InvalidArgument(
                "cannot join on indexes with different numbers of levels".into(),
            ));
        }
        (left.index_columns(), right.index_columns())
    } else {
        if left_on.len() != right_on.len() {
            return Err(FxError::InvalidArgument(
                "len(right_on) must equal len(left_on)".into(),
            ));
        }
        if left_on.is_empty() {
            return Err(FxError::InvalidArgument(
                "No common columns to perform merge on.".into(),
            ));
        }
        for c in left_on {
            left.dtype(c)?;
        }
        for c in right_on {
            right.dtype(c)?;
        }
        (
            left_on.iter().map(|c| c.as_str().into()).collect(),
            right_on.iter().map(|c| c.as_str().into()).collect(),
        )
    };
    let key_dtypes = lkeys
        .iter()
        .zip(&rkeys)
        .map(|(l, r)| {
            key_dtype(
                left.schema.get(l).expect("key"),
                right.schema.get(r).expect("key"),
                l,
            )
        })
        .collect::<FxResult<Vec<_>>>()?;
    // Keys with the same name on both sides appear once.
    let shared: Vec<(PlSmallStr, PlSmallStr)> = if on_index == OnIndex::Both {
        Vec::new()
    } else {
        lkeys
            .iter()
            .zip(&rkeys)
            .filter(|(l, r)| l == r || on_index == OnIndex::Right)
            .map(|(l, r)| (l.clone(), r.clone()))
            .collect()
    };
    let lcols: Vec<PlSmallStr> = left
        .schema
        .iter_names()
        .skip(left.nindex)
        .cloned()
        .collect();
    let rcols: Vec<PlSmallStr> = right
        .schema
        .iter_names()
        .skip(right.nindex)
        .filter(|c| !shared.iter().any(|(_, r)| r == *c))
        .cloned()
        .collect();
    // A key column shown once keeps the dtype of the side its values come
    // from (pandas: the left's for inner / left joins).
    let shown = |i: usize| -> DataType {
        let side = match how {
            How::Inner | How::Left => left.schema.get(&lkeys[i]),
            How::Right => right.schema.get(&rkeys[i]),
            How::Outer => None,
        };
        side.cloned().unwrap_or_else(|| key_dtypes[i].clone())
    };
    let mut out: Vec<(PlSmallStr, From, DataType)> = Vec::new();
    let mut sort_by = Vec::new();
    if on_index == OnIndex::Right {
        for (n, d) in left.schema.iter().take(left.nindex) {
            out.push((n.clone(), From::Left(n.clone()), d.clone()));
        }
    }
    if on_index == OnIndex::Both {
        for (i, (l, r)) in lkeys.iter().zip(&rkeys).enumerate() {
            out.push((
                index_column(i),
                From::Coalesce(l.clone(), r.clone()),
                shown(i),
            ));
        }
    }
    for c in &lcols {
        if let Some(k) = shared.iter().position(|(l, _)| l == c) {
            let i = lkeys.iter().position(|l| l == c).expect("a key");
            out.push((
                c.clone(),
                From::Coalesce(c.clone(), shared[k].1.clone()),
                shown(i),
            ));
            continue;
        }
        let name = if rcols.contains(c) {
            format!("{c}{}", suffixes.0).into()
        } else {
            c.clone()
        };
        out.push((
            name,
            From::Left(c.clone()),
            left.schema.get(c).expect("column").clone(),
        ));
    }
    for c in &rcols {
        let name = if lcols.contains(c) {
            format!("{c}{}", suffixes.1).into()
        } else {
            c.clone()
        };
        out.push((
            name,
            From::Right(c.clone()),
            right.schema.get(c).expect("column").clone(),
        ));
    }
    // Keys with different names: outer joins sort by their coalesced
    // values, in a hidden column.
    let mut hidden = Vec::new();
    for (i, (l, r)) in lkeys.iter().zip(&rkeys).enumerate() {
        if on_index == OnIndex::Both {
            sort_by.push(index_column(i));
        } else if l == r || on_index == OnIndex::Right {
            sort_by.push(l.clone());
        } else {
            let name: PlSmallStr = format!("__merge_key_{i}__").into();
            out.push((
                name.clone(),
                From::Coalesce(l.clone(), r.clone()),
                key_dtypes[i].clone(),
            ));
            hidden.push(name.clone());
            sort_by.push(name);
        }
    }
    let mut schema = Schema::with_capacity(out.len());
    for (n, _, d) in &out {
        if schema.insert(n.clone(), d.clone()).is_some() {
            return Err(FxError::InvalidArgument(format!(
                "Passing 'suffixes' which cause duplicate columns {{'{n}'}} is not allowed."
            )));
        }
    }
    let (nl, nr) = (left.npartitions, right.npartitions);
    let strategy = match how {
        _ if nl == 1 && nr == 1 => Strategy::Single,
        How::Inner | How::Left if nr == 1 => Strategy::BroadcastRight,
        How::Inner | How::Right if nl == 1 => Strategy::BroadcastLeft,
        _ => Strategy::Shuffle,
    };
    let npartitions = match strategy {
        Strategy::Single => 1,
        Strategy::BroadcastRight => nl,
        Strategy::BroadcastLeft => nr,
        Strategy::Shuffle => nl.max(nr),
    };
    let spec = JoinSpec {
        how,
        left_on: lkeys,
        right_on: rkeys,
        key_dtypes,
        out,
        sort_by: if how == How::Outer {
            sort_by.clone()
        } else {
            Vec::new()
        },
    };
    let (nindex, index_names) = if on_index != OnIndex::No {
        (left.nindex, left.index_names.clone())
    } else {
        (0, Vec::new())
    };
    let op = JoinOp {
        left: left.clone(),
        right: right.clone(),
        spec: Arc::new(spec),
        strategy,
        splits: OnceLock::new(),
        narrow_splits: Default::default(),
    };
    let joined = FrameExpr::op(Arc::new(op), schema, nindex, index_names, npartitions);
    let visible: Vec<String> = joined
        .columns()
        .iter()
        .filter(|c| !hidden.iter().any(|h| h == *c))
        .map(|c| c.to_string())
        .collect();
    if how == How::Outer && npartitions > 1 {
        // Hash partitions hold the keys in no global order: sort them.
        let by: Vec<String> = sort_by.iter().map(|c| c.to_string()).collect();
        let by_data: Vec<String> = by
            .iter()
            .filter(|c| !super::expr::is_index_column(c))
            .cloned()
            .collect();
        if on_index == OnIndex::Both {
            let sorted = super::sort::sort_index(&joined)?;
            return sorted.project(&visible);
        }
        let asc = vec![true; by_data.len()];
        let sorted = super::sort::sort_values(&joined, &by_data, &asc, true)?;
        if on_index == OnIndex::Right {
            return sorted.project(&visible);
        }
        return super::concat::drop_index(&sorted, &visible);
    }
    joined.project(&visible)
}
