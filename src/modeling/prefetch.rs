//! A software prefetch: a hint that an item will be read soon, so that a loop gathering items
//! at scattered places (bins at a node's rows, the items a shuffle swaps) has the next ones'
//! cache lines on their way while it works on this one. The hardware prefetcher cannot guess
//! such addresses; without the hint, items spread over more than the core's cache cost a full
//! memory latency each (LightGBM prefetches the same way).
//!
//! Hand-written because the standard library's prefetch intrinsic is unstable and no crate in
//! the dependency tree offers a safe one; a no-op off x86-64.

/// Asks for the cache line holding `slice[i]`; does nothing when `i` is out of range.
#[inline(always)]
pub fn prefetch<T>(slice: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = slice.get(i) {
        // SAFETY: PREFETCHT0 is a hint that never faults and changes no memory or register;
        // SSE, which provides it, is part of every x86-64 CPU; the pointer is a valid reference.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                std::ptr::from_ref(item).cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, i);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_out_of_range_or_on_nothing_is_ignored() {
        let bins = [1u8, 2, 3];
        prefetch(&bins, 2);
        prefetch(&bins, 3);
        prefetch(&bins, usize::MAX);
        prefetch::<u8>(&[], 0);
        assert_eq!(bins, [1, 2, 3]);
    }
}
