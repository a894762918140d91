"""Where a client (`tracebreak request`, `chaos`, `doctor`, `load`) finds the stack: the variables
below, or else the local stack's default ports on loopback.
"""

import os
from pathlib import Path

from tracebreak.runtime.ports import DEFAULT as PORTS
from tracebreak.runtime.settings import Settings

EDGE_URL = "TRACEBREAK_EDGE_URL"
QUERY_URL = "TRACEBREAK_QUERY_URL"
ENVOY_ADMIN_URL = "TRACEBREAK_ENVOY_ADMIN_URL"


class EdgeUnreachable(ConnectionError):
    """The edge did not answer: no stack runs there."""


def loopback(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def edge_url() -> str:
    return os.environ.get(EDGE_URL) or loopback(PORTS.edge)


def query_url() -> str:
    return os.environ.get(QUERY_URL) or loopback(PORTS.query)


def envoy_admin_url() -> str:
    return os.environ.get(ENVOY_ADMIN_URL) or loopback(PORTS.edge_admin)


DATA_DIR = Path(".tracebreak")  # the local stack's folder: its flag file, trace database and logs
FLAGS_NAME = "flags.json"


def flags_file() -> Path:
    """The flag file the stack's toggles are read from: the stack's variable, or the local stack's."""
    return Path(os.environ.get(Settings.variable("flags_file")) or DATA_DIR / FLAGS_NAME)
