"""The scale benchmark's Python side (compare/scale.sh).

    python scale.py generate ROWS FILE     # make_friedman1(ROWS, 20 features, noise 1), CSV
    python scale.py fit PEER FILE          # PEER: sklearn | lightgbm | xgboost

`fit` reads the CSV (not timed), splits it as `ml-workflow train` does
(train_test_split(test_size=0.2, random_state=0)), fits the peer with the benchmark's
hyperparameters (100 iterations, 31 leaves, learning rate 0.1, 255 bins, 20 rows a leaf, no
early stopping, every core), and prints JSON: fit seconds and held-out RMSE.
"""

import json
import os
import sys
import time

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

THREADS = os.cpu_count() or 1


def generate(rows, path):
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=rows, n_features=20, noise=1.0, random_state=0)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
    frame["y"] = y
    frame.to_csv(path, index=False, float_format="%.6f")


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


def fit(peer, path):
    frame = pd.read_csv(path)
    X, y = frame.drop(columns="y").to_numpy(), frame["y"].to_numpy()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    del frame, X
    m = model(peer)
    started = time.perf_counter()
    m.fit(X_train, y_train)
    seconds = time.perf_counter() - started
    rmse = float(np.sqrt(np.mean((m.predict(X_test) - y_test) ** 2)))
    print(json.dumps({"seconds": seconds, "rmse": rmse}))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(int(sys.argv[2]), sys.argv[3])
    else:
        fit(sys.argv[2], sys.argv[3])
