"""The join key: the names a request's id (Envoy's `x-request-id`) travels and is recorded under.

Every hop forwards the header beside the trace context; each service records it on the span that
received the request and on its log lines. The services write these names (runtime/correlation.py),
the doctor and the store join a request's traces and logs by them, and the web view reads them from
/api/config. They are written here and nowhere else (tests/unit/test_join_key.py holds it).
"""

REQUEST_ID_HEADER = "x-request-id"

# Where each protocol records the id on its server/consumer span. HTTP and gRPC follow the semantic
# conventions for captured headers and metadata; Kafka has none for record headers, so it follows
# the same pattern.
SPAN_ATTRIBUTE: dict[str, str] = {
    "http": "http.request.header.x-request-id",
    "grpc": "rpc.grpc.request.metadata.x-request-id",
    "kafka": "messaging.kafka.message.header.x-request-id",
}
ENVOY_TAG = "guid:x-request-id"  # Envoy's own tag on the spans it reports
# Every name a span may carry the id under, Envoy's first.
SPAN_KEYS = (ENVOY_TAG, *SPAN_ATTRIBUTE.values())

LOG_ATTRIBUTE = "request_id"  # on each log record a service writes while it serves the request
