//! Chunked n-d arrays: the kernels and expressions behind `ferrox.array`.
//!
//! - [`dtype`]: dtypes and NumPy's promotion rules.
//! - [`chunk`]: `ArrayChunk`, one block, and dtype dispatch.
//! - [`chunks`]: chunkings (normalizing, validating, unifying).
//! - [`expr`]: array expressions, validated when built.
//! - [`lower`]: expressions to tasks, with blockwise fusion.
//! - [`program`]: how one block is computed inside a task (fused, tiled).
//! - [`kernels`]: the task kernels (blocks, reduction steps, scans, …).
//! - [`elementwise`], [`reductions`], [`random`], [`linalg`]: the kernels;
//!   [`blas`] an optional OpenBLAS for float products.

pub mod blas;
pub mod chunk;
pub mod chunks;
pub mod dtype;
pub mod elementwise;
pub mod expr;
pub mod kernels;
pub mod linalg;
pub mod lower;
pub mod program;
pub mod random;
pub mod reductions;
pub mod scan;
pub mod structure;
