//! Operations that keep every row where it is and only relabel columns or
//! regroup partitions: `concat` along rows, `reset_index`,
//! `set_index(sorted=True)`, `repartition`.
//!
//! [`ConcatOp`] lays the partitions of its inputs end to end; each output
//! partition is one input partition, fused with its read, whose columns
//! are renamed, cast to the promoted dtype, or created missing
//! ([`OutCol`]). A relabeling of one frame (`reset_index`, `set_index` on
//! sorted data) is a concat of one input.
//!
//! dtypes are promoted like pandas' `concat`: numbers to their common
//! type, an int column missing from some input to float64 (it gets NaN).

use std::sync::{Arc, OnceLock};

use polars_core::prelude::*;

use super::expr::{index_column, is_index_column, token_of, FrameExpr, FrameOp};
use super::kernels::Partition;
use super::lower::{node, partition};
use super::shuffle::{After, GatherKernel, SplitBy, SplitKernel};
use super::sort::{frames, key};
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Node, Op};
use crate::value::Value;

/// One output column of a relabeling: an input column (renamed, cast to
/// `dtype`) or, without `src`, all missing.
#[derive(Clone, Debug, Hash)]
pub struct OutCol {
    /// The input column, if any.
    pub src: Option<PlSmallStr>,
    /// The output name.
    pub name: PlSmallStr,
    /// The output dtype.
    pub dtype: DataType,
}

struct RelabelKernel {
    out: Arc<Vec<OutCol>>,
    source: Partition,
}

