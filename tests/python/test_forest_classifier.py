"""The `forest` classifier from the CLI beside scikit-learn's `RandomForestClassifier(
random_state=0)` on the same split: the same bootstrap rows, the same candidate features at
each split and the same Gini (or entropy) sums, so the held-out probabilities are equal, not
close. Tables of numbers with gaps filled by the training median (`--no-scale`: a tree does
not care, and a scaled value one unit in the last place off could cross a threshold), two and
three classes, even and uneven; `balanced` draws each tree's rows in proportion to their class
weights as scikit-learn ≥ 1.7 does.
"""

import json
import subprocess

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from test_boosting_classifiers import table as boosting_table
from test_clients import BIN


def table(shares):
    """Five columns, 800 rows, the classes at the cumulative `shares`."""
    return boosting_table(len(shares), n=800, shares=shares, width=5)


@pytest.mark.parametrize("shares", [[0.5, 0.5], [0.6, 0.3, 0.1]])
@pytest.mark.parametrize("setting", [None, "entropy", "balanced"])
def test_probabilities_equal_scikit_learns(tmp_path, shares, setting):
    df = table(shares)
    data, saved, held_out = tmp_path / "t.csv", tmp_path / "m.json", tmp_path / "test.csv"
    df.to_csv(data, index=False)
    extra = ["--param", f"{setting}=true"] if setting else []
    cli = json.loads(subprocess.run(
        [BIN, "train", "--csv", str(data), "--target", "kind", "--model", "forest",
         "--folds", "0", "--no-scale", "--json", "--out", str(saved), *extra],
        check=True, capture_output=True).stdout)
    X, y = df.drop(columns="kind"), df["kind"]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y)
    ct = SimpleImputer(strategy="median").fit(X_train)
    kwargs = {"entropy": {"criterion": "entropy"},
              "balanced": {"class_weight": "balanced"}}.get(setting, {})
    theirs = RandomForestClassifier(random_state=0, **kwargs).fit(ct.transform(X_train), y_train)
    proba = theirs.predict_proba(ct.transform(X_test))
    X_test.to_csv(held_out, index=False)
    ours = json.loads(subprocess.run(
        [BIN, "predict", "--model", str(saved), "--input", str(held_out)],
        check=True, capture_output=True).stdout)
    assert ours["classes"] == list(theirs.classes_)
    np.testing.assert_array_equal(ours["probabilities"], proba)
    assert ours["prediction"] == list(theirs.classes_[proba.argmax(axis=1)])
    assert cli["test"]["accuracy"] == np.mean(theirs.classes_[proba.argmax(axis=1)] == y_test)
    loss = log_loss(y_test, proba, labels=theirs.classes_)
    assert abs(cli["test"]["log_loss"] - loss) <= 1e-12 * loss
