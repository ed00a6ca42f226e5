//! Reductions as chunk → combine → aggregate, like `dask/array/reductions.py`.
//!
//! The chunk step reduces one block over the reduced axes (keeping them with
//! length 1) into a typed [`Partial`]; combine merges partials of
//! neighbouring blocks (a tree with fan-in `split_every`); aggregate turns
//! the last partial into the result block. Means and variances carry
//! `(count, mean, M2)` and merge with Chan et al.'s formula, which is as
//! stable as a two-pass variance; sums accumulate in the output dtype
//! (float64 for integer means).

use ndarray::{ArrayD, IxDyn, Zip};
use num_complex::Complex64;

use super::chunk::{ArrayChunk, Elem};
use super::dtype::DType;
use crate::error::{FxError, FxResult};

/// Which reduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    /// `sum`
    Sum,
    /// `prod`
    Prod,
    /// `min`
    Min,
    /// `max`
    Max,
    /// `any`
    Any,
    /// `all`
    All,
    /// `mean`
    Mean,
    /// `var`
    Var,
    /// `std`
    Std,
    /// `argmin`
    ArgMin,
    /// `argmax`
    ArgMax,
    /// `nansum`
    NanSum,
    /// `nanprod`
    NanProd,
    /// `nanmin`
    NanMin,
    /// `nanmax`
    NanMax,
    /// `nanmean`
    NanMean,
    /// `nanvar`
    NanVar,
    /// `nanstd`
    NanStd,
}

impl ReduceOp {
    /// Every reduction, for lookup by name.
    pub const ALL: [ReduceOp; 18] = {
        use ReduceOp::*;
        [
            Sum, Prod, Min, Max, Any, All, Mean, Var, Std, ArgMin, ArgMax, NanSum, NanProd, NanMin,
            NanMax, NanMean, NanVar, NanStd,
        ]
    };

    /// NumPy's name.
    pub fn name(self) -> &'static str {
        use ReduceOp::*;
        match self {
            Sum => "sum",
            Prod => "prod",
            Min => "min",
            Max => "max",
            Any => "any",
            All => "all",
            Mean => "mean",
            Var => "var",
            Std => "std",
            ArgMin => "argmin",
            ArgMax => "argmax",
            NanSum => "nansum",
            NanProd => "nanprod",
            NanMin => "nanmin",
            NanMax => "nanmax",
            NanMean => "nanmean",
            NanVar => "nanvar",
            NanStd => "nanstd",
        }
    }

    fn skips_nan(self) -> bool {
        use ReduceOp::*;
        matches!(
            self,
            NanSum | NanProd | NanMin | NanMax | NanMean | NanVar | NanStd
        )
    }

    fn is_moment(self) -> bool {
        use ReduceOp::*;
        matches!(self, Mean | Var | Std | NanMean | NanVar | NanStd)
    }

    /// The error for a reduction the kernels do not run on complex
    /// arrays (variances: the Python layer composes them of real ones).
    pub fn check_complex(self, dtype: DType) -> FxResult<()> {
        use ReduceOp::*;
        if dtype == DType::C128 && matches!(self, Var | Std | NanVar | NanStd) {
            return Err(FxError::DType(format!(
                "`{}` of complex arrays is not supported",
                self.name()
            )));
        }
        Ok(())
    }

    fn is_arg(self) -> bool {
        matches!(self, ReduceOp::ArgMin | ReduceOp::ArgMax)
    }

    /// The result dtype for input dtype `a` (`dtype=` overrides for sums and means).
    pub fn out_dtype(self, a: DType, dtype: Option<DType>) -> FxResult<DType> {
        use ReduceOp::*;
        if let Some(d) = dtype {
            if !matches!(
                self,
                Min | Max | NanMin | NanMax | Any | All | ArgMin | ArgMax
            ) {
                return Ok(d);
            }
        }
        Ok(match self {
            Sum | Prod | NanSum | NanProd => match a {
                DType::Bool | DType::U8 | DType::I32 | DType::I64 => DType::I64,
                other => other,
            },
            Min | Max | NanMin | NanMax => a,
            Any | All => DType::Bool,
            ArgMin | ArgMax => DType::I64,
            Mean | NanMean => a.float_result(),
            Var | Std | NanVar | NanStd => {
                if a == DType::C128 {
                    DType::F64
                } else {
                    a.float_result()
                }
            }
        })
    }
}

