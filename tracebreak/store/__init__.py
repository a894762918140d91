"""The embedded trace store: an OTLP/HTTP receiver, SQLite storage and Jaeger's query API.

It stands in for Jaeger on a laptop or in CI; every reader of traces in tracebreak speaks Jaeger's
HTTP API, so pointing them at a real Jaeger is a change of one URL.
"""
