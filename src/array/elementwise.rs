//! Elementwise kernels: NumPy's operators and ufuncs on chunks.
//!
//! Every operation states its result dtype ([`BinOp::out_dtype`],
//! [`UnOp::out_dtype`]) from NumPy's rules, so an expression knows its dtype
//! before anything runs; the kernels cast their inputs to the computation
//! dtype and broadcast them against each other like NumPy.

use ndarray::{ArrayD, IxDyn, Zip};
use num_complex::Complex64;
use num_traits::Float;

use super::chunk::{ArrayChunk, Elem, Typed};
use super::dtype::DType;
use crate::error::{FxError, FxResult};

/// A binary operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    TrueDiv,
    /// `a // b`
    FloorDiv,
    /// `a % b`
    Mod,
    /// `a ** b`
    Pow,
    /// `a == b`
    Eq,
    /// `a != b`
    Ne,
    /// `a < b`
    Lt,
    /// `a <= b`
    Le,
    /// `a > b`
    Gt,
    /// `a >= b`
    Ge,
    /// `a & b`
    And,
    /// `a | b`
    Or,
    /// `a ^ b`
    Xor,
    /// `a << b`
    LShift,
    /// `a >> b`
    RShift,
    /// `np.maximum`
    Maximum,
    /// `np.minimum`
    Minimum,
    /// `np.fmax`
    FMax,
    /// `np.fmin`
    FMin,
    /// `np.arctan2`
    Arctan2,
    /// `np.hypot`
    Hypot,
    /// `np.logical_and`
    LogicalAnd,
    /// `np.logical_or`
    LogicalOr,
    /// `np.logical_xor`
    LogicalXor,
    /// `np.copysign`
    Copysign,
    /// `np.fmod`
    Fmod,
    /// `np.logaddexp`
    Logaddexp,
    /// `np.logaddexp2`
    Logaddexp2,
    /// `np.heaviside`
    Heaviside,
}

/// A unary operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `-a`
    Neg,
    /// `+a`
    Pos,
    /// `abs(a)`
    Abs,
    /// `~a`
    Invert,
    /// `np.sqrt`
    Sqrt,
    /// `np.exp`
    Exp,
    /// `np.expm1`
    Expm1,
    /// `np.log`
    Log,
    /// `np.log1p`
    Log1p,
    /// `np.log2`
    Log2,
    /// `np.log10`
    Log10,
    /// `np.sin`
    Sin,
    /// `np.cos`
    Cos,
    /// `np.tan`
    Tan,
    /// `np.arcsin`
    Arcsin,
    /// `np.arccos`
    Arccos,
    /// `np.arctan`
    Arctan,
    /// `np.sinh`
    Sinh,
    /// `np.cosh`
    Cosh,
    /// `np.tanh`
    Tanh,
    /// `np.floor`
    Floor,
    /// `np.ceil`
    Ceil,
    /// `np.trunc`
    Trunc,
    /// `np.rint`
    Rint,
    /// `np.sign`
    Sign,
    /// `np.square`
    Square,
    /// `np.isnan`
    IsNan,
    /// `np.isinf`
    IsInf,
    /// `np.isfinite`
    IsFinite,
    /// `np.logical_not`
    LogicalNot,
    /// `np.real`
    Real,
    /// `np.imag`
    Imag,
    /// `np.conj`
    Conj,
    /// `np.deg2rad`
    Deg2rad,
    /// `np.rad2deg`
    Rad2deg,
    /// `np.arcsinh`
    Arcsinh,
    /// `np.arccosh`
    Arccosh,
    /// `np.arctanh`
    Arctanh,
    /// `np.cbrt`
    Cbrt,
    /// `np.exp2`
    Exp2,
    /// `np.fabs`
    Fabs,
    /// `np.signbit`
    Signbit,
}

fn unsupported(op: &str, dtypes: &[DType]) -> FxError {
    let names: Vec<&str> = dtypes.iter().map(|d| d.name()).collect();
    FxError::DType(format!(
        "ufunc '{op}' not supported for the input types ({})",
        names.join(", ")
    ))
}

