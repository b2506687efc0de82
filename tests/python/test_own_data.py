"""A user's own CSV through the served model, with real clients: a mixed table (numbers, text,
booleans, gaps; compare/python/mixed_table.py) trained with `ml-workflow train --csv`, then
rows with gaps and an unseen category sent by pandas in every orient, by MLflow's scoring
client, as CSV, and by Triton's v2 client with a BYTES tensor. Every answer must equal what
`ml-workflow predict` gives for the same rows (which tests/own_data.rs checks against the
crate), and a wrong type must be a 422 naming the column and row.
"""

import json
import subprocess
import sys
import urllib.error

import numpy as np
import pandas as pd
import pytest
import tritonclient.http as triton
from mlflow.pyfunc.scoring_server.client import ScoringServerClient

from test_clients import BIN, ROOT, free_port, post

sys.path.insert(0, str(ROOT / "compare" / "python"))
from mixed_table import mixed_csv  # noqa: E402

ROWS = pd.DataFrame(
    {
        "size": [None, 55.5, 70.0, 120.0],
        "rooms": [2.0, None, 4.0, 3.0],
        "city": ["harbour", None, "east", "north"],
        "garden": [False, True, False, True],
    }
).astype({"size": "float64", "rooms": "float64"})


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own")
    csv = folder / "houses.csv"
    csv.write_text(mixed_csv(400))
    model = folder / "houses.json"
    subprocess.run(
        [BIN, "train", "--csv", str(csv), "--target", "price", "--model", "gbm", "--folds", "3",
         "--out", str(model)],
        check=True, capture_output=True,
    )
    rows = folder / "rows.json"
    rows.write_text(ROWS.to_json(orient="records"))
    cli = json.loads(subprocess.run([BIN, "predict", "--model", str(model), "--input", str(rows)],
                                    check=True, capture_output=True).stdout)["prediction"]
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--model", str(model), "--addr", f"127.0.0.1:{port}"],
                            stderr=subprocess.DEVNULL)
    ScoringServerClient("127.0.0.1", port).wait_server_ready(timeout=30, scoring_server_proc=proc)
    yield port, cli
    proc.terminate()
    proc.wait(timeout=15)


def test_every_orient_and_csv_gives_the_clis_answer(served):
    port, cli = served
    for orient in ("columns", "index", "records", "split"):
        answer, _ = post(port, "/predict", ROWS.to_json(orient=orient).encode())
        assert answer["prediction"] == cli, orient
    answer, _ = post(port, "/invocations", ROWS.to_csv(index=False).encode(), "text/csv")
    assert answer["predictions"] == cli


def test_mlflow_client_sends_gaps_and_text(served):
    port, cli = served
    predictions = ScoringServerClient("127.0.0.1", port).invoke(ROWS).get_predictions()
    assert list(np.asarray(predictions).ravel()) == cli


def test_v2_client_with_bytes_and_bool_tensors(served):
    port, cli = served
    client = triton.InferenceServerClient(url=f"127.0.0.1:{port}")
    metadata = client.get_model_metadata("houses")
    assert [(i["name"], i["datatype"]) for i in metadata["inputs"]] == [
        ("size", "FP64"), ("rooms", "FP64"), ("city", "BYTES"), ("garden", "BOOL")]
    full = ROWS.iloc[2:].reset_index(drop=True)  # rows without gaps: v2 tensors have no null
    for binary in (False, True):
        tensors = []
        for name, datatype, values in (
            ("size", "FP64", full["size"].to_numpy(dtype=np.float64)),
            ("rooms", "FP64", full["rooms"].to_numpy(dtype=np.float64)),
            ("city", "BYTES", full["city"].to_numpy(dtype=object)),
            ("garden", "BOOL", full["garden"].to_numpy(dtype=bool)),
        ):
            tensor = triton.InferInput(name, [len(full)], datatype)
            tensor.set_data_from_numpy(values, binary_data=binary)
            tensors.append(tensor)
        result = client.infer("houses", tensors).as_numpy("predict")
        assert list(result) == cli[2:], binary


def test_a_wrong_type_is_a_422_naming_column_and_row(served):
    port, _ = served
    body = json.dumps([{"size": 50, "rooms": 3, "city": 7, "garden": True}]).encode()
    with pytest.raises(urllib.error.HTTPError) as error:
        post(port, "/predict", body)
    assert error.value.code == 422
    message = json.loads(error.value.read())["error"]
    assert 'column "city" row "0"' in message and "the number 7" in message
