"""The port table: every port of the stack, once. The services' settings, the local runner, the
trace store's defaults and the docker compose rendering all take theirs from here.

Jaeger's ports for the trace store (4318 OTLP/HTTP, 16686 query API), so one URL switches to a real
Jaeger.
"""

import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Ports:
    edge: int = 8080
    edge_admin: int = 9901
    service_a: int = 8000
    service_b: int = 50051
    service_c_health: int = 8003
    broker: int = 9092
    otlp: int = 4318
    query: int = 16686

    @staticmethod
    def flag(name: str) -> str:
        """The `tracebreak up` option that sets the port `name`."""
        return f"--{name.replace('_', '-')}-port"

    @classmethod
    def free(cls) -> "Ports":
        """Ports the kernel has just handed out as free: for tests that run beside other stacks."""
        sockets = []
        for _ in range(len(cls.__dataclass_fields__)):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        ports = [s.getsockname()[1] for s in sockets]
        for s in sockets:
            s.close()
        return cls(*ports)


DEFAULT = Ports()


def taken(port: int, host: str = "127.0.0.1") -> str | None:
    """Why a server could not listen on `port` now, or None if it could. Bound as servers bind
    (SO_REUSEADDR): connections of a stack just stopped (TIME_WAIT, about 60 s) do not hold the
    port; a listening socket does."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.strerror or str(error)
    return None
