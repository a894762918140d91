"""The client service B uses to ask service C: request/reply over Kafka with a correlation id and a
deadline, and the contract between them (the request, the reply, their headers).

A request goes to the request topic with the correlation id, the reply topic and the request id in
its record headers; the aiokafka instrumentation adds the trace context and baggage (it injects in
`send`, under its PRODUCER span). One background task reads the reply topic and hands each reply to
the request waiting for it.
"""

import asyncio
import contextlib
import functools
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

from tracebreak.runtime import messaging
from tracebreak.runtime.correlation import REQUEST_ID_HEADER
from tracebreak.runtime.generations import Generations

log = logging.getLogger(__name__)

CORRELATION_ID_HEADER = "correlation-id"
REPLY_TO_HEADER = "reply-to"


def encode_request(order_id: int) -> bytes:
    return json.dumps({"order_id": order_id}).encode()


def decode_request(value: bytes | None) -> int:
    """The order id asked for; ValueError if the record is not a request."""
    try:
        return int(json.loads(value or b"")["order_id"])
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as error:
        raise ValueError(f"unreadable request: {error!r}") from error


@dataclass(frozen=True)
class Reply:
    """C's answer: the order, no such order, or a failure saying why."""

    status: Literal["ok", "not_found", "failed"]
    order: dict[str, Any] | None = None
    error: str | None = None

    def encode(self) -> bytes:
        fields = {"status": self.status, "order": self.order, "error": self.error}
        return json.dumps({key: value for key, value in fields.items() if value is not None}).encode()

    @classmethod
    def decode(cls, value: bytes | None) -> "Reply":
        try:
            document = json.loads(value or b"")
            reply = cls(document["status"], document.get("order"), document.get("error"))
        except (ValueError, KeyError, TypeError, RecursionError) as error:  # not JSON, not UTF-8, nested
            return cls("failed", error=f"unreadable reply: {error}")
        if reply.status not in ("ok", "not_found", "failed") or (reply.status == "ok") != isinstance(
            reply.order, dict
        ):
            return cls("failed", error=f"unreadable reply: {document!r:.200}")
        return reply


class EnrichmentUnavailable(Exception):
    """The request could not be handed to the broker."""


class EnrichmentTimeout(Exception):
    """No reply came within the deadline."""


class EnrichmentClient:
    def __init__(
        self,
        bootstrap_servers: str,
        request_topic: str,
        reply_topic: str,
        generations: Generations,
        fetch_max_wait_ms: int,
    ) -> None:
        self.request_topic = request_topic
        self.reply_topic = reply_topic
        self.generations = generations
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, request_timeout_ms=5000)
        # No consumer group: this instance reads every reply partition and keeps the ones it awaits.
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=fetch_max_wait_ms,
            # Its position is set at start (the end of the topic). A broker that comes back empty puts
            # that position past the end: read the new topic from its start, or miss the first replies.
            auto_offset_reset="earliest",
        )
        self._pending: dict[str, asyncio.Future[Reply]] = {}
        self._tasks: list[asyncio.Task[None]] = []  # reading replies, following the generations

    async def start(self) -> None:
        await self._producer.start()
        await self._consumer.start()
        await messaging.reassign(self._consumer, self._producer, self.generations.live(self.reply_topic))
        if not self._consumer.assignment():
            raise KafkaError(
                f"the reply topic {self.reply_topic!r} does not exist (tracebreak up creates it)"
            )
        # Positioned before the first request goes out, so no reply can slip past.
        await self._consumer.seek_to_end()
        live_replies = functools.partial(self.generations.live, self.reply_topic)
        self._tasks = [
            asyncio.create_task(self._read_replies()),
            asyncio.create_task(messaging.follow(self._consumer, self._producer, live_replies)),
        ]
        if self.generations.period_s:
            self._tasks.append(asyncio.create_task(self._learn_next_request_topics()))

    async def _learn_next_request_topics(self) -> None:
        """Ahead of each change of generation, the producer learns the next request topic, so the
        first request of a generation does not wait for the broker's metadata."""
        while True:
            upcoming = self.generations.name(self.request_topic, self.generations.current() + 1)
            with contextlib.suppress(KafkaError):  # not created yet: the next look tries again
                await self._producer.partitions_for(upcoming)
            await asyncio.sleep(messaging.FOLLOW_S)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self._consumer.stop()
        await self._producer.stop()

    async def ask(self, order_id: int, request_id: str | None, timeout_s: float) -> Reply:
        """Send the request for `order_id` and wait for C's reply to it, `timeout_s` at most."""
        correlation_id = uuid.uuid4().hex
        reply = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = reply
        generation = self.generations.current()
        request_topic = self.generations.name(self.request_topic, generation)
        headers = messaging.headers(
            {
                CORRELATION_ID_HEADER: correlation_id,
                REPLY_TO_HEADER: self.generations.name(self.reply_topic, generation),
                REQUEST_ID_HEADER: request_id,
            }
        )
        sent = False
        try:
            async with asyncio.timeout(timeout_s):
                try:
                    await messaging.send(self._producer, request_topic, encode_request(order_id), headers)
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
            correlation_id = carrier.get(CORRELATION_ID_HEADER, "")
            waiting = self._pending.get(correlation_id)
            if waiting is None or waiting.done():
                log.warning(
                    "dropped a reply nobody awaits (late or foreign): correlation id %r", correlation_id
                )
                continue
            waiting.set_result(Reply.decode(record.value))
