//! What the column-at-a-time roads share: which rows go where ([`Rows`]), a feature's bins
//! for each row set ([`FeatureBins`]), an input column fitted and binned ([`BinnedColumn`]),
//! and single columns' errors reported in input order ([`ColumnErrors`]).

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::table::InputColumn;

/// Errors of single columns (a bad value, nothing to learn), kept so that the first bad
/// column in input order is the one reported, whatever order the columns were read in: as
/// [`Preprocessor::fit`] reports it.
pub(super) struct ColumnErrors {
    inputs: Vec<String>,
    failed: HashSet<String>,
    first: Option<(usize, Error)>,
}

impl ColumnErrors {
    /// No error yet among `inputs`.
    pub(super) fn new(inputs: &[String]) -> ColumnErrors {
        ColumnErrors {
            inputs: inputs.to_vec(),
            failed: HashSet::new(),
            first: None,
        }
    }

    /// Column `name`'s error.
    pub(super) fn note(&mut self, name: &str, error: Error) {
        let at = self
            .inputs
            .iter()
            .position(|i| i == name)
            .unwrap_or(usize::MAX);
        if self.first.as_ref().is_none_or(|(first, _)| at < *first) {
            self.first = Some((at, error));
        }
        self.failed.insert(name.to_string());
    }

    /// Whether column `name` had an error.
    pub(super) fn has(&self, name: &str) -> bool {
        self.failed.contains(name)
    }

    /// The first column's error, if any.
    pub(super) fn into_result(self) -> Result<()> {
        self.first.map_or(Ok(()), |(_, e)| Err(e))
    }
}

/// Which rows go where: `train` fits the preprocessing; the fit rows (the training rows, less
/// the validation rows under early stopping) the trees, their bin thresholds from the fit
/// rows at `picked`; `test` is held out.
pub(super) struct Rows {
    pub(super) train: Vec<usize>,
    /// The fit rows when early stopping holds some training rows out (else `train`).
    pub(super) inner: Option<Vec<usize>>,
    pub(super) validation: Vec<usize>,
    pub(super) test: Vec<usize>,
    pub(super) picked: Vec<usize>,
}

impl Rows {
    /// The rows the trees are fitted on.
    pub(super) fn fit(&self) -> &[usize] {
        self.inner.as_deref().unwrap_or(&self.train)
    }
}

/// One feature binned: its thresholds, and the bins of the fit, validation and held-out rows.
pub(super) struct FeatureBins {
    pub(super) thresholds: Vec<f64>,
    pub(super) fit: Vec<u8>,
    pub(super) validation: Vec<u8>,
    pub(super) test: Vec<u8>,
}

impl FeatureBins {
    /// A feature cut at `thresholds`, each row set's bins picked from `all` (every row's, in
    /// the table's order).
    pub(super) fn picked(all: &[u8], thresholds: Vec<f64>, rows: &Rows) -> FeatureBins {
        let pick = |set: &[usize]| -> Vec<u8> { set.iter().map(|&r| all[r]).collect() };
        FeatureBins {
            fit: pick(rows.fit()),
            validation: pick(&rows.validation),
            test: pick(&rows.test),
            thresholds,
        }
    }
}

/// One input column fitted (its encoding; whether numeric) and its features binned.
pub(super) struct BinnedColumn {
    pub(super) column: InputColumn,
    pub(super) numeric: bool,
    pub(super) features: Vec<FeatureBins>,
}
