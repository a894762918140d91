"""W3C Trace Context's traceparent header, read strictly and free of the OpenTelemetry SDK: the strict
propagator (runtime/w3c.py), `tracebreak wire` and the pytest plugin's headers= read it alike."""

import re
from typing import Final

TRACEPARENT: Final = "traceparent"
KNOWN_FLAGS: Final = 0x03  # sampled 0x01 and random-trace-id 0x02: the flags this implementation knows
OWS: Final = " \t"  # optional whitespace around a header's value (RFC 9110)
_V00_LENGTH: Final = 55  # "00-" + 32 + "-" + 16 + "-" + 2
_VERSION_RE: Final = re.compile(r"[0-9a-f]{2}-")
_FIELDS_RE: Final = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")


def parse_traceparent(value: str) -> tuple[int, int, int] | None:
    """(trace_id, parent_id, flags) of one traceparent field value, or None if it is invalid."""
    value = value.strip(OWS)
    if len(value) < _V00_LENGTH or not _VERSION_RE.match(value):
        return None  # shorter than 55 characters, or no "2 hex characters followed by a dash"
    version = value[:2]
    if version == "ff":
        return None
    if version == "00" and len(value) != _V00_LENGTH:
        return None
    if len(value) > _V00_LENGTH and value[_V00_LENGTH] != "-":
        return None  # a future version's flags must be "at the end of the string or followed by a dash"
    match = _FIELDS_RE.fullmatch(value[:_V00_LENGTH])
    if match is None:
        return None
    trace_id, parent_id = int(match.group(2), 16), int(match.group(3), 16)
    if trace_id == 0 or parent_id == 0:
        return None
    return trace_id, parent_id, int(match.group(4), 16) & KNOWN_FLAGS
