//! Lowering array expressions to tasks, with blockwise fusion.
//!
//! Policy:
//! - A blockwise expression (sources, generators, elementwise maps) used by
//!   exactly one consumer is *fused* into that consumer: the consumer's task
//!   evaluates a small [`Program`] per block instead of reading a separate
//!   task's output, so `(a + 1) * 2 - b` on random `a` and `b` is one task per
//!   block, and the chunk step of a reduction runs on the fused block.
//! - An expression used more than once, or a non-blockwise one (reduction,
//!   rechunk), gets its own task per block, keyed `(name, i, j, …)`, so shared
//!   work runs once.
//! - Reductions build a combine tree with fan-in `split_every` over the
//!   reduced axes and finish with one aggregate task per output block.

use std::collections::HashMap;
use std::sync::Arc;

use super::chunks;
use super::chunks::{block_indices, block_shape, offsets};
use super::expr::{ArrayExpr, BlockCall, CallDep, Kind, Operand};
use super::kernels::{
    Assemble, BlockKernel, FlatAssemble, FlatPiece, GatherKernel, MatMulBlock, Overlap, Piece,
    ReduceAggregate, ReduceChunk, ReduceCombine, ScanKernel,
};
use super::program::{Program, Sequence};
use super::reductions::BlockPlace;
use super::scan::ScanOp;
use crate::graph::{Key, Node, Op};

/// How many consumers may each draw a shared generator again instead of
/// sharing its materialized blocks.
const MAX_REDRAWS: usize = 4;

/// Builds task nodes for array expressions.
#[derive(Default)]
pub struct Lowerer {
    consumers: HashMap<*const ArrayExpr, usize>,
    nodes: HashMap<(*const ArrayExpr, Vec<usize>), Arc<Node>>,
    /// Carry tasks of scans, by expression and block.
    carries: HashMap<(*const ArrayExpr, Vec<usize>), Arc<Node>>,
    /// Keep the expressions alive while their addresses are map keys.
    keep: Vec<Arc<ArrayExpr>>,
}

fn key(name: &str, idx: &[usize]) -> Key {
    Key::Tuple(Arc::from(name), idx.iter().map(|&i| i as i64).collect())
}

fn children(e: &ArrayExpr) -> Vec<&Arc<ArrayExpr>> {
    match &e.kind {
        Kind::Map(_, ops) => ops
            .iter()
            .filter_map(|o| match o {
                Operand::Array(a) => Some(a),
                Operand::Scalar(_) => None,
            })
            .collect(),
        Kind::Reduce { input, .. }
        | Kind::Rechunk(input)
        | Kind::Transpose { input, .. }
        | Kind::Index { input, .. }
        | Kind::Scan { input, .. }
        | Kind::Reshape(input) => vec![input],
        Kind::MatMul(a, b) => vec![a, b],
        Kind::FromTask { .. } => vec![],
        Kind::Gather { input, .. } => vec![input],
        Kind::MapBlocks { inputs, .. }
        | Kind::Concatenate { inputs, .. }
        | Kind::Calls { inputs, .. } => inputs.iter().collect(),
        _ => vec![],
    }
}

impl Lowerer {
    /// A lowerer for graphs whose outputs are `roots`.
    pub fn new(roots: &[Arc<ArrayExpr>]) -> Lowerer {
        let mut l = Lowerer::default();
        let mut stack: Vec<Arc<ArrayExpr>> = roots.to_vec();
        for r in roots {
            // Outputs count as a consumer: they are materialized.
            *l.consumers.entry(Arc::as_ptr(r)).or_insert(0) += 1;
        }
        let mut visited = std::collections::HashSet::new();
        while let Some(e) = stack.pop() {
            if !visited.insert(Arc::as_ptr(&e)) {
                continue;
            }
            for c in children(&e) {
                *l.consumers.entry(Arc::as_ptr(c)).or_insert(0) += 1;
                stack.push(c.clone());
            }
            l.keep.push(e);
        }
        l
    }

