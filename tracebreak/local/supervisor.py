"""Keeping the local stack up for a whole workshop: a part that dies is started again, as docker
compose's `restart: unless-stopped` would, with one line said per event.

A part is restarted after a pause that grows with its recent crashes; one that dies three times
within a minute stops the stack with the end of its log, for something is wrong that a restart
will not mend. A broker that comes back has lost its in-memory topics: they are created again, and
the services find them on their own (producers reconnect, consumers rejoin and, finding their
offsets gone, start from the earliest record).
"""

import time
from collections import defaultdict, deque
from collections.abc import Callable

from tracebreak.local.processes import Process, StackError
from tracebreak.local.stack import Stack

POLL_S = 0.5  # how often the parts are looked at
WINDOW_S = 60.0
CRASHES_TO_GIVE_UP = 3
BACKOFF_S = (0.5, 2.0)  # the pause before the first and the second restart within the window


class Supervisor:
    def __init__(
        self, stack: Stack, say: Callable[[str], None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stack = stack
        self.say = say
        self.clock = clock
        self.crashes: dict[str, deque[float]] = defaultdict(deque)

    def watch(self) -> None:
        """Until interrupted, or until a part crashes too often (StackError)."""
        while True:
            for part in self.stack.dead_parts():
                self.heal(part)
            time.sleep(POLL_S)  # supervision interval: notice a part that died

    def heal(self, part: Process) -> None:
        code = part.exit_code()
        delay = self.pause_after_crash(part.name)
        if delay is None:
            raise StackError(
                f"{part.name} stopped {CRASHES_TO_GIVE_UP} times within {WINDOW_S:.0f} s (last exit code"
                f" {code}); not restarting it.\n{part.log_tail()}"
            )
        self.say(f"{part.name} exited (code {code}); restarting it in {delay:g} s")
        time.sleep(delay)  # the backoff before the restart
        started = self.clock()
        self.stack.restart_part(part.name)
        self.say(f"{part.name} is back, healthy after {self.clock() - started:.1f} s")

    def pause_after_crash(self, name: str) -> float | None:
        """Record a crash now; the pause before restarting, or None if it crashed too often."""
        now, recent = self.clock(), self.crashes[name]
        recent.append(now)
        while recent and now - recent[0] > WINDOW_S:
            recent.popleft()
        if len(recent) >= CRASHES_TO_GIVE_UP:
            return None
        return BACKOFF_S[len(recent) - 1]