/// The partial state of a reduction over some blocks.
#[derive(Clone, Debug)]
pub enum Partial {
    /// Sums, products, extrema, any/all: the running value in the result dtype.
    Value(ArrayChunk),
    /// Means and variances: count, mean and sum of squared deviations.
    Moments {
        /// Number of (non-NaN) elements.
        n: ArrayD<f64>,
        /// Their mean.
        mean: ArrayD<f64>,
        /// Sum of squared deviations from the mean.
        m2: ArrayD<f64>,
    },
    /// Complex means: count and sum.
    ComplexMean {
        /// Number of elements.
        n: ArrayD<f64>,
        /// Their sum.
        sum: ArrayD<Complex64>,
    },
    /// Arg-extrema: the best value so far and its flat index in the array.
    Arg {
        /// The extreme value (as complex, so one order serves every dtype:
        /// NumPy orders complex numbers by real, then imaginary part; NaN
        /// wins).
        value: ArrayD<Complex64>,
        /// Its index.
        index: ArrayD<i64>,
    },
}

/// Visit every element of `a` with `(k, r, x)`: `k` the flat index of its
/// position in the kept axes, `r` its flat index within the reduced axes.
/// Returns `(K, R)`, the sizes of those two index spaces. The order is the
/// cache-friendly one for C-order blocks.
fn visit<T: Copy>(
    a: &ArrayD<T>,
    axes: &[usize],
    mut f: impl FnMut(usize, usize, T),
) -> (usize, usize) {
    let ndim = a.ndim();
    let reduced: usize = axes.iter().map(|&ax| a.shape()[ax]).product();
    let kept: usize = a.len() / reduced.max(1);
    if a.is_empty() {
        let kept = (0..ndim)
            .filter(|ax| !axes.contains(ax))
            .map(|ax| a.shape()[ax])
            .product();
        return (kept, reduced);
    }
    let leading = axes.iter().enumerate().all(|(i, &ax)| ax == i);
    if leading && a.is_standard_layout() {
        let data = a.as_slice().expect("standard layout");
        for (r, row) in data.chunks_exact(kept).enumerate() {
            for (k, &x) in row.iter().enumerate() {
                f(k, r, x);
            }
        }
        return (kept, reduced);
    }
    let mut perm: Vec<usize> = (0..ndim).filter(|ax| !axes.contains(ax)).collect();
    perm.extend_from_slice(axes);
    let p = a.view().permuted_axes(IxDyn(&perm));
    let p = p.as_standard_layout();
    let data = p.as_slice().expect("standard layout");
    for (k, row) in data.chunks_exact(reduced.max(1)).enumerate() {
        for (r, &x) in row.iter().enumerate() {
            f(k, r, x);
        }
    }
    (kept, reduced)
}

/// The shape of a block reduced over `axes` with the axes kept.
fn kept_shape(shape: &[usize], axes: &[usize]) -> Vec<usize> {
    shape
        .iter()
        .enumerate()
        .map(|(ax, &n)| if axes.contains(&ax) { 1 } else { n })
        .collect()
}

fn shaped<A>(shape: &[usize], data: Vec<A>) -> ArrayD<A> {
    ArrayD::from_shape_vec(IxDyn(shape), data).expect("one value per kept position")
}

fn is_nan<T: Elem>(x: T) -> bool {
    match T::DTYPE {
        DType::F32 | DType::F64 => x.to_f64().is_nan(),
        DType::C128 => {
            let c = x.to_c128();
            c.re.is_nan() || c.im.is_nan()
        }
        _ => false,
    }
}

fn c_nan(c: Complex64) -> bool {
    c.re.is_nan() || c.im.is_nan()
}

