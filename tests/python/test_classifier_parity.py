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
