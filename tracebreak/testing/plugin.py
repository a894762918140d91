"""The pytest plugin (entry point `pytest11`, name tracebreak): the `traces` fixture, its options (on
the command line or in the ini file) and the `tracebreak_services` marker. The doctor is loaded only
when a test asks for `traces`: pytest loads this module into every run of every suite."""

from typing import TYPE_CHECKING

import pytest

from tracebreak import endpoints
from tracebreak.runtime.ports import DEFAULT as PORTS

if TYPE_CHECKING:
    from tracebreak.testing.traces import Traces

OPTIONS = {
    "tracebreak_source": f"where the traces are, as `tracebreak doctor --source` takes it (default "
    f"${endpoints.QUERY_URL}, else the local stack's store, {endpoints.loopback(PORTS.query)})",
    "tracebreak_settle": "how long no new span of a request must arrive before it is judged "
    "(default: as `tracebreak doctor --settle`, 6s: an SDK exports every 5 s)",
    "tracebreak_timeout": "how long an assertion waits for its request's spans to settle (default 20s)",
}
SERVICES_MARKER = "tracebreak_services"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tracebreak", "one request = one connected trace (tracebreak's doctor)")
    for name, said in OPTIONS.items():
        group.addoption(f"--{name.replace('_', '-')}", dest=name, help=said)
        parser.addini(name, said)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{SERVICES_MARKER}(*names): services every traces.assert_connected in the test asks for"
    )


def setting(config: pytest.Config, name: str) -> str:
    """The command line's value, else the ini file's, else ""."""
    return str(config.getoption(name) or config.getini(name) or "")


@pytest.fixture
def tracebreak_source(pytestconfig: pytest.Config) -> str:
    """Where `traces` reads from. Override it in a conftest to read from a stack your session starts."""
    return setting(pytestconfig, "tracebreak_source") or endpoints.query_url()


@pytest.fixture
def traces(request: pytest.FixtureRequest, tracebreak_source: str) -> "Traces":
    """`traces.assert_connected(request_id=… | trace_id=… | headers=…, services={…})`."""
    from tracebreak.testing.traces import Traces

    marker = request.node.get_closest_marker(SERVICES_MARKER)
    return Traces.configured(
        tracebreak_source,
        setting(request.config, "tracebreak_settle"),
        setting(request.config, "tracebreak_timeout"),
        frozenset(marker.args) if marker else frozenset(),
    )
