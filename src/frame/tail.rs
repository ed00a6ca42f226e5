//! `tail(n)`: the last `n` rows of the last `k` partitions, as Dask's
//! `tail` reads only the last one. Each of those partitions keeps its last
//! `n` rows and one task stacks them in order and keeps the last `n`;
//! earlier partitions are not read (a default index needs their lengths,
//! which sources that know them, or can count rows without parsing
//! values, give cheaply).

use std::sync::Arc;

use polars_core::prelude::*;

use super::expr::{token_of, FrameExpr, FrameOp};
use super::kernels::Partition;
use super::lower::partition;
use super::shuffle::stack;
use super::sort::{frames, key};
use crate::error::{FxError, FxResult};
use crate::graph::{Kernel, Node, Op};
use crate::value::Value;

struct TailKernel {
    n: usize,
    schema: Arc<Schema>,
    source: Option<Partition>,
}

impl Kernel for TailKernel {
    fn name(&self) -> &str {
        "tail"
    }
    fn run(&self, inputs: &[Value]) -> FxResult<Value> {
        let df = match &self.source {
            Some(p) => (*p.eval(inputs)?).clone(),
            None => stack(&frames(inputs)?, &self.schema)?,
        };
        Ok(Value::Frame(Arc::new(df.tail(Some(self.n)))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The last `n` rows of the last `k` partitions of `input` (one partition).
pub struct TailOp {
    input: Arc<FrameExpr>,
    n: usize,
    k: usize,
}

impl TailOp {
    fn tree(&self, name: &str, columns: &[PlSmallStr]) -> Arc<Node> {
        let (_, schema) = super::sort::needed(&self.input, columns);
        let first = self.input.npartitions - self.k;
        let parts: Vec<Arc<Node>> = (first..self.input.npartitions)
            .map(|p| {
                let mut deps = Vec::new();
                let source = partition(&self.input, p, columns, &mut deps);
                let kernel = TailKernel {
                    n: self.n,
                    schema: schema.clone(),
                    source: Some(source),
                };
                let chunk = format!("{name}-chunk");
                Node::new(key(&chunk, p), Op::Kernel(Arc::new(kernel)), deps)
            })
            .collect();
        let kernel = TailKernel {
            n: self.n,
            schema,
            source: None,
        };
        Node::new(key(name, 0), Op::Kernel(Arc::new(kernel)), parts)
    }
}

impl FrameOp for TailOp {
    fn label(&self) -> &str {
        "tail"
    }
    fn token(&self) -> u64 {
        token_of((self.n, self.k))
    }
    fn inputs(&self) -> Vec<Arc<FrameExpr>> {
        vec![self.input.clone()]
    }
    fn lower(&self, e: &Arc<FrameExpr>, _i: usize) -> Arc<Node> {
        let columns: Vec<PlSmallStr> = self.input.schema.iter_names().cloned().collect();
        self.tree(&e.name, &columns)
    }
    fn lower_columns(
        &self,
        e: &Arc<FrameExpr>,
        _i: usize,
        columns: &[PlSmallStr],
    ) -> Option<Arc<Node>> {
        // Row-wise: only the columns asked for are read.
        let name = format!("{}-{:08x}", e.name, token_of(columns) as u32);
        Some(self.tree(&name, columns))
    }
    fn describe(&self) -> String {
        format!("Tail {} of the last {} partition(s)", self.n, self.k)
    }
}

/// The last `n` rows of the last `k` partitions of `input`, as one
/// partition (a default index is materialized: the rows keep their
/// positions in the whole frame).
pub fn tail(input: &Arc<FrameExpr>, n: usize, k: usize) -> FxResult<Arc<FrameExpr>> {
    if k == 0 || k > input.npartitions {
        return Err(FxError::InvalidArgument(format!(
            "`npartitions` must be between 1 and {}, got {k}",
            input.npartitions
        )));
    }
    let input = input.row_index();
    let op = TailOp {
        input: input.clone(),
        n,
        k,
    };
    Ok(FrameExpr::op(
        Arc::new(op),
        (*input.schema).clone(),
        input.nindex,
        input.index_names.clone(),
        1,
    ))
}
