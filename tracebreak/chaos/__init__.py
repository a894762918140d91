"""The chaos toggles: the catalogue (every toggle, typed, with where its line is, its signature and
its fix), the flag file the services read, the reader each service asks at the line of the bug,
Envoy's runtime for the edge's toggle, the moment of the last reset, and the `tracebreak chaos` command.

Imports nothing else of tracebreak's but the demo's facts, so the services and the runtime can use it.
"""