/// NumPy's order of complex numbers: by real part, then by imaginary part.
fn c_less(a: Complex64, b: Complex64) -> bool {
    a.re < b.re || (a.re == b.re && a.im < b.im)
}

/// One step of a complex extremum, with `value_step`'s rules: NaN wins in
/// min / max and loses in nanmin / nanmax; a tie keeps the earlier value.
fn complex_step(op: ReduceOp, x: Complex64, acc: Complex64) -> Complex64 {
    use ReduceOp::*;
    match op {
        NanMin | NanMax if c_nan(x) => acc,
        NanMin | NanMax if c_nan(acc) => x,
        _ if c_nan(acc) => acc,
        _ if c_nan(x) => x,
        Min | NanMin if c_less(x, acc) => x,
        Max | NanMax if c_less(acc, x) => x,
        _ => acc,
    }
}

fn value_step<O: super::elementwise::Num>(op: ReduceOp, x: O, acc: O) -> O {
    use ReduceOp::*;
    match op {
        Sum | NanSum => O::add(acc, x),
        Prod | NanProd => O::mul(acc, x),
        // NaN wins in min / max, loses in nanmin / nanmax (all-NaN stays NaN).
        NanMin | NanMax if x.is_nan() => acc,
        NanMin | NanMax if acc.is_nan() => x,
        Min | NanMin => {
            if acc.is_nan() || (!x.is_nan() && acc <= x) {
                acc
            } else {
                x
            }
        }
        Max | NanMax => {
            if acc.is_nan() || (!x.is_nan() && acc >= x) {
                acc
            } else {
                x
            }
        }
        _ => unreachable!("not a value reduction"),
    }
}

fn identity<O: super::elementwise::Num>(op: ReduceOp) -> O {
    use ReduceOp::*;
    match op {
        Sum | NanSum => O::from_elem(0i64),
        Prod | NanProd => O::from_elem(1i64),
        // Extrema start from the first element instead (see `value_chunk`).
        _ => O::from_elem(0i64),
    }
}

fn value_chunk<T: Elem, O: super::elementwise::Num>(
    op: ReduceOp,
    a: &ArrayD<T>,
    axes: &[usize],
) -> ArrayD<O> {
    use ReduceOp::*;
    let shape = kept_shape(a.shape(), axes);
    let n: usize = shape.iter().product();
    let extremum = matches!(op, Min | Max | NanMin | NanMax);
    let mut acc: Vec<O> = vec![identity::<O>(op); n];
    let mut seen = vec![!extremum; n];
    let skip = op.skips_nan();
    visit(a, axes, |k, _, x| {
        if skip && is_nan(x) {
            return;
        }
        let x = O::from_elem(x);
        if !seen[k] {
            seen[k] = true;
            acc[k] = x;
        } else {
            acc[k] = value_step(op, x, acc[k]);
        }
    });
    if extremum && skip {
        // All-NaN slices give NaN, as NumPy's nanmin / nanmax do.
        for (v, s) in acc.iter_mut().zip(&seen) {
            if !s {
                *v = O::from_elem(f64::NAN);
            }
        }
    }
    shaped(&shape, acc)
}

fn bool_chunk<T: Elem>(op: ReduceOp, a: &ArrayD<T>, axes: &[usize]) -> ArrayD<bool> {
    let shape = kept_shape(a.shape(), axes);
    let all = op == ReduceOp::All;
    let mut acc = vec![all; shape.iter().product()];
    visit(a, axes, |k, _, x| {
        if all {
            acc[k] &= x.to_bool();
        } else {
            acc[k] |= x.to_bool();
        }
    });
    shaped(&shape, acc)
}

