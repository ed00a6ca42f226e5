//! One execution of a graph: the state machine every scheduler shares.
//!
//! Policy, in the spirit of `dask/local.py`:
//! - A task is *ready* when all its dependencies have values. Ready tasks sit
//!   in one heap ordered by the static priorities of [`crate::graph::order`];
//!   a worker always takes the highest-priority ready task.
//! - When a task finishes, each dependency whose last consumer it was (and
//!   that is not an output) is dropped at once, outside the lock, so an
//!   intermediate lives exactly as long as something still needs it.
//! - The first failure wins: it is recorded, the run is marked done and no
//!   further task starts. Tasks already running finish and are discarded.
//! - Python tasks need the GIL. A worker that holds it keeps it for the next
//!   ready Python task (up to [`GIL_SLICE`]) instead of handing it over for
//!   every call; Python code cannot run in parallel anyway, and a task that
//!   blocks (I/O, `time.sleep`) releases the GIL inside the call, so others
//!   still overlap with it.
//!
//! `threads` starts `num_workers` copies of [`Run::worker_loop`] on the
//! [`Pool`](super::pool::Pool); `sync` drives [`Run::step`] on the calling
//! thread.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::pool::Pool;
use super::pytask;
use crate::error::{FxError, FxResult, TaskError};
use crate::graph::{order, Graph, Op};
use crate::value::Value;

/// How long a worker keeps the GIL across consecutive Python tasks.
pub const GIL_SLICE: Duration = Duration::from_millis(5);

/// A task taken off the ready heap, with its inputs.
pub type Claimed = (u32, Vec<Value>);

/// The shared state of one graph execution.
pub struct Run {
    graph: Arc<Graph>,
    outputs: Vec<u32>,
    prio: Vec<u32>,
    /// `dependents[off[i]..off[i + 1]]` are the tasks reading task `i`.
    dependents: Vec<u32>,
    offsets: Vec<u32>,
    is_output: Vec<bool>,
    state: Mutex<State>,
    work: Condvar,
    finished_cv: Condvar,
    finished: AtomicUsize,
    cancelled: AtomicBool,
}

struct State {
    ready: BinaryHeap<Reverse<(u32, u32)>>,
    waiting: Vec<u32>,
    consumers: Vec<u32>,
    results: Vec<Option<Value>>,
    remaining: usize,
    error: Option<FxError>,
    done: bool,
    /// Values held right now, and the most ever held at once.
    live: usize,
    peak_live: usize,
}

impl Run {
    /// Prepare a run of `graph` producing `outputs` (indices into the graph).
    pub fn new(graph: Arc<Graph>, outputs: Vec<u32>) -> Arc<Run> {
        let n = graph.len();
        let prio = order::priorities(&graph, &outputs);
        let mut counts = vec![0u32; n + 1];
        for task in &graph.tasks {
            for &d in &task.deps {
                counts[d as usize + 1] += 1;
            }
        }
        let mut offsets = counts;
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut dependents = vec![0u32; offsets[n] as usize];
        for (i, task) in graph.tasks.iter().enumerate() {
            for &d in &task.deps {
                dependents[fill[d as usize] as usize] = i as u32;
                fill[d as usize] += 1;
            }
        }
        let mut is_output = vec![false; n];
        for &o in &outputs {
            is_output[o as usize] = true;
        }
        let waiting: Vec<u32> = graph.tasks.iter().map(|t| t.deps.len() as u32).collect();
        let consumers: Vec<u32> = (0..n).map(|i| offsets[i + 1] - offsets[i]).collect();
        let ready = (0..n as u32)
            .filter(|&i| waiting[i as usize] == 0)
            .map(|i| Reverse((prio[i as usize], i)))
            .collect();
        let state = State {
            ready,
            waiting,
            consumers,
            results: vec![None; n],
            remaining: n,
            error: None,
            done: n == 0,
            live: 0,
            peak_live: 0,
        };
        Arc::new(Run {
            graph,
            outputs,
            prio,
            dependents,
            offsets,
            is_output,
            state: Mutex::new(state),
            work: Condvar::new(),
            finished_cv: Condvar::new(),
            finished: AtomicUsize::new(0),
            cancelled: AtomicBool::new(false),
        })
    }

