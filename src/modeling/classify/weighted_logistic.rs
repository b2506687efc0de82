//! Logistic regression with a weight per row, for `class_weight="balanced"`: scikit-learn
//! multiplies each row's log loss by its class's weight, and linfa-logistic 0.8 has no row
//! weights (its `Dataset` weights are not read). So the weighted objective is written here,
//!
//! `Σ wᵢ·log-loss(xᵢ, yᵢ) + ½α‖coef‖²` with `α = 1/C` (intercepts unpenalised),
//!
//! which is scikit-learn's `C·Σ wᵢ·log-loss + ½‖coef‖²` over `C`, and minimised by the solver
//! linfa-logistic uses (argmin's L-BFGS with a Moré–Thuente line search, to a gradient of
//! 1e-8). Two classes: one coefficient row for the second class; more: one row per class and
//! a softmax, as scikit-learn's multinomial `lbfgs`.

use argmin::core::{CostFunction, Executor, Gradient};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use crate::error::{Error, Result};

/// The weighted objective over a parameter vector laid out class after class, each class's
/// coefficients followed by its intercept.
/// (Owned: argmin's executor keeps the problem past any borrow.)
struct WeightedLoss {
    x: Array2<f64>,
    y: Vec<usize>,
    weight: Vec<f64>,
    alpha: f64,
    /// Coefficient rows: 1 for two classes, else one per class.
    rows: usize,
}

impl WeightedLoss {
    fn width(&self) -> usize {
        self.x.ncols() + 1
    }

    /// Every row's margin for every coefficient row, `[n, rows]`.
    fn margins(&self, p: &Array1<f64>) -> Array2<f64> {
        let w = self.width();
        Array2::from_shape_fn((self.x.nrows(), self.rows), |(i, k)| {
            let coef = p.slice(ndarray::s![k * w..(k + 1) * w - 1]);
            p[(k + 1) * w - 1] + self.x.row(i).dot(&coef)
        })
    }

    /// The penalty's value and, added into `grad`, its gradient.
    fn penalty(&self, p: &Array1<f64>, grad: Option<&mut Array1<f64>>) -> f64 {
        let w = self.width();
        let mut value = 0.0;
        let mut grad = grad;
        for k in 0..self.rows {
            for j in k * w..(k + 1) * w - 1 {
                value += 0.5 * self.alpha * p[j] * p[j];
                if let Some(g) = grad.as_deref_mut() {
                    g[j] += self.alpha * p[j];
                }
            }
        }
        value
    }

    /// Each row's loss and the derivative of its loss by each margin, weighted.
    fn row_terms(&self, p: &Array1<f64>) -> (f64, Array2<f64>) {
        let mut z = self.margins(p);
        let mut loss = 0.0;
        for (i, mut row) in z.rows_mut().into_iter().enumerate() {
            let (wi, yi) = (self.weight[i], self.y[i]);
            if self.rows == 1 {
                let m = row[0];
                let target = if yi == 1 { 1.0 } else { 0.0 };
                // log(1 + e^m) − y·m, and its derivative σ(m) − y, without overflow.
                loss += wi * (m.max(0.0) + (-m.abs()).exp().ln_1p() - target * m);
                row[0] = wi * (sigmoid(m) - target);
            } else {
                let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = row.iter().map(|m| (m - max).exp()).sum();
                loss += wi * (max + sum.ln() - row[yi]);
                row.mapv_inplace(|m| wi * (m - max).exp() / sum);
                row[yi] -= wi;
            }
        }
        (loss, z)
    }
}

fn sigmoid(m: f64) -> f64 {
    if m >= 0.0 {
        1.0 / (1.0 + (-m).exp())
    } else {
        let e = m.exp();
        e / (1.0 + e)
    }
}

impl CostFunction for WeightedLoss {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, p: &Array1<f64>) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.row_terms(p).0 + self.penalty(p, None))
    }
}

impl Gradient for WeightedLoss {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(&self, p: &Array1<f64>) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        let (_, d) = self.row_terms(p);
        let w = self.width();
        let mut grad = Array1::zeros(p.len());
        for k in 0..self.rows {
            let dk = d.column(k);
            for j in 0..w - 1 {
                grad[k * w + j] = self.x.column(j).dot(&dk);
            }
            grad[(k + 1) * w - 1] = dk.sum();
        }
        self.penalty(p, Some(&mut grad));
        Ok(grad)
    }
}

/// Fits on `x` and class codes `y` with row `i` weighing `weight[i]`: the coefficients (one
/// row for two classes, else one per class) and their intercepts.
pub(crate) fn fit_weighted_logistic(
    x: ArrayView2<f64>,
    y: ArrayView1<usize>,
    n_classes: usize,
    weight: Vec<f64>,
    c: f64,
    max_iter: usize,
) -> Result<(Array2<f64>, Array1<f64>)> {
    let fail = |e: argmin::core::Error| Error::model("logistic", e);
    let rows = if n_classes == 2 { 1 } else { n_classes };
    let problem = WeightedLoss {
        x: x.to_owned(),
        y: y.to_vec(),
        weight,
        alpha: 1.0 / c,
        rows,
    };
    let width = problem.width();
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
        .with_tolerance_grad(1e-8)
        .map_err(fail)?;
    let result = Executor::new(problem, solver)
        .configure(|state| {
            state
                .param(Array1::zeros(rows * width))
                .max_iters(max_iter as u64)
        })
        .run()
        .map_err(fail)?;
    let Some(best) = result.state.best_param else {
        return Err(Error::model("logistic", "the solver found no parameters"));
    };
    if best.iter().any(|v| !v.is_finite()) {
        return Err(Error::model(
            "logistic",
            "the fit diverged (a coefficient is not finite)",
        ));
    }
    let coef = Array2::from_shape_fn((rows, width - 1), |(k, j)| best[k * width + j]);
    let intercept = Array1::from_shape_fn(rows, |k| best[(k + 1) * width - 1]);
    Ok((coef, intercept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// The analytic gradient against central differences of the cost, two and three classes.
    #[test]
    fn gradient_is_the_cost_s_derivative() {
        let x = array![
            [0.5, -1.0],
            [1.5, 0.2],
            [-0.3, 0.8],
            [2.0, -0.7],
            [0.1, 0.1]
        ];
        let y = array![0usize, 1, 2, 1, 0];
        let weight = [1.0, 0.5, 2.0, 0.5, 1.0];
        for (codes, rows) in [(y.mapv(|c| c.min(1)), 1), (y.clone(), 3)] {
            let loss = WeightedLoss {
                x: x.clone(),
                y: codes.to_vec(),
                weight: weight.to_vec(),
                alpha: 0.7,
                rows,
            };
            let p = Array1::from_shape_fn(rows * 3, |j| 0.3 * j as f64 - 0.4);
            let grad = loss.gradient(&p).unwrap();
            for j in 0..p.len() {
                let h = 1e-6;
                let (mut up, mut down) = (p.clone(), p.clone());
                up[j] += h;
                down[j] -= h;
                let numeric = (loss.cost(&up).unwrap() - loss.cost(&down).unwrap()) / (2.0 * h);
                assert!(
                    (numeric - grad[j]).abs() < 1e-6,
                    "{j}: {numeric} vs {}",
                    grad[j]
                );
            }
        }
    }
}
