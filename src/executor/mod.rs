//! Running task graphs.
//!
//! - [`run`]: the state of one execution — ready heap by static priority,
//!   dependency counting, early release of intermediates, first error wins.
//! - [`pool`]: the process-wide worker threads the `threads` scheduler uses.
//! - [`pytask`]: Python tasks, the only place the executor touches the GIL.
//! - [`native`]: native scalar operations.

pub mod native;
pub mod pool;
pub mod pytask;
pub mod run;

pub use run::Run;
