import os


def configure() -> None:
    os.environ.setdefault("OTEL_PROPAGATORS", "none")  # expect: TB602
