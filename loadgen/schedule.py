"""When each request is meant to leave: stages of constant or ramping rate, constant or Poisson gaps."""

import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tracebreak.durations import parse_duration_us

_STAGE = re.compile(r"^\s*([^:]+):\s*(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s*$")


class ScheduleError(ValueError):
    """A rate or a stage that cannot be run; the message says what is expected."""


@dataclass(frozen=True)
class Stage:
    seconds: float
    start_rps: float
    end_rps: float  # equal to start_rps for a step, different for a ramp

    def rate_at(self, t: float) -> float:
        return self.start_rps + (self.end_rps - self.start_rps) * (t / self.seconds)


def parse_stages(text: str) -> list[Stage]:
    """'30s:10,60s:200' holds 10 then 200 requests per second; '30s:10-200' ramps from 10 to 200."""
    stages = []
    for part in text.split(","):
        match = _STAGE.match(part)
        if not match:
            raise ScheduleError(
                f"stage {part.strip()!r} is not DURATION:RATE or DURATION:FROM-TO (e.g. 30s:100 or 1m:10-200)"
            )
        try:
            seconds = parse_duration_us(match.group(1).strip()) / 1_000_000
        except ValueError as error:
            raise ScheduleError(f"stage {part.strip()!r}: {error}") from error
        start = float(match.group(2))
        end = float(match.group(3)) if match.group(3) else start
        if seconds <= 0 or max(start, end) <= 0:
            raise ScheduleError(f"stage {part.strip()!r}: its duration and its rate must be above 0")
        stages.append(Stage(seconds, start, end))
    return stages


def constant(rps: float, seconds: float) -> list[Stage]:
    if rps <= 0:
        raise ScheduleError(f"--rps must be above 0, got {rps:g}")
    if seconds <= 0:
        raise ScheduleError(f"--duration must be above 0, got {seconds:g} s")
    return [Stage(seconds, rps, rps)]


def send_times(stages: list[Stage], poisson: bool = False, seed: int | None = None) -> Iterator[float]:
    """Intended send times, in seconds from the start. Constant arrivals space requests evenly in
    "request time" (the integral of the rate); Poisson arrivals draw those gaps from an exponential."""
    rng = random.Random(seed)
    offset = 0.0
    for stage in stages:
        work = 0.0  # requests "owed" since the stage began: the integral of its rate
        total = (stage.start_rps + stage.end_rps) / 2 * stage.seconds
        while work < total - 1e-9:  # each request at the start of its share of the stage
            yield offset + _time_for(stage, work)
            work += rng.expovariate(1.0) if poisson else 1.0
        offset += stage.seconds


def _time_for(stage: Stage, work: float) -> float:
    """The time t within the stage at which the integral of its rate reaches `work`."""
    a = (stage.end_rps - stage.start_rps) / stage.seconds / 2  # rate(t) = start + 2a t
    if abs(a) < 1e-12:
        return work / stage.start_rps
    b, c = stage.start_rps, -work
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def duration(stages: list[Stage]) -> float:
    return sum(stage.seconds for stage in stages)