impl BinOp {
    /// NumPy's name for the ufunc.
    pub fn name(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "add",
            Sub => "subtract",
            Mul => "multiply",
            TrueDiv => "divide",
            FloorDiv => "floor_divide",
            Mod => "remainder",
            Pow => "power",
            Eq => "equal",
            Ne => "not_equal",
            Lt => "less",
            Le => "less_equal",
            Gt => "greater",
            Ge => "greater_equal",
            And => "bitwise_and",
            Or => "bitwise_or",
            Xor => "bitwise_xor",
            LShift => "left_shift",
            RShift => "right_shift",
            Maximum => "maximum",
            Minimum => "minimum",
            FMax => "fmax",
            FMin => "fmin",
            Arctan2 => "arctan2",
            Hypot => "hypot",
            LogicalAnd => "logical_and",
            LogicalOr => "logical_or",
            LogicalXor => "logical_xor",
            Copysign => "copysign",
            Fmod => "fmod",
            Logaddexp => "logaddexp",
            Logaddexp2 => "logaddexp2",
            Heaviside => "heaviside",
        }
    }

    /// Every binary operation, for lookup by name.
    pub const ALL: [BinOp; 32] = {
        use BinOp::*;
        [
            Add, Sub, Mul, TrueDiv, FloorDiv, Mod, Pow, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Xor,
            LShift, RShift, Maximum, Minimum, FMax, FMin, Arctan2, Hypot, LogicalAnd, LogicalOr,
            LogicalXor, Copysign, Fmod, Logaddexp, Logaddexp2, Heaviside,
        ]
    };

    /// The dtype the inputs are cast to before computing, and the output dtype.
    pub fn dtypes(self, a: DType, b: DType) -> FxResult<(DType, DType)> {
        use BinOp::*;
        let c = DType::promote(a, b);
        let complex = c == DType::C128;
        Ok(match self {
            Add | Mul | Maximum | Minimum | FMax | FMin => (c, c),
            Sub if c.is_bool() => {
                return Err(FxError::DType(
                    "numpy boolean subtract, the `-` operator, is not supported, use the \
                     bitwise_xor, the `^` operator, or the logical_xor function instead."
                        .into(),
                ))
            }
            Sub => (c, c),
            FloorDiv | Mod | Fmod | Pow if c.is_bool() => (DType::I32, DType::I32),
            FloorDiv | Mod | Fmod if complex => return Err(unsupported(self.name(), &[a, b])),
            FloorDiv | Mod | Fmod | Pow => (c, c),
            TrueDiv => (c.float_result(), c.float_result()),
            Arctan2 | Hypot | Copysign | Logaddexp | Logaddexp2 | Heaviside if complex => {
                return Err(unsupported(self.name(), &[a, b]))
            }
            // NumPy gives float16 for bool / uint8; ferrox uses float32.
            Arctan2 | Hypot | Copysign | Logaddexp | Logaddexp2 | Heaviside
                if matches!(c, DType::Bool | DType::U8) =>
            {
                (DType::F32, DType::F32)
            }
            Arctan2 | Hypot | Copysign | Logaddexp | Logaddexp2 | Heaviside => {
                (c.float_result(), c.float_result())
            }
            Eq | Ne => (c, DType::Bool),
            Lt | Le | Gt | Ge => (c, DType::Bool),
            LogicalAnd | LogicalOr | LogicalXor => (DType::Bool, DType::Bool),
            // NumPy shifts bools as int8, which ferrox does not have.
            LShift | RShift if c.is_bool() => (DType::I32, DType::I32),
            And | Or | Xor | LShift | RShift => {
                if c.is_int() || c.is_bool() {
                    (c, c)
                } else {
                    return Err(unsupported(self.name(), &[a, b]));
                }
            }
        })
    }

    /// The result dtype for inputs of dtypes `a` and `b`.
    pub fn out_dtype(self, a: DType, b: DType) -> FxResult<DType> {
        self.dtypes(a, b).map(|(_, out)| out)
    }
}

