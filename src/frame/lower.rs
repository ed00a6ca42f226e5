//! Lowering frame expressions to tasks: one task per partition, with scans
//! and projections fused into whatever consumes them; group-bys as a
//! chunk → combine → aggregate tree of fan-in `split_every`.

use std::sync::Arc;

use polars_core::prelude::PlSmallStr;

use super::expr::{FrameExpr, Kind};
use super::kernels::{GroupByKernel, GroupStep, Partition, PartitionKernel};
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
        },
        Kind::Project { input } => {
            Partition::Select(Box::new(partition(input, i, deps)), columns(e))
        }
        Kind::GroupBy { .. } => {
            deps.push(node(e, i));
            Partition::Input((deps.len() - 1) as u32)
        }
    }
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
