//! One feature, one target: the height→weight notebook's two models — least squares and the
//! gradient-descent port of the PyTorch example — on the same scikit-learn split.

use ndarray::{Array1, Axis};
use polars::prelude::DataFrame;

use super::evaluation::Evaluation;
use super::gradient_descent::{fit_gd, Cpu, GdModel, GdParams};
use super::linear::{fit_ols, LinearModel};
use super::metrics::rmse;
use super::split::{train_test_split, Split};
use crate::error::Result;
use crate::polars_ext::column_f64;

/// A column pair split into training and held-out rows.
#[derive(Debug, Clone)]
pub struct XySplit {
    /// The feature's column (e.g. "Height-Inches").
    pub feature: String,
    /// What the target is, for labels (e.g. "Weight-Pounds").
    pub target: String,
    /// The rows scikit-learn's `train_test_split` picks.
    pub split: Split,
    x: Vec<f64>,
    y: Vec<f64>,
}

impl XySplit {
    /// Columns `x` and `y` of `df`, split with `test_size` and `seed` as scikit-learn does.
    pub fn new(df: &DataFrame, x: &str, y: &str, test_size: f64, seed: u32) -> Result<XySplit> {
        let (xs, ys) = (column_f64(df, x)?, column_f64(df, y)?);
        Ok(XySplit {
            feature: x.to_string(),
            target: y.to_string(),
            split: train_test_split(xs.len(), test_size, seed)?,
            x: xs,
            y: ys,
        })
    }

    fn pick(values: &[f64], rows: &[usize]) -> Vec<f64> {
        rows.iter().map(|&r| values[r]).collect()
    }

    /// The feature's values on the held-out rows, in the order of the evaluations' rows.
    pub fn test_x(&self) -> Vec<f64> {
        Self::pick(&self.x, &self.split.test)
    }

    /// Ordinary least squares on the training rows, evaluated on the held-out rows.
    pub fn ols(&self) -> Result<OlsFit> {
        let column = |rows: &[usize]| Array1::from(Self::pick(&self.x, rows)).insert_axis(Axis(1));
        let (x_train, y_train) = (
            column(&self.split.train),
            Self::pick(&self.y, &self.split.train),
        );
        let model = fit_ols(x_train.view(), Array1::from(y_train.clone()).view())?;
        let train_rmse = rmse(&y_train, &model.predict(x_train.view()).to_vec());
        let predicted = model.predict(column(&self.split.test).view()).to_vec();
        Ok(OlsFit {
            model,
            train_rmse,
            evaluation: Evaluation::new(
                &self.target,
                Self::pick(&self.y, &self.split.test),
                predicted,
            ),
        })
    }

    /// The PyTorch example: y = w·x + b in f32 by full-batch gradient descent, evaluated on the
    /// held-out rows (prediction against the held-out *targets*).
    pub fn gradient_descent(&self, params: &GdParams) -> Result<GdFit> {
        let f32s = |values: &[f64], rows: &[usize]| -> Vec<f32> {
            rows.iter().map(|&r| values[r] as f32).collect()
        };
        let model = fit_gd(
            &f32s(&self.x, &self.split.train),
            &f32s(&self.y, &self.split.train),
            params,
            &Cpu,
        )?;
        let predicted: Vec<f64> = model
            .predict(&f32s(&self.x, &self.split.test))
            .into_iter()
            .map(f64::from)
            .collect();
        let actual = Self::pick(&self.y, &self.split.test);
        // The chapter compared the predictions with x_test (heights), not y_test.
        let chapter_rmse = rmse(&Self::pick(&self.x, &self.split.test), &predicted);
        Ok(GdFit {
            model,
            chapter_rmse,
            evaluation: Evaluation::new(&self.target, actual, predicted),
        })
    }
}

/// A least-squares fit and its evaluation.
#[derive(Debug, Clone)]
pub struct OlsFit {
    /// Slope and intercept.
    pub model: LinearModel,
    /// RMSE on the training rows.
    pub train_rmse: f64,
    /// Held-out actual and predicted values.
    pub evaluation: Evaluation,
}

/// A gradient-descent fit, its loss history and its evaluation.
#[derive(Debug, Clone)]
pub struct GdFit {
    /// w, b and the loss per epoch.
    pub model: GdModel,
    /// What the chapter printed as the test RMSE: predictions against the held-out *heights*.
    pub chapter_rmse: f64,
    /// Held-out actual and predicted values.
    pub evaluation: Evaluation,
}
