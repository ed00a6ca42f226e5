//! The one door for long calls: run a graph with the GIL released.
//!
//! The calling thread waits with the GIL released, waking every
//! [`POLL`] to report progress and to check for signals, so Ctrl-C cancels a
//! compute within a second (the run stops starting tasks; a Python call in
//! flight finishes on its worker and is discarded). `sync` runs on the calling
//! thread and checks between tasks.

use std::sync::Arc;
use std::time::Duration;

use pyo3::prelude::*;

use super::convert::Scheduler;
use crate::executor::Run;
use crate::graph::{Graph, Node};
use crate::value::Value;

/// How often a waiting compute wakes to check signals and report progress.
pub const POLL: Duration = Duration::from_millis(50);

/// Run `graph` to produce `outputs` on `scheduler`, calling `progress(done,
/// total)` from the calling thread as tasks finish.
pub fn run_graph(
    py: Python<'_>,
    graph: Graph,
    outputs: Vec<u32>,
    scheduler: Scheduler,
    num_workers: usize,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<Value>> {
    let run = Run::new(Arc::new(graph), outputs);
    let report = |run: &Run| -> PyResult<()> {
        if let Some(cb) = progress {
            cb.call1((run.finished(), run.total()))?;
        }
        Ok(())
    };
    match scheduler {
        Scheduler::Sync => {
            let mut interrupted: Option<PyErr> = None;
            let outcome = run.run_sync(&mut |run| {
                let checked = py.check_signals().and_then(|()| report(run));
                checked.map_err(|e| {
                    interrupted = Some(e);
                    crate::error::FxError::Cancelled
                })
            });
            match (outcome, interrupted) {
                (_, Some(err)) => Err(err),
                (outcome, None) => Ok(outcome?),
            }
        }
        Scheduler::Threads => {
            run.start_threads(num_workers);
            loop {
                let done = py.detach(|| run.wait(POLL));
                if let Err(err) = py.check_signals().and_then(|()| report(&run)) {
                    run.cancel();
                    return Err(err);
                }
                if done {
                    return Ok(run.take_results()?);
                }
            }
        }
    }
}

/// Flatten the graphs below `roots` and run them; the roots' values, in order.
pub fn run_nodes(
    py: Python<'_>,
    roots: &[Arc<Node>],
    scheduler: Scheduler,
    num_workers: usize,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<Value>> {
    let (graph, outputs) = Graph::from_nodes(roots);
    run_graph(py, graph, outputs, scheduler, num_workers, progress)
}
