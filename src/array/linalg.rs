//! Linear algebra kernels: blocked matrix products.
//!
//! Block `(i, j)` of `a @ b` is `sum_k a[i, k] @ b[k, j]`, computed in one
//! task from the row of `a`'s blocks and the column of `b`'s blocks. Float
//! and complex products use OpenBLAS when [`blas`] loaded it, else the `gemm`
//! crate (SIMD kernels chosen at run time); the other dtypes use ndarray's
//! generic `dot`.

use ndarray::{Array2, ArrayD, Ix2};
use num_complex::Complex64;

use super::blas::{self, BlasElem};
use super::chunk::{ArrayChunk, Typed};
use super::dtype::DType;
use crate::error::{FxError, FxResult};

fn as2<T: Typed>(c: &ArrayChunk) -> FxResult<Array2<T>> {
    c.to_typed::<T>()
        .into_owned()
        .into_dimensionality::<Ix2>()
        .map_err(|_| FxError::InvalidArgument("matmul blocks must have two axes".into()))
}

/// `acc += a @ b` with the `gemm` crate (runtime-dispatched SIMD kernels).
fn gemm_add<T: 'static + Copy>(acc: &mut Array2<T>, a: &Array2<T>, b: &Array2<T>, one: T) {
    let (m, k) = a.dim();
    let n = b.dim().1;
    assert_eq!((b.dim().0, acc.dim()), (k, (m, n)), "matmul block shapes");
    let (a_rs, a_cs) = (a.strides()[0], a.strides()[1]);
    let (b_rs, b_cs) = (b.strides()[0], b.strides()[1]);
    let (d_rs, d_cs) = (acc.strides()[0], acc.strides()[1]);
    // SAFETY: the pointers and strides come from live ndarray arrays whose
    // shapes were checked above (dst m x n, lhs m x k, rhs k x n); `acc` is
    // borrowed mutably, so nothing else reads or writes it meanwhile.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            acc.as_mut_ptr(),
            d_cs,
            d_rs,
            true,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            one,
            one,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// An `m x n` accumulator of zeros, written rather than calloc'ed. BLAS
/// reads `c` before writing it; reading untouched calloc'ed pages maps the
/// shared zero page, so each page would fault twice, the second time with
/// a TLB shootdown across the workers (a first large product was 30% slower).
fn accumulator<T: Clone + num_traits::Zero>(m: usize, n: usize) -> Array2<T> {
    let mut v = Vec::with_capacity(m * n);
    v.resize(m * n, T::zero());
    Array2::from_shape_vec((m, n), v).expect("m * n elements")
}

fn float_product<T>(a: &[&ArrayChunk], b: &[&ArrayChunk], one: T) -> FxResult<ArrayD<T>>
where
    T: Typed + BlasElem + num_traits::Zero + 'static,
{
    let mut acc: Option<Array2<T>> = None;
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (as2::<T>(x)?, as2::<T>(y)?);
        let out = acc.get_or_insert_with(|| accumulator(x.dim().0, y.dim().1));
        if !blas_add(out, &x, &y) {
            gemm_add(out, &x, &y, one);
        }
    }
    Ok(acc.expect("at least one block pair").into_dyn())
}

/// `acc += a @ b` through the loaded BLAS; false if none is loaded.
fn blas_add<T: BlasElem + Clone>(acc: &mut Array2<T>, a: &Array2<T>, b: &Array2<T>) -> bool {
    if !blas::loaded() {
        return false;
    }
    let (m, k) = a.dim();
    let n = b.dim().1;
    let (a, b) = (a.as_standard_layout(), b.as_standard_layout());
    let (Some(a), Some(b), Some(c)) = (a.as_slice(), b.as_slice(), acc.as_slice_mut()) else {
        return false;
    };
    T::gemm_add(m, n, k, a, b, c)
}

fn complex_product(a: &[&ArrayChunk], b: &[&ArrayChunk]) -> FxResult<ArrayD<Complex64>> {
    if !blas::loaded() {
        return product::<Complex64>(a, b);
    }
    let mut acc: Option<Array2<Complex64>> = None;
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (as2::<Complex64>(x)?, as2::<Complex64>(y)?);
        let out = acc.get_or_insert_with(|| accumulator(x.dim().0, y.dim().1));
        if !blas_add(out, &x, &y) {
            *out += &x.dot(&y);
        }
    }
    Ok(acc.expect("at least one block pair").into_dyn())
}

fn product<T>(a: &[&ArrayChunk], b: &[&ArrayChunk]) -> FxResult<ArrayD<T>>
where
    T: Typed + ndarray::LinalgScalar,
{
    let mut acc: Option<Array2<T>> = None;
    for (x, y) in a.iter().zip(b) {
        let p = as2::<T>(x)?.dot(&as2::<T>(y)?);
        acc = Some(match acc {
            None => p,
            Some(s) => s + p,
        });
    }
    Ok(acc.expect("at least one block pair").into_dyn())
}

/// `sum_k a[k] @ b[k]` for the given row of `a` blocks and column of `b`
/// blocks, in dtype `out`.
pub fn matmul_blocks(a: &[&ArrayChunk], b: &[&ArrayChunk], out: DType) -> FxResult<ArrayChunk> {
    Ok(match out {
        DType::F64 => ArrayChunk::F64(float_product::<f64>(a, b, 1.0)?),
        DType::F32 => ArrayChunk::F32(float_product::<f32>(a, b, 1.0)?),
        DType::C128 => ArrayChunk::C128(complex_product(a, b)?),
        DType::I64 => ArrayChunk::I64(product::<i64>(a, b)?),
        DType::I32 => ArrayChunk::I32(product::<i32>(a, b)?),
        DType::U8 => ArrayChunk::U8(product::<u8>(a, b)?),
        DType::Bool => {
            // NumPy's boolean matmul is "any (a and b)".
            let p = product::<i64>(a, b)?;
            ArrayChunk::Bool(p.mapv(|v| v != 0))
        }
    })
}

/// The dtype of `a @ b`.
pub fn matmul_dtype(a: DType, b: DType) -> DType {
    DType::promote(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn sums_block_products() {
        let a1 = ArrayChunk::F64(array![[1.0, 2.0]].into_dyn());
        let a2 = ArrayChunk::F64(array![[3.0]].into_dyn());
        let b1 = ArrayChunk::F64(array![[1.0], [1.0]].into_dyn());
        let b2 = ArrayChunk::F64(array![[2.0]].into_dyn());
        let out = matmul_blocks(&[&a1, &a2], &[&b1, &b2], DType::F64).unwrap();
        match out {
            ArrayChunk::F64(x) => assert_eq!(x, array![[9.0]].into_dyn()),
            _ => panic!("float64 expected"),
        }
    }
}
