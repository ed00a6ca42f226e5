//! Lowering frame expressions to tasks.
//!
//! Row-wise steps (select, filter, row index, head) fuse into the task that
//! produces their row source's partition: `read_csv → filter → select` is
//! one task per partition. Lowering walks down with the set of columns the
//! consumer needs, so each source reads only those (projection pushdown),
//! and a default index nobody reads is never computed. A filter over a
//! source that takes predicates (Parquet) is handed to the scan itself
//! (predicate pushdown). Group-bys become a
//! chunk → combine → aggregate tree of fan-in `split_every`.
//!
//! Task names are content hashes of (expression, needed columns), so the
//! same partition asked for twice is one task.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use polars_core::prelude::PlSmallStr;

use super::colexpr::ColExpr;
use super::expr::{FrameExpr, Kind};
use super::kernels::{
    GroupByKernel, GroupStep, Partition, PartitionKernel, RowCountKernel, SumCountsKernel,
};
use crate::graph::{Key, Node, Op};
use crate::value::Value;

fn key(name: &str, i: usize) -> Key {
    Key::Tuple(Arc::from(name), Box::new([i as i64]))
}

fn all_columns(e: &FrameExpr) -> Vec<PlSmallStr> {
    e.schema.iter_names().cloned().collect()
}

/// The task name for `e` restricted to `columns`.
fn task_name(e: &FrameExpr, columns: &[PlSmallStr]) -> String {
    if columns == all_columns(e).as_slice() {
        return e.name.to_string();
    }
    let mut h = DefaultHasher::new();
    columns.hash(&mut h);
    format!("{}-{:08x}", e.name, h.finish() as u32)
}

/// `wanted` in the order of `e`'s schema, without duplicates.
fn in_schema_order(e: &FrameExpr, wanted: &[PlSmallStr]) -> Vec<PlSmallStr> {
    e.schema
        .iter_names()
        .filter(|n| wanted.contains(n))
        .cloned()
        .collect()
}

fn push(deps: &mut Vec<Arc<Node>>, node: Arc<Node>) -> u32 {
    deps.push(node);
    (deps.len() - 1) as u32
}

/// How partition `i` of `e` is produced, restricted to `columns` (in that
/// order), reading dependencies into `deps`.
pub fn partition(
    e: &Arc<FrameExpr>,
    i: usize,
    columns: &[PlSmallStr],
    deps: &mut Vec<Arc<Node>>,
) -> Partition {
    match &e.kind {
        Kind::Source(src) => {
            let own = src.deps(i);
            let inputs = own.into_iter().map(|n| push(deps, n)).collect();
            Partition::Source {
                src: src.clone(),
                i,
                columns: columns.to_vec(),
                n_rows: None,
                inputs,
                predicate: None,
            }
        }
        Kind::Select {
            input,
            exprs,
            params,
        } => {
            let keep: Vec<PlSmallStr> = columns
                .iter()
                .filter(|c| super::expr::is_index_column(c))
                .cloned()
                .collect();
            let wanted: Vec<(PlSmallStr, ColExpr)> = columns
                .iter()
                .filter_map(|c| exprs.iter().find(|(n, _)| n == c).cloned())
                .collect();
            let mut needed = keep.clone();
            for (_, x) in &wanted {
                x.columns(&mut needed);
            }
            let needed = in_schema_order(input, &needed);
            let source = partition(input, i, &needed, deps);
            let params = params.iter().map(|p| push(deps, node(p, 0))).collect();
            Partition::Select {
                input: Box::new(source),
                keep,
                exprs: wanted,
                params,
            }
        }
        Kind::Filter {
            input,
            predicate,
            params,
        } => {
            let mut needed = columns.to_vec();
            predicate.columns(&mut needed);
            if let Some(pushed) = pushed_filter(input, i, columns, &needed, predicate, params, deps)
            {
                return pushed;
            }
            let needed = in_schema_order(input, &needed);
            let source = partition(input, i, &needed, deps);
            let params = params.iter().map(|p| push(deps, node(p, 0))).collect();
            Partition::Filter {
                input: Box::new(source),
                predicate: predicate.clone(),
                params,
                columns: columns.to_vec(),
            }
        }
        Kind::RowIndex { input, column } => {
            let index = column.clone();
            if !columns.contains(&index) {
                // Nobody reads the index: it is never computed.
                return partition(input, i, columns, deps);
            }
            let rest: Vec<PlSmallStr> = columns.iter().filter(|c| **c != index).cloned().collect();
            let source = partition(input, i, &rest, deps);
            let offset = push(deps, offset_node(input, i));
            Partition::RowIndex {
                input: Box::new(source),
                offset,
                column: index,
                columns: columns.to_vec(),
            }
        }
        Kind::Head { input, n } => partition(input, 0, columns, deps).head(*n),
        Kind::Op(op) if columns != all_columns(e).as_slice() => {
            match op.lower_columns(e, i, columns) {
                Some(node) => Partition::Input(push(deps, node), None),
                None => Partition::Input(push(deps, node(e, i)), Some(columns.to_vec())),
            }
        }
        Kind::GroupBy { .. } | Kind::Op(_) => {
            let whole = all_columns(e);
            let input = push(deps, node(e, i));
            Partition::Input(
                input,
                (columns != whole.as_slice()).then(|| columns.to_vec()),
            )
        }
    }
}

