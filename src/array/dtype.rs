//! Array dtypes and NumPy's promotion rules for them.

use crate::error::{FxError, FxResult};

/// The element types an array chunk can hold.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum DType {
    /// `bool`
    Bool,
    /// `uint8`
    U8,
    /// `int32`
    I32,
    /// `int64`
    I64,
    /// `float32`
    F32,
    /// `float64`
    F64,
    /// `complex128`
    C128,
}

/// The kind of a Python scalar operand (NEP 50: "weak" scalars take the
/// array's dtype when they fit its kind).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ScalarKind {
    /// A Python `bool`.
    Bool,
    /// A Python `int`.
    Int,
    /// A Python `float`.
    Float,
    /// A Python `complex`.
    Complex,
}

impl DType {
    /// Every dtype, in promotion order.
    pub const ALL: [DType; 7] = [
        DType::Bool,
        DType::U8,
        DType::I32,
        DType::I64,
        DType::F32,
        DType::F64,
        DType::C128,
    ];

    /// NumPy's name for the dtype.
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::U8 => "uint8",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C128 => "complex128",
        }
    }

    /// The dtype NumPy calls `name` (only the dtypes ferrox supports).
    pub fn from_name(name: &str) -> FxResult<DType> {
        DType::ALL.into_iter().find(|d| d.name() == name).ok_or_else(|| {
            FxError::DType(format!(
                "`dtype` must be one of bool, uint8, int32, int64, float32, float64, complex128, got {name}"
            ))
        })
    }

    /// Bytes per element.
    pub fn itemsize(self) -> usize {
        match self {
            DType::Bool | DType::U8 => 1,
            DType::I32 | DType::F32 => 4,
            DType::I64 | DType::F64 => 8,
            DType::C128 => 16,
        }
    }

    /// Whether the dtype is `bool`.
    pub fn is_bool(self) -> bool {
        self == DType::Bool
    }

    /// Whether the dtype is an integer type.
    pub fn is_int(self) -> bool {
        matches!(self, DType::U8 | DType::I32 | DType::I64)
    }

    /// Whether the dtype is a real floating type.
    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// `np.result_type(a, b)` for two array dtypes.
    pub fn promote(a: DType, b: DType) -> DType {
        use DType::*;
        if a == b {
            return a;
        }
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        match (lo, hi) {
            (_, C128) => C128,
            (Bool, x) => x,
            (U8, I32) | (U8, I64) | (I32, I64) => hi,
            (U8, F32) => F32,
            (I32 | I64, F32) => F64,
            (_, F64) => F64,
            _ => hi,
        }
    }

    /// `np.result_type(array_dtype, python_scalar)` under NEP 50.
    pub fn promote_scalar(a: DType, s: ScalarKind) -> DType {
        match s {
            ScalarKind::Bool => a,
            ScalarKind::Int => {
                if a.is_bool() {
                    DType::I64
                } else {
                    a
                }
            }
            ScalarKind::Float => {
                if a.is_float() || a == DType::C128 {
                    a
                } else {
                    DType::F64
                }
            }
            ScalarKind::Complex => DType::C128,
        }
    }

    /// The dtype of a true division or a float-valued function of `self`.
    pub fn float_result(self) -> DType {
        match self {
            DType::F32 => DType::F32,
            DType::C128 => DType::C128,
            _ => DType::F64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DType::*;
    use super::*;

    #[test]
    fn promotion_follows_numpy() {
        assert_eq!(DType::promote(Bool, I32), I32);
        assert_eq!(DType::promote(U8, I32), I32);
        assert_eq!(DType::promote(I32, F32), F64);
        assert_eq!(DType::promote(U8, F32), F32);
        assert_eq!(DType::promote(F32, F64), F64);
        assert_eq!(DType::promote(I64, C128), C128);
        assert_eq!(DType::promote_scalar(I32, ScalarKind::Int), I32);
        assert_eq!(DType::promote_scalar(I32, ScalarKind::Float), F64);
        assert_eq!(DType::promote_scalar(F32, ScalarKind::Float), F32);
        assert_eq!(DType::promote_scalar(Bool, ScalarKind::Int), I64);
    }

    #[test]
    fn names_round_trip() {
        for d in DType::ALL {
            assert_eq!(DType::from_name(d.name()).unwrap(), d);
        }
        assert!(DType::from_name("float16").is_err());
    }
}
