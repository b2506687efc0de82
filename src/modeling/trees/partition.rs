//! A split of a node's rows between its children: the rows whose bin in the split's feature
//! goes left move to the front, the others follow, both sides keeping their order (so that a
//! node's rows stay increasing and the reads of its bins go front to back).
//!
//! A large node is cut into one block per thread, each block split on its own thread, then the
//! blocks' left rows and right rows are put together. A block is split branch-free: every row
//! is written to both sides and one cursor advances. Where the CPU has AVX-512 (checked at run
//! time), sixteen rows go at a time: their bins gathered by one instruction, compared, and each
//! side's rows stored packed (`vpcompressd`). That is hand-written with `std::arch` because no
//! crate in the dependency tree offers a stable partition by a gathered key; CPUs without
//! AVX-512 take the scalar loop, and both are tested to give the same rows.

use rayon::prelude::*;

use crate::modeling::prefetch::prefetch;

/// Nodes with fewer rows are split on one thread.
const PARALLEL_MIN_ROWS: usize = 4096;
/// How many rows ahead a split asks for a row's bin (see `prefetch.rs`).
const PREFETCH_AHEAD: usize = 64;

/// Where a split sends a row, by its bin in the split's feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitRule {
    /// Bins `<= bin` go left.
    pub bin: u8,
    /// The bin of a missing value.
    pub missing_bin: u8,
    /// Whether a missing value goes left.
    pub missing_left: bool,
}

impl SplitRule {
    /// Whether a row in bin `b` goes left.
    #[inline]
    pub fn goes_left(&self, b: u8) -> bool {
        if b == self.missing_bin {
            self.missing_left
        } else {
            b <= self.bin
        }
    }
}

/// Moves the rows that `rule` sends left (by their bin in `bins`) to the front of `rows`, both
/// sides in order; returns how many go left. `scratch` holds at least `rows.len()` rows.
pub fn partition(rows: &mut [u32], scratch: &mut [u32], bins: &[u8], rule: SplitRule) -> usize {
    partition_by(rows, scratch, bins, rule, split_block)
}

/// [`partition`] without the sixteen-rows-at-a-time path: the reference that path is tested
/// and benchmarked against (`benches/modeling.rs`).
pub fn partition_scalar(
    rows: &mut [u32],
    scratch: &mut [u32],
    bins: &[u8],
    rule: SplitRule,
) -> usize {
    partition_by(rows, scratch, bins, rule, split_scalar)
}

/// [`partition`] with `split_block` splitting each block.
fn partition_by(
    rows: &mut [u32],
    scratch: &mut [u32],
    bins: &[u8],
    rule: SplitRule,
    split_block: impl Fn(&mut [u32], &mut [u32], &[u8], SplitRule) -> usize + Sync,
) -> usize {
    let n = rows.len();
    let scratch = &mut scratch[..n];
    if n < PARALLEL_MIN_ROWS {
        let l = split_block(rows, scratch, bins, rule);
        rows[l..].copy_from_slice(&scratch[..n - l]);
        return l;
    }
    let size = n.div_ceil(rayon::current_num_threads());
    let lefts: Vec<usize> = rows
        .par_chunks_mut(size)
        .zip(scratch.par_chunks_mut(size))
        .map(|(block, right)| split_block(block, right, bins, rule))
        .collect();
    // Each block's left rows move down to follow the previous block's (never onto rows not yet
    // moved), then the right rows come back from the scratch space in block order.
    let mut at = 0;
    for (k, &l) in lefts.iter().enumerate() {
        rows.copy_within(k * size..k * size + l, at);
        at += l;
    }
    let n_left = at;
    for (k, &l) in lefts.iter().enumerate() {
        let block = size.min(n - k * size);
        let right = &scratch[k * size..k * size + block - l];
        rows[at..at + right.len()].copy_from_slice(right);
        at += right.len();
    }
    n_left
}

