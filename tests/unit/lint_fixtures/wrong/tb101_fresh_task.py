import asyncio
import contextvars

from opentelemetry import trace

tracer = trace.get_tracer(__name__)


async def send_receipt(order_id: int) -> None:
    with tracer.start_as_current_span("send receipt"):
        await asyncio.sleep(0.01)


def after_order(order_id: int) -> asyncio.Task:
    return asyncio.create_task(send_receipt(order_id), context=contextvars.Context())  # expect: TB101


def later(loop: asyncio.AbstractEventLoop, callback) -> None:
    loop.call_soon(callback, context=contextvars.Context())  # expect: TB101
