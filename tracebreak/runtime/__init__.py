"""What every service imports: the telemetry bootstrap, the propagators, logs, the request id
(`x-request-id`) and the one call at each inbound boundary, the Kafka conventions, the settings and
their ports, and how a service process starts and stops.

Nothing here imports the local runner, the CLI, the store or the doctor: a service in a container
carries this package and the chaos reader, nothing else of tracebreak's.
"""
