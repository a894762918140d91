"""The local stack, with no Docker: broker, topics, trace store, Envoy, and services C, B and A.

`tracebreak up` runs it in the foreground; the e2e tests run the same `Stack` on free ports.
"""

import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from tracebreak import endpoints
from tracebreak.chaos import flagfile
from tracebreak.local import edge, parts, topics
from tracebreak.local.processes import Process, StackError, poll
from tracebreak.runtime.ports import Ports, taken
from tracebreak.runtime.settings import Settings

START_TIMEOUT_S = 60
STACK_MARKER = "TRACEBREAK_STACK_DIR"
# Spans and logs leave each service within a fifth of a second, so a trace shows up at once.
LOCAL_EXPORT_DELAY_MS = "200"
TANSU_TOPIC_GENERATION_S = 30


@dataclass(frozen=True)
class StackConfig:
    ports: Ports = field(default_factory=Ports)
    data_dir: Path = endpoints.DATA_DIR
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
        return endpoints.loopback(self.ports.edge)

    @property
    def query_url(self) -> str:
        return endpoints.loopback(self.ports.query)

    @property
    def otlp_url(self) -> str:
        return endpoints.loopback(self.ports.otlp)

    @property
    def flags_file(self) -> Path:
        return self.data_dir / endpoints.FLAGS_NAME

    @property
    def database(self) -> Path:
        return self.data_dir / "traces.db"

    @property
    def edge_admin_url(self) -> str:
        return endpoints.loopback(self.ports.edge_admin)

    def client_env(self) -> dict[str, str]:
        """The variables that point a client (`tracebreak request`, `tracebreak load`) at this stack."""
        return {
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.otlp_url,
            endpoints.EDGE_URL: self.edge_url,
            endpoints.QUERY_URL: self.query_url,
            endpoints.ENVOY_ADMIN_URL: self.edge_admin_url,
            # `chaos` and `drill` act on this stack's toggles; the doctor finds a drill's state beside them.
            Settings.variable("flags_file"): str(self.flags_file.resolve()),
        }

    def port_flags(self) -> list[str]:
        """The options that point `tracebreak wire` and `audit` at this stack's A, B and broker."""
        names = ("service_a", "service_b", "broker")
        return [arg for name in names for arg in (Ports.flag(name), str(getattr(self.ports, name)))]

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
            orders_db=str((self.data_dir / "orders.db").resolve()),
            # Tansu's memory storage slows as a topic ages: its topics roll over (runtime/generations.py).
            topic_generation_s=0 if self.external_broker else TANSU_TOPIC_GENERATION_S,
        )