impl UnOp {
    /// NumPy's name for the ufunc.
    pub fn name(self) -> &'static str {
        use UnOp::*;
        match self {
            Neg => "negative",
            Pos => "positive",
            Abs => "absolute",
            Invert => "invert",
            Sqrt => "sqrt",
            Exp => "exp",
            Expm1 => "expm1",
            Log => "log",
            Log1p => "log1p",
            Log2 => "log2",
            Log10 => "log10",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Arcsin => "arcsin",
            Arccos => "arccos",
            Arctan => "arctan",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Floor => "floor",
            Ceil => "ceil",
            Trunc => "trunc",
            Rint => "rint",
            Sign => "sign",
            Square => "square",
            IsNan => "isnan",
            IsInf => "isinf",
            IsFinite => "isfinite",
            LogicalNot => "logical_not",
            Real => "real",
            Imag => "imag",
            Conj => "conjugate",
            Deg2rad => "deg2rad",
            Rad2deg => "rad2deg",
            Arcsinh => "arcsinh",
            Arccosh => "arccosh",
            Arctanh => "arctanh",
            Cbrt => "cbrt",
            Exp2 => "exp2",
            Fabs => "fabs",
            Signbit => "signbit",
        }
    }

    /// Every unary operation, for lookup by name.
    pub const ALL: [UnOp; 42] = {
        use UnOp::*;
        [
            Neg, Pos, Abs, Invert, Sqrt, Exp, Expm1, Log, Log1p, Log2, Log10, Sin, Cos, Tan,
            Arcsin, Arccos, Arctan, Sinh, Cosh, Tanh, Floor, Ceil, Trunc, Rint, Sign, Square,
            IsNan, IsInf, IsFinite, LogicalNot, Real, Imag, Conj, Deg2rad, Rad2deg, Arcsinh,
            Arccosh, Arctanh, Cbrt, Exp2, Fabs, Signbit,
        ]
    };

    fn is_float_func(self) -> bool {
        use UnOp::*;
        matches!(
            self,
            Sqrt | Exp
                | Expm1
                | Log
                | Log1p
                | Log2
                | Log10
                | Sin
                | Cos
                | Tan
                | Arcsin
                | Arccos
                | Arctan
                | Sinh
                | Cosh
                | Tanh
                | Rint
                | Deg2rad
                | Rad2deg
                | Arcsinh
                | Arccosh
                | Arctanh
                | Cbrt
                | Exp2
                | Fabs
        )
    }

    /// The result dtype for an input of dtype `a`.
    pub fn out_dtype(self, a: DType) -> FxResult<DType> {
        use UnOp::*;
        let complex = a == DType::C128;
        Ok(match self {
            _ if self.is_float_func() => {
                if complex && matches!(self, Deg2rad | Rad2deg | Cbrt | Fabs) {
                    return Err(unsupported(self.name(), &[a]));
                }
                // NumPy gives float16 for bool and uint8; ferrox has no
                // float16 and uses float32, the next exact type.
                if matches!(a, DType::Bool | DType::U8) {
                    DType::F32
                } else {
                    a.float_result()
                }
            }
            Neg if a.is_bool() => {
                return Err(FxError::DType(
                    "The numpy boolean negative, the `-` operator, is not supported, use the `~` \
                     operator or the logical_not function instead."
                        .into(),
                ))
            }
            Sign | Pos if a.is_bool() => return Err(unsupported(self.name(), &[a])),
            // NumPy gives int8, which ferrox does not have.
            Square | Conj if a.is_bool() => DType::I32,
            Floor | Ceil | Trunc if complex => return Err(unsupported(self.name(), &[a])),
            Neg | Pos | Sign | Square | Floor | Ceil | Trunc | Conj => a,
            Abs | Real | Imag => {
                if complex {
                    DType::F64
                } else {
                    a
                }
            }
            Invert if a.is_int() || a.is_bool() => a,
            Invert => return Err(unsupported(self.name(), &[a])),
            IsNan | IsInf | IsFinite | LogicalNot => DType::Bool,
            Signbit if complex => return Err(unsupported(self.name(), &[a])),
            Signbit => DType::Bool,
            _ => unreachable!("every unary op has a rule"),
        })
    }
}

/// Broadcast `a` and `b` and apply `f` elementwise.
fn zip2<A: Elem, B: Elem, O: Elem>(
    a: &ArrayD<A>,
    b: &ArrayD<B>,
    f: impl Fn(A, B) -> O + Sync + Send,
) -> FxResult<ArrayD<O>> {
    let shape = broadcast_shape(a.shape(), b.shape())?;
    let av = a.broadcast(IxDyn(&shape)).expect("broadcastable");
    let bv = b.broadcast(IxDyn(&shape)).expect("broadcastable");
    Ok(Zip::from(&av).and(&bv).map_collect(|&x, &y| f(x, y)))
}

/// NumPy's broadcast of two shapes.
pub fn broadcast_shape(a: &[usize], b: &[usize]) -> FxResult<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let x = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let y = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = if x == y || y == 1 {
            x
        } else if x == 1 {
            y
        } else {
            let compact = |s: &[usize]| super::chunks::format_shape(s).replace(", ", ",");
            return Err(FxError::InvalidArgument(format!(
                "operands could not be broadcast together with shapes {} {} ",
                compact(a),
                compact(b)
            )));
        };
    }
    Ok(out)
}

/// The numbers arithmetic kernels run on.
pub trait Num: Typed + PartialEq + PartialOrd {
    /// `a + b`, wrapping for integers.
    fn add(a: Self, b: Self) -> Self;
    /// `a - b`, wrapping for integers.
    fn sub(a: Self, b: Self) -> Self;
    /// `a * b`, wrapping for integers.
    fn mul(a: Self, b: Self) -> Self;
    /// Floor division as NumPy computes it.
    fn floordiv(a: Self, b: Self) -> Self;
    /// Remainder with the divisor's sign, as NumPy computes it.
    fn rem(a: Self, b: Self) -> Self;
    /// `a ** b`.
    fn pow(a: Self, b: Self) -> Self;
    /// C's `fmod`: the remainder with the dividend's sign (0 for integer `x % 0`).
    fn fmod(a: Self, b: Self) -> Self;
    /// Whether the value is NaN.
    fn is_nan(self) -> bool;
}

