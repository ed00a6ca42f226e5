//! `Series.dt` fields and methods on polars datetime columns, with pandas'
//! results: fields are int32 (`dayofweek` counts from Monday = 0), `date`
//! gives dates, `floor` / `normalize` round down to a fixed frequency.
//! `to_datetime` parses text (and counts numbers) as `pd.to_datetime` does.

use polars_core::prelude::*;
use polars_time::prelude::*;

use super::colexpr::{DtOp, ToDatetime};
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

/// `pd.to_datetime(s, format=, errors=, unit=)` of one column: text is
/// parsed with one format (the given one, or pandas' guess from the first
/// value; each value's own for `"mixed"` / `"ISO8601"`) into
/// microseconds, pandas' resolution for text; whole numbers
/// count `unit`s since the epoch (microseconds, or nanoseconds for
/// `unit="ns"`, as pandas).
pub fn to_datetime(spec: &ToDatetime, s: &Series) -> FxResult<Series> {
    match s.dtype() {
        DataType::Datetime(..) => Ok(s.clone()),
        DataType::Date | DataType::Null => {
            Ok(s.cast(&DataType::Datetime(TimeUnit::Microseconds, None))?)
        }
        DataType::String => from_text(spec, s.str()?),
        d if d.is_integer() => from_counts(spec, s),
        d => Err(FxError::DType(format!(
            "to_datetime of {} values is not supported",
            super::expr::pandas_dtype_name(d)
        ))),
    }
}

/// pandas' strings for a missing datetime (and the empty string).
const NAT_STRINGS: [&str; 7] = ["", "NaT", "nat", "NAT", "nan", "NaN", "NAN"];

fn from_text(spec: &ToDatetime, ca: &StringChunked) -> FxResult<Series> {
    let name = ca.name().clone();
    let ca: StringChunked = ca
        .iter()
        .map(|v| v.filter(|v| !NAT_STRINGS.contains(v)))
        .collect();
    let ca = ca.with_name(name);
    let Some(first) = ca.iter().flatten().next() else {
        return Ok(Series::full_null(
            ca.name().clone(),
            ca.len(),
            &DataType::Datetime(TimeUnit::Microseconds, None),
        ));
    };
    if let Some(kind @ ("mixed" | "ISO8601")) = spec.format.as_deref() {
        return each_own_format(&ca, kind == "ISO8601", spec.coerce);
    }
    let format = match &spec.format {
        Some(f) => f.clone(),
        None => guess_format(first).ok_or_else(|| {
            FxError::InvalidArgument(format!(
                "could not guess the datetime format of \"{first}\"; pass `format=`"
            ))
        })?,
    };
    // chrono reads a fraction of any length after `%.f`; pandas writes `.%f`.
    let chrono = format.replace(".%f", "%.f");
    let ambiguous = StringChunked::from_slice(PlSmallStr::EMPTY, &["raise"]);
    let out = ca
        .as_datetime(
            Some(&chrono),
            TimeUnit::Microseconds,
            true,
            false,
            None,
            &ambiguous,
        )
        .map_err(|e| FxError::InvalidArgument(e.to_string()))?;
    // pandas reads a value only if it matches the format in full, with
    // Python's patterns (`%Y` four digits, `%S.%f` with its dot).
    let out = match format_regex(&format) {
        Some(re) => {
            let whole = ca
                .iter()
                .zip(out.physical().iter())
                .map(|(v, t)| t.filter(|_| v.is_some_and(|v| re.is_match(v))));
            Int64Chunked::from_iter_options(ca.name().clone(), whole)
                .into_datetime(TimeUnit::Microseconds, None)
        }
        None => out,
    };
    if !spec.coerce && out.null_count() != ca.null_count() {
        let bad = ca
            .iter()
            .zip(out.physical().iter())
            .find_map(|(v, t)| v.filter(|_| t.is_none()))
            .unwrap_or_default();
        return Err(FxError::InvalidArgument(format!(
            "time data \"{bad}\" doesn't match format \"{format}\""
        )));
    }
    if format.contains("%f") && ca.iter().flatten().any(has_nanoseconds) {
        return Err(FxError::InvalidArgument(
            "to_datetime of text with nanoseconds is not supported (pandas would give \
             datetime64[ns])"
                .into(),
        ));
    }
    Ok(out.into_series())
}

