import logging

from aiokafka import AIOKafkaConsumer
from opentelemetry import context, propagate, trace

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


def carrier(headers) -> dict[str, str]:
    return {key: value.decode() for key, value in headers if value is not None}


async def consume(consumer: AIOKafkaConsumer) -> None:
    async for message in consumer:
        log.info("got offset %s", message.offset)
        await handle(message)


async def handle(message) -> None:
    token = context.attach(propagate.extract(carrier(message.headers)))
    try:
        with tracer.start_as_current_span("ship order"):
            log.info("shipping %s", message.value)
    finally:
        context.detach(token)


async def consume_one(consumer: AIOKafkaConsumer) -> None:
    record = await consumer.getone()
    parent = propagate.extract(carrier(record.headers))
    with tracer.start_as_current_span("ship order", context=parent):
        log.info("shipping %s", record.value)
