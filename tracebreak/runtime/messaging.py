"""Kafka conventions of every tracebreak producer and consumer: record headers as a text-map
carrier and where a record sent is written down."""

import asyncio
import logging
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import RecordMetadata
from opentelemetry import trace

log = logging.getLogger(__name__)

FOLLOW_S = 1.0

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


def record_attributes(topic: str, partition: int, offset: int) -> dict[str, str | int]:
    """A record's identity in the messaging semantic conventions: topic, partition and offset."""
    return {
        "messaging.destination.name": topic,
        "messaging.destination.partition.id": str(partition),
        "messaging.kafka.offset": offset,
    }


SENT_EVENT = "record sent"


async def send(producer: AIOKafkaProducer, topic: str, value: bytes, headers: KafkaHeaders) -> RecordMetadata:
    """Send a record and wait for the broker to take it; the span it was sent from says where it landed.

    The aiokafka instrumentation's PRODUCER span ends before the record is even queued: it never
    learns the offset, and for a record without a key it names a partition of its own drawing, not
    the one the record went to. Only the broker's answer knows both. With them a record is found
    again from the consumer's side (whose receive span names the same three), even where no trace
    context travelled with it."""
    sent = await producer.send_and_wait(topic, value, headers=headers)
    trace.get_current_span().add_event(SENT_EVENT, record_attributes(sent.topic, sent.partition, sent.offset))
    return sent


async def follow(
    consumer: AIOKafkaConsumer, producer: AIOKafkaProducer, topics: Callable[[], list[str]]
) -> None:
    """Keep a consumer assigned to every partition of `topics()` that exists, as generations pass;
    partitions it keeps stay at their position, new ones start where the group (or the reset
    policy) says. The producer beside it learns the partitions: a consumer's own metadata knows
    only the topics it already reads."""
    while True:
        try:
            await reassign(consumer, producer, topics())
        except KafkaError as error:  # a broker away: the next look, once it is back, catches up
            log.warning("could not follow the topics' generations: %r", error)
        await asyncio.sleep(FOLLOW_S)  # how often the live generations are looked at


async def reassign(consumer: AIOKafkaConsumer, producer: AIOKafkaProducer, topics: list[str]) -> None:
    existing = await consumer.topics()
    wanted = {
        TopicPartition(topic, partition)
        for topic in topics
        if topic in existing
        for partition in await producer.partitions_for(topic)
    }
    current = consumer.assignment()
    if wanted == current:
        return
    kept = {tp: await consumer.position(tp) for tp in current & wanted}
    consumer.assign(sorted(wanted))
    for tp, offset in kept.items():
        consumer.seek(tp, offset)
