"""The first program of every part of the local stack: `python launcher.py RUNNER_PID COMMAND...`.

It asks the kernel for a SIGTERM when the runner dies (PR_SET_PDEATHSIG, kept across exec), checks
that the runner is still its parent, and becomes COMMAND. The runner spawns with no code of its own
between fork and exec (processes.py says why), so this request, which only the child can make, is
made here, after exec, in a fresh interpreter: standard library only, run as a file with -I -S so
it starts in about 15 ms.

Not `setpriv --pdeathsig` (util-linux): it makes the same request but does not check the parent
afterwards, so a runner killed between the spawn and the request would leave the part running.
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
NOT_FOUND = 127  # the shell's exit code for a command it could not run


def argv(command: list[str]) -> list[str]:
    """`command`, run through this launcher, to die with the calling process."""
    return [sys.executable, "-I", "-S", os.path.abspath(__file__), str(os.getpid()), *command]


def die_with(runner: int, program: str) -> None:
    # The kernel sends the signal when the thread that spawned the part ends, not only the process:
    # the runner spawns from its main thread.
    prctl = getattr(ctypes.CDLL(None), "prctl", None)
    if prctl is None:  # not Linux: a part outlives a runner that is killed with SIGKILL
        return
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != runner:  # the runner died before the request: nothing will send the signal
        sys.exit(f"the local stack's runner (pid {runner}) exited before {program} started")


def main() -> None:
    runner, command = int(sys.argv[1]), sys.argv[2:]
    die_with(runner, command[0])
    try:
        os.execvp(command[0], command)
    except OSError as error:
        print(f"cannot run {command[0]}: {error.strerror}", file=sys.stderr)
        sys.exit(NOT_FOUND)


if __name__ == "__main__":
    main()
