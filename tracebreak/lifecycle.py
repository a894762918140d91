"""Starting a service process, and stopping it on SIGTERM and SIGINT so its spans are flushed.

Without an explicit shutdown the last batch of spans never leaves the process: the
BatchSpanProcessor exports on a timer, and a signal's default action ends the process before any
atexit hook runs.
"""

import asyncio
import logging
import signal
import sys
from collections.abc import Callable

from aiokafka.errors import KafkaError
from opentelemetry.sdk.trace.sampling import Sampler

from tracebreak import telemetry
from tracebreak.chaos import chaos
from tracebreak.settings import Settings, SettingsError

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def stop_requested() -> signal.Signals:
    """Wait until the process is asked to stop; returns the signal that asked."""
    loop = asyncio.get_running_loop()
    received: asyncio.Future[signal.Signals] = loop.create_future()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, lambda s=sig: received.done() or received.set_result(s))
    try:
        return await received
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


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
    chaos.open(name, settings.flags_file)
    chaos.on_change(lambda: tel.logs.correlate(not chaos.applies_to_me("logs-without-trace-id")))
    try:
        body(settings, tel)
    except (KafkaError, OSError) as error:
        logging.getLogger(name).error("%s stopped: %s: %s", name, error.__class__.__name__, error)
        tel.shutdown_now()
        sys.exit(1)
