//! Linear models: ordinary least squares through linfa-linear, Lasso and ElasticNet through
//! linfa-elasticnet (scikit-learn's objective, `1/(2n)·‖y − Xw‖² + α·penalty`). All reduce to
//! a coefficient vector and an intercept, which is what the artifact stores.
//!
//! linfa-linear solves least squares by an unpivoted QR, which is exact for full-rank designs
//! and meaningless for rank-deficient ones. One-hot columns with an intercept are always rank
//! deficient (each column's indicators sum to one), so such designs get the minimum-norm
//! solution scikit-learn's `lstsq` gives, through an eigendecomposition of the centred Gram
//! matrix (linfa-linalg); the predictions, which are the projection of `y`, are the same.

use linfa::traits::Fit;
use linfa::Dataset;
use linfa_elasticnet::ElasticNet;
use linfa_linalg::eigh::EighInto;
use linfa_linear::LinearRegression;
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::modeling::hyperparams::settings;

/// A fitted linear model y = x·coef + intercept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    /// One coefficient per feature.
    pub coef: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
}

impl LinearModel {
    /// Predictions for the rows of `x`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        x.dot(&ArrayView1::from(&self.coef)) + self.intercept
    }

    /// Prediction for one row.
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        row.iter().zip(&self.coef).map(|(a, b)| a * b).sum::<f64>() + self.intercept
    }
}

/// Eigenvalues of the centred Gram matrix below this share of the largest count as zero: a
/// singular value under about 1e-6 of the largest, far above rounding noise in the Gram
/// matrix (about 1e-8 in singular-value terms). On standardised features (the default) that
/// is far below any real direction; without scaling, a feature a million times smaller than
/// another is dropped too, where scikit-learn's SVD would keep it (docs/own-data.md).
const RANK_TOLERANCE: f64 = 1e-12;

