//! scikit-learn's `StandardScaler`: centre each feature and divide by its population standard
//! deviation, with the statistics of the training set only.
//!
//! Fitting goes through linfa-preprocessing's standard `LinearScaler` (population std, and a
//! constant feature keeps scale 1, as scikit-learn does). Its transform multiplies by the
//! reciprocal, which differs from scikit-learn's division in the last bit, so this type keeps
//! the mean and the scale and divides, which also makes it a plain pair of vectors to store
//! in the model artifact.

use linfa::traits::Fit;
use linfa::DatasetBase;
use linfa_preprocessing::linear_scaling::LinearScaler;
use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Per-feature mean and scale learned from training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScaler {
    /// Mean of each feature.
    pub mean: Vec<f64>,
    /// Population standard deviation of each feature (1 for a constant feature).
    pub scale: Vec<f64>,
}

impl StandardScaler {
    /// Learns mean and scale from the rows of `x`.
    pub fn fit(x: ArrayView2<f64>) -> Result<StandardScaler> {
        let data = DatasetBase::from(x.to_owned());
        let fitted = LinearScaler::standard()
            .fit(&data)
            .map_err(|e| Error::model("standard scaler", e))?;
        Ok(StandardScaler {
            mean: fitted.offsets().to_vec(),
            scale: fitted.scales().iter().map(|s| 1.0 / s).collect(),
        })
    }

    /// An identity scaler for `n` features (for models trained without scaling).
    pub fn identity(n: usize) -> StandardScaler {
        StandardScaler {
            mean: vec![0.0; n],
            scale: vec![1.0; n],
        }
    }

    /// `(x − mean) / scale`, column by column.
    pub fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        if x.ncols() != self.mean.len() {
            return Err(Error::invalid(
                "scaler input",
                format!("fitted on {} features, got {}", self.mean.len(), x.ncols()),
            ));
        }
        let mut out = x.to_owned();
        for mut row in out.axis_iter_mut(Axis(0)) {
            self.transform_row(row.iter_mut());
        }
        Ok(out)
    }

    /// Scales one row in place (the server's hot path).
    pub fn transform_row<'a>(&self, row: impl IntoIterator<Item = &'a mut f64>) {
        for ((v, m), s) in row.into_iter().zip(&self.mean).zip(&self.scale) {
            *v = (*v - m) / s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn population_std_and_constant_columns() {
        let x = array![[1.0, 5.0], [3.0, 5.0]];
        let s = StandardScaler::fit(x.view()).unwrap();
        assert_eq!(s.mean, [2.0, 5.0]);
        assert_eq!(s.scale, [1.0, 1.0]);
        let t = s.transform(x.view()).unwrap();
        assert_eq!(t, array![[-1.0, 0.0], [1.0, 0.0]]);
        assert!(s.transform(array![[1.0]].view()).is_err());
    }
}
