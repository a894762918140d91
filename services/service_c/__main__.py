"""`python -m services.service_c`: run service C until SIGTERM or Ctrl-C, then flush every span."""

import asyncio
import contextlib
import functools
import logging
import tempfile
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor

from services.service_c import orders_db
from services.service_c.database import OrdersDatabase
from services.service_c.server import GROUP_ID, Enrichment
from tracebreak.runtime import health, messaging, telemetry
from tracebreak.runtime.service import run_service
from tracebreak.runtime.settings import Settings
from tracebreak.runtime.signals import stop_requested

log = logging.getLogger("services.service_c")


def kafka_clients(settings: Settings) -> tuple[AIOKafkaConsumer, AIOKafkaProducer]:
    # Fixed topics: subscribed as a group member. Topics that roll over: assigned by hand as the
    # generations pass (a rebalance at every change would stall C), the group kept for its offsets.
    subscribed = () if settings.generations.period_s else (settings.request_topic,)
    consumer = AIOKafkaConsumer(
        *subscribed,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=GROUP_ID,
        # A static member (KIP-345): C started again after a crash takes its own place back at once,
        # instead of waiting for the dead member's session to time out and the group to rebalance.
        group_instance_id=f"{GROUP_ID}-1",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        # Joining takes half the session timeout on Tansu; 6 s is the least Apache Kafka accepts.
        session_timeout_ms=6000,
        heartbeat_interval_ms=2000,
    )
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, request_timeout_ms=5000)
    return consumer, producer


async def run(settings: Settings, tel: telemetry.Telemetry) -> None:
    consumer, producer = kafka_clients(settings)
    path = (
        Path(settings.orders_db)
        if settings.orders_db
        else Path(tempfile.mkdtemp(prefix="tracebreak-")) / "orders.db"
    )
    orders_db.create(path)
    # The driver's own CLIENT span for every statement.
    SQLite3Instrumentor().instrument(tracer_provider=tel.tracer_provider)
    database = OrdersDatabase(settings.downstream_latency_ms / 1000, path)
    enrichment = Enrichment(consumer, producer, database, settings.generations)
    tasks: list[asyncio.Task] = []
    following: asyncio.Task | None = None
    try:
        await producer.start()
        await consumer.start()
        health_server = await health.serve(
            settings.bind_host, settings.service_c_health_port, enrichment.ready
        )
        if settings.generations.period_s:
            live = functools.partial(settings.generations.live, settings.request_topic)
            await messaging.reassign(consumer, producer, live())
            following = asyncio.create_task(messaging.follow(consumer, producer, live))
        tasks = [asyncio.create_task(enrichment.consume()), asyncio.create_task(stop_requested())]
        log.info("service C consuming %s as group %s", settings.request_topic, GROUP_ID)
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        consuming, stopping = tasks
        if consuming in done:
            consuming.result()  # the consumer loop only ends by failing: let its error show
        log.info("%s received: leaving the consumer group", stopping.result().name)
        health_server.close()
    finally:
        for task in [*tasks, *([following] if following else [])]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await consumer.stop()
        await producer.stop()
        await tel.shutdown()


def main() -> None:
    run_service("service-c", lambda settings, tel: asyncio.run(run(settings, tel)))


if __name__ == "__main__":
    main()
