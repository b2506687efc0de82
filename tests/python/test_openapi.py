"""The server's /openapi.json is a valid OpenAPI 3.1 document (openapi-spec-validator)."""

import json
import urllib.request

from openapi_spec_validator import validate
from openapi_spec_validator.versions import consts, get_spec_version

from test_clients import server  # noqa: F401  (the module's running server)


def test_openapi_document_validates(server):  # noqa: F811
    with urllib.request.urlopen(f"http://127.0.0.1:{server}/openapi.json", timeout=10) as r:
        spec = json.loads(r.read())
    assert get_spec_version(spec) == consts.OPENAPIV31
    validate(spec)
    assert "/invocations" in spec["paths"] and "/v2/models/{name}/infer" in spec["paths"]
    features = spec["components"]["schemas"]["Features"]
    assert sorted(features["properties"]) == sorted(["CHAS", "RM", "TAX", "PTRATIO", "B", "LSTAT"])
