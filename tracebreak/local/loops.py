"""Running a coroutine to its end from code that is not async, wherever it is called."""

import asyncio
import contextvars
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_beside_any_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs `coroutine` in this context on a loop of its own, in a thread of its own: asyncio.run
    refuses to start in a thread where a loop runs already (Playwright's, in a test process that
    drives a browser and starts a stack)."""
    context = contextvars.copy_context()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()
