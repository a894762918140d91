"""Creating the request and reply topics on the broker (Tansu or an external Kafka)."""

import asyncio
import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from tracebreak.runtime.settings import Settings

PARTITIONS = {"request_topic": 3, "reply_topic": 1}  # Settings field: partitions


def wanted(settings: Settings) -> dict[str, int]:
    return {getattr(settings, key): n for key, n in PARTITIONS.items()}


async def _create(bootstrap: str, topics: dict[str, int]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    await admin.start()
    try:
        for name, partitions in topics.items():
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([NewTopic(name, partitions, replication_factor=1)])
    finally:
        await admin.close()


def ready(bootstrap: str, topics: dict[str, int]) -> str | None:
    """None once every topic exists (created now or before), else what went wrong."""
    try:
        asyncio.run(_create(bootstrap, topics))
    except (KafkaError, OSError) as error:
        return f"creating topics on {bootstrap}: {error.__class__.__name__} {error}"
    return None
