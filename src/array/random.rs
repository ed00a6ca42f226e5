//! Random blocks: reproducible for a seed whatever the thread count or tiling.
//!
//! A block's stream is cut into segments of 1024 values, each drawn by
//! eight xoshiro256+ generators seeded from the block's key (derived from the
//! array's seed and the block's position) and the segment number. Any range
//! of a block can therefore be drawn on its own, which
//! lets a reduction draw a block tile by tile without materializing it, and
//! a block's values never depend on which worker drew it.

use ndarray::{ArrayD, IxDyn};

use super::chunk::ArrayChunk;
use super::dtype::DType;

/// A distribution to draw from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    /// Uniform on `[low, high)`, float64.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (excluded).
        high: f64,
    },
    /// Normal with mean `loc` and standard deviation `scale`, float64.
    Normal {
        /// Mean.
        loc: f64,
        /// Standard deviation.
        scale: f64,
    },
    /// Integers uniform on `[low, high)`, int64.
    Integers {
        /// Lower bound.
        low: i64,
        /// Upper bound (excluded).
        high: i64,
    },
}

impl Dist {
    /// The dtype of the values drawn.
    pub fn dtype(self) -> DType {
        match self {
            Dist::Integers { .. } => DType::I64,
            _ => DType::F64,
        }
    }
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of block number `block` (C-order position) of an array seeded `seed`.
pub fn block_key(seed: u64, block: u64) -> u64 {
    mix(mix(seed.wrapping_add(GOLDEN))
        ^ block
            .wrapping_mul(GOLDEN)
            .wrapping_add(0x632B_E59B_D9B4_E019))
}

/// Values per independently seeded segment of a block's stream.
const SEG: u64 = 1024;
/// Parallel xoshiro256+ streams per segment (vectorizable lanes).
const LANES: usize = 8;

/// `LANES` xoshiro256+ generators stepped together; value `i` of a segment
/// comes from lane `i % LANES`, step `i / LANES`.
struct Lanes {
    s: [[u64; LANES]; 4],
}

impl Lanes {
    #[inline(always)]
    fn seed(key: u64, segment: u64) -> Lanes {
        let mut z = key ^ segment.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut s = [[0u64; LANES]; 4];
        for word in s.iter_mut() {
            for lane in word.iter_mut() {
                z = z.wrapping_add(GOLDEN);
                *lane = mix(z);
            }
        }
        Lanes { s }
    }