/// Splits one block: its left rows move to its front, its right rows to `right`, both in
/// order; returns how many go left.
fn split_block(rows: &mut [u32], right: &mut [u32], bins: &[u8], rule: SplitRule) -> usize {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F, checked just above.
        return unsafe { wide::split_block(rows, right, bins, rule) };
    }
    split_scalar(rows, right, bins, rule)
}

/// Splits one block with the scalar loop alone.
fn split_scalar(rows: &mut [u32], right: &mut [u32], bins: &[u8], rule: SplitRule) -> usize {
    split_from(rows, right, bins, rule, (0, 0, 0))
}

/// Splits rows `k..` of a block whose first `k` rows are split already, `l` of them to the
/// front and `r` to `right` (`at` = `(k, l, r)`); returns how many go left in all.
fn split_from(
    rows: &mut [u32],
    right: &mut [u32],
    bins: &[u8],
    rule: SplitRule,
    at: (usize, usize, usize),
) -> usize {
    let (first, mut l, mut r) = at;
    for k in first..rows.len() {
        if let Some(&ahead) = rows.get(k + PREFETCH_AHEAD) {
            prefetch(bins, ahead as usize);
        }
        let i = rows[k];
        let go = rule.goes_left(bins[i as usize]);
        rows[l] = i;
        right[r] = i;
        l += usize::from(go);
        r += usize::from(!go);
    }
    l
}

/// The block split sixteen rows at a time with AVX-512F.
#[cfg(target_arch = "x86_64")]
mod wide {
    use std::arch::x86_64::{
        __mmask16, _mm512_and_si512, _mm512_cmpeq_epi32_mask, _mm512_cmple_epu32_mask,
        _mm512_i32gather_epi32, _mm512_loadu_si512, _mm512_mask_compressstoreu_epi32,
        _mm512_reduce_max_epu32, _mm512_set1_epi32,
    };

    use super::{split_from, split_scalar, SplitRule, PREFETCH_AHEAD};
    use crate::modeling::prefetch::prefetch;

    const LANES: usize = 16;

