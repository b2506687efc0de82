//! The datasets the crate knows, in one table: where each file lives and its checksum, how to
//! parse it, and its preset (target, features, the columns the chapter drops, and the default
//! training configuration that `ml-workflow train --dataset NAME` runs).
//!
//! A new dataset is one entry in [`registry`].

use crate::error::{Error, Result};
use crate::modeling::classify::{ClassScoring, LogisticSettings};
use crate::modeling::search::Grid;
use crate::modeling::train::TrainConfig;
use crate::modeling::{ModelSpec, ParamSet};

/// How a dataset file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated with a header row.
    Csv,
    /// Runs of spaces or tabs between fields, no header; names come from the registry.
    Whitespace,
}

/// A dataset file: where it lives, its checksum and how to parse it.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetSpec {
    /// Short name used by the CLI and notebooks (`height-weight`).
    pub name: String,
    /// File name in the cache.
    pub file: String,
    /// Public URL of the file.
    pub url: String,
    /// Expected SHA-256 of the file, lower-case hex.
    pub sha256: String,
    /// How the file is laid out.
    pub format: Format,
    /// Column names for header-less files (empty for files with a header).
    pub columns: Vec<String>,
    /// One line on what the data is.
    pub description: String,
}

/// How a registered dataset is modelled by default.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    /// Columns the chapter drops before modeling (shown, never used as features).
    pub dropped: Vec<String>,
    /// The training run `train --dataset NAME` performs (target, features, model, grid, split).
    pub train: TrainConfig,
}

/// A registry entry: the file and its preset.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The file.
    pub spec: DatasetSpec,
    /// The default modeling of it.
    pub preset: Preset,
}

/// The Boston housing columns, in file order.
pub const BOSTON_COLUMNS: [&str; 14] = [
    "CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B",
    "LSTAT", "MEDV",
];

/// The columns the chapter drops from Boston housing before modeling.
pub const BOSTON_DROPPED: [&str; 7] = ["CRIM", "ZN", "INDUS", "NOX", "AGE", "DIS", "RAD"];

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The registry: every dataset with its preset.
pub fn registry() -> Vec<Dataset> {
    vec![
        Dataset {
            spec: DatasetSpec {
                name: "height-weight".into(),
                file: "height-weight-25k.csv".into(),
                url: "https://raw.githubusercontent.com/noahgift/regression-concepts/master/height-weight-25k.csv".into(),
                sha256: "e179bd537471d395f39940aa879fca481846daac618269fcd6e3d91226921fdc".into(),
                format: Format::Csv,
                columns: vec![],
                description: "25,000 heights (inches) and weights (pounds) of 18-year-olds".into(),
            },
            // The notebook's least squares: weight from height, split 20 % with seed 42.
            preset: Preset {
                dropped: strings(&["Index"]),
                train: TrainConfig {
                    features: strings(&["Height-Inches"]),
                    model: ModelSpec::Linear,
                    folds: 10,
                    scale: false,
                    seed: 42,
                    ..TrainConfig::for_target("Weight-Pounds")
                },
            },
        },
        Dataset {
            spec: DatasetSpec {
                name: "boston-housing".into(),
                file: "housing.csv".into(),
                url: "https://raw.githubusercontent.com/noahgift/boston_housing_pickle/master/housing.csv".into(),
                sha256: "baadf72995725d76efe787b664e1f083388c79ba21ef9a7990d87f774184735a".into(),
                format: Format::Whitespace,
                columns: strings(&BOSTON_COLUMNS),
                description: "506 Boston census tracts, 1970: 13 features and the median home value MEDV ($1000s)".into(),
            },
            // The chapter's run: six features, split 20 % with seed 7, scaler on the training
            // rows, GBM grid n_estimators 50..400 step 50 with 10 contiguous folds, and a final
            // fit with 400 stages (the chapter's choice, kept so the numbers compare).
            preset: Preset {
                dropped: strings(&BOSTON_DROPPED),
                train: TrainConfig {
                    features: strings(&["CHAS", "RM", "TAX", "PTRATIO", "B", "LSTAT"]),
                    model: ModelSpec::gbm().with_seed(7),
                    grid: Grid::one("n_estimators", (1..=8).map(|i| 50.0 * f64::from(i))),
                    folds: 10,
                    seed: 7,
                    final_params: Some(ParamSet::from([("n_estimators".to_string(), 400.0)])),
                    ..TrainConfig::for_target("MEDV")
                },
            },
        },
        Dataset {
            spec: DatasetSpec {
                name: "penguins".into(),
                file: "penguins.csv".into(),
                url: "https://raw.githubusercontent.com/allisonhorst/palmerpenguins/main/inst/extdata/penguins.csv".into(),
                sha256: "f204db2c753b0937caac3cb35258562c14f073e4bbc76be24b4c51ce22767a93".into(),
                format: Format::Csv,
                columns: vec![],
                description: "344 Palmer penguins, 2007-2009: species from island, bill, flipper, mass, sex (with gaps)".into(),
            },
            // A classification table: species from every other column, split 20 % with the
            // species' shares kept, logistic regression's C searched on 5 stratified folds by
            // log loss.
            preset: Preset {
                dropped: vec![],
                train: TrainConfig {
                    model: ModelSpec::Logistic(LogisticSettings::default()),
                    grid: Grid::one("C", [0.01, 0.1, 1.0, 10.0, 100.0]),
                    scoring: ClassScoring::NegLogLoss,
                    ..TrainConfig::for_target("species")
                },
            },
        },
    ]
}

/// The registered dataset files.
pub fn datasets() -> Vec<DatasetSpec> {
    registry().into_iter().map(|d| d.spec).collect()
}

/// Looks a dataset up by name; the error lists the known names.
pub fn lookup(name: &str) -> Result<Dataset> {
    let all = registry();
    let known = all
        .iter()
        .map(|d| d.spec.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    all.iter()
        .find(|d| d.spec.name == name)
        .cloned()
        .ok_or_else(|| Error::UnknownDataset {
            name: name.into(),
            known,
        })
}

/// A registered dataset's file by name.
pub fn dataset(name: &str) -> Result<DatasetSpec> {
    Ok(lookup(name)?.spec)
}

/// A registered dataset's default training configuration, by name.
///
/// ```
/// let config = ml_workflow::datasets::preset("boston-housing")?;
/// assert_eq!(config.target, "MEDV");
/// assert_eq!(config.folds, 10);
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn preset(name: &str) -> Result<TrainConfig> {
    Ok(lookup(name)?.preset.train)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_dataset_lists_known_ones() {
        let err = dataset("iris").unwrap_err().to_string();
        assert!(err.starts_with("unknown dataset \"iris\""), "{err}");
        assert!(
            err.contains("height-weight")
                && err.contains("boston-housing")
                && err.contains("penguins"),
            "{err}"
        );
    }

    #[test]
    fn presets_name_columns_of_their_files() {
        for d in registry() {
            let train = &d.preset.train;
            assert!(!train.features.contains(&train.target), "{}", d.spec.name);
            for dropped in &d.preset.dropped {
                assert!(!train.features.contains(dropped), "{}", d.spec.name);
            }
            if d.spec.format == Format::Whitespace {
                for c in train.features.iter().chain([&train.target]) {
                    assert!(d.spec.columns.contains(c), "{}: {c}", d.spec.name);
                }
            }
        }
    }
}
