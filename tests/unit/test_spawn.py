"""How the local stack spawns a part: no code between fork and exec beside gRPC's threads, and never a
hang there; the part in its own session, dead with the runner, and nothing of it left after a stop."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tracebreak.local import launcher
from tracebreak.local.processes import Process, poll

SPAWNS = 40
SPAWN_DEADLINE_S = 60  # 40 spawns take about 2 s

# A runner in a process of its own: it starts a part, says the part's pid, and waits to be killed.
RUNNER = """
import os, sys, time
from pathlib import Path
from tracebreak.local.processes import Process
part = Process("part", ["sleep", "600"], dict(os.environ), Path(sys.argv[1]), lambda: None)
part.start()
print(part.popen.pid, flush=True)
time.sleep(600)
"""


def gone(pid: int) -> bool:
    """Exited: no such process, or one that only waits to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def running(pid: int, program: str) -> str | None:
    """None once `pid` runs `program` (the launcher has become it), else what it runs."""
    try:
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    except OSError as error:
        return str(error)
    return None if argv0 == program else f"{pid} runs {argv0}"


def test_parts_spawned_beside_a_busy_grpc_channel_run_no_fork_handler_and_never_hang(tmp_path):
    argv = [sys.executable, "-m", "tests.support.spawn_beside_grpc", str(SPAWNS), str(tmp_path / "part.log")]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=SPAWN_DEADLINE_S)
    except subprocess.TimeoutExpired as hung:
        pytest.fail(f"spawning beside gRPC hung for {SPAWN_DEADLINE_S} s: {str(hung.stderr)[-2000:]}")
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout)
    print(seen)
    assert seen["grpc_threads"] == 2, "gRPC's timer and lifeguard threads are what this test watches"
    assert seen == {**seen, "python_at_fork": 0, "grpc_threads_replaced": 0, "failed": 0}


def test_a_part_runs_in_its_own_session_and_dies_with_its_runner(tmp_path):
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(tmp_path / "part.log")], stdout=subprocess.PIPE, text=True
    )
    try:
        pid = int(runner.stdout.readline())  # type: ignore[union-attr]
        assert poll(lambda: running(pid, "sleep"), 10) is None
        assert os.getsid(pid) == pid  # a Ctrl-C in the runner's terminal does not reach it
    finally:
        runner.kill()
        runner.wait()
    assert poll(lambda: None if gone(pid) else "still running", 10) is None


def test_the_launcher_starts_nothing_once_its_runner_is_gone(tmp_path):
    ran = tmp_path / "ran"
    # Pid 1 stands for a runner that died: the launcher's parent is not it.
    argv = [sys.executable, launcher.__file__, "1", "touch", str(ran)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert done.stderr.strip() == "the local stack's runner (pid 1) exited before touch started"
    assert not ran.exists()


def test_a_program_that_cannot_run_is_one_line():
    done = subprocess.run(launcher.argv(["no-such-program"]), capture_output=True, text=True, timeout=30)
    assert done.returncode == launcher.NOT_FOUND
    assert done.stderr.strip() == "cannot run no-such-program: No such file or directory"


def test_a_stopped_part_leaves_no_child_behind(tmp_path):
    log = tmp_path / "part.log"
    part = Process(
        "part", ["sh", "-c", "sleep 600 & echo started; wait"], dict(os.environ), log, lambda: None
    )
    part.start()
    pid = part.popen.pid  # type: ignore[union-attr]
    try:
        assert poll(lambda: None if "started" in log.read_text() else "not started", 10) is None
        children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        assert len(children) == 1, children
    finally:
        assert part.stop() == -signal.SIGTERM
    assert poll(lambda: None if gone(children[0]) else "the part's child still runs", 5) is None
