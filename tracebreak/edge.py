"""Renders the Envoy edge config (envoy/envoy.template.yaml) for the local stack or docker compose."""

from dataclasses import asdict, dataclass
from pathlib import Path
from string import Template

ENVOY_DIR = Path(__file__).resolve().parent.parent / "envoy"
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


COMPOSE = EdgeAddresses(
    LISTEN_ADDRESS="0.0.0.0",
    LISTEN_PORT=8080,
    ADMIN_ADDRESS="0.0.0.0",
    ADMIN_PORT=9901,
    UPSTREAM_HOST="service-a",
    UPSTREAM_PORT=8000,
    OTLP_HOST="otel-collector",
    OTLP_PORT=4318,
    ACCESS_LOG_PATH="/dev/stdout",
)


def render(addresses: EdgeAddresses) -> str:
    return Template(TEMPLATE.read_text()).substitute(asdict(addresses))


def write_compose_config() -> None:
    COMPOSE_CONFIG.write_text(
        "# Generated from envoy.template.yaml by `python -m tracebreak.edge`; do not edit by hand.\n"
        + render(COMPOSE)
    )


if __name__ == "__main__":
    write_compose_config()
