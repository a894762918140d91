import logging

from aiokafka import AIOKafkaConsumer
from opentelemetry import trace

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


async def consume(consumer: AIOKafkaConsumer) -> None:
    async for message in consumer:
        log.info("got offset %s", message.offset)
        with tracer.start_as_current_span("ship order"):  # expect: TB401
            await ship(message.value)


async def ship(order: bytes) -> None:
    log.info("shipping %s", order)


async def consume_one(consumer: AIOKafkaConsumer, handler) -> None:
    record = await consumer.getone()
    await handler(record)  # expect: TB401
