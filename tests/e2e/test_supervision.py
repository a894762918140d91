"""A workshop-long stack: `tracebreak up` brings back the broker, C and B after a kill -9, under
load, and every request meanwhile gets an answer within its deadline."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.stack import cli
from tests.support.up_command import first_answer, processes_of, start_up, stop
from tracebreak.local.stack import StackConfig
from tracebreak.runtime.ports import Ports

RECOVERY_LIMIT_S = 15
DEADLINE_MS = 5000 + 1500  # A's deadline for its call to B, and the edge and the client around it
KILLED = {"broker": "tansu", "service-c": "services.service_c", "service-b": "services.service_b"}


def pid_of(data_dir: Path, part: str) -> int:
    """The stack's process for `part`, found by its command line among the stack's own."""
    for pid in processes_of(data_dir):
        try:
            if KILLED[part] in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode():
                return pid
        except OSError:
            continue
    raise AssertionError(f"no {part} process in the stack at {data_dir}")


def answered_200_within(config: StackConfig, limit_s: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        result = cli(config, "request", "5", "--json", "--wait", "0")
        if result.returncode == 0 and json.loads(result.stdout)["status"] == 200:
            return time.monotonic() - started
        time.sleep(0.2)  # polling interval until the cascade answers again
    return None


def test_killed_parts_come_back_and_no_request_hangs_meanwhile(tmp_path):
    ports = Ports.free()
    config = StackConfig(ports=ports, data_dir=tmp_path)
    up = start_up(tmp_path, ports)
    report = tmp_path / "load.json"
    try:
        assert first_answer(config, up) is not None, "the stack did not start"
        load = subprocess.Popen(
            [sys.executable, "-m", "loadgen", "--rps", "20", "--duration", "300", "--timeout", "20",
             "--report", str(report)],
            env={**os.environ, **config.client_env()}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        recovered = {}
        for part in KILLED:
            time.sleep(3)  # steady load before the kill
            os.kill(pid_of(tmp_path, part), signal.SIGKILL)
            recovered[part] = answered_200_within(config, RECOVERY_LIMIT_S)
        print(f"200 again after a kill -9 of: {recovered}")
        load.send_signal(signal.SIGINT)
        _, load_errors = load.communicate(timeout=60)
    finally:
        output = stop(up)
    assert all(recovered.values()), recovered
    assert load.returncode == 0, load_errors[-2000:]
    result = json.loads(report.read_text())
    statuses = set(result["statuses"])  # a status code, or what went wrong instead ("timeout", ...)
    print(f"statuses under the kills: {result['statuses']}, latency {result['latency_ms']}")
    assert statuses <= {"200", "503", "504"} and "200" in statuses, result["statuses"]
    assert result["totals"]["completed"] == result["totals"]["sent"]
    assert result["latency_ms"]["max"] <= DEADLINE_MS, result["latency_ms"]
    for part in KILLED:
        assert f"{part} exited (code -9)" in output and f"{part} is back" in output, output
