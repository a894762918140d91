import threading

from opentelemetry import trace
from opentelemetry.instrumentation.threading import ThreadingInstrumentor

tracer = trace.get_tracer(__name__)
ThreadingInstrumentor().instrument()


def refresh_cache() -> None:
    with tracer.start_as_current_span("refresh cache"):
        pass


def on_order() -> None:
    threading.Thread(target=refresh_cache, daemon=True).start()
