//! An optional BLAS for float matrix products, loaded at run time.
//!
//! The `gemm` crate's kernels stop at AVX2 on stable Rust; OpenBLAS has
//! AVX-512 kernels and is about twice as fast where the CPU has them. The
//! Python edge loads the library the `scipy-openblas64` wheel ships (the
//! OpenBLAS build NumPy and SciPy use, with `scipy_`-prefixed, 64-bit-int
//! CBLAS symbols) and sets it to one thread: ferrox already runs one product
//! per worker. Without it, products fall back to `gemm`.

use std::ffi::c_void;
use std::sync::OnceLock;

use crate::error::{FxError, FxResult};

const ROW_MAJOR: i32 = 101;
const NO_TRANS: i32 = 111;

type Gemm<T> = unsafe extern "C" fn(
    i32,
    i32,
    i32,
    i64,
    i64,
    i64,
    T,
    *const T,
    i64,
    *const T,
    i64,
    T,
    *mut T,
    i64,
);
type Zgemm = unsafe extern "C" fn(
    i32,
    i32,
    i32,
    i64,
    i64,
    i64,
    *const c_void,
    *const c_void,
    i64,
    *const c_void,
    i64,
    *const c_void,
    *mut c_void,
    i64,
);

/// The loaded library's entry points.
pub struct Blas {
    dgemm: Gemm<f64>,
    sgemm: Gemm<f32>,
    zgemm: Zgemm,
    /// Keeps the library mapped for the process' lifetime.
    _lib: libloading::Library,
}

static BLAS: OnceLock<Blas> = OnceLock::new();

/// Load the OpenBLAS at `path` (once per process; later calls are no-ops).
pub fn load(path: &str) -> FxResult<()> {
    if BLAS.get().is_some() {
        return Ok(());
    }
    let err = |e: libloading::Error| FxError::InvalidArgument(format!("cannot load BLAS: {e}"));
    // SAFETY: loading runs the library's initializers; OpenBLAS' only set
    // up its thread pool. The symbols are looked up with the C signatures
    // declared in OpenBLAS' `cblas.h` for its 64-bit-integer build, and the
    // pointers are only used while `_lib` (stored beside them) is alive.
    let blas = unsafe {
        let lib = libloading::Library::new(path).map_err(err)?;
        let set_threads: libloading::Symbol<'_, unsafe extern "C" fn(i32)> =
            lib.get(b"scipy_openblas_set_num_threads64_").map_err(err)?;
        set_threads(1);
        Blas {
            dgemm: *lib.get(b"scipy_cblas_dgemm64_").map_err(err)?,
            sgemm: *lib.get(b"scipy_cblas_sgemm64_").map_err(err)?,
            zgemm: *lib.get(b"scipy_cblas_zgemm64_").map_err(err)?,
            _lib: lib,
        }
    };
    let _ = BLAS.set(blas);
    Ok(())
}

/// Whether a BLAS is loaded.
pub fn loaded() -> bool {
    BLAS.get().is_some()
}

/// An element type BLAS multiplies.
pub trait BlasElem: Copy {
    /// `c += a @ b` for row-major, contiguous `a` (m x k), `b` (k x n) and
    /// `c` (m x n). Returns false when no BLAS is loaded.
    fn gemm_add(m: usize, n: usize, k: usize, a: &[Self], b: &[Self], c: &mut [Self]) -> bool;
}

fn dims(m: usize, n: usize, k: usize, a: usize, b: usize, c: usize) {
    assert!(
        a == m * k && b == k * n && c == m * n,
        "matmul block shapes"
    );
}

macro_rules! real_gemm {
    ($t:ty, $field:ident) => {
        impl BlasElem for $t {
            fn gemm_add(m: usize, n: usize, k: usize, a: &[$t], b: &[$t], c: &mut [$t]) -> bool {
                let Some(blas) = BLAS.get() else {
                    return false;
                };
                dims(m, n, k, a.len(), b.len(), c.len());
                let (m, n, k) = (m as i64, n as i64, k as i64);
                // SAFETY: the slices hold exactly m*k, k*n and m*n elements
                // (checked above), row-major with leading dimensions k, n
                // and n; `c` is borrowed mutably for the call.
                unsafe {
                    (blas.$field)(
                        ROW_MAJOR,
                        NO_TRANS,
                        NO_TRANS,
                        m,
                        n,
                        k,
                        1.0,
                        a.as_ptr(),
                        k.max(1),
                        b.as_ptr(),
                        n.max(1),
                        1.0,
                        c.as_mut_ptr(),
                        n.max(1),
                    )
                };
                true
            }
        }
    };
}

real_gemm!(f64, dgemm);
real_gemm!(f32, sgemm);

impl BlasElem for num_complex::Complex64 {
    fn gemm_add(m: usize, n: usize, k: usize, a: &[Self], b: &[Self], c: &mut [Self]) -> bool {
        let Some(blas) = BLAS.get() else {
            return false;
        };
        dims(m, n, k, a.len(), b.len(), c.len());
        let one = num_complex::Complex64::new(1.0, 0.0);
        let (m, n, k) = (m as i64, n as i64, k as i64);
        // SAFETY: as for the real products; `Complex64` is `repr(C)` (two
        // f64), the layout `cblas_zgemm` expects, and `one` outlives the call.
        unsafe {
            (blas.zgemm)(
                ROW_MAJOR,
                NO_TRANS,
                NO_TRANS,
                m,
                n,
                k,
                (&one as *const num_complex::Complex64).cast(),
                a.as_ptr().cast(),
                k.max(1),
                b.as_ptr().cast(),
                n.max(1),
                (&one as *const num_complex::Complex64).cast(),
                c.as_mut_ptr().cast(),
                n.max(1),
            )
        };
        true
    }
}
