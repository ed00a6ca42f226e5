//! `ArrayChunk`: one block of an array, an n-d `ndarray` of one dtype.
//!
//! Kernels are written once, generically over [`Elem`], and dispatched on the
//! chunk's dtype with [`dispatch!`](crate::dispatch). Casts follow NumPy's
//! `astype` (float → int truncates, anything → bool is `!= 0`).

use ndarray::{ArrayD, IxDyn};
use num_complex::Complex64;

use super::dtype::DType;

/// One block of an array.
#[derive(Clone, Debug)]
pub enum ArrayChunk {
    /// `bool` elements.
    Bool(ArrayD<bool>),
    /// `uint8` elements.
    U8(ArrayD<u8>),
    /// `int32` elements.
    I32(ArrayD<i32>),
    /// `int64` elements.
    I64(ArrayD<i64>),
    /// `float32` elements.
    F32(ArrayD<f32>),
    /// `float64` elements.
    F64(ArrayD<f64>),
    /// `complex128` elements.
    C128(ArrayD<Complex64>),
}

/// Run `$body` with `$a` bound to the chunk's typed array.
#[macro_export]
macro_rules! dispatch {
    ($chunk:expr, $a:ident => $body:expr) => {
        match $chunk {
            $crate::array::chunk::ArrayChunk::Bool($a) => $body,
            $crate::array::chunk::ArrayChunk::U8($a) => $body,
            $crate::array::chunk::ArrayChunk::I32($a) => $body,
            $crate::array::chunk::ArrayChunk::I64($a) => $body,
            $crate::array::chunk::ArrayChunk::F32($a) => $body,
            $crate::array::chunk::ArrayChunk::F64($a) => $body,
            $crate::array::chunk::ArrayChunk::C128($a) => $body,
        }
    };
}

/// An element type: conversions through the widest types, as `astype` does.
pub trait Elem: Copy + Send + Sync + Default + std::fmt::Debug + 'static {
    /// The element's dtype.
    const DTYPE: DType;
    /// As `f64` (real part of a complex).
    fn to_f64(self) -> f64;
    /// As `i64` (truncating floats).
    fn to_i64(self) -> i64;
    /// As a complex number.
    fn to_c128(self) -> Complex64;
    /// As a bool (`!= 0`).
    fn to_bool(self) -> bool;
    /// From any element, as `astype` would convert it.
    fn from_elem<T: Elem>(x: T) -> Self;
    /// Wrap an array of this element type as a chunk.
    fn wrap(a: ArrayD<Self>) -> ArrayChunk;
}

macro_rules! int_elem {
    ($t:ty, $d:ident) => {
        impl Elem for $t {
            const DTYPE: DType = DType::$d;
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn to_i64(self) -> i64 {
                self as i64
            }
            fn to_c128(self) -> Complex64 {
                Complex64::new(self as f64, 0.0)
            }
            fn to_bool(self) -> bool {
                self != 0
            }
            fn from_elem<T: Elem>(x: T) -> Self {
                if T::DTYPE.is_float() || T::DTYPE == DType::C128 {
                    x.to_f64() as i64 as $t
                } else {
                    x.to_i64() as $t
                }
            }
            fn wrap(a: ArrayD<Self>) -> ArrayChunk {
                ArrayChunk::$d(a)
            }
        }
    };
}

macro_rules! float_elem {
    ($t:ty, $d:ident) => {
        impl Elem for $t {
            const DTYPE: DType = DType::$d;
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn to_i64(self) -> i64 {
                self as i64
            }
            fn to_c128(self) -> Complex64 {
                Complex64::new(self as f64, 0.0)
            }
            fn to_bool(self) -> bool {
                self != 0.0
            }
            fn from_elem<T: Elem>(x: T) -> Self {
                x.to_f64() as $t
            }
            fn wrap(a: ArrayD<Self>) -> ArrayChunk {
                ArrayChunk::$d(a)
            }
        }
    };
}

int_elem!(u8, U8);
int_elem!(i32, I32);
int_elem!(i64, I64);
float_elem!(f32, F32);
float_elem!(f64, F64);

