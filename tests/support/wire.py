"""Whether this machine can capture on loopback, and `tracebreak wire` run against a stack."""

import json
import shutil
import socket
import subprocess
import tempfile
import time
from functools import cache

from tests.support.stack import cli
from tracebreak.local.stack import Stack


@cache
def capture_refused() -> str | None:
    """Why tshark cannot capture on loopback here (not installed, no rights), or None: tried for
    real, once, on a datagram sent to itself."""
    if shutil.which("tshark") is None:
        return "tshark is not installed (Debian: apt-get install -y tshark)"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe, tempfile.TemporaryDirectory() as folder:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        # Written to a file of its own: never let a capture tool near /dev/null.
        command = ["tshark", "-i", "lo", "-f", f"udp port {port}", "-c", "1", "-w", f"{folder}/probe.pcapng"]
        tshark = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 10
        while tshark.poll() is None and time.monotonic() < deadline:
            probe.sendto(b"probe", ("127.0.0.1", port))
            time.sleep(0.1)  # resent until tshark has one, bounded by the deadline
    if tshark.poll() is None:
        tshark.kill()
    said = [line for line in tshark.communicate()[1].splitlines() if line.startswith(("tshark: ", "("))]
    return None if tshark.returncode == 0 else f"tshark cannot capture on lo: {' '.join(said[-3:])}"


def wire(stack: Stack, *args: str) -> tuple[int, dict]:
    """`tracebreak wire --json` with the stack's ports: its exit code and its document."""
    result = cli(stack.config, "wire", "--json", *stack.config.port_flags(), *args, timeout_s=90)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def rows(document: dict) -> dict[str, dict]:
    """The one request's hops, by `from -> to`."""
    [request] = document["requests"]
    return {f"{hop['source']} -> {hop['target']}": hop for hop in request["hops"]}
