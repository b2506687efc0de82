//! Test data shared by the tree models' unit tests.

use linfa::traits::Fit;
use linfa::Dataset;
use ndarray::{Array1, Array2};

use super::params::TreeError;
use crate::modeling::sklearn_rng::NumpyRandomState;

/// Fits any tree model's params on `x`, `y` (a fit error fails the test).
pub(crate) fn fit<P, M>(params: P, x: &Array2<f64>, y: &Array1<f64>) -> M
where
    P: Fit<Array2<f64>, Array1<f64>, TreeError, Object = M>,
{
    params
        .fit(&Dataset::new(x.clone(), y.clone()))
        .expect("fit")
}

/// Deterministic pseudo-random test data: `n` rows, `p` features, a smooth target plus noise.
pub(crate) fn synthetic(n: usize, p: usize, seed: u64) -> (ndarray::Array2<f64>, Array1<f64>) {
    let mut rng = NumpyRandomState::from_u64(seed);
    let x = ndarray::Array2::from_shape_fn((n, p), |_| rng.uniform() * 10.0 - 5.0);
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            let s: f64 = r
                .iter()
                .enumerate()
                .map(|(j, v)| (j as f64 + 1.0) * v)
                .sum();
            s.sin() * 3.0 + r[0] * r[0] * 0.1 + rng.uniform()
        })
        .collect();
    (x, y)
}

/// A small dataset with exactly representable values and scikit-learn 1.9.1's predictions for it:
/// `(x, y, x_test)`. Models fitted on it with the same seed must predict the same values.
pub(crate) fn sklearn_reference_data() -> (ndarray::Array2<f64>, Array1<f64>, ndarray::Array2<f64>)
{
    let x = ndarray::arr2(&[
        [-3.25, -0.5, 0.0],
        [3.25, -2.5, 1.0],
        [0.0, -1.75, 1.0],
        [-3.0, -2.25, 0.0],
        [2.75, 0.0, 1.0],
        [0.0, -2.25, 0.0],
        [-0.25, 0.25, 1.0],
        [-2.25, 0.0, 0.0],
        [-1.0, -0.75, 1.0],
        [-3.75, -0.25, 1.0],
        [1.0, 1.5, 0.0],
        [0.5, 3.5, 1.0],
        [-1.75, -1.5, 0.0],
        [-1.75, 3.5, 1.0],
        [0.5, -2.25, 0.0],
        [-0.5, -2.75, 1.0],
        [-4.0, 0.0, 0.0],
        [-0.5, -3.0, 0.0],
        [0.75, 2.75, 0.0],
        [-3.5, -3.0, 1.0],
        [-1.75, 0.75, 0.0],
        [0.5, 0.25, 1.0],
        [-2.25, -3.0, 0.0],
        [-0.75, 3.5, 0.0],
        [-1.25, -1.25, 0.0],
        [3.0, -3.75, 1.0],
        [-3.25, 2.75, 1.0],
        [2.75, 3.25, 0.0],
        [2.25, 1.25, 1.0],
        [0.0, 3.5, 0.0],
    ]);
    let y = ndarray::arr1(&[
        0.0, 17.0, 15.0, 5.0, 20.0, 5.0, 12.0, 5.0, 21.0, 4.0, 21.0, 15.0, 3.0, 18.0, 23.0, 11.0,
        0.0, 18.0, 19.0, 18.0, 18.0, 26.0, 19.0, 11.0, 19.0, 26.0, 7.0, 24.0, 28.0, 4.0,
    ]);
    let x_test = ndarray::arr2(&[
        [0.5, 3.5, 0.0],
        [3.25, -0.75, 1.0],
        [-3.0, -2.25, 1.0],
        [-1.0, -4.0, 0.0],
        [-4.5, -2.5, 1.0],
        [-2.75, -1.5, 1.0],
        [-2.5, -2.0, 0.0],
        [-2.5, 3.5, 0.0],
    ]);
    (x, y, x_test)
}
