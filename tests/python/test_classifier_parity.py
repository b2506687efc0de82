"""The penguins preset from the CLI beside scikit-learn on the same split and the same folds:
`ml-workflow train --dataset penguins --json` (logistic regression, `C` searched on 5
stratified folds by log loss) against `GridSearchCV(LogisticRegression(), scoring=
"neg_log_loss", cv=StratifiedKFold(5))` on the same preprocessed training rows
(`train_test_split(stratify=y, random_state=0)`, then scikit-learn's standard
ColumnTransformer, compare/python/preprocess_expectations.py), then the held-out accuracy and
log loss side by side. scikit-learn's fit is run to convergence, as linfa-logistic's is.
"""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split

from test_clients import BIN, ROOT

sys.path.insert(0, str(ROOT / "compare" / "python"))
from preprocess_expectations import pipeline  # noqa: E402

GRID = [0.01, 0.1, 1.0, 10.0, 100.0]


def test_the_penguins_preset_scores_as_scikit_learn_does():
    cli = json.loads(subprocess.run(
        [BIN, "train", "--dataset", "penguins", "--json", "--no-save"],
        check=True, capture_output=True).stdout)
    data = pathlib.Path(os.environ.get("ML_WORKFLOW_DATA", ROOT / "data")) / "penguins.csv"
    df = pd.read_csv(data).dropna(subset=["species"])
    X, y = df.drop(columns="species"), df["species"]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y)
    ct = pipeline(X).fit(X_train)
    search = GridSearchCV(
        # Run to convergence: scikit-learn's default tolerance stops L-BFGS early at large C
        # (at C=100 after 14 iterations, its objective 1.2 % above the optimum).
        LogisticRegression(max_iter=1_000_000, tol=1e-10), {"C": GRID}, scoring="neg_log_loss",
        cv=StratifiedKFold(5)).fit(ct.transform(X_train), y_train)
    ours = [row["mean"] for row in cli["cv"]["grid"]]
    theirs = search.cv_results_["mean_test_score"]
    print("C, mean neg_log_loss: ml-workflow | scikit-learn")
    for c, a, b in zip(GRID, ours, theirs):
        print(f"  {c:>6}  {a:.6f} | {b:.6f}")
    assert [row["params"]["C"] for row in cli["cv"]["grid"]] == GRID
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
    assert cli["cv"]["best_index"] == search.best_index_

    best = search.best_estimator_
    proba = best.predict_proba(ct.transform(X_test))
    accuracy = accuracy_score(y_test, best.classes_[proba.argmax(axis=1)])
    loss = log_loss(y_test, proba, labels=best.classes_)
    print(f"held out: accuracy {cli['test']['accuracy']:.5f} | {accuracy:.5f}, "
          f"log loss {cli['test']['log_loss']:.5f} | {loss:.5f}")
    assert cli["classes"] == list(best.classes_)
    assert abs(cli["test"]["accuracy"] - accuracy) < 1e-12
    assert abs(cli["test"]["log_loss"] - loss) <= 1e-4 * loss


@pytest.mark.parametrize("shares", [[0.8, 0.2], [0.6, 0.3, 0.1]])
def test_balanced_logistic_equals_scikit_learns(tmp_path, shares):
    """`--param balanced=true` against `LogisticRegression(class_weight="balanced")` run to
    convergence, on uneven classes where the weights move the probabilities by a third."""
    from test_forest_classifier import table
    from sklearn.impute import SimpleImputer

    df = table(shares)
    data, saved, held_out = tmp_path / "t.csv", tmp_path / "m.json", tmp_path / "test.csv"
    df.to_csv(data, index=False)
    subprocess.run(
        [BIN, "train", "--csv", str(data), "--target", "kind", "--model", "logistic",
         "--folds", "0", "--no-scale", "--param", "balanced=true", "--out", str(saved)],
        check=True, capture_output=True)
    X, y = df.drop(columns="kind"), df["kind"]
    X_train, X_test, y_train, _ = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y)
    ct = SimpleImputer(strategy="median").fit(X_train)
    theirs = LogisticRegression(class_weight="balanced", tol=1e-10, max_iter=10_000).fit(
        ct.transform(X_train), y_train)
    X_test.to_csv(held_out, index=False)
    ours = json.loads(subprocess.run(
        [BIN, "predict", "--model", str(saved), "--input", str(held_out)],
        check=True, capture_output=True).stdout)
    np.testing.assert_allclose(
        ours["probabilities"], theirs.predict_proba(ct.transform(X_test)), rtol=0, atol=1e-6)
