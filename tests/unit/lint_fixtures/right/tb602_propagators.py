import os


def configure() -> None:
    os.environ.setdefault("OTEL_PROPAGATORS", "tracecontext,baggage")
