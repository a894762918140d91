"""tracebreak: a microservice cascade that breaks distributed-trace context propagation on purpose."""

__version__ = "0.1.0"
