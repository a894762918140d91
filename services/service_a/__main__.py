"""`python -m services.service_a`: run service A on uvicorn; its lifespan flushes spans on exit."""

import uvicorn

from services.service_a.server import create_app
from tracebreak.runtime import telemetry
from tracebreak.runtime.service import run_service
from tracebreak.runtime.settings import Settings


def serve(settings: Settings, tel: telemetry.Telemetry) -> None:
    app = create_app(settings, tel.shutdown)
    uvicorn.run(app, host=settings.bind_host, port=settings.service_a_port, log_config=None, access_log=False)


def main() -> None:
    run_service("service-a", serve)


if __name__ == "__main__":
    main()
