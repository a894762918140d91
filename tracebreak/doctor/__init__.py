"""The doctor: finds fractured traces in any tracing backend that speaks Jaeger's query API.

Its rules read only what every OpenTelemetry system records: structure (parents, roots), span
kinds, statuses, events, semantic-convention attributes and the request's correlation id. They
never read `feature_flag.*` or anything else only tracebreak writes.
"""
