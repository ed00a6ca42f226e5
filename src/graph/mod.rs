//! Task graphs: keys, tasks, flattening, culling and static ordering.
//!
//! Collections build graphs lazily as [`Node`] DAGs (one `Arc` per task,
//! O(1) per operation). Before running, the part reachable from the requested
//! outputs is flattened into a [`Graph`]: tasks in topological order
//! (dependencies first), dependencies as indices, one task per key. Dask-style
//! dict graphs are flattened the same way by [`Graph::from_entries`], which
//! also culls everything the outputs do not need and rejects missing keys and
//! cycles. [`order::priorities`] then fixes the order the executor prefers.

pub mod key;
pub mod order;
pub mod task;

use std::collections::HashMap;
use std::sync::Arc;

pub use key::Key;
pub use task::{Kernel, Node, Op, Task};

use crate::error::{FxError, FxResult};

/// A flattened task graph in topological order.
#[derive(Default)]
pub struct Graph {
    /// Tasks, each after all of its dependencies.
    pub tasks: Vec<Task>,
    /// Position of each key in `tasks`.
    pub index: HashMap<Key, u32>,
}

impl Graph {
    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether the graph has no task.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    fn push(&mut self, key: Key, op: Op, deps: Vec<u32>) -> u32 {
        let id = self.tasks.len() as u32;
        self.index.insert(key.clone(), id);
        self.tasks.push(Task { key, op, deps });
        id
    }

    /// Flatten the DAGs below `roots`; returns the graph and the index of
    /// each root. Nodes that share a key are one task (the first seen wins),
    /// so work shared between roots runs once.
    pub fn from_nodes(roots: &[Arc<Node>]) -> (Graph, Vec<u32>) {
        let mut g = Graph::default();
        let mut outputs = Vec::with_capacity(roots.len());
        for root in roots {
            // Iterative post-order walk: deep chains must not recurse.
            let mut stack: Vec<(&Node, usize)> = Vec::new();
            if !g.index.contains_key(&root.key) {
                stack.push((root, 0));
            }
            while let Some((node, next)) = stack.last_mut() {
                let node: &Node = node;
                if *next < node.deps.len() {
                    let dep = &node.deps[*next];
                    *next += 1;
                    if !g.index.contains_key(&dep.key) {
                        stack.push((dep, 0));
                    }
                } else {
                    stack.pop();
                    if !g.index.contains_key(&node.key) {
                        let deps = node.deps.iter().map(|d| g.index[&d.key]).collect();
                        g.push(node.key.clone(), node.op.clone(), deps);
                    }
                }
            }
            outputs.push(g.index[&root.key]);
        }
        (g, outputs)
    }

    /// Build a graph from `(key, op, dependency keys)` entries, keeping only
    /// what `outputs` need (culling). Fails on a dependency or output that is
    /// not a key of the graph, and on a cycle.
    pub fn from_entries(
        entries: Vec<(Key, Op, Vec<Key>)>,
        outputs: &[Key],
    ) -> FxResult<(Graph, Vec<u32>)> {
        let mut by_key: HashMap<&Key, usize> = HashMap::with_capacity(entries.len());
        for (i, (key, _, _)) in entries.iter().enumerate() {
            by_key.insert(key, i);
        }
        const WHITE: u8 = 0;
        const GREY: u8 = 1;
        const BLACK: u8 = 2;
        let mut colour = vec![WHITE; entries.len()];
        let mut order: Vec<usize> = Vec::new();
        for out in outputs {
            let &start = by_key
                .get(out)
                .ok_or_else(|| FxError::MissingKey(out.clone()))?;
            if colour[start] != WHITE {
                continue;
            }
            colour[start] = GREY;
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            while let Some((i, next)) = stack.last_mut() {
                let i = *i;
                let deps = &entries[i].2;
                if *next < deps.len() {
                    let dep = &deps[*next];
                    *next += 1;
                    let &j = by_key
                        .get(dep)
                        .ok_or_else(|| FxError::MissingKey(dep.clone()))?;
                    match colour[j] {
                        WHITE => {
                            colour[j] = GREY;
                            stack.push((j, 0));
                        }
                        GREY => return Err(FxError::Cycle(dep.clone())),
                        _ => {}
                    }
                } else {
                    colour[i] = BLACK;
                    order.push(i);
                    stack.pop();
                }
            }
        }
        drop(by_key);
        let mut slots: Vec<Option<(Key, Op, Vec<Key>)>> = entries.into_iter().map(Some).collect();
        let mut g = Graph::default();
        for i in order {
            let (key, op, dep_keys) = slots[i].take().expect("each entry is ordered once");
            let deps = dep_keys.iter().map(|k| g.index[k]).collect();
            g.push(key, op, deps);
        }
        let outputs = outputs.iter().map(|k| g.index[k]).collect();
        Ok((g, outputs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn lit() -> Op {
        Op::Literal(Value::Unit)
    }

    fn keys(g: &Graph) -> Vec<String> {
        g.tasks.iter().map(|t| t.key.name().to_string()).collect()
    }

    /// ```text
    /// a   b   unused
    ///  \ /
    ///   c
    /// ```
    #[test]
    fn entries_are_culled_and_topologically_sorted() {
        let entries = vec![
            (
                Key::from("c"),
                Op::Alias,
                vec![Key::from("a"), Key::from("b")],
            ),
            (Key::from("unused"), lit(), vec![]),
            (Key::from("b"), lit(), vec![]),
            (Key::from("a"), lit(), vec![]),
        ];
        let (g, out) = Graph::from_entries(entries, &[Key::from("c")]).unwrap();
        assert_eq!(keys(&g), ["a", "b", "c"]);
        assert_eq!(out, [2]);
        assert_eq!(g.tasks[2].deps, [0, 1]);
    }

    #[test]
    fn missing_dependency_is_reported_by_key() {
        let entries = vec![(Key::from("c"), Op::Alias, vec![Key::from("nope")])];
        let err = Graph::from_entries(entries, &[Key::from("c")])
            .err()
            .unwrap();
        assert!(matches!(err, FxError::MissingKey(k) if k == Key::from("nope")));
        let err = Graph::from_entries(vec![], &[Key::from("x")])
            .err()
            .unwrap();
        assert!(matches!(err, FxError::MissingKey(_)));
    }

    #[test]
    fn cycles_are_rejected() {
        let entries = vec![
            (Key::from("a"), Op::Alias, vec![Key::from("b")]),
            (Key::from("b"), Op::Alias, vec![Key::from("a")]),
        ];
        let err = Graph::from_entries(entries, &[Key::from("a")])
            .err()
            .unwrap();
        assert!(matches!(err, FxError::Cycle(_)));
    }

    #[test]
    fn shared_nodes_become_one_task() {
        let a = Node::new(Key::from("a"), lit(), vec![]);
        let b = Node::new(Key::from("b"), Op::Alias, vec![a.clone()]);
        let c = Node::new(Key::from("c"), Op::Alias, vec![a.clone()]);
        let (g, out) = Graph::from_nodes(&[b, c]);
        assert_eq!(keys(&g), ["a", "b", "c"]);
        assert_eq!(out, [1, 2]);
    }

    #[test]
    fn deep_chains_flatten_and_drop_without_recursion() {
        let mut node = Node::new(Key::from("x0"), lit(), vec![]);
        for i in 1..200_000 {
            node = Node::new(Key::from(format!("x{i}").as_str()), Op::Alias, vec![node]);
        }
        let (g, out) = Graph::from_nodes(std::slice::from_ref(&node));
        assert_eq!(g.len(), 200_000);
        assert_eq!(out, [199_999]);
        drop(node);
    }
}
