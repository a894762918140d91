"""What the tests share, a module per role: the local stack and its requests (stack.py), `tracebreak
up` as a user runs it (up_command.py) and the `tracebreak` command (cli.py); spans from the SDK
(spans.py) or written straight as OTLP (synthetic.py); a store the doctor judges (doctor_store.py);
the compose file (compose_file.py); the browser, chaos, wire and drill helpers; the npm project of
the JavaScript checks (npm_project.py); and the
programs some tests run in a process of their own (spawn_beside_grpc.py, stack_cycles.py).

A test module holds tests, a conftest.py its directory's fixtures and hooks; neither is imported by
another module (tests/unit/test_layout.py holds it)."""
