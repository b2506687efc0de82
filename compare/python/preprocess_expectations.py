"""What scikit-learn's standard pipeline fits on the mixed table (mixed_table.py, 200 rows),
split as `train --csv` splits it (train_test_split, test_size 0.2, random_state 0):

    ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore"), text_and_boolean),
    ], verbose_feature_names_out=False)

then LinearRegression on it. Prints the medians, categories, encoded names, the first test
rows' features and the held-out predictions and RMSE, which tests/preprocess.rs holds as
literals. Run with compare/.venv/bin/python (pandas 3.1, scikit-learn 1.9).
"""

import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

sys.path.insert(0, str(Path(__file__).parent))
from mixed_table import mixed_csv  # noqa: E402


def pipeline(X):
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])]
    other = [c for c in X.columns if c not in numeric]
    return ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), other),
        ],
        verbose_feature_names_out=False,
    )


def main():
    df = pd.read_csv(io.StringIO(mixed_csv(200)))
    X, y = df.drop(columns="price"), df["price"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    ct = pipeline(X).fit(X_train)
    num = ct.named_transformers_["num"]
    cat = ct.named_transformers_["cat"]
    model = LinearRegression().fit(ct.transform(X_train), y_train)
    predicted = model.predict(ct.transform(X_test))
    out = {
        "dtypes": {c: str(t) for c, t in df.dtypes.items()},
        "medians": num.named_steps["simpleimputer"].statistics_.tolist(),
        "scaler_mean": num.named_steps["standardscaler"].mean_.tolist(),
        "scaler_scale": num.named_steps["standardscaler"].scale_.tolist(),
        "categories": [[str(v) for v in c] for c in cat.categories_],
        "feature_names_out": ct.get_feature_names_out().tolist(),
        "test_index_first3": X_test.index[:3].tolist(),
        "test_features_first3": np.asarray(ct.transform(X_test.iloc[:3])).tolist(),
        "linear_predictions_first3": predicted[:3].tolist(),
        "linear_test_rmse": float(np.sqrt(mean_squared_error(y_test, predicted))),
    }
    # A request with a gap and an unseen category, as serving must read it.
    row = pd.DataFrame([{"size": None, "rooms": 3, "city": "harbour", "garden": True}])
    row = row.astype({"size": "float64"})
    out["unseen_row_features"] = np.asarray(ct.transform(row)).tolist()
    out["unseen_row_prediction"] = float(model.predict(ct.transform(row))[0])
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
