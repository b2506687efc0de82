//! What the tree models share when predicting: the width check, the row loop, and the macro
//! that gives each model `predict_row`, `try_predict` and linfa's `PredictInplace`.

use ndarray::{Array1, ArrayBase, ArrayView2, Axis, Data, Ix2};
use rayon::prelude::*;

use super::params::TreeError;

/// The row-prediction surface of a tree model with an `n_features` field and a
/// `predict_unchecked(&self, &[f64]) -> f64`: `predict_row` (NaN for a row of the wrong width),
/// `try_predict` over a matrix (an error for the wrong width; `own try_predict` when the model
/// writes its own) and linfa's `PredictInplace` through it (NaN predictions for the wrong width).
macro_rules! row_predictions {
    ($model:ty) => {
        row_predictions!($model, own try_predict);

        impl $model {
            /// Predictions for every row of `x`, or an error if its width is wrong.
            pub fn try_predict<D: ndarray::Data<Elem = f64>>(
                &self,
                x: &ndarray::ArrayBase<D, ndarray::Ix2>,
            ) -> Result<ndarray::Array1<f64>, TreeError> {
                check_width(self.n_features, x.ncols())?;
                Ok(map_rows(x, |row| self.predict_unchecked(row)))
            }
        }
    };
    ($model:ty, own try_predict) => {
        impl $model {
            /// Prediction for one row; NaN if `row.len() != n_features`.
            #[inline]
            pub fn predict_row(&self, row: &[f64]) -> f64 {
                if row.len() != self.n_features {
                    return f64::NAN;
                }
                self.predict_unchecked(row)
            }
        }

        impl<D: ndarray::Data<Elem = f64>>
            linfa::traits::PredictInplace<ndarray::ArrayBase<D, ndarray::Ix2>, ndarray::Array1<f64>>
            for $model
        {
            fn predict_inplace(
                &self,
                x: &ndarray::ArrayBase<D, ndarray::Ix2>,
                y: &mut ndarray::Array1<f64>,
            ) {
                *y = match self.try_predict(x) {
                    Ok(p) => p,
                    Err(_) => ndarray::Array1::from_elem(x.nrows(), f64::NAN),
                };
            }

            fn default_target(
                &self,
                x: &ndarray::ArrayBase<D, ndarray::Ix2>,
            ) -> ndarray::Array1<f64> {
                ndarray::Array1::zeros(x.nrows())
            }
        }
    };
}
pub(crate) use row_predictions;

/// Checks the number of columns of data to predict.
pub(crate) fn check_width(expected: usize, got: usize) -> Result<(), TreeError> {
    if expected != got {
        return Err(TreeError::FeatureCountMismatch { expected, got });
    }
    Ok(())
}

/// Rows a thread predicts at a time; smaller inputs (a request's rows) stay on the caller's.
const PARALLEL_ROWS: usize = 4096;

/// Applies `f` to each row of `x` as a slice (rows that are not contiguous are copied), blocks
/// of rows in parallel for a large `x`.
pub(crate) fn map_rows<D: Data<Elem = f64>>(
    x: &ArrayBase<D, Ix2>,
    f: impl Fn(&[f64]) -> f64 + Sync,
) -> Array1<f64> {
    if x.nrows() <= PARALLEL_ROWS {
        return Array1::from(map_block(x.view(), &f));
    }
    let blocks: Vec<Vec<f64>> = x
        .axis_chunks_iter(Axis(0), PARALLEL_ROWS)
        .into_par_iter()
        .map(|block| map_block(block, &f))
        .collect();
    Array1::from(blocks.concat())
}

/// [`map_rows`] on one thread.
fn map_block(x: ArrayView2<f64>, f: &impl Fn(&[f64]) -> f64) -> Vec<f64> {
    let mut buf = Vec::with_capacity(x.ncols());
    x.rows()
        .into_iter()
        .map(|row| match row.as_slice() {
            Some(s) => f(s),
            None => {
                buf.clear();
                buf.extend(row.iter().copied());
                f(&buf)
            }
        })
        .collect()
}

/// Predictions after each number of stages in `stages` (0 = `init` only), in the order given,
/// from one pass: `add_stage(k, current)` adds stage `k`'s contribution to every row. Shared by
/// the boosting models' staged predictions (a grid over the number of stages fits once).
pub(crate) fn staged_predictions(
    n_rows: usize,
    init: f64,
    n_stages: usize,
    stages: &[usize],
    mut add_stage: impl FnMut(usize, &mut Array1<f64>),
) -> Result<Vec<Array1<f64>>, TreeError> {
    if let Some(&k) = stages.iter().find(|&&k| k > n_stages) {
        return Err(TreeError::param(
            "stage",
            format!("<= the number of stages ({n_stages})"),
            k,
        ));
    }
    let mut order: Vec<usize> = (0..stages.len()).collect();
    order.sort_by_key(|&i| stages[i]);
    let mut out = vec![Array1::zeros(0); stages.len()];
    let mut current = Array1::from_elem(n_rows, init);
    let mut done = 0;
    for i in order {
        let k = stages[i];
        for stage in done..k.max(done) {
            add_stage(stage, &mut current);
        }
        done = done.max(k);
        out[i] = current.clone();
    }
    Ok(out)
}
