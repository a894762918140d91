"""A trivial HTTP endpoint for the generator benchmark: it answers every order after a fixed service
time and keeps its own count of arrivals, the reference the load generators are measured against.

    python bench/endpoint.py --port 8089 [--service-ms 10]

GET /stats?seconds=N returns the arrivals in each of the N seconds from the first one and the median
handling time, since the last /stats; then it starts afresh.
"""

import argparse
import asyncio
import statistics
import time

from aiohttp import web


def application(service_s: float) -> web.Application:
    arrivals: list[float] = []
    handling: list[float] = []

    async def order(request: web.Request) -> web.Response:
        arrived = time.monotonic()
        arrivals.append(arrived)
        await asyncio.sleep(service_s)
        handling.append(time.monotonic() - arrived)
        return web.Response(text="ok")

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def stats(request: web.Request) -> web.Response:
        # Arrivals in each whole second from the first one, over the run's planned length.
        seconds = int(request.query.get("seconds", "0"))
        per_second = [0] * seconds
        for arrived in arrivals:
            if (second := int(arrived - arrivals[0])) < seconds:
                per_second[second] += 1
        answer = {
            "received": len(arrivals),
            "per_second": per_second,
            "median_handling_ms": statistics.median(handling) * 1000 if handling else 0.0,
        }
        arrivals.clear()
        handling.clear()
        return web.json_response(answer)

    app = web.Application()
    app.add_routes(
        [web.get("/orders/{order_id}", order), web.get("/healthz", healthz), web.get("/stats", stats)]
    )
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--service-ms", type=float, default=10)
    args = parser.parse_args()
    web.run_app(application(args.service_ms / 1000), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