/// The pattern a value must match in full for pandas to read it with
/// `format`: Python's `strptime` patterns (case-insensitive, a run of
/// whitespace for whitespace), with pandas' `%f` of up to nine digits
/// (none is zero).
/// `None` where `format` has a directive not listed here.
fn format_regex(format: &str) -> Option<regex::Regex> {
    const MONTHS: &str = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec";
    const DAYS: &str = "mon|tue|wed|thu|fri|sat|sun";
    let mut pattern = String::from("(?i)^");
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '%' {
            let piece = match chars.next()? {
                'd' => "(?:3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])".to_string(),
                'f' => "[0-9]{0,9}".to_string(),
                'H' => "(?:2[0-3]|[0-1][0-9]|[0-9])".to_string(),
                'I' | 'm' => "(?:1[0-2]|0[1-9]|[1-9])".to_string(),
                'j' => "(?:36[0-6]|3[0-5][0-9]|[12][0-9][0-9]|0[1-9][0-9]|00[1-9]|[1-9][0-9]|0[1-9]|[1-9])"
                    .to_string(),
                'M' => "(?:[0-5][0-9]|[0-9])".to_string(),
                'S' => "(?:6[0-1]|[0-5][0-9]|[0-9])".to_string(),
                'y' => "[0-9][0-9]".to_string(),
                'Y' => "[0-9][0-9][0-9][0-9]".to_string(),
                'b' => format!("(?:{MONTHS})"),
                'B' => "(?:january|february|march|april|may|june|july|august|september|october|november|december)"
                    .to_string(),
                'a' => format!("(?:{DAYS})"),
                'A' => "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)".to_string(),
                'p' => "(?:am|pm)".to_string(),
                '%' => "%".to_string(),
                _ => return None,
            };
            pattern.push_str(&piece);
        } else if c.is_whitespace() {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            pattern.push_str(r"\s+");
        } else {
            pattern.push_str(&regex::escape(&c.to_string()));
        }
    }
    pattern.push('$');
    regex::Regex::new(&pattern).ok()
}

/// Whether the last fraction of `v` has a non-zero digit after the sixth.
fn has_nanoseconds(v: &str) -> bool {
    v.rsplit_once('.').is_some_and(|(_, f)| {
        f.bytes()
            .take_while(u8::is_ascii_digit)
            .skip(6)
            .any(|b| b != b'0')
    })
}

/// `format="mixed"` / `"ISO8601"`: each value read with the format guessed
/// from it (`iso`: ISO dates only, year first), as pandas reads each value
/// on its own.
fn each_own_format(ca: &StringChunked, iso: bool, coerce: bool) -> FxResult<Series> {
    let mut bad: Option<&str> = None;
    let mut nanos = false;
    let micros: Int64Chunked = ca
        .iter()
        .map(|v| {
            let v = v?;
            let t = guess_format(v)
                .filter(|f| !iso || f.starts_with("%Y"))
                .and_then(|f| {
                    nanos |= f.contains("%f") && has_nanoseconds(v);
                    read_one(v, &f)
                });
            if t.is_none() && bad.is_none() {
                bad = Some(v);
            }
            t
        })
        .collect();
    if nanos {
        return Err(FxError::InvalidArgument(
            "to_datetime of text with nanoseconds is not supported (pandas would give \
             datetime64[ns])"
                .into(),
        ));
    }
    if let (Some(v), false) = (bad, coerce) {
        return Err(FxError::InvalidArgument(if iso {
            format!("time data \"{v}\" doesn't match format \"ISO8601\"")
        } else {
            format!("Unknown datetime string format, unable to parse: {v}")
        }));
    }
    Ok(micros
        .with_name(ca.name().clone())
        .into_datetime(TimeUnit::Microseconds, None)
        .into_series())
}

/// `v` read with pandas' `format`, in microseconds since the epoch.
fn read_one(v: &str, format: &str) -> Option<i64> {
    use chrono::{NaiveDate, NaiveDateTime};
    let chrono_format = format.replace(".%f", "%.f");
    let moment = if format.contains("%H") {
        NaiveDateTime::parse_from_str(v, &chrono_format).ok()?
    } else {
        NaiveDate::parse_from_str(v, &chrono_format)
            .ok()?
            .and_hms_opt(0, 0, 0)?
    };
    Some(moment.and_utc().timestamp_micros())
}

