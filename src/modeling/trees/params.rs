//! What the tree models share before fitting: their error type, the feature-sampling and
//! splitter choices, parameter checks and the builder-setter macro in linfa's style.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Most trees an ensemble may hold (far beyond useful; keeps a typo from exhausting memory).
pub const MAX_ESTIMATORS: usize = 100_000;

/// Errors of the tree models: invalid hyper-parameters or unusable training data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TreeError {
    /// A hyper-parameter is out of its range.
    #[error("{name} must be {constraint}, got {value}")]
    InvalidParameter {
        /// Name of the parameter.
        name: &'static str,
        /// What the parameter must satisfy.
        constraint: String,
        /// The value that was given.
        value: String,
    },
    /// The training data has no rows.
    #[error("cannot fit on an empty dataset (0 rows)")]
    EmptyData,
    /// The training data has no feature columns.
    #[error("cannot fit on a dataset with 0 feature columns")]
    NoFeatures,
    /// Records and targets have different numbers of rows.
    #[error("records have {records} rows but targets have {targets}")]
    MismatchedRows {
        /// Rows of the feature matrix.
        records: usize,
        /// Length of the target vector.
        targets: usize,
    },
    /// A feature value is NaN or infinite.
    #[error("feature value at row {row}, column {column} is {value}; features must be finite")]
    NonFiniteFeature {
        /// Row of the bad value.
        row: usize,
        /// Column of the bad value.
        column: usize,
        /// The value itself.
        value: f64,
    },
    /// A target value is NaN or infinite.
    #[error("target value at row {row} is {value}; targets must be finite")]
    NonFiniteTarget {
        /// Row of the bad value.
        row: usize,
        /// The value itself.
        value: f64,
    },
    /// More rows than the 32-bit sample indices can address.
    #[error("{rows} rows is more than the supported maximum of {max}")]
    TooManyRows {
        /// Rows given.
        rows: usize,
        /// Largest supported number of rows.
        max: usize,
    },
    /// Data to predict has a different number of columns than the training data.
    #[error("model was fitted on {expected} features but the input has {got} columns")]
    FeatureCountMismatch {
        /// Number of features seen in fit.
        expected: usize,
        /// Number of columns given.
        got: usize,
    },
    /// A deserialized model is structurally invalid.
    #[error("invalid model: {0}")]
    InvalidModel(String),
    /// An error reported by linfa.
    #[error(transparent)]
    Linfa(#[from] LinfaError),
}

/// An error from linfa, kept as the cause (shared, so that [`TreeError`] stays `Clone`).
#[derive(Debug, Clone)]
pub struct LinfaError(pub std::sync::Arc<linfa::Error>);

impl PartialEq for LinfaError {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl fmt::Display for LinfaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "linfa: {}", self.0)
    }
}

impl std::error::Error for LinfaError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

impl From<linfa::Error> for TreeError {
    fn from(e: linfa::Error) -> Self {
        TreeError::Linfa(LinfaError(std::sync::Arc::new(e)))
    }
}

impl TreeError {
    /// Shorthand for [`TreeError::InvalidParameter`].
    pub(crate) fn param(
        name: &'static str,
        constraint: impl Into<String>,
        value: impl fmt::Debug,
    ) -> Self {
        TreeError::InvalidParameter {
            name,
            constraint: constraint.into(),
            value: format!("{value:?}"),
        }
    }
}

/// How many features are drawn as split candidates at each node.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
pub enum MaxFeatures {
    /// Every feature (scikit-learn's `None` / `1.0`).
    #[default]
    All,
    /// `max(1, floor(sqrt(n_features)))`.
    Sqrt,
    /// `max(1, floor(log2(n_features)))`.
    Log2,
    /// A fixed number, `1 ..= n_features`.
    Count(usize),
    /// `max(1, floor(fraction * n_features))`, fraction in `(0, 1]`.
    Fraction(f64),
}

impl MaxFeatures {
    /// The registry's `max_features` setting: none is every feature, a share in (0, 1] a
    /// fraction, a whole number above 1 a count (checked when the model is fitted).
    pub fn from_setting(setting: Option<f64>) -> MaxFeatures {
        match setting {
            None => MaxFeatures::All,
            Some(share) if share <= 1.0 => MaxFeatures::Fraction(share),
            Some(count) if count.fract() == 0.0 && count <= usize::MAX as f64 => {
                MaxFeatures::Count(count as usize)
            }
            // Not whole: refused by the check as a fraction out of range.
            Some(other) => MaxFeatures::Fraction(other),
        }
    }

    /// Checks the setting independently of the data.
    pub fn validate(&self) -> Result<(), TreeError> {
        match *self {
            MaxFeatures::Count(0) => Err(TreeError::param("max_features", ">= 1", self)),
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => Err(TreeError::param(
                "max_features",
                "a fraction in (0, 1]",
                self,
            )),
            _ => Ok(()),
        }
    }

