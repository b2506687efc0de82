//! Stratified splits for classification, row for row as scikit-learn draws them with the same
//! seed: `train_test_split(..., stratify=y)` (a `StratifiedShuffleSplit`) and
//! `StratifiedKFold`. Each class keeps its share of the rows in every part.
//!
//! Rows are given by their class code (`0..n_classes`, the classes in sorted order, as
//! `np.unique` numbers them); `names` (one per code) go into the errors.

use super::sklearn_rng::NumpyRandomState;
use super::split::Split;
use crate::error::{Error, Result};

/// Rows of each class, in the table's order.
fn rows_by_class(codes: &[usize], n_classes: usize) -> Vec<Vec<usize>> {
    let mut rows = vec![Vec::new(); n_classes];
    for (r, &c) in codes.iter().enumerate() {
        rows[c].push(r);
    }
    rows
}

/// The first class with fewer than `least` rows, as an error naming it.
fn check_counts(counts: &[usize], names: &[String], least: usize, why: &str) -> Result<()> {
    match counts.iter().position(|&c| c < least) {
        Some(k) => Err(Error::invalid(
            "stratified split",
            format!(
                "class {:?} has {} (need at least {least} {why})",
                names.get(k).map_or("?", String::as_str),
                if counts[k] == 1 {
                    "1 row".to_string()
                } else {
                    format!("{} rows", counts[k])
                }
            ),
        )),
        None => Ok(()),
    }
}

/// `train_test_split(range(n), test_size=test_size, random_state=seed, stratify=y)`: the
/// held-out rows are `ceil(test_size·n)`, shared among the classes in proportion (scikit-learn's
/// `_approximate_mode`, ties broken by the same draws). `test_size` 0 keeps every row for
/// training (in a seeded order, as the plain split does).
pub fn stratified_train_test_split(
    codes: &[usize],
    names: &[String],
    test_size: f64,
    seed: u32,
) -> Result<Split> {
    let n = codes.len();
    let n_classes = names.len();
    if codes.iter().any(|&c| c >= n_classes) {
        return Err(Error::invalid(
            "stratified split",
            "a class code past the class list",
        ));
    }
    if !(0.0..1.0).contains(&test_size) {
        return Err(Error::invalid(
            "test_size",
            format!("must be in [0, 1), got {test_size}"),
        ));
    }
    let n_test = (test_size * n as f64).ceil() as usize;
    let mut rng = NumpyRandomState::new(seed);
    if n_test == 0 {
        return Ok(Split {
            train: rng.permutation(n),
            test: Vec::new(),
        });
    }
    let n_train = n.saturating_sub(n_test);
    let by_class = rows_by_class(codes, n_classes);
    let counts: Vec<usize> = by_class.iter().map(Vec::len).collect();
    check_counts(&counts, names, 2, "to hold some out and train on the rest")?;
    if n_train < n_classes || n_test < n_classes {
        return Err(Error::invalid(
            "test_size",
            format!(
                "{test_size} of {n} rows gives {n_train} training and {n_test} held-out rows: \
                 each needs at least one row of each of the {n_classes} classes"
            ),
        ));
    }
    let train_counts = approximate_mode(&counts, n_train, &mut rng);
    let left: Vec<usize> = counts
        .iter()
        .zip(&train_counts)
        .map(|(c, t)| c - t)
        .collect();
    let test_counts = approximate_mode(&left, n_test, &mut rng);
    let (mut train, mut test) = (Vec::with_capacity(n_train), Vec::with_capacity(n_test));
    for (k, rows) in by_class.iter().enumerate() {
        let order = rng.permutation(rows.len());
        let picked: Vec<usize> = order.iter().map(|&i| rows[i]).collect();
        train.extend_from_slice(&picked[..train_counts[k]]);
        test.extend_from_slice(&picked[train_counts[k]..train_counts[k] + test_counts[k]]);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut test);
    Ok(Split { train, test })
}

