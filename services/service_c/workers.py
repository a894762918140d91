"""How service C works on its records: many at once, each in a task of its own, committed in order.

The database's latency is waiting, not work, so up to CONCURRENCY records are answered at once. A
record's offset is committed only once its answer is done and every record before it in its
partition is done too (offsets.py): a crash means redelivery, never loss.
"""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Self

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from services.service_c.offsets import CommitTracker

log = logging.getLogger(__name__)

CONCURRENCY = 64
COMMIT_TIMEOUT_S = 5


class Workers:
    """Used as `async with`: on the way out, the records in hand finish and are committed."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self._slots = asyncio.Semaphore(CONCURRENCY)
        self._working: set[asyncio.Task[None]] = set()
        self._offsets = CommitTracker()
        self._committing = asyncio.Lock()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._working:
            await asyncio.wait(self._working, timeout=COMMIT_TIMEOUT_S)

    async def start(
        self, work: Coroutine[Any, Any, None], partition: TopicPartition, offset: int
    ) -> asyncio.Task[None]:
        """Run `work`, the answer to the record at `offset`, in a task of its own once a slot is free."""
        try:
            await self._slots.acquire()
        except asyncio.CancelledError:
            work.close()  # never started: close it rather than leave it never awaited
            raise
        self._offsets.started(partition, offset)
        task = asyncio.create_task(self._run(work, partition, offset))
        self._working.add(task)
        task.add_done_callback(self._working.discard)
        return task

    async def _run(self, work: Coroutine[Any, Any, None], partition: TopicPartition, offset: int) -> None:
        try:
            await work
        except Exception:  # one bad record must not stop the consumer, nor come back forever
            log.exception("request at offset %s failed; skipped", offset)
        finally:
            self._slots.release()
        await self._commit(partition, offset)

    async def _commit(self, partition: TopicPartition, offset: int) -> None:
        commit_to = self._offsets.finished(partition, offset)
        if commit_to is None:  # a record before it is still being answered
            return
        async with self._committing:
            try:
                # A commit to a broker that went away never returns: bound it, keep consuming.
                await asyncio.wait_for(self.consumer.commit({partition: commit_to}), COMMIT_TIMEOUT_S)
            except (TimeoutError, KafkaError) as error:
                log.error("offset %s not committed (%r): requests may be redelivered", commit_to, error)