fn moments_chunk<T: Elem>(op: ReduceOp, a: &ArrayD<T>, axes: &[usize]) -> Partial {
    let shape = kept_shape(a.shape(), axes);
    let kept: usize = shape.iter().product();
    let skip = op.skips_nan();
    let mut n = vec![0.0f64; kept];
    let mut sum = vec![0.0f64; kept];
    visit(a, axes, |k, _, x| {
        if !(skip && is_nan(x)) {
            n[k] += 1.0;
            sum[k] += x.to_f64();
        }
    });
    let mean: Vec<f64> = sum
        .iter()
        .zip(&n)
        .map(|(s, c)| if *c > 0.0 { s / c } else { 0.0 })
        .collect();
    let mut m2 = vec![0.0f64; kept];
    if !matches!(op, ReduceOp::Mean | ReduceOp::NanMean) {
        visit(a, axes, |k, _, x| {
            if !(skip && is_nan(x)) {
                let d = x.to_f64() - mean[k];
                m2[k] += d * d;
            }
        });
    }
    Partial::Moments {
        n: shaped(&shape, n),
        mean: shaped(&shape, mean),
        m2: shaped(&shape, m2),
    }
}

/// Where a block sits in the whole array, for arg-reductions.
#[derive(Clone, Debug)]
pub struct BlockPlace {
    /// Global offset of the block along each axis.
    pub offset: Vec<usize>,
    /// The whole array's shape.
    pub shape: Vec<usize>,
}

fn arg_chunk<T: Elem>(op: ReduceOp, a: &ArrayD<T>, axes: &[usize], place: &BlockPlace) -> Partial {
    let shape = kept_shape(a.shape(), axes);
    let kept: usize = shape.iter().product();
    let mut value = vec![Complex64::new(f64::NAN, 0.0); kept];
    let mut index = vec![-1i64; kept];
    let max = op == ReduceOp::ArgMax;
    visit(a, axes, |k, r, x| {
        let x = x.to_c128();
        let v = value[k];
        let better = index[k] < 0
            || (!c_nan(v) && (c_nan(x) || if max { c_less(v, x) } else { c_less(x, v) }));
        if better {
            value[k] = x;
            index[k] = r as i64;
        }
    });
    // Local positions within the reduced axes -> global flat index over them.
    let red_block: Vec<usize> = axes.iter().map(|&ax| a.shape()[ax]).collect();
    let red_global: Vec<usize> = axes.iter().map(|&ax| place.shape[ax]).collect();
    let red_offset: Vec<usize> = axes.iter().map(|&ax| place.offset[ax]).collect();
    for i in index.iter_mut().filter(|i| **i >= 0) {
        let mut rem = *i as usize;
        let mut global = 0usize;
        let mut stride = 1usize;
        let mut local = vec![0usize; red_block.len()];
        for d in (0..red_block.len()).rev() {
            local[d] = rem % red_block[d];
            rem /= red_block[d];
        }
        for d in (0..red_block.len()).rev() {
            global += (local[d] + red_offset[d]) * stride;
            stride *= red_global[d];
        }
        *i = global as i64;
    }
    Partial::Arg {
        value: shaped(&shape, value),
        index: shaped(&shape, index),
    }
}

/// Sum of a contiguous run with eight accumulators (vectorizable, and
/// more accurate than one running sum).
fn sum_run(xs: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let mut it = xs.chunks_exact(8);
    for c in &mut it {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += x;
        }
    }
    let tail: f64 = it.remainder().iter().sum();
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
}

