from opentelemetry.instrumentation.logging import LoggingInstrumentor


class LogSetup:
    def __init__(self, verbose: bool) -> None:
        if verbose:
            self._instrument(log_level=10, set_logging_format=True)
        else:
            LoggingInstrumentor().instrument(inject_trace_context=True)

    def _instrument(self, **options: int) -> None:
        LoggingInstrumentor().instrument(**options)
