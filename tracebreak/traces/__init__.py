"""Traces as every reader in tracebreak sees them: model.py (spans and traces, built from Jaeger's JSON
or from the store's rows) and query.py (the reader of Jaeger's HTTP query API, the embedded store or a
real Jaeger alike)."""
