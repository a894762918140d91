"""OTLP JSON documents in the exact shape backends answer them, and an HTTP client answering fixed
documents by path: what the trace sources' unit tests read."""

import httpx

TRACE = "5b8efff798038103d269b633813fc60c"
ROOT, CHILD = "eee19b7ec3c1b174", "eee19b7ec3c1b173"
START_NS = 1_700_000_000_000_000_000


def otlp_document(
    trace: str,
    root: str,
    child: str,
    kind_server: object,
    kind_client: object,
    request_id: str = "req-1",
    resource: dict[str, str] | None = None,
) -> dict:
    """A resourceSpans document: a SERVER span and its CLIENT child, ids and kinds as given, from
    service-a with `resource`'s attributes besides."""
    attributes = {"service.name": "service-a", **(resource or {})}

    def span(span_id: str, parent: str, name: str, kind: object, offset_ns: int) -> dict:
        return {
            "traceId": trace,
            "spanId": span_id,
            "parentSpanId": parent,
            "name": name,
            "kind": kind,
            "startTimeUnixNano": str(START_NS + offset_ns),
            "endTimeUnixNano": str(START_NS + offset_ns + 1_000_000),
            "attributes": [{"key": "guid:x-request-id", "value": {"stringValue": request_id}}],
        }

    return {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in attributes.items()]
                },
                "scopeSpans": [
                    {
                        "scope": {"name": "test"},
                        "spans": [
                            span(root, "", "GET /orders/{order_id}", kind_server, 0),
                            span(child, root, "/auth.Auth/Check", kind_client, 1000),
                        ],
                    }
                ],
            }
        ]
    }


def hex_document() -> dict:
    return otlp_document(TRACE, ROOT, CHILD, 2, 3)


def mock(answers: dict[str, httpx.Response], seen: list[httpx.Request] | None = None) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        (seen if seen is not None else []).append(request)
        return answers.get(request.url.path, httpx.Response(404, json={"error": {"message": "not found"}}))

    return httpx.Client(transport=httpx.MockTransport(handle))
