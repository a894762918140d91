"""Service A's served-order notices: queued by each request, written by one long-lived worker.

The worker lives as long as the process, so it must start in an empty context and run each notice
in the context the notice was queued with: a worker started lazily inside a request instead keeps
that request's context for ever (the toggle context-leak). Which of the two takes a notice is the
toggle's rate, decided per notice: the lazily started worker, once started by the first request that
reached it, stays for the life of the process, and every notice handed to it lands in that request's
trace.
"""

import asyncio
import contextlib
import contextvars
import logging
from dataclasses import dataclass

from opentelemetry import context, trace

from tracebreak.chaos.catalogue import CONTEXT_LEAK
from tracebreak.chaos.reader import chaos
from tracebreak.runtime.correlation import bind

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

DRAIN_S = 5


@dataclass(frozen=True)
class Notice:
    order_id: int
    request_id: str | None
    context: context.Context | None  # the request's, where the notice carries it


class Notices:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[Notice] = asyncio.Queue()
        self._pump: asyncio.Task[None] | None = None
        self._leaky_queue: asyncio.Queue[Notice] = asyncio.Queue()
        self._leaky_pump: asyncio.Task[None] | None = None

    def send(self, order_id: int, request_id: str | None) -> None:
        if chaos.hits(CONTEXT_LEAK):
            # chaos: context-leak. WRONG: the worker is started lazily, inside the first request that
            # needs it; create_task copies that request's context into it, and the notices carry none,
            # so every notice it writes, for any later request, is a child of request one: a mega-trace.
            if self._leaky_pump is None:
                self._leaky_pump = asyncio.create_task(self._run(self._leaky_queue))
            self._leaky_queue.put_nowait(Notice(order_id, request_id, None))
        else:
            # RIGHT: a worker that outlives the request starts in an empty context (here the bug of a
            # per-request task is the fix), and each notice carries the context it was queued in.
            if self._pump is None:
                self._pump = asyncio.create_task(self._run(self._queue), context=contextvars.Context())
            self._queue.put_nowait(Notice(order_id, request_id, context.get_current()))

    async def _run(self, queue: asyncio.Queue[Notice]) -> None:
        while True:
            notice = await queue.get()
            try:
                with tracer.start_as_current_span(
                    "notify order served", context=notice.context, attributes={"order.id": notice.order_id}
                ) as span:
                    bind(notice.request_id, span, "http")  # passed as data: the doctor's join key
                    log.info("order %s noticed", notice.order_id)
            finally:
                queue.task_done()

    async def drain(self) -> None:
        """Write the notices queued (at shutdown, before the spans are flushed), then stop."""
        for queue, pump in ((self._queue, self._pump), (self._leaky_queue, self._leaky_pump)):
            if pump is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(DRAIN_S):
                        await queue.join()
                pump.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pump
