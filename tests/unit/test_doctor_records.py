"""A request whose trace context was lost at Kafka is still one request: the traces that carry no
request id (the consumer's receive span, the reply's) join it by the record they received. The
request's page reads the store's /api/doctor; the doctor, a real Jaeger's API: both see all of it."""

from starlette.testclient import TestClient

from tests.support.doctor_store import judged, without_doctor
from tests.support.spans import otlp_protobuf, record_blind_b
from tracebreak.store.database import Database
from tracebreak.store.ingest import ingest_app
from tracebreak.store.query import query_app
from tracebreak.traces.otlp import PROTOBUF


def test_a_request_with_no_propagator_in_b_keeps_its_14_spans_and_marks_b_only(tmp_path):
    spans = record_blind_b("rid-blind")
    database = Database(tmp_path / "traces.db")
    try:
        sent = TestClient(ingest_app(database)).post(
            "/v1/traces", content=otlp_protobuf(spans), headers={"content-type": PROTOBUF}
        )
        assert sent.status_code == 200
        for found in (judged(query_app(database)), judged(without_doctor(query_app(database)))):
            [verdict] = found["requests"]
            assert verdict["spans"] == 14 and len(verdict["trace_ids"]) == 5
            assert found["totals"]["traces_without_request_id"] == 0
            [finding] = verdict["findings"]
            assert finding["signature"] == "propagator-not-registered"
            assert finding["at"] == "service-b (every boundary)"
            [marked] = [span for span in spans if f"{span.context.span_id:016x}" in finding["lost_at"]]
            assert marked.name == "enrichment.requests.g1 send"  # B's send, which carried nothing
    finally:
        database.close()
