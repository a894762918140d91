"""The local stack started many times in one process and its parts restarted many times, and never a
hang; a part that never comes up is named with the end of its log, and nothing the start began is left."""

import json
import queue
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.up_command import processes_of
from tracebreak.local.processes import StackError, poll
from tracebreak.local.stack import Stack, StackConfig
from tracebreak.runtime.ports import Ports

CYCLES = 5
KILLS = 6  # A, B and C twice each
# The longest the driver may stay silent: a step (a stack's start and stop, a restart, the cascade
# answering again) takes 1 to 4 s, up to 15 s on two busy cores; one that hung never ends.
SILENCE_S = 45
NEVER_S = 8  # the start deadline in the test of a part that never comes up


def left_running(*data_dirs: Path) -> str | None:
    left = [pid for data_dir in data_dirs for pid in processes_of(data_dir)]
    return f"processes of the stacks still running: {left}" if left else None


def said(argv: list[str], silence_s: float) -> tuple[list[str], int | None]:
    """What a command says, line by line, and its exit code; None if it fell silent for `silence_s`
    (then it is killed)."""
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    heard: queue.Queue[str | None] = queue.Queue()

    def listen() -> None:
        for line in child.stdout:  # type: ignore[union-attr]
            heard.put(line.rstrip("\n"))
        heard.put(None)

    threading.Thread(target=listen, daemon=True).start()
    lines: list[str] = []
    try:
        while (line := heard.get(timeout=silence_s)) is not None:
            lines.append(line)
    except queue.Empty:
        child.kill()
        child.wait()
        return lines, None
    return lines, child.wait()


def test_stacks_started_many_times_in_one_process_and_parts_restarted_many_times_never_hang(tmp_path):
    argv = [sys.executable, "-m", "tests.support.stack_cycles", str(tmp_path), str(CYCLES), str(KILLS)]
    started = time.monotonic()
    lines, code = said(argv, SILENCE_S)
    print(f"{CYCLES} stacks and {KILLS} restarts in {time.monotonic() - started:.1f} s")
    output = "\n".join(lines)
    # Killed while hung, the runner's parts are stopped by the kernel (they die with it).
    leftovers = poll(lambda: left_running(*tmp_path.iterdir()), 15)
    assert code is not None, f"hung: nothing said for {SILENCE_S} s after:\n{output[-3000:]}"
    assert leftovers is None
    assert code == 0, output[-3000:]
    result = json.loads(next(line for line in reversed(lines) if line.startswith("{")))
    assert result == {
        "cycles": CYCLES,
        "replaced_at_start": 0,
        "replaced_at_restart": 0,
        "answer_after": None,
    }
    assert output.count("exited (code -9); restarting it") == KILLS, output
    assert output.count(" is back, healthy after ") == KILLS, output


def test_a_part_that_never_comes_up_is_named_with_its_log_and_nothing_is_left(tmp_path):
    stack = Stack(StackConfig(ports=Ports.free(), data_dir=tmp_path))
    # A service-a that starts a worker of its own, says what it waits for, and never listens.
    never = ["sh", "-c", "sleep 600 & echo waiting for a database that never answers; wait"]
    stack.processes["service-a"] = replace(stack.processes["service-a"], argv=never)
    started = time.monotonic()
    with pytest.raises(StackError) as failure:
        stack.start(timeout_s=NEVER_S)
    print(f"gave up after {time.monotonic() - started:.1f} s:\n{failure.value}")
    lines = str(failure.value).splitlines()
    url = f"http://127.0.0.1:{stack.config.ports.service_a}/healthz"
    assert lines[0] == f"service-a was not healthy after {NEVER_S} s: GET {url}: ConnectError"
    assert lines[1:] == [f"--- last lines of {tmp_path / 'logs' / 'service-a.log'} ---",
                         "waiting for a database that never answers"]  # fmt: skip
    assert poll(lambda: left_running(tmp_path), 5) is None
