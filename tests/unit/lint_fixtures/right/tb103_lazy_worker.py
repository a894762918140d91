import asyncio
import contextvars

from opentelemetry import context, trace

tracer = trace.get_tracer(__name__)


class Notices:
    def __init__(self) -> None:
        self._queue: asyncio.Queue = asyncio.Queue()
        self._pump: asyncio.Task | None = None

    def send(self, order_id: int) -> None:
        if self._pump is None:
            self._pump = asyncio.create_task(self._run(), context=contextvars.Context())
        self._queue.put_nowait((order_id, context.get_current()))

    async def _run(self) -> None:
        while True:
            _, carried = await self._queue.get()
            with tracer.start_as_current_span("notify order served", context=carried):
                await asyncio.sleep(0)
