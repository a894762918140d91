"""Starting a service process: settings, telemetry and the chaos toggles, then its body.

Without an explicit shutdown the last batch of spans never leaves the process: the
BatchSpanProcessor exports on a timer, and a signal's default action ends the process before any
atexit hook runs. The services stop on `signals.stop_requested` and shut telemetry down.
"""

import functools
import logging
import sys
from collections.abc import Callable

from aiokafka.errors import KafkaError
from opentelemetry.sdk.trace.sampling import Sampler

from tracebreak.chaos.catalogue import LOGS_WITHOUT_TRACE_ID
from tracebreak.chaos.reader import chaos
from tracebreak.runtime import correlation, propagation, telemetry
from tracebreak.runtime.logs import Logs
from tracebreak.runtime.settings import Settings, SettingsError


def run_service(
    name: str, body: Callable[[Settings, telemetry.Telemetry], None], sampler: Sampler | None = None
) -> None:
    """Read the settings, start telemetry, run `body`; a problem ends it in one line, not a traceback."""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"{name}: {error}", file=sys.stderr)
        sys.exit(2)
    tel = telemetry.setup(name, sampler=sampler)
    correlation.record_on_spans(settings.span_request_id)
    chaos.open(name, settings.flags_file)
    tel.before_shutdown.append(chaos.close)  # no flag change may reconfigure logging while it shuts down
    # Toggles that shape the whole process take effect the moment the flag file changes.
    chaos.on_change(functools.partial(follow_the_logging_toggle, tel.logs))
    chaos.on_change(propagation.register)
    chaos.on_change(tel.span_export.follow_the_fault)
    try:
        body(settings, tel)
    except (KafkaError, OSError) as error:
        logging.getLogger(name).error("%s stopped: %s: %s", name, error.__class__.__name__, error)
        tel.shutdown_now()
        sys.exit(1)


def follow_the_logging_toggle(logs: Logs) -> None:
    """Set logging up again when its toggle changed for this service, and only then: swapping the
    instrumentation leaves a gap in every request's log lines."""
    with logs.lock:
        carry_trace_ids = not chaos.chooses_me(LOGS_WITHOUT_TRACE_ID)
        if logs.correlated != carry_trace_ids:
            logs.configure()
