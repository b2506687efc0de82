"""The server against the clients MLOps tools use: MLflow's scoring client (mlflow-skinny) and
Triton's v2 client (tritonclient[http]), with pandas, on 127.0.0.1.

Run by `make test` after `cargo test --release` (ML_WORKFLOW_BIN names the binary, else
$CARGO_TARGET_DIR/release/ml-workflow). Every answer is compared, to the bit, with what
`POST /predict` answers for the same rows.
"""

import json
import os
import pathlib
import socket
import subprocess
import time
import urllib.request

import numpy as np
import pandas as pd
import pytest
import tritonclient.http as triton
from mlflow.pyfunc.scoring_server.client import ScoringServerClient
from tritonclient.utils import InferenceServerException

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("ML_WORKFLOW_BIN") or str(
    pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "ml-workflow"
)
FEATURES = ["CHAS", "RM", "TAX", "PTRATIO", "B", "LSTAT"]
COLUMNS = ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO",
           "B", "LSTAT", "MEDV"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def trained_server(model, train_args):
    """Trains `model` with `train_args`, serves it on a free port and yields the port until the
    module's tests are done."""
    subprocess.run([BIN, "train", *train_args, "--out", str(model)], check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(
        [BIN, "serve", "--model", str(model), "--addr", f"127.0.0.1:{port}"],
        stderr=subprocess.DEVNULL,
    )
    client = ScoringServerClient("127.0.0.1", port)
    client.wait_server_ready(timeout=30, scoring_server_proc=proc)
    yield port
    proc.terminate()
    proc.wait(timeout=15)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    model = tmp_path_factory.mktemp("model") / "model.json"
    yield from trained_server(
        model, ["--dataset", "boston-housing", "--name", "boston", "--version", "7"]
    )


@pytest.fixture(scope="module")
def houses():
    data = pathlib.Path(os.environ.get("ML_WORKFLOW_DATA", ROOT / "data")) / "housing.csv"
    df = pd.read_csv(data, sep=r"\s+", header=None, names=COLUMNS)
    return df[FEATURES].iloc[:5].reset_index(drop=True)


def post(port, path, body, content_type="application/json"):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read()), dict(response.headers)


def reference(port, houses):
    answer, _ = post(port, "/predict", houses.to_json().encode())
    return answer["prediction"]


def test_mlflow_scoring_client(server, houses):
    client = ScoringServerClient("127.0.0.1", server)
    client.ping()
    assert client.get_version().strip() != ""
    expected = reference(server, houses)
    predictions = client.invoke(houses).get_predictions()
    assert list(np.asarray(predictions).ravel()) == expected
    # With params, as MLflow sends them; they are accepted and not used.
    with_params = client.invoke(houses, params={"unused": 1}).get_predictions()
    assert list(np.asarray(with_params).ravel()) == expected


def test_mlflow_csv_and_wrappers(server, houses):
    expected = reference(server, houses)
    answer, headers = post(server, "/invocations", houses.to_csv(index=False).encode(), "text/csv")
    assert answer["predictions"] == expected
    assert headers["x-model-name"] == "boston" and headers["x-model-version"] == "7"
    for body in (
        {"dataframe_split": houses.to_dict(orient="split")},
        {"dataframe_records": houses.to_dict(orient="records")},
        {"instances": houses.to_dict(orient="records")},
        {"inputs": houses.to_dict(orient="list")},
    ):
        answer, _ = post(server, "/invocations", json.dumps(body).encode())
        assert answer["predictions"] == expected, list(body)


def test_v2_client(server, houses):
    client = triton.InferenceServerClient(url=f"127.0.0.1:{server}")
    assert client.is_server_live() and client.is_server_ready()
    assert client.is_model_ready("boston")
    metadata = client.get_model_metadata("boston")
    assert [i["name"] for i in metadata["inputs"]] == FEATURES
    assert metadata["versions"] == ["7"]
    expected = reference(server, houses)

    matrix = triton.InferInput("input", [len(houses), len(FEATURES)], "FP64")
    matrix.set_data_from_numpy(houses.to_numpy(dtype=np.float64))
    result = client.infer("boston", [matrix], request_id="r-1")
    assert list(result.as_numpy("predict")) == expected
    assert result.get_response()["id"] == "r-1"

    columns = []
    for name in FEATURES:
        tensor = triton.InferInput(name, [len(houses)], "FP64")
        tensor.set_data_from_numpy(houses[name].to_numpy(dtype=np.float64))
        columns.append(tensor)
    by_feature = client.infer("boston", columns, model_version="7").as_numpy("predict")
    assert list(by_feature) == expected

    with pytest.raises(InferenceServerException, match="no model"):
        client.infer("nope", [matrix])
    wrong = triton.InferInput("input", [len(houses), 3], "FP64")
    wrong.set_data_from_numpy(houses.iloc[:, :3].to_numpy(dtype=np.float64))
    with pytest.raises(InferenceServerException, match="input"):
        client.infer("boston", [wrong])