    /// The node producing block `idx` of `e`.
    pub fn block(&mut self, e: &Arc<ArrayExpr>, idx: &[usize]) -> Arc<Node> {
        let k = (Arc::as_ptr(e), idx.to_vec());
        if let Some(n) = self.nodes.get(&k) {
            return n.clone();
        }
        let node = match &e.kind {
            Kind::Reduce { .. } => self.reduce_block(e, idx),
            Kind::Rechunk(input) => self.rechunk_block(e, input, idx),
            Kind::Scan { op, input, axis } => self.scan_block(e, *op, input, *axis, idx),
            Kind::Reshape(input) => self.reshape_block(e, input, idx),
            Kind::FromTask { node, call } => Node::new(
                key(&e.name, idx),
                Op::Python(call.clone()),
                vec![node.clone()],
            ),
            Kind::MapBlocks { call, inputs } => {
                let deps = inputs.iter().map(|a| self.block(a, idx)).collect();
                Node::new(key(&e.name, idx), Op::Python(call.clone()), deps)
            }
            Kind::Gather {
                input,
                axis,
                indices,
            } => self.gather_block(e, input, *axis, indices, idx),
            Kind::Calls { inputs, blocks } => {
                let flat = chunks::flat_index(&e.numblocks(), idx);
                let BlockCall { call, deps } = &blocks[flat];
                let deps = deps
                    .iter()
                    .map(|d| match d {
                        CallDep::Block(i, bidx) => self.block(&inputs[*i], bidx),
                        CallDep::Task(node) => node.clone(),
                    })
                    .collect();
                Node::new(key(&e.name, idx), Op::Python(call.clone()), deps)
            }
            Kind::MatMul(a, b) => {
                let mut deps = Vec::new();
                let k = a.numblocks()[1];
                // Each input block feeds a whole row or column of output
                // blocks: materialize it once instead of fusing it.
                let mut input = |x: &Arc<ArrayExpr>, i: usize, j: usize| {
                    deps.push(self.block(x, &[i, j]));
                    Program::Input((deps.len() - 1) as u32)
                };
                let left = (0..k).map(|kk| input(a, idx[0], kk)).collect();
                let right = (0..k).map(|kk| input(b, kk, idx[1])).collect();
                let kernel = MatMulBlock {
                    left,
                    right,
                    out: e.dtype,
                };
                Node::new(key(&e.name, idx), Op::Kernel(Arc::new(kernel)), deps)
            }
            _ => {
                let mut deps = Vec::new();
                let program = self.program(e, idx, &mut deps, true);
                Node::new(
                    key(&e.name, idx),
                    Op::Kernel(Arc::new(BlockKernel(program, block_shape(&e.chunks, idx)))),
                    deps,
                )
            }
        };
        self.nodes.insert(k, node.clone());
        node
    }

