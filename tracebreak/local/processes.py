"""Child processes of the local stack: started with their logs in files, stopped without orphans."""

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tracebreak.local import launcher

STOP_TIMEOUT_S = 10


class StackError(RuntimeError):
    """A part of the stack failed; the message names it and shows the end of its log."""


def poll(check: Callable[[], str | None], timeout_s: float) -> str | None:
    """Call `check` until it reports nothing wrong (None) or the deadline; returns the last problem."""
    deadline = time.monotonic() + timeout_s
    while (problem := check()) is not None and time.monotonic() < deadline:
        time.sleep(0.1)  # polling interval of a deadline-bounded wait
    return problem


def http_ok(url: str) -> str | None:
    """A health check: None when GET url answers 200, else what went wrong."""
    try:
        response = httpx.get(url, timeout=1)
    except httpx.HTTPError as error:
        return f"GET {url}: {error.__class__.__name__}"
    return None if response.status_code == 200 else f"GET {url} answered {response.status_code}"


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    healthy: Callable[[], str | None]  # None when healthy, else what is still wrong
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            # No preexec_fn: with one, subprocess must fork() to run Python in the child, and fork()
            # runs the fork handlers of gRPC, whose threads the runner holds (B's health channel):
            # they stop gRPC's threads before the fork (the wait in which a stack start once hung)
            # and start them again in the child. Without one, subprocess spawns with vfork and exec,
            # in C, and no handler runs. GRPC_ENABLE_FORK_SUPPORT stays unset: gRPC reads it once, on
            # import, so the runner cannot set it for itself, and such a spawn does not need it.
            self.popen = subprocess.Popen(
                launcher.argv(self.argv),  # dies with the runner
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own session and process group (setsid in C): a Ctrl-C in the terminal reaches
                # the runner alone, which stops the parts in order; and stop() can find its children.
                start_new_session=True,
            )

    def exit_code(self) -> int | None:
        """None while the process runs, else its exit code (negative: the signal that ended it). Read
        without reaping it: until stop() does, its pid, the id of its process group, stays its own."""
        if self.popen is None:
            return None
        if self.popen.returncode is not None:
            return self.popen.returncode
        try:
            ended = os.waitid(os.P_PID, self.popen.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:  # reaped elsewhere
            return self.popen.poll()
        if ended is None:
            return None
        return -ended.si_status if ended.si_code in (os.CLD_KILLED, os.CLD_DUMPED) else ended.si_status

    @property
    def running(self) -> bool:
        return self.popen is not None and self.exit_code() is None

    def wait_healthy(self, timeout_s: float) -> None:
        def check() -> str | None:
            return self.healthy() if self.running else "exited"

        problem = poll(check, timeout_s)
        if problem == "exited":
            raise StackError(
                f"{self.name} exited with code {self.exit_code()} while starting.\n{self.log_tail()}"
            )
        if problem is not None:
            raise StackError(
                f"{self.name} was not healthy after {timeout_s:.0f} s: {problem}\n{self.log_tail()}"
            )

    def stop(self) -> int | None:
        """SIGTERM, and wait for the process; then SIGKILL for whatever its process group still holds:
        the process itself if it did not stop in time, and any child it left behind."""
        if self.popen is None:
            return None
        if self.popen.returncode is None:  # not reaped: the group's id cannot be another's yet
            if self.running:
                os.kill(self.popen.pid, signal.SIGTERM)
                poll(lambda: "running" if self.running else None, STOP_TIMEOUT_S)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        return self.popen.wait()

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return f"(no log at {self.log_path})"
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(text)
