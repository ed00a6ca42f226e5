//! Lowering frame expressions to tasks: one task per partition, with scans
//! and projections fused into whatever consumes them; group-bys as a
//! chunk → combine → aggregate tree of fan-in `split_every`.

use std::sync::Arc;

use polars_core::prelude::PlSmallStr;

use super::expr::{FrameExpr, Kind};
use super::kernels::{
    GroupByKernel, GroupStep, Partition, PartitionKernel, RowCountKernel, SumCountsKernel,
};
use crate::graph::{Key, Node, Op};

fn key(name: &str, i: usize) -> Key {
    Key::Tuple(Arc::from(name), Box::new([i as i64]))
}

fn columns(e: &FrameExpr) -> Vec<PlSmallStr> {
    e.schema.iter_names().cloned().collect()
}

/// How partition `i` of `e` is produced, reading dependencies into `deps`.
fn partition(e: &Arc<FrameExpr>, i: usize, deps: &mut Vec<Arc<Node>>) -> Partition {
    match &e.kind {
        Kind::Csv {
            paths,
            spec,
            file_schema,
        } => Partition::Csv {
            path: Arc::from(paths[i].as_str()),
            spec: spec.clone(),
            schema: file_schema.clone(),
            columns: columns(e),
            n_rows: None,
        },
        Kind::Head { input, n } => partition(input, i, deps).head(*n),
        Kind::Project { input } => {
            Partition::Select(Box::new(partition(input, i, deps)), columns(e))
        }
        Kind::GroupBy { .. } => {
            deps.push(node(e, i));
            Partition::Input((deps.len() - 1) as u32)
        }
    }
}

/// A node computing the number of rows of `e` (CSV files are counted
/// without parsing their values).
pub fn len_node(e: &Arc<FrameExpr>) -> Arc<Node> {
    let name = format!("len-chunk-{}", e.name);
    let counts = (0..e.npartitions)
        .map(|i| {
            let mut deps = Vec::new();
            let p = partition(e, i, &mut deps);
            Node::new(key(&name, i), Op::Kernel(Arc::new(RowCountKernel(p))), deps)
        })
        .collect();
    let name = format!("len-{}", e.name);
    Node::new(key(&name, 0), Op::Kernel(Arc::new(SumCountsKernel)), counts)
}

/// The node producing partition `i` of `e`.
pub fn node(e: &Arc<FrameExpr>, i: usize) -> Arc<Node> {
    match &e.kind {
        Kind::GroupBy {
            input,
            keys,
            aggs,
            split_every,
        } => {
            let keys = Arc::new(keys.clone());
            let aggs = Arc::new(aggs.clone());
            let step = |step, source| {
                Op::Kernel(Arc::new(GroupByKernel {
                    step,
                    keys: keys.clone(),
                    aggs: aggs.clone(),
                    source,
                }))
            };
            let chunk_name = format!("{}-chunk", e.name);
            let mut level: Vec<Arc<Node>> = (0..input.npartitions)
                .map(|p| {
                    let mut deps = Vec::new();
                    let source = partition(input, p, &mut deps);
                    let op = step(GroupStep::Chunk, Some(source));
                    Node::new(key(&chunk_name, p), op, deps)
                })
                .collect();
            let mut depth = 0;
            while level.len() > *split_every {
                let name = format!("{}-combine-{depth}", e.name);
                level = level
                    .chunks(*split_every)
                    .enumerate()
                    .map(|(j, group)| {
                        let op = step(GroupStep::Combine, None);
                        Node::new(key(&name, j), op, group.to_vec())
                    })
                    .collect();
                depth += 1;
            }
            Node::new(key(&e.name, i), step(GroupStep::Aggregate, None), level)
        }
        _ => {
            let mut deps = Vec::new();
            let p = partition(e, i, &mut deps);
            Node::new(
                key(&e.name, i),
                Op::Kernel(Arc::new(PartitionKernel(p))),
                deps,
            )
        }
    }
}