macro_rules! int_num {
    ($t:ty) => {
        impl Num for $t {
            fn add(a: Self, b: Self) -> Self {
                a.wrapping_add(b)
            }
            fn sub(a: Self, b: Self) -> Self {
                a.wrapping_sub(b)
            }
            fn mul(a: Self, b: Self) -> Self {
                a.wrapping_mul(b)
            }
            fn floordiv(a: Self, b: Self) -> Self {
                if b == 0 {
                    return 0;
                }
                let q = a.wrapping_div(b);
                #[allow(unused_comparisons)]
                let negative = (a < 0) != (b < 0);
                if (a % b != 0) && negative {
                    q - 1
                } else {
                    q
                }
            }
            fn rem(a: Self, b: Self) -> Self {
                if b == 0 {
                    return 0;
                }
                let r = a.wrapping_rem(b);
                #[allow(unused_comparisons)]
                if r != 0 && ((r < 0) != (b < 0)) {
                    r + b
                } else {
                    r
                }
            }
            fn pow(a: Self, b: Self) -> Self {
                #[allow(unused_comparisons)]
                if b < 0 {
                    return 0;
                }
                a.wrapping_pow(b as u32)
            }
            fn fmod(a: Self, b: Self) -> Self {
                if b == 0 {
                    0
                } else {
                    a.wrapping_rem(b)
                }
            }
            fn is_nan(self) -> bool {
                false
            }
        }
    };
}
int_num!(u8);
int_num!(i32);
int_num!(i64);

macro_rules! float_num {
    ($t:ty) => {
        impl Num for $t {
            fn add(a: Self, b: Self) -> Self {
                a + b
            }
            fn sub(a: Self, b: Self) -> Self {
                a - b
            }
            fn mul(a: Self, b: Self) -> Self {
                a * b
            }
            fn floordiv(a: Self, b: Self) -> Self {
                float_divmod(a, b).0
            }
            fn rem(a: Self, b: Self) -> Self {
                float_divmod(a, b).1
            }
            fn pow(a: Self, b: Self) -> Self {
                a.powf(b)
            }
            fn fmod(a: Self, b: Self) -> Self {
                a % b
            }
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
        }
    };
}
float_num!(f32);
float_num!(f64);

impl Num for bool {
    fn add(a: Self, b: Self) -> Self {
        a | b
    }
    fn sub(a: Self, b: Self) -> Self {
        a ^ b
    }
    fn mul(a: Self, b: Self) -> Self {
        a & b
    }
    fn floordiv(a: Self, b: Self) -> Self {
        a & b
    }
    fn rem(_: Self, _: Self) -> Self {
        false
    }
    fn pow(a: Self, b: Self) -> Self {
        a | !b
    }
    fn fmod(_: Self, _: Self) -> Self {
        false
    }
    fn is_nan(self) -> bool {
        false
    }
}

/// NumPy's `npy_divmod` for floats: (floor division, remainder).
fn float_divmod<T: Float>(a: T, b: T) -> (T, T) {
    let zero = T::zero();
    let mut m = a % b;
    if b == zero {
        return (a / b, m);
    }
    let mut div = (a - m) / b;
    if m != zero {
        if (b < zero) != (m < zero) {
            m = m + b;
            div = div - T::one();
        }
    } else {
        m = zero.copysign(b);
    }
    let floordiv = if div != zero {
        let mut f = div.floor();
        if div - f > T::from(0.5).expect("0.5") {
            f = f + T::one();
        }
        f
    } else {
        zero.copysign(a / b)
    };
    (floordiv, m)
}

fn nan_max<T: Num>(a: T, b: T) -> T {
    if a.is_nan() || a >= b {
        a
    } else {
        b
    }
}

fn nan_min<T: Num>(a: T, b: T) -> T {
    if a.is_nan() || a <= b {
        a
    } else {
        b
    }
}

fn arith<T: Num>(op: BinOp, a: &ArrayChunk, b: &ArrayChunk) -> FxResult<ArrayChunk> {
    use BinOp::*;
    let (x, y) = (a.to_typed::<T>(), b.to_typed::<T>());
    if op == Pow && T::DTYPE.is_int() && y.iter().any(|&v| v < T::from_elem(0i64)) {
        return Err(FxError::InvalidArgument(
            "Integers to negative integer powers are not allowed.".into(),
        ));
    }
    let f: fn(T, T) -> T = match op {
        Add => T::add,
        Sub => T::sub,
        Mul => T::mul,
        FloorDiv => T::floordiv,
        Mod => T::rem,
        Pow => T::pow,
        Fmod => T::fmod,
        Maximum => |a, b| if b.is_nan() { b } else { nan_max(a, b) },
        Minimum => |a, b| if b.is_nan() { b } else { nan_min(a, b) },
        FMax => |a, b| {
            if a.is_nan() {
                b
            } else if b.is_nan() {
                a
            } else {
                nan_max(a, b)
            }
        },
        FMin => |a, b| {
            if a.is_nan() {
                b
            } else if b.is_nan() {
                a
            } else {
                nan_min(a, b)
            }
        },
        _ => unreachable!("not arithmetic"),
    };
    Ok(T::wrap(zip2(&x, &y, f)?))
}