class Stack:
    """Starts the parts in dependency order, each waited for until healthy; stops them in reverse."""

    def __init__(self, config: StackConfig | None = None) -> None:
        self.config = config or StackConfig()
        self.processes: dict[str, Process] = {}
        self._stopping = threading.Event()
        self._keeper: threading.Thread | None = None
        self._b_health = parts.GrpcHealth(self.config.service_settings().service_b_address)
        self._build()

    def _build(self) -> None:
        c, p = self.config, self.config.ports
        logs = c.data_dir / "logs"
        # Every part is marked with its stack, so what belongs to it can be found (and is, by tests).
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        base_env[STACK_MARKER] = str(c.data_dir.resolve())
        found = [] if c.external_broker else [parts.broker(p.broker, base_env, logs / "broker.log")]
        panel = ("--chaos-flags", str(c.flags_file.resolve()), "--envoy-admin", c.edge_admin_url)
        found.append(parts.trace_store(p, c.database, base_env, logs / "trace-store.log", *panel))
        found.append(parts.envoy(c.envoy_config, c.edge_admin_url, base_env, logs / "envoy.log"))
        service_env = {**base_env, **self._service_env()}
        health = {
            "service-c": f"{endpoints.loopback(p.service_c_health)}/",
            "service-b": self._b_health,
            "service-a": f"{endpoints.loopback(p.service_a)}/healthz",
        }
        for name, check in health.items():
            found.append(parts.service(name, service_env, logs / f"{name}.log", check))
        self.processes = {part.name: part for part in found}

    def _service_env(self) -> dict[str, str]:
        c = self.config
        return {
            **c.service_settings().to_env(),
            "PYTHONUNBUFFERED": "1",
            "OTEL_EXPORTER_OTLP_ENDPOINT": c.otlp_url,
            "OTEL_BSP_SCHEDULE_DELAY": LOCAL_EXPORT_DELAY_MS,
            "OTEL_BLRP_SCHEDULE_DELAY": LOCAL_EXPORT_DELAY_MS,
            **c.service_env,
        }

    def write_envoy_config(self) -> None:
        c = self.config
        c.access_log.parent.mkdir(parents=True, exist_ok=True)
        loopback = "127.0.0.1"
        addresses = edge.addresses(c.ports, loopback, loopback, loopback, str(c.access_log.resolve()))
        c.envoy_config.write_text(edge.render(addresses))

    def check_ports(self) -> None:
        """Fail at once, naming the port, rather than half-start beside another stack."""
        ports = asdict(self.config.ports)
        if self.config.external_broker:
            del ports["broker"]
        for name, port in ports.items():
            if problem := taken(port):
                raise StackError(
                    f"port {port} ({name.replace('_', ' ')}) is in use ({problem}): stop whatever"
                    f" holds it (another `tracebreak up`?) or choose another port with {Ports.flag(name)}"
                )

    def start(
        self, timeout_s: float = START_TIMEOUT_S, on_healthy: Callable[[str], None] | None = None
    ) -> None:
        self.check_ports()
        self.write_envoy_config()
        flagfile.write_defaults(self.config.flags_file)  # every stack starts with chaos off
        try:
            if self.config.external_broker:
                self.create_topics(timeout_s)
            for name in self.processes:
                self.start_part(name, timeout_s)
                if name == "broker":
                    self.create_topics(timeout_s)
                    self._keep_topics()
                if dead := self.dead_parts():
                    raise StackError(f"{dead[0].name} stopped while {name} started.\n{dead[0].log_tail()}")
                if on_healthy:
                    on_healthy(name)
        except BaseException:
            self.stop()
            raise

    def _keep_topics(self) -> None:
        """Where topics roll over: a thread that creates the next generation ahead, deletes old ones."""
        period_s = self.config.service_settings().topic_generation_s
        if not period_s or self._keeper is not None:
            return
        bootstrap, settings = self.config.bootstrap_servers, self.config.service_settings()

        def keep() -> None:
            while not self._stopping.wait(period_s / 3):  # a third of a generation: never late
                topics.ready(bootstrap, settings)  # a broker that is away is brought back by the runner

        self._keeper = threading.Thread(target=keep, name="topic-keeper", daemon=True)
        self._keeper.start()

    def create_topics(self, timeout_s: float) -> None:
        bootstrap, settings = self.config.bootstrap_servers, self.config.service_settings()
        problem = poll(lambda: topics.ready(bootstrap, settings), timeout_s)
        if problem:
            broker = self.processes.get("broker")
            raise StackError(
                f"the topics could not be created on {bootstrap} within {timeout_s:.0f} s: {problem}"
                + (f"\n{broker.log_tail()}" if broker else "")
            )

    def start_part(self, name: str, timeout_s: float = START_TIMEOUT_S) -> None:
        part = self.processes[name]
        part.start()
        part.wait_healthy(timeout_s)

    def restart_part(self, name: str, timeout_s: float = START_TIMEOUT_S) -> None:
        """Start a part that died, once what it left behind is gone; a broker with in-memory storage
        comes back empty: topics again."""
        self.stop_part(name)
        self.start_part(name, timeout_s)
        if name == "broker":
            self.create_topics(timeout_s)

    def stop_part(self, name: str) -> int | None:
        return self.processes[name].stop()

    def stop(self) -> None:
        self._stopping.set()
        if self._keeper is not None:
            self._keeper.join()
        for part in reversed(self.processes.values()):
            part.stop()
        self._b_health.close()

    def dead_parts(self) -> list[Process]:
        return [part for part in self.processes.values() if part.popen is not None and not part.running]
