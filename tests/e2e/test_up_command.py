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


def test_up_answers_a_request_within_a_minute_and_ctrl_c_stops_everything(tmp_path):
    ports = Ports.free()
    config = StackConfig(ports=ports, data_dir=tmp_path)
    flags = [
        arg
        for f in fields(Ports)
        for arg in (f"--{f.name.replace('_', '-')}-port", str(getattr(ports, f.name)))
    ]
    up = subprocess.Popen(
        [sys.executable, "-m", "tracebreak.cli", "up", "--data-dir", str(tmp_path), *flags],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        started = time.monotonic()
        answer = None
        while time.monotonic() - started < STARTUP_LIMIT_S and up.poll() is None:
            result = cli(config, "request", "42", "--json", "--wait", "0")
            if result.returncode == 0 and json.loads(result.stdout)["status"] == 200:
                answer = json.loads(result.stdout)
                break
            time.sleep(0.5)  # polling interval until the stack answers (Envoy says 503 before A is up)
        print(f"tracebreak up answered after {time.monotonic() - started:.1f} s")
        assert answer is not None, up.stdout.read() if up.poll() is not None else "no answer in time"
        assert answer["body"]["order_id"] == 42
        assert len(processes_of(tmp_path)) == 6  # broker, store, Envoy, C, B, A
    finally:
        up.send_signal(signal.SIGINT)
        output, _ = up.communicate(timeout=60)
    assert up.returncode == 0, output
    assert "stopping" in output
    for port in (getattr(ports, f.name) for f in fields(Ports)):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open"
    assert processes_of(tmp_path) == []


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