/// Fast paths for float64 sums, means and variances over leading or
/// trailing axes of a contiguous block: plain loops the compiler vectorizes.
fn fast_f64(op: ReduceOp, a: &ArrayD<f64>, axes: &[usize]) -> Option<Partial> {
    use ReduceOp::*;
    if !matches!(op, Sum | Mean | Var | Std) || a.is_empty() {
        return None;
    }
    let data = a.as_slice()?;
    let ndim = a.ndim();
    let shape = kept_shape(a.shape(), axes);
    let reduced: usize = axes.iter().map(|&ax| a.shape()[ax]).product();
    let kept = a.len() / reduced;
    let leading = axes.iter().enumerate().all(|(i, &ax)| ax == i);
    let trailing = axes
        .iter()
        .enumerate()
        .all(|(i, &ax)| ax == ndim - axes.len() + i);
    let (sum, m2): (Vec<f64>, Option<Vec<f64>>) = if kept == 1 {
        let sum = sum_run(data);
        let m2 = matches!(op, Var | Std).then(|| {
            let mu = sum / reduced as f64;
            vec![data.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>()]
        });
        (vec![sum], m2)
    } else if leading {
        let mut sum = vec![0.0f64; kept];
        for row in data.chunks_exact(kept) {
            for (s, &x) in sum.iter_mut().zip(row) {
                *s += x;
            }
        }
        let m2 = matches!(op, Var | Std).then(|| {
            let mean: Vec<f64> = sum.iter().map(|s| s / reduced as f64).collect();
            let mut m2 = vec![0.0f64; kept];
            for row in data.chunks_exact(kept) {
                for ((m, &x), &mu) in m2.iter_mut().zip(row).zip(&mean) {
                    let d = x - mu;
                    *m += d * d;
                }
            }
            m2
        });
        (sum, m2)
    } else if trailing {
        let sum: Vec<f64> = data.chunks_exact(reduced).map(sum_run).collect();
        let m2 = matches!(op, Var | Std).then(|| {
            data.chunks_exact(reduced)
                .zip(&sum)
                .map(|(row, s)| {
                    let mu = s / reduced as f64;
                    row.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>()
                })
                .collect()
        });
        (sum, m2)
    } else {
        return None;
    };
    Some(if op == Sum {
        Partial::Value(ArrayChunk::F64(shaped(&shape, sum)))
    } else {
        let n = reduced as f64;
        let mean: Vec<f64> = sum.iter().map(|s| s / n).collect();
        let m2 = m2.unwrap_or_else(|| vec![0.0; kept]);
        Partial::Moments {
            n: ArrayD::from_elem(IxDyn(&shape), n),
            mean: shaped(&shape, mean),
            m2: shaped(&shape, m2),
        }
    })
}

/// The chunk step: reduce one block over `axes`, keeping them.
pub fn chunk(
    op: ReduceOp,
    a: &ArrayChunk,
    axes: &[usize],
    out: DType,
    place: &BlockPlace,
) -> FxResult<Partial> {
    use ReduceOp::*;
    if let (ArrayChunk::F64(x), DType::F64) = (a, out) {
        if let Some(p) = fast_f64(op, x, axes) {
            return Ok(p);
        }
    }
    op.check_complex(a.dtype())?;
    Ok(match op {
        Any | All => Partial::Value(ArrayChunk::Bool(
            crate::dispatch!(a, x => bool_chunk(op, x, axes)),
        )),
        Min | Max | NanMin | NanMax if a.dtype() == DType::C128 => {
            let x = a.to_typed::<Complex64>();
            let shape = kept_shape(x.shape(), axes);
            let n: usize = shape.iter().product();
            // NaN until a value is seen: an all-NaN nanmin / nanmax is NaN.
            let mut acc = vec![Complex64::new(f64::NAN, 0.0); n];
            let mut seen = vec![false; n];
            let skip = op.skips_nan();
            visit(&x, axes, |k, _, v| {
                if skip && c_nan(v) {
                    return;
                }
                acc[k] = if seen[k] {
                    complex_step(op, v, acc[k])
                } else {
                    v
                };
                seen[k] = true;
            });
            Partial::Value(ArrayChunk::C128(shaped(&shape, acc)))
        }
        Mean | NanMean if a.dtype() == DType::C128 => {
            let x = a.to_typed::<Complex64>();
            let shape = kept_shape(x.shape(), axes);
            let mut n = vec![0.0; shape.iter().product()];
            let mut sum = vec![Complex64::new(0.0, 0.0); n.len()];
            let skip = op.skips_nan();
            visit(&x, axes, |k, _, v| {
                if !(skip && is_nan(v)) {
                    n[k] += 1.0;
                    sum[k] += v;
                }
            });
            Partial::ComplexMean {
                n: shaped(&shape, n),
                sum: shaped(&shape, sum),
            }
        }
        _ if op.is_moment() => crate::dispatch!(a, x => moments_chunk(op, x, axes)),
        _ if op.is_arg() => crate::dispatch!(a, x => arg_chunk(op, x, axes, place)),
        _ if a.dtype() == DType::C128 => {
            let x = a.to_typed::<Complex64>();
            let shape = kept_shape(x.shape(), axes);
            let prod = matches!(op, Prod | NanProd);
            let mut acc =
                vec![Complex64::new(if prod { 1.0 } else { 0.0 }, 0.0); shape.iter().product()];
            // nansum / nanprod: a complex NaN (either part) counts as 0 / 1, as in NumPy.
            let skip = op.skips_nan();
            visit(&x, axes, |k, _, v| {
                if skip && is_nan(v) {
                    return;
                }
                if prod {
                    acc[k] *= v
                } else {
                    acc[k] += v
                }
            });
            Partial::Value(ArrayChunk::C128(shaped(&shape, acc)))
        }
        _ => Partial::Value(match out {
            DType::Bool => {
                ArrayChunk::Bool(crate::dispatch!(a, x => value_chunk::<_, bool>(op, x, axes)))
            }
            DType::U8 => {
                ArrayChunk::U8(crate::dispatch!(a, x => value_chunk::<_, u8>(op, x, axes)))
            }
            DType::I32 => {
                ArrayChunk::I32(crate::dispatch!(a, x => value_chunk::<_, i32>(op, x, axes)))
            }
            DType::I64 => {
                ArrayChunk::I64(crate::dispatch!(a, x => value_chunk::<_, i64>(op, x, axes)))
            }
            DType::F32 => {
                ArrayChunk::F32(crate::dispatch!(a, x => value_chunk::<_, f32>(op, x, axes)))
            }
            _ => ArrayChunk::F64(crate::dispatch!(a, x => value_chunk::<_, f64>(op, x, axes))),
        }),
    })
}

