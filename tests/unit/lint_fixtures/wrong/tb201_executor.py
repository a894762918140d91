import asyncio
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=4)


def render_invoice(order_id: int) -> bytes:
    return b"%d" % order_id


async def invoice(order_id: int) -> bytes:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, render_invoice, order_id)  # expect: TB201


def invoice_later(order_id: int) -> None:
    POOL.submit(render_invoice, order_id)  # expect: TB201
