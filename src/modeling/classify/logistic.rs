//! Logistic regression through linfa-logistic: binary (one coefficient vector) or multinomial
//! (one per class), with scikit-learn's L2 penalty `C`. scikit-learn minimises
//! `C·Σ log-loss + ½‖w‖²`, linfa `Σ log-loss + ½α‖w‖²` (the intercept unpenalised in both),
//! so `α = 1/C` gives the same optimum; the solver (L-BFGS) is run to a tighter gradient
//! than linfa's default so that the probabilities agree with `LogisticRegression` to 1e-4.
//! The fitted coefficients are kept in the crate's own form, so an artifact holds numbers
//! only and scoring is one matrix product. `balanced` (class weights) is fitted by
//! `weighted_logistic.rs`: linfa-logistic takes no row weights.

use linfa::prelude::*;
use linfa_logistic::{LogisticRegression, MultiLogisticRegression};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::class_tree::class_weights;
use super::weighted_logistic::fit_weighted_logistic;
use crate::error::{Error, Result};
use crate::modeling::hyperparams::settings;

settings! {
    /// Logistic regression's settings in the registry (`LogisticRegression`, L2, lbfgs).
    LogisticSettings {
        /// Inverse of the L2 penalty's strength (scikit-learn's `C`).
        c ["C"]: f64 = 1.0;
        /// Most L-BFGS iterations.
        max_iter: usize = 1000;
        /// Weigh each class by rows / (classes × its rows): `class_weight="balanced"`.
        balanced ["class_weight_balanced"]: bool = false;
    }
}

/// A fitted logistic regression: `coef` (one row per class, or one row for the second class
/// of two) and `intercept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    /// Coefficients, `[1, n_features]` for two classes, `[n_classes, n_features]` for more.
    pub coef: Array2<f64>,
    /// Intercepts, one per row of `coef`.
    pub intercept: Array1<f64>,
    /// Number of classes.
    pub n_classes: usize,
}

/// Fits on `x` and class codes `y` (`0..n_classes`, every class present).
pub fn fit_logistic(
    settings: &LogisticSettings,
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
) -> Result<LogisticModel> {
    if !(settings.c.is_finite() && settings.c > 0.0) {
        return Err(Error::invalid(
            "C",
            format!("must be a positive number, got {}", settings.c),
        ));
    }
    if settings.balanced {
        let labels = y.to_vec();
        let class_weight = class_weights(&labels, n_classes, true);
        let weight: Vec<f64> = labels.iter().map(|&c| class_weight[c]).collect();
        let (coef, intercept) =
            fit_weighted_logistic(x, y, n_classes, weight, settings.c, settings.max_iter)?;
        return Ok(LogisticModel {
            coef,
            intercept,
            n_classes,
        });
    }
    let fail = |e: linfa_logistic::error::Error| Error::model("logistic", e);
    let data = DatasetBase::new(x, y);
    let alpha = 1.0 / settings.c;
    if n_classes == 2 {
        let fitted = LogisticRegression::default()
            .alpha(alpha)
            .max_iterations(settings.max_iter as u64)
            .gradient_tolerance(1e-8)
            .fit(&data)
            .map_err(fail)?;
        // linfa's positive class is the first one it met: turn the model towards class 1.
        let sign = if fitted.labels().pos.class == 1 {
            1.0
        } else {
            -1.0
        };
        let coef = (fitted.params() * sign).insert_axis(Axis(0));
        return Ok(LogisticModel {
            coef,
            intercept: Array1::from(vec![fitted.intercept() * sign]),
            n_classes,
        });
    }
    let fitted = MultiLogisticRegression::default()
        .alpha(alpha)
        .max_iterations(settings.max_iter as u64)
        .gradient_tolerance(1e-8)
        .fit(&data)
        .map_err(fail)?;
    if fitted.classes() != (0..n_classes).collect::<Vec<_>>() {
        return Err(Error::invalid(
            "logistic",
            "every class needs rows in the training set",
        ));
    }
    Ok(LogisticModel {
        coef: fitted.params().t().to_owned(),
        intercept: fitted.intercept().clone(),
        n_classes,
    })
}

impl LogisticModel {
    /// Each row's class probabilities, `[n_rows, n_classes]`.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Array2<f64> {
        // Plain loops rather than a matrix product: a served request is one row and a few
        // classes, where the product's dispatch costs more than the sums.
        let margin = Array2::from_shape_fn((x.nrows(), self.coef.nrows()), |(r, k)| {
            self.intercept[k]
                + x.row(r)
                    .iter()
                    .zip(self.coef.row(k))
                    .map(|(v, c)| v * c)
                    .sum::<f64>()
        });
        if self.n_classes == 2 {
            let p1 = margin.column(0).mapv(|z| 1.0 / (1.0 + (-z).exp()));
            let mut out = Array2::zeros((x.nrows(), 2));
            out.column_mut(0).assign(&p1.mapv(|p| 1.0 - p));
            out.column_mut(1).assign(&p1);
            return out;
        }
        let mut out = margin;
        for mut row in out.rows_mut() {
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            row.mapv_inplace(|z| (z - max).exp());
            let sum = row.sum();
            row.mapv_inplace(|e| e / sum);
        }
        out
    }

    /// The number of features it takes.
    pub fn n_features(&self) -> usize {
        self.coef.ncols()
    }
}
