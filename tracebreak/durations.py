"""Durations written as Jaeger takes them, for every option and parameter that reads one."""

import re

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_BARE_SECONDS = re.compile(r"\d+(?:\.\d+)?")
_MICROSECONDS = {
    "ns": 0.001,
    "us": 1,
    "µs": 1,
    "ms": 1_000,
    "s": 1_000_000,
    "m": 60_000_000,
    "h": 3_600_000_000,
}


# Times and durations are signed 64-bit integers (Jaeger's int64, the store's SQLite columns).
MAX_INT64 = 2**63 - 1


def parse_duration_us(text: str) -> int:
    """A Go duration string, as Jaeger takes it ("100ms", "1h30m", "1.5s"), or a bare number of
    seconds (as wrk's -d takes it: "20"), in microseconds."""
    written = text.strip()
    if _BARE_SECONDS.fullmatch(written):
        written += "s"
    parts = _DURATION.findall(written)
    if not parts or "".join(number + unit for number, unit in parts) != written:
        raise ValueError(f"{text!r} is not a duration; write it like 100ms, 2s, 10m, 1h or 20 (seconds)")
    micros = int(sum(float(number) * _MICROSECONDS[unit] for number, unit in parts))
    if micros > MAX_INT64:
        raise ValueError(f"{text!r} is longer than any trace can be")
    return micros