fn compare<T: Typed + PartialOrd>(
    op: BinOp,
    a: &ArrayChunk,
    b: &ArrayChunk,
) -> FxResult<ArrayChunk> {
    use BinOp::*;
    let (x, y) = (a.to_typed::<T>(), b.to_typed::<T>());
    let f: fn(T, T) -> bool = match op {
        Eq => |a, b| a == b,
        Ne => |a, b| a != b,
        Lt => |a, b| a < b,
        Le => |a, b| a <= b,
        Gt => |a, b| a > b,
        Ge => |a, b| a >= b,
        _ => unreachable!("not a comparison"),
    };
    Ok(ArrayChunk::Bool(zip2(&x, &y, f)?))
}

trait Bits:
    Typed
    + std::ops::BitAnd<Output = Self>
    + std::ops::BitOr<Output = Self>
    + std::ops::BitXor<Output = Self>
{
    fn shl(a: Self, b: Self) -> Self;
    fn shr(a: Self, b: Self) -> Self;
}

macro_rules! bits {
    ($t:ty, $bits:expr) => {
        impl Bits for $t {
            fn shl(a: Self, b: Self) -> Self {
                #[allow(unused_comparisons)]
                if b < 0 || b as u64 >= $bits {
                    0
                } else {
                    a << b
                }
            }
            fn shr(a: Self, b: Self) -> Self {
                #[allow(unused_comparisons)]
                if b < 0 || b as u64 >= $bits {
                    #[allow(unused_comparisons)]
                    if a < 0 {
                        !0
                    } else {
                        0
                    }
                } else {
                    a >> b
                }
            }
        }
    };
}
bits!(u8, 8);
bits!(i32, 32);
bits!(i64, 64);
impl Bits for bool {
    fn shl(a: Self, _: Self) -> Self {
        a
    }
    fn shr(a: Self, _: Self) -> Self {
        a
    }
}

fn bitwise<T: Bits>(op: BinOp, a: &ArrayChunk, b: &ArrayChunk) -> FxResult<ArrayChunk> {
    use BinOp::*;
    let (x, y) = (a.to_typed::<T>(), b.to_typed::<T>());
    let f: fn(T, T) -> T = match op {
        And => |a, b| a & b,
        Or => |a, b| a | b,
        Xor => |a, b| a ^ b,
        LShift => T::shl,
        RShift => T::shr,
        _ => unreachable!("not bitwise"),
    };
    Ok(T::wrap(zip2(&x, &y, f)?))
}

fn float_binary<T: Float + Typed>(
    op: BinOp,
    a: &ArrayChunk,
    b: &ArrayChunk,
) -> FxResult<ArrayChunk> {
    let (x, y) = (a.to_typed::<T>(), b.to_typed::<T>());
    let f: fn(T, T) -> T = match op {
        BinOp::TrueDiv => |a, b| a / b,
        BinOp::Arctan2 => |a, b| a.atan2(b),
        BinOp::Hypot => |a, b| a.hypot(b),
        BinOp::Copysign => |a, b| a.copysign(b),
        BinOp::Logaddexp => logaddexp,
        BinOp::Logaddexp2 => logaddexp2,
        BinOp::Heaviside => |x, h| {
            if x.is_nan() {
                x
            } else if x == T::zero() {
                h
            } else if x < T::zero() {
                T::zero()
            } else {
                T::one()
            }
        },
        _ => unreachable!("not a float binary op"),
    };
    Ok(T::wrap(zip2(&x, &y, f)?))
}

/// NumPy's `npy_logaddexp`: `log(exp(x) + exp(y))` without overflow.
fn logaddexp<T: Float>(x: T, y: T) -> T {
    if x == y {
        // Infinities of the same sign, without a NaN from inf - inf.
        return x + T::from(std::f64::consts::LN_2).expect("ln 2");
    }
    let d = x - y;
    if d > T::zero() {
        x + (-d).exp().ln_1p()
    } else if d <= T::zero() {
        y + d.exp().ln_1p()
    } else {
        d
    }
}

/// NumPy's `npy_logaddexp2`: `log2(2**x + 2**y)` without overflow.
fn logaddexp2<T: Float>(x: T, y: T) -> T {
    let log2e = T::from(std::f64::consts::LOG2_E).expect("log2 e");
    if x == y {
        return x + T::one();
    }
    let d = x - y;
    if d > T::zero() {
        x + log2e * (-d).exp2().ln_1p()
    } else if d <= T::zero() {
        y + log2e * d.exp2().ln_1p()
    } else {
        d
    }
}

