//! Random blocks: reproducible for a seed whatever the thread count.
//!
//! Each block draws from its own xoshiro256++ stream, seeded from the
//! array's seed and the block's position (mixed by SplitMix64), so a block's
//! values never depend on which worker made it or in what order.

use ndarray::{ArrayD, IxDyn};
use rand::{Rng, RngCore, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

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

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Draw block number `block` (its C-order position) of shape `shape`.
pub fn block(dist: Dist, seed: u64, block: u64, shape: &[usize]) -> ArrayChunk {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(splitmix(seed ^ splitmix(block)));
    let n: usize = shape.iter().product();
    let dim = IxDyn(shape);
    match dist {
        Dist::Uniform { low, high } => {
            let span = high - low;
            let data: Vec<f64> = (0..n)
                .map(|_| {
                    let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
                    low + span * u
                })
                .collect();
            ArrayChunk::F64(ArrayD::from_shape_vec(dim, data).expect("n values"))
        }
        Dist::Normal { loc, scale } => {
            let data: Vec<f64> = (0..n)
                .map(|_| {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    loc + scale * z
                })
                .collect();
            ArrayChunk::F64(ArrayD::from_shape_vec(dim, data).expect("n values"))
        }
        Dist::Integers { low, high } => {
            let data: Vec<i64> = (0..n).map(|_| rng.random_range(low..high)).collect();
            ArrayChunk::I64(ArrayD::from_shape_vec(dim, data).expect("n values"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_block_other_block_differs() {
        let d = Dist::Uniform {
            low: 0.0,
            high: 1.0,
        };
        let a = block(d, 42, 3, &[4, 5]);
        let b = block(d, 42, 3, &[4, 5]);
        let c = block(d, 42, 4, &[4, 5]);
        match (a, b, c) {
            (ArrayChunk::F64(a), ArrayChunk::F64(b), ArrayChunk::F64(c)) => {
                assert_eq!(a, b);
                assert_ne!(a, c);
                assert!(a.iter().all(|&x| (0.0..1.0).contains(&x)));
            }
            _ => panic!("float64 blocks expected"),
        }
    }
}
