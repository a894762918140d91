"""A real browser for the web view's tests: Debian's chromium driven by Playwright (never
`playwright install`: it downloads a browser). Screenshots of every page go to one folder, named in
the test output, for CI to keep as artifacts."""

import os
import time
from functools import cache
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# As root chromium needs --no-sandbox; the rest keeps it from reaching for the network it does not have.
FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("TRACEBREAK_SCREENSHOTS", "build/screenshots")).resolve()


@cache
def browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no browser at {CHROMIUM} (Debian: apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make test installs it)"
    return None


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")  # the folder CI keeps
    return path


def open_request(page, stack, request_id: str, expected: str) -> None:
    """The request's page, once it shows `expected` (a selector): its spans may still be on their way
    (the page judges whatever has arrived), so it is reloaded until then, 20 s at most."""
    deadline = time.monotonic() + 20
    while True:
        page.goto(f"{stack.config.query_url}/request/{request_id}")
        page.wait_for_selector(".verdict, .error")
        if page.locator(expected).count() or time.monotonic() > deadline:
            return
        page.wait_for_timeout(300)  # polling interval of a deadline-bounded wait
