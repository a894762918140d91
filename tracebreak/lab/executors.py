"""`python -m tracebreak.lab.executors`: lab 17's demonstration, measured. The same blocking call is
handed to a thread pool two ways, with and without the threading instrumentation that
`opentelemetry-instrument` loads, and each run says whether the span the thread made joined the
request's trace."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from opentelemetry.instrumentation.threading import ThreadingInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tracebreak.local.loops import run_beside_any_loop

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
tracer = provider.get_tracer(__name__)


def blocking_read() -> None:
    with tracer.start_as_current_span("read orders"):
        time.sleep(0.001)  # the driver's call


async def executor() -> None:
    await asyncio.get_running_loop().run_in_executor(None, blocking_read)


async def to_thread() -> None:
    await asyncio.to_thread(blocking_read)


def joined(hand_off: Callable[[], Awaitable[None]], instrumented: bool) -> bool:
    """Whether the thread's span is a child of the request's span, on an event loop of its own."""
    exporter.clear()
    if instrumented:
        ThreadingInstrumentor().instrument()

    async def request() -> None:
        with tracer.start_as_current_span("request"):
            await hand_off()

    try:
        run_beside_any_loop(request())
    finally:
        if instrumented:
            ThreadingInstrumentor().uninstrument()
    spans = {span.name: span for span in exporter.get_finished_spans()}
    parent = spans["read orders"].parent
    return parent is not None and parent.span_id == spans["request"].context.span_id


# (the hand-off, how it is made, with the threading instrumentation on)
RUNS = (
    ("loop.run_in_executor(None, fn)", executor, False),
    ("loop.run_in_executor(None, fn)", executor, True),
    ("asyncio.to_thread(fn)", to_thread, False),
    ("asyncio.to_thread(fn)", to_thread, True),
)


def main() -> None:
    for call, hand_off, instrumented in RUNS:
        threading = "ThreadingInstrumentor on " if instrumented else "ThreadingInstrumentor off"
        said = "a child of the request" if joined(hand_off, instrumented) else "a root: a ghost span"
        print(f"{call:31} {threading}: the thread's span is {said}")


if __name__ == "__main__":
    main()
