import asyncio
import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=4)


def render_invoice(order_id: int) -> bytes:
    return b"%d" % order_id


async def invoice(order_id: int) -> bytes:
    loop = asyncio.get_running_loop()
    work = functools.partial(contextvars.copy_context().run, render_invoice, order_id)
    return await loop.run_in_executor(None, work)


async def invoice_in_thread(order_id: int) -> bytes:
    return await asyncio.to_thread(render_invoice, order_id)


def invoice_later(order_id: int) -> None:
    POOL.submit(contextvars.copy_context().run, render_invoice, order_id)
