//! Regression metrics: MSE, RMSE, MAE, R².

use serde::{Deserialize, Serialize};

/// Mean squared error.
pub fn mse(actual: &[f64], predicted: &[f64]) -> f64 {
    mean(
        actual.iter().zip(predicted).map(|(a, p)| (a - p).powi(2)),
        actual.len(),
    )
}

/// Root mean squared error.
pub fn rmse(actual: &[f64], predicted: &[f64]) -> f64 {
    mse(actual, predicted).sqrt()
}

/// Mean absolute error.
pub fn mae(actual: &[f64], predicted: &[f64]) -> f64 {
    mean(
        actual.iter().zip(predicted).map(|(a, p)| (a - p).abs()),
        actual.len(),
    )
}

/// Coefficient of determination, 1 − SS_res / SS_tot.
pub fn r2(actual: &[f64], predicted: &[f64]) -> f64 {
    let m = mean(actual.iter().copied(), actual.len());
    let ss_tot: f64 = actual.iter().map(|a| (a - m).powi(2)).sum();
    let ss_res: f64 = actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| (a - p).powi(2))
        .sum();
    1.0 - ss_res / ss_tot
}

fn mean(values: impl Iterator<Item = f64>, n: usize) -> f64 {
    values.sum::<f64>() / n as f64
}

/// The four metrics of one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Mean squared error.
    pub mse: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute error.
    pub mae: f64,
    /// Coefficient of determination.
    pub r2: f64,
}

impl Metrics {
    /// All four metrics of predictions against actual values.
    pub fn of(actual: &[f64], predicted: &[f64]) -> Metrics {
        Metrics {
            mse: mse(actual, predicted),
            rmse: rmse(actual, predicted),
            mae: mae(actual, predicted),
            r2: r2(actual, predicted),
        }
    }
}

/// Mean and population standard deviation (ddof 0, as scikit-learn's `cv_results_`).
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let m = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n;
    (m, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_by_hand() {
        let m = Metrics::of(&[1.0, 2.0, 3.0], &[1.0, 2.0, 5.0]);
        assert_eq!(m.mse, 4.0 / 3.0);
        assert_eq!(m.mae, 2.0 / 3.0);
        assert_eq!(m.r2, 1.0 - 4.0 / 2.0);
        assert_eq!(mean_std(&[1.0, 3.0]), (2.0, 1.0));
    }
}
