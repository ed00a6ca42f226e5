//! Tasks: an operation and the keys it depends on.
//!
//! A task's operation is one of
//! - a native [`Kernel`] that runs without the GIL on the task's inputs,
//! - a Python call ([`PyCall`]), which the executor runs holding the GIL for
//!   the call only,
//! - a literal value, or an alias of its single dependency.
//!
//! Operations refer to their inputs by position in the task's `deps`, so the
//! same operation can be reused under any keys.

use std::sync::Arc;

use super::key::Key;
use crate::error::FxResult;
use crate::executor::pytask::PyCall;
use crate::value::Value;

/// A native operation, run on worker threads without the GIL.
pub trait Kernel: Send + Sync {
    /// A short name for graph displays (`"inc"`, `"sum"`).
    fn name(&self) -> &str;
    /// Compute the output from the values of the task's dependencies, in
    /// `deps` order.
    fn run(&self, inputs: &[Value]) -> FxResult<Value>;
    /// The kernel as `Any`, so the PyO3 edge can export known kernels.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// What a task does.
#[derive(Clone)]
pub enum Op {
    /// A native kernel.
    Kernel(Arc<dyn Kernel>),
    /// A Python callable applied to arguments built from the inputs.
    Python(Arc<PyCall>),
    /// A value known when the graph is built.
    Literal(Value),
    /// The value of the task's only dependency.
    Alias,
}

impl Op {
    /// Whether running this operation needs the GIL.
    pub fn needs_gil(&self) -> bool {
        matches!(self, Op::Python(_))
    }
}

/// One node of a lazily built graph: a key, an operation and the nodes it
/// depends on. Collections hold `Arc<Node>`s; building an expression is O(1)
/// and never copies the graph below it.
pub struct Node {
    /// The task's key.
    pub key: Key,
    /// What the task does.
    pub op: Op,
    /// The nodes whose values the operation reads, in argument order.
    pub deps: Vec<Arc<Node>>,
}

impl Node {
    /// A node with the given key, operation and dependencies.
    pub fn new(key: Key, op: Op, deps: Vec<Arc<Node>>) -> Arc<Node> {
        Arc::new(Node { key, op, deps })
    }
}

/// Dropping a chain of 100,000 nodes recursively would overflow the stack;
/// unlink the chain iteratively instead.
impl Drop for Node {
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.deps);
        while let Some(dep) = stack.pop() {
            if let Ok(mut node) = Arc::try_unwrap(dep) {
                stack.append(&mut node.deps);
            }
        }
    }
}

/// A task in a flattened [`Graph`](super::Graph): dependencies are indices.
pub struct Task {
    /// The task's key.
    pub key: Key,
    /// What the task does.
    pub op: Op,
    /// Indices of the tasks whose values the operation reads.
    pub deps: Vec<u32>,
}