    /// Start `num_workers` workers on the global pool.
    pub fn start_threads(self: &Arc<Run>, num_workers: usize) {
        let workers = num_workers.max(1).min(self.graph.len().max(1));
        for _ in 0..workers {
            let run = Arc::clone(self);
            Pool::global().spawn(move || run.worker_loop());
        }
    }

    /// Number of tasks in the run.
    pub fn total(&self) -> usize {
        self.graph.len()
    }

    /// Number of tasks finished so far.
    pub fn finished(&self) -> usize {
        self.finished.load(Ordering::Relaxed)
    }

    /// Stop the run: no further task starts and waiters see `Cancelled`.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        let mut st = self.state.lock();
        if st.error.is_none() && !st.done {
            st.error = Some(FxError::Cancelled);
        }
        st.done = true;
        self.work.notify_all();
        self.finished_cv.notify_all();
    }

    /// Wait up to `timeout` for the run to end; true when it has.
    pub fn wait(&self, timeout: Duration) -> bool {
        let mut st = self.state.lock();
        if !st.done {
            self.finished_cv.wait_for(&mut st, timeout);
        }
        st.done
    }

    /// The outputs' values, or the error that ended the run.
    pub fn take_results(&self) -> FxResult<Vec<Value>> {
        let mut st = self.state.lock();
        if let Some(err) = st.error.take() {
            return Err(err);
        }
        // Move the values out (so a sole owner can hand its buffer on without
        // a copy); an output requested twice is cloned from the first.
        let mut out: Vec<Value> = Vec::with_capacity(self.outputs.len());
        for (i, &o) in self.outputs.iter().enumerate() {
            let value = match st.results[o as usize].take() {
                Some(v) => v,
                None => {
                    let first = self.outputs[..i].iter().position(|&p| p == o);
                    match first {
                        Some(j) => out[j].clone(),
                        None => return Err(FxError::Cancelled),
                    }
                }
            };
            out.push(value);
        }
        Ok(out)
    }

    /// The most task values held at once so far (outputs included).
    pub fn peak_live(&self) -> usize {
        self.state.lock().peak_live
    }

    fn claim(&self, st: &mut State) -> Option<Claimed> {
        if st.done {
            return None;
        }
        let Reverse((_, idx)) = st.ready.pop()?;
        let inputs = self.graph.tasks[idx as usize]
            .deps
            .iter()
            .map(|&d| {
                st.results[d as usize]
                    .clone()
                    .expect("dependencies ran first")
            })
            .collect();
        Some((idx, inputs))
    }

    /// Take the best ready task, waiting for one; `None` once the run is done.
    pub fn claim_blocking(&self) -> Option<Claimed> {
        let mut st = self.state.lock();
        loop {
            if st.done {
                return None;
            }
            if let Some(claimed) = self.claim(&mut st) {
                return Some(claimed);
            }
            self.work.wait(&mut st);
        }
    }

    /// Take the best ready task if there is one.
    pub fn try_claim(&self) -> Option<Claimed> {
        self.claim(&mut self.state.lock())
    }

    /// Whether the task at `idx` needs the GIL.
    pub fn needs_gil(&self, idx: u32) -> bool {
        self.graph.tasks[idx as usize].op.needs_gil()
    }

    /// Run one claimed task and record its outcome.
    pub fn execute(&self, (idx, inputs): Claimed) {
        let task = &self.graph.tasks[idx as usize];
        let outcome = if self.cancelled.load(Ordering::Relaxed) {
            Err(TaskError::Native(Box::new(FxError::Cancelled)))
        } else {
            match &task.op {
                Op::Kernel(kernel) => {
                    match catch_unwind(AssertUnwindSafe(|| kernel.run(&inputs))) {
                        Ok(result) => result.map_err(|e| TaskError::Native(Box::new(e))),
                        Err(panic) => Err(TaskError::Native(Box::new(FxError::InvalidArgument(
                            format!(
                                "kernel `{}` panicked: {}",
                                kernel.name(),
                                panic_message(&panic)
                            ),
                        )))),
                    }
                }
                Op::Python(call) => pytask::call(call, &inputs),
                Op::Literal(value) => Ok(value.clone()),
                Op::Alias => Ok(inputs[0].clone()),
            }
        };
        drop(inputs);
        let outcome = outcome.map_err(|source| FxError::TaskFailed {
            key: task.key.to_string(),
            source,
        });
        let freed = self.complete(idx, outcome);
        drop(freed);
    }

    fn complete(&self, idx: u32, outcome: FxResult<Value>) -> Vec<Value> {
        let mut freed = Vec::new();
        let mut st = self.state.lock();
        if st.done {
            if let Ok(v) = outcome {
                freed.push(v);
            }
            return freed;
        }
        let value = match outcome {
            Ok(v) => v,
            Err(err) => {
                st.error = Some(err);
                st.done = true;
                self.cancelled.store(true, Ordering::SeqCst);
                self.work.notify_all();
                self.finished_cv.notify_all();
                return freed;
            }
        };
        let i = idx as usize;
        st.results[i] = Some(value);
        st.live += 1;
        st.peak_live = st.peak_live.max(st.live);
        let mut newly_ready = 0;
        for &d in &self.dependents[self.offsets[i] as usize..self.offsets[i + 1] as usize] {
            let w = &mut st.waiting[d as usize];
            *w -= 1;
            if *w == 0 {
                st.ready.push(Reverse((self.prio[d as usize], d)));
                newly_ready += 1;
            }
        }
        for &d in &self.graph.tasks[i].deps {
            let c = &mut st.consumers[d as usize];
            *c -= 1;
            if *c == 0 && !self.is_output[d as usize] {
                if let Some(v) = st.results[d as usize].take() {
                    st.live -= 1;
                    freed.push(v);
                }
            }
        }
        st.remaining -= 1;
        self.finished.fetch_add(1, Ordering::Relaxed);
        if st.remaining == 0 {
            st.done = true;
            self.work.notify_all();
            self.finished_cv.notify_all();
        } else {
            // The calling worker takes one of the new tasks itself.
            for _ in 1..newly_ready {
                self.work.notify_one();
            }
        }
        freed
    }

    /// A worker: claim, run, repeat until the run is done.
    pub fn worker_loop(&self) {
        let mut pending: Option<Claimed> = None;
        loop {
            let Some(claimed) = pending.take().or_else(|| self.claim_blocking()) else {
                return;
            };
            if self.needs_gil(claimed.0) {
                pending = pytask::attached(|| self.python_stretch(claimed));
            } else {
                self.execute(claimed);
            }
        }
    }

    /// Run Python tasks back to back while holding the GIL; returns the first
    /// claimed task that should run without it.
    fn python_stretch(&self, first: Claimed) -> Option<Claimed> {
        let started = Instant::now();
        let mut claimed = first;
        loop {
            self.execute(claimed);
            match self.try_claim() {
                Some(next) if self.needs_gil(next.0) && started.elapsed() < GIL_SLICE => {
                    claimed = next;
                }
                other => return other,
            }
        }
    }

    /// The `sync` scheduler: run ready tasks in priority order on the calling
    /// thread, calling `check` every few tasks (signals, progress).
    pub fn run_sync(&self, check: &mut dyn FnMut(&Run) -> FxResult<()>) -> FxResult<Vec<Value>> {
        let mut since_check = Instant::now();
        while let Some(claimed) = self.try_claim() {
            self.execute(claimed);
            if since_check.elapsed() > Duration::from_millis(50) {
                since_check = Instant::now();
                if let Err(err) = check(self) {
                    self.cancel();
                    let _ = self.take_results();
                    return Err(err);
                }
            }
        }
        check(self)?;
        self.take_results()
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Kernel, Key, Node};
    use std::sync::atomic::AtomicUsize;

    type Body = Box<dyn Fn(&[Value]) -> FxResult<Value> + Send + Sync>;

    struct TestKernel(Body);

    impl Kernel for TestKernel {
        fn name(&self) -> &str {
            "test"
        }
        fn run(&self, inputs: &[Value]) -> FxResult<Value> {
            (self.0)(inputs)
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    fn kernel(f: impl Fn(&[Value]) -> FxResult<Value> + Send + Sync + 'static) -> Op {
        Op::Kernel(Arc::new(TestKernel(Box::new(f))))
    }

    fn int(v: &Value) -> i64 {
        match v {
            Value::Int(i) => *i,
            other => panic!("expected an int, got {other:?}"),
        }
    }

    fn sum_inputs() -> Op {
        kernel(|xs| Ok(Value::Int(xs.iter().map(int).sum::<i64>() + 1)))
    }

    fn key(name: &str, i: i64) -> Key {
        Key::Tuple(Arc::from(name), vec![i].into_boxed_slice())
    }

    /// `chains` chains of `len` increments, summed by one final task.
    fn chains(chains: i64, len: i64) -> Arc<Node> {
        let ends = (0..chains)
            .map(|c| {
                let mut node =
                    Node::new(key(&format!("c{c}"), 0), Op::Literal(Value::Int(c)), vec![]);
                for i in 1..len {
                    node = Node::new(key(&format!("c{c}"), i), sum_inputs(), vec![node]);
                }
                node
            })
            .collect();
        Node::new(
            Key::from("total"),
            kernel(|xs| Ok(Value::Int(xs.iter().map(int).sum()))),
            ends,
        )
    }

    fn expected(chains: i64, len: i64) -> i64 {
        (0..chains).map(|c| c + len - 1).sum()
    }

    fn run_threads(root: &Arc<Node>, workers: usize) -> (Arc<Run>, FxResult<Vec<Value>>) {
        let (graph, outputs) = Graph::from_nodes(std::slice::from_ref(root));
        let run = Run::new(Arc::new(graph), outputs);
        run.start_threads(workers);
        while !run.wait(Duration::from_millis(50)) {}
        let out = run.take_results();
        (run, out)
    }

    #[test]
    fn threads_and_sync_agree() {
        let root = chains(8, 500);
        let (_, out) = run_threads(&root, 4);
        assert_eq!(int(&out.unwrap()[0]), expected(8, 500));
        let (graph, outputs) = Graph::from_nodes(std::slice::from_ref(&root));
        let run = Run::new(Arc::new(graph), outputs);
        let out = run.run_sync(&mut |_| Ok::<(), FxError>(())).unwrap();
        assert_eq!(int(&out[0]), expected(8, 500));
    }

    /// A chain holds at most its current input and output, plus the literal.
    #[test]
    fn intermediates_are_released_after_their_last_consumer() {
        let root = chains(1, 1000);
        let (run, out) = run_threads(&root, 2);
        assert_eq!(int(&out.unwrap()[0]), expected(1, 1000));
        assert!(run.peak_live() <= 2, "peak live values {}", run.peak_live());
    }

    /// With one worker, independent chains run one after the other (depth
    /// first), so few values are alive at once.
    #[test]
    fn depth_first_keeps_the_working_set_small() {
        let root = chains(50, 20);
        let (graph, outputs) = Graph::from_nodes(std::slice::from_ref(&root));
        let run = Run::new(Arc::new(graph), outputs);
        run.run_sync(&mut |_| Ok::<(), FxError>(())).unwrap();
        // One finished end per chain, plus the chain in progress.
        assert!(
            run.peak_live() <= 50 + 2,
            "peak live values {}",
            run.peak_live()
        );
    }

    #[test]
    fn first_error_wins_and_stops_the_run() {
        static AFTER: AtomicUsize = AtomicUsize::new(0);
        // The failing task sits at the bottom of the taller branch, so it
        // runs first; the shorter branch must then not run to its end.
        let mut bad = Node::new(
            Key::from("bad"),
            kernel(|_| Err(FxError::InvalidArgument("boom".into()))),
            vec![],
        );
        for i in 0..200 {
            bad = Node::new(key("above-bad", i), Op::Alias, vec![bad]);
        }
        let mut node = Node::new(key("later", 0), Op::Literal(Value::Int(0)), vec![]);
        for i in 1..100 {
            node = Node::new(
                key("later", i),
                kernel(|_| {
                    AFTER.fetch_add(1, Ordering::SeqCst);
                    Ok(Value::Unit)
                }),
                vec![node],
            );
        }
        let root = Node::new(Key::from("root"), Op::Alias, vec![bad, node]);
        let (_, out) = run_threads(&root, 1);
        match out {
            Err(FxError::TaskFailed {
                key,
                source: TaskError::Native(e),
            }) => {
                assert_eq!(key, "'bad'");
                assert_eq!(e.to_string(), "boom");
            }
            other => panic!("expected a task failure, got {other:?}"),
        }
        assert!(
            AFTER.load(Ordering::SeqCst) < 99,
            "the run went on after the failure"
        );
    }

    #[test]
    fn panics_become_errors() {
        let root = Node::new(Key::from("p"), kernel(|_| panic!("kaboom")), vec![]);
        let (_, out) = run_threads(&root, 1);
        let msg = out.unwrap_err().to_string();
        assert!(msg.contains("kaboom") && msg.contains("'p'"), "{msg}");
    }

    #[test]
    fn cancel_ends_the_wait_promptly() {
        let mut node = Node::new(key("s", 0), Op::Literal(Value::Int(0)), vec![]);
        for i in 1..1000 {
            node = Node::new(
                key("s", i),
                kernel(|_| {
                    std::thread::sleep(Duration::from_millis(5));
                    Ok(Value::Int(0))
                }),
                vec![node],
            );
        }
        let (graph, outputs) = Graph::from_nodes(std::slice::from_ref(&node));
        let run = Run::new(Arc::new(graph), outputs);
        run.start_threads(2);
        std::thread::sleep(Duration::from_millis(30));
        let t = Instant::now();
        run.cancel();
        assert!(run.wait(Duration::from_secs(1)));
        assert!(t.elapsed() < Duration::from_millis(100));
        assert!(matches!(run.take_results(), Err(FxError::Cancelled)));
        assert!(run.finished() < 999);
    }

    #[test]
    fn sync_runs_in_priority_order() {
        let log = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let leaf = |name: &'static str| {
            let log = log.clone();
            Node::new(
                Key::from(name),
                kernel(move |_| {
                    log.lock().push(name);
                    Ok(Value::Int(1))
                }),
                vec![],
            )
        };
        let join = |name: &'static str, deps: Vec<Arc<Node>>| {
            let log = log.clone();
            Node::new(
                Key::from(name),
                kernel(move |_| {
                    log.lock().push(name);
                    Ok(Value::Int(1))
                }),
                deps,
            )
        };
        let b0 = join("b0", vec![leaf("a0"), leaf("a1")]);
        let b1 = join("b1", vec![leaf("a2"), leaf("a3")]);
        let root = join("c", vec![b0, b1]);
        let (graph, outputs) = Graph::from_nodes(std::slice::from_ref(&root));
        let run = Run::new(Arc::new(graph), outputs);
        run.run_sync(&mut |_| Ok::<(), FxError>(())).unwrap();
        assert_eq!(*log.lock(), ["a0", "a1", "b0", "a2", "a3", "b1", "c"]);
    }
}
