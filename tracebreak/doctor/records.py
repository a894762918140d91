"""Joining by the Kafka record: a trace that carries no request id, but names a record that a
request's traces name, belongs to that request.

A record is its topic, partition and offset, as the messaging semantic conventions write them.
Consumers name the record they received (the aiokafka instrumentation's receive span, under the
older offset key, and a processing span alike); senders name the record they sent, on their PRODUCER
span where the instrumentation knows the offset, or in an event of the span they sent from where it
does not (aiokafka's PRODUCER span ends before the broker has answered). Where the trace context was
lost on the way, the consumer's own receive span, and the receive span of the reply, start traces
that nothing but the record ties to the request.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from tracebreak.traces.model import Trace

Record = tuple[str, str, int]
OFFSET_KEYS = ("messaging.kafka.offset", "messaging.kafka.message.offset")


def record(attributes: Mapping[str, Any]) -> Record | None:
    """The record that attributes (a span's tags, an event's fields) name, if they name one whole."""
    topic = attributes.get("messaging.destination.name")
    partition = attributes.get("messaging.destination.partition.id")
    offset = next((attributes[key] for key in OFFSET_KEYS if key in attributes), None)
    if topic is None or partition is None or offset is None:
        return None
    try:
        return str(topic), str(partition), int(offset)
    except (TypeError, ValueError):
        return None


def named(trace: Trace) -> Iterator[tuple[Record, int]]:
    """The records a trace names, each with the start of the span that names it."""
    for span in trace.spans:
        if span.kind in ("producer", "consumer") and (found := record(span.tags)) is not None:
            yield found, span.start_us
        for event in span.events:
            if (found := record(event)) is not None:
                yield found, span.start_us


def attach(requests: list[list[Trace]], loose: list[Trace]) -> list[Trace]:
    """Adds each loose trace (one with no request id) to the request whose traces name a record it
    names; returns those that joined none. Where several requests name the record (a broker that
    started over reuses offsets), the one that named it nearest in time."""
    wanted = {found for trace in loose for found, _ in named(trace)}
    if not wanted:
        return loose
    namers: dict[Record, list[tuple[int, int]]] = {}
    for index, traces in enumerate(requests):
        for trace in traces:
            for found, at_us in named(trace):
                if found in wanted:
                    namers.setdefault(found, []).append((at_us, index))
    unjoined = []
    for trace in loose:
        start_us = min(span.start_us for span in trace.spans)
        near = [
            (abs(at_us - start_us), index)
            for found, _ in named(trace)
            for at_us, index in namers.get(found, ())
        ]
        if near:
            requests[min(near)[1]].append(trace)
        else:
            unjoined.append(trace)
    return unjoined
