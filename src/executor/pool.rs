//! The process-wide worker pool.
//!
//! Threads are created on demand and kept for the life of the process, so a
//! compute after the first pays no thread start-up. A run asks for as many
//! workers as its `num_workers`; if some threads are still busy with an
//! abandoned task (a compute interrupted by Ctrl-C while a Python call was
//! sleeping), the pool simply starts more, so it stays usable.

use std::collections::VecDeque;
use std::sync::OnceLock;

use parking_lot::{Condvar, Mutex};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A pool of detached worker threads fed from one job queue.
pub struct Pool {
    inner: Mutex<Inner>,
    cv: Condvar,
}

struct Inner {
    jobs: VecDeque<Job>,
    idle: usize,
    threads: usize,
}

/// Worker threads run Python callables too, whose recursion uses the C stack.
const STACK_SIZE: usize = 16 << 20;

impl Pool {
    const fn new() -> Pool {
        Pool {
            inner: Mutex::new(Inner {
                jobs: VecDeque::new(),
                idle: 0,
                threads: 0,
            }),
            cv: Condvar::new(),
        }
    }

    /// The pool shared by every run of the process.
    pub fn global() -> &'static Pool {
        static POOL: OnceLock<Pool> = OnceLock::new();
        POOL.get_or_init(Pool::new)
    }

    /// Number of threads the pool has started so far.
    pub fn threads(&self) -> usize {
        self.inner.lock().threads
    }

    /// Run `job` on a pool thread, starting a thread if none is idle.
    pub fn spawn(&'static self, job: impl FnOnce() + Send + 'static) {
        let mut inner = self.inner.lock();
        inner.jobs.push_back(Box::new(job));
        if inner.jobs.len() > inner.idle {
            inner.threads += 1;
            let name = format!("ferrox-worker-{}", inner.threads);
            drop(inner);
            std::thread::Builder::new()
                .name(name)
                .stack_size(STACK_SIZE)
                .spawn(move || self.thread_main())
                .expect("the OS refused to start a worker thread");
        } else {
            self.cv.notify_one();
        }
    }

    fn thread_main(&self) {
        let mut inner = self.inner.lock();
        loop {
            match inner.jobs.pop_front() {
                Some(job) => {
                    drop(inner);
                    // A job reports its own failures; a panic must not kill
                    // the thread, which other runs still count on.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    inner = self.inner.lock();
                }
                None => {
                    inner.idle += 1;
                    self.cv.wait(&mut inner);
                    inner.idle -= 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    #[test]
    fn runs_every_job_concurrently() {
        let pool = Pool::global();
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let go_rx = std::sync::Arc::new(std::sync::Mutex::new(go_rx));
        for _ in 0..4 {
            let tx = tx.clone();
            let go_rx = go_rx.clone();
            pool.spawn(move || {
                STARTED.fetch_add(1, Ordering::SeqCst);
                // All four must be running at once for this to return.
                while STARTED.load(Ordering::SeqCst) < 4 {
                    std::thread::yield_now();
                }
                let _ = go_rx.lock().unwrap().try_recv();
                tx.send(()).unwrap();
            });
        }
        drop(go_tx);
        for _ in 0..4 {
            rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        }
        assert!(pool.threads() >= 4);
    }

    #[test]
    fn survives_a_panicking_job() {
        let pool = Pool::global();
        pool.spawn(|| panic!("boom"));
        let (tx, rx) = mpsc::channel();
        pool.spawn(move || tx.send(7).unwrap());
        assert_eq!(
            rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap(),
            7
        );
    }
}
