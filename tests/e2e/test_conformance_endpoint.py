"""A's `POST /test` for the W3C trace-context suite, on the real service: off by default, loopback
callbacks only, and the context it carries is the one it received (Extract, Process, Inject)."""

import json
import os
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

from tracebreak.local.processes import Process, http_ok
from tracebreak.runtime.ports import Ports

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
INCOMING = f"00-{TRACE_ID}-b7ad6b7169203331-03"


def serve_a(tmp_path, enabled: bool) -> Iterator[str]:
    """Service A alone (no B is needed to answer /test), with the conformance endpoint on or off."""
    port = Ports.free().service_a
    env = {**os.environ, "TRACEBREAK_SERVICE_A_PORT": str(port), "TRACEBREAK_CONFORMANCE_ENDPOINT": str(enabled),
           "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", "OTEL_EXPORTER_OTLP_TIMEOUT": "1"}  # fmt: skip
    part = Process("service-a", [sys.executable, "-m", "services.service_a"], env, tmp_path / "service-a.log",
                   lambda: http_ok(f"http://127.0.0.1:{port}/healthz"))  # fmt: skip
    part.start()
    try:
        part.wait_healthy(30)
        yield f"http://127.0.0.1:{port}"
    finally:
        part.stop()


@pytest.fixture(scope="module")
def enabled(tmp_path_factory) -> Iterator[str]:
    yield from serve_a(tmp_path_factory.mktemp("on"), True)


@pytest.fixture(scope="module")
def disabled(tmp_path_factory) -> Iterator[str]:
    yield from serve_a(tmp_path_factory.mktemp("off"), False)


@pytest.fixture
def callback() -> Iterator[tuple[str, list[dict]]]:
    """A loopback server that records the headers and body of every POST."""
    seen: list[dict] = []

    class Record(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            seen.append(
                {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": json.loads(body)}
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", seen
    server.shutdown()
    server.server_close()


def post(url: str, **options: object) -> httpx.Response:
    """As the suite's harness posts: headers as written. (An instrumented client would add a
    traceparent of its own beside the test's, and two traceparent fields restart the trace.)"""
    with httpx.Client(timeout=30) as http:
        HTTPXClientInstrumentor.uninstrument_client(http)
        return http.post(url, **options)  # type: ignore[arg-type]


def test_off_by_default_it_is_not_there(disabled):
    answer = post(f"{disabled}/test", json=[])
    assert answer.status_code == 404


def test_on_it_calls_back_with_the_context_it_received(enabled, callback):
    url, seen = callback
    cases = [{"url": url, "arguments": [{"url": url, "arguments": []}]}, {"url": url, "arguments": []}]
    answer = post(f"{enabled}/test", json=cases,
                        headers={"traceparent": INCOMING, "tracestate": "foo=1,bar=2,foo=3"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert [call["body"] for call in seen] == [c["arguments"] for c in cases]
    for call in seen:
        version, trace_id, parent_id, flags = call["headers"]["traceparent"].split("-")
        assert (version, trace_id, flags) == ("00", TRACE_ID, "03")  # the random flag kept (Level 2)
        assert parent_id != "b7ad6b7169203331"
        assert call["headers"]["tracestate"] == "foo=1,bar=2"  # the left-most of a duplicated key


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/", "http://example.org/", "http://169.254.169.254/latest/", "file:///etc/passwd"]
)
def test_on_it_refuses_a_callback_off_loopback(enabled, callback, url):
    loop_url, seen = callback
    answer = post(f"{enabled}/test", json=[{"url": loop_url, "arguments": []}, {"url": url}])
    assert answer.status_code == 400 and answer.json()["error"] == "not_loopback"
    assert seen == []  # nothing was called, not even the loopback case before it


def test_on_it_refuses_a_request_from_another_site(enabled, callback):
    url, seen = callback
    answer = post(f"{enabled}/test", json=[{"url": url}], headers={"origin": "https://evil.example"})
    assert answer.status_code == 403 and seen == []
    form = post(f"{enabled}/test", content=b"[]", headers={"content-type": "text/plain"})
    assert form.status_code == 422 and seen == []  # a form a page can post without asking: not JSON
