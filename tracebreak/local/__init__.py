"""The local stack without Docker (`tracebreak up`, the e2e tests): its parts (Tansu broker, trace
store, Envoy, services C, B and A) as child processes, started in order and checked healthy, the
topics, and Envoy's config rendered from the one template (for docker compose too).
"""
