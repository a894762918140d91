"""Service C, "enrichment": consumes enrichment requests, asks the database, replies to B.

The Context Law at a Kafka boundary: Extract the context from the record headers, Process under a
span parented to it, Inject it into the reply. The aiokafka instrumentation's own CONSUMER span is
ended before `getone` returns, so the processing span cannot rely on it: it extracts itself.
"""

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from opentelemetry import baggage, context, propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from services.service_c.client import CORRELATION_ID_HEADER, REPLY_TO_HEADER, Reply, decode_request
from services.service_c.database import OrdersDatabase
from services.service_c.offsets import CommitTracker
from tracebreak.chaos.catalogue import KAFKA_CONSUMER_NO_EXTRACT
from tracebreak.chaos.reader import chaos
from tracebreak.runtime import messaging
from tracebreak.runtime.boundary import received
from tracebreak.runtime.correlation import REQUEST_ID_HEADER, current_request_id
from tracebreak.runtime.generations import Generations

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

GROUP_ID = "enrichment"
COMMIT_TIMEOUT_S = 5
FIXED_TOPICS = Generations()
CONCURRENCY = 64  # records worked on at once: the database's latency is waiting, not work


class Enrichment:
    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        database: OrdersDatabase,
        generations: Generations = FIXED_TOPICS,
    ) -> None:
        self.consumer = consumer
        self.generations = generations
        self.producer = producer
        self.database = database
        self._slots = asyncio.Semaphore(CONCURRENCY)
        self._working: set[asyncio.Task[None]] = set()
        self._offsets = CommitTracker()
        self._committing = asyncio.Lock()

    def ready(self) -> bool:
        return bool(self.consumer.assignment())

    async def run(self) -> None:
        try:
            async for record in self.consumer:
                await self._slots.acquire()
                partition = TopicPartition(record.topic, record.partition)
                self._offsets.started(partition, record.offset)
                task = asyncio.create_task(self._work(record, partition))
                self._working.add(task)
                task.add_done_callback(self._working.discard)
        finally:
            if self._working:  # let the records in hand finish and be committed
                await asyncio.wait(self._working, timeout=COMMIT_TIMEOUT_S)

    async def _work(self, record: ConsumerRecord, partition: TopicPartition) -> None:
        try:
            await self.handle(record)
        except Exception:  # one bad record must not stop the consumer, nor come back forever
            log.exception("request at offset %s failed; skipped", record.offset)
        finally:
            self._slots.release()
        # Committed only once the reply is sent, and every record before it too: a crash before
        # then means redelivery, not loss.
        commit_to = self._offsets.finished(partition, record.offset)
        if commit_to is None:
            return
        async with self._committing:
            try:
                # A commit to a broker that went away never returns: bound it, keep consuming.
                await asyncio.wait_for(self.consumer.commit({partition: commit_to}), COMMIT_TIMEOUT_S)
            except (TimeoutError, KafkaError) as error:
                log.error("offset %s not committed (%r): requests may be redelivered", commit_to, error)

    async def handle(self, record: ConsumerRecord) -> None:
        headers = messaging.carrier(record.headers)
        bound = current_request_id.set(headers.get(REQUEST_ID_HEADER))
        try:
            await self._handle(record, headers)
        finally:
            current_request_id.reset(bound)  # the loop's next lines belong to no request

    async def _handle(self, record: ConsumerRecord, headers: dict[str, str]) -> None:
        if chaos.hits(KAFKA_CONSUMER_NO_EXTRACT):
            # chaos: kafka-consumer-no-extract. WRONG: trusting the aiokafka instrumentation. Its
            # CONSUMER span ended before getone returned, so the work below starts new traces.
            await self.process(record, headers)
            return
        # RIGHT: Extract. B's context, trace and baggage alike, becomes the context of everything below.
        token = context.attach(propagate.extract(headers))
        try:
            await self.process(record, headers)
        finally:
            context.detach(token)

    async def process(self, record: ConsumerRecord, headers: dict[str, str]) -> None:
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
            reply = await self.enrich(record.value, span)
            await self.send_reply(
                reply_to,
                reply,
                {CORRELATION_ID_HEADER: correlation_id, REQUEST_ID_HEADER: headers.get(REQUEST_ID_HEADER)},
                span,
            )

    async def send_reply(
        self, reply_to: str, reply: Reply, headers: dict[str, str | None], span: trace.Span
    ) -> None:
        try:
            await messaging.send(self.producer, reply_to, reply.encode(), messaging.headers(headers))
        except KafkaError as error:
            # The caller's deadline will answer for us; say here why no reply went out.
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, f"reply not sent: {error}"))
            log.error("reply to %s not sent: %r", reply_to, error)

    async def enrich(self, value: bytes | None, span: trace.Span) -> Reply:
        try:
            order_id = decode_request(value)
        except ValueError as error:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, "unreadable request"))
            log.error("unreadable enrichment request %r: %s", value, error)
            return Reply("failed", error=str(error))
        span.set_attribute("order.id", order_id)
        try:
            found = await self.database.find(order_id)
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


def process_attributes(record: ConsumerRecord, destination: str) -> dict[str, str | int]:
    """The messaging semantic conventions for the processing span of one record."""
    template = (
        {"messaging.destination.template": f"{destination}.g{{generation}}"}
        if destination != record.topic
        else {}
    )
    return template | {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        **messaging.record_attributes(record.topic, record.partition, record.offset),
        "messaging.consumer.group.name": GROUP_ID,
    }