impl Elem for bool {
    const DTYPE: DType = DType::Bool;
    fn to_f64(self) -> f64 {
        self as u8 as f64
    }
    fn to_i64(self) -> i64 {
        self as i64
    }
    fn to_c128(self) -> Complex64 {
        Complex64::new(self as u8 as f64, 0.0)
    }
    fn to_bool(self) -> bool {
        self
    }
    fn from_elem<T: Elem>(x: T) -> Self {
        x.to_bool()
    }
    fn wrap(a: ArrayD<Self>) -> ArrayChunk {
        ArrayChunk::Bool(a)
    }
}

impl Elem for Complex64 {
    const DTYPE: DType = DType::C128;
    fn to_f64(self) -> f64 {
        self.re
    }
    fn to_i64(self) -> i64 {
        self.re as i64
    }
    fn to_c128(self) -> Complex64 {
        self
    }
    fn to_bool(self) -> bool {
        self.re != 0.0 || self.im != 0.0
    }
    fn from_elem<T: Elem>(x: T) -> Self {
        x.to_c128()
    }
    fn wrap(a: ArrayD<Self>) -> ArrayChunk {
        ArrayChunk::C128(a)
    }
}

impl ArrayChunk {
    /// The chunk's dtype.
    pub fn dtype(&self) -> DType {
        fn d<T: Elem>(_: &ArrayD<T>) -> DType {
            T::DTYPE
        }
        crate::dispatch!(self, a => d(a))
    }

    /// The chunk's shape.
    pub fn shape(&self) -> &[usize] {
        crate::dispatch!(self, a => a.shape())
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        crate::dispatch!(self, a => a.len())
    }

    /// Whether the chunk has no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held by the elements.
    pub fn nbytes(&self) -> usize {
        self.len() * self.dtype().itemsize()
    }

    /// The chunk converted to `dtype` (a clone when it already has it).
    pub fn astype(&self, dtype: DType) -> ArrayChunk {
        if self.dtype() == dtype {
            return self.clone();
        }
        crate::with_dtype!(dtype, T => T::wrap(crate::dispatch!(self, a => a.mapv(T::from_elem))))
    }

    /// A chunk of `shape` filled with zeros of `dtype`.
    pub fn zeros(dtype: DType, shape: &[usize]) -> ArrayChunk {
        crate::with_dtype!(dtype, T => T::wrap(ArrayD::<T>::default(IxDyn(shape))))
    }
}

/// Run `$body` with the type alias `$T` set to the element type of `$dtype`.
#[macro_export]
macro_rules! with_dtype {
    ($dtype:expr, $T:ident => $body:expr) => {{
        #[allow(unused_imports)]
        use $crate::array::chunk::Elem as _;
        use $crate::array::dtype::DType as __D;
        match $dtype {
            __D::Bool => {
                type $T = bool;
                $body
            }
            __D::U8 => {
                type $T = u8;
                $body
            }
            __D::I32 => {
                type $T = i32;
                $body
            }
            __D::I64 => {
                type $T = i64;
                $body
            }
            __D::F32 => {
                type $T = f32;
                $body
            }
            __D::F64 => {
                type $T = f64;
                $body
            }
            __D::C128 => {
                type $T = num_complex::Complex64;
                $body
            }
        }
    }};
}

/// Typed access to a chunk's array.
pub trait Typed: Elem {
    /// The chunk's array if its dtype is `Self`.
    fn view(c: &ArrayChunk) -> Option<&ArrayD<Self>>;
}

macro_rules! typed {
    ($t:ty, $d:ident) => {
        impl Typed for $t {
            fn view(c: &ArrayChunk) -> Option<&ArrayD<Self>> {
                match c {
                    ArrayChunk::$d(a) => Some(a),
                    _ => None,
                }
            }
        }
    };
}
typed!(bool, Bool);
typed!(u8, U8);
typed!(i32, I32);
typed!(i64, I64);
typed!(f32, F32);
typed!(f64, F64);
typed!(Complex64, C128);

impl ArrayChunk {
    /// The array as element type `T`, converting when the dtype differs.
    pub fn to_typed<T: Typed>(&self) -> std::borrow::Cow<'_, ArrayD<T>> {
        match T::view(self) {
            Some(a) => std::borrow::Cow::Borrowed(a),
            None => std::borrow::Cow::Owned(crate::dispatch!(self, a => a.mapv(T::from_elem))),
        }
    }
}
