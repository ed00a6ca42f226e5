//! Chunkings: how each axis of an array is cut into blocks.
//!
//! Chunks are Dask's tuple of tuples, one tuple of block lengths per axis.
//! A zero-length axis has one empty block, `(0,)`, as in Dask.

use crate::error::{FxError, FxResult};

/// Block lengths per axis.
pub type Chunks = Vec<Vec<usize>>;

/// How the user asked one axis to be cut.
#[derive(Clone, Debug, PartialEq)]
pub enum AxisChunks {
    /// Blocks of this length (the last may be shorter).
    Size(usize),
    /// One block for the whole axis (`-1` or `None`).
    Whole,
    /// Explicit block lengths.
    Explicit(Vec<usize>),
    /// Let ferrox choose (`"auto"`).
    Auto,
}

/// Bytes per block that `"auto"` aims for, as Dask's `array.chunk-size`.
pub const AUTO_BYTES: usize = 128 << 20;

/// Regular blocks of `size` covering `n`.
pub fn regular(n: usize, size: usize) -> Vec<usize> {
    if n == 0 {
        return vec![0];
    }
    let size = size.max(1);
    let mut out = vec![size; n / size];
    if !n.is_multiple_of(size) {
        out.push(n % size);
    }
    out
}

/// Items formatted as a Python tuple: `(a,)` for one, `(a, b)` for more.
fn python_tuple(items: &[String]) -> String {
    if items.len() == 1 {
        format!("({},)", items[0])
    } else {
        format!("({})", items.join(", "))
    }
}

fn format_chunks(chunks: &[Vec<usize>]) -> String {
    let axes: Vec<String> = chunks.iter().map(|c| format_shape(c)).collect();
    python_tuple(&axes)
}

/// Format a shape like Python's tuple repr.
pub fn format_shape(shape: &[usize]) -> String {
    let items: Vec<String> = shape.iter().map(|x| x.to_string()).collect();
    python_tuple(&items)
}

/// Turn a per-axis request into explicit chunks for `shape`.
pub fn normalize(spec: &[AxisChunks], shape: &[usize], itemsize: usize) -> FxResult<Chunks> {
    if spec.len() != shape.len() {
        return Err(FxError::InvalidArgument(format!(
            "`chunks` and shape must have the same length, got {} and {}",
            spec.len(),
            shape.len()
        )));
    }
    // "auto" axes share the byte budget left by the fixed ones, equally.
    let fixed: usize = spec
        .iter()
        .zip(shape)
        .map(|(s, &n)| match s {
            AxisChunks::Size(k) => (*k).min(n).max(1),
            AxisChunks::Whole => n.max(1),
            AxisChunks::Explicit(c) => c.iter().copied().max().unwrap_or(1).max(1),
            AxisChunks::Auto => 1,
        })
        .product();
    let n_auto = spec.iter().filter(|s| **s == AxisChunks::Auto).count();
    let per_auto = if n_auto > 0 {
        let budget = (AUTO_BYTES / itemsize.max(1) / fixed).max(1) as f64;
        budget.powf(1.0 / n_auto as f64).floor().max(1.0) as usize
    } else {
        0
    };
    let mut out = Vec::with_capacity(shape.len());
    for (s, &n) in spec.iter().zip(shape) {
        out.push(match s {
            AxisChunks::Size(0) => {
                return Err(FxError::InvalidArgument(
                    "`chunks` must be positive, got 0".into(),
                ))
            }
            AxisChunks::Size(k) => regular(n, *k),
            AxisChunks::Whole => regular(n, n.max(1)),
            AxisChunks::Auto => regular(n, per_auto),
            AxisChunks::Explicit(c) => c.clone(),
        });
    }
    validate(&out, shape)?;
    Ok(out)
}

