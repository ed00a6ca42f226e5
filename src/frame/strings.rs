//! `Series.str` methods on polars string columns, with pandas' results: a
//! predicate of a missing value is `False`, a transformed missing value
//! stays missing, `len` counts characters.

use polars_core::prelude::*;
use polars_ops::prelude::*;

use super::colexpr::{SplitSpec, StrOp};
use crate::error::{FxError, FxResult};

fn predicate(ca: &StringChunked, f: impl Fn(&str) -> bool) -> Series {
    let out: BooleanChunked = ca.iter().map(|o| Some(o.is_some_and(&f))).collect();
    out.into_series()
}

fn map(ca: &StringChunked, f: impl Fn(&str) -> Option<String>) -> Series {
    let out: StringChunked = ca.iter().map(|o| o.and_then(&f)).collect();
    out.into_series()
}

/// Apply `op` to a string series.
pub fn apply(op: &StrOp, s: &Series) -> FxResult<Series> {
    let ca = s
        .str()
        .map_err(|_| FxError::DType("Can only use .str accessor with string values!".into()))?;
    Ok(match op {
        StrOp::Contains(pat, regex) => {
            if *regex {
                let out = ca.contains(pat, true).map_err(|e| {
                    FxError::InvalidArgument(format!("invalid regular expression {pat:?}: {e}"))
                })?;
                out.fill_null_with_values(false)?.into_series()
            } else {
                predicate(ca, |v| v.contains(pat.as_str()))
            }
        }
        StrOp::StartsWith(p) => predicate(ca, |v| v.starts_with(p.as_str())),
        StrOp::EndsWith(p) => predicate(ca, |v| v.ends_with(p.as_str())),
        StrOp::Lower => ca.to_lowercase().into_series(),
        StrOp::Upper => ca.to_uppercase().into_series(),
        StrOp::Len => ca.str_len_chars().into_series().cast(&DataType::Int64)?,
        StrOp::Strip(chars, left, right) => {
            let (l, r) = (*left, *right);
            match chars {
                None => map(ca, |v| {
                    let v = if l { v.trim_start() } else { v };
                    Some(if r { v.trim_end() } else { v }.to_string())
                }),
                Some(cs) => {
                    let set: Vec<char> = cs.chars().collect();
                    map(ca, |v| {
                        let v = if l {
                            v.trim_start_matches(set.as_slice())
                        } else {
                            v
                        };
                        Some(
                            if r {
                                v.trim_end_matches(set.as_slice())
                            } else {
                                v
                            }
                            .to_string(),
                        )
                    })
                }
            }
        }
        StrOp::Replace(pat, repl, regex) => {
            if *regex {
                // pandas' (Python's) `\1` group references are `$1` in Rust.
                let repl = python_groups_to_rust(repl);
                ca.replace_all(pat, &repl)
                    .map_err(|e| {
                        FxError::InvalidArgument(format!("invalid regular expression {pat:?}: {e}"))
                    })?
                    .into_series()
            } else {
                map(ca, |v| Some(v.replace(pat.as_str(), repl)))
            }
        }
        StrOp::Slice(start, stop) => map(ca, |v| {
            let chars: Vec<char> = v.chars().collect();
            let n = chars.len() as i64;
            let norm = |i: i64| if i < 0 { (n + i).max(0) } else { i.min(n) };
            let a = norm(*start);
            let b = stop.map_or(n, norm);
            Some(if a < b {
                chars[a as usize..b as usize].iter().collect()
            } else {
                String::new()
            })
        }),
        StrOp::Split(spec) => {
            let splitter = Splitter::new(spec)?;
            let mut out = ListStringChunkedBuilder::new(ca.name().clone(), ca.len(), ca.len() * 2);
            for v in ca.iter() {
                match v {
                    Some(v) => out.append_values_iter(splitter.pieces(v).into_iter()),
                    None => out.append_null(),
                }
            }
            out.finish().into_series()
        }
        StrOp::SplitGet(spec, i) => {
            let splitter = Splitter::new(spec)?;
            map(ca, |v| {
                let parts = splitter.pieces(v);
                let n = parts.len() as i64;
                let j = if *i < 0 { n + i } else { *i };
                (0..n).contains(&j).then(|| parts[j as usize].to_string())
            })
        }
    })
}

/// `str.split`'s cutting rule, compiled once per partition.
enum Splitter {
    Whitespace(usize),
    Literal(String, usize),
    Regex(regex::Regex, usize),
}

impl Splitter {
    fn new(spec: &SplitSpec) -> FxResult<Splitter> {
        // The most cuts; `usize::MAX` for all.
        let n = if spec.n <= 0 {
            usize::MAX
        } else {
            spec.n as usize
        };
        Ok(match &spec.pat {
            None => Splitter::Whitespace(n),
            Some(p) if spec.regex => {
                let re = regex::Regex::new(p).map_err(|e| {
                    FxError::InvalidArgument(format!("invalid regular expression {p:?}: {e}"))
                })?;
                Splitter::Regex(re, n)
            }
            Some(p) if p.is_empty() => {
                return Err(FxError::InvalidArgument("empty separator".into()));
            }
            Some(p) => Splitter::Literal(p.clone(), n),
        })
    }

    /// The pieces of `v`, as Python's `v.split(pat, n)` (`re.split` for a
    /// regular expression).
    fn pieces<'a>(&self, v: &'a str) -> Vec<&'a str> {
        match self {
            Splitter::Literal(p, n) => v.splitn(n.saturating_add(1), p.as_str()).collect(),
            Splitter::Regex(re, n) => re.splitn(v, n.saturating_add(1)).collect(),
            Splitter::Whitespace(n) => {
                // Runs of whitespace cut; none at either end makes a piece,
                // and the rest after `n` cuts keeps its trailing spaces.
                let mut out = Vec::new();
                let mut rest = v.trim_start();
                while !rest.is_empty() {
                    if out.len() == *n {
                        out.push(rest);
                        break;
                    }
                    match rest.find(char::is_whitespace) {
                        Some(at) => {
                            out.push(&rest[..at]);
                            rest = rest[at..].trim_start();
                        }
                        None => {
                            out.push(rest);
                            break;
                        }
                    }
                }
                out
            }
        }
    }
}

fn python_groups_to_rust(repl: &str) -> String {
    let mut out = String::with_capacity(repl.len());
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|d| d.is_ascii_digit()) => {
                out.push_str("${");
                while let Some(d) = chars.peek().copied().filter(|d| d.is_ascii_digit()) {
                    out.push(d);
                    chars.next();
                }
                out.push('}');
            }
            '$' => out.push_str("$$"),
            other => out.push(other),
        }
    }
    out
}
