"""Service C, "enrichment": consumes enrichment requests, asks the database, replies to B.

One record's way through C, read top to bottom, is the Context Law at a Kafka boundary: receive the
record, Extract the context from its headers, Process it under a span parented to that context,
Inject the context into the reply. The aiokafka instrumentation's own CONSUMER span is ended before
the record reaches this code, so the processing span cannot rely on it: C extracts itself. How many
records are answered at once, and when their offsets are committed, is workers.py's.

C can also take its records in batches (the kafka-batch-links design): a batch is processed under one
span, in a trace of its own, linked to each record's context; each record's work runs below it with
the record's baggage.
"""

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from opentelemetry import baggage, context, propagate, trace
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from services.service_c.client import CORRELATION_ID_HEADER, REPLY_TO_HEADER, Reply, decode_request
from services.service_c.database import OrdersDatabase
from services.service_c.orders_db import DEFAULT_TENANT
from services.service_c.workers import CONCURRENCY, Workers
from tracebreak.chaos.catalogue import KAFKA_BATCH_LINKS, KAFKA_CONSUMER_NO_EXTRACT
from tracebreak.chaos.reader import chaos
from tracebreak.demo import TENANT_KEY
from tracebreak.runtime import messaging
from tracebreak.runtime.boundary import received
from tracebreak.runtime.correlation import REQUEST_ID_HEADER, current_request_id
from tracebreak.runtime.generations import Generations

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

GROUP_ID = "enrichment"
FIXED_TOPICS = Generations()
BATCH_WAIT_MS = 100  # how long a batch waits for its first record: the toggle is read again after


class Enrichment:
    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        database: OrdersDatabase,
        generations: Generations = FIXED_TOPICS,
    ) -> None:
        self.consumer = consumer
        self.producer = producer
        self.database = database
        self.generations = generations
        self.workers = Workers(consumer)

    def ready(self) -> bool:
        return bool(self.consumer.assignment())

    async def consume(self) -> None:
        """Every request record, each answered in a task of its own, until cancelled."""
        async with self.workers:
            while True:
                # A task per fetch: a toggle decided before any span is recorded by the fetch's records.
                await asyncio.create_task(self.fetch())

    async def fetch(self) -> None:
        if chaos.hits(KAFKA_BATCH_LINKS):
            # design: kafka-batch-links. LINKS: the records at hand as one batch, under one span of a
            # trace of its own that links to each record's context. A search by a request's trace id
            # then finds C's receive span, not its work: that is in the batch's trace, found by link.
            await self.batch(await self.consumer.getmany(timeout_ms=BATCH_WAIT_MS, max_records=CONCURRENCY))
        else:
            # RIGHT TOO, the default: one record at a time, its work continuing its request's trace.
            record = await self.consumer.getone()
            partition = TopicPartition(record.topic, record.partition)
            await self.workers.start(self.receive(record), partition, record.offset)

    async def batch(self, fetched: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """Process the records under one span that follows from each; it ends once all are answered."""
        records = [record for partition in fetched.values() for record in partition]
        if not records:
            return
        destination = self.generations.base(records[0].topic)
        # A trace of its own (no parent: context=Context()): a batch belongs to no one request.
        with tracer.start_as_current_span(
            f"{destination} process",
            context=context.Context(),
            kind=SpanKind.CONSUMER,
            links=[record_link(record) for record in records],
            attributes=batch_attributes(destination, len(records)),
        ) as span:
            answers = [
                await self.workers.start(
                    self.receive(r, span), TopicPartition(r.topic, r.partition), r.offset
                )
                for r in records
            ]
            await asyncio.gather(*answers)

    async def receive(self, record: ConsumerRecord, batch: trace.Span | None = None) -> None:
        """Receive one record (the instrumentation's `receive` span has ended already): its request id
        is the one of every line logged while it is answered."""
        headers = messaging.carrier(record.headers)
        bound = current_request_id.set(headers.get(REQUEST_ID_HEADER))
        try:
            await self.extract_context(record, headers, batch)
        finally:
            # The worker's lines after it (a failure, the commit) name no request.
            current_request_id.reset(bound)

    async def extract_context(
        self, record: ConsumerRecord, headers: dict[str, str], batch: trace.Span | None = None
    ) -> None:
        """Extract B's context from the record's headers and process the record under it (under the
        batch's span, with the record's baggage, where it came in a batch)."""
        if chaos.hits(KAFKA_CONSUMER_NO_EXTRACT):
            # chaos: kafka-consumer-no-extract. WRONG: trusting the aiokafka instrumentation. Its
            # CONSUMER span ended before getone returned, so the work below starts new traces.
            await self.process(record, headers)
        else:
            # RIGHT: Extract. B's context, trace and baggage alike, becomes the context of everything below.
            extracted = propagate.extract(headers)
            token = context.attach(
                extracted if batch is None else trace.set_span_in_context(batch, extracted)
            )
            try:
                await self.process(record, headers)
            finally:
                context.detach(token)

    async def process(self, record: ConsumerRecord, headers: dict[str, str]) -> None:
        """Process the record under a span of its own: look the order up, send the reply."""
        # Named after the topic, not its generation: one name for a trainee to look for.
        destination = self.generations.base(record.topic)
        with tracer.start_as_current_span(
            f"{destination} process",
            kind=SpanKind.CONSUMER,
            attributes=process_attributes(record, destination),
        ) as span:
            # The inbound boundary: the processing span, under the context extracted above.
            received(headers.get(REQUEST_ID_HEADER), span, "kafka")
            user = baggage.get_baggage("enduser.id")
            if user:
                span.set_attribute("enduser.id", str(user))
            reply_to = headers.get(REPLY_TO_HEADER)
            correlation_id = headers.get(CORRELATION_ID_HEADER)
            if not reply_to or not correlation_id:
                # Nobody can be answered: record why and move on, so one bad record blocks nothing.
                message = f"request at offset {record.offset} lacks the reply-to or correlation-id header"
                span.set_status(Status(StatusCode.ERROR, message))
                log.error("%s; skipped", message)
                return
            reply = await self.look_up_order(record.value, span, tenant_of(span))
            await self.send_reply(
                reply_to,
                reply,
                {CORRELATION_ID_HEADER: correlation_id, REQUEST_ID_HEADER: headers.get(REQUEST_ID_HEADER)},
                span,
            )

    async def look_up_order(self, value: bytes | None, span: trace.Span, tenant: str) -> Reply:
        """The reply to the request in `value`: the tenant's order, no such order, or a failure saying why."""
        try:
            order_id = decode_request(value)
        except ValueError as error:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, "unreadable request"))
            log.error("unreadable enrichment request %r: %s", value, error)
            return Reply("failed", error=str(error))
        span.set_attribute("order.id", order_id)
        try:
            found = await self.database.find(order_id, tenant)
        except TimeoutError as error:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, str(error)))
            log.error("order %s: %s", order_id, error)
            return Reply("failed", error=str(error))
        if found is None:
            log.info("order %s not found", order_id)
            return Reply("not_found")
        log.info("order %s enriched", order_id)
        return Reply("ok", order=found)

    async def send_reply(
        self, reply_to: str, reply: Reply, headers: dict[str, str | None], span: trace.Span
    ) -> None:
        """Inject: as it sends the reply, the aiokafka instrumentation writes the context (its PRODUCER
        span, under the processing span, and B's baggage) into the reply's headers."""
        try:
            await messaging.send(self.producer, reply_to, reply.encode(), messaging.headers(headers))
        except KafkaError as error:
            # The caller's deadline will answer for us; say here why no reply went out.
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, f"reply not sent: {error}"))
            log.error("reply to %s not sent: %r", reply_to, error)


