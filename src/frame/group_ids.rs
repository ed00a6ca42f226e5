//! Dense group ids of one text key, and the partials of sums, means and
//! counts computed from them in one pass over the rows: the chunk step of
//! the commonest group-by (`df.groupby("label")["x"].mean()`).
//!
//! polars' group-by collects every group's row numbers, and its
//! aggregations then gather each group's values through them: two passes
//! in row-number order over memory the size of the column, and a gather
//! per group. Here every row gets its group's number (first appearance
//! order) and a partial is accumulated by walking the values once. A key of
//! at most 12 bytes lies whole in its Arrow view, so it is hashed and
//! compared as one 128-bit word; longer keys by their bytes.
//!
//! polars has no public kernel that numbers the groups of a column without
//! collecting their rows (its categorical cast numbers them, but hashes the
//! bytes of every value into a shared concurrent dictionary, which costs
//! more than the group-by it would replace).

use polars_arrow::array::{Array, BinaryViewArrayGeneric, View};
use polars_core::prelude::*;

use crate::error::FxResult;

/// The group of every row of a partition, by one text key.
pub struct DenseGroups {
    /// Per row, its group; a missing key is a group of its own.
    ids: Vec<u32>,
    /// Per group, its first row.
    first: Vec<IdxSize>,
}

/// An inline view as a key: its length and bytes, the unused bytes zeroed
/// (Arrow requires them zero; masking keeps a producer that does not from
/// splitting a group).
#[inline(always)]
fn inline_key(view: View) -> u128 {
    let bits = 32 + 8 * view.length;
    let word = view.as_u128();
    if bits >= 128 {
        word
    } else {
        word & ((1u128 << bits) - 1)
    }
}

/// The key of a missing value: a length no inline view has.
const MISSING: u128 = u128::MAX;