/// NumPy's complex division (Smith's algorithm; `x / 0` is a complex inf).
fn complex_div(a: Complex64, b: Complex64) -> Complex64 {
    let (br, bi) = (b.re.abs(), b.im.abs());
    if br >= bi {
        if br == 0.0 && bi == 0.0 {
            return Complex64::new(a.re / br, a.im / br);
        }
        let rat = b.im / b.re;
        let scl = 1.0 / (b.re + b.im * rat);
        Complex64::new((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl)
    } else {
        let rat = b.re / b.im;
        let scl = 1.0 / (b.im + b.re * rat);
        Complex64::new((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl)
    }
}

/// Lexicographic extremum of two complex numbers; `propagate` makes NaN win
/// (`maximum`), otherwise the other operand wins (`fmax`).
fn complex_pick(a: Complex64, b: Complex64, max: bool, propagate: bool) -> Complex64 {
    let nan = |z: Complex64| z.re.is_nan() || z.im.is_nan();
    match (nan(a), nan(b)) {
        (true, _) => {
            if propagate || nan(b) {
                a
            } else {
                b
            }
        }
        (false, true) => {
            if propagate {
                b
            } else {
                a
            }
        }
        _ => {
            let a_first = if max {
                (a.re, a.im) >= (b.re, b.im)
            } else {
                (a.re, a.im) <= (b.re, b.im)
            };
            if a_first {
                a
            } else {
                b
            }
        }
    }
}

fn complex_binary(op: BinOp, a: &ArrayChunk, b: &ArrayChunk) -> FxResult<ArrayChunk> {
    use BinOp::*;
    let (x, y) = (a.to_typed::<Complex64>(), b.to_typed::<Complex64>());
    let f: fn(Complex64, Complex64) -> Complex64 = match op {
        Add => |a, b| a + b,
        Sub => |a, b| a - b,
        Mul => |a, b| a * b,
        TrueDiv => complex_div,
        Pow => |a, b| a.powc(b),
        Maximum => |a, b| complex_pick(a, b, true, true),
        Minimum => |a, b| complex_pick(a, b, false, true),
        FMax => |a, b| complex_pick(a, b, true, false),
        FMin => |a, b| complex_pick(a, b, false, false),
        Eq | Ne | Lt | Le | Gt | Ge => {
            // NumPy orders complex numbers lexicographically (real, then imaginary).
            let f: fn(Complex64, Complex64) -> bool = match op {
                Eq => |a, b| a == b,
                Ne => |a, b| a != b,
                Lt => |a, b| (a.re, a.im) < (b.re, b.im),
                Le => |a, b| (a.re, a.im) <= (b.re, b.im),
                Gt => |a, b| (a.re, a.im) > (b.re, b.im),
                _ => |a, b| (a.re, a.im) >= (b.re, b.im),
            };
            return Ok(ArrayChunk::Bool(zip2(&x, &y, f)?));
        }
        _ => return Err(unsupported(op.name(), &[a.dtype(), b.dtype()])),
    };
    Ok(ArrayChunk::C128(zip2(&x, &y, f)?))
}

/// Apply a binary operation to two chunks (broadcasting).
pub fn binary(op: BinOp, a: &ArrayChunk, b: &ArrayChunk) -> FxResult<ArrayChunk> {
    use BinOp::*;
    let (compute, _) = op.dtypes(a.dtype(), b.dtype())?;
    if compute == DType::C128 {
        return complex_binary(op, a, b);
    }
    match op {
        Add | Sub | Mul | FloorDiv | Mod | Fmod | Pow | Maximum | Minimum | FMax | FMin => {
            match compute {
                DType::Bool => arith::<bool>(op, a, b),
                DType::U8 => arith::<u8>(op, a, b),
                DType::I32 => arith::<i32>(op, a, b),
                DType::I64 => arith::<i64>(op, a, b),
                DType::F32 => arith::<f32>(op, a, b),
                _ => arith::<f64>(op, a, b),
            }
        }
        TrueDiv | Arctan2 | Hypot | Copysign | Logaddexp | Logaddexp2 | Heaviside => {
            match compute {
                DType::F32 => float_binary::<f32>(op, a, b),
                _ => float_binary::<f64>(op, a, b),
            }
        }
        Eq | Ne | Lt | Le | Gt | Ge => match compute {
            DType::Bool => compare::<bool>(op, a, b),
            DType::U8 => compare::<u8>(op, a, b),
            DType::I32 => compare::<i32>(op, a, b),
            DType::I64 => compare::<i64>(op, a, b),
            DType::F32 => compare::<f32>(op, a, b),
            _ => compare::<f64>(op, a, b),
        },
        And | Or | Xor | LShift | RShift => match compute {
            DType::Bool => bitwise::<bool>(op, a, b),
            DType::U8 => bitwise::<u8>(op, a, b),
            DType::I32 => bitwise::<i32>(op, a, b),
            _ => bitwise::<i64>(op, a, b),
        },
        LogicalAnd | LogicalOr | LogicalXor => {
            let (x, y) = (a.to_typed::<bool>(), b.to_typed::<bool>());
            let f: fn(bool, bool) -> bool = match op {
                LogicalAnd => |a, b| a && b,
                LogicalOr => |a, b| a || b,
                _ => |a, b| a != b,
            };
            Ok(ArrayChunk::Bool(zip2(&x, &y, f)?))
        }
    }
}

fn float_unary<T: Float + Typed>(op: UnOp, x: &ArrayD<T>) -> ArrayChunk {
    use UnOp::*;
    let c = |v: f64| T::from(v).expect("constant fits");
    let f: Box<dyn Fn(T) -> T> = match op {
        Sqrt => Box::new(|v: T| v.sqrt()),
        Exp => Box::new(|v: T| v.exp()),
        Expm1 => Box::new(|v: T| v.exp_m1()),
        Log => Box::new(|v: T| v.ln()),
        Log1p => Box::new(|v: T| v.ln_1p()),
        Log2 => Box::new(|v: T| v.log2()),
        Log10 => Box::new(|v: T| v.log10()),
        Sin => Box::new(|v: T| v.sin()),
        Cos => Box::new(|v: T| v.cos()),
        Tan => Box::new(|v: T| v.tan()),
        Arcsin => Box::new(|v: T| v.asin()),
        Arccos => Box::new(|v: T| v.acos()),
        Arctan => Box::new(|v: T| v.atan()),
        Sinh => Box::new(|v: T| v.sinh()),
        Cosh => Box::new(|v: T| v.cosh()),
        Tanh => Box::new(|v: T| v.tanh()),
        Arcsinh => Box::new(|v: T| v.asinh()),
        Arccosh => Box::new(|v: T| v.acosh()),
        Arctanh => Box::new(|v: T| v.atanh()),
        Cbrt => Box::new(|v: T| v.cbrt()),
        Exp2 => Box::new(|v: T| v.exp2()),
        Fabs => Box::new(|v: T| v.abs()),
        Floor => Box::new(|v: T| v.floor()),
        Ceil => Box::new(|v: T| v.ceil()),
        Trunc => Box::new(|v: T| v.trunc()),
        Rint => Box::new(move |v: T| {
            let r = v.round();
            // Round half to even, as NumPy does.
            if (v - v.trunc()).abs() == c(0.5) {
                (v / c(2.0)).round() * c(2.0)
            } else {
                r
            }
        }),
        Neg => Box::new(|v: T| -v),
        Pos => Box::new(|v: T| v),
        Abs => Box::new(|v: T| v.abs()),
        Sign => Box::new(move |v: T| {
            if v.is_nan() {
                v
            } else if v > T::zero() {
                T::one()
            } else if v < T::zero() {
                -T::one()
            } else {
                T::zero()
            }
        }),
        Square => Box::new(|v: T| v * v),
        Deg2rad => Box::new(move |v: T| v * c(std::f64::consts::PI / 180.0)),
        Rad2deg => Box::new(move |v: T| v * c(180.0 / std::f64::consts::PI)),
        Real | Conj => Box::new(|v: T| v),
        Imag => Box::new(|_: T| T::zero()),
        _ => unreachable!("handled by the caller"),
    };
    T::wrap(x.mapv(f))
}

fn int_unary<T: Num + std::ops::Not<Output = T>>(op: UnOp, x: &ArrayD<T>) -> ArrayChunk {
    use UnOp::*;
    let zero = T::from_elem(0i64);
    let one = T::from_elem(1i64);
    let f: Box<dyn Fn(T) -> T> = match op {
        Neg => Box::new(move |v| T::sub(zero, v)),
        Pos | Floor | Ceil | Trunc | Real | Conj => Box::new(|v| v),
        Abs => Box::new(move |v| if v < zero { T::sub(zero, v) } else { v }),
        Sign => Box::new(move |v| {
            if v > zero {
                one
            } else if v < zero {
                T::sub(zero, one)
            } else {
                zero
            }
        }),
        Square => Box::new(|v| T::mul(v, v)),
        Invert => Box::new(|v| !v),
        Imag => Box::new(move |_| zero),
        _ => unreachable!("handled by the caller"),
    };
    T::wrap(x.mapv(f))
}

fn complex_unary(op: UnOp, x: &ArrayD<Complex64>) -> FxResult<ArrayChunk> {
    use UnOp::*;
    Ok(match op {
        Abs => ArrayChunk::F64(x.mapv(|v| v.norm())),
        Real => ArrayChunk::F64(x.mapv(|v| v.re)),
        Imag => ArrayChunk::F64(x.mapv(|v| v.im)),
        _ => {
            let f: fn(Complex64) -> Complex64 = match op {
                Neg => |v| -v,
                Pos => |v| v,
                Conj => |v| v.conj(),
                Sqrt => |v| v.sqrt(),
                Exp => |v| v.exp(),
                Log => |v| v.ln(),
                Log10 => |v| v.log10(),
                Sin => |v| v.sin(),
                Cos => |v| v.cos(),
                Tan => |v| v.tan(),
                Sinh => |v| v.sinh(),
                Cosh => |v| v.cosh(),
                Tanh => |v| v.tanh(),
                Square => |v| v * v,
                Sign => |v| {
                    if v.re == 0.0 && v.im == 0.0 {
                        v
                    } else {
                        v / v.norm()
                    }
                },
                Expm1 => |v| v.exp() - 1.0,
                Log1p => |v| (v + 1.0).ln(),
                Log2 => |v| v.ln() / std::f64::consts::LN_2,
                Arcsin => |v| v.asin(),
                Arccos => |v| v.acos(),
                Arctan => |v| v.atan(),
                Arcsinh => |v| v.asinh(),
                Arccosh => |v| v.acosh(),
                Arctanh => |v| v.atanh(),
                Exp2 => |v| (v * std::f64::consts::LN_2).exp(),
                Rint => |v| Complex64::new(round_half_even(v.re), round_half_even(v.im)),
                _ => return Err(unsupported(op.name(), &[DType::C128])),
            };
            ArrayChunk::C128(x.mapv(f))
        }
    })
}

fn round_half_even(v: f64) -> f64 {
    let r = v.round();
    if (v - v.trunc()).abs() == 0.5 {
        (v / 2.0).round() * 2.0
    } else {
        r
    }
}

/// Apply a unary operation to a chunk.
pub fn unary(op: UnOp, a: &ArrayChunk) -> FxResult<ArrayChunk> {
    use UnOp::*;
    let out = op.out_dtype(a.dtype())?;
    match op {
        IsNan | IsInf | IsFinite => {
            let f: fn(f64) -> bool = match op {
                IsNan => f64::is_nan,
                IsInf => f64::is_infinite,
                _ => f64::is_finite,
            };
            return Ok(match a {
                ArrayChunk::F32(x) => ArrayChunk::Bool(x.mapv(|v| f(v as f64))),
                ArrayChunk::F64(x) => ArrayChunk::Bool(x.mapv(f)),
                ArrayChunk::C128(x) => ArrayChunk::Bool(x.mapv(|v| match op {
                    IsNan => v.re.is_nan() || v.im.is_nan(),
                    IsInf => v.re.is_infinite() || v.im.is_infinite(),
                    _ => v.re.is_finite() && v.im.is_finite(),
                })),
                other => {
                    ArrayChunk::Bool(ArrayD::from_elem(other.shape(), op != IsNan && op != IsInf))
                }
            });
        }
        LogicalNot => return Ok(ArrayChunk::Bool(a.to_typed::<bool>().mapv(|v| !v))),
        Signbit => {
            return Ok(ArrayChunk::Bool(match a {
                ArrayChunk::F32(x) => x.mapv(f32::is_sign_negative),
                ArrayChunk::F64(x) => x.mapv(f64::is_sign_negative),
                ArrayChunk::I32(x) => x.mapv(|v| v < 0),
                ArrayChunk::I64(x) => x.mapv(|v| v < 0),
                other => ArrayD::from_elem(other.shape(), false),
            }))
        }
        _ => {}
    }
    match a {
        ArrayChunk::C128(x) => complex_unary(op, x),
        _ if out == DType::F32 && a.dtype() != DType::F32 => {
            Ok(float_unary(op, &a.to_typed::<f32>()))
        }
        _ if out.is_float() => match out {
            DType::F32 => Ok(float_unary(op, &a.to_typed::<f32>())),
            _ => Ok(float_unary(op, &a.to_typed::<f64>())),
        },
        ArrayChunk::Bool(x) => match op {
            Square | Conj => Ok(int_unary(op, &x.mapv(|v| v as i32))),
            Invert => Ok(ArrayChunk::Bool(x.mapv(|v| !v))),
            Imag => Ok(ArrayChunk::Bool(x.mapv(|_| false))),
            _ => Ok(ArrayChunk::Bool(x.clone())),
        },
        ArrayChunk::U8(x) => Ok(int_unary(op, x)),
        ArrayChunk::I32(x) => Ok(int_unary(op, x)),
        ArrayChunk::I64(x) => Ok(int_unary(op, x)),
        ArrayChunk::F32(x) => Ok(float_unary(op, x)),
        ArrayChunk::F64(x) => Ok(float_unary(op, x)),
    }
}

/// `np.where(cond, a, b)` on chunks already cast to the output dtype.
pub fn where_(
    cond: &ArrayChunk,
    a: &ArrayChunk,
    b: &ArrayChunk,
    out: DType,
) -> FxResult<ArrayChunk> {
    let c = cond.to_typed::<bool>();
    let shape = broadcast_shape(&broadcast_shape(c.shape(), a.shape())?, b.shape())?;
    let cv = c.broadcast(IxDyn(&shape)).expect("broadcastable");
    fn pick<T: Typed>(
        cv: &ndarray::ArrayViewD<'_, bool>,
        a: &ArrayChunk,
        b: &ArrayChunk,
        shape: &[usize],
    ) -> ArrayChunk {
        let (x, y) = (a.to_typed::<T>(), b.to_typed::<T>());
        let xv = x.broadcast(IxDyn(shape)).expect("broadcastable");
        let yv = y.broadcast(IxDyn(shape)).expect("broadcastable");
        T::wrap(
            Zip::from(cv)
                .and(&xv)
                .and(&yv)
                .map_collect(|&c, &x, &y| if c { x } else { y }),
        )
    }
    Ok(crate::with_dtype!(out, T => pick::<T>(&cv, a, b, &shape)))
}
