"""`tracebreak up` as a user runs it: serving within a minute, and Ctrl-C leaves no process behind."""

import socket
import time
from dataclasses import fields

from tests.support.stack import cli
from tests.support.up_command import first_answer, processes_of, start_up, stop
from tracebreak.local.stack import StackConfig
from tracebreak.runtime.ports import Ports


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
