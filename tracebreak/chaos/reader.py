"""The toggles as one service sees them: read through OpenFeature from the flag file, live.

The flagd provider in FILE mode needs no daemon: it re-reads the file when its mtime changes (every
200 ms here), and keeps its last good flags when the file is broken. Each time a toggle changes what
a request does, the service says so on the span current at that line (`feature_flag.evaluation`,
the semantic conventions' event) and in a log line carrying the request id: the ground truth of what
was hit (kept quiet while a drill runs). `hits` records by itself; toggles that shape a whole process
are recorded at each inbound boundary (tracebreak.runtime.boundary).
"""

import logging
import random
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from openfeature import api
from openfeature.client import OpenFeatureClient
from openfeature.contrib.provider.flagd import FlagdProvider
from openfeature.contrib.provider.flagd.config import ResolverType
from openfeature.event import EventDetails, ProviderEvent
from opentelemetry import trace

from tracebreak.chaos import flagfile
from tracebreak.chaos.catalogue import Toggle
from tracebreak.chaos.setting import ServiceChoice

log = logging.getLogger("tracebreak.chaos")

POLL_MS = 200
PROVIDER_NAME = "flagd"

_pending: ContextVar[tuple[tuple[Toggle, Any], ...]] = ContextVar("chaos_pending_hits", default=())


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

    def value(self, t: Toggle) -> Any:
        """The toggle's value in force in this process (its "off" value where it does not act)."""
        if self._client is None or t.acts_in not in (None, self.service):
            return t.setting.off
        return t.setting.read(self._client, t.name)

    def hits(self, t: Toggle) -> bool:
        """Whether this request is one a rate toggle affects (its share of requests); recorded if so."""
        rate = self.value(t)
        if rate > 0 and random.random() < rate:
            self.record(t, rate)
            return True
        return False

    def in_force(self, t: Toggle) -> Any:
        """The toggle's value for this request; recorded when it is on (a latency, say)."""
        value = self.value(t)
        if value != t.setting.off:
            self.record(t, value)
        return value

    def chooses_me(self, t: Toggle) -> bool:
        """For toggles set to a service (or all): whether this one is chosen."""
        return ServiceChoice.chooses(self.value(t), self.service)

    def announces_hits(self) -> bool:
        """False while a drill runs: what hit a request is then the trainee's to find."""
        return self._client is None or self._client.get_boolean_value(flagfile.ANNOUNCE_HITS, True)

    def record(self, t: Toggle, value: Any) -> None:
        if not self.announces_hits():
            return
        if not trace.get_current_span().get_span_context().is_valid:
            # No span yet (a consumer before its processing span): the inbound boundary records it,
            # so the line carries the trace the request's work runs in.
            _pending.set((*_pending.get(), (t, value)))
            return
        trace.get_current_span().add_event(
            "feature_flag.evaluation",
            {
                "feature_flag.key": t.name,
                "feature_flag.result.variant": "on",
                "feature_flag.result.value": str(value),
                "feature_flag.provider.name": PROVIDER_NAME,
            },
        )
        log.info("chaos toggle %s hit this request", t.name, extra={"chaos_toggle": t.name})

    def record_pending(self) -> None:
        """Record the hits decided before this request had a span, now that it has one."""
        pending, _ = _pending.get(), _pending.set(())
        for t, value in pending:
            self.record(t, value)

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


# One per process: services open it at start (tracebreak.runtime.service) and read it where toggles act.
chaos = Chaos()
