"""The `traces` fixture's object: `assert_connected`, the doctor's verdict on one request a test sent,
as a pass or as a failure whose message is the verdict."""

import time
from collections.abc import Mapping
from contextlib import closing

import pytest

from tracebreak.doctor.collect import FRAGMENT_SPREAD_US
from tracebreak.doctor.report import DEFAULT_SETTLE, Verdict
from tracebreak.durations import parse_duration_us
from tracebreak.testing.message import failure
from tracebreak.testing.settle import Found, until_settled
from tracebreak.testing.target import Target, TargetError, target
from tracebreak.traces.query import QueryError
from tracebreak.traces.sources import open_source

DEFAULT_TIMEOUT = "20s"


class Traces:
    """What the `traces` fixture gives a test: where it reads, how long it waits, the marker's services."""

    def __init__(
        self, source: str, settle_us: int, timeout_s: float, services: frozenset[str] = frozenset()
    ) -> None:
        self.source, self.settle_us, self.timeout_s = source, settle_us, timeout_s
        self.services = services  # the test's tracebreak_services marker: asked of every assertion
        # Read from before the test began: a request in flight then still shows whole.
        self.since_us = time.time_ns() // 1000 - FRAGMENT_SPREAD_US

    @classmethod
    def configured(cls, source: str, settle: str, timeout: str, services: frozenset[str]) -> "Traces":
        """From the plugin's options as written (durations such as 6s, 500ms); a bad one fails the test
        in one line."""
        durations = []
        for name, text in (
            ("tracebreak_settle", settle or DEFAULT_SETTLE),
            ("tracebreak_timeout", timeout or DEFAULT_TIMEOUT),
        ):
            try:
                durations.append(parse_duration_us(text))
            except ValueError as error:
                pytest.fail(f"{name}: {error}", pytrace=False)
        return cls(source, durations[0], durations[1] / 1e6, services)

    def assert_connected(
        self,
        request_id: str | None = None,
        trace_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        services: set[str] | frozenset[str] | None = None,
        timeout_s: float | None = None,
    ) -> Verdict:
        """Passes when the request (by its id, the id of one of its traces, or the headers the test
        sent) is one connected trace, or whole by link, with a span of every service named (the
        marker's, where none are): the doctor's verdict, for more checks. Fails with that verdict."""
        wanted = self.services if services is None else frozenset(services)
        waited_s = self.timeout_s if timeout_s is None else timeout_s
        try:
            asked = target(request_id, trace_id, headers)
        except TargetError as error:
            pytest.fail(f"assert_connected: {error}", pytrace=False)
        found = self._settled(asked, wanted, waited_s)
        message = failure(found, asked, wanted, self.source, waited_s)
        if message or found.verdict is None:
            pytest.fail(message, pytrace=False)
        return found.verdict

    def _settled(self, asked: Target, services: frozenset[str], timeout_s: float) -> Found:
        """The request as the source holds it once settled; a source that cannot be read fails the
        test with the reader's one line."""
        try:
            with closing(open_source(self.source, timeout_s=timeout_s)) as source:
                return until_settled(source, asked, self.since_us, self.settle_us, timeout_s, services)
        except (QueryError, ValueError) as error:
            pytest.fail(f"cannot read traces from {self.source}: {error}", pytrace=False)
