"""What scikit-learn's HistGradientBoostingRegressor gives on a small formula dataset with
missing values (the same formula as `hist_table` in src/modeling/trees/hist_gbm.rs's tests):
the bin thresholds of two features, and predictions of 30 iterations for a few rows,
including NaN in a feature that had NaN in training and in one that had none. Run with
compare/.venv/bin/python; the output is written as literals in the tests.
"""

import json
import math

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor


def hist_table(n):
    X, y = [], []
    for i in range(n):
        x0 = (i * 37 % 101) / 10.0
        x1 = ((i * 53 + 7) % 97) / 7.0
        x2 = float(i * 11 % 13)
        x3 = (i * 29 % 89) / 3.0
        y.append(10 * math.sin(x0 / 3) + x1 * x1 / 10 + 3 * x2 - 0.1 * x3 + (i * 17 % 10) / 10)
        X.append([x0, x1, x2, float("nan") if i % 7 == 3 else x3])
    return np.array(X), np.array(y)


X, y = hist_table(400)
model = HistGradientBoostingRegressor(max_iter=30, early_stopping=False, random_state=0).fit(X, y)
mapper = model._bin_mapper
queries = np.array([
    X[0], X[3], X[10],
    [5.0, 7.0, 4.0, float("nan")],   # NaN where training had NaN
    [float("nan"), 7.0, 4.0, 10.0],  # NaN where training had none
    [float("nan"), float("nan"), float("nan"), float("nan")],
])
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper

column = np.array([[(i * 37 % 1009) / 7.0 + (0.5 if i % 3 == 0 else 0.0)] for i in range(2000)])
many = _BinMapper(n_bins=256, subsample=None).fit(column).bin_thresholds_[0]
print(json.dumps({
    "many_distinct_thresholds": {"count": len(many), "head": many[:4].tolist(),
                                 "100..102": many[100:102].tolist(), "tail": many[-3:].tolist()},
    "thresholds_x2": mapper.bin_thresholds_[2].tolist(),
    "n_thresholds": [len(t) for t in mapper.bin_thresholds_],
    "predictions": model.predict(queries).tolist(),
    "train_predictions_first5": model.predict(X[:5]).tolist(),
}, indent=1))
