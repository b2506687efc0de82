"""The scale benchmark's Python side (compare/scale.sh).

    python scale.py generate ROWS FILE [TASK]   # make_friedman1(ROWS, 20 features, noise 1), CSV
    python scale.py fit PEER FILE [TASK]        # PEER: sklearn | lightgbm | xgboost

TASK is `regression` (the default: y is friedman1's number) or `classification` (y is "yes"
when friedman1's number is above 14.4, about its median, else "no": a binary text target).
`fit` reads the CSV (not timed), splits it as `ml-workflow train` does
(train_test_split(test_size=0.2, random_state=0), stratified for classes), fits the peer with
the benchmark's hyperparameters (100 iterations, 31 leaves, learning rate 0.1, 255 bins, 20 rows
a leaf, no early stopping, every core; log loss for classes), and prints JSON: fit seconds and
the held-out RMSE, or log loss and accuracy.
"""

import json
import os
import sys
import time

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

THREADS = os.cpu_count() or 1


def generate(rows, path, task):
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=rows, n_features=20, noise=1.0, random_state=0)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
    frame["y"] = np.where(y > 14.4, "yes", "no") if task == "classification" else y
    frame.to_csv(path, index=False, float_format="%.6f")


def classifier(peer):
    if peer == "sklearn":
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20,
            max_bins=255, early_stopping=False, random_state=0)
    if peer == "lightgbm":
        import lightgbm

        return lightgbm.LGBMClassifier(
            n_estimators=100, learning_rate=0.1, num_leaves=31, min_child_samples=20,
            max_bin=255, reg_lambda=0.0, num_threads=THREADS, verbose=-1)
    if peer == "xgboost":
        import xgboost

        return xgboost.XGBClassifier(
            n_estimators=100, learning_rate=0.1, tree_method="hist", grow_policy="lossguide",
            max_leaves=31, max_depth=0, max_bin=256, min_child_weight=1e-3, reg_lambda=0.0,
            nthread=THREADS)
    raise SystemExit(f"unknown peer {peer!r}")


def model(peer):
    if peer == "sklearn":
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(
            max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20,
            max_bins=255, early_stopping=False, random_state=0)
    if peer == "lightgbm":
        import lightgbm

        return lightgbm.LGBMRegressor(
            n_estimators=100, learning_rate=0.1, num_leaves=31, min_child_samples=20,
            max_bin=255, reg_lambda=0.0, num_threads=THREADS, verbose=-1)
    if peer == "xgboost":
        import xgboost

        return xgboost.XGBRegressor(
            n_estimators=100, learning_rate=0.1, tree_method="hist", grow_policy="lossguide",
            max_leaves=31, max_depth=0, max_bin=256, min_child_weight=20, reg_lambda=0.0,
            nthread=THREADS)
    raise SystemExit(f"unknown peer {peer!r}")


def fit(peer, path, task):
    frame = pd.read_csv(path)
    X, y = frame.drop(columns="y").to_numpy(), frame["y"].to_numpy()
    classes = task == "classification"
    if classes:
        y = (y == "yes").astype(int)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y if classes else None)
    del frame, X
    m = classifier(peer) if classes else model(peer)
    started = time.perf_counter()
    m.fit(X_train, y_train)
    seconds = time.perf_counter() - started
    if classes:
        from sklearn.metrics import log_loss

        proba = m.predict_proba(X_test)
        print(json.dumps({"seconds": seconds, "log_loss": float(log_loss(y_test, proba)),
                          "accuracy": float(np.mean(proba.argmax(axis=1) == y_test))}))
        return
    rmse = float(np.sqrt(np.mean((m.predict(X_test) - y_test) ** 2)))
    print(json.dumps({"seconds": seconds, "rmse": rmse}))


if __name__ == "__main__":
    task = sys.argv[4] if len(sys.argv) > 4 else "regression"
    if sys.argv[1] == "generate":
        generate(int(sys.argv[2]), sys.argv[3], task)
    else:
        fit(sys.argv[2], sys.argv[3], task)
