//! Structure: transposes and basic indexing (ints, slices with steps,
//! `None`), as block-to-block maps.
//!
//! Both keep Dask's block structure: every output block comes from exactly
//! one input block, so they fuse like elementwise operations (a reduction of
//! `x[::2, ::3]` slices each block inside its chunk task).

use ndarray::{ArrayD, Axis, IxDyn, SliceInfoElem};

use super::chunk::{ArrayChunk, Elem};
use super::chunks::offsets;
use crate::error::{FxError, FxResult};

/// One axis of a basic index, normalized against the axis length.
#[derive(Clone, Debug, PartialEq)]
pub enum AxisIndex {
    /// `start:stop:step`, as Python's `slice.indices` gives them.
    Slice {
        /// First index.
        start: i64,
        /// Stop (excluded).
        stop: i64,
        /// Step (not zero).
        step: i64,
    },
    /// A single index (drops the axis).
    Int(i64),
    /// `None`: a new axis of length 1.
    NewAxis,
}

/// How one output axis is cut out of the input's blocks.
#[derive(Clone, Debug, PartialEq)]
pub enum Take {
    /// Elements `first, first + step, …` (`count` of them) of an input block.
    Range {
        /// Input block along the axis.
        block: usize,
        /// Local index of the first element.
        first: usize,
        /// Step (negative walks backwards).
        step: i64,
        /// Number of elements.
        count: usize,
    },
    /// One element of an input block; the axis disappears.
    Int {
        /// Input block along the axis.
        block: usize,
        /// Local index.
        at: usize,
    },
    /// A new axis of length 1.
    NewAxis,
}

/// Output blocks (as takes) along one input axis of blocks `chunks` for `index`.
pub fn takes(index: &AxisIndex, chunks: &[usize]) -> Vec<Take> {
    let off = offsets(chunks);
    match *index {
        AxisIndex::NewAxis => vec![Take::NewAxis],
        AxisIndex::Int(i) => {
            let i = i as usize;
            let block = (0..chunks.len())
                .find(|&b| off[b] <= i && i < off[b + 1])
                .expect("index in range");
            vec![Take::Int {
                block,
                at: i - off[block],
            }]
        }
        AxisIndex::Slice { start, stop, step } => {
            let mut out = Vec::new();
            if step > 0 {
                for b in 0..chunks.len() {
                    let (lo, hi) = (off[b] as i64, off[b + 1] as i64);
                    let from = lo.max(start);
                    let first = start + (from - start + step - 1) / step * step;
                    let end = hi.min(stop);
                    if first < end {
                        let count = ((end - first + step - 1) / step) as usize;
                        out.push(Take::Range {
                            block: b,
                            first: (first - lo) as usize,
                            step,
                            count,
                        });
                    }
                }
            } else {
                let s = -step;
                for b in (0..chunks.len()).rev() {
                    let (lo, hi) = (off[b] as i64, off[b + 1] as i64);
                    if start < lo {
                        continue;
                    }
                    let top = start.min(hi - 1);
                    let first = start - (start - top + s - 1) / s * s;
                    let bottom = lo.max(stop + 1);
                    if first >= bottom {
                        let count = ((first - bottom) / s + 1) as usize;
                        out.push(Take::Range {
                            block: b,
                            first: (first - lo) as usize,
                            step,
                            count,
                        });
                    }
                }
            }
            if out.is_empty() {
                out.push(Take::Range {
                    block: 0,
                    first: 0,
                    step: 1,
                    count: 0,
                });
            }
            out
        }
    }
}

/// Apply one take per input axis (and new axes) to a block.
pub fn apply(block: &ArrayChunk, takes: &[Take]) -> ArrayChunk {
    fn go<T: Elem>(a: &ArrayD<T>, takes: &[Take]) -> ArrayChunk {
        let info: Vec<SliceInfoElem> = takes
            .iter()
            .map(|t| match *t {
                Take::NewAxis => SliceInfoElem::NewAxis,
                Take::Int { at, .. } => SliceInfoElem::Index(at as isize),
                Take::Range { count: 0, .. } => SliceInfoElem::Slice {
                    start: 0,
                    end: Some(0),
                    step: 1,
                },
                Take::Range {
                    first, step, count, ..
                } if step > 0 => SliceInfoElem::Slice {
                    start: first as isize,
                    end: Some((first + (count - 1) * step as usize + 1) as isize),
                    step: step as isize,
                },
                Take::Range {
                    first, step, count, ..
                } => {
                    let s = (-step) as usize;
                    SliceInfoElem::Slice {
                        start: (first - (count - 1) * s) as isize,
                        end: Some(first as isize + 1),
                        step: step as isize,
                    }
                }
            })
            .collect();
        let info = ndarray::SliceInfo::<_, IxDyn, IxDyn>::try_from(info).expect("valid slice");
        T::wrap(a.slice(info.as_ref()).to_owned())
    }
    crate::dispatch!(block, a => go(a, takes))
}

