import asyncio
import contextvars

from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class Mailer:
    def __init__(self) -> None:
        self.outbox: asyncio.Queue[tuple[contextvars.Context, str]] = asyncio.Queue()

    def send(self, address: str) -> None:
        self.outbox.put_nowait((contextvars.copy_context(), address))

    async def start(self) -> None:
        self.running = asyncio.create_task(self.worker())

    async def worker(self) -> None:
        while True:
            sent_in, address = await self.outbox.get()
            await asyncio.create_task(self.deliver(address), context=sent_in)
            self.outbox.task_done()

    async def deliver(self, address: str) -> None:
        with tracer.start_as_current_span("send mail"):
            await asyncio.sleep(0.01)
