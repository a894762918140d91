import logging

from opentelemetry.instrumentation.logging import LoggingInstrumentor


def main() -> None:
    LoggingInstrumentor().instrument(inject_trace_context=True)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s trace_id=%(otelTraceID)s %(message)s"
    )
    logging.getLogger(__name__).info("started")
