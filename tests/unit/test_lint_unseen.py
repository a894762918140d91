"""`tracebreak lint` on the shapes public OpenTelemetry services take (docs/lint.md, "On code it has
never seen"): each fixture is a pattern reduced from what was read there, written here."""

import pytest

from tests.support.lint import found
from tracebreak.lint import check

CLIENTS = (
    "import grpc\n"
    "import httpx\n"
    "\n"
    "channel = grpc.insecure_channel('catalog:3550')\n"
    "server = grpc.server(None)\n"
    "client = httpx.AsyncClient()\n"
)
UNINSTRUMENTED = {("TB301", 4), ("TB302", 5), ("TB501", 6)}
MANIFEST = (
    "apiVersion: v1\nkind: Service\nmetadata: {name: recommendation}\n---\n"
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n"
)
LAUNCHES = {
    "Dockerfile": 'FROM python:3.12\nENTRYPOINT [ "/venv/bin/opentelemetry-instrument", "python", "app.py" ]\n',
    "Dockerfile.prod": "FROM python:3.12\nCMD opentelemetry-instrument \\\n    python app.py\n",
    "compose.yaml": "services:\n  app:\n    command: [opentelemetry-instrument, python, app.py]\n",
    "Procfile": "web: opentelemetry-instrument python app.py\n",
    "entrypoint.sh": "#!/bin/sh\nexec opentelemetry-instrument python app.py\n",
    "deploy.yaml": MANIFEST
    + "    spec:\n      containers:\n        - name: app\n"
    + "          command: [opentelemetry-instrument]\n          args: [python, app.py]\n",
    "operator.yaml": MANIFEST
    + "    metadata:\n      annotations:\n        instrumentation.opentelemetry.io/inject-python: 'true'\n",
}


def service(tmp_path, source: str, **others: str):
    (tmp_path / "app.py").write_text(source)
    for name, text in others.items():
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize("name", LAUNCHES)
def test_zero_code_instrumentation_covers_channels_servers_and_http_clients(tmp_path, name):
    assert found(service(tmp_path, CLIENTS)) == UNINSTRUMENTED
    (tmp_path / name).write_text(LAUNCHES[name])
    assert found(tmp_path) == set()


@pytest.mark.parametrize(
    "name, text",
    [
        ("Dockerfile", "FROM python:3.12\nRUN opentelemetry-bootstrap -a install\nCMD python app.py\n"),
        ("Dockerfile", "FROM python:3.12\n# ENTRYPOINT opentelemetry-instrument python app.py\n"),
        (
            "operator.yaml",
            MANIFEST + "    metadata:\n      annotations:\n"
            "        instrumentation.opentelemetry.io/inject-python: 'false'\n",
        ),
    ],
    ids=["bootstrap-only", "commented-out", "annotation-false"],
)
def test_what_only_looks_like_zero_code_covers_nothing(tmp_path, name, text):
    assert found(service(tmp_path, CLIENTS, **{name: text})) == UNINSTRUMENTED


BASIC = "import logging\n\nlogging.basicConfig(level=logging.INFO)\n"


@pytest.mark.parametrize(
    "name, text",
    [
        ("Dockerfile", "FROM python:3.12\nENV OTEL_PYTHON_LOG_CORRELATION=true PORT=8080\n"),
        ("Dockerfile.old", "FROM python:3.12\nENV OTEL_PYTHON_LOG_CORRELATION true\n"),
        (
            "deploy.yaml",
            MANIFEST + "    spec:\n      containers:\n        - name: app\n          env:\n"
            "            - name: OTEL_PYTHON_LOG_CORRELATION\n              value: 'true'\n",
        ),
    ],
)
def test_log_correlation_set_where_the_service_is_deployed_injects(tmp_path, name, text):
    assert found(service(tmp_path, BASIC)) == {("TB802", 3)}
    (tmp_path / name).write_text(text)
    assert found(tmp_path) == set()


