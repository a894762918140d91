"""The chaos toggles: the catalogue (every toggle, typed, with the mistake it reproduces, where its
line is, its boundary and how it is set), the flag file the services read, the reader each service
asks at the line of the bug, Envoy's runtime for the edge's toggle, the moment of the last reset, and
the `tracebreak chaos` command.

Imports nothing else of tracebreak's but the demo's facts and the mistakes, so the services and the
runtime can use it.
"""