    #[inline(always)]
    fn next(&mut self) -> [u64; LANES] {
        let [s0, s1, s2, s3] = &mut self.s;
        let mut out = [0u64; LANES];
        for l in 0..LANES {
            out[l] = s0[l].wrapping_add(s3[l]);
            let t = s1[l] << 17;
            s2[l] ^= s0[l];
            s3[l] ^= s1[l];
            s1[l] ^= s2[l];
            s0[l] ^= s3[l];
            s2[l] ^= t;
            s3[l] = s3[l].rotate_left(45);
        }
        out
    }
}

/// Call `sink` with the stream's raw values `start..start + n`, at most a
/// segment at a time. Inlined into the multiversioned drawers below, so the
/// generator is compiled for the widest vector unit the CPU has.
#[inline(always)]
fn stream(key: u64, start: u64, n: usize, mut sink: impl FnMut(&[u64])) {
    let mut buf = [0u64; SEG as usize];
    let (mut pos, end) = (start, start + n as u64);
    while pos < end {
        let (segment, offset) = (pos / SEG, (pos % SEG) as usize);
        let take = (SEG as usize - offset).min((end - pos) as usize);
        let mut lanes = Lanes::seed(key, segment);
        let steps = (offset + take).div_ceil(LANES);
        for step in buf.chunks_exact_mut(LANES).take(steps) {
            step.copy_from_slice(&lanes.next());
        }
        sink(&buf[offset..offset + take]);
        pos += take as u64;
    }
}

#[inline(always)]
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `low + span * u` for the stream's uniform values `u` in `[0, 1)`.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512dq+avx512vl", "x86_64+avx2"))]
fn uniforms(key: u64, start: u64, n: usize, low: f64, span: f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(n);
    stream(key, start, n, |b| {
        out.extend(b.iter().map(|&b| low + span * unit(b)))
    });
    out
}

/// Integers uniform on `[low, low + span)` by Lemire's multiply-shift; the
/// bias is below span / 2^64.
#[multiversion::multiversion(targets("x86_64+avx512f+avx512dq+avx512vl", "x86_64+avx2"))]
fn integers(key: u64, start: u64, n: usize, low: i64, span: u128) -> Vec<i64> {
    let mut out = Vec::with_capacity(n);
    stream(key, start, n, |b| {
        out.extend(
            b.iter()
                .map(|&b| (low as i128 + ((b as u128 * span) >> 64) as i128) as i64),
        )
    });
    out
}

/// Draw elements `start..start + n` of the stream `key` as a flat vector.
pub fn draw(dist: Dist, key: u64, start: u64, n: usize) -> ArrayChunk {
    let dim = IxDyn(&[n]);
    match dist {
        Dist::Uniform { low, high } => {
            let data = uniforms(key, start, n, low, high - low);
            ArrayChunk::F64(ArrayD::from_shape_vec(dim, data).expect("n values"))
        }
        Dist::Normal { loc, scale } => {
            // Box-Muller on the uniform pair (2j, 2j + 1): element i uses pair i / 2.
            let first = start / 2 * 2;
            let count = ((start + n as u64).div_ceil(2) * 2 - first) as usize;
            let u = uniforms(key, first, count, 0.0, 1.0);
            let skip = (start - first) as usize;
            let data: Vec<f64> = (0..n)
                .map(|i| {
                    let j = skip + i;
                    let p = j / 2 * 2;
                    let r = (-2.0 * (1.0 - u[p]).ln()).sqrt();
                    let theta = std::f64::consts::TAU * u[p + 1];
                    let z = if j.is_multiple_of(2) {
                        r * theta.cos()
                    } else {
                        r * theta.sin()
                    };
                    loc + scale * z
                })
                .collect();
            ArrayChunk::F64(ArrayD::from_shape_vec(dim, data).expect("n values"))
        }
        Dist::Integers { low, high } => {
            let span = (high as i128 - low as i128) as u128;
            let data = integers(key, start, n, low, span);
            ArrayChunk::I64(ArrayD::from_shape_vec(dim, data).expect("n values"))
        }
    }
}

/// Draw the flat range `start..start + n` of block `block` and give it `shape`.
pub fn block_range(dist: Dist, seed: u64, block: u64, start: u64, shape: &[usize]) -> ArrayChunk {
    let n: usize = shape.iter().product();
    let flat = draw(dist, block_key(seed, block), start, n);
    crate::dispatch!(flat, a => super::chunk::Elem::wrap(
        a.into_shape_with_order(IxDyn(shape)).expect("n values")
    ))
}

/// Draw block number `block` (its C-order position) of shape `shape`.
pub fn block(dist: Dist, seed: u64, block: u64, shape: &[usize]) -> ArrayChunk {
    block_range(dist, seed, block, 0, shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64s(c: ArrayChunk) -> Vec<f64> {
        match c {
            ArrayChunk::F64(a) => a.iter().copied().collect(),
            _ => panic!("float64 expected"),
        }
    }

    #[test]
    fn same_seed_same_block_other_block_differs() {
        let d = Dist::Uniform {
            low: 0.0,
            high: 1.0,
        };
        let a = f64s(block(d, 42, 3, &[4, 5]));
        assert_eq!(a, f64s(block(d, 42, 3, &[4, 5])));
        assert_ne!(a, f64s(block(d, 42, 4, &[4, 5])));
        assert_ne!(a, f64s(block(d, 43, 3, &[4, 5])));
        assert!(a.iter().all(|&x| (0.0..1.0).contains(&x)));
    }

    #[test]
    fn any_range_matches_the_whole_block() {
        for d in [
            Dist::Uniform {
                low: 0.0,
                high: 1.0,
            },
            Dist::Normal {
                loc: 0.0,
                scale: 1.0,
            },
        ] {
            let whole = f64s(block(d, 7, 0, &[10, 3]));
            let part = f64s(block_range(d, 7, 0, 7, &[3, 3]));
            assert_eq!(&whole[7..16], &part[..]);
        }
    }

    #[test]
    fn moments_are_right() {
        let u = f64s(draw(
            Dist::Uniform {
                low: 0.0,
                high: 1.0,
            },
            1,
            0,
            200_000,
        ));
        let mean = u.iter().sum::<f64>() / u.len() as f64;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
        let z = f64s(draw(
            Dist::Normal {
                loc: 0.0,
                scale: 1.0,
            },
            1,
            0,
            200_000,
        ));
        let m = z.iter().sum::<f64>() / z.len() as f64;
        let v = z.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / z.len() as f64;
        assert!(m.abs() < 0.01 && (v - 1.0).abs() < 0.02, "{m} {v}");
    }
}