/// A filter read by its source (predicate pushdown: Parquet row groups
/// skipped by their statistics, rows filtered inside the scan), when the
/// filter reads a source that takes predicates — directly, or through a
/// default index nobody reads — and needs no scalar inputs.
fn pushed_filter(
    input: &Arc<FrameExpr>,
    i: usize,
    columns: &[PlSmallStr],
    needed: &[PlSmallStr],
    predicate: &ColExpr,
    params: &[Arc<FrameExpr>],
    deps: &mut Vec<Arc<Node>>,
) -> Option<Partition> {
    if !params.is_empty() {
        return None;
    }
    let scan = match &input.kind {
        Kind::RowIndex {
            input: inner,
            column,
        } if !needed.contains(column) => inner,
        _ => input,
    };
    let Kind::Source(src) = &scan.kind else {
        return None;
    };
    if !src.takes_predicate() {
        return None;
    }
    let inputs = src.deps(i).into_iter().map(|n| push(deps, n)).collect();
    Some(Partition::Source {
        src: src.clone(),
        i,
        columns: columns.to_vec(),
        n_rows: None,
        inputs,
        predicate: Some(predicate.clone()),
    })
}

/// A node computing the number of rows of partition `i` of `e` (sources
/// that can count without parsing values do).
fn count_node(e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
    let mut deps = Vec::new();
    let p = partition(e, i, &[], &mut deps);
    let name = format!("len-chunk-{}", e.name);
    Node::new(key(&name, i), Op::Kernel(Arc::new(RowCountKernel(p))), deps)
}

/// A node computing how many rows come before partition `i` of `e`.
fn offset_node(e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
    let name = format!("offset-{}", e.name);
    if let Kind::Source(src) = &e.kind {
        if let Some(lengths) = src.known_lengths() {
            let offset: usize = lengths[..i].iter().sum();
            return Node::new(
                key(&name, i),
                Op::Literal(Value::Int(offset as i64)),
                Vec::new(),
            );
        }
    }
    let counts = (0..i).map(|j| count_node(e, j)).collect();
    Node::new(key(&name, i), Op::Kernel(Arc::new(SumCountsKernel)), counts)
}

/// A node computing the number of rows of `e`.
pub fn len_node(e: &Arc<FrameExpr>) -> Arc<Node> {
    let counts = (0..e.npartitions).map(|i| count_node(e, i)).collect();
    let name = format!("len-{}", e.name);
    Node::new(key(&name, 0), Op::Kernel(Arc::new(SumCountsKernel)), counts)
}

/// The node producing partition `i` of `e`, every column.
pub fn node(e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
    match &e.kind {
        Kind::GroupBy {
            input,
            keys,
            aggs,
            split_every,
            dropna,
            split_out,
        } => groupby_node(e, input, keys, aggs, *split_every, (*dropna, *split_out), i),
        Kind::Op(op) => op.lower(e, i),
        _ => {
            let columns = all_columns(e);
            node_with(e, i, &columns)
        }
    }
}

/// The node producing partition `i` of `e` restricted to `columns`.
pub fn node_with(e: &Arc<FrameExpr>, i: usize, columns: &[PlSmallStr]) -> Arc<Node> {
    let mut deps = Vec::new();
    let p = partition(e, i, columns, &mut deps);
    if let (Partition::Input(0, None), [dep]) = (&p, deps.as_slice()) {
        return dep.clone();
    }
    Node::new(
        key(&task_name(e, columns), i),
        Op::Kernel(Arc::new(PartitionKernel(p))),
        deps,
    )
}

