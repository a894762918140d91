"""`tracebreak up` as a user runs it: started, asked until it answers, stopped with Ctrl-C, and the
processes it leaves marked as the stack's."""

import json
import signal
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

from tests.support.stack import cli
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
