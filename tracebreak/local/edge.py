"""Renders the Envoy edge config (envoy/envoy.template.yaml) for the local stack or docker compose."""

from dataclasses import asdict, dataclass
from pathlib import Path
from string import Template

from tracebreak.runtime.ports import DEFAULT as PORTS
from tracebreak.runtime.ports import Ports

ENVOY_DIR = Path(__file__).resolve().parents[2] / "envoy"
TEMPLATE = ENVOY_DIR / "envoy.template.yaml"
COMPOSE_CONFIG = ENVOY_DIR / "envoy.compose.yaml"


@dataclass(frozen=True)
class EdgeAddresses:
    LISTEN_ADDRESS: str
    LISTEN_PORT: int
    ADMIN_ADDRESS: str
    ADMIN_PORT: int
    UPSTREAM_HOST: str
    UPSTREAM_PORT: int
    OTLP_HOST: str
    OTLP_PORT: int
    ACCESS_LOG_PATH: str


def addresses(ports: Ports, listen: str, upstream: str, otlp: str, access_log: str) -> EdgeAddresses:
    """Envoy listens (edge and admin) on `listen`, finds A at `upstream` and the OTLP receiver at `otlp`."""
    return EdgeAddresses(
        listen, ports.edge, listen, ports.edge_admin, upstream, ports.service_a, otlp, ports.otlp, access_log
    )


COMPOSE = addresses(
    PORTS, listen="0.0.0.0", upstream="service-a", otlp="otel-collector", access_log="/dev/stdout"
)


def render(addresses: EdgeAddresses) -> str:
    return Template(TEMPLATE.read_text()).substitute(asdict(addresses))


def write_compose_config() -> None:
    COMPOSE_CONFIG.write_text(
        "# Generated from envoy.template.yaml by `python -m tracebreak.local.edge`; do not edit by hand.\n"
        + render(COMPOSE)
    )


if __name__ == "__main__":
    write_compose_config()
