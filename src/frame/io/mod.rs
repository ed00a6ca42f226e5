//! File sources and sinks, one module per format: CSV, Parquet and JSON
//! Lines readers ([`Source`]s over polars-io's readers), and the writers
//! behind `to_parquet` / `to_csv`.
//!
//! [`Source`]: super::source::Source

pub mod csv;
pub mod json;
pub mod parquet;
pub mod write;
