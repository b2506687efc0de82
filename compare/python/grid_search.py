"""The chapter's modeling step, timed: GridSearchCV over GradientBoostingRegressor.

Prints one JSON object on stdout:
  {"seconds": <min over repeats of GridSearchCV.fit>, "runs": [...], "best": N,
   "n_estimators": [50, ...], "mean_mse": [...], "std_mse": [...], "sklearn": "1.9.1"}
Only .fit is timed (time.perf_counter); reading and scaling the data are not.
"""

import argparse
import json
import sys
import time

import pandas as pd
import sklearn
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.model_selection import GridSearchCV, KFold, train_test_split
from sklearn.preprocessing import StandardScaler

NAMES = ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX",
         "PTRATIO", "B", "LSTAT", "MEDV"]
DROPPED = ["CRIM", "ZN", "INDUS", "NOX", "AGE", "DIS", "RAD"]


def load_split(csv_path):
    """Read housing.csv as the chapter does; return the scaler-ready train/test split."""
    df = pd.read_csv(csv_path, sep=r"\s+", header=None, names=NAMES)
    df = df.drop(columns=DROPPED)
    X = df.drop(columns=["MEDV"])
    y = df["MEDV"]
    return train_test_split(X, y, test_size=0.2, random_state=7)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="path to housing.csv")
    ap.add_argument("--repeats", type=int, default=3, help="fits to time; the min is reported")
    args = ap.parse_args()

    X_train, _X_test, y_train, _y_test = load_split(args.data)
    scaler = StandardScaler().fit(X_train)
    rescaled_X_train = scaler.transform(X_train)

    param_grid = {"n_estimators": range(50, 401, 50)}
    runs = []
    grid = None
    for _ in range(max(1, args.repeats)):
        grid = GridSearchCV(
            GradientBoostingRegressor(random_state=7),
            param_grid,
            scoring="neg_mean_squared_error",
            cv=KFold(n_splits=10),
            n_jobs=1,
        )
        t0 = time.perf_counter()
        grid.fit(rescaled_X_train, y_train)
        runs.append(time.perf_counter() - t0)
        print(f"grid_search.py: fit {len(runs)}: {runs[-1]:.3f} s", file=sys.stderr)

    res = grid.cv_results_
    out = {
        "seconds": min(runs),
        "runs": runs,
        "best": int(grid.best_params_["n_estimators"]),
        "n_estimators": [int(p["n_estimators"]) for p in res["params"]],
        "mean_mse": [float(-s) for s in res["mean_test_score"]],
        "std_mse": [float(s) for s in res["std_test_score"]],
        "sklearn": sklearn.__version__,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