def test_under_zero_code_an_uncorrelated_log_setup_says_what_turns_it_on(tmp_path):
    service(tmp_path, BASIC, Procfile="web: opentelemetry-instrument python app.py\n")
    [finding] = check([tmp_path]).findings
    assert finding.rule == "TB802" and "Procfile:1" in finding.message
    assert "OTEL_PYTHON_LOG_CORRELATION=true" in finding.message


HANDLER = (
    "import logging\n"
    "import sys\n"
    "from pythonjsonlogger import jsonlogger\n"
    "\n"
    "{formatter}"
    "\n"
    "def json_logger(name):\n"
    "    handler = logging.StreamHandler(sys.stdout)\n"
    "    formatter = {made}\n"
    "    handler.setFormatter(formatter)\n"
    "    logging.getLogger(name).addHandler(handler)\n"
)
ADDS_TRACE = (
    "class TracedFormatter(jsonlogger.JsonFormatter):\n"
    "    def add_fields(self, log_record, record, message_dict):\n"
    "        super().add_fields(log_record, record, message_dict)\n"
    "        log_record['trace_id'] = format(trace.get_current_span().get_span_context().trace_id, 'x')\n"
)
ADDS_SEVERITY = (
    "class SeverityFormatter(jsonlogger.JsonFormatter):\n"
    "    def add_fields(self, log_record, record, message_dict):\n"
    "        super().add_fields(log_record, record, message_dict)\n"
    "        log_record['severity'] = record.levelname\n"
)


@pytest.mark.parametrize(
    "formatter, made, expected",
    [
        ("", "jsonlogger.JsonFormatter('%(asctime)s %(levelname)s %(message)s')", {("TB802", 9)}),
        (ADDS_SEVERITY, "SeverityFormatter('%(timestamp)s %(severity)s %(message)s')", {("TB802", 13)}),
        ("", "logging.Formatter('%(asctime)s %(message)s')", {("TB802", 9)}),
        ("", "jsonlogger.JsonFormatter('%(message)s %(otelTraceID)s %(otelSpanID)s')", set()),
        (ADDS_TRACE, "TracedFormatter('%(asctime)s %(message)s')", set()),
    ],
    ids=["json", "json-subclass", "plain", "json-with-trace-fields", "subclass-adds-trace-id"],
)
def test_a_handler_set_up_by_hand_writes_lines_without_trace_id(tmp_path, formatter, made, expected):
    (tmp_path / "logger.py").write_text(HANDLER.format(formatter=formatter, made=made))
    assert found(tmp_path) == expected


def test_a_formatter_class_of_another_module_that_writes_the_trace_id_is_known(tmp_path):
    (tmp_path / "formatting.py").write_text("from opentelemetry import trace\n\n" + ADDS_TRACE)
    made = "formatting.TracedFormatter('%(message)s')"
    (tmp_path / "logger.py").write_text(HANDLER.format(formatter="import formatting\n", made=made))
    assert found(tmp_path) == set()


def test_an_injected_trace_context_reaches_a_json_formatter(tmp_path):
    made = "jsonlogger.JsonFormatter('%(message)s')"
    (tmp_path / "logger.py").write_text(HANDLER.format(formatter="", made=made))
    (tmp_path / "telemetry.py").write_text(
        "from opentelemetry.instrumentation.logging import LoggingInstrumentor\n\n"
        "LoggingInstrumentor().instrument(inject_trace_context=True)\n"
    )
    assert found(tmp_path) == set()


