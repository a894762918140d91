"""The web view's pages with 100,000 spans stored: each page's requests (the shell and its assets,
then the API calls its script makes) timed over the real store, against the 300 ms a page may take.
The spans are the real services' (bench/doctor_data.py: captured from the local stack, copied with
fresh ids up to the number asked for).

    python -m bench.web [--spans 100000] [--loads 20]
"""

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.doctor_data import AGE_US, capture, fill
from bench.table import markdown
from tracebreak.chaos import flagfile
from tracebreak.local.parts import trace_store
from tracebreak.runtime.ports import Ports
from tracebreak.web.pages import STATIC

TARGET_MS = 300
SPANS_PER_REQUEST = 14  # a whole request's spans (tests/support/stack.py WHOLE_REQUEST)
SHELL = [*(f"/static/{module.name}" for module in sorted(STATIC.glob("*.js"))), "/static/style.css"]

Page = Callable[[httpx.Client, dict[str, str]], None]


def get(http: httpx.Client, path: str, **params: object) -> httpx.Response:
    response = http.get(path, params=params)
    response.raise_for_status()
    return response


def search(http: httpx.Client, found: dict[str, str]) -> None:
    get(http, "/api/services")
    get(http, "/api/doctor", lookback="15m", settle="2s", limit=500)


def request(http: httpx.Client, found: dict[str, str]) -> None:
    get(http, "/api/config")
    [judged] = get(http, "/api/doctor", request=found["request"]).json()["requests"]
    for trace_id in judged["trace_ids"]:
        get(http, f"/api/traces/{trace_id}")
    get(http, "/api/logs", start=judged["start_us"] - 1_000_000, end=judged["start_us"] + 6_000_000)


def trace(http: httpx.Client, found: dict[str, str]) -> None:
    get(http, "/api/config")
    get(http, f"/api/traces/{found['trace']}")
    get(http, "/api/logs", traceID=found["trace"])


def graph(http: httpx.Client, found: dict[str, str]) -> None:
    judged = get(http, "/api/doctor", lookback="15m", settle="2s", limit=500).json()["requests"]
    now_ms = time.time_ns() // 1_000_000
    oldest_ms = min((r["start_us"] // 1000 for r in judged), default=now_ms)
    get(http, "/api/dependencies", endTs=now_ms, lookback=now_ms - oldest_ms + 1000)


def chaos(http: httpx.Client, found: dict[str, str]) -> None:
    get(http, "/api/config")
    get(http, "/api/chaos")


PAGES: list[tuple[str, str, Page]] = [
    ("requests (search)", "/", search),
    ("a request's fragments", "/request/{request}", request),
    ("a trace", "/trace/{trace}", trace),
    ("service graph", "/graph", graph),
    ("chaos panel", "/chaos", chaos),
]


def load(http: httpx.Client, path: str, page: Page, found: dict[str, str]) -> float:
    """One page as a browser without a cache loads it: its HTML, its assets, its data; in ms."""
    started = time.perf_counter()
    get(http, path.format(**found))
    for asset in SHELL:
        get(http, asset)
    page(http, found)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=100_000, help="spans in the store (default 100,000)")
    parser.add_argument("--loads", type=int, default=20, help="loads of each page (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        captured = capture(40, Path(data) / "capture")
        held = fill(captured, args.spans // SPANS_PER_REQUEST, Path(data) / "traces.db", AGE_US)
        rows = _measure(Path(data), args.loads)
    _report(held, rows)


def _measure(data: Path, loads: int) -> list[tuple[str, list[float]]]:
    ports, flags = Ports.free(), data / "flags.json"
    flagfile.write(flags, flagfile.default_flags())
    panel = ("--chaos-flags", str(flags), "--envoy-admin", f"http://127.0.0.1:{ports.edge_admin}")
    store = trace_store(ports, data / "traces.db", dict(os.environ), data / "store.log", *panel)
    store.start()
    try:
        store.wait_healthy(30)
        with httpx.Client(base_url=f"http://127.0.0.1:{ports.query}", timeout=60) as http:
            found = _examples(http)
            return [
                (name, [load(http, path, page, found) for _ in range(loads)]) for name, path, page in PAGES
            ]
    finally:
        store.stop()


def _examples(http: httpx.Client) -> dict[str, str]:
    """A broken request (its page draws the most) and one of its traces."""
    judged = get(http, "/api/doctor", lookback="24h", settle="0s", limit=500).json()["requests"]
    broken = next(r for r in judged if not r["whole"])
    return {"request": broken["request_id"], "trace": broken["trace_ids"][0]}


def _report(held: int, rows: list[tuple[str, list[float]]]) -> None:
    print(
        f"the web view's pages over a store of {held:,} requests ({held * SPANS_PER_REQUEST:,} spans or so)\n"
    )
    table = [
        (name, len(times), f"{statistics.median(times):.0f}", f"{max(times):.0f}", TARGET_MS,
         f"{max(times) / TARGET_MS:.2f}")
        for name, times in rows
    ]  # fmt: skip
    print(markdown(["page", "loads", "median ms", "slowest ms", "target ms", "slowest / target"], table))


if __name__ == "__main__":
    main()
