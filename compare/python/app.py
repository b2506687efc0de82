"""The chapter's Flask prediction app, done fairly for benchmarking.

Like the chapter: POST /predict reads request.json into pd.DataFrame(json_payload) (pandas'
default 'columns' orient, e.g. {"CHAS": {"0": 0}, "RM": {"0": 6.575}, ...}) and returns
{"prediction": [...]}.  Unlike the chapter, the payload is scaled with the scaler fitted on
the training split (not refitted per request), and the model and scaler are built once, as
`ml-workflow serve` does: GradientBoostingRegressor(random_state=7, n_estimators=400) trained
on the scaled 80% split of housing.csv (train_test_split(test_size=0.2, random_state=7)).

  python app.py --data data/housing.csv --save model.joblib   # train once, save
  BENCH_MODEL=model.joblib gunicorn --chdir compare/python app:app   # serve the saved model
Without BENCH_MODEL the app trains at import from $ML_WORKFLOW_DATA/housing.csv.
"""

import argparse
import os

import joblib
import pandas as pd
from flask import Flask, jsonify, request
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.preprocessing import StandardScaler

from grid_search import load_split

FEATURES = ["CHAS", "RM", "TAX", "PTRATIO", "B", "LSTAT"]


def train(csv_path):
    X_train, _X_test, y_train, _y_test = load_split(csv_path)
    assert list(X_train.columns) == FEATURES, list(X_train.columns)
    scaler = StandardScaler().fit(X_train)
    model = GradientBoostingRegressor(random_state=7, n_estimators=400)
    model.fit(scaler.transform(X_train), y_train)
    return {"scaler": scaler, "model": model}


def load_bundle():
    path = os.environ.get("BENCH_MODEL")
    if path:
        return joblib.load(path)
    data_dir = os.environ.get("ML_WORKFLOW_DATA", "data")
    return train(os.path.join(data_dir, "housing.csv"))


BUNDLE = load_bundle()
SCALER = BUNDLE["scaler"]
MODEL = BUNDLE["model"]

app = Flask(__name__)


@app.route("/predict", methods=["POST"])
def predict():
    json_payload = request.json
    inference_payload = pd.DataFrame(json_payload)
    scaled_payload = SCALER.transform(inference_payload[FEATURES])
    prediction = [float(p) for p in MODEL.predict(scaled_payload)]
    return jsonify({"prediction": prediction})


@app.route("/health")
def health():
    return jsonify({"status": "ok"})


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="path to housing.csv")
    ap.add_argument("--save", required=True, help="joblib file to write")
    args = ap.parse_args()
    joblib.dump(train(args.data), args.save)


if __name__ == "__main__":
    main()