    /// The program computing block `idx` of `e`; inputs that are not fused
    /// become dependencies appended to `deps`.
    fn program(
        &mut self,
        e: &Arc<ArrayExpr>,
        idx: &[usize],
        deps: &mut Vec<Arc<Node>>,
        top: bool,
    ) -> Program {
        // A shared expression gets its own tasks, so its blocks are computed
        // once, unless it is a cheap generator (random values, constants,
        // ranges, slices of an in-memory array) used a few times: drawing it
        // again in each consumer costs less than keeping its blocks alive.
        let consumers = self.consumers.get(&Arc::as_ptr(e)).copied().unwrap_or(0);
        let generator = matches!(
            e.kind,
            Kind::Random { .. }
                | Kind::Full(_)
                | Kind::Arange { .. }
                | Kind::Eye { .. }
                | Kind::Source(_)
        );
        let shared = consumers > 1 && !(generator && consumers <= MAX_REDRAWS);
        if !e.kind.is_blockwise() || (shared && !top) {
            let node = self.block(e, idx);
            let pos = match deps.iter().position(|d| Arc::ptr_eq(d, &node)) {
                Some(p) => p,
                None => {
                    deps.push(node);
                    deps.len() - 1
                }
            };
            return Program::Input(pos as u32);
        }
        let shape = block_shape(&e.chunks, idx);
        match &e.kind {
            Kind::Source(src) => {
                let ranges = e
                    .chunks
                    .iter()
                    .zip(idx)
                    .map(|(c, &i)| {
                        let off = offsets(c);
                        (off[i], off[i + 1])
                    })
                    .collect();
                Program::Slice {
                    src: src.clone(),
                    ranges,
                }
            }
            Kind::Blocks(blocks) => {
                let nb = e.numblocks();
                let mut flat = 0;
                for (i, n) in idx.iter().zip(&nb) {
                    flat = flat * n + i;
                }
                Program::Const(blocks[flat].clone())
            }
            Kind::Random { dist, seed } => {
                let nb = e.numblocks();
                let mut flat = 0u64;
                for (i, n) in idx.iter().zip(&nb) {
                    flat = flat * *n as u64 + *i as u64;
                }
                Program::Random {
                    dist: *dist,
                    seed: *seed,
                    block: flat,
                    shape,
                }
            }
            Kind::Full(v) => Program::Full {
                value: v.clone(),
                shape,
            },
            Kind::Arange {
                start,
                step,
                last,
                arange_fill,
            } => Program::Arange {
                seq: Sequence {
                    start: *start,
                    step: *step,
                    last: last.map(|v| (e.shape[0] - 1, v)),
                    arange_fill: *arange_fill,
                },
                first: offsets(&e.chunks[0])[idx[0]],
                len: shape[0],
                dtype: e.dtype,
            },
            Kind::Eye { k } => Program::Eye {
                at: (offsets(&e.chunks[0])[idx[0]], offsets(&e.chunks[1])[idx[1]]),
                shape: (shape[0], shape[1]),
                k: *k,
                dtype: e.dtype,
            },
            Kind::Map(op, operands) => {
                let ndim = e.shape.len();
                let args = operands
                    .iter()
                    .map(|o| match o {
                        Operand::Scalar(s) => Program::Const(Arc::new(s.value.clone())),
                        Operand::Array(a) => {
                            let off = ndim - a.shape.len();
                            let sub: Vec<usize> = (0..a.shape.len())
                                .map(|j| {
                                    if a.chunks[j].len() == 1 {
                                        0
                                    } else {
                                        idx[j + off]
                                    }
                                })
                                .collect();
                            self.program(a, &sub, deps, false)
                        }
                    })
                    .collect();
                Program::Map(*op, args, e.dtype)
            }
            Kind::Transpose { input, axes } => {
                let mut in_idx = vec![0usize; axes.len()];
                for (i, &a) in axes.iter().enumerate() {
                    in_idx[a] = idx[i];
                }
                Program::Transpose(
                    Box::new(self.program(input, &in_idx, deps, false)),
                    axes.clone(),
                )
            }
            Kind::Index { input, takes } => {
                use super::structure::Take;
                let mut out_axis = 0;
                let mut in_idx = Vec::with_capacity(input.shape.len());
                let mut chosen = Vec::with_capacity(takes.len());
                for t in takes {
                    let pick = match &t[0] {
                        Take::Int { .. } => t[0].clone(),
                        Take::NewAxis => {
                            out_axis += 1;
                            t[0].clone()
                        }
                        Take::Range { .. } => {
                            out_axis += 1;
                            t[idx[out_axis - 1]].clone()
                        }
                    };
                    match &pick {
                        Take::Int { block, .. } | Take::Range { block, .. } => in_idx.push(*block),
                        Take::NewAxis => {}
                    }
                    chosen.push(pick);
                }
                Program::Take(Box::new(self.program(input, &in_idx, deps, false)), chosen)
            }
            Kind::Concatenate { inputs, axis } => {
                // Find the input holding output block idx[axis].
                let mut local = idx[*axis];
                let input = inputs
                    .iter()
                    .find(|a| {
                        let n = a.chunks[*axis].len();
                        if local < n {
                            true
                        } else {
                            local -= n;
                            false
                        }
                    })
                    .expect("block index within the joined axis");
                let mut in_idx = idx.to_vec();
                in_idx[*axis] = local;
                self.program(input, &in_idx, deps, false)
            }
            Kind::Reshape(_)
            | Kind::Scan { .. }
            | Kind::FromTask { .. }
            | Kind::Reduce { .. }
            | Kind::Rechunk(_)
            | Kind::MatMul(..)
            | Kind::MapBlocks { .. }
            | Kind::Gather { .. }
            | Kind::Calls { .. } => {
                unreachable!("not blockwise")
            }
        }
    }

