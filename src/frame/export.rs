//! Partitions to Arrow: a polars `DataFrame` becomes an `arrow-rs`
//! `RecordBatch` through the Arrow C data interface (no copy), which the
//! Python edge (`src/python/convert.rs`) hands to pyarrow.
//!
//! Strings are exported as `large_string` (polars' oldest compatibility
//! level), which pyarrow turns into pandas' default string dtype.

use std::sync::Arc;

use arrow::array::{make_array, ArrayRef};
use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use polars_core::prelude::{CompatLevel, DataFrame};

use crate::error::{FxError, FxResult};

fn arrow_err(e: arrow::error::ArrowError) -> FxError {
    FxError::InvalidArgument(format!("arrow export failed: {e}"))
}

/// One column's polars-arrow array and field as an `arrow-rs` array and field.
fn export_column(
    array: Box<dyn polars_arrow::array::Array>,
    field: &polars_arrow::datatypes::Field,
) -> FxResult<(ArrayRef, Field)> {
    let c_array = polars_arrow::ffi::export_array_to_c(array);
    let c_schema = polars_arrow::ffi::export_field_to_c(field);
    // SAFETY: polars-arrow's `ArrowArray` / `ArrowSchema` and arrow-rs'
    // `FFI_ArrowArray` / `FFI_ArrowSchema` are both `#[repr(C)]` copies of
    // the Arrow C data interface structs (same fields, same order, same
    // release-callback protocol), so moving one into the other transfers
    // ownership of the buffers; `transmute` checks the sizes match. The
    // release callback then runs exactly once, when arrow-rs drops it.
    let (ffi_array, ffi_schema) = unsafe {
        (
            std::mem::transmute::<polars_arrow::ffi::ArrowArray, FFI_ArrowArray>(c_array),
            std::mem::transmute::<polars_arrow::ffi::ArrowSchema, FFI_ArrowSchema>(c_schema),
        )
    };
    let arrow_field = Field::try_from(&ffi_schema).map_err(arrow_err)?;
    // SAFETY: `ffi_array` is a valid, owned C-interface array whose type is
    // described by `ffi_schema` (both exported together above).
    let data = unsafe { arrow::ffi::from_ffi(ffi_array, &ffi_schema) }.map_err(arrow_err)?;
    Ok((make_array(data), arrow_field))
}

/// `df` as one Arrow record batch and its schema.
pub fn to_arrow(df: &DataFrame) -> FxResult<(RecordBatch, SchemaRef)> {
    let compat = CompatLevel::oldest();
    let mut arrays = Vec::with_capacity(df.width());
    let mut fields = Vec::with_capacity(df.width());
    for col in df.columns() {
        let series = col.as_materialized_series().rechunk();
        let field = series.field().to_arrow(compat);
        let (array, field) = export_column(series.to_arrow(0, compat), &field)?;
        arrays.push(array);
        fields.push(field);
    }
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let options = RecordBatchOptions::new().with_row_count(Some(df.height()));
    let batch =
        RecordBatch::try_new_with_options(schema.clone(), arrays, &options).map_err(arrow_err)?;
    Ok((batch, schema))
}
