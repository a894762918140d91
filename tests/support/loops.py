"""Running a coroutine from a test, wherever it is called."""

import asyncio
import contextvars
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_beside_any_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs `coroutine` in this context on a loop of its own: in a full run, Playwright's loop already
    runs in the test process's main thread, and asyncio.run refuses to start beside it."""
    context = contextvars.copy_context()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()
