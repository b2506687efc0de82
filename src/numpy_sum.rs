//! numpy's pairwise summation: the order `np.sum` (and so pandas' `mean`, `std` and
//! scikit-learn's sums) adds a contiguous `float64` array in, so that sums here equal theirs to
//! the bit rather than to a rounding error. Blocks of up to 128 values are added in eight
//! interleaved running sums; longer runs are halved (at a multiple of 8) and the halves' sums
//! added. Hand-written: no crate reproduces numpy's order, and a different order is a
//! different last bit.

/// `np.sum(a)`.
pub(crate) fn pairwise_sum(a: &[f64]) -> f64 {
    pairwise_sum_of(a, |x| x)
}

/// `np.sum(f(a))`: the sum of `f` over `a` in numpy's order, without building `f(a)`.
pub(crate) fn pairwise_sum_of(a: &[f64], f: impl Fn(f64) -> f64 + Copy) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += f(v);
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        for (rj, &v) in r.iter_mut().zip(a) {
            *rj = f(v);
        }
        let whole = n - n % 8;
        for block in a[8..whole].chunks_exact(8) {
            for (rj, &v) in r.iter_mut().zip(block) {
                *rj += f(v);
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[whole..] {
            res += f(v);
        }
        res
    } else {
        let mut half = n / 2;
        half -= half % 8;
        pairwise_sum_of(&a[..half], f) + pairwise_sum_of(&a[half..], f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_matches_plain_sum_on_integers() {
        let v: Vec<f64> = (0..1000).map(|i| (i % 37) as f64).collect();
        assert_eq!(pairwise_sum(&v), v.iter().sum::<f64>());
        assert_eq!(pairwise_sum(&[]), 0.0);
    }

    #[test]
    fn a_mapped_sum_equals_the_sum_of_the_mapped_values() {
        let v: Vec<f64> = (0..777).map(|i| f64::from(i) / 7.0 - 30.0).collect();
        let squares: Vec<f64> = v.iter().map(|x| x * x).collect();
        assert_eq!(pairwise_sum_of(&v, |x| x * x), pairwise_sum(&squares));
        // Not the sequential order: the test below in eda holds numpy's literals.
        assert_ne!(pairwise_sum(&squares), squares.iter().sum::<f64>());
    }
}
