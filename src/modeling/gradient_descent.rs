//! The chapter's PyTorch example, ported: a linear model y = w·x + b in `f32`, trained by
//! full-batch gradient descent on the mean squared error, returning the loss history.
//!
//! The arithmetic runs behind [`Backend`], so a GPU implementation can be added behind a cargo
//! feature without touching the training loop; [`Cpu`] is what ships. Element-wise maths is
//! `f32` as in PyTorch; reductions accumulate in `f64` (PyTorch's reductions are cascaded, so a
//! naive `f32` running sum would drift further from its numbers than this does).

use serde::{Deserialize, Serialize};

use super::sklearn_rng::NumpyRandomState;
use crate::error::{Error, Result};

/// Where the loss and gradients are computed.
pub trait Backend {
    /// Mean squared error of `w·x + b` against `y`, and its gradients with respect to w and b.
    fn loss_and_grads(&self, x: &[f32], y: &[f32], w: f32, b: f32) -> (f32, f32, f32);
}

/// The CPU backend: a single pass over the data per epoch.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu;

impl Backend for Cpu {
    fn loss_and_grads(&self, x: &[f32], y: &[f32], w: f32, b: f32) -> (f32, f32, f32) {
        let n = x.len() as f32;
        let (mut loss, mut gw, mut gb) = (0f64, 0f64, 0f64);
        for (xi, yi) in x.iter().zip(y) {
            let diff = (xi * w + b) - yi;
            // d/dpred of mean(diff²) is 2·diff/n, as autograd computes it.
            let g = 2.0 * diff / n;
            loss += f64::from(diff * diff);
            gw += f64::from(g * xi);
            gb += f64::from(g);
        }
        ((loss / f64::from(n)) as f32, gw as f32, gb as f32)
    }
}

/// How w and b start.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Init {
    /// w = b = 0 (reproduces the reference trajectory exactly).
    Zeros,
    /// PyTorch's `nn.Linear(1, 1)` default: both uniform in (−1, 1), drawn from a seed (the same
    /// distribution as PyTorch, not the same numbers).
    Uniform {
        /// Seed of the draw.
        seed: u32,
    },
}

/// Settings of the gradient-descent fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GdParams {
    /// Learning rate (the chapter: 1e-4).
    pub learning_rate: f32,
    /// Full-batch epochs (the chapter: 1000).
    pub epochs: usize,
    /// Initial parameters.
    pub init: Init,
}

impl Default for GdParams {
    fn default() -> Self {
        GdParams {
            learning_rate: 1e-4,
            epochs: 1000,
            init: Init::Zeros,
        }
    }
}

/// A trained y = w·x + b and the loss at each epoch (before that epoch's step).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GdModel {
    /// Weight.
    pub w: f32,
    /// Bias.
    pub b: f32,
    /// Training loss per epoch.
    pub losses: Vec<f32>,
}

impl GdModel {
    /// Predictions for `x`.
    pub fn predict(&self, x: &[f32]) -> Vec<f32> {
        x.iter().map(|v| v * self.w + self.b).collect()
    }
}

/// Trains on (x, y) with `params` on `backend`.
pub fn fit_gd(x: &[f32], y: &[f32], params: &GdParams, backend: &impl Backend) -> Result<GdModel> {
    if x.is_empty() || x.len() != y.len() {
        return Err(Error::invalid(
            "gradient descent data",
            format!("x has {} values, y {}", x.len(), y.len()),
        ));
    }
    if let Some(i) = x.iter().chain(y).position(|v| !v.is_finite()) {
        return Err(Error::invalid(
            "gradient descent data",
            format!("value {i} is not finite"),
        ));
    }
    if !(params.learning_rate > 0.0 && params.learning_rate.is_finite()) {
        return Err(Error::invalid(
            "learning_rate",
            format!("must be > 0, got {}", params.learning_rate),
        ));
    }
    let (mut w, mut b) = match params.init {
        Init::Zeros => (0.0, 0.0),
        Init::Uniform { seed } => {
            let mut rng = NumpyRandomState::new(seed);
            (
                (rng.uniform() * 2.0 - 1.0) as f32,
                (rng.uniform() * 2.0 - 1.0) as f32,
            )
        }
    };
    let mut losses = Vec::with_capacity(params.epochs);
    for _ in 0..params.epochs {
        let (loss, gw, gb) = backend.loss_and_grads(x, y, w, b);
        losses.push(loss);
        w -= params.learning_rate * gw;
        b -= params.learning_rate * gb;
    }
    Ok(GdModel { w, b, losses })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converges_on_a_line() {
        let x: Vec<f32> = (0..50).map(|i| i as f32 / 10.0).collect();
        let y: Vec<f32> = x.iter().map(|v| 2.0 * v + 1.0).collect();
        let p = GdParams {
            learning_rate: 0.05,
            epochs: 3000,
            init: Init::Uniform { seed: 3 },
        };
        let m = fit_gd(&x, &y, &p, &Cpu).unwrap();
        assert!(
            (m.w - 2.0).abs() < 1e-3 && (m.b - 1.0).abs() < 1e-2,
            "{} {}",
            m.w,
            m.b
        );
        // Monotone while far from the optimum; near it f32 rounding makes the loss jitter.
        assert!(m.losses[..200].windows(2).all(|l| l[1] <= l[0]));
        assert!(m.losses[m.losses.len() - 1] < m.losses[0] * 1e-6);
        assert!(fit_gd(&x, &y[..3], &p, &Cpu).is_err());
        assert!(fit_gd(&[f32::NAN], &[1.0], &p, &Cpu).is_err());
    }
}
