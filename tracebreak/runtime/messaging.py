"""Kafka conventions of every tracebreak producer and consumer: record headers as a text-map
carrier, and how long a fetch waits."""

from collections.abc import Sequence

# aiokafka waits up to 500 ms for data by default, which makes one request/reply round trip on a
# local broker take about 250 ms; 10 ms brings it to a few milliseconds.
FETCH_MAX_WAIT_MS = 10

KafkaHeaders = Sequence[tuple[str, bytes | None]]


def carrier(headers: KafkaHeaders) -> dict[str, str]:
    """Record headers as the text-map carrier propagators read. Undecodable values are skipped."""
    found: dict[str, str] = {}
    for key, value in headers:
        if value is None:
            continue
        try:
            found[key] = value.decode()
        except UnicodeDecodeError:
            continue
    return found


def headers(values: dict[str, str | None]) -> list[tuple[str, bytes]]:
    return [(key, value.encode()) for key, value in values.items() if value is not None]