@pytest.mark.parametrize(
    "source, rule",
    [
        ("import grpc as g\n\nchannel = g.insecure_channel('b:50051')\n", "TB301"),
        ("from grpc import aio\n\nchannel = aio.insecure_channel('b:50051')\n", "TB301"),
        ("from grpc import insecure_channel as dial\n\nchannel = dial('b:50051')\n", "TB301"),
        ("from grpc import aio as rpc\n\nserver = rpc.server()\n", "TB302"),
        ("from httpx import AsyncClient\n\nclient = AsyncClient()\n", "TB501"),
        ("import requests as http\n\nreply = http.get('http://c/')\n", "TB501"),
    ],
)
def test_names_are_read_through_aliased_imports(tmp_path, source, rule):
    (tmp_path / "client.py").write_text(source)
    assert found(tmp_path) == {(rule, 3)}


def test_a_request_whose_function_injects_the_context_by_hand_carries_it(tmp_path):
    (tmp_path / "chain.py").write_text(
        "import httpx\n"
        "from opentelemetry.propagate import inject\n"
        "\n"
        "async def chain():\n"
        "    headers = {}\n"
        "    inject(headers)\n"
        "    async with httpx.AsyncClient() as client:\n"
        "        await client.get('http://b:8000/', headers=headers)\n"
        "\n"
        "async def plain():\n"
        "    async with httpx.AsyncClient() as client:\n"
        "        await client.get('http://c:8000/')\n"
    )
    assert found(tmp_path) == {("TB501", 11)}


def test_helm_templates_are_left_unread_and_manifests_of_several_documents_are_read(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "app.yaml").write_text(
        "{{- if .Values.app.create }}\napiVersion: v1\nkind: Service\n{{- end }}\n"
    )
    (tmp_path / "app.yaml").write_text(
        MANIFEST + "    spec:\n      containers:\n        - name: app\n          env:\n"
        "            - name: OTEL_PROPAGATORS\n              value: none\n"
    )
    result = check([tmp_path])
    assert result.problems == [] and result.files == 1
    assert [(f.rule, f.line) for f in result.findings] == [("TB602", 14)]


LOAD_GENERATOR = (
    "import httpx\n"
    "{imports}"
    "\n"
    "def main():\n"
    "    httpx.post('http://app:8080/orders', json={{}})\n"
    "\n"
    "if __name__ == '__main__':\n"
    "    main()\n"
)


@pytest.mark.parametrize(
    "imports, telemetry, expected",
    [
        ("", "", set()),
        ("from opentelemetry import trace\n", "", {("TB501", 5)}),
        ("import telemetry\n", "from opentelemetry import trace\n", {("TB501", 5)}),
        ("from .setup import telemetry\n", "from opentelemetry import trace\n", {("TB501", 5)}),
        ("import telemetry\n", "import json\n", set()),
    ],
    ids=["traces-nothing", "traces", "imports-a-module-that-traces", "relative-import", "imports-untraced"],
)
def test_a_script_that_traces_nothing_has_no_context_to_lose(tmp_path, imports, telemetry, expected):
    (tmp_path / "load.py").write_text(LOAD_GENERATOR.format(imports=imports))
    (tmp_path / "telemetry.py").write_text(telemetry)
    assert found(tmp_path) == expected


@pytest.mark.parametrize(
    "loop",
    [
        "    for tp, batch in (await consumer.getmany(timeout_ms=500)).items():\n        for record in batch:\n",
        "    fetched = await consumer.getmany()\n    for batch in fetched.values():\n        for record in batch:\n",
        "    records = consumer.consume(10)\n    for record in records:\n        if record.error() is None:\n",
    ],
    ids=["getmany-items", "getmany-values", "confluent-consume"],
)
def test_records_fetched_in_batches_are_records(tmp_path, loop):
    (tmp_path / "consumer.py").write_text(
        "from opentelemetry import context, propagate\n"
        "\n"
        "async def run(consumer):\n"
        f"{loop}"
        "            await handle(record)\n"
        "            token = context.attach(propagate.extract(dict(record.headers)))\n"
        "            await handle(record)\n"
        "            context.detach(token)\n"
    )
    assert found(tmp_path) == {("TB401", 4 + loop.count("\n"))}