impl Kernel for RelabelKernel {
    fn name(&self) -> &str {
        "relabel"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = self.source.eval(inputs)?;
        let cols = self
            .out
            .iter()
            .map(|o| match &o.src {
                Some(src) => {
                    let c = df.column(src)?;
                    let c = if c.dtype() == &o.dtype {
                        c.clone()
                    } else {
                        c.cast(&o.dtype)?
                    };
                    Ok(c.with_name(o.name.clone()))
                }
                None => Ok(Column::full_null(o.name.clone(), df.height(), &o.dtype)),
            })
            .collect::<FxResult<Vec<_>>>()?;
        Ok(Value::Frame(Arc::new(DataFrame::new(df.height(), cols)?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The partitions of `inputs` end to end, each relabeled by its `outs`.
pub struct ConcatOp {
    inputs: Vec<Arc<FrameExpr>>,
    outs: Vec<Arc<Vec<OutCol>>>,
    /// The index is sorted across partitions (`set_index(sorted=True)`):
    /// divisions come from each partition's first and last index value.
    sorted_index: bool,
}

impl ConcatOp {
    fn locate(&self, i: usize) -> (usize, usize) {
        let mut i = i;
        for (k, e) in self.inputs.iter().enumerate() {
            if i < e.npartitions {
                return (k, i);
            }
            i -= e.npartitions;
        }
        unreachable!("partition index out of range")
    }
}

impl FrameOp for ConcatOp {
    fn label(&self) -> &str {
        if self.inputs.len() == 1 {
            "relabel"
        } else {
            "concat"
        }
    }
    fn token(&self) -> u64 {
        let outs: Vec<&Vec<OutCol>> = self.outs.iter().map(|o| &**o).collect();
        token_of((outs, self.sorted_index))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        self.inputs.clone()
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let (k, p) = self.locate(i);
        let input = &self.inputs[k];
        let wanted: Vec<PlSmallStr> = self.outs[k].iter().filter_map(|o| o.src.clone()).collect();
        let (columns, _) = super::sort::needed(input, &wanted);
        let mut deps = Vec::new();
        let source = partition(input, p, &columns, &mut deps);
        let op = RelabelKernel {
            out: self.outs[k].clone(),
            source,
        };
        Node::new(key(&e.name, i), Op::Kernel(Arc::new(op)), deps)
    }
    fn divisions(&self, e: &Arc<FrameExpr>) -> Option<Arc<Node>> {
        if !self.sorted_index {
            return None;
        }
        let parts = (0..e.npartitions).map(|i| node(e, i)).collect();
        Some(Node::new(
            key(&format!("{}-divisions", e.name), 0),
            Op::Kernel(Arc::new(DivisionsKernel)),
            parts,
        ))
    }
}

/// Divisions of partitions sorted by index column 0: every partition's
/// first value, then the last partition's last (an empty partition takes
/// the next one's first value).
struct DivisionsKernel;

impl Kernel for DivisionsKernel {
    fn name(&self) -> &str {
        "divisions"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let parts = frames(inputs)?;
        let mut ranges: Vec<Option<(Scalar, Scalar)>> = Vec::with_capacity(parts.len());
        let mut dtype = DataType::Null;
        for df in &parts {
            let s = df.columns()[0].as_materialized_series().drop_nulls();
            dtype = s.dtype().clone();
            ranges.push(if s.is_empty() {
                None
            } else {
                Some((s.min_reduce()?, s.max_reduce()?))
            });
        }
        let sorted: Vec<&(Scalar, Scalar)> = ranges.iter().flatten().collect();
        let mut values: Vec<AnyValue<'static>> = Vec::with_capacity(parts.len() + 1);
        if let Some(last) = sorted.last() {
            for w in sorted.windows(2) {
                if w[1].0.value() < w[0].1.value() {
                    return Err(FxError::InvalidArgument(
                        "Partitions must be sorted ascending with the index".into(),
                    ));
                }
            }
            let mut next = ranges.len();
            let mut firsts = vec![last.1.value().clone(); ranges.len()];
            for (i, r) in ranges.iter().enumerate().rev() {
                if let Some((lo, _)) = r {
                    next = i;
                    firsts[i] = lo.value().clone();
                } else if next < ranges.len() {
                    firsts[i] = firsts[next].clone();
                }
            }
            values.extend(firsts);
            values.push(last.1.value().clone());
        }
        let s = Series::from_any_values_and_dtype("bounds".into(), &values, &dtype, false)?;
        Ok(Value::Frame(Arc::new(DataFrame::new(
            s.len(),
            vec![s.into()],
        )?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn relabel_op(
    input: &Arc<FrameExpr>,
    out: Vec<OutCol>,
    nindex: usize,
    index_names: Vec<Option<String>>,
    sorted_index: bool,
) -> FxResult<Arc<FrameExpr>> {
    let mut schema = Schema::with_capacity(out.len());
    for o in &out {
        if schema.insert(o.name.clone(), o.dtype.clone()).is_some() {
            return Err(FxError::InvalidArgument(format!(
                "cannot insert {}, already exists",
                o.name
            )));
        }
    }
    let op = ConcatOp {
        inputs: vec![input.clone()],
        outs: vec![Arc::new(out)],
        sorted_index,
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        schema,
        nindex,
        index_names,
        input.npartitions,
    ))
}

fn keep(e: &FrameExpr, c: &PlSmallStr) -> OutCol {
    OutCol {
        src: Some(c.clone()),
        name: c.clone(),
        dtype: e.schema.get(c).cloned().unwrap_or(DataType::Null),
    }
}

/// The frame with its index dropped (a new default index) and data
/// columns `columns`.
pub fn drop_index(input: &Arc<FrameExpr>, columns: &[String]) -> FxResult<Arc<FrameExpr>> {
    if input.nindex == 0 {
        return input.project(columns);
    }
    let out = columns
        .iter()
        .map(|c| {
            input.dtype(c)?;
            Ok(keep(input, &c.as_str().into()))
        })
        .collect::<FxResult<Vec<_>>>()?;
    relabel_op(input, out, 0, Vec::new(), false)
}

/// `reset_index(drop)`: the index levels become the first columns (named
/// after them, or `index` / `level_i`), and the frame gets a new default
/// index.
pub fn reset_index(input: &Arc<FrameExpr>, drop: bool) -> FxResult<Arc<FrameExpr>> {
    let columns: Vec<String> = input.columns().iter().map(|c| c.to_string()).collect();
    if drop {
        return drop_index(input, &columns);
    }
    let input = input.row_index();
    let mut out = Vec::with_capacity(input.schema.len());
    let has_index_col = columns.iter().any(|c| c == "index");
    for (i, name) in input.index_names.iter().enumerate() {
        let default = if input.nindex == 1 && !has_index_col {
            "index".to_string()
        } else {
            format!("level_{i}")
        };
        let col = index_column(i);
        out.push(OutCol {
            src: Some(col.clone()),
            name: name.clone().unwrap_or(default).as_str().into(),
            dtype: input.schema.get(&col).cloned().unwrap_or(DataType::Null),
        });
    }
    for c in &columns {
        out.push(keep(&input, &c.as_str().into()));
    }
    relabel_op(&input, out, 0, Vec::new(), false)
}

/// `set_index(column, sorted=True)`: the column is sorted across
/// partitions already; it becomes the index in place.
pub fn set_index_sorted(
    input: &Arc<FrameExpr>,
    column: &str,
    drop: bool,
) -> FxResult<Arc<FrameExpr>> {
    let dtype = input.dtype(column)?.clone();
    let col: PlSmallStr = column.into();
    let mut out = vec![OutCol {
        src: Some(col.clone()),
        name: index_column(0),
        dtype,
    }];
    for c in input.schema.iter_names().skip(input.nindex) {
        if *c == col && drop {
            continue;
        }
        out.push(keep(input, c));
    }
    relabel_op(input, out, 1, vec![Some(column.to_string())], true)
}

/// pandas' dtype for a column holding values of dtypes `a` and `b`.
fn promote(a: &DataType, b: &DataType) -> FxResult<DataType> {
    if a == b || b.is_null() {
        return Ok(a.clone());
    }
    if a.is_null() {
        return Ok(b.clone());
    }
    let numeric = |d: &DataType| d.is_primitive_numeric() && !d.is_bool();
    if numeric(a) && numeric(b) {
        let st = polars_core::utils::try_get_supertype(a, b)?;
        return Ok(if st.is_integer() && (a.is_float() || b.is_float()) {
            DataType::Float64
        } else {
            st
        });
    }
    Err(FxError::DType(format!(
        "cannot concatenate values of dtypes {} and {} (pandas would make them object, \
         which ferrox does not support)",
        super::expr::pandas_dtype_name(a),
        super::expr::pandas_dtype_name(b)
    )))
}

/// The dtype of a column some inputs lack: NaN where it is missing.
fn with_missing(d: DataType) -> DataType {
    if d.is_integer() {
        DataType::Float64
    } else {
        d
    }
}

/// `concat(frames)` along rows: columns in order of first appearance,
/// missing ones NaN, dtypes promoted; the indexes kept (a default index
/// becomes the row positions of its own frame) unless `ignore_index`.
pub fn concat(inputs: &[Arc<FrameExpr>], ignore_index: bool) -> FxResult<Arc<FrameExpr>> {
    if inputs.is_empty() {
        return Err(FxError::InvalidArgument("No objects to concatenate".into()));
    }
    let inputs: Vec<Arc<FrameExpr>> = if ignore_index {
        inputs.to_vec()
    } else {
        inputs.iter().map(|e| e.row_index()).collect()
    };
    let nindex = if ignore_index { 0 } else { inputs[0].nindex };
    if inputs.iter().any(|e| !ignore_index && e.nindex != nindex) {
        return Err(FxError::InvalidArgument(
            "cannot concatenate frames with different numbers of index levels".into(),
        ));
    }
    // Columns in order of first appearance, with their promoted dtypes.
    let mut schema = Schema::with_capacity(inputs[0].schema.len());
    for i in 0..nindex {
        let mut d = DataType::Null;
        for e in &inputs {
            d = promote(
                &d,
                &e.schema.get_at_index(i).expect("index column").1.clone(),
            )?;
        }
        schema.insert(index_column(i), d);
    }
    for e in &inputs {
        for (n, d) in e.schema.iter().skip(e.nindex) {
            let merged = match schema.get(n) {
                Some(prev) => promote(prev, d)?,
                None => d.clone(),
            };
            schema.insert(n.clone(), merged);
        }
    }
    let names: Vec<PlSmallStr> = schema.iter_names().cloned().collect();
    for n in names.iter().filter(|n| !is_index_column(n)) {
        if inputs.iter().any(|e| !e.schema.contains(n)) {
            let d = with_missing(schema.get(n).cloned().expect("known column"));
            schema.insert(n.clone(), d);
        }
    }
    let outs = inputs
        .iter()
        .map(|e| {
            Arc::new(
                schema
                    .iter()
                    .map(|(n, d)| OutCol {
                        src: e.schema.contains(n).then(|| n.clone()),
                        name: n.clone(),
                        dtype: d.clone(),
                    })
                    .collect(),
            )
        })
        .collect();
    let index_names = (0..nindex)
        .map(|i| {
            let first = &inputs[0].index_names[i];
            if inputs.iter().all(|e| &e.index_names[i] == first) {
                first.clone()
            } else {
                None
            }
        })
        .collect();
    let npartitions = inputs.iter().map(|e| e.npartitions).sum();
    let op = ConcatOp {
        inputs,
        outs,
        sorted_index: false,
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        schema,
        nindex,
        index_names,
        npartitions,
    ))
}

/// `repartition(npartitions)`: neighbouring partitions stacked, or each
/// partition cut into row ranges; rows keep their order (and a default
/// index its values).
pub struct RepartitionOp {
    input: Arc<FrameExpr>,
    nout: usize,
    splits: OnceLock<Vec<Arc<Node>>>,
}

impl RepartitionOp {
    /// Pieces input partition `p` is cut into.
    fn pieces(&self, p: usize) -> usize {
        let nin = self.input.npartitions;
        (p + 1) * self.nout / nin - p * self.nout / nin
    }
}

impl FrameOp for RepartitionOp {
    fn label(&self) -> &str {
        "repartition"
    }
    fn token(&self) -> u64 {
        token_of(self.nout)
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let nin = self.input.npartitions;
        let gather = |piece| GatherKernel {
            piece,
            schema: self.input.schema.clone(),
            after: After::Nothing,
            rename: None,
        };
        if self.nout <= nin {
            let (a, b) = (i * nin / self.nout, (i + 1) * nin / self.nout);
            let deps = (a..b).map(|p| node(&self.input, p)).collect();
            return Node::new(key(&e.name, i), Op::Kernel(Arc::new(gather(None))), deps);
        }
        let splits = self.splits.get_or_init(|| {
            let columns: Vec<PlSmallStr> = self.input.schema.iter_names().cloned().collect();
            (0..nin)
                .map(|p| {
                    let mut deps = Vec::new();
                    let source = partition(&self.input, p, &columns, &mut deps);
                    let op = SplitKernel {
                        by: SplitBy::Rows,
                        pieces: self.pieces(p),
                        source,
                    };
                    let name = format!("{}-split", e.name);
                    Node::new(key(&name, p), Op::Kernel(Arc::new(op)), deps)
                })
                .collect()
        });
        // Output partition i is piece q of input partition p.
        let p = (0..nin)
            .find(|&p| i < (p + 1) * self.nout / nin)
            .expect("an input partition");
        let q = i - p * self.nout / nin;
        Node::new(
            key(&e.name, i),
            Op::Kernel(Arc::new(gather(Some(q)))),
            vec![splits[p].clone()],
        )
    }
}

/// `repartition(npartitions=n)`.
pub fn repartition(input: &Arc<FrameExpr>, npartitions: usize) -> FxResult<Arc<FrameExpr>> {
    if npartitions == 0 {
        return Err(FxError::InvalidArgument(
            "`npartitions` must be at least 1, got 0".into(),
        ));
    }
    if npartitions == input.npartitions {
        return Ok(input.clone());
    }
    let op = RepartitionOp {
        input: input.clone(),
        nout: npartitions,
        splits: OnceLock::new(),
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        (*input.schema).clone(),
        input.nindex,
        input.index_names.clone(),
        npartitions,
    ))
}

/// Partitions of several frames side by side (`concat(axis=1)` of frames
/// cut alike): partition `i` is every input's partition `i`, columns
/// renamed by `outs`; the index is the first input's, and every input must
/// have the same rows and index values there (checked when it runs).
pub struct ZipOp {
    inputs: Vec<Arc<FrameExpr>>,
    outs: Vec<Vec<(PlSmallStr, PlSmallStr)>>,
}

struct ZipKernel {
    nindex: usize,
    outs: Vec<Vec<(PlSmallStr, PlSmallStr)>>,
}

impl Kernel for ZipKernel {
    fn name(&self) -> &str {
        "concat-columns"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let parts = frames(inputs)?;
        let first = &parts[0];
        let mut cols: Vec<Column> = first.columns()[..self.nindex].to_vec();
        for (df, out) in parts.iter().zip(&self.outs) {
            let aligned = df.height() == first.height()
                && (0..self.nindex).all(|i| {
                    df.columns()[i]
                        .as_materialized_series()
                        .equals_missing(first.columns()[i].as_materialized_series())
                });
            if !aligned {
                return Err(FxError::InvalidArgument(
                    "concat(axis=1) needs frames whose partitions hold the same index values \
                     (aligning them on the index is not supported yet)"
                        .into(),
                ));
            }
            for (src, dst) in out {
                cols.push(df.column(src)?.clone().with_name(dst.clone()));
            }
        }
        Ok(Value::Frame(Arc::new(DataFrame::new(
            first.height(),
            cols,
        )?)))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl FrameOp for ZipOp {
    fn label(&self) -> &str {
        "concat-columns"
    }
    fn token(&self) -> u64 {
        token_of(&self.outs)
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        self.inputs.clone()
    }
    fn lower(&self, e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
        let deps = self
            .inputs
            .iter()
            .zip(&self.outs)
            .map(|(input, out)| {
                let mut wanted = input.index_columns();
                wanted.extend(out.iter().map(|(src, _)| src.clone()));
                let (columns, _) = super::sort::needed(input, &wanted);
                super::lower::node_with(input, i, &columns)
            })
            .collect();
        let op = ZipKernel {
            nindex: e.nindex,
            outs: self.outs.clone(),
        };
        Node::new(key(&e.name, i), Op::Kernel(Arc::new(op)), deps)
    }
}

/// `concat(frames, axis=1)` of frames with the same number of partitions:
/// `names[k]` renames the data columns of input `k` (in order).
pub fn concat_columns(
    inputs: &[Arc<FrameExpr>],
    names: &[Vec<String>],
) -> FxResult<Arc<FrameExpr>> {
    let first = inputs
        .first()
        .ok_or_else(|| FxError::InvalidArgument("No objects to concatenate".into()))?;
    // Default indexes (positions) agree where every partition has the same
    // length; other indexes are compared value by value.
    let inputs: Vec<Arc<FrameExpr>> = if first.nindex == 0 {
        inputs.to_vec()
    } else {
        inputs.iter().map(|e| e.row_index()).collect()
    };
    let first = &inputs[0];
    if let Some(e) = inputs.iter().find(|e| e.npartitions != first.npartitions) {
        return Err(FxError::InvalidArgument(format!(
            "concat(axis=1) needs frames with the same number of partitions, got {} and {}",
            first.npartitions, e.npartitions
        )));
    }
    if inputs.iter().any(|e| e.nindex != first.nindex) {
        return Err(FxError::InvalidArgument(
            "concat(axis=1) needs frames with the same number of index levels".into(),
        ));
    }
    let mut schema = Schema::with_capacity(first.schema.len());
    for (n, d) in first.schema.iter().take(first.nindex) {
        schema.insert(n.clone(), d.clone());
    }
    let mut outs = Vec::with_capacity(inputs.len());
    for (e, names) in inputs.iter().zip(names) {
        let columns = e.columns();
        if columns.len() != names.len() {
            return Err(FxError::InvalidArgument(format!(
                "expected {} column names, got {}",
                columns.len(),
                names.len()
            )));
        }
        let mut out = Vec::with_capacity(names.len());
        for (c, n) in columns.iter().zip(names) {
            let name: PlSmallStr = n.as_str().into();
            if schema.insert(name.clone(), e.dtype(c)?.clone()).is_some() {
                return Err(FxError::InvalidArgument(format!(
                    "duplicate column '{n}' in concat(axis=1)"
                )));
            }
            out.push((PlSmallStr::from(*c), name));
        }
        outs.push(out);
    }
    let op = ZipOp {
        inputs: inputs.clone(),
        outs,
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        schema,
        first.nindex,
        first.index_names.clone(),
        first.npartitions,
    ))
}
