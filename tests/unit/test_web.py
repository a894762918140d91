"""The web view's server side without a stack: its pages and assets come from the package, the
dependency links and the one-request verdict it reads, and the chaos panel's guards (loopback,
JSON, same origin) and switch, which writes the same flag file `tracebreak chaos` does."""

import json
import re

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.testclient import TestClient

from tests.support.spans import otlp_protobuf
from tracebreak import join_key
from tracebreak.chaos import flagfile
from tracebreak.chaos.catalogue import toggle
from tracebreak.chaos.setting import Milliseconds
from tracebreak.demo import SERVICES
from tracebreak.store.ingest import ingest_app
from tracebreak.store.query import query_app
from tracebreak.traces.otlp import PROTOBUF
from tracebreak.web import pages
from tracebreak.web.chaos_api import ChaosPanel

LOOPBACK = ("127.0.0.1", 40000)


@pytest.fixture
def flags(tmp_path):
    path = tmp_path / "flags.json"
    flagfile.write(path, flagfile.default_flags())
    return path


def client(db, panel=None, host=LOOPBACK):
    return TestClient(query_app(db, panel), client=host)


def test_every_page_is_the_packaged_shell_and_lets_nothing_from_elsewhere_in(db):
    web = client(db)
    for path in ("/", "/request/8e4f1c1e", "/trace/4bf92f3577b34da6a3ce929d0e0e4736", "/graph", "/chaos"):
        page = web.get(path)
        assert page.status_code == 200 and '<script type="module" src="/static/app.js">' in page.text
        assert page.headers["content-security-policy"].startswith("default-src 'self'")
    scripts = [web.get(f"/static/{name}") for name in modules()]
    urls = {url for script in scripts for url in re.findall(r"https?://[^\s\"'`]+", script.text)}
    assert all(script.status_code == 200 for script in scripts)
    assert urls == {"http://www.w3.org/2000/svg"}  # SVG's namespace, not a fetch
    assert web.get("/static/style.css").status_code == 200


IMPORT = re.compile(r'^import [^;]+ from "\./([\w-]+\.js)";$', re.MULTILINE)


def modules() -> list[str]:
    """The modules the shell's script loads: app.js and what it imports, and what those import."""
    found, todo = [], ["app.js"]
    while todo:
        name = todo.pop()
        if name not in found:
            found.append(name)
            todo.extend(IMPORT.findall((pages.STATIC / name).read_text()))
    return found


def test_every_module_is_reached_from_the_shell_and_served_as_javascript(db):
    """A browser runs a module script only when it comes with a JavaScript MIME type."""
    web = client(db)
    assert sorted(modules()) == sorted(path.name for path in pages.STATIC.glob("*.js"))  # none left over
    for name in modules():
        assert web.get(f"/static/{name}").headers["content-type"].startswith("text/javascript"), name


def test_the_page_reads_the_request_ids_names_and_the_services_from_the_api(db):
    said = client(db).get("/api/config").json()["data"]
    assert said["request_id"]["span_keys"] == list(join_key.SPAN_KEYS)
    assert said["request_id"]["log_attribute"] == join_key.LOG_ATTRIBUTE
    assert said["services"] == list(SERVICES)


def cross_service_trace() -> list:
    """envoy's span, and service-a's child of it: one edge between two services."""
    exporter = InMemorySpanExporter()
    providers = {}
    for service in ("envoy", "service-a"):
        providers[service] = TracerProvider(resource=Resource.create({"service.name": service}))
        providers[service].add_span_processor(SimpleSpanProcessor(exporter))
    with providers["envoy"].get_tracer("t").start_as_current_span("ingress", kind=SpanKind.SERVER) as edge:
        parent = trace.set_span_in_context(edge)
        child = providers["service-a"].get_tracer("t").start_span("GET /orders", parent, kind=SpanKind.SERVER)
        child.set_attribute("http.request.header.x-request-id", "rid-7")
        child.end()
    return list(exporter.get_finished_spans())


