"""Service A's audit trail: written after the answer, by a background task."""

import asyncio
import contextvars
import logging

from opentelemetry import trace

from tracebreak.chaos.catalogue import ORPHAN_BACKGROUND_TASK
from tracebreak.chaos.reader import chaos
from tracebreak.runtime.correlation import bind

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

_running: set[asyncio.Task] = set()  # a task nobody holds may be collected before it runs


async def record(order_id: int, request_id: str | None) -> None:
    with tracer.start_as_current_span("audit order", attributes={"order.id": order_id}) as span:
        bind(request_id, span, "http")  # passed as data, so it survives even where the context does not
        log.info("order %s audited", order_id)


def start(order_id: int, request_id: str | None) -> None:
    if chaos.hits(ORPHAN_BACKGROUND_TASK):
        # chaos: orphan-background-task. WRONG: the task starts in a fresh, empty context, so its
        # span has no parent and starts a trace of its own: a ghost span.
        task = asyncio.create_task(record(order_id, request_id), context=contextvars.Context())
    else:
        # RIGHT: create_task copies the current context; the audit span is a child of the
        # request's span, even though it ends after the answer was sent.
        task = asyncio.create_task(record(order_id, request_id))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def drain() -> None:
    """Let the audits in flight finish (at shutdown, before the spans are flushed)."""
    await asyncio.gather(*_running, return_exceptions=True)