/// scikit-learn's `_approximate_mode`: `draws` shared among the classes in proportion to
/// `counts`, each share floored, the rest given to the largest remainders (ties drawn at
/// random, as `rng.choice(..., replace=False)` draws them).
fn approximate_mode(counts: &[usize], draws: usize, rng: &mut NumpyRandomState) -> Vec<usize> {
    let total = counts.iter().sum::<usize>() as f64;
    let continuous: Vec<f64> = counts
        .iter()
        .map(|&c| c as f64 / total * draws as f64)
        .collect();
    let mut floored: Vec<usize> = continuous.iter().map(|c| c.floor() as usize).collect();
    let mut need = draws as f64 - floored.iter().map(|&f| f as f64).sum::<f64>();
    if need <= 0.0 {
        return floored;
    }
    let remainder: Vec<f64> = continuous
        .iter()
        .zip(&floored)
        .map(|(c, &f)| c - f as f64)
        .collect();
    let mut values = remainder.clone();
    values.sort_by(|a, b| b.total_cmp(a));
    values.dedup();
    for value in values {
        let ties: Vec<usize> = (0..remainder.len())
            .filter(|&i| remainder[i] == value)
            .collect();
        let add_now = ties.len().min(need as usize);
        let order = rng.permutation(ties.len());
        for &i in &order[..add_now] {
            floored[ties[i]] += 1;
        }
        need -= add_now as f64;
        if need <= 0.0 {
            break;
        }
    }
    floored
}

