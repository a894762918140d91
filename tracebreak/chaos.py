"""The toggles as one service sees them: read through OpenFeature from the flag file, live.

The flagd provider in FILE mode needs no daemon: it re-reads the file when its mtime changes (every
200 ms here), and keeps its last good flags when the file is broken. Each time a toggle changes what
a request does, the service says so on the active span (`feature_flag.evaluation`, the semantic
conventions' event) and in a log line carrying the request id: the ground truth of what was hit.
"""

import logging
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openfeature import api
from openfeature.client import OpenFeatureClient
from openfeature.contrib.provider.flagd import FlagdProvider
from openfeature.contrib.provider.flagd.config import ResolverType
from openfeature.event import EventDetails, ProviderEvent
from opentelemetry import trace

from tracebreak import flagfile
from tracebreak.correlation import current_request_id
from tracebreak.logs import logs_correlated
from tracebreak.toggles import toggle

log = logging.getLogger("tracebreak.chaos")

POLL_MS = 200
PROVIDER_NAME = "flagd"


class Chaos:
    def __init__(self) -> None:
        self.service = ""
        self._client: OpenFeatureClient | None = None
        self._path: Path | None = None
        self._last_problem = ""

    def open(self, service: str, path: str) -> None:
        """Start reading `path`; with no path every toggle stays off."""
        self.service = service
        if not path:
            return
        self._path = Path(path)
        # The file watcher logs a traceback on every poll of a broken file; one line of ours says it.
        logging.getLogger("openfeature.contrib").setLevel(logging.CRITICAL)
        api.set_provider(
            FlagdProvider(
                resolver_type=ResolverType.FILE, offline_flag_source_path=str(self._path), deadline_ms=POLL_MS
            )
        )
        api.add_handler(ProviderEvent.PROVIDER_ERROR, self._report_problem)
        api.add_handler(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, self._forget_problem)
        self._client = api.get_client()

    def close(self) -> None:
        if self._client is not None:
            api.shutdown()
            self._client = None

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call `callback` whenever the flags change, and once now. OpenFeature runs it on its event
        threads, possibly two at once: the callback must be thread-safe."""
        api.add_handler(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, lambda _: callback())
        callback()

    def value(self, name: str) -> Any:
        t = toggle(name)
        off = flagfile.OFF_VALUES[t.value]
        if self._client is None:
            return off
        if t.value == "rate":
            return self._client.get_float_value(name, off)
        if t.value == "milliseconds":
            return self._client.get_integer_value(name, off)
        if t.value == "switch":
            return self._client.get_boolean_value(name, off)
        return self._client.get_string_value(name, off)

    def hits(self, name: str) -> bool:
        """Whether this request is one the toggle affects (its rate's share); recorded if so."""
        rate = self.decide(name)
        if rate is None:
            return False
        self.record(name, rate)
        return True

    def decide(self, name: str) -> float | None:
        """The rate, if this request is one the toggle affects; for callers that record it later."""
        rate = self.value(name)
        return rate if rate > 0 and random.random() < rate else None

    def applies_to_me(self, name: str) -> bool:
        """For toggles set to a service (or all)."""
        return self.value(name) in (self.service, "all")

    def record_log_setup(self) -> None:
        """Where this service's logs are, right now, set up without trace context, each request says so."""
        if current_request_id.get() and not logs_correlated():
            self.record("logs-without-trace-id", self.service)

    def record(self, name: str, value: Any) -> None:
        trace.get_current_span().add_event(
            "feature_flag.evaluation",
            {
                "feature_flag.key": name,
                "feature_flag.result.variant": "on",
                "feature_flag.result.value": str(value),
                "feature_flag.provider.name": PROVIDER_NAME,
            },
        )
        log.info("chaos toggle %s hit this request", name, extra={"chaos_toggle": name})

    def _report_problem(self, details: EventDetails) -> None:
        if self._path is None:
            return
        try:
            flagfile.read(self._path)
            problem = details.message or "the flag provider reported an error"
        except flagfile.FlagFileError as error:
            problem = str(error)
        if problem != self._last_problem:  # once per distinct problem, not on every poll
            self._last_problem = problem
            log.error("flag file unusable, keeping the last good flags: %s", problem)

    def _forget_problem(self, details: EventDetails) -> None:
        self._last_problem = ""


# One per process: services open it at start (tracebreak.service_process) and read it where toggles act.
chaos = Chaos()
