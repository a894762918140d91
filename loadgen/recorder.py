"""What happened to every request: latency histograms, statuses and a per-second series."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hdrh.histogram import HdrHistogram

MAX_LATENCY_US = 3_600_000_000  # an hour: anything slower is recorded as an hour
PERCENTILES = (50, 90, 99, 99.9)


def _histogram() -> HdrHistogram:
    return HdrHistogram(1, MAX_LATENCY_US, 3)


@dataclass
class Second:
    target_rps: float = 0.0
    sent: int = 0
    skipped: int = 0
    completed: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    latency: HdrHistogram = field(default_factory=_histogram)


class Recorder:
    def __init__(self) -> None:
        self.latency = _histogram()
        self.statuses: Counter[str] = Counter()
        self.seconds: dict[int, Second] = {}
        self.sent = self.skipped = 0
        self.trace_ids: list[str] = []

    def second(self, t: float) -> Second:
        # Not setdefault(key, Second()): that would build a histogram on every call.
        key = int(t)
        if (bucket := self.seconds.get(key)) is None:
            bucket = self.seconds[key] = Second()
        return bucket

    def on_sent(self, intended: float, target_rps: float) -> None:
        self.sent += 1
        bucket = self.second(intended)
        bucket.sent += 1
        bucket.target_rps = target_rps

    def on_skipped(self, intended: float, target_rps: float) -> None:
        self.skipped += 1
        bucket = self.second(intended)
        bucket.skipped += 1
        bucket.target_rps = target_rps

    def on_done(self, intended: float, latency_s: float, status: str, trace_id: str | None) -> None:
        """Latency runs from the intended send time: a late start counts against the system."""
        micros = min(MAX_LATENCY_US, max(1, round(latency_s * 1_000_000)))
        self.latency.record_value(micros)
        self.statuses[status] += 1
        bucket = self.second(intended)
        bucket.completed += 1
        bucket.statuses[status] += 1
        bucket.latency.record_value(micros)
        if trace_id:
            self.trace_ids.append(trace_id)

    @property
    def completed(self) -> int:
        return sum(self.statuses.values())

    def error_statuses(self) -> dict[str, int]:
        return {status: count for status, count in self.statuses.items() if not status.startswith("2")}

    @property
    def errors(self) -> int:
        return sum(self.error_statuses().values())

    def percentiles_ms(self, histogram: HdrHistogram | None = None) -> dict[str, float]:
        h = histogram or self.latency
        if h.get_total_count() == 0:
            return {**{f"p{p:g}": 0.0 for p in PERCENTILES}, "max": 0.0}
        found = {f"p{p:g}": h.get_value_at_percentile(p) / 1000 for p in PERCENTILES}
        return {**found, "max": h.get_max_value() / 1000}

    def series(self) -> list[dict[str, Any]]:
        return [
            {
                "second": t,
                "target_rps": round(s.target_rps, 3),
                "sent": s.sent,
                "skipped": s.skipped,
                "completed": s.completed,
                "statuses": dict(s.statuses),
                **{f"{k}_ms": v for k, v in self.percentiles_ms(s.latency).items()},
            }
            for t, s in sorted(self.seconds.items())
        ]
