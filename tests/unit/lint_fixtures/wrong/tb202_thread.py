import threading

from opentelemetry import trace

tracer = trace.get_tracer(__name__)


def refresh_cache() -> None:
    with tracer.start_as_current_span("refresh cache"):
        pass


def on_order() -> None:
    threading.Thread(target=refresh_cache, daemon=True).start()  # expect: TB202