/// Gather positions along `axis` from several blocks: output position `i`
/// is local index `picks[i].1` of block `picks[i].0`. Consecutive picks from
/// one block are selected together; the pieces are joined along `axis`.
pub fn gather(blocks: &[&ArrayChunk], picks: &[(usize, usize)], axis: usize) -> ArrayChunk {
    fn go<T: Elem + super::chunk::Typed>(
        blocks: &[&ArrayChunk],
        picks: &[(usize, usize)],
        axis: usize,
    ) -> ArrayChunk {
        let typed: Vec<_> = blocks.iter().map(|b| b.to_typed::<T>()).collect();
        let mut pieces = Vec::new();
        let mut start = 0;
        while start < picks.len() {
            let block = picks[start].0;
            let mut end = start;
            while end < picks.len() && picks[end].0 == block {
                end += 1;
            }
            let local: Vec<usize> = picks[start..end].iter().map(|p| p.1).collect();
            pieces.push(typed[block].select(Axis(axis), &local));
            start = end;
        }
        let views: Vec<_> = pieces.iter().map(|p| p.view()).collect();
        T::wrap(ndarray::concatenate(Axis(axis), &views).expect("pieces agree off the axis"))
    }
    let first = blocks.first().expect("a gather reads at least one block");
    crate::with_dtype!(first.dtype(), T => go::<T>(blocks, picks, axis))
}

/// Permute a block's axes (output axis `i` is input axis `axes[i]`).
pub fn transpose(block: &ArrayChunk, axes: &[usize]) -> ArrayChunk {
    crate::dispatch!(block, a => Elem::wrap(transpose_view(a.view(), axes)))
}

/// Permute the axes of a view into a new C-order array. Two-dimensional
/// swaps copy in 32 x 32 tiles, so both sides stay in the cache.
pub fn transpose_view<T: Elem>(a: ndarray::ArrayViewD<'_, T>, axes: &[usize]) -> ArrayD<T> {
    let p = a.permuted_axes(IxDyn(axes));
    if p.ndim() != 2 || p.is_standard_layout() {
        return p.as_standard_layout().into_owned();
    }
    let p = p.into_dimensionality::<ndarray::Ix2>().expect("two axes");
    let (rows, cols) = p.dim();
    let mut out = vec![T::default(); rows * cols];
    const TILE: usize = 32;
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..cols).step_by(TILE) {
            for c in c0..(c0 + TILE).min(cols) {
                let column = p.column(c);
                for r in r0..(r0 + TILE).min(rows) {
                    out[r * cols + c] = column[r];
                }
            }
        }
    }
    ArrayD::from_shape_vec(IxDyn(&[rows, cols]), out).expect("rows * cols values")
}

/// Check and normalize a permutation of `ndim` axes (negative counts from the end).
pub fn normalize_axes(axes: &[i64], ndim: usize) -> FxResult<Vec<usize>> {
    if axes.len() != ndim {
        return Err(FxError::InvalidArgument("axes don't match array".into()));
    }
    let axes: Vec<usize> = axes
        .iter()
        .map(|&a| super::expr::normalize_axis(a, ndim))
        .collect::<FxResult<_>>()?;
    let mut seen = vec![false; ndim];
    for &a in &axes {
        if std::mem::replace(&mut seen[a], true) {
            return Err(FxError::InvalidArgument(
                "repeated axis in transpose".into(),
            ));
        }
    }
    Ok(axes)
}

/// Drop length-1 `axis` of a block (for `squeeze`-like reshapes).
pub fn remove_axis(block: &ArrayChunk, axis: usize) -> ArrayChunk {
    crate::dispatch!(block, a => Elem::wrap(a.index_axis(Axis(axis), 0).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python(n: i64, start: i64, stop: i64, step: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut i = start;
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
            if (0..n).contains(&i) {
                out.push(i);
            }
            i += step;
        }
        out
    }

    fn global(t: &[Take], chunks: &[usize]) -> Vec<i64> {
        let off = offsets(chunks);
        t.iter()
            .flat_map(|t| match *t {
                Take::Range {
                    block,
                    first,
                    step,
                    count,
                } => {
                    let base = off[block] as i64 + first as i64;
                    (0..count)
                        .map(|k| base + k as i64 * step)
                        .collect::<Vec<_>>()
                }
                _ => vec![],
            })
            .collect()
    }

    #[test]
    fn slices_match_python() {
        let chunks = [3, 4, 1, 5];
        for (start, stop, step) in [
            (0, 13, 1),
            (1, 12, 3),
            (12, -1, -1),
            (11, 0, -4),
            (5, 5, 1),
            (2, 13, 5),
            (12, 3, -2),
        ] {
            let t = takes(&AxisIndex::Slice { start, stop, step }, &chunks);
            assert_eq!(
                global(&t, &chunks),
                python(13, start, stop, step),
                "{start}:{stop}:{step}"
            );
        }
    }
}