    fn gather_block(
        &mut self,
        e: &Arc<ArrayExpr>,
        input: &Arc<ArrayExpr>,
        axis: usize,
        indices: &[usize],
        idx: &[usize],
    ) -> Arc<Node> {
        let start = offsets(&e.chunks[axis])[idx[axis]];
        let len = e.chunks[axis][idx[axis]];
        let in_off = offsets(&input.chunks[axis]);
        let mut deps = Vec::new();
        let mut dep_of: HashMap<usize, usize> = HashMap::new();
        let picks = indices[start..start + len]
            .iter()
            .map(|&i| {
                // The input block holding position i (offsets start at 0).
                let b = in_off.partition_point(|&o| o <= i) - 1;
                let dep = *dep_of.entry(b).or_insert_with(|| {
                    let mut in_idx = idx.to_vec();
                    in_idx[axis] = b;
                    deps.push(self.block(input, &in_idx));
                    deps.len() - 1
                });
                (dep, i - in_off[b])
            })
            .collect();
        let kernel = GatherKernel {
            axis,
            picks,
            shape: block_shape(&e.chunks, idx),
            dtype: e.dtype,
        };
        Node::new(key(&e.name, idx), Op::Kernel(Arc::new(kernel)), deps)
    }

    fn reduce_block(&mut self, e: &Arc<ArrayExpr>, out_idx: &[usize]) -> Arc<Node> {
        let Kind::Reduce {
            op,
            input,
            axes,
            keepdims,
            ddof,
            split_every,
        } = &e.kind
        else {
            unreachable!("a reduction")
        };
        let ndim = input.shape.len();
        let nb = input.numblocks();
        // The input block index along kept axes, from the output index.
        let mut kept_idx = vec![0usize; ndim];
        let mut o = 0;
        for (ax, slot) in kept_idx.iter_mut().enumerate() {
            if axes.contains(&ax) {
                if *keepdims {
                    o += 1;
                }
            } else {
                *slot = out_idx[o];
                o += 1;
            }
        }
        // Level 0: one chunk task per input block along the reduced axes.
        let reduced_nb: Vec<usize> = axes.iter().map(|&ax| nb[ax]).collect();
        let mut level: Vec<Arc<Node>> = Vec::new();
        let chunk_name = format!("{}-chunk", e.name);
        for r in block_indices(&reduced_nb) {
            let mut idx = kept_idx.clone();
            for (&ax, &i) in axes.iter().zip(&r) {
                idx[ax] = i;
            }
            let mut deps = Vec::new();
            let program = self.program(input, &idx, &mut deps, false);
            let place = BlockPlace {
                offset: input
                    .chunks
                    .iter()
                    .zip(&idx)
                    .map(|(c, &i)| offsets(c)[i])
                    .collect(),
                shape: input.shape.clone(),
            };
            let kernel = ReduceChunk {
                op: *op,
                axes: axes.clone(),
                out: e.dtype,
                place,
                program,
                shape: block_shape(&input.chunks, &idx),
            };
            level.push(Node::new(
                key(&chunk_name, &idx),
                Op::Kernel(Arc::new(kernel)),
                deps,
            ));
        }
        // Combine levels until one group per axis remains.
        let fan = ((*split_every as f64)
            .powf(1.0 / axes.len().max(1) as f64)
            .floor() as usize)
            .max(2);
        let mut grid = reduced_nb;
        let mut depth = 0;
        while grid.iter().any(|&n| n > fan) {
            depth += 1;
            let next: Vec<usize> = grid.iter().map(|&n| n.div_ceil(fan)).collect();
            let name = format!("{}-combine{depth}", e.name);
            let mut next_level = Vec::new();
            for g in block_indices(&next) {
                let members = group_members(&grid, &g, fan);
                let deps: Vec<Arc<Node>> = members.iter().map(|&m| level[m].clone()).collect();
                let mut idx = kept_idx.clone();
                for (&ax, &i) in axes.iter().zip(&g) {
                    idx[ax] = i;
                }
                next_level.push(Node::new(
                    key(&name, &idx),
                    Op::Kernel(Arc::new(ReduceCombine(*op))),
                    deps,
                ));
            }
            level = next_level;
            grid = next;
        }
        let kernel = ReduceAggregate {
            op: *op,
            axes: axes.clone(),
            keepdims: *keepdims,
            ddof: *ddof,
            out: e.dtype,
        };
        Node::new(key(&e.name, out_idx), Op::Kernel(Arc::new(kernel)), level)
    }

