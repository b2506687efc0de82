//! A classifier's threshold curves, as scikit-learn computes them: the ROC curve
//! (`roc_curve(drop_intermediate=False)`) and the precision–recall curve
//! (`precision_recall_curve`) with its average precision (`average_precision_score`). Each
//! threshold is one distinct score, from the highest down; rows with the same score cross
//! it together.

/// The cumulative true and false positives at each distinct score, highest score first.
fn cumulative(positive: &[bool], score: &[f64]) -> Vec<(f64, f64)> {
    let mut order: Vec<usize> = (0..score.len()).collect();
    // Highest first; a stable sort keeps ties in row order (they cross together anyway).
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]));
    let mut out = Vec::new();
    let (mut tp, mut fp) = (0.0, 0.0);
    for (i, &r) in order.iter().enumerate() {
        if positive[r] {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        let last_of_tie = order.get(i + 1).is_none_or(|&next| score[next] != score[r]);
        if last_of_tie {
            out.push((tp, fp));
        }
    }
    out
}

/// The ROC curve of `score` for `positive` as (false positive rate, true positive rate)
/// points from (0, 0) to (1, 1); `None` without both kinds of row.
pub fn roc_curve(positive: &[bool], score: &[f64]) -> Option<Vec<(f64, f64)>> {
    let steps = cumulative(positive, score);
    let &(p, n) = steps.last()?;
    if p == 0.0 || n == 0.0 {
        return None;
    }
    Some(
        std::iter::once((0.0, 0.0))
            .chain(steps.iter().map(|&(tp, fp)| (fp / n, tp / p)))
            .collect(),
    )
}

/// The precision–recall curve of `score` for `positive` as (recall, precision) points, from
/// the lowest threshold (recall 1) up to the point (0, 1) scikit-learn appends, and the
/// average precision `Σ (Rₙ − Rₙ₋₁) Pₙ`; `None` without a positive row.
pub fn precision_recall_curve(positive: &[bool], score: &[f64]) -> Option<(Vec<(f64, f64)>, f64)> {
    let steps = cumulative(positive, score);
    let &(p, _) = steps.last()?;
    if p == 0.0 {
        return None;
    }
    let points: Vec<(f64, f64)> = steps
        .iter()
        .rev()
        .map(|&(tp, fp)| (tp / p, tp / (tp + fp)))
        .chain(std::iter::once((0.0, 1.0)))
        .collect();
    let average = points.windows(2).map(|w| (w[0].0 - w[1].0) * w[0].1).sum();
    Some((points, average))
}

#[cfg(test)]
mod tests {
    use super::*;

    // scikit-learn 1.9.1: roc_curve(y, s, drop_intermediate=False), precision_recall_curve,
    // average_precision_score on these arrays.
    #[test]
    fn curves_equal_scikit_learns() {
        let y = [true, false, true, true, false, false, true, false];
        let s = [0.9, 0.8, 0.8, 0.6, 0.5, 0.3, 0.3, 0.1];
        let roc = roc_curve(&y, &s).unwrap();
        assert_eq!(
            roc,
            [
                (0.0, 0.0),
                (0.0, 0.25),
                (0.25, 0.5),
                (0.25, 0.75),
                (0.5, 0.75),
                (0.75, 1.0),
                (1.0, 1.0)
            ]
        );
        let (pr, ap) = precision_recall_curve(&y, &s).unwrap();
        assert_eq!(pr.first(), Some(&(1.0, 0.5)));
        assert_eq!(pr.last(), Some(&(0.0, 1.0)));
        assert_eq!(pr.len(), 7);
        assert!((ap - 0.7470238095238095).abs() < 1e-12, "{ap}");
        assert!(roc_curve(&[true, true], &[0.1, 0.2]).is_none());
        assert!(precision_recall_curve(&[false], &[0.1]).is_none());
    }
}
