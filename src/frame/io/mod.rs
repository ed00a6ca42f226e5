//! File sources and sinks, one module per format: CSV and Parquet readers
//! ([`Source`]s over polars-io's readers).
//!
//! [`Source`]: super::source::Source

pub mod csv;
pub mod parquet;