def tenant_of(span: trace.Span) -> str:
    """The tenant whose data the request reads: B's tenant.id baggage, or the default tenant's."""
    tenant = baggage.get_baggage(TENANT_KEY)
    if not tenant:
        log.warning("no tenant.id in baggage: answering with the %s tenant's data", DEFAULT_TENANT)
        tenant = DEFAULT_TENANT
    span.set_attribute(TENANT_KEY, str(tenant))
    return str(tenant)


def record_link(record: ConsumerRecord) -> Link:
    """A link to the context the record carries (its sender's span), naming the record."""
    sender = trace.get_current_span(propagate.extract(messaging.carrier(record.headers)))
    return Link(
        sender.get_span_context(), messaging.record_attributes(record.topic, record.partition, record.offset)
    )


PROCESSING = {  # the messaging semantic conventions of every processing span C makes
    "messaging.system": "kafka",
    "messaging.operation.type": "process",
    "messaging.operation.name": "process",
    "messaging.consumer.group.name": GROUP_ID,
}


def batch_attributes(destination: str, count: int) -> dict[str, str | int]:
    """The processing span of a batch: its destination and how many records it holds."""
    return PROCESSING | {"messaging.destination.name": destination, "messaging.batch.message_count": count}


def process_attributes(record: ConsumerRecord, destination: str) -> dict[str, str | int]:
    """The messaging semantic conventions for the processing span of one record."""
    template = (
        {"messaging.destination.template": f"{destination}.g{{generation}}"}
        if destination != record.topic
        else {}
    )
    return template | PROCESSING | messaging.record_attributes(record.topic, record.partition, record.offset)
