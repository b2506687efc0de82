//! Support vector regression through linfa-svm, with scikit-learn's `SVR()` defaults: RBF
//! kernel, C = 1, ε = 0.1, γ = "scale" = 1 / (n_features · Var(X)).

use linfa::traits::{Fit, Predict};
use linfa::Dataset;
use linfa_svm::Svm;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::modeling::hyperparams::settings;

/// A fitted ε-SVR with an RBF kernel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SvrModel {
    svm: Svm<f64, f64>,
    n_features: usize,
}

/// scikit-learn's `gamma="scale"`: 1 / (n_features · variance of all of X).
pub fn gamma_scale(x: ArrayView2<f64>) -> f64 {
    let n = x.len() as f64;
    let mean = x.sum() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    if var > 0.0 {
        1.0 / (x.ncols() as f64 * var)
    } else {
        1.0
    }
}

impl SvrModel {
    /// Fits with penalty `c`, tube width `epsilon` and RBF `gamma` (None: "scale").
    pub fn fit(
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
        c: f64,
        epsilon: f64,
        gamma: Option<f64>,
    ) -> Result<SvrModel> {
        if !(c > 0.0 && epsilon >= 0.0) {
            return Err(Error::invalid(
                "svr params",
                format!("need C > 0 and epsilon >= 0, got C = {c}, epsilon = {epsilon}"),
            ));
        }
        let gamma = gamma.unwrap_or_else(|| gamma_scale(x));
        if !(gamma > 0.0 && gamma.is_finite()) {
            return Err(Error::invalid("gamma", format!("must be > 0, got {gamma}")));
        }
        let data = Dataset::new(x.to_owned(), y.to_owned());
        // linfa's Gaussian kernel is exp(−‖x − x'‖² / eps), so eps = 1 / γ.
        let svm = Svm::<f64, f64>::params()
            .c_svr(c, Some(epsilon))
            .gaussian_kernel(1.0 / gamma)
            .eps(1e-3)
            .fit(&data)
            .map_err(|e| Error::model("svr", e))?;
        Ok(SvrModel {
            svm,
            n_features: x.ncols(),
        })
    }

    /// Number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Predictions for the rows of `x`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        self.svm.predict(&x.to_owned())
    }
}

settings! {
    /// SVR's settings (`SVR(C, epsilon, gamma)`, RBF kernel).
    SvrSettings {
        /// Penalty.
        c ["C"]: f64 = 1.0;
        /// Width of the insensitive tube.
        epsilon: f64 = 0.1;
        /// RBF coefficient (None: scikit-learn's "scale").
        gamma: Option<f64> = None;
    }
}

impl SvrSettings {
    /// Fits the support vector regressor.
    pub fn fit(&self, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<SvrModel> {
        SvrModel::fit(x, y, self.c, self.epsilon, self.gamma)
    }
}