fn merge_values<O: super::elementwise::Num>(
    op: ReduceOp,
    a: &ArrayD<O>,
    b: &ArrayD<O>,
) -> ArrayD<O> {
    Zip::from(a).and(b).map_collect(|&x, &y| match op {
        ReduceOp::Any => O::from_elem(x.to_bool() || y.to_bool()),
        ReduceOp::All => O::from_elem(x.to_bool() && y.to_bool()),
        _ => value_step(op, y, x),
    })
}

/// The combine step: merge partials of neighbouring blocks (in block order).
pub fn combine(op: ReduceOp, parts: &[&Partial]) -> FxResult<Partial> {
    let mut it = parts.iter();
    let mut acc: Partial = (*it.next().expect("at least one partial")).clone();
    for p in it {
        acc = match (acc, p) {
            (Partial::Value(a), Partial::Value(b)) => Partial::Value(match (&a, b) {
                (ArrayChunk::Bool(x), ArrayChunk::Bool(y)) => {
                    ArrayChunk::Bool(merge_values(op, x, y))
                }
                (ArrayChunk::U8(x), ArrayChunk::U8(y)) => ArrayChunk::U8(merge_values(op, x, y)),
                (ArrayChunk::I32(x), ArrayChunk::I32(y)) => ArrayChunk::I32(merge_values(op, x, y)),
                (ArrayChunk::I64(x), ArrayChunk::I64(y)) => ArrayChunk::I64(merge_values(op, x, y)),
                (ArrayChunk::F32(x), ArrayChunk::F32(y)) => ArrayChunk::F32(merge_values(op, x, y)),
                (ArrayChunk::F64(x), ArrayChunk::F64(y)) => ArrayChunk::F64(merge_values(op, x, y)),
                (ArrayChunk::C128(x), ArrayChunk::C128(y)) => {
                    use ReduceOp::*;
                    ArrayChunk::C128(Zip::from(x).and(y).map_collect(|&a, &b| match op {
                        Prod | NanProd => a * b,
                        Min | Max | NanMin | NanMax => complex_step(op, b, a),
                        _ => a + b,
                    }))
                }
                _ => return Err(FxError::DType("partials of different dtypes".into())),
            }),
            (
                Partial::Moments { n, mean, m2 },
                Partial::Moments {
                    n: nb,
                    mean: mb,
                    m2: m2b,
                },
            ) => {
                let mut n_out = n.clone();
                let mut mean_out = mean.clone();
                let mut m2_out = m2.clone();
                Zip::from(&mut n_out)
                    .and(&mut mean_out)
                    .and(&mut m2_out)
                    .and(nb)
                    .and(mb)
                    .and(m2b)
                    .for_each(|na, ma, m2a, &nb, &mb, &m2b| {
                        let total = *na + nb;
                        if total > 0.0 {
                            let delta = mb - *ma;
                            *ma += delta * nb / total;
                            *m2a += m2b + delta * delta * *na * nb / total;
                        }
                        *na = total;
                    });
                Partial::Moments {
                    n: n_out,
                    mean: mean_out,
                    m2: m2_out,
                }
            }
            (Partial::ComplexMean { n, sum }, Partial::ComplexMean { n: nb, sum: sb }) => {
                Partial::ComplexMean {
                    n: &n + nb,
                    sum: &sum + sb,
                }
            }
            (
                Partial::Arg { value, index },
                Partial::Arg {
                    value: vb,
                    index: ib,
                },
            ) => {
                let max = op == ReduceOp::ArgMax;
                let mut v_out = value.clone();
                let mut i_out = index.clone();
                Zip::from(&mut v_out)
                    .and(&mut i_out)
                    .and(vb)
                    .and(ib)
                    .for_each(|va, ia, &vb, &ib| {
                        // Ties and NaNs go to the smallest flat index, as in NumPy.
                        let better = ib >= 0
                            && (*ia < 0
                                || (c_nan(*va) && c_nan(vb) && ib < *ia)
                                || (!c_nan(*va)
                                    && (c_nan(vb)
                                        || (if max {
                                            c_less(*va, vb)
                                        } else {
                                            c_less(vb, *va)
                                        })
                                        || (vb == *va && ib < *ia))));
                        if better {
                            *va = vb;
                            *ia = ib;
                        }
                    });
                Partial::Arg {
                    value: v_out,
                    index: i_out,
                }
            }
            _ => return Err(FxError::DType("partials of different kinds".into())),
        };
    }
    Ok(acc)
}

