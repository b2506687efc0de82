"""`ml-workflow explain` beside `shap.TreeExplainer` on the same trees. The artifact's trees
(its compact node strings, decoded here) are handed to shap as a custom tree model, so both
explain exactly the same model; and where scikit-learn's own `GradientBoostingRegressor` and
`DecisionTreeRegressor` grow the same trees (they do, but for ties between equally good
splits at small nodes, which the two engines break apart), `TreeExplainer` on scikit-learn's
model gives those values too. Histogram boosting's trees are handed over from their node lists
(each node's `count` as its cover, as shap reads scikit-learn's histogram trees). A generated table of numbers and one text column,
`train_test_split(random_state=0)`, no scaling: the text column's one-hot block is summed back
to the column, and every row's values add up to its prediction.
"""

import base64
import json
import struct
import subprocess

import numpy as np
import pandas as pd
import pytest
import shap
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder

from test_clients import BIN


def table(n=600, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    df["city"] = rng.choice(["east", "north", "south"], size=n)
    df["y"] = (3 * df.a + df.b ** 2 - 2 * (df.city == "north") + 0.5 * df.c * df.d
               + rng.normal(scale=0.3, size=n))
    return df


def decode(compact):
    """A tree's nodes from the artifact's compact string (preorder, left child first: a flags
    byte, a split's feature and threshold, value, impurity, row count)."""
    data, at = base64.b64decode(compact["data"]), 0

    def varint():
        nonlocal at
        value, shift = 0, 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    nodes = []
    while at < len(data):
        flags = data[at]
        at += 1
        feature, threshold = -2, -2.0
        if flags & 1:
            feature = varint()
            threshold = struct.unpack("<d", data[at:at + 8])[0]
            at += 8
        value = struct.unpack("<d", data[at:at + 8])[0]
        at += 16
        nodes.append((flags, feature, threshold, value, varint()))
    left, right, pending = [-1] * len(nodes), [-1] * len(nodes), []
    for i, (flags, *_rest) in enumerate(nodes):
        if i > 0 and not nodes[i - 1][0] & 1:
            right[pending.pop()] = i
        if flags & 1:
            left[i] = i + 1
            pending.append(i)
    return {
        "children_left": np.array(left), "children_right": np.array(right),
        "children_default": np.array([lt if f & 2 else rt
                                      for (f, *_r), lt, rt in zip(nodes, left, right)]),
        "features": np.array([n[1] for n in nodes]),
        "thresholds": np.array([n[2] for n in nodes]),
        "values": np.array([[n[3]] for n in nodes]),
        "node_sample_weight": np.array([float(n[4]) for n in nodes]),
    }


def hist_tree(nodes):
    """A histogram tree's node list (leaves have no children) as shap's custom tree."""
    leaf = [n["left"] == 0 for n in nodes]
    left = np.array([-1 if lf else n["left"] for n, lf in zip(nodes, leaf)])
    right = np.array([-1 if lf else n["right"] for n, lf in zip(nodes, leaf)])
    return {
        "children_left": left, "children_right": right,
        "children_default": np.where([n["missing_left"] for n in nodes], left, right),
        "features": np.array([-2 if lf else n["feature"] for n, lf in zip(nodes, leaf)]),
        "thresholds": np.array([float(n["threshold"]) for n in nodes]),
        "values": np.array([[n["value"]] for n in nodes]),
        "node_sample_weight": np.array([float(n["count"]) for n in nodes]),
    }


def shap_model(artifact):
    """The artifact's model as shap's custom tree ensemble."""
    kind, state = artifact["model"]["kind"], artifact["model"]["state"]
    if kind == "hist-gbm":
        return {"trees": [hist_tree(t["nodes"]) for t in state["trees"]],
                "base_offset": state["baseline"]}
    if kind == "tree":
        return {"trees": [decode(state["compact"])], "base_offset": 0.0}
    trees = [decode(t["compact"]) for t in state["trees"]]
    for t in trees:
        t["values"] = t["values"] * state["learning_rate"]
    return {"trees": trees, "base_offset": state["init"]}


@pytest.mark.parametrize("model", ["gbm", "tree", "hist-gbm"])
def test_values_equal_shap_s_on_the_same_trees(tmp_path, model):
    df = table()
    data, saved, held_out = tmp_path / "t.csv", tmp_path / "m.json", tmp_path / "test.csv"
    df.to_csv(data, index=False)
    subprocess.run(
        [BIN, "train", "--csv", str(data), "--target", "y", "--model", model, "--folds", "0",
         "--no-scale", "--out", str(saved)]
        + (["--param", "max_depth=6"] if model == "tree" else []),
        check=True, capture_output=True)
    X, y = df.drop(columns="y"), df["y"]
    X_train, X_test, _, _ = train_test_split(X, y, test_size=0.2, random_state=0)
    ct = ColumnTransformer(
        [("num", "passthrough", ["a", "b", "c", "d"]),
         ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["city"])],
        verbose_feature_names_out=False).fit(X_train)
    encoded = ct.transform(X_test).astype(np.float32).astype(np.float64)
    explainer = shap.TreeExplainer(shap_model(json.loads(saved.read_text())))
    expected = explainer.shap_values(encoded)
    X_test.to_csv(held_out, index=False)
    ours = json.loads(subprocess.run(
        [BIN, "explain", "--model", str(saved), "--input", str(held_out)],
        check=True, capture_output=True).stdout)
    assert ours["features"] == list(ct.get_feature_names_out())
    np.testing.assert_allclose(ours["feature_values"], expected, rtol=1e-6, atol=1e-9)
    assert abs(ours["base_value"] - float(np.ravel(explainer.expected_value)[0])) < 1e-9
    assert ours["columns"] == ["a", "b", "c", "d", "city"]
    values = np.array(ours["values"])
    np.testing.assert_allclose(values[:, 4], expected[:, 4:].sum(axis=1), atol=1e-9)
    np.testing.assert_allclose(
        ours["base_value"] + values.sum(axis=1), ours["prediction"], rtol=1e-9, atol=1e-9)
