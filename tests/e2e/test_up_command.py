"""`tracebreak up` as a user runs it: serving within a minute, and Ctrl-C leaves no process behind."""

import json
import signal
import socket
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

from tests.e2e.conftest import cli
from tracebreak.local.stack import STACK_MARKER, StackConfig
from tracebreak.runtime.ports import Ports

STARTUP_LIMIT_S = 60


def start_up(data_dir: Path, ports: Ports) -> subprocess.Popen[str]:
    flags = [arg for f in fields(Ports) for arg in (Ports.flag(f.name), str(getattr(ports, f.name)))]
    return subprocess.Popen(
        [sys.executable, "-m", "tracebreak.cli", "up", "--data-dir", str(data_dir), *flags],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip


def first_answer(config: StackConfig, up: subprocess.Popen[str]) -> dict | None:
    """The first 200 through the edge, polled until the deadline or until `up` ends."""
    started = time.monotonic()
    while time.monotonic() - started < STARTUP_LIMIT_S and up.poll() is None:
        result = cli(config, "request", "42", "--json", "--wait", "0")
        if result.returncode == 0 and json.loads(result.stdout)["status"] == 200:
            print(f"tracebreak up answered after {time.monotonic() - started:.1f} s")
            return json.loads(result.stdout)
        time.sleep(0.5)  # polling interval until the stack answers (Envoy says 503 before A is up)
    return None


def stop(up: subprocess.Popen[str]) -> str:
    up.send_signal(signal.SIGINT)
    output, _ = up.communicate(timeout=60)
    assert up.returncode == 0, output
    return output


def test_up_answers_a_request_within_a_minute_and_ctrl_c_stops_everything(tmp_path):
    ports = Ports.free()
    config = StackConfig(ports=ports, data_dir=tmp_path)
    up = start_up(tmp_path, ports)
    try:
        answer = first_answer(config, up)
        assert answer is not None, up.stdout.read() if up.poll() is not None else "no answer in time"  # type: ignore[union-attr]
        assert answer["body"]["order_id"] == 42
        assert len(processes_of(tmp_path)) == 6  # broker, store, Envoy, C, B, A
        for _ in range(5):  # connections that, closed, linger in TIME_WAIT on the stack's ports
            assert cli(config, "request", "7", "--json", "--wait", "0").returncode == 0
    finally:
        output = stop(up)
    stopped = time.monotonic()
    assert "stopping" in output
    # The first address it gives is the web view's.
    addresses = [line for line in output.split("ready in")[1].splitlines()[1:] if line.strip()]
    assert addresses[0].split()[:3] == ["web", "view", config.query_url + "/"]
    for port in (getattr(ports, f.name) for f in fields(Ports)):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open"
    assert processes_of(tmp_path) == []
    # Started again at once, on the same ports and data: it serves.
    again = start_up(tmp_path, ports)
    print(f"restarted {time.monotonic() - stopped:.2f} s after the stop")
    try:
        answer = first_answer(config, again)
        assert answer is not None, again.stdout.read() if again.poll() is not None else "no answer in time"  # type: ignore[union-attr]
    finally:
        stop(again)


def processes_of(data_dir: Path) -> list[int]:
    """Every process still marked as a part of the stack that keeps its data in `data_dir`."""
    marker = f"{STACK_MARKER}={data_dir.resolve()}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found
