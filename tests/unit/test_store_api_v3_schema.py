"""The store's `/api/v3` answers validate against Jaeger's own OpenAPI description of api_v3
(jaegertracing/jaeger-idl, vendored under tests/schemas): a client written to Jaeger v2's API reads
the store as it reads Jaeger. Every object is held to the properties the description names, so a
field Jaeger does not have fails too."""

import json
import time
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from starlette.testclient import TestClient

from tests.support.doctor_store import HOUR_US, filled
from tracebreak.store.database import Database
from tracebreak.store.query import query_app
from tracebreak.traces.sources.jaeger_v3 import rfc3339

DESCRIPTION = json.loads((Path(__file__).parents[1] / "schemas" / "jaeger-api-v3.openapi.json").read_text())


def strict(node: Any) -> Any:
    """The description's schemas with no property beyond those named (OpenAPI 3.0 leaves them open)."""
    if isinstance(node, dict):
        found = {key: strict(value) for key, value in node.items()}
        if found.get("type") == "object" and "properties" in found:
            found.setdefault("additionalProperties", False)
        return found
    return [strict(item) for item in node] if isinstance(node, list) else node


COMPONENTS = strict(DESCRIPTION["components"])  # new objects: the description itself is left as read


def validator(path: str) -> Draft4Validator:
    """The schema of the 200 answer to GET `path`, its references resolved within the description."""
    answer = DESCRIPTION["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return Draft4Validator({**answer, "components": COMPONENTS})


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    store: Database = filled(tmp_path_factory.mktemp("v3-schema") / "traces.db")
    return TestClient(query_app(store))


def window() -> dict[str, str]:
    now_us = time.time_ns() // 1000
    return {"query.start_time_min": rfc3339(now_us - HOUR_US), "query.start_time_max": rfc3339(now_us)}


def errors(path: str, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(path).iter_errors(document)
    ]


def test_services_and_operations_are_in_jaegers_shape(client: TestClient) -> None:
    services = client.get("/api/v3/services").json()
    assert services["services"] and errors("/api/v3/services", services) == []
    operations = client.get("/api/v3/operations", params={"service": "service-a"}).json()
    assert operations["operations"] and errors("/api/v3/operations", operations) == []


def test_a_search_and_a_trace_are_jaegers_traces_data(client: TestClient) -> None:
    found = client.get("/api/v3/traces", params={"query.service_name": "service-a", **window()}).json()
    traces = found["result"]  # a stream's chunk, as Jaeger's gateway wraps each one
    assert traces["resourceSpans"] and errors("/api/v3/traces", traces) == []
    trace_id = traces["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["traceId"]
    one = client.get(f"/api/v3/traces/{trace_id}").json()["result"]
    assert errors("/api/v3/traces/{traceId}", one) == []


def test_the_strict_schema_refuses_a_field_jaeger_does_not_have(client: TestClient) -> None:
    found = client.get("/api/v3/traces", params={"query.service_name": "service-a", **window()}).json()
    span = found["result"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    span["spanKind"] = "SERVER"  # Jaeger's v1 name for it: not in v3
    span["kind"] = "SPAN_KIND_SERVER"  # an enum name, as Tempo writes it: v3 writes integers
    said = errors("/api/v3/traces", found["result"])
    assert any("spanKind" in e for e in said) and any("is not of type 'integer'" in e for e in said), said


def test_a_search_takes_the_parameters_by_the_names_the_description_gives(client: TestClient) -> None:
    by_proto = client.get("/api/v3/traces", params={"query.service_name": "service-a", **window()}).json()
    camel = {
        key.replace("_time_min", "TimeMin").replace("_time_max", "TimeMax"): v for key, v in window().items()
    }
    by_json = client.get("/api/v3/traces", params={"query.serviceName": "service-a", **camel}).json()
    assert by_json == by_proto and by_json["result"]["resourceSpans"]
