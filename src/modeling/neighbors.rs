//! k-nearest-neighbours regression (scikit-learn's `KNeighborsRegressor`, uniform weights,
//! Euclidean distance), with linfa-nn's k-d tree for the search.

use linfa_nn::distance::L2Dist;
use linfa_nn::{CommonNearestNeighbour, NearestNeighbour};
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::modeling::hyperparams::settings;

/// A fitted k-NN regressor: the training rows and targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnnRegressor {
    /// Neighbours averaged per prediction.
    pub k: usize,
    n_features: usize,
    /// Training rows, row-major.
    x: Vec<f64>,
    y: Vec<f64>,
}

impl KnnRegressor {
    /// Stores the training data; `k` must be between 1 and the number of rows.
    pub fn fit(x: ArrayView2<f64>, y: ArrayView1<f64>, k: usize) -> Result<KnnRegressor> {
        if k == 0 || k > x.nrows() {
            return Err(Error::invalid(
                "k",
                format!("must be in 1..={}, got {k}", x.nrows()),
            ));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(Error::model(
                "k-nearest neighbours",
                "the training data holds NaN or infinite values",
            ));
        }
        Ok(KnnRegressor {
            k,
            n_features: x.ncols(),
            x: x.iter().copied().collect(),
            y: y.to_vec(),
        })
    }

    /// Number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Mean target of the k nearest training rows, for each row of `x`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        let model = "k-nearest neighbours";
        // linfa-nn's index borrows its points, so it cannot be stored in the model; build it
        // over a view of the stored rows (no copy) for each batch.
        let train = ArrayView2::from_shape((self.y.len(), self.n_features), &self.x)
            .map_err(|e| Error::model(model, e))?;
        let index = CommonNearestNeighbour::KdTree
            .from_batch(&train, L2Dist)
            .map_err(|e| Error::model(model, e))?;
        x.rows()
            .into_iter()
            .map(|row| {
                let found = index
                    .k_nearest(row, self.k)
                    .map_err(|e| Error::model(model, e))?;
                Ok(found.iter().map(|(_, i)| self.y[*i]).sum::<f64>() / found.len() as f64)
            })
            .collect::<Result<Vec<f64>>>()
            .map(Array1::from)
    }
}

settings! {
    /// k-NN's settings (`KNeighborsRegressor(n_neighbors)`).
    KnnSettings {
        /// Neighbours averaged.
        k ["n_neighbors"]: usize = 5;
    }
}

impl KnnSettings {
    /// Fits the regressor (stores the rows).
    pub fn fit(&self, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<KnnRegressor> {
        KnnRegressor::fit(x, y, self.k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn averages_the_nearest() {
        let x = array![[0.0], [1.0], [10.0], [11.0]];
        let m = KnnRegressor::fit(x.view(), array![1.0, 3.0, 10.0, 20.0].view(), 2).unwrap();
        let p = m.predict(array![[0.4], [10.6]].view()).unwrap();
        assert_eq!(p.to_vec(), [2.0, 15.0]);
        assert!(KnnRegressor::fit(x.view(), array![1.0, 1.0, 1.0, 1.0].view(), 5).is_err());
    }
}