/// Ordinary least squares with an intercept (scikit-learn's `LinearRegression`).
pub fn fit_ols(x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<LinearModel> {
    if let Some(model) = min_norm_if_rank_deficient(x, y)? {
        return Ok(model);
    }
    let data = Dataset::new(x.to_owned(), y.to_owned());
    let fitted = LinearRegression::new()
        .fit(&data)
        .map_err(|e| Error::model("linear regression", e))?;
    Ok(LinearModel {
        coef: fitted.params().to_vec(),
        intercept: fitted.intercept(),
    })
}

/// The minimum-norm least-squares fit when the centred design is rank deficient, else None.
fn min_norm_if_rank_deficient(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<Option<LinearModel>> {
    let (Some(x_mean), Some(y_mean)) = (x.mean_axis(Axis(0)), y.mean()) else {
        return Ok(None);
    };
    let xc = &x - &x_mean;
    let gram = xc.t().dot(&xc);
    let (values, vectors) = gram
        .eigh_into()
        .map_err(|e| Error::model("linear regression", e))?;
    let largest = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if largest == 0.0 {
        // Every feature constant: no direction to fit; the mean, as scikit-learn gives.
        return Ok(Some(LinearModel {
            coef: vec![0.0; x.ncols()],
            intercept: y_mean,
        }));
    }
    let cutoff = largest * RANK_TOLERANCE;
    if values.iter().all(|v| *v > cutoff) {
        return Ok(None);
    }
    let xty = xc.t().dot(&(&y - y_mean));
    let mut coef = Array1::<f64>::zeros(x.ncols());
    for (k, value) in values.iter().enumerate() {
        if *value > cutoff {
            let v = vectors.column(k);
            coef.scaled_add(v.dot(&xty) / value, &v);
        }
    }
    let intercept = y_mean - x_mean.dot(&coef);
    Ok(Some(LinearModel {
        coef: coef.to_vec(),
        intercept,
    }))
}

/// ElasticNet with penalty `alpha` and mix `l1_ratio` (1 is the Lasso), solved by coordinate
/// descent with scikit-learn's stopping rule, so the result matches its `Lasso`/`ElasticNet`.
pub fn fit_elastic_net(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    alpha: f64,
    l1_ratio: f64,
) -> Result<LinearModel> {
    let name = if l1_ratio == 1.0 {
        "lasso"
    } else {
        "elastic net"
    };
    if !(alpha >= 0.0 && alpha.is_finite()) {
        return Err(Error::invalid(
            "alpha",
            format!("must be a finite number >= 0, got {alpha}"),
        ));
    }
    if !(0.0..=1.0).contains(&l1_ratio) {
        return Err(Error::invalid(
            "l1_ratio",
            format!("must be in [0, 1], got {l1_ratio}"),
        ));
    }
    // linfa-elasticnet centres y but not x, so its intercept is mean(y) and the slopes absorb
    // the offset. Centre both here, as scikit-learn does, and recover the intercept after.
    let (x_mean, y_mean) = (column_means(x), y.mean().unwrap_or(0.0));
    let data = Dataset::new(&x - &x_mean, &y - y_mean);
    let fitted = ElasticNet::params()
        .penalty(alpha)
        .l1_ratio(l1_ratio)
        .with_intercept(false)
        // scikit-learn's defaults (tol 1e-4 on the duality gap, 1000 sweeps): the same
        // coordinate descent stopped at the same point gives the same coefficients.
        .tolerance(1e-4)
        .max_iterations(1000)
        .fit(&data)
        .map_err(|e| Error::model(name, e))?;
    let coef = fitted.hyperplane().to_vec();
    let intercept = y_mean - x_mean.iter().zip(&coef).map(|(m, c)| m * c).sum::<f64>();
    Ok(LinearModel { coef, intercept })
}

fn column_means(x: ArrayView2<f64>) -> Array1<f64> {
    x.mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(x.ncols()))
}

settings! {
    /// The Lasso's settings (`Lasso(alpha)`).
    LassoSettings {
        /// Penalty strength.
        alpha: f64 = 1.0;
    }
}

impl LassoSettings {
    /// Fits the Lasso (ElasticNet with only the L1 penalty).
    pub fn fit(&self, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<LinearModel> {
        fit_elastic_net(x, y, self.alpha, 1.0)
    }
}

settings! {
    /// ElasticNet's settings (`ElasticNet(alpha, l1_ratio)`).
    ElasticNetSettings {
        /// Penalty strength.
        alpha: f64 = 1.0;
        /// Share of the L1 penalty.
        l1_ratio: f64 = 0.5;
    }
}

impl ElasticNetSettings {
    /// Fits ElasticNet.
    pub fn fit(&self, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<LinearModel> {
        fit_elastic_net(x, y, self.alpha, self.l1_ratio)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn ols_recovers_an_exact_line() {
        let x = array![[1.0], [2.0], [3.0], [4.0]];
        let y = array![3.0, 5.0, 7.0, 9.0];
        let m = fit_ols(x.view(), y.view()).unwrap();
        assert!((m.coef[0] - 2.0).abs() < 1e-12 && (m.intercept - 1.0).abs() < 1e-12);
        assert!((m.predict_row(&[10.0]) - 21.0).abs() < 1e-10);
    }

    #[test]
    fn lasso_shrinks_and_rejects_bad_params() {
        let x = array![[1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0]];
        let y = array![3.0, 5.0, 7.0, 9.0];
        let m = fit_elastic_net(x.view(), y.view(), 0.5, 1.0).unwrap();
        // scikit-learn: Lasso(alpha=0.5) gives coef [1.6, 0], intercept 2.0;
        // ElasticNet(alpha=0.5, l1_ratio=0.5) gives [1.5, 0], 2.25.
        assert!(
            (m.coef[0] - 1.6).abs() < 1e-9 && m.coef[1].abs() < 1e-12,
            "{:?}",
            m.coef
        );
        assert!((m.intercept - 2.0).abs() < 1e-9, "{}", m.intercept);
        let e = fit_elastic_net(x.view(), y.view(), 0.5, 0.5).unwrap();
        assert!(
            (e.coef[0] - 1.5).abs() < 1e-9 && (e.intercept - 2.25).abs() < 1e-9,
            "{e:?}"
        );
        assert!(fit_elastic_net(x.view(), y.view(), -1.0, 1.0).is_err());
        assert!(fit_elastic_net(x.view(), y.view(), 1.0, 1.5).is_err());
    }
}
