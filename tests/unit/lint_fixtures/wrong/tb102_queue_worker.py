import asyncio

from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class Mailer:
    def __init__(self) -> None:
        self.outbox: asyncio.Queue[str] = asyncio.Queue()

    def send(self, address: str) -> None:
        self.outbox.put_nowait(address)

    async def start(self) -> None:
        self.running = asyncio.create_task(self.worker())

    async def worker(self) -> None:
        while True:
            address = await self.outbox.get()  # expect: TB102
            with tracer.start_as_current_span("send mail", attributes={"mail.to": address}):
                await asyncio.sleep(0.01)
            self.outbox.task_done()
