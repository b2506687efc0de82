"""A served classifier against MLflow's scoring client and Triton's v2 client, with pandas:
palmerpenguins' species from the other columns (text, numbers), on 127.0.0.1.

Run by `make test` as test_clients.py is. Every answer is compared with what `POST /predict`
answers for the same rows: the labels, and each row's class probabilities.
"""

import json
import os
import pathlib
import urllib.request

import numpy as np
import pandas as pd
import pytest
import tritonclient.http as triton
from mlflow.pyfunc.scoring_server.client import ScoringServerClient

from test_clients import ROOT, trained_server

CLASSES = ["Adelie", "Chinstrap", "Gentoo"]


@pytest.fixture(scope="module")
def penguins():
    data = pathlib.Path(os.environ.get("ML_WORKFLOW_DATA", ROOT / "data")) / "penguins.csv"
    return pd.read_csv(data)


@pytest.fixture(scope="module")
def server(tmp_path_factory, penguins):
    model = tmp_path_factory.mktemp("model") / "penguins.json"
    data = pathlib.Path(os.environ.get("ML_WORKFLOW_DATA", ROOT / "data")) / "penguins.csv"
    yield from trained_server(
        model, ["--csv", str(data), "--target", "species", "--name", "penguins"]
    )


def rows(penguins):
    """Six complete rows, two of each species, without the target."""
    complete = penguins.dropna()
    picked = pd.concat([complete[complete.species == s].iloc[:2] for s in CLASSES])
    return picked.drop(columns=["species"]).reset_index(drop=True), list(picked.species)


def reference(port, frame):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/predict", data=frame.to_json(orient="records").encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_predict_answers_labels_and_probabilities(server, penguins):
    frame, species = rows(penguins)
    answer = reference(server, frame)
    assert answer["classes"] == CLASSES
    assert answer["prediction"] == species
    proba = np.asarray(answer["probabilities"])
    assert proba.shape == (6, 3)
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_mlflow_client_gets_labels_and_predict_proba(server, penguins):
    frame, _ = rows(penguins)
    expected = reference(server, frame)
    client = ScoringServerClient("127.0.0.1", server)
    labels = client.invoke(frame).get_predictions()
    assert list(np.asarray(labels).ravel()) == expected["prediction"]
    proba = client.invoke(frame, params={"predict_method": "predict_proba"}).get_predictions()
    assert np.asarray(proba).tolist() == expected["probabilities"]


def test_v2_client_gets_both_outputs(server, penguins):
    frame, _ = rows(penguins)
    expected = reference(server, frame)
    client = triton.InferenceServerClient(url=f"127.0.0.1:{server}")
    metadata = client.get_model_metadata("penguins")
    assert [o["name"] for o in metadata["outputs"]] == ["predict", "predict_proba"]
    inputs = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column):
            tensor = triton.InferInput(name, [len(frame)], "FP64")
            tensor.set_data_from_numpy(column.to_numpy(dtype=np.float64))
        else:
            tensor = triton.InferInput(name, [len(frame)], "BYTES")
            tensor.set_data_from_numpy(column.astype(object).to_numpy())
        inputs.append(tensor)
    result = client.infer("penguins", inputs)
    labels = [v.decode() if isinstance(v, bytes) else v for v in result.as_numpy("predict")]
    assert labels == expected["prediction"]
    assert result.as_numpy("predict_proba").tolist() == expected["probabilities"]


def test_the_openapi_document_describes_a_classifiers_answers(server):
    from openapi_spec_validator import validate

    with urllib.request.urlopen(f"http://127.0.0.1:{server}/openapi.json", timeout=10) as r:
        spec = json.loads(r.read())
    validate(spec)
    schemas = spec["components"]["schemas"]
    answer = schemas["PredictionBody"]["properties"]
    assert answer["prediction"]["items"] == {"type": "string", "enum": CLASSES}
    assert answer["probabilities"]["items"]["minItems"] == len(CLASSES)
    mlflow = schemas["InvocationsBody"]["properties"]["predictions"]["oneOf"]
    assert [o["items"].get("type") for o in mlflow] == ["string", "array"]

