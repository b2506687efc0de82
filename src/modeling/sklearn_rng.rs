//! The random streams scikit-learn draws from, bit for bit: numpy's legacy `RandomState`
//! (a plain MT19937 seeded with `init_genrand(seed)`; `permutation(n)` is a Fisher–Yates
//! shuffle from the end, each draw a 32-bit output masked to the smallest all-ones mask
//! covering the bound and rejected when above it) and the trees' xorshift `our_rand_r`.
//!
//! Splits, folds, tree seeds, bootstrap rows and the gradient-descent port all draw from here,
//! so the same seed picks the same rows as in Python.

use rand_mt::Mt;

use super::prefetch::prefetch;

/// Largest value of scikit-learn's xorshift generator (`RAND_R_MAX`, `2^31 - 1`).
pub(crate) const RAND_R_MAX: u32 = 0x7FFF_FFFF;

/// numpy's legacy `RandomState`, as far as scikit-learn's splitters use it.
#[derive(Debug, Clone)]
pub struct NumpyRandomState {
    mt: Mt,
}

impl NumpyRandomState {
    /// `numpy.random.RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        NumpyRandomState { mt: Mt::new(seed) }
    }

    /// `RandomState(seed)` for any `u64`: seeds of 2^32 and above use the key `[low, high]`,
    /// as numpy's `init_by_array` does for them.
    pub fn from_u64(seed: u64) -> Self {
        match u32::try_from(seed) {
            Ok(s) => Self::new(s),
            Err(_) => NumpyRandomState {
                mt: Mt::new_with_key([seed as u32, (seed >> 32) as u32]),
            },
        }
    }

    /// A uniform integer in `[0, max]` (numpy's `random_interval`, masked rejection; what
    /// `randint(0, max + 1)` draws).
    pub fn interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mask = u32::MAX >> max.leading_zeros();
        loop {
            let v = self.mt.next_u32() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// Shuffles in place as `RandomState.shuffle` does.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        // The draws depend on the generator alone, not on the items, so they are made some
        // steps ahead and the items they will swap asked for (`prefetch.rs`): shuffling
        // millions of rows is otherwise a cache miss a step.
        const AHEAD: usize = 32;
        let steps = items.len().saturating_sub(1);
        // Step k swaps item n - 1 - k with a draw in 0..=n - 1 - k.
        let mut draw = |k: usize, items: &[T]| {
            let j = self.interval((steps - k) as u32) as usize;
            prefetch(items, j);
            j
        };
        let mut ahead = [0usize; AHEAD];
        for (k, slot) in ahead.iter_mut().enumerate().take(steps) {
            *slot = draw(k, items);
        }
        for k in 0..steps {
            let j = ahead[k % AHEAD];
            if k + AHEAD < steps {
                ahead[k % AHEAD] = draw(k + AHEAD, items);
            }
            items.swap(steps - k, j);
        }
    }

    /// `RandomState.permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        self.shuffle(&mut p);
        p
    }

    /// A uniform float in [0, 1) with 53 random bits (`random_sample`).
    pub fn uniform(&mut self) -> f64 {
        let a = (self.mt.next_u32() >> 5) as f64;
        let b = (self.mt.next_u32() >> 6) as f64;
        (a * 67108864.0 + b) / 9007199254740992.0
    }
}

/// The seeds scikit-learn's tree ensembles draw from their `RandomState`.
impl NumpyRandomState {
    /// Seed of a tree's splitter: `randint(0, RAND_R_MAX)`.
    pub(crate) fn splitter_seed(&mut self) -> u32 {
        self.interval(RAND_R_MAX - 1)
    }

    /// Seed of an ensemble member: `randint(np.iinfo(np.int32).max)`.
    pub(crate) fn estimator_seed(&mut self) -> u32 {
        self.interval(i32::MAX as u32 - 1)
    }
}

/// scikit-learn's xorshift `our_rand_r` generator used inside the splitter.
pub(crate) struct RandR(pub(crate) u32);

impl RandR {
    pub(crate) fn next(&mut self) -> u32 {
        if self.0 == 0 {
            self.0 = 1;
        }
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 % (RAND_R_MAX + 1)
    }

    /// Integer in `[low, high)`; `high > low`.
    pub(crate) fn int(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() as usize) % (high - low)
    }

    /// Double in `[low, high]`.
    pub(crate) fn uniform(&mut self, low: f64, high: f64) -> f64 {
        (high - low) * self.next() as f64 / RAND_R_MAX as f64 + low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mt19937_matches_numpy() {
        // The first raw outputs of MT19937 seeded by init_genrand(5489) (the reference values).
        let mut mt = Mt::new(5489);
        assert_eq!((mt.next_u32(), mt.next_u32()), (3499211612, 581869302));
        // numpy.random.RandomState(0).permutation(10)
        assert_eq!(
            NumpyRandomState::new(0).permutation(10),
            [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
        );
        // numpy.random.RandomState(7).random_sample()
        assert_eq!(NumpyRandomState::new(7).uniform(), 0.07630828937395717);
    }

    #[test]
    fn a_long_permutation_matches_numpy() {
        // Longer than the draws made ahead: numpy.random.RandomState(42).permutation(1000),
        // its ends and sum(i * p[i]).
        let p = NumpyRandomState::new(42).permutation(1000);
        assert_eq!(p[..8], [521, 737, 740, 660, 411, 678, 626, 513]);
        assert_eq!(p[992..], [20, 700, 71, 106, 270, 860, 435, 102]);
        let weighted: usize = p.iter().enumerate().map(|(i, v)| i * v).sum();
        assert_eq!(weighted, 251_374_799);
    }

    #[test]
    fn numpy_compatible_random_streams() {
        // numpy: RandomState(42).randint(0, 2**31 - 1) == 1608637542
        assert_eq!(
            NumpyRandomState::from_u64(42).splitter_seed(),
            1_608_637_542
        );
        // numpy: RandomState(42).randint(0, 10, 5) == [6, 3, 7, 4, 6]
        let mut r = NumpyRandomState::from_u64(42);
        let v: Vec<u32> = (0..5).map(|_| r.interval(9)).collect();
        assert_eq!(v, [6, 3, 7, 4, 6]);
        // numpy: RandomState(1).uniform(size=2) == [0.417022004702574, 0.7203244934421581]
        let mut r = NumpyRandomState::from_u64(1);
        assert_eq!(r.uniform(), 0.417022004702574);
        assert_eq!(r.uniform(), 0.7203244934421581);
    }
}
