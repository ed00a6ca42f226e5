//! File sources and sinks: CSV (polars-io's reader), one [`Source`] per
//! format.
//!
//! [`Source`]: super::source::Source

pub mod csv;
