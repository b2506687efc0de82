//! k-nearest-neighbours classification (scikit-learn's `KNeighborsClassifier`, uniform
//! weights, Euclidean distance): a row's probability for a class is the share of its k
//! nearest training rows in that class. The search is linfa-nn's k-d tree, as for the
//! regressor (`modeling/neighbors.rs`); rows at exactly the same distance may be picked in
//! another order than scikit-learn's, which changes an answer only when such a tie straddles
//! the k-th neighbour.

use linfa_nn::distance::L2Dist;
use linfa_nn::{CommonNearestNeighbour, NearestNeighbour};
use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::modeling::hyperparams::settings;

const MODEL: &str = "k-nearest neighbours";

settings! {
    /// k-NN classification's settings (`KNeighborsClassifier(n_neighbors)`).
    KnnClassifierSettings {
        /// Neighbours that vote.
        k ["n_neighbors"]: usize = 5;
    }
}

impl KnnClassifierSettings {
    /// Stores the training rows and their class codes (`0..n_classes`).
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView1<usize>,
        n_classes: usize,
    ) -> Result<KnnClassifier> {
        if self.k == 0 || self.k > x.nrows() {
            return Err(Error::invalid(
                "n_neighbors",
                format!("must be in 1..={}, got {}", x.nrows(), self.k),
            ));
        }
        Ok(KnnClassifier {
            k: self.k,
            n_classes,
            n_features: x.ncols(),
            x: x.iter().copied().collect(),
            y: y.to_vec(),
        })
    }
}

/// A fitted k-NN classifier: the training rows and their class codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnnClassifier {
    /// Neighbours that vote.
    pub k: usize,
    /// Number of classes (the probabilities' columns).
    pub n_classes: usize,
    n_features: usize,
    /// Training rows, row-major.
    x: Vec<f64>,
    y: Vec<usize>,
}

impl KnnClassifier {
    /// Number of features the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Each row's class shares among its k nearest training rows, `[n_rows, n_classes]`.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        // linfa-nn's index borrows its points: built over a view of the stored rows per batch.
        let train = ArrayView2::from_shape((self.y.len(), self.n_features), &self.x)
            .map_err(|e| Error::model(MODEL, e))?;
        let index = CommonNearestNeighbour::KdTree
            .from_batch(&train, L2Dist)
            .map_err(|e| Error::model(MODEL, e))?;
        let mut proba = Array2::zeros((x.nrows(), self.n_classes));
        for (r, row) in x.rows().into_iter().enumerate() {
            let found = index
                .k_nearest(row, self.k)
                .map_err(|e| Error::model(MODEL, e))?;
            let share = 1.0 / found.len() as f64;
            for (_, i) in found {
                proba[[r, self.y[i]]] += share;
            }
        }
        Ok(proba)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn the_nearest_vote() {
        let x = array![[0.0], [1.0], [2.0], [10.0], [11.0]];
        let y = array![0, 0, 1, 1, 1];
        let m = KnnClassifierSettings { k: 3 }
            .fit(x.view(), y.view(), 2)
            .unwrap();
        let p = m.predict_proba(array![[0.5], [10.5]].view()).unwrap();
        assert_eq!(p.row(0).to_vec(), [2.0 / 3.0, 1.0 / 3.0]);
        assert_eq!(p.row(1).to_vec(), [0.0, 1.0]);
        let err = KnnClassifierSettings { k: 6 }
            .fit(x.view(), y.view(), 2)
            .unwrap_err();
        assert!(err.to_string().contains("n_neighbors"), "{err}");
    }
}