def test_the_dependency_links_are_jaegers(db):
    TestClient(ingest_app(db, 1 << 20)).post(
        "/v1/traces", content=otlp_protobuf(cross_service_trace()), headers={"content-type": PROTOBUF}
    )
    links = client(db).get("/api/dependencies").json()["data"]
    assert links == [{"parent": "envoy", "child": "service-a", "callCount": 1}]
    one = client(db).get("/api/doctor", params={"request": "rid-7"}).json()
    assert [r["request_id"] for r in one["requests"]] == ["rid-7"]
    assert one["requests"][0]["services"] == ["envoy", "service-a"] and one["requests"][0]["spans"] == 2
    missing = client(db).get("/api/doctor", params={"request": "nobody"})
    assert missing.status_code == 404 and "nobody" in missing.json()["errors"][0]["msg"]


def test_the_chaos_panel_is_off_unless_the_store_knows_the_toggles(db):
    off = client(db).get("/api/chaos")
    assert off.status_code == 404 and "--chaos-flags" in off.json()["errors"][0]["msg"]


def switch(web, name, body, **headers):
    return web.post(
        f"/api/chaos/{name}",
        content=json.dumps(body),
        headers={"content-type": "application/json", **headers},
    )


def test_the_panel_switches_a_toggle_in_the_flag_file(db, flags):
    web = client(db, ChaosPanel(flags, "http://127.0.0.1:9"))
    listed = {t["name"]: t for t in web.get("/api/chaos").json()["data"]}
    assert listed["auth-error-rate"]["state"] == "off" and listed["auth-error-rate"]["option"] == "rate"
    assert listed["orphan-background-task"]["line"] == 27  # where the WRONG line is
    # What `chaos on` sets without an option, the panel's first value.
    assert listed["auth-error-rate"]["default"] == 1.0
    assert listed["downstream-latency-ms"]["default"] == Milliseconds.default
    assert listed["logs-without-trace-id"]["default"] == "all"
    answer = switch(web, "auth-error-rate", {"on": True, "rate": 0.25})
    assert answer.status_code == 200 and answer.json()["data"]["value"] == 0.25
    assert flagfile.state(flagfile.read(flags), toggle("auth-error-rate")) == 0.25
    assert switch(web, "auth-error-rate", {"on": False}).status_code == 200
    assert flagfile.state(flagfile.read(flags), toggle("auth-error-rate")) == 0.0


@pytest.mark.parametrize(
    ("body", "said"),
    [({"on": True, "rate": 7}, "--rate must be above 0"), ({"on": True, "ms": 5}, "takes no --ms")],
)
def test_bad_values_and_unknown_toggles_are_refused_and_change_nothing(db, flags, body, said):
    web = client(db, ChaosPanel(flags, "http://127.0.0.1:9"))
    refused = switch(web, "auth-error-rate", body)
    assert refused.status_code == 400 and said in refused.json()["errors"][0]["msg"]
    unknown = switch(web, "no-such-toggle", {"on": True})
    assert unknown.status_code == 400 and "unknown toggle" in unknown.json()["errors"][0]["msg"]
    assert flagfile.read(flags) == flagfile.default_flags()


def test_other_sites_other_machines_and_forms_may_not_change_the_stack(db, flags):
    panel = ChaosPanel(flags, "http://127.0.0.1:9")
    web = client(db, panel)
    foreign = switch(web, "auth-error-rate", {"on": True}, origin="http://evil.example")
    assert foreign.status_code == 403 and "http://evil.example" in foreign.text
    assert switch(web, "auth-error-rate", {"on": True}, **{"sec-fetch-site": "cross-site"}).status_code == 403
    form = web.post("/api/chaos/auth-error-rate", data={"on": "true"})
    assert form.status_code == 403 and "JSON" in form.text
    remote = switch(client(db, panel, host=("192.0.2.7", 5000)), "auth-error-rate", {"on": True})
    assert remote.status_code == 403 and "loopback" in remote.text
    assert flagfile.read(flags) == flagfile.default_flags()
    opened = client(db, ChaosPanel(flags, "http://127.0.0.1:9", allow_remote=True), host=("192.0.2.7", 5000))
    assert switch(opened, "auth-error-rate", {"on": True}).status_code == 200
