"""Topics that roll over by time, for the local broker."""

import re
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Generations:
    """Topics that roll over by time: `enrichment.requests.g<N>`, a new N every `period_s` seconds.

    The local broker (Tansu, in-memory storage) lists every record batch a partition holds on each
    fetch that finds new data, and never trims them: a fixed topic gets slower the longer it lives.
    So on the local stack B writes to the current generation's topics, the readers follow the live
    generations, and the runner creates the next ones ahead and deletes the old ones. `period_s` 0
    keeps fixed topics (Apache Kafka, docker compose).
    """

    period_s: int = 0

    def current(self, now: float | None = None) -> int:
        return int((time.time() if now is None else now) // self.period_s) if self.period_s else 0

    def name(self, base: str, generation: int) -> str:
        return f"{base}.g{generation}" if self.period_s else base

    def live(self, base: str, now: float | None = None) -> list[str]:
        """What a reader follows: the generation being written, the one before (records still in
        flight across the change) and the next (created ahead)."""
        generation = self.current(now)
        return (
            [self.name(base, g) for g in (generation - 1, generation, generation + 1)]
            if self.period_s
            else [base]
        )

    def base(self, topic: str) -> str:
        """The topic's name without its generation: what spans are named after."""
        return GENERATION_SUFFIX.sub("", topic) if self.period_s else topic


GENERATION_SUFFIX = re.compile(r"\.g\d+$")
