"""tracebreak's load generator: open-loop, set by rate, every request traced.

Closed-loop generators (a fixed number of users, each waiting for its answer) slow down when the
system does, and the latency they report hides the queueing. This one sends on a schedule that never
waits for answers, and measures each request from the moment it was meant to leave.
"""