fn groupby_node(
    e: &Arc<FrameExpr>,
    input: &Arc<FrameExpr>,
    keys: &[String],
    aggs: &[super::groupby::AggSpec],
    split_every: usize,
    (dropna, split_out): (bool, usize),
    i: usize,
) -> Arc<Node> {
    let mut needed: Vec<PlSmallStr> = keys.iter().map(|k| k.as_str().into()).collect();
    for a in aggs {
        needed.push(a.column.as_str().into());
    }
    let needed = in_schema_order(input, &needed);
    // `split_out`: chunks are cut by the hash of the keys (as the input's
    // dtypes), and output `i` reads piece `i` of each.
    let split = (split_out > 1).then(|| {
        let dtypes = keys
            .iter()
            .map(|k| {
                input
                    .schema
                    .get(k.as_str())
                    .cloned()
                    .unwrap_or(polars_core::prelude::DataType::Null)
            })
            .collect();
        (split_out, dtypes)
    });
    let keys = Arc::new(keys.to_vec());
    let aggs = Arc::new(aggs.to_vec());
    let step = |step, source, split, piece| {
        Op::Kernel(Arc::new(GroupByKernel {
            step,
            keys: keys.clone(),
            aggs: aggs.clone(),
            source,
            dropna,
            split,
            piece,
        }))
    };
    let chunk_name = format!("{}-chunk", e.name);
    let mut level: Vec<Arc<Node>> = (0..input.npartitions)
        .map(|p| {
            let mut deps = Vec::new();
            let source = partition(input, p, &needed, &mut deps);
            let op = step(GroupStep::Chunk, Some(source), split.clone(), None);
            Node::new(key(&chunk_name, p), op, deps)
        })
        .collect();
    // The piece the next step reads of its inputs (cut chunks only).
    let mut piece = split.as_ref().map(|_| i);
    let mut depth = 0;
    while level.len() > split_every {
        let name = if split_out > 1 {
            format!("{}-combine-{depth}-{i}", e.name)
        } else {
            format!("{}-combine-{depth}", e.name)
        };
        level = level
            .chunks(split_every)
            .enumerate()
            .map(|(j, group)| {
                let op = step(GroupStep::Combine, None, None, piece);
                Node::new(key(&name, j), op, group.to_vec())
            })
            .collect();
        piece = None;
        depth += 1;
    }
    Node::new(
        key(&e.name, i),
        step(GroupStep::Aggregate, None, None, piece),
        level,
    )
}

/// The plan `explain()` prints: what each task of partition 0 does after
/// fusion and projection pushdown, one step per line, inputs indented.
pub fn explain(e: &Arc<FrameExpr>) -> String {
    let mut out = String::new();
    explain_into(e, &all_columns(e), 0, &mut out);
    out
}

fn explain_into(e: &Arc<FrameExpr>, columns: &[PlSmallStr], depth: usize, out: &mut String) {
    use std::fmt::Write;
    let pad = "  ".repeat(depth);
    match &e.kind {
        Kind::GroupBy {
            input,
            keys,
            aggs,
            split_every,
            ..
        } => {
            let labels: Vec<String> = aggs
                .iter()
                .map(|a| format!("{}={}({})", a.output, a.op.name(), a.column))
                .collect();
            let _ = writeln!(
                out,
                "{pad}GroupBy by={keys:?} [{}] (tree of fan-in {split_every} over {} partitions)",
                labels.join(", "),
                input.npartitions
            );
            let mut needed: Vec<PlSmallStr> = keys.iter().map(|k| k.as_str().into()).collect();
            needed.extend(aggs.iter().map(|a| PlSmallStr::from(a.column.as_str())));
            let needed = in_schema_order(input, &needed);
            explain_into(input, &needed, depth + 1, out);
        }
        Kind::Op(op) => {
            let _ = writeln!(out, "{pad}{} ({} partitions)", op.describe(), e.npartitions);
            for input in op.inputs() {
                explain_into(&input, &all_columns(&input), depth + 1, out);
            }
        }
        _ => {
            let mut deps = Vec::new();
            let p = partition(e, 0, columns, &mut deps);
            explain_partition(&p, e.npartitions, depth, out);
        }
    }
}

fn explain_partition(p: &Partition, n: usize, depth: usize, out: &mut String) {
    use std::fmt::Write;
    let pad = "  ".repeat(depth);
    match p {
        Partition::Source {
            src,
            columns,
            n_rows,
            ..
        } => {
            let limit = n_rows.map_or(String::new(), |n| format!(" first {n} rows"));
            let _ = writeln!(
                out,
                "{pad}{} columns={columns:?}{limit} ({n} partitions)",
                src.label()
            );
        }
        Partition::Input(_, columns) => {
            let _ = writeln!(out, "{pad}Input columns={columns:?}");
        }
        Partition::Select {
            input, keep, exprs, ..
        } => {
            let items: Vec<String> = exprs.iter().map(|(n, e)| format!("{n}={e}")).collect();
            let keep = if keep.is_empty() {
                String::new()
            } else {
                format!(" index={keep:?}")
            };
            let _ = writeln!(out, "{pad}Select [{}]{keep}", items.join(", "));
            explain_partition(input, n, depth + 1, out);
        }
        Partition::Filter {
            input, predicate, ..
        } => {
            let _ = writeln!(out, "{pad}Filter {predicate}");
            explain_partition(input, n, depth + 1, out);
        }
        Partition::RowIndex { input, column, .. } => {
            let _ = writeln!(
                out,
                "{pad}RowIndex {column} (from the lengths of earlier partitions)"
            );
            explain_partition(input, n, depth + 1, out);
        }
        Partition::Head(input, k) => {
            let _ = writeln!(out, "{pad}Head {k}");
            explain_partition(input, n, depth + 1, out);
        }
    }
}
