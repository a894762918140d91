"""Creating the request and reply topics on the broker (Tansu or an external Kafka), and, where
topics roll over by time (runtime/generations.py), the next generation ahead and the
old ones deleted."""

import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from tracebreak.local.loops import run_beside_any_loop
from tracebreak.runtime.settings import Settings

PARTITIONS = {"request_topic": 3, "reply_topic": 1}  # Settings field: partitions


def wanted(settings: Settings) -> dict[str, int]:
    """The topics that must exist now: the current generation and the next (or the fixed topics)."""
    generations = settings.generations
    now = generations.current()
    return {
        generations.name(getattr(settings, key), generation): n
        for key, n in PARTITIONS.items()
        for generation in {now, now + 1}
    }


def stale(settings: Settings, existing: set[str]) -> list[str]:
    """Generations no reader follows any more (older than the one before the current)."""
    generations = settings.generations
    if not generations.period_s:
        return []
    bases = {getattr(settings, key) for key in PARTITIONS}
    oldest_live = generations.current() - 2
    return sorted(
        topic
        for topic in existing
        if generations.base(topic) in bases
        and topic != generations.base(topic)
        and int(topic.rsplit(".g", 1)[1]) < oldest_live
    )


async def _keep(bootstrap: str, settings: Settings) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        for name, partitions in wanted(settings).items():
            if name not in existing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics([NewTopic(name, partitions, replication_factor=1)])
        if old := stale(settings, existing):
            await admin.delete_topics(old)
    finally:
        await admin.close()


def ready(bootstrap: str, settings: Settings) -> str | None:
    """None once every topic wanted now exists (and old generations are gone), else what went wrong."""
    try:
        run_beside_any_loop(_keep(bootstrap, settings))
    except (KafkaError, OSError) as error:
        return f"keeping the topics on {bootstrap}: {error.__class__.__name__} {error}"
    return None
