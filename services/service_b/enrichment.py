"""Service B's client for service C: request/reply over Kafka with a correlation id and a deadline.

A request goes to the request topic with the correlation id, the reply topic and the request id in
its record headers; the aiokafka instrumentation adds the trace context and baggage (it injects in
`send`, under its PRODUCER span). One background task reads the reply topic and hands each reply to
the request waiting for it.
"""

import asyncio
import json
import logging
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from tracebreak import messaging
from tracebreak.correlation import REQUEST_ID_HEADER

log = logging.getLogger(__name__)


class EnrichmentUnavailable(Exception):
    """The request could not be handed to the broker."""


class EnrichmentTimeout(Exception):
    """No reply came within the deadline."""


class EnrichmentClient:
    def __init__(self, bootstrap_servers: str, request_topic: str, reply_topic: str) -> None:
        self.request_topic = request_topic
        self.reply_topic = reply_topic
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, request_timeout_ms=5000)
        # No consumer group: this instance reads every reply partition and keeps the ones it awaits.
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=messaging.FETCH_MAX_WAIT_MS,
        )
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._producer.start()
        partitions = await self._producer.partitions_for(self.reply_topic)
        if not partitions:
            raise KafkaError(
                f"the reply topic {self.reply_topic!r} does not exist (tracebreak up creates it)"
            )
        await self._consumer.start()
        self._consumer.assign([TopicPartition(self.reply_topic, p) for p in sorted(partitions)])
        # Positioned before the first request goes out, so no reply can slip past.
        await self._consumer.seek_to_end()
        self._reader = asyncio.create_task(self._read_replies())

    async def stop(self) -> None:
        if self._reader:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        await self._consumer.stop()
        await self._producer.stop()

    async def enrich(self, order_id: int, request_id: str | None, timeout_s: float) -> dict[str, Any]:
        correlation_id = uuid.uuid4().hex
        reply = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = reply
        headers = messaging.headers(
            {
                messaging.CORRELATION_ID_HEADER: correlation_id,
                messaging.REPLY_TO_HEADER: self.reply_topic,
                REQUEST_ID_HEADER: request_id,
            }
        )
        sent = False
        try:
            async with asyncio.timeout(timeout_s):
                try:
                    await self._producer.send_and_wait(
                        self.request_topic, json.dumps({"order_id": order_id}).encode(), headers=headers
                    )
                except KafkaError as error:
                    raise EnrichmentUnavailable(f"the broker did not take the request: {error!r}") from error
                sent = True
                return await reply
        except TimeoutError as error:
            if not sent:
                raise EnrichmentUnavailable(
                    f"the broker did not acknowledge the request within {timeout_s * 1000:.0f} ms"
                ) from error
            raise EnrichmentTimeout(f"no reply from enrichment within {timeout_s * 1000:.0f} ms") from error
        finally:
            self._pending.pop(correlation_id, None)

    async def _read_replies(self) -> None:
        async for record in self._consumer:
            carrier = messaging.carrier(record.headers)
            correlation_id = carrier.get(messaging.CORRELATION_ID_HEADER, "")
            waiting = self._pending.get(correlation_id)
            if waiting is None or waiting.done():
                log.warning(
                    "dropped a reply nobody awaits (late or foreign): correlation id %r", correlation_id
                )
                continue
            try:
                waiting.set_result(json.loads(record.value or b""))
            except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, or absurdly nested
                waiting.set_result({"status": "failed", "error": f"unreadable reply: {error}"})