/// Whole numbers of `unit` since the epoch.
fn from_counts(spec: &ToDatetime, s: &Series) -> FxResult<Series> {
    let counts = s.cast(&DataType::Int64)?;
    let counts = counts.i64()?;
    let unit = spec.unit_ns.unwrap_or(1);
    if unit == 1 {
        return Ok(counts
            .clone()
            .into_series()
            .cast(&DataType::Datetime(TimeUnit::Nanoseconds, None))?);
    }
    let per_us = unit / 1_000;
    let mut overflow = None;
    let out: Int64Chunked = counts
        .iter()
        .map(|v| {
            let v = v?;
            let t = v.checked_mul(per_us);
            if t.is_none() && overflow.is_none() {
                overflow = Some(v);
            }
            t
        })
        .collect();
    if let Some(v) = overflow {
        return Err(FxError::InvalidArgument(format!(
            "cannot convert input {v} with the unit given to a datetime: out of bounds"
        )));
    }
    Ok(out
        .with_name(s.name().clone())
        .into_series()
        .cast(&DataType::Datetime(TimeUnit::Microseconds, None))?)
}

/// pandas' guess of the format of `v` for the shapes it guesses: a date
/// (`2024-01-02`, `2024/01/02`, `2024.01.02`, `20240102`, or month first
/// `01/02/2024`, day first when the first number is over 12), then
/// optionally `T` or a space and `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fraction`.
/// `None` for anything else (time zones, month names, AM/PM).
fn guess_format(v: &str) -> Option<String> {
    let digits = |p: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let (date, rest) = match v.find(['T', ' ']) {
        Some(i) => (&v[..i], Some((&v[i..i + 1], &v[i + 1..]))),
        None => (v, None),
    };
    let date_fmt = if digits(date, 8, 8) {
        "%Y%m%d".to_string()
    } else {
        let sep = date.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        let parts: Vec<&str> = date.split(sep).collect();
        match parts.as_slice() {
            [y, m, d] if digits(y, 4, 4) && digits(m, 1, 2) && digits(d, 1, 2) => {
                format!("%Y{sep}%m{sep}%d")
            }
            [a, b, y] if digits(a, 1, 2) && digits(b, 1, 2) && digits(y, 4, 4) => {
                if a.parse::<u32>().ok()? > 12 {
                    format!("%d{sep}%m{sep}%Y")
                } else {
                    format!("%m{sep}%d{sep}%Y")
                }
            }
            _ => return None,
        }
    };
    let Some((sep, time)) = rest else {
        return Some(date_fmt);
    };
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (time, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let time_fmt = match parts.as_slice() {
        [h, m] if digits(h, 1, 2) && digits(m, 2, 2) && fraction.is_none() => "%H:%M",
        [h, m, s] if digits(h, 1, 2) && digits(m, 2, 2) && digits(s, 2, 2) => match fraction {
            None => "%H:%M:%S",
            Some(f) if digits(f, 1, 9) => "%H:%M:%S.%f",
            Some(_) => return None,
        },
        _ => return None,
    };
    Some(format!("{date_fmt}{sep}{time_fmt}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_pandas_formats() {
        for (v, f) in [
            ("2024-01-02", "%Y-%m-%d"),
            ("2024/1/2", "%Y/%m/%d"),
            ("20240102", "%Y%m%d"),
            ("01/02/2024", "%m/%d/%Y"),
            ("13/02/2024", "%d/%m/%Y"),
            ("2024-01-02T05:06", "%Y-%m-%dT%H:%M"),
            ("2024-01-02 5:06:07.25", "%Y-%m-%d %H:%M:%S.%f"),
        ] {
            assert_eq!(guess_format(v).as_deref(), Some(f), "{v}");
        }
        for v in ["2024-01-02T05:06:07Z", "Jan 2 2024", "2024-01", "x"] {
            assert_eq!(guess_format(v), None, "{v}");
        }
    }

    #[test]
    fn format_patterns_are_pythons() {
        let re = format_regex("%Y-%m-%d %H:%M:%S.%f").unwrap();
        assert!(re.is_match("2024-1-02  5:06:07.123456789"));
        for bad in [
            "24-01-02 05:06:07.1",
            "2024-01-02 05:06:07",
            "2024-01-02 05:06:07.1x",
        ] {
            assert!(!re.is_match(bad), "{bad}");
        }
        assert!(format_regex("%b %d %Y").unwrap().is_match("JAN 02 2024"));
        assert!(format_regex("%Y %U").is_none());
    }
}