    /// Block `idx` of a scan: the local scan plus the carry of the blocks
    /// before it along `axis` (a chain of carry tasks).
    fn scan_block(
        &mut self,
        e: &Arc<ArrayExpr>,
        op: ScanOp,
        input: &Arc<ArrayExpr>,
        axis: usize,
        idx: &[usize],
    ) -> Arc<Node> {
        let local = self.scan_local(e, op, input, axis, idx);
        if idx[axis] == 0 {
            return Node::new(key(&e.name, idx), Op::Alias, vec![local]);
        }
        let carry = self.scan_carry(e, op, input, axis, idx);
        let kernel = ScanKernel::Apply(op);
        Node::new(
            key(&e.name, idx),
            Op::Kernel(Arc::new(kernel)),
            vec![local, carry],
        )
    }

    fn scan_local(
        &mut self,
        e: &Arc<ArrayExpr>,
        op: ScanOp,
        input: &Arc<ArrayExpr>,
        axis: usize,
        idx: &[usize],
    ) -> Arc<Node> {
        let mut deps = Vec::new();
        let program = self.program(input, idx, &mut deps, false);
        let kernel = ScanKernel::Local {
            op,
            axis,
            out: e.dtype,
            program,
        };
        Node::new(
            key(&format!("{}-local", e.name), idx),
            Op::Kernel(Arc::new(kernel)),
            deps,
        )
    }

    /// The carry into block `idx` (whose index along `axis` is at least 1).
    fn scan_carry(
        &mut self,
        e: &Arc<ArrayExpr>,
        op: ScanOp,
        input: &Arc<ArrayExpr>,
        axis: usize,
        idx: &[usize],
    ) -> Arc<Node> {
        let name = format!("{}-carry", e.name);
        let memo = (Arc::as_ptr(e), idx.to_vec());
        if let Some(n) = self.carries.get(&memo) {
            return n.clone();
        }
        let mut prev_idx = idx.to_vec();
        prev_idx[axis] -= 1;
        let mut deps = vec![self.scan_local(e, op, input, axis, &prev_idx)];
        if prev_idx[axis] > 0 {
            deps.push(self.scan_carry(e, op, input, axis, &prev_idx));
        }
        let node = Node::new(
            key(&name, idx),
            Op::Kernel(Arc::new(ScanKernel::Carry { op, axis })),
            deps,
        );
        self.carries.insert(memo, node.clone());
        node
    }

    /// Block `idx` of a reshape: flat ranges of the input's blocks copied
    /// into the output block's flat range.
    fn reshape_block(
        &mut self,
        e: &Arc<ArrayExpr>,
        input: &Arc<ArrayExpr>,
        idx: &[usize],
    ) -> Arc<Node> {
        let shape = block_shape(&e.chunks, idx);
        let out_row: usize = e.shape.iter().skip(1).product();
        let (lo, hi) = match e.chunks.first() {
            Some(c) => {
                let off = offsets(c);
                (off[idx[0]] * out_row, off[idx[0] + 1] * out_row)
            }
            None => (0, 1),
        };
        let in_row: usize = input.shape.iter().skip(1).product();
        let in_off: Vec<usize> = match input.chunks.first() {
            Some(c) => offsets(c).iter().map(|o| o * in_row).collect(),
            None => vec![0, 1],
        };
        let mut deps = Vec::new();
        let mut pieces = Vec::new();
        for b in 0..in_off.len() - 1 {
            let (s0, s1) = (in_off[b].max(lo), in_off[b + 1].min(hi));
            if s0 < s1 {
                let mut in_idx = vec![0usize; input.shape.len()];
                if let Some(first) = in_idx.first_mut() {
                    *first = b;
                }
                deps.push(self.block(input, &in_idx));
                pieces.push(FlatPiece {
                    input: deps.len() - 1,
                    from: s0 - in_off[b],
                    to: s0 - lo,
                    len: s1 - s0,
                });
            }
        }
        let kernel = FlatAssemble {
            shape,
            dtype: e.dtype,
            pieces,
        };
        Node::new(key(&e.name, idx), Op::Kernel(Arc::new(kernel)), deps)
    }

