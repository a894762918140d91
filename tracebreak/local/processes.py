"""Child processes of the local stack: started with their logs in files, stopped without orphans."""

import ctypes
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STOP_TIMEOUT_S = 10
_PR_SET_PDEATHSIG = 1


class StackError(RuntimeError):
    """A part of the stack failed; the message names it and shows the end of its log."""


try:
    _prctl = ctypes.CDLL(None).prctl  # looked up here: a forked child should only make the call
except (OSError, AttributeError):
    _prctl = None


def _die_with_parent() -> None:
    # Own process group, so a Ctrl-C in the terminal reaches the runner alone and it stops the
    # parts in order; and, on Linux, a SIGTERM to the child if the runner itself is killed.
    os.setsid()
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


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
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def wait_healthy(self, timeout_s: float) -> None:
        def check() -> str | None:
            return self.healthy() if self.running else "exited"

        problem = poll(check, timeout_s)
        if problem == "exited":
            code = self.popen.returncode if self.popen else None
            raise StackError(f"{self.name} exited with code {code} while starting.\n{self.log_tail()}")
        if problem is not None:
            raise StackError(
                f"{self.name} was not healthy after {timeout_s:.0f} s: {problem}\n{self.log_tail()}"
            )

    def stop(self) -> int | None:
        """SIGTERM, and wait for the process; kill it if it does not stop in time."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        return self.popen.returncode

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return f"(no log at {self.log_path})"
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(text)