    /// The number of candidate features for `n_features` columns, as scikit-learn computes it.
    pub fn resolve(&self, n_features: usize) -> Result<usize, TreeError> {
        self.validate()?;
        let k = match *self {
            MaxFeatures::All => n_features,
            MaxFeatures::Sqrt => ((n_features as f64).sqrt() as usize).max(1),
            MaxFeatures::Log2 => ((n_features as f64).log2() as usize).max(1),
            MaxFeatures::Count(k) => {
                if k > n_features {
                    return Err(TreeError::param(
                        "max_features",
                        format!("<= n_features ({n_features})"),
                        self,
                    ));
                }
                k
            }
            MaxFeatures::Fraction(f) => ((f * n_features as f64) as usize).max(1),
        };
        Ok(k)
    }
}

/// Strategy used to choose the split at each node.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Splitter {
    /// Best threshold of every candidate feature (CART).
    #[default]
    Best,
    /// One uniform random threshold per candidate feature (extremely randomized trees).
    Random,
}

/// Checks the hyper-parameters shared by every tree-based model.
pub(crate) fn validate_tree_params(
    max_depth: Option<usize>,
    min_samples_split: usize,
    min_samples_leaf: usize,
    max_features: &MaxFeatures,
) -> Result<(), TreeError> {
    if max_depth == Some(0) {
        return Err(TreeError::param("max_depth", ">= 1 (or None)", 0usize));
    }
    if min_samples_split < 2 {
        return Err(TreeError::param(
            "min_samples_split",
            ">= 2",
            min_samples_split,
        ));
    }
    if min_samples_leaf < 1 {
        return Err(TreeError::param(
            "min_samples_leaf",
            ">= 1",
            min_samples_leaf,
        ));
    }
    max_features.validate()
}

/// The builder setters of a `…Params` and the matching getters of its `…ValidParams`, in
/// linfa's style, for the tree, forest and boosting parameters alike.
macro_rules! param_accessors {
    // `growth;` stands for the node-growth parameters every tree model shares.
    ($params:ident => $valid:ident { growth; $($rest:tt)* }) => {
        param_accessors!($params => $valid {
            min_samples_split: usize, "Sets the minimum number of samples a node needs to be split.", "Minimum number of samples a node needs to be split.";
            min_samples_leaf: usize, "Sets the minimum number of samples in each leaf.", "Minimum number of samples in each leaf.";
            max_features: MaxFeatures, "Sets the number of candidate features per node.", "Number of candidate features per node.";
            $($rest)*
        });
    };
    ($params:ident => $valid:ident { $($field:ident: $ty:ty, $set_doc:literal, $get_doc:literal;)* }) => {
        impl $params {
            $(
                #[doc = $set_doc]
                pub fn $field(mut self, value: $ty) -> Self {
                    self.0.$field = value;
                    self
                }
            )*
        }

        impl $valid {
            $(
                #[doc = $get_doc]
                pub fn $field(&self) -> $ty {
                    self.$field
                }
            )*
        }
    };
}
pub(crate) use param_accessors;

/// linfa's `ParamGuard` for a `…Params(…ValidParams)` newtype: `$checks` inspect the valid
/// params through `$p` and return early with a [`TreeError`]; `growth` adds the checks of the
/// node-growth parameters (depth, split and leaf sizes, candidate features).
macro_rules! param_guard {
    ($params:ident => $valid:ident, growth, |$p:ident| $checks:block) => {
        param_guard!($params => $valid, |$p| {
            $checks
            validate_tree_params(
                $p.max_depth,
                $p.min_samples_split,
                $p.min_samples_leaf,
                &$p.max_features,
            )?;
        });
    };
    ($params:ident => $valid:ident, |$p:ident| $checks:block) => {
        impl linfa::ParamGuard for $params {
            type Checked = $valid;
            type Error = TreeError;

            fn check_ref(&self) -> Result<&Self::Checked, Self::Error> {
                let $p = &self.0;
                $checks
                Ok($p)
            }

            fn check(self) -> Result<Self::Checked, Self::Error> {
                self.check_ref()?;
                Ok(self.0)
            }
        }
    };
}
pub(crate) use param_guard;

/// An ensemble's `n_estimators` is in `[1, MAX_ESTIMATORS]`.
pub(crate) fn check_n_estimators(n_estimators: usize) -> Result<(), TreeError> {
    if (1..=MAX_ESTIMATORS).contains(&n_estimators) {
        Ok(())
    } else {
        Err(TreeError::param(
            "n_estimators",
            format!("in [1, {MAX_ESTIMATORS}]"),
            n_estimators,
        ))
    }
}
