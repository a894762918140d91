"""The e2e tests run the real local stack: Tansu, Envoy, the trace store and the three services. The
stack, the test process as a traced client, and a real browser for the web view's tests are shared
by every test of a run; what the tests do with them is tests/support/'s."""

import os
from collections.abc import Iterator

import pytest

from tests.support.browser import CHROMIUM, FLAGS, SCREENSHOTS
from tests.support.stack import start_stack
from tracebreak.demo import CLIENT_SERVICE
from tracebreak.local.stack import Stack
from tracebreak.runtime import telemetry
from tracebreak.traces.query import TraceQuery


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from start_stack(tmp_path_factory.mktemp("stack"))


@pytest.fixture(scope="session")
def query(stack: Stack) -> Iterator[TraceQuery]:
    reader = TraceQuery(stack.config.query_url)
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def tracebreak_source(stack: Stack) -> str:
    """Where tracebreak's pytest plugin (the `traces` fixture) reads: this run's stack, Jaeger's API."""
    return f"jaeger+{stack.config.query_url}"


@pytest.fixture(scope="session")
def client_telemetry(stack: Stack) -> Iterator[telemetry.Telemetry]:
    """The test process as a traced client (service tracebreak-client), exporting to the stack's store."""
    previous = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = stack.config.otlp_url
    tel = telemetry.setup(CLIENT_SERVICE, json_logs=False)
    yield tel
    tel.shutdown_now()
    if previous is None:
        os.environ.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    else:
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = previous


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright (never `playwright install`: it downloads a browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Where the web view's screenshots went: the folder CI keeps as artifacts."""
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.glob("*.png")):
        terminalreporter.write_line(f"web view screenshots: {SCREENSHOTS}")