impl DenseGroups {
    /// Numbers the groups of `ca` in order of first appearance.
    pub fn of_text(ca: &StringChunked) -> DenseGroups {
        let mut short: PlHashMap<u128, u32> = PlHashMap::default();
        let mut long: PlHashMap<&[u8], u32> = PlHashMap::default();
        let mut ids = Vec::with_capacity(ca.len());
        let mut first: Vec<IdxSize> = Vec::new();
        let mut row: IdxSize = 0;
        for arr in ca.downcast_iter() {
            let arr: &BinaryViewArrayGeneric<str> = arr;
            let validity = arr.validity().filter(|v| v.unset_bits() > 0);
            for (i, view) in arr.views().iter().enumerate() {
                let valid = validity.is_none_or(|v| v.get_bit(i));
                let next = first.len() as u32;
                let id = if !valid {
                    *short.entry(MISSING).or_insert(next)
                } else if view.length <= View::MAX_INLINE_SIZE {
                    *short.entry(inline_key(*view)).or_insert(next)
                } else {
                    // SAFETY: `i` is in bounds (it indexes the views).
                    let bytes = unsafe { arr.value_unchecked(i) }.as_bytes();
                    *long.entry(bytes).or_insert(next)
                };
                if id == next {
                    first.push(row);
                }
                ids.push(id);
                row += 1;
            }
        }
        DenseGroups { ids, first }
    }

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.first.len()
    }

    /// Whether there are no groups (no rows).
    pub fn is_empty(&self) -> bool {
        self.first.is_empty()
    }

    /// The key of every group: `col`'s value at the group's first row.
    pub fn keys(&self, col: &Column) -> FxResult<Column> {
        let idx = IdxCa::from_vec(PlSmallStr::EMPTY, self.first.clone());
        Ok(col.take(&idx)?)
    }

    /// Calls `f(group, value)` for every non-missing value of `ca`, in row
    /// order.
    fn each<T: PolarsNumericType>(
        &self,
        ca: &ChunkedArray<T>,
        mut f: impl FnMut(usize, T::Native),
    ) {
        let mut row = 0usize;
        for arr in ca.downcast_iter() {
            let values = arr.values().as_slice();
            let ids = &self.ids[row..row + values.len()];
            match arr.validity().filter(|v| v.unset_bits() > 0) {
                None => {
                    for (&g, &v) in ids.iter().zip(values) {
                        f(g as usize, v);
                    }
                }
                Some(validity) => {
                    for (i, (&g, &v)) in ids.iter().zip(values).enumerate() {
                        if validity.get_bit(i) {
                            f(g as usize, v);
                        }
                    }
                }
            }
            row += values.len();
        }
    }

    /// Per group, the sum of the non-missing values, compensated (Kahan)
    /// as pandas sums its groups.
    pub fn sum_f64(&self, ca: &Float64Chunked) -> Float64Chunked {
        let mut sum = vec![0.0f64; self.len()];
        let mut comp = vec![0.0f64; self.len()];
        self.each(ca, |g, v| {
            let y = v - comp[g];
            let t = sum[g] + y;
            let c = (t - sum[g]) - y;
            // inf - inf is NaN: the compensation is dropped, not the sum.
            comp[g] = if c.is_nan() { 0.0 } else { c };
            sum[g] = t;
        });
        Float64Chunked::from_vec(PlSmallStr::EMPTY, sum)
    }

    /// Per group, the (wrapping) sum of the non-missing values.
    pub fn sum_i64(&self, ca: &Int64Chunked) -> Int64Chunked {
        let mut sum = vec![0i64; self.len()];
        self.each(ca, |g, v| sum[g] = sum[g].wrapping_add(v));
        Int64Chunked::from_vec(PlSmallStr::EMPTY, sum)
    }

    /// Per group, its number of rows.
    pub fn size(&self) -> Int64Chunked {
        let mut n = vec![0i64; self.len()];
        for &g in &self.ids {
            n[g as usize] += 1;
        }
        Int64Chunked::from_vec(PlSmallStr::EMPTY, n)
    }

    /// Per group, its number of non-missing values in `col`.
    pub fn valid_count(&self, col: &Column) -> Int64Chunked {
        if col.null_count() == 0 {
            return self.size();
        }
        let mut n = vec![0i64; self.len()];
        let s = col.as_materialized_series();
        let mut row = 0usize;
        for arr in s.chunks() {
            let ids = &self.ids[row..row + arr.len()];
            match arr.validity() {
                None => ids.iter().for_each(|&g| n[g as usize] += 1),
                Some(validity) => {
                    for (&g, valid) in ids.iter().zip(validity.iter()) {
                        n[g as usize] += valid as i64;
                    }
                }
            }
            row += arr.len();
        }
        Int64Chunked::from_vec(PlSmallStr::EMPTY, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(values: &[Option<&str>]) -> StringChunked {
        StringChunked::from_iter_options(PlSmallStr::EMPTY, values.iter().copied())
    }

    /// Checks `ca`'s dense groups against polars' own group-by of it: the
    /// same partition of the rows, numbered by first appearance, and the
    /// same sums and counts of `x`.
    fn check_against_polars(ca: &StringChunked, x: &Float64Chunked) {
        let g = DenseGroups::of_text(ca);
        let theirs = ca.clone().into_series().group_tuples(false, false).unwrap();
        let idx = theirs.unwrap_idx();
        assert_eq!(g.len(), idx.first().len());
        // polars' groups, in order of first appearance.
        let mut order: Vec<usize> = (0..idx.first().len()).collect();
        order.sort_by_key(|&j| idx.first()[j]);
        let x = x.clone().into_column();
        // SAFETY: the groups are of `ca`, as long as `x`.
        let (sum, count) = unsafe { (x.agg_sum(&theirs), x.agg_valid_count(&theirs)) };
        let ours_sum = g.sum_f64(x.as_materialized_series().f64().unwrap());
        let ours_count = g.valid_count(&x);
        for (id, &j) in order.iter().enumerate() {
            assert_eq!(g.first[id], idx.first()[j]);
            let rows = &idx.all()[j];
            assert!(rows.iter().all(|&r| g.ids[r as usize] as usize == id));
            let want = sum.get(j).unwrap().extract::<f64>().unwrap();
            assert!((ours_sum.get(id).unwrap() - want).abs() <= 1e-12 * want.abs().max(1.0));
            // polars counts every row of a column without missing values.
            let want = match x.null_count() {
                0 => rows.len() as i64,
                _ => count.get(j).unwrap().extract::<i64>().unwrap(),
            };
            assert_eq!(ours_count.get(id).unwrap(), want);
            assert_eq!(g.size().get(id).unwrap(), rows.len() as i64);
        }
    }

    fn values(n: usize) -> Float64Chunked {
        Float64Chunked::from_iter_options(
            PlSmallStr::EMPTY,
            (0..n).map(|i| (i % 3 != 1).then_some(i as f64 * 0.1)),
        )
    }

    #[test]
    fn short_long_and_missing_keys() {
        let long = "a key longer than twelve bytes";
        let longer = "a key longer than twelve bytez";
        let keys = [Some("b"), None, Some(long), Some("b"), Some(longer), None];
        let keys: Vec<_> = keys
            .iter()
            .cycle()
            .take(60)
            .copied()
            .chain([Some("")])
            .collect();
        let ca = text(&keys);
        check_against_polars(&ca, &values(ca.len()));
    }

    #[test]
    fn keys_in_several_chunks() {
        let mut ca = text(&[Some("x"), Some("twelve bytes"), Some("y")]);
        ca.append(&text(&[Some("y"), Some("twelve bytes"), None, Some("z")]))
            .unwrap();
        assert_eq!(ca.chunks().len(), 2);
        let x = values(ca.len());
        check_against_polars(&ca, &x);
        let mut split = values(3);
        split.append(&values(4)).unwrap();
        check_against_polars(&ca, &split);
    }

    #[test]
    fn inline_keys_ignore_padding() {
        let clean = View::new_inline(b"abc");
        let mut dirty = clean;
        dirty.offset = 7; // bytes past the string's end
        assert_eq!(inline_key(clean), inline_key(dirty));
        let full = View::new_inline(b"twelve bytes");
        assert_eq!(inline_key(full), full.as_u128());
    }
}
