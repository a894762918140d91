"""The store's GET /api/doctor: the verdict judged in-process from the database is the one the doctor
reaches through Jaeger's API, which it falls back to where the endpoint is absent (a real Jaeger)."""

import pytest
from starlette.testclient import TestClient

from tests.support.doctor_store import filled, judged, without_doctor
from tracebreak.store.query import query_app


@pytest.fixture
def db(tmp_path):
    database = filled(tmp_path / "traces.db")
    yield database
    database.close()


def test_the_store_judges_in_process_what_the_doctor_judges_through_jaegers_api(db):
    in_process = judged(query_app(db))
    through_jaeger = judged(without_doctor(query_app(db)))
    assert in_process == through_jaeger
    totals = in_process["totals"]
    assert totals["requests"] == 6 and totals["by_signature"]["ghost-span"] == 2
    assert totals["failed_requests"] == 1
    assert [r["request_id"] for r in in_process["requests"]] == [f"rid-{n}" for n in range(6)]


def test_the_endpoint_answers_the_doctors_json_over_a_lookback(db):
    response = TestClient(query_app(db)).get("/api/doctor", params={"lookback": "1h", "settle": "0s"})
    assert response.status_code == 200
    assert response.json()["totals"]["requests"] == 6
    assert response.json()["source"] == "http://testserver"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "yesterday"}, "'start' must be an integer"),
        ({"start": "20", "end": "10"}, "'start' (20) is after 'end' (10)"),
        ({"lookback": "a while"}, "is not a duration"),
        ({"settle": "-1"}, "is not a duration"),
    ],
)
def test_bad_parameters_get_a_jaeger_error(db, params, message):
    response = TestClient(query_app(db)).get("/api/doctor", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["data"] is None and body["errors"][0]["code"] == 400
    assert message in body["errors"][0]["msg"]


def test_a_limit_judges_the_newest_requests_only(db):
    app = query_app(db)
    found = TestClient(app).get("/api/doctor", params={"lookback": "1h", "settle": "0s", "limit": 2}).json()
    assert [r["request_id"] for r in found["requests"]] == ["rid-4", "rid-5"]