fn drop_axes<T: Clone>(a: ArrayD<T>, axes: &[usize], keepdims: bool) -> ArrayD<T> {
    if keepdims {
        return a;
    }
    let shape: Vec<usize> = a
        .shape()
        .iter()
        .enumerate()
        .filter(|(ax, _)| !axes.contains(ax))
        .map(|(_, &n)| n)
        .collect();
    a.into_shape_with_order(IxDyn(&shape))
        .expect("dropping length-1 axes")
}

/// The aggregate step: the result block from the final partial.
pub fn aggregate(
    op: ReduceOp,
    p: &Partial,
    axes: &[usize],
    keepdims: bool,
    ddof: f64,
    out: DType,
) -> FxResult<ArrayChunk> {
    use ReduceOp::*;
    let result = match p {
        Partial::Value(v) => v.astype(out),
        Partial::Moments { n, mean, m2 } => {
            let values = match op {
                Mean | NanMean => {
                    Zip::from(n)
                        .and(mean)
                        .map_collect(|&n, &m| if n > 0.0 { m } else { f64::NAN })
                }
                _ => {
                    let var = Zip::from(n)
                        .and(m2)
                        .map_collect(|&n, &m2| m2 / (n - ddof).max(0.0));
                    if matches!(op, Std | NanStd) {
                        var.mapv(f64::sqrt)
                    } else {
                        var
                    }
                }
            };
            ArrayChunk::F64(values).astype(out)
        }
        Partial::ComplexMean { n, sum } => {
            ArrayChunk::C128(Zip::from(sum).and(n).map_collect(|&s, &n| s / n)).astype(out)
        }
        Partial::Arg { index, .. } => ArrayChunk::I64(index.clone()),
    };
    Ok(crate::dispatch!(result, a => Elem::wrap(drop_axes(a, axes, keepdims))))
}
