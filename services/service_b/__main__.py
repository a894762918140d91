"""`python -m services.service_b`: run service B until SIGTERM or Ctrl-C, then flush every span."""

import asyncio
import logging

from services.service_b.enrichment import EnrichmentClient
from services.service_b.sampling import ServiceBSampler
from services.service_b.server import SERVICE_NAME, SERVING, AuthService, create_server
from tracebreak import telemetry
from tracebreak.chaos import chaos
from tracebreak.lifecycle import stop_requested
from tracebreak.service_process import run_service
from tracebreak.settings import Settings

log = logging.getLogger("services.service_b")

SHUTDOWN_GRACE_S = 5


async def run(settings: Settings, tel: telemetry.Telemetry) -> None:
    enrichment = EnrichmentClient(
        settings.kafka_bootstrap_servers, settings.request_topic, settings.reply_topic
    )
    # The propagator switch acts on the whole process, the moment the flag file changes.
    chaos.on_change(lambda: telemetry.register_propagators(not chaos.value("propagator-not-registered")))
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
