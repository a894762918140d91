from opentelemetry.instrumentation.logging import LoggingInstrumentor


class LogSetup:
    def __init__(self, verbose: bool) -> None:
        if verbose:
            self._instrument(log_level=10)  # expect: TB801
        else:
            LoggingInstrumentor().instrument()  # expect: TB801

    def _instrument(self, **options: int) -> None:
        LoggingInstrumentor().instrument(**options)