/// Check that `chunks` cover `shape` exactly.
pub fn validate(chunks: &[Vec<usize>], shape: &[usize]) -> FxResult<()> {
    let ok = chunks.len() == shape.len()
        && chunks
            .iter()
            .zip(shape)
            .all(|(c, &n)| !c.is_empty() && c.iter().sum::<usize>() == n);
    if ok {
        Ok(())
    } else {
        Err(FxError::InvalidArgument(format!(
            "Chunks do not add up to shape. Got chunks={}, shape={}",
            format_chunks(chunks),
            format_shape(shape)
        )))
    }
}

/// Number of blocks along each axis.
pub fn numblocks(chunks: &[Vec<usize>]) -> Vec<usize> {
    chunks.iter().map(|c| c.len()).collect()
}

/// Start offset of each block along an axis (one more entry: the end).
pub fn offsets(axis: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(axis.len() + 1);
    let mut at = 0;
    out.push(0);
    for &c in axis {
        at += c;
        out.push(at);
    }
    out
}

/// Every block index in C order.
pub fn block_indices(numblocks: &[usize]) -> Vec<Vec<usize>> {
    let total: usize = numblocks.iter().product();
    let mut out = Vec::with_capacity(total);
    if total == 0 {
        return out;
    }
    let mut idx = vec![0usize; numblocks.len()];
    for _ in 0..total {
        out.push(idx.clone());
        for ax in (0..idx.len()).rev() {
            idx[ax] += 1;
            if idx[ax] < numblocks[ax] {
                break;
            }
            idx[ax] = 0;
        }
    }
    out
}

/// Position of block `idx` in C order of a grid of `numblocks`.
pub fn flat_index(numblocks: &[usize], idx: &[usize]) -> usize {
    numblocks
        .iter()
        .zip(idx)
        .fold(0, |acc, (&n, &i)| acc * n + i)
}

/// The shape of block `idx`.
pub fn block_shape(chunks: &[Vec<usize>], idx: &[usize]) -> Vec<usize> {
    chunks.iter().zip(idx).map(|(c, &i)| c[i]).collect()
}

/// The coarsest chunking that refines both `a` and `b` (same total length).
pub fn unify_axis(a: &[usize], b: &[usize]) -> Vec<usize> {
    if a == b {
        return a.to_vec();
    }
    let mut cuts: Vec<usize> = offsets(a).into_iter().chain(offsets(b)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let out: Vec<usize> = cuts.windows(2).map(|w| w[1] - w[0]).collect();
    if out.is_empty() {
        vec![0]
    } else {
        out
    }
}

/// Format chunks like Dask's tuple of tuples.
pub fn display(chunks: &[Vec<usize>]) -> String {
    format_chunks(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_and_zero_length() {
        assert_eq!(regular(10, 4), [4, 4, 2]);
        assert_eq!(regular(0, 4), [0]);
        assert_eq!(regular(3, 5), [3]);
    }

    #[test]
    fn normalize_checks_cover() {
        let c = normalize(&[AxisChunks::Size(2), AxisChunks::Whole], &[5, 3], 8).unwrap();
        assert_eq!(c, vec![vec![2, 2, 1], vec![3]]);
        let err = normalize(&[AxisChunks::Explicit(vec![2, 2])], &[5], 8).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Chunks do not add up to shape. Got chunks=((2, 2),), shape=(5,)"
        );
    }

    #[test]
    fn auto_respects_the_budget() {
        let c = normalize(
            &[AxisChunks::Auto, AxisChunks::Auto],
            &[100_000, 100_000],
            8,
        )
        .unwrap();
        let biggest = c[0][0] * c[1][0] * 8;
        assert!(
            biggest <= AUTO_BYTES && biggest > AUTO_BYTES / 4,
            "{biggest}"
        );
    }

    #[test]
    fn unify_refines_both() {
        assert_eq!(unify_axis(&[5, 5], &[3, 7]), [3, 2, 5]);
        assert_eq!(unify_axis(&[0], &[0]), [0]);
    }

    #[test]
    fn block_indices_in_c_order() {
        assert_eq!(
            block_indices(&[2, 2]),
            vec![vec![0, 0], vec![0, 1], vec![1, 0], vec![1, 1]]
        );
        assert_eq!(block_indices(&[]), vec![Vec::<usize>::new()]);
    }
}
