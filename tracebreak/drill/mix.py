"""The secret mix a drill turns on, drawn from the catalogue by level and seed (the same seed, the
same mix: a host can give a pair the same drill)."""

import random
from dataclasses import dataclass
from typing import Any

from tracebreak.chaos.catalogue import CATALOGUE, DOWNSTREAM_TIMEOUT, SILENT_EXCEPTION_RECOVERY, Toggle
from tracebreak.chaos.setting import RATE, SERVICE, SWITCH
from tracebreak.demo import SERVICES

LEVELS = {
    1: "one breaker",
    2: "a breaker and a fault",
    3: "two breakers at different rates, and a fault",
}
# Pairs where one hides the other: B's missing (or B3-only) propagator sends C no context C reads,
# and no baggage to cut off.
MASKING = {
    frozenset({"propagator-not-registered", "kafka-consumer-no-extract"}),
    # Both replace B's propagator: with none registered, the B3 one never speaks.
    frozenset({"propagator-not-registered", "propagator-mismatch"}),
    frozenset({"propagator-mismatch", "kafka-consumer-no-extract"}),
    frozenset({"propagator-not-registered", "baggage-overflow"}),
    frozenset({"propagator-mismatch", "baggage-overflow"}),
}
FAULT_VALUES = {
    "auth-error-rate": 0.2,
    "downstream-latency-ms": 300,
    "downstream-timeout": 0.3,
    "span-export-overflow": "service-b",
}
BREAKERS = [t for t in CATALOGUE if t.kind == "breaker"]
FAULTS = [t for t in CATALOGUE if t.kind == "fault"]


@dataclass(frozen=True)
class Mix:
    breakers: dict[str, Any]  # what the trainee must find
    faults: dict[str, Any]  # incidents on top: nothing to fix in the tracing, named for fewer points

    @property
    def toggles(self) -> dict[str, Any]:
        return {**self.breakers, **self.faults}


def draw(level: int, seed: int) -> Mix:
    if level not in LEVELS:
        raise ValueError(f"--level must be 1, 2 or 3 ({'; '.join(f'{n}: {w}' for n, w in LEVELS.items())})")
    chance = random.Random(seed)
    breakers = chance.sample(BREAKERS, 2 if level == 3 else 1)
    while frozenset(t.name for t in breakers) in MASKING:
        breakers = chance.sample(BREAKERS, 2)
    rates = [1.0, 0.5]
    chosen = {t.name: _value(t, rates[i], chance) for i, t in enumerate(breakers)}
    faults: dict[str, Any] = {}
    if SILENT_EXCEPTION_RECOVERY.name in chosen:  # it acts only where the database times out
        faults[DOWNSTREAM_TIMEOUT.name] = FAULT_VALUES[DOWNSTREAM_TIMEOUT.name]
    elif level >= 2:
        fault = chance.choice(FAULTS)
        faults[fault.name] = FAULT_VALUES[fault.name]
    return Mix(chosen, faults)


def _value(t: Toggle, rate: float, chance: random.Random) -> Any:
    if t.setting is RATE:
        return rate
    if t.setting is SWITCH:
        return True
    if t.setting is SERVICE:
        return chance.choice(SERVICES)
    raise ValueError(f"{t.name} takes no value a drill knows how to draw")
