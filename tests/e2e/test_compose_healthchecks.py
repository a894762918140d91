"""The healthchecks docker compose runs inside the containers, run here against the real parts of the
local stack: the same commands, with the stack's ports in place of the compose ones."""

import re
import subprocess
import sys

import pytest

from tests.support.compose_file import SERVICES
from tracebreak.local import edge
from tracebreak.runtime.ports import Ports
from tracebreak.runtime.settings import Settings

COMPOSE_PORTS = {
    "envoy": edge.COMPOSE.ADMIN_PORT,
    "service-a": Settings().service_a_port,
    "service-b": Settings().service_b_port,
    "service-c": Settings().service_c_health_port,
}


def local_command(service: str, port: int) -> list[str]:
    """The compose healthcheck of `service`, aimed at `port` on this machine."""
    kind, *argv = SERVICES[service]["healthcheck"]["test"]
    assert kind == "CMD"
    # 127.0.0.1:PORT (a URL or gRPC target) or 127.0.0.1/PORT (bash's /dev/tcp)
    pattern = re.compile(rf"127\.0\.0\.1([:/]){COMPOSE_PORTS[service]}\b")
    argv = [pattern.sub(rf"127.0.0.1\g<1>{port}", arg) for arg in argv]
    return [sys.executable if argv[0] == "python" else argv[0], *argv[1:]]


def stack_port(ports: Ports, service: str) -> int:
    return {
        "envoy": ports.edge_admin,
        "service-a": ports.service_a,
        "service-b": ports.service_b,
        "service-c": ports.service_c_health,
    }[service]


@pytest.mark.parametrize("service", sorted(COMPOSE_PORTS))
def test_the_compose_healthcheck_passes_against_the_running_part(stack, service):
    command = local_command(service, stack_port(stack.config.ports, service))
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"


@pytest.mark.parametrize("service", sorted(COMPOSE_PORTS))
def test_the_compose_healthcheck_fails_where_nothing_answers(service):
    command = local_command(service, Ports.free().edge)
    assert subprocess.run(command, capture_output=True, text=True, timeout=30).returncode != 0
