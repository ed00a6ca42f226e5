//! Static task priorities, in the spirit of `dask.order`.
//!
//! Policy: finish a branch before opening another, so intermediates die
//! young. Priorities are the positions of a post-order depth-first walk from
//! the outputs (in the order they were requested). At each task the walk
//! visits first the dependency with the tallest subtree (Sethi–Ullman: the
//! deep side needs the most live values, so it should run while the shallow
//! side holds nothing yet); ties go to the dependency listed first.
//!
//! Priorities are computed once per graph and only break ties between ready
//! tasks; they never delay a task whose inputs are ready.

use super::Graph;

/// Priority of each task of `graph` (lower runs first).
pub fn priorities(graph: &Graph, outputs: &[u32]) -> Vec<u32> {
    let n = graph.len();
    // Tasks are topologically sorted, so one forward pass gives heights.
    let mut height = vec![0u32; n];
    for (i, task) in graph.tasks.iter().enumerate() {
        height[i] = 1 + task
            .deps
            .iter()
            .map(|&d| height[d as usize])
            .max()
            .unwrap_or(0);
    }
    let mut prio = vec![u32::MAX; n];
    let mut next_prio = 0u32;
    let mut stack: Vec<(u32, Vec<u32>)> = Vec::new();
    let sorted_deps = |i: u32| {
        let mut deps = graph.tasks[i as usize].deps.clone();
        // Reversed so that `pop` yields the tallest, first-listed dependency.
        deps.sort_by_key(|&d| (height[d as usize], std::cmp::Reverse(d)));
        deps
    };
    let roots = outputs.iter().copied().chain(0..n as u32);
    for root in roots {
        if prio[root as usize] != u32::MAX {
            continue;
        }
        prio[root as usize] = u32::MAX - 1; // on the stack
        stack.push((root, sorted_deps(root)));
        while let Some((task, deps)) = stack.last_mut() {
            match deps.pop() {
                Some(d) if prio[d as usize] == u32::MAX => {
                    prio[d as usize] = u32::MAX - 1;
                    let entry = (d, sorted_deps(d));
                    stack.push(entry);
                }
                Some(_) => {}
                None => {
                    prio[*task as usize] = next_prio;
                    next_prio += 1;
                    stack.pop();
                }
            }
        }
    }
    prio
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Key, Op, Task};
    use crate::value::Value;

    fn graph(spec: &[(&str, &[usize])]) -> Graph {
        let mut g = Graph::default();
        for (name, deps) in spec {
            let op = if deps.is_empty() {
                Op::Literal(Value::Unit)
            } else {
                Op::Alias
            };
            g.index.insert(Key::from(*name), g.tasks.len() as u32);
            g.tasks.push(Task {
                key: Key::from(*name),
                op,
                deps: deps.iter().map(|&d| d as u32).collect(),
            });
        }
        g
    }

    /// A tree reduction finishes each pair before reading the next leaves.
    /// ```text
    /// a0 a1   a2 a3
    ///  \ /     \ /
    ///   b0      b1
    ///     \    /
    ///       c
    /// ```
    #[test]
    fn reduction_finishes_branches_first() {
        let g = graph(&[
            ("a0", &[]),
            ("a1", &[]),
            ("a2", &[]),
            ("a3", &[]),
            ("b0", &[0, 1]),
            ("b1", &[2, 3]),
            ("c", &[4, 5]),
        ]);
        let o = priorities(&g, &[6]);
        assert!(o[4] < o[2] && o[4] < o[3], "b0 runs before a2, a3 are read");
        assert!(o[0] < o[4] && o[1] < o[4]);
        assert!(o[5] < o[6]);
    }

    /// The deep side of a join runs before the shallow leaf.
    /// ```text
    ///  x0
    ///  |
    ///  x1    y
    ///   \   /
    ///    z
    /// ```
    #[test]
    fn tallest_dependency_first() {
        let g = graph(&[("y", &[]), ("x0", &[]), ("x1", &[1]), ("z", &[0, 2])]);
        let o = priorities(&g, &[3]);
        assert!(o[1] < o[2] && o[2] < o[0] && o[0] < o[3]);
    }

    /// Outputs are opened in the order requested; every task gets a priority.
    /// ```text
    /// p   q
    /// |   |
    /// P   Q
    /// ```
    #[test]
    fn outputs_in_request_order_and_all_ranked() {
        let g = graph(&[("p", &[]), ("q", &[]), ("P", &[0]), ("Q", &[1])]);
        let o = priorities(&g, &[3, 2]);
        assert!(o[1] < o[3] && o[3] < o[0] && o[0] < o[2]);
        let mut sorted = o.clone();
        sorted.sort();
        assert_eq!(sorted, [0, 1, 2, 3]);
    }
}