    fn rechunk_block(
        &mut self,
        e: &Arc<ArrayExpr>,
        input: &Arc<ArrayExpr>,
        idx: &[usize],
    ) -> Arc<Node> {
        let (pieces, deps) = self.pieces(input, &e.chunks, idx);
        let shape = block_shape(&e.chunks, idx);
        Node::new(
            key(&e.name, idx),
            Op::Kernel(Arc::new(Assemble {
                shape,
                dtype: e.dtype,
                pieces,
            })),
            deps,
        )
    }

    /// The pieces of `input`'s blocks that make block `idx` of `chunks`.
    fn pieces(
        &mut self,
        input: &Arc<ArrayExpr>,
        chunks: &[Vec<usize>],
        idx: &[usize],
    ) -> (Vec<Piece>, Vec<Arc<Node>>) {
        let ndim = chunks.len();
        // Per axis: (input block, src range, dst offset) overlapping the output block.
        let mut per_axis: Vec<Vec<Overlap>> = Vec::with_capacity(ndim);
        for ax in 0..ndim {
            let out_off = offsets(&chunks[ax]);
            let (lo, hi) = (out_off[idx[ax]], out_off[idx[ax] + 1]);
            let in_off = offsets(&input.chunks[ax]);
            let mut list = Vec::new();
            for b in 0..input.chunks[ax].len() {
                let (s, t) = (in_off[b], in_off[b + 1]);
                let (a, z) = (s.max(lo), t.min(hi));
                if a < z || (lo == hi && s == lo && list.is_empty()) {
                    list.push((b, (a - s, z - s), a - lo));
                }
            }
            per_axis.push(list);
        }
        let counts: Vec<usize> = per_axis.iter().map(|l| l.len()).collect();
        let mut pieces = Vec::new();
        let mut deps: Vec<Arc<Node>> = Vec::new();
        for combo in block_indices(&counts) {
            let in_idx: Vec<usize> = combo
                .iter()
                .enumerate()
                .map(|(ax, &c)| per_axis[ax][c].0)
                .collect();
            let node = self.block(input, &in_idx);
            deps.push(node);
            pieces.push(Piece {
                input: (deps.len() - 1) as u32,
                src: combo
                    .iter()
                    .enumerate()
                    .map(|(ax, &c)| per_axis[ax][c].1)
                    .collect(),
                dst: combo
                    .iter()
                    .enumerate()
                    .map(|(ax, &c)| per_axis[ax][c].2)
                    .collect(),
            });
        }
        (pieces, deps)
    }

    /// A node assembling every block of `e` into one array.
    pub fn whole(&mut self, e: &Arc<ArrayExpr>, key_name: &str) -> Arc<Node> {
        let whole: Vec<Vec<usize>> = e.shape.iter().map(|&n| vec![n]).collect();
        let zero = vec![0usize; e.shape.len()];
        let nb = e.numblocks();
        if nb.iter().all(|&n| n == 1) {
            let block = self.block(e, &zero);
            return Node::new(Key::from(key_name), Op::Alias, vec![block]);
        }
        let (pieces, deps) = self.pieces(e, &whole, &zero);
        Node::new(
            Key::from(key_name),
            Op::Kernel(Arc::new(Assemble {
                shape: e.shape.clone(),
                dtype: e.dtype,
                pieces,
            })),
            deps,
        )
    }
}

/// Flat positions (in `grid`'s C order) of the members of group `g`.
fn group_members(grid: &[usize], g: &[usize], fan: usize) -> Vec<usize> {
    let ranges: Vec<(usize, usize)> = g
        .iter()
        .zip(grid)
        .map(|(&i, &n)| (i * fan, ((i + 1) * fan).min(n)))
        .collect();
    let counts: Vec<usize> = ranges.iter().map(|(a, b)| b - a).collect();
    block_indices(&counts)
        .into_iter()
        .map(|c| {
            let mut flat = 0;
            for (d, &ci) in c.iter().enumerate() {
                flat = flat * grid[d] + ranges[d].0 + ci;
            }
            flat
        })
        .collect()
}
