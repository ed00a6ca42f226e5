//! Column expressions: what one output column of a row-wise step computes
//! from the columns of its input partition.
//!
//! `df.x + 1`, `df.a > df.b`, `s.fillna(0)`, `s.str.lower()` and
//! `df.x.between(1, 3)` are all [`ColExpr`] trees over the columns of one
//! row source; a chain of them fuses into one task per partition.
//!
//! Semantics are pandas', not polars': a missing value is a null (float
//! results never keep a NaN: it becomes a null, which exports as NaN);
//! comparisons with a missing value are `False` (`!=` is `True`);
//! `/` is true division; `//` and `%` follow Python's signs.
//! The output dtype of an expression is found by evaluating it on an empty
//! frame of the input schema, so the lazy schema is always what the kernel
//! computes.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use polars_core::prelude::*;
use polars_ops::prelude::*;

use crate::error::{FxError, FxResult};

/// A literal value (a Python scalar at the edge).
#[derive(Clone, Debug)]
pub struct Lit(pub Scalar);

impl PartialEq for Lit {
    fn eq(&self, other: &Self) -> bool {
        self.0.dtype() == other.0.dtype() && self.0.value() == other.0.value()
    }
}

impl Hash for Lit {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.dtype().to_string().hash(state);
        format!("{:?}", self.0.value()).hash(state);
    }
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (true division)
    Div,
    /// `//` (floor division)
    FloorDiv,
    /// `%` (Python's modulo: the sign of the divisor)
    Mod,
    /// `**`
    Pow,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&`
    And,
    /// `|`
    Or,
    /// `^`
    Xor,
}

impl BinOp {
    /// The operator for a pandas / Python dunder name (`"add"`, `"lt"`, …).
    pub fn from_name(name: &str) -> FxResult<BinOp> {
        Ok(match name {
            "add" => BinOp::Add,
            "sub" => BinOp::Sub,
            "mul" => BinOp::Mul,
            "truediv" | "div" => BinOp::Div,
            "floordiv" => BinOp::FloorDiv,
            "mod" => BinOp::Mod,
            "pow" => BinOp::Pow,
            "eq" => BinOp::Eq,
            "ne" => BinOp::Ne,
            "lt" => BinOp::Lt,
            "le" => BinOp::Le,
            "gt" => BinOp::Gt,
            "ge" => BinOp::Ge,
            "and" => BinOp::And,
            "or" => BinOp::Or,
            "xor" => BinOp::Xor,
            other => {
                return Err(FxError::InvalidArgument(format!(
                    "unknown operator '{other}'"
                )))
            }
        })
    }

    fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }

    fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "&",
            BinOp::Or => "|",
            BinOp::Xor => "^",
        }
    }
}

/// Unary functions.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `~x` (logical not for bools, bitwise for ints)
    Invert,
    /// `abs(x)`
    Abs,
    /// `isna()`: null (or NaN).
    IsNa,
    /// `notna()`
    NotNa,
    /// `round(decimals)`
    Round(i32),
    /// `isin(values)`: the values, as a series of the column's dtype.
    IsIn(SeriesLit),
    /// `clip(lower, upper)` with literal bounds.
    Clip(Option<Lit>, Option<Lit>),
    /// `between(left, right, inclusive)`: `inclusive` is pandas' name.
    Between(Lit, Lit, String),
    /// A string method (`.str.…`).
    Str(StrOp),
    /// A datetime field or method (`.dt.…`).
    Dt(DtOp),
    /// `astype(dtype)`
    Cast(DataTypeLit),
    /// `dd.to_datetime(...)` of text or numbers.
    ToDatetime(ToDatetime),
}

/// A dtype that hashes by its name.
#[derive(Clone, Debug, PartialEq)]
pub struct DataTypeLit(pub DataType);

impl Hash for DataTypeLit {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.to_string().hash(state);
    }
}

/// A literal series (`isin`'s values) that hashes by its values.
#[derive(Clone, Debug)]
pub struct SeriesLit(pub Arc<Series>);

impl PartialEq for SeriesLit {
    fn eq(&self, other: &Self) -> bool {
        self.0.equals_missing(&other.0)
    }
}

impl Hash for SeriesLit {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.dtype().to_string().hash(state);
        for v in self.0.iter() {
            format!("{v:?}").hash(state);
        }
    }
}

/// String methods (`Series.str`).
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum StrOp {
    /// `contains(pat, regex)`
    Contains(String, bool),
    /// `startswith(pat)`
    StartsWith(String),
    /// `endswith(pat)`
    EndsWith(String),
    /// `lower()`
    Lower,
    /// `upper()`
    Upper,
    /// `len()`
    Len,
    /// `strip()`, `lstrip()`, `rstrip()`: (chars, left, right).
    Strip(Option<String>, bool, bool),
    /// `replace(pat, repl, regex)`
    Replace(String, String, bool),
    /// `slice(start, stop)`
    Slice(i64, Option<i64>),
    /// `split(pat, n, regex)`: the pieces, as a list per value.
    Split(SplitSpec),
    /// `split(pat, n, regex).str[i]` — the `i`-th piece (missing where
    /// there is none).
    SplitGet(SplitSpec, i64),
}

/// How `str.split` cuts: around `pat` (a literal, or a regular expression
/// with `regex`), or around runs of whitespace without one; at most `n`
/// times (every time for `n <= 0`), as Python's `str.split(pat, n)`.
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct SplitSpec {
    /// The separator; `None` for whitespace.
    pub pat: Option<String>,
    /// Whether `pat` is a regular expression.
    pub regex: bool,
    /// The most cuts; `<= 0` for all.
    pub n: i64,
}

/// Datetime fields and methods (`Series.dt`).
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum DtOp {
    /// `year`, `month`, `day`, `hour`, `minute`, `second`, `dayofweek`,
    /// `dayofyear`, `quarter`.
    Field(String),
    /// `date`: the calendar date.
    Date,
    /// `normalize()`: midnight of the same day.
    Normalize,
    /// `floor(freq)` in nanoseconds.
    Floor(i64),
}

/// `pd.to_datetime`'s arguments (`src/frame/temporal.rs` parses).
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct ToDatetime {
    /// pandas' (strftime) format of text; `None`: guessed from the first
    /// value, as pandas guesses it.
    pub format: Option<String>,
    /// `errors="coerce"`: a value that does not parse is missing (else it raises).
    pub coerce: bool,
    /// `unit` of numbers, in nanoseconds (`None`: nanoseconds, pandas' default).
    pub unit_ns: Option<i64>,
}

/// A column expression over the columns of one input partition.
#[derive(Clone, Debug, Hash)]
pub enum ColExpr {
    /// An input column.
    Col(PlSmallStr),
    /// A literal, broadcast to the partition's height.
    Lit(Lit),
    /// The `i`-th scalar input of the task (a reduction computed elsewhere,
    /// e.g. `df.x - df.x.mean()`); its dtype is known when built.
    Param(usize, DataTypeLit),
    /// A binary operation.
    Binary(BinOp, Box<ColExpr>, Box<ColExpr>),
    /// A unary function.
    Unary(UnOp, Box<ColExpr>),
    /// `fillna(value)`: `value` where the input is missing.
    FillNa(Box<ColExpr>, Box<ColExpr>),
    /// `where(cond, other)` / `mask`: the first where `cond` holds, else the second.
    Where(Box<ColExpr>, Box<ColExpr>, Box<ColExpr>),
}

impl ColExpr {
    /// A column.
    pub fn col(name: &str) -> ColExpr {
        ColExpr::Col(name.into())
    }

    /// The input columns the expression reads.
    pub fn columns(&self, out: &mut Vec<PlSmallStr>) {
        match self {
            ColExpr::Col(c) => {
                if !out.contains(c) {
                    out.push(c.clone())
                }
            }
            ColExpr::Lit(_) | ColExpr::Param(..) => {}
            ColExpr::Binary(_, a, b) | ColExpr::FillNa(a, b) => {
                a.columns(out);
                b.columns(out);
            }
            ColExpr::Unary(_, a) => a.columns(out),
            ColExpr::Where(c, a, b) => {
                c.columns(out);
                a.columns(out);
                b.columns(out);
            }
        }
    }

    /// The highest scalar input it reads, plus one (0 for none).
    pub fn n_params(&self) -> usize {
        match self {
            ColExpr::Param(i, _) => i + 1,
            ColExpr::Col(_) | ColExpr::Lit(_) => 0,
            ColExpr::Binary(_, a, b) | ColExpr::FillNa(a, b) => a.n_params().max(b.n_params()),
            ColExpr::Unary(_, a) => a.n_params(),
            ColExpr::Where(c, a, b) => c.n_params().max(a.n_params()).max(b.n_params()),
        }
    }

    /// The expression with its scalar inputs renumbered by `f`.
    pub fn map_params(&self, f: &dyn Fn(usize) -> usize) -> ColExpr {
        self.rewrite(&|e| match e {
            ColExpr::Param(i, d) => Some(ColExpr::Param(f(*i), d.clone())),
            _ => None,
        })
    }

    /// The expression with every column replaced by what `sub` gives for it
    /// (used to fold a step into the step it reads from).
    pub fn substitute(&self, sub: &dyn Fn(&str) -> Option<ColExpr>) -> ColExpr {
        self.rewrite(&|e| match e {
            ColExpr::Col(c) => sub(c),
            _ => None,
        })
    }

    fn rewrite(&self, f: &dyn Fn(&ColExpr) -> Option<ColExpr>) -> ColExpr {
        if let Some(e) = f(self) {
            return e;
        }
        let b = |e: &ColExpr| Box::new(e.rewrite(f));
        match self {
            ColExpr::Col(_) | ColExpr::Lit(_) | ColExpr::Param(..) => self.clone(),
            ColExpr::Binary(op, l, r) => ColExpr::Binary(*op, b(l), b(r)),
            ColExpr::Unary(op, a) => ColExpr::Unary(op.clone(), b(a)),
            ColExpr::FillNa(a, v) => ColExpr::FillNa(b(a), b(v)),
            ColExpr::Where(c, t, o) => ColExpr::Where(b(c), b(t), b(o)),
        }
    }

    /// The dtype it computes on a partition of `schema`: evaluated on an
    /// empty frame, so it is exactly what the kernel produces (type errors
    /// surface here, when the expression is built).
    pub fn dtype(&self, schema: &Schema) -> FxResult<DataType> {
        let df = DataFrame::empty_with_schema(schema);
        let params: Vec<Scalar> = (0..self.n_params())
            .map(|_| Scalar::null(DataType::Null))
            .collect();
        let params = self.param_dtypes(params);
        Ok(self.eval(&df, &params)?.dtype().clone())
    }

    fn param_dtypes(&self, mut params: Vec<Scalar>) -> Vec<Scalar> {
        fn walk(e: &ColExpr, params: &mut Vec<Scalar>) {
            match e {
                ColExpr::Param(i, d) => params[*i] = Scalar::null(d.0.clone()),
                ColExpr::Col(_) | ColExpr::Lit(_) => {}
                ColExpr::Binary(_, a, b) | ColExpr::FillNa(a, b) => {
                    walk(a, params);
                    walk(b, params);
                }
                ColExpr::Unary(_, a) => walk(a, params),
                ColExpr::Where(c, a, b) => {
                    walk(c, params);
                    walk(a, params);
                    walk(b, params);
                }
            }
        }
        walk(self, &mut params);
        params
    }

    /// Evaluate on partition `df`, with the task's scalar inputs `params`.
    pub fn eval(&self, df: &DataFrame, params: &[Scalar]) -> FxResult<Series> {
        let height = df.height();
        Ok(match self {
            ColExpr::Col(c) => df.column(c)?.as_materialized_series().clone(),
            ColExpr::Lit(Lit(s)) => s
                .clone()
                .into_series(PlSmallStr::EMPTY)
                .new_from_index(0, height),
            ColExpr::Param(i, _) => {
                let s = params
                    .get(*i)
                    .ok_or_else(|| FxError::InvalidArgument("a scalar input is missing".into()))?;
                s.clone()
                    .into_series(PlSmallStr::EMPTY)
                    .new_from_index(0, height)
            }
            ColExpr::Binary(op, l, r) => {
                let (mut a, mut b) = (l.eval(df, params)?, r.eval(df, params)?);
                // A Python number takes the other operand's dtype where it
                // fits (NumPy's NEP 50, as pandas does): int32 + 1 is int32.
                if l.is_python_number() {
                    a = weak_cast(a, &b)?;
                } else if r.is_python_number() {
                    b = weak_cast(b, &a)?;
                }
                binary(*op, &a, &b)?
            }
            ColExpr::Unary(op, a) => unary(op, &a.eval(df, params)?)?,
            ColExpr::FillNa(a, v) => {
                let a = a.eval(df, params)?;
                let v = v.eval(df, params)?;
                if a.null_count() == 0 {
                    a
                } else {
                    let v = if a.dtype() == v.dtype() || v.dtype().is_null() {
                        v.cast(a.dtype())?
                    } else {
                        weak_cast(v, &a)?
                    };
                    let (a, v) = coerce(&a, &v)?;
                    a.zip_with(&a.is_not_null(), &v)?
                }
            }
            ColExpr::Where(c, t, o) => {
                let c = c.eval(df, params)?;
                let mask = c.bool().map_err(|_| {
                    FxError::DType(format!("`cond` must be boolean, got {}", c.dtype()))
                })?;
                let mask = mask.fill_null_with_values(false)?;
                let t = t.eval(df, params)?;
                let o = o.eval(df, params)?;
                let (t, o) = coerce(&t, &o)?;
                t.zip_with(&mask, &o)?
            }
        })
    }
}

impl ColExpr {
    fn is_python_number(&self) -> bool {
        matches!(self, ColExpr::Lit(Lit(s)) if matches!(s.dtype(), DataType::Int64 | DataType::Float64))
    }
}

/// A Python number's series cast to the other operand's dtype when that
/// keeps its kind (int into any int or float, float into a float).
fn weak_cast(lit: Series, other: &Series) -> FxResult<Series> {
    let to = other.dtype();
    let fits = match lit.dtype() {
        DataType::Int64 => to.is_integer() || to.is_float(),
        DataType::Float64 => to.is_float(),
        _ => false,
    };
    if !fits || to == lit.dtype() {
        return Ok(lit);
    }
    if to.is_integer() {
        // Only if every value fits (pandas raises or upcasts otherwise).
        if let Ok(cast) = lit.strict_cast(to) {
            return Ok(cast);
        }
        return Ok(lit);
    }
    Ok(lit.cast(to)?)
}

fn as_float(s: &Series) -> FxResult<Series> {
    Ok(match s.dtype() {
        DataType::Float32 | DataType::Float64 => s.clone(),
        _ => s.cast(&DataType::Float64)?,
    })
}

/// pandas' missing-value rule for floats: a computed NaN is missing.
pub fn nan_to_null(s: Series) -> FxResult<Series> {
    if !s.dtype().is_float() {
        return Ok(s);
    }
    let nan = s.is_nan()?;
    if !nan.any() {
        return Ok(s);
    }
    let nulls = Series::full_null(s.name().clone(), s.len(), s.dtype());
    Ok(nulls.zip_with(&nan, &s)?)
}

/// Promote two operands to a common dtype (pandas' numeric promotion, as
/// polars does it).
fn coerce(a: &Series, b: &Series) -> FxResult<(Series, Series)> {
    if a.dtype() == b.dtype() {
        return Ok((a.clone(), b.clone()));
    }
    let to = polars_core::utils::try_get_supertype(a.dtype(), b.dtype())?;
    Ok((a.cast(&to)?, b.cast(&to)?))
}

fn type_error(op: BinOp, a: &Series, b: &Series) -> FxError {
    FxError::DType(format!(
        "unsupported operand type(s) for {}: '{}' and '{}'",
        op.symbol(),
        super::expr::pandas_dtype_name(a.dtype()),
        super::expr::pandas_dtype_name(b.dtype())
    ))
}

fn binary(op: BinOp, a: &Series, b: &Series) -> FxResult<Series> {
    let name = a.name().clone();
    let numeric = |s: &Series| s.dtype().is_primitive_numeric() || s.dtype().is_bool();
    let temporal = |s: &Series| s.dtype().is_temporal();
    if op.is_comparison() {
        let ok = (numeric(a) && numeric(b))
            || (a.dtype().is_string() && b.dtype().is_string())
            || (temporal(a) && temporal(b))
            || a.dtype().is_null()
            || b.dtype().is_null();
        if !ok {
            if matches!(op, BinOp::Eq | BinOp::Ne) {
                // pandas: values of different kinds are never equal.
                let v = op == BinOp::Ne;
                return Ok(BooleanChunked::full(name, v, a.len()).into_series());
            }
            return Err(FxError::DType(format!(
                "'{}' not supported between instances of '{}' and '{}'",
                op.symbol(),
                super::expr::pandas_dtype_name(a.dtype()),
                super::expr::pandas_dtype_name(b.dtype())
            )));
        }
        let (a, b) = coerce(a, b)?;
        let out = match op {
            BinOp::Eq => a.equal(&b)?,
            BinOp::Ne => a.not_equal(&b)?,
            BinOp::Lt => a.lt(&b)?,
            BinOp::Le => a.lt_eq(&b)?,
            BinOp::Gt => a.gt(&b)?,
            _ => a.gt_eq(&b)?,
        };
        // A missing operand compares False (True for `!=`), as NaN does.
        let out = out.fill_null_with_values(op == BinOp::Ne)?;
        return Ok(out.with_name(name).into_series());
    }
    if matches!(op, BinOp::And | BinOp::Or | BinOp::Xor) {
        if a.dtype().is_bool() && b.dtype().is_bool() {
            let a = a.bool()?.fill_null_with_values(false)?;
            let b = b.bool()?.fill_null_with_values(false)?;
            let out = match op {
                BinOp::And => &a & &b,
                BinOp::Or => &a | &b,
                _ => &a ^ &b,
            };
            return Ok(out.with_name(name).into_series());
        }
        if a.dtype().is_integer() && b.dtype().is_integer() {
            let (a, b) = coerce(a, b)?;
            let out = match op {
                BinOp::And => (&a & &b)?,
                BinOp::Or => (&a | &b)?,
                _ => (&a ^ &b)?,
            };
            return Ok(out.with_name(name));
        }
        return Err(type_error(op, a, b));
    }
    // Arithmetic.
    if a.dtype().is_string() && b.dtype().is_string() && op == BinOp::Add {
        let out = a.str()?.concat(b.str()?);
        return Ok(out.with_name(name).into_series());
    }
    if temporal(a) || temporal(b) {
        let out = match op {
            BinOp::Add => (a + b)?,
            BinOp::Sub => (a - b)?,
            _ => return Err(type_error(op, a, b)),
        };
        return Ok(out.with_name(name));
    }
    if !numeric(a) || !numeric(b) {
        return Err(type_error(op, a, b));
    }
    // bool arithmetic is integer arithmetic in pandas.
    let int_of_bool = |s: &Series| -> FxResult<Series> {
        Ok(if s.dtype().is_bool() {
            s.cast(&DataType::Int64)?
        } else {
            s.clone()
        })
    };
    let (a, b) = (int_of_bool(a)?, int_of_bool(b)?);
    let out = match op {
        BinOp::Add => (&a + &b)?,
        BinOp::Sub => (&a - &b)?,
        BinOp::Mul => (&a * &b)?,
        BinOp::Div => {
            let (x, y) = coerce(&as_float(&a)?, &as_float(&b)?)?;
            (&x / &y)?
        }
        BinOp::FloorDiv => {
            if a.dtype().is_integer() && b.dtype().is_integer() {
                let (x, y) = coerce(&a, &b)?;
                // pandas: integer floor division by zero gives inf / nan.
                if y.equal(0)?.any() {
                    let (fx, fy) = (as_float(&x)?, as_float(&y)?);
                    floor_float(&(&fx / &fy)?)?
                } else {
                    floor_div_series(&x, &y)?
                }
            } else {
                let (x, y) = coerce(&as_float(&a)?, &as_float(&b)?)?;
                floor_float(&(&x / &y)?)?
            }
        }
        BinOp::Mod => {
            let (x, y) = coerce(&a, &b)?;
            if x.dtype().is_integer() {
                if y.equal(0)?.any() {
                    let (fx, fy) = (as_float(&x)?, as_float(&y)?);
                    python_mod(&fx, &fy)?
                } else {
                    python_mod(&x, &y)?
                }
            } else {
                python_mod(&x, &y)?
            }
        }
        BinOp::Pow => {
            let (x, y) = coerce(&a, &b)?;
            pow(&x, &y)?
        }
        _ => unreachable!("comparisons and logic handled above"),
    };
    nan_to_null(out.with_name(name))
}

fn floor_float(s: &Series) -> FxResult<Series> {
    Ok(match s.dtype() {
        DataType::Float32 => s.f32()?.apply_values(|v| v.floor()).into_series(),
        _ => s.f64()?.apply_values(|v| v.floor()).into_series(),
    })
}

/// Python's `%`: the sign of the divisor. Floats as NumPy computes them
/// (`fmod`, then shifted by the divisor), so results are bit-identical.
fn python_mod(a: &Series, b: &Series) -> FxResult<Series> {
    fn float_mod<T: num_traits::Float>(x: T, y: T) -> T {
        let r = x % y;
        if r != T::zero() && ((r < T::zero()) != (y < T::zero())) {
            r + y
        } else if r == T::zero() {
            // NumPy gives the zero the divisor's sign.
            T::zero().copysign_like(y)
        } else {
            r
        }
    }
    trait CopySign {
        fn copysign_like(self, y: Self) -> Self;
    }
    impl<T: num_traits::Float> CopySign for T {
        fn copysign_like(self, y: T) -> T {
            if y < T::zero() {
                -self.abs()
            } else {
                self.abs()
            }
        }
    }
    match a.dtype() {
        DataType::Float32 => {
            let out: Float32Chunked = a
                .f32()?
                .iter()
                .zip(b.f32()?.iter())
                .map(|(x, y)| Some(float_mod(x?, y?)))
                .collect();
            return Ok(out.into_series());
        }
        DataType::Float64 => {
            let out: Float64Chunked = a
                .f64()?
                .iter()
                .zip(b.f64()?.iter())
                .map(|(x, y)| Some(float_mod(x?, y?)))
                .collect();
            return Ok(out.into_series());
        }
        _ => {}
    }
    let r = (a % b)?;
    // r has the sign of a; add b where r != 0 and sign(r) != sign(b).
    let zero = Series::new(PlSmallStr::EMPTY, [0i32]).cast(r.dtype())?;
    let fix =
        (&r.not_equal(&zero)? & &(&r.lt(&zero)? ^ &b.lt(&zero)?)).fill_null_with_values(false)?;
    if !fix.any() {
        return Ok(r);
    }
    let shifted = (&r + b)?;
    Ok(shifted.zip_with(&fix, &r)?)
}

fn pow(a: &Series, b: &Series) -> FxResult<Series> {
    if a.dtype().is_integer() {
        if b.lt(0)?.any() {
            return Err(FxError::InvalidArgument(
                "Integers to negative integer powers are not allowed.".into(),
            ));
        }
        let x = a.cast(&DataType::Int64)?;
        let y = b.cast(&DataType::Int64)?;
        let out: Int64Chunked = x
            .i64()?
            .iter()
            .zip(y.i64()?.iter())
            .map(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => Some(x.wrapping_pow(y.clamp(0, u32::MAX as i64) as u32)),
                _ => None,
            })
            .collect();
        return Ok(out.into_series().cast(a.dtype())?);
    }
    let out = match a.dtype() {
        DataType::Float32 => {
            let b = b.cast(&DataType::Float32)?;
            let out: Float32Chunked = a
                .f32()?
                .iter()
                .zip(b.f32()?.iter())
                .map(|(x, y)| Some(x?.powf(y?)))
                .collect();
            out.into_series()
        }
        _ => {
            let a = a.cast(&DataType::Float64)?;
            let b = b.cast(&DataType::Float64)?;
            let out: Float64Chunked = a
                .f64()?
                .iter()
                .zip(b.f64()?.iter())
                .map(|(x, y)| Some(x?.powf(y?)))
                .collect();
            out.into_series()
        }
    };
    Ok(out)
}

fn unary(op: &UnOp, s: &Series) -> FxResult<Series> {
    let name = s.name().clone();
    let out = match op {
        UnOp::Neg => {
            if s.dtype().is_bool() || s.dtype().is_string() {
                return Err(FxError::DType(format!(
                    "bad operand type for unary -: '{}'",
                    super::expr::pandas_dtype_name(s.dtype())
                )));
            }
            let zero = Series::new(PlSmallStr::EMPTY, [0i32]).cast(s.dtype())?;
            (&zero - s)?
        }
        UnOp::Invert => match s.dtype() {
            DataType::Boolean => (!s.bool()?).into_series(),
            d if d.is_integer() => {
                let minus_one = Series::new(PlSmallStr::EMPTY, [-1i64]).cast(d)?;
                (s ^ &minus_one.new_from_index(0, s.len()))?
            }
            _ => {
                return Err(FxError::DType(format!(
                    "bad operand type for unary ~: '{}'",
                    super::expr::pandas_dtype_name(s.dtype())
                )))
            }
        },
        UnOp::Abs => abs(s)?,
        UnOp::IsNa => {
            let mut m = s.is_null();
            if s.dtype().is_float() {
                m = &m | &s.is_nan()?.fill_null_with_values(false)?;
            }
            m.into_series()
        }
        UnOp::NotNa => {
            let mut m = s.is_not_null();
            if s.dtype().is_float() {
                m = &m & &s.is_not_nan()?.fill_null_with_values(true)?;
            }
            m.into_series()
        }
        UnOp::Round(decimals) => {
            if s.dtype().is_float() {
                s.round(*decimals as u32, RoundMode::HalfToEven)?
            } else if s.dtype().is_integer() && *decimals >= 0 {
                s.clone()
            } else if s.dtype().is_integer() {
                let f = 10f64.powi(-decimals);
                let x = as_float(s)?;
                let y = x.f64()?.apply_values(|v| (v / f).round_ties_even() * f);
                y.into_series().cast(s.dtype())?
            } else {
                return Err(FxError::DType(format!(
                    "round is not supported for dtype {}",
                    super::expr::pandas_dtype_name(s.dtype())
                )));
            }
        }
        UnOp::IsIn(values) => {
            let v = if values.0.dtype() == s.dtype() {
                (*values.0).clone()
            } else {
                match values.0.cast(s.dtype()) {
                    Ok(v) => v,
                    Err(_) => return Ok(BooleanChunked::full(name, false, s.len()).into_series()),
                }
            };
            is_in(s, &v.implode()?.into_series(), false)?
                .fill_null_with_values(false)?
                .into_series()
        }
        UnOp::Clip(lo, hi) => {
            let mut out = s.clone();
            if let Some(Lit(lo)) = lo {
                let l = lo
                    .clone()
                    .into_series(PlSmallStr::EMPTY)
                    .new_from_index(0, s.len());
                let (o, l) = coerce(&out, &weak_cast(l, &out)?)?;
                out = o.zip_with(&o.gt_eq(&l)?.fill_null_with_values(true)?, &l)?;
            }
            if let Some(Lit(hi)) = hi {
                let h = hi
                    .clone()
                    .into_series(PlSmallStr::EMPTY)
                    .new_from_index(0, s.len());
                let (o, h) = coerce(&out, &weak_cast(h, &out)?)?;
                out = o.zip_with(&o.lt_eq(&h)?.fill_null_with_values(true)?, &h)?;
            }
            out
        }
        UnOp::Between(Lit(lo), Lit(hi), inclusive) => {
            let l = lo
                .clone()
                .into_series(PlSmallStr::EMPTY)
                .new_from_index(0, s.len());
            let h = hi
                .clone()
                .into_series(PlSmallStr::EMPTY)
                .new_from_index(0, s.len());
            let (left, right) = match inclusive.as_str() {
                "both" => (BinOp::Ge, BinOp::Le),
                "neither" => (BinOp::Gt, BinOp::Lt),
                "left" => (BinOp::Ge, BinOp::Lt),
                "right" => (BinOp::Gt, BinOp::Le),
                other => {
                    return Err(FxError::InvalidArgument(format!(
                        "Inclusive has to be either string of 'both','left', 'right', or 'neither'., got '{other}'"
                    )))
                }
            };
            let a = binary(left, s, &l)?;
            let b = binary(right, s, &h)?;
            binary(BinOp::And, &a, &b)?
        }
        UnOp::Str(op) => super::strings::apply(op, s)?,
        UnOp::Dt(op) => super::temporal::apply(op, s)?,
        UnOp::Cast(DataTypeLit(to)) => cast_like_pandas(s, to)?,
        UnOp::ToDatetime(spec) => super::temporal::to_datetime(spec, s)?,
    };
    Ok(out.with_name(name))
}

/// `astype`: strict (a value that does not fit raises, as in pandas).
pub fn cast_like_pandas(s: &Series, to: &DataType) -> FxResult<Series> {
    if s.dtype() == to {
        return Ok(s.clone());
    }
    if to.is_integer() && s.null_count() > 0 {
        return Err(FxError::InvalidArgument(
            "Cannot convert non-finite values (NA or inf) to integer".into(),
        ));
    }
    if to.is_bool() && s.dtype().is_string() {
        // pandas: every non-empty string is True.
        let out = s.str()?.str_len_bytes().gt(0);
        return Ok(out.into_series());
    }
    if to.is_string() && s.dtype().is_float() {
        // pandas prints floats with Python's repr.
        let out: StringChunked = s
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .map(|v| v.map(python_float_repr))
            .collect();
        return Ok(out.into_series());
    }
    if to.is_string() && s.dtype().is_bool() {
        let out: StringChunked = s
            .bool()?
            .iter()
            .map(|v| v.map(|b| if b { "True" } else { "False" }))
            .collect();
        return Ok(out.into_series());
    }
    s.strict_cast(to).map_err(|e| match e {
        PolarsError::InvalidOperation(m) | PolarsError::ComputeError(m) => {
            FxError::InvalidArgument(m.to_string())
        }
        other => other.into(),
    })
}

/// Python's `repr` of a float (shortest round-trip, `.0` for integers).
pub fn python_float_repr(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{v:?}");
    if (v.abs() >= 1e16 || (v != 0.0 && v.abs() < 1e-4)) && !s.contains('e') {
        return format!("{v:e}").replace("e", "e+").replace("e+-", "e-");
    }
    s
}

impl std::fmt::Display for ColExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColExpr::Col(c) => write!(f, "{c}"),
            ColExpr::Lit(Lit(s)) => match s.value() {
                AnyValue::String(v) => write!(f, "{v:?}"),
                AnyValue::StringOwned(v) => write!(f, "{:?}", v.as_str()),
                v => write!(f, "{v}"),
            },
            ColExpr::Param(i, _) => write!(f, "<scalar {i}>"),
            ColExpr::Binary(op, a, b) => write!(f, "({a} {} {b})", op.symbol()),
            ColExpr::Unary(op, a) => match op {
                UnOp::Neg => write!(f, "-{a}"),
                UnOp::Invert => write!(f, "~{a}"),
                UnOp::Str(s) => write!(f, "{a}.str.{}", format!("{s:?}").to_lowercase()),
                UnOp::Dt(d) => write!(f, "{a}.dt.{}", format!("{d:?}").to_lowercase()),
                UnOp::Cast(DataTypeLit(d)) => write!(f, "{a}.astype({d})"),
                UnOp::IsIn(v) => write!(f, "{a}.isin(<{} values>)", v.0.len()),
                other => {
                    let name = format!("{other:?}");
                    let name = name.split('(').next().unwrap_or("").to_lowercase();
                    write!(f, "{a}.{name}()")
                }
            },
            ColExpr::FillNa(a, v) => write!(f, "{a}.fillna({v})"),
            ColExpr::Where(c, a, b) => write!(f, "{a}.where({c}, {b})"),
        }
    }
}