/// scikit-learn's `StratifiedKFold(n_splits, shuffle, random_state=seed)`: each class's rows
/// dealt to the folds in turn (classes numbered by first appearance, as scikit-learn does),
/// each class's fold labels shuffled when `shuffle`. A class with fewer rows than folds is an
/// error that names it (scikit-learn only warns, and leaves some folds without it).
pub fn stratified_kfold(
    codes: &[usize],
    names: &[String],
    n_splits: usize,
    shuffle: bool,
    seed: u32,
) -> Result<Vec<Split>> {
    let n = codes.len();
    if n_splits < 2 || n_splits > n {
        return Err(Error::invalid(
            "folds",
            format!("need 2 <= folds <= rows, got {n_splits} folds for {n} rows"),
        ));
    }
    // Classes by first appearance.
    let mut first_seen: Vec<Option<usize>> = vec![None; names.len()];
    let mut seen = 0;
    let mut encoded = Vec::with_capacity(n);
    for &c in codes {
        let slot = first_seen.get_mut(c).ok_or_else(|| {
            Error::invalid("stratified split", "a class code past the class list")
        })?;
        let e = *slot.get_or_insert_with(|| {
            seen += 1;
            seen - 1
        });
        encoded.push(e);
    }
    let mut counts = vec![0usize; seen];
    for &e in &encoded {
        counts[e] += 1;
    }
    let appearance_names: Vec<String> = {
        let mut v = vec![String::new(); seen];
        for (c, e) in first_seen.iter().enumerate() {
            if let Some(e) = e {
                v[*e] = names[c].clone();
            }
        }
        v
    };
    check_counts(
        &counts,
        &appearance_names,
        n_splits,
        &format!(
            "for {n_splits} folds; give --folds {} or fewer",
            counts.iter().min().copied().unwrap_or(0).max(2)
        ),
    )?;
    // allocation[f][k]: rows of class k in fold f, dealing the sorted labels in turn.
    let mut sorted = encoded.clone();
    sorted.sort_unstable();
    let mut allocation = vec![vec![0usize; seen]; n_splits];
    for (i, &k) in sorted.iter().enumerate() {
        allocation[i % n_splits][k] += 1;
    }
    // Each class's fold labels, in fold order, then shuffled class by class.
    let mut rng = NumpyRandomState::new(seed);
    let mut labels: Vec<Vec<usize>> = (0..seen)
        .map(|k| {
            (0..n_splits)
                .flat_map(|f| std::iter::repeat_n(f, allocation[f][k]))
                .collect()
        })
        .collect();
    let mut fold_of = vec![0usize; n];
    for (k, folds) in labels.iter_mut().enumerate() {
        if shuffle {
            rng.shuffle(folds);
        }
        let rows = (0..n).filter(|&r| encoded[r] == k);
        for (r, &f) in rows.zip(folds.iter()) {
            fold_of[r] = f;
        }
    }
    Ok((0..n_splits)
        .map(|f| {
            let (test, train): (Vec<usize>, Vec<usize>) = (0..n).partition(|&r| fold_of[r] == f);
            Split { train, test }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated classes of the scikit-learn runs below (class 0 every `skew`th row).
    fn codes(n: usize, k: usize, skew: usize) -> (Vec<usize>, Vec<String>) {
        let codes = (0..n)
            .map(|i| {
                if i % skew == 0 {
                    0
                } else {
                    (i * 7 + i / 5) % k
                }
            })
            .collect();
        (codes, (0..k).map(|c| format!("c{c}")).collect())
    }

    // Expected rows from scikit-learn 1.9.1: `train_test_split(np.arange(n), test_size=ts,
    // random_state=seed, stratify=codes)` and `StratifiedKFold(folds, shuffle=..,
    // random_state=..).split(np.zeros(n), codes)`.
    #[test]
    fn stratified_split_picks_scikit_learns_rows() {
        let (y, names) = codes(37, 3, 4);
        let split = stratified_train_test_split(&y, &names, 0.25, 0).unwrap();
        assert_eq!(split.test, [5, 0, 29, 32, 2, 13, 6, 26, 23, 28]);
        assert_eq!(split.train[..8], [7, 30, 10, 18, 4, 36, 12, 25]);
        assert_eq!(split.train.len(), 27);
        let (y, names) = codes(50, 2, 3);
        let split = stratified_train_test_split(&y, &names, 0.2, 42).unwrap();
        assert_eq!(split.test, [30, 9, 24, 27, 19, 31, 37, 26, 14, 16]);
        let (y, names) = codes(101, 4, 5);
        let split = stratified_train_test_split(&y, &names, 0.3, 7).unwrap();
        assert_eq!(
            split.test,
            [
                96, 65, 95, 46, 61, 27, 85, 48, 22, 47, 38, 9, 7, 15, 49, 64, 71, 92, 76, 63, 20,
                53, 19, 10, 59, 70, 3, 18, 16, 67, 35
            ]
        );
        assert_eq!(split.train[..6], [23, 84, 73, 88, 66, 24]);
    }

    #[test]
    fn stratified_folds_are_scikit_learns() {
        let (y, names) = codes(37, 3, 4);
        let folds = stratified_kfold(&y, &names, 4, true, 3).unwrap();
        let tests: Vec<Vec<usize>> = folds.iter().map(|f| f.test.clone()).collect();
        assert_eq!(
            tests,
            [
                vec![4, 5, 6, 7, 13, 19, 20, 27, 32, 35],
                vec![14, 16, 17, 18, 21, 25, 31, 33, 36],
                vec![2, 3, 9, 10, 12, 24, 26, 28, 34],
                vec![0, 1, 8, 11, 15, 22, 23, 29, 30],
            ]
        );
        let folds = stratified_kfold(&y, &names, 3, false, 0).unwrap();
        assert_eq!(
            folds[1].test,
            [13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 26]
        );
        for fold in &folds {
            assert_eq!(fold.train.len() + fold.test.len(), 37);
        }
    }

    #[test]
    fn a_class_too_small_is_named() {
        let y = [0, 0, 0, 1, 0, 0, 2, 2, 2, 0];
        let names: Vec<String> = ["Adelie", "Chinstrap", "Gentoo"].map(String::from).into();
        let err = stratified_train_test_split(&y, &names, 0.3, 0)
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"Chinstrap\" has 1 row"), "{err}");
        let y = [0, 0, 0, 1, 1, 0, 2, 2, 2, 0];
        let err = stratified_kfold(&y, &names, 3, false, 0)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"Chinstrap\" has 2 rows") && err.contains("--folds 2"),
            "{err}"
        );
    }
}
