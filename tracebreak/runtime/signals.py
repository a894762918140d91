"""Stopping on SIGTERM and SIGINT, so a process can flush what it holds before it ends."""

import asyncio
import signal

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
