//! Random blocks: reproducible for a seed whatever the thread count or tiling.
//!
//! Values are counter-based: element `i` of a block is a wyrand hash of
//! the block's key (derived from the array's seed and the block's position)
//! and `i`. Any range of a block can therefore be drawn on its own, which
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

/// The `i`-th 64 random bits of the stream `key` (wyrand's output function
/// on the counter: one 64 x 64 -> 128-bit multiply per value).
#[inline(always)]
fn bits(key: u64, i: u64) -> u64 {
    let s = key.wrapping_add(i.wrapping_add(1).wrapping_mul(0xA076_1D64_78BD_642F));
    let t = (s as u128).wrapping_mul((s ^ 0xE703_7ED1_A0B4_28DB) as u128);
    ((t >> 64) as u64) ^ (t as u64)
}

#[inline(always)]
fn unit(key: u64, i: u64) -> f64 {
    (bits(key, i) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Draw elements `start..start + n` of the stream `key` as a flat vector.
pub fn draw(dist: Dist, key: u64, start: u64, n: usize) -> ArrayChunk {
    let dim = IxDyn(&[n]);
    match dist {
        Dist::Uniform { low, high } => {
            let span = high - low;
            let data: Vec<f64> = (0..n as u64)
                .map(|i| low + span * unit(key, start + i))
                .collect();
            ArrayChunk::F64(ArrayD::from_shape_vec(dim, data).expect("n values"))
        }
        Dist::Normal { loc, scale } => {
            // Box-Muller on the pair (2j, 2j + 1): element i uses pair i / 2.
            let data: Vec<f64> = (0..n as u64)
                .map(|i| {
                    let e = start + i;
                    let pair = e / 2;
                    let u1 = 1.0 - unit(key, 2 * pair); // (0, 1]
                    let u2 = unit(key, 2 * pair + 1);
                    let r = (-2.0 * u1.ln()).sqrt();
                    let theta = std::f64::consts::TAU * u2;
                    let z = if e.is_multiple_of(2) {
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
            let data: Vec<i64> = (0..n as u64)
                .map(|i| {
                    // Lemire's multiply-shift; the bias is below span / 2^64.
                    let r = ((bits(key, start + i) as u128 * span) >> 64) as i128;
                    (low as i128 + r) as i64
                })
                .collect();
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
