"""Held-out accuracy on the mixed table (mixed_table.py): every model of the registry through
`ml-workflow train --csv`, beside scikit-learn's standard pipeline with the same model, the
same split (train_test_split, test_size 0.2, random_state 0) and the same defaults. Prints
test RMSE for both and their ratio.

    python compare/python/own_data.py BINARY [ROWS]
"""

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import (AdaBoostRegressor, ExtraTreesRegressor, GradientBoostingRegressor,
                              RandomForestRegressor)
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVR
from sklearn.tree import DecisionTreeRegressor

sys.path.insert(0, str(Path(__file__).parent))
from mixed_table import mixed_csv  # noqa: E402
from preprocess_expectations import pipeline  # noqa: E402

MODELS = {
    "linear": lambda: LinearRegression(),
    "lasso": lambda: Lasso(alpha=1.0),
    "elastic-net": lambda: ElasticNet(alpha=1.0, l1_ratio=0.5),
    "knn": lambda: KNeighborsRegressor(n_neighbors=5),
    "tree": lambda: DecisionTreeRegressor(random_state=0),
    "svr": lambda: SVR(C=1.0, epsilon=0.1),
    "forest": lambda: RandomForestRegressor(n_estimators=100, random_state=0),
    "extra-trees": lambda: ExtraTreesRegressor(n_estimators=100, random_state=0),
    "adaboost": lambda: AdaBoostRegressor(DecisionTreeRegressor(max_depth=3), n_estimators=50, random_state=0),
    "gbm": lambda: GradientBoostingRegressor(random_state=0),
}


def main():
    binary = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    text = mixed_csv(rows)
    df = pd.read_csv(io.StringIO(text))
    X, y = df.drop(columns="price"), df["price"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mixed.csv"
        path.write_text(text)
        print(f"mixed table: {rows} rows ({len(X_train)} train, {len(X_test)} held out)")
        print(f"{'model':<12} {'ml-workflow RMSE':>17} {'scikit-learn RMSE':>18} {'ratio':>8}")
        for name, make in MODELS.items():
            out = subprocess.run(
                [binary, "train", "--csv", str(path), "--target", "price", "--model", name,
                 "--folds", "2", "--json", "--no-save"],
                check=True, capture_output=True, text=True).stdout
            ours = json.loads(out)["test"]["rmse"]
            model = make_pipeline(pipeline(X), make()).fit(X_train, y_train)
            theirs = float(np.sqrt(mean_squared_error(y_test, model.predict(X_test))))
            print(f"{name:<12} {ours:>17.6f} {theirs:>18.6f} {ours / theirs:>8.4f}")


if __name__ == "__main__":
    main()
