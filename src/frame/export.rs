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
        // polars' enums are ordered; a pandas categorical made by
        // `astype("category")` is not.
        let field = field.with_dict_is_ordered(false);
        arrays.push(array);
        fields.push(field);
    }
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let options = RecordBatchOptions::new().with_row_count(Some(df.height()));
    let batch =
        RecordBatch::try_new_with_options(schema.clone(), arrays, &options).map_err(arrow_err)?;
    Ok((batch, schema))
}

/// One `arrow-rs` array as a polars-arrow array of the given field.
fn import_column(
    array: &ArrayRef,
    field: &Field,
) -> FxResult<(
    Box<dyn polars_arrow::array::Array>,
    polars_arrow::datatypes::Field,
)> {
    let c_array = FFI_ArrowArray::new(&array.to_data());
    let c_schema = FFI_ArrowSchema::try_from(field).map_err(arrow_err)?;
    // SAFETY: as in `export_column`, the two crates' C-interface structs are
    // `#[repr(C)]` copies of the same Arrow C data interface structs; the
    // release callbacks move with them and run once, when polars drops them.
    let (c_array, c_schema) = unsafe {
        (
            std::mem::transmute::<FFI_ArrowArray, polars_arrow::ffi::ArrowArray>(c_array),
            std::mem::transmute::<FFI_ArrowSchema, polars_arrow::ffi::ArrowSchema>(c_schema),
        )
    };
    // SAFETY: `c_schema` and `c_array` were exported together just above
    // from a valid array and its field.
    let pl_field = unsafe { polars_arrow::ffi::import_field_from_c(&c_schema) }?;
    // SAFETY: as above; the array's type is the field's.
    let pl_array =
        unsafe { polars_arrow::ffi::import_array_from_c(c_array, pl_field.dtype().clone()) }?;
    Ok((pl_array, pl_field))
}

/// Arrow record batches (from pyarrow) as one polars frame.
pub fn from_arrow(batches: &[RecordBatch], schema: &SchemaRef) -> FxResult<DataFrame> {
    use polars_core::prelude::{Column, DataType, PlSmallStr, Series};
    let height = batches.iter().map(|b| b.num_rows()).sum();
    let mut cols = Vec::with_capacity(schema.fields().len());
    for (i, field) in schema.fields().iter().enumerate() {
        let name = PlSmallStr::from(field.name().as_str());
        let mut chunks = Vec::with_capacity(batches.len());
        let mut pl_field = None;
        for b in batches {
            let (array, f) = import_column(b.column(i), field)?;
            chunks.push(array);
            pl_field = Some(f);
        }
        let series = if chunks.is_empty() {
            let empty = arrow::array::new_empty_array(field.data_type());
            let (array, _) = import_column(&empty, field)?;
            Series::from_arrow(name, array)?
        } else {
            let _ = pl_field;
            Series::from_arrow_chunks(name, chunks)?
        };
        // pandas' large strings arrive as polars strings; anything else as is.
        let series = match series.dtype() {
            DataType::Null => series.cast(&DataType::Float64)?,
            _ => series,
        };
        cols.push(Column::from(series));
    }
    Ok(DataFrame::new(height, cols)?)
}