    /// [`super::split_block`], sixteen rows at a time; the rows left over (fewer than
    /// sixteen, or any whose 4-byte read of its bin would pass the end of `bins`) go the scalar
    /// way.
    ///
    /// # Safety
    /// The CPU must have AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn split_block(
        rows: &mut [u32],
        right: &mut [u32],
        bins: &[u8],
        rule: SplitRule,
    ) -> usize {
        let n = rows.len().min(right.len());
        // A gather reads 4 bytes from a row's bin on, with signed 32-bit offsets.
        let last_safe = match bins.len().checked_sub(4) {
            Some(last) if bins.len() <= i32::MAX as usize => last,
            _ => return split_scalar(rows, right, bins, rule),
        };
        let bin = _mm512_set1_epi32(i32::from(rule.bin));
        let missing = _mm512_set1_epi32(i32::from(rule.missing_bin));
        let low_byte = _mm512_set1_epi32(0xFF);
        let missing_left: __mmask16 = if rule.missing_left { 0xFFFF } else { 0 };
        let rows_at = rows.as_mut_ptr();
        let right_at = right.as_mut_ptr();
        let (mut k, mut l, mut r) = (0, 0, 0);
        while k + LANES <= n {
            for j in k + PREFETCH_AHEAD..(k + PREFETCH_AHEAD + LANES).min(n) {
                // SAFETY: j < n <= rows.len().
                prefetch(bins, unsafe { *rows_at.add(j) } as usize);
            }
            // SAFETY: rows k..k + 16 are in bounds (k + 16 <= n).
            let index = unsafe { _mm512_loadu_si512(rows_at.add(k).cast()) };
            if _mm512_reduce_max_epu32(index) as usize > last_safe {
                break;
            }
            // SAFETY: every index is at most bins.len() - 4 (checked above) and below
            // i32::MAX, so each lane reads 4 bytes inside `bins`.
            let words = unsafe { _mm512_i32gather_epi32::<1>(index, bins.as_ptr().cast()) };
            let b = _mm512_and_si512(words, low_byte);
            let is_missing = _mm512_cmpeq_epi32_mask(b, missing);
            let below = _mm512_cmple_epu32_mask(b, bin);
            let left = (below & !is_missing) | (is_missing & missing_left);
            let n_left = left.count_ones() as usize;
            // SAFETY: the left rows go to l..l + n_left and l <= k, so they stay within the
            // rows already read (k + 16 <= n); the right rows go to r..r + 16 - n_left within
            // `right` (r <= k, and right holds n rows).
            unsafe {
                _mm512_mask_compressstoreu_epi32(rows_at.add(l).cast(), left, index);
                _mm512_mask_compressstoreu_epi32(right_at.add(r).cast(), !left, index);
            }
            l += n_left;
            r += LANES - n_left;
            k += LANES;
        }
        split_from(rows, right, bins, rule, (k, l, r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` bins with a missing one (255) now and then, and a generator's state.
    fn bins(n: usize, state: &mut u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                *state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                let b = (*state >> 56) as u8;
                if b > 250 {
                    255
                } else {
                    b
                }
            })
            .collect()
    }

    #[test]
    fn a_partition_is_stable_and_sends_rows_as_the_rule_says() {
        let mut state = 3u64;
        let rules = [
            SplitRule {
                bin: 100,
                missing_bin: 255,
                missing_left: false,
            },
            SplitRule {
                bin: 100,
                missing_bin: 255,
                missing_left: true,
            },
            SplitRule {
                bin: 0,
                missing_bin: 255,
                missing_left: true,
            },
            SplitRule {
                bin: 254,
                missing_bin: 255,
                missing_left: false,
            },
        ];
        for n in [
            0usize,
            1,
            15,
            16,
            17,
            100,
            PARALLEL_MIN_ROWS - 1,
            PARALLEL_MIN_ROWS,
            50_001,
        ] {
            let bins = bins(n, &mut state);
            for rule in rules {
                // Every other row, so the node is scattered, and its last rows near the end
                // of the bins (where the wide path leaves them to the scalar one).
                let mut rows: Vec<u32> = (0..n as u32)
                    .filter(|i| i % 2 == 0 || i + 3 >= n as u32)
                    .collect();
                let (want_left, want_right): (Vec<u32>, Vec<u32>) = rows
                    .iter()
                    .partition(|&&i| rule.goes_left(bins[i as usize]));
                let mut scratch = vec![0; rows.len()];
                let n_left = partition(&mut rows, &mut scratch, &bins, rule);
                assert_eq!(n_left, want_left.len(), "n = {n}, {rule:?}");
                assert_eq!(rows[..n_left], want_left[..], "n = {n}, {rule:?}");
                assert_eq!(rows[n_left..], want_right[..], "n = {n}, {rule:?}");
            }
        }
    }

    #[test]
    fn the_wide_and_the_scalar_split_agree() {
        let mut state = 17u64;
        let bins = bins(10_000, &mut state);
        for (rule, every) in [
            (
                SplitRule {
                    bin: 37,
                    missing_bin: 255,
                    missing_left: true,
                },
                1,
            ),
            (
                SplitRule {
                    bin: 200,
                    missing_bin: 255,
                    missing_left: false,
                },
                3,
            ),
            // A rule whose bin is past the missing one: missing still goes as it says.
            (
                SplitRule {
                    bin: 255,
                    missing_bin: 250,
                    missing_left: false,
                },
                7,
            ),
        ] {
            let rows: Vec<u32> = (0..10_000u32).step_by(every).collect();
            let (mut a, mut b) = (rows.clone(), rows.clone());
            let (mut ra, mut rb) = (vec![0; rows.len()], vec![0; rows.len()]);
            let la = split_block(&mut a, &mut ra, &bins, rule);
            let lb = split_from(&mut b, &mut rb, &bins, rule, (0, 0, 0));
            assert_eq!(la, lb, "{rule:?}");
            assert_eq!(a[..la], b[..lb], "{rule:?}");
            assert_eq!(ra[..rows.len() - la], rb[..rows.len() - lb], "{rule:?}");
        }
    }
}
