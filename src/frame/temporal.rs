//! `Series.dt` fields and methods on polars datetime columns, with pandas'
//! results: fields are int32 (`dayofweek` counts from Monday = 0), `date`
//! gives dates, `floor` / `normalize` round down to a fixed frequency.

use polars_core::prelude::*;
use polars_time::prelude::*;

use super::colexpr::DtOp;
use crate::error::{FxError, FxResult};

fn datetimes(s: &Series) -> FxResult<DatetimeChunked> {
    match s.dtype() {
        DataType::Datetime(_, _) => Ok(s.datetime()?.clone()),
        DataType::Date => Ok(s
            .cast(&DataType::Datetime(TimeUnit::Microseconds, None))?
            .datetime()?
            .clone()),
        _ => Err(FxError::DType(
            "Can only use .dt accessor with datetimelike values".into(),
        )),
    }
}

/// Apply `op` to a datetime series.
pub fn apply(op: &DtOp, s: &Series) -> FxResult<Series> {
    let ca = datetimes(s)?;
    let int32 = |x: Series| -> FxResult<Series> { Ok(x.cast(&DataType::Int32)?) };
    Ok(match op {
        DtOp::Field(name) => match name.as_str() {
            "year" => int32(ca.year().into_series())?,
            "month" => int32(ca.month().into_series())?,
            "day" => int32(ca.day().into_series())?,
            "hour" => int32(ca.hour().into_series())?,
            "minute" => int32(ca.minute().into_series())?,
            "second" => int32(ca.second().into_series())?,
            "quarter" => int32(ca.quarter().into_series())?,
            "dayofyear" | "day_of_year" => int32(ca.ordinal().into_series())?,
            "dayofweek" | "day_of_week" | "weekday" => {
                let w = int32(ca.weekday().into_series())?;
                &w - 1
            }
            other => {
                return Err(FxError::InvalidArgument(format!(
                    "'DatetimeProperties' object has no attribute '{other}'"
                )))
            }
        },
        DtOp::Date => ca.cast(&DataType::Date)?,
        DtOp::Normalize => floor(&ca, 86_400_000_000_000)?,
        DtOp::Floor(ns) => floor(&ca, *ns)?,
    })
}

/// Round down to a multiple of `ns` nanoseconds since the epoch.
fn floor(ca: &DatetimeChunked, ns: i64) -> FxResult<Series> {
    let per = match ca.time_unit() {
        TimeUnit::Nanoseconds => 1,
        TimeUnit::Microseconds => 1_000,
        TimeUnit::Milliseconds => 1_000_000,
    };
    let step = (ns / per).max(1);
    let phys = ca.physical().apply_values(|t| t.div_euclid(step) * step);
    Ok(phys
        .into_series()
        .cast(&DataType::Datetime(ca.time_unit(), ca.time_zone().clone()))?)
}
