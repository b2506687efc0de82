//! The model's input schema: each input column's name, type and fitted encoding, as the
//! artifact stores it and `/model` shows it to a client.

use polars::prelude::DataType;
use serde::{Deserialize, Serialize};

/// The type of an input column, as pandas would read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Whole numbers (pandas `int64`).
    Integer,
    /// Real numbers (pandas `float64`).
    Float,
    /// `True`/`False` (pandas `bool`).
    Boolean,
    /// Text (pandas `object`/`str`).
    Text,
}

impl ColumnType {
    /// The type of a polars column, or `None` for types the model cannot take (dates, lists).
    pub fn of(dtype: &DataType) -> Option<ColumnType> {
        match dtype {
            t if t.is_integer() => Some(ColumnType::Integer),
            t if t.is_primitive_numeric() => Some(ColumnType::Float),
            DataType::Boolean => Some(ColumnType::Boolean),
            DataType::String => Some(ColumnType::Text),
            _ => None,
        }
    }

    /// Whether the column is imputed and scaled (numbers) rather than one-hot encoded.
    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Float)
    }

    /// The type in an error message: "a number", "a boolean", "text".
    pub fn described(self) -> &'static str {
        match self {
            ColumnType::Integer | ColumnType::Float => "a number",
            ColumnType::Boolean => "a boolean (true/false)",
            ColumnType::Text => "text (a string)",
        }
    }
}

/// How an input column becomes model features, with what was fitted on the training rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "encoding", rename_all = "snake_case")]
pub enum Encoding {
    /// A missing value becomes the training median (`SimpleImputer(strategy="median")`), then
    /// the column is standardised (`StandardScaler`) when the model scales: one feature.
    Numeric {
        /// The median of the training rows' values.
        median: f64,
    },
    /// One feature per category (`OneHotEncoder(handle_unknown="ignore")`): 1 for the row's
    /// category, 0 elsewhere; a category not seen in training is all zeros.
    OneHot {
        /// The training rows' categories, sorted as scikit-learn sorts them (by code point).
        categories: Vec<String>,
        /// Whether training rows had missing values: then "missing" is a category of its own,
        /// the last feature (named `COLUMN_nan`, as scikit-learn names pandas' NaN); otherwise
        /// a missing value is all zeros, like an unseen category.
        missing_category: bool,
    },
}

/// One input column of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputColumn {
    /// The column's name, as the client sends it.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub dtype: ColumnType,
    /// How it is encoded, with the fitted median or categories.
    #[serde(flatten)]
    pub encoding: Encoding,
}

impl InputColumn {
    /// The model features this column becomes, named as scikit-learn's
    /// `get_feature_names_out` names them (`x`; `city_east`, `city_north`, `city_nan`).
    pub fn feature_names(&self) -> Vec<String> {
        match &self.encoding {
            Encoding::Numeric { .. } => vec![self.name.clone()],
            Encoding::OneHot {
                categories,
                missing_category,
            } => categories
                .iter()
                .map(String::as_str)
                .chain(missing_category.then_some("nan"))
                .map(|c| format!("{}_{c}", self.name))
                .collect(),
        }
    }

    /// How many model features this column becomes.
    pub fn width(&self) -> usize {
        match &self.encoding {
            Encoding::Numeric { .. } => 1,
            Encoding::OneHot {
                categories,
                missing_category,
            } => categories.len() + usize::from(*missing_category),
        }
    }
}
