"""`python -m services.service_b`: run service B until SIGTERM or Ctrl-C, then flush every span."""

import asyncio
import logging

from services.service_b.sampling import ServiceBSampler
from services.service_b.server import SERVICE_NAME, SERVING, AuthService, create_server
from services.service_c.client import EnrichmentClient
from tracebreak.runtime import telemetry
from tracebreak.runtime.service import run_service
from tracebreak.runtime.settings import Settings
from tracebreak.runtime.signals import stop_requested

log = logging.getLogger("services.service_b")

SHUTDOWN_GRACE_S = 5


async def run(settings: Settings, tel: telemetry.Telemetry) -> None:
    enrichment = EnrichmentClient(
        settings.kafka_bootstrap_servers,
        settings.request_topic,
        settings.reply_topic,
        settings.generations,
        settings.fetch_max_wait_ms,
    )
    try:
        await enrichment.start()
        server, health_service = create_server(AuthService(enrichment, settings.reply_timeout_ms / 1000))
        server.add_insecure_port(f"{settings.bind_host}:{settings.service_b_port}")
        await server.start()
        for name in ("", SERVICE_NAME):
            await health_service.set(name, SERVING)
        log.info("service B listening on %s:%s", settings.bind_host, settings.service_b_port)
        signal = await stop_requested()
        log.info("%s received: finishing in-flight calls", signal.name)
        await health_service.enter_graceful_shutdown()
        await server.stop(SHUTDOWN_GRACE_S)
    finally:
        await enrichment.stop()
        await tel.shutdown()


def main() -> None:
    run_service("service-b", lambda settings, tel: asyncio.run(run(settings, tel)), sampler=ServiceBSampler())


if __name__ == "__main__":
    main()
