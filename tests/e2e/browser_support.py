"""A real browser for the web view's tests: Debian's chromium driven by Playwright (never
`playwright install`: it downloads a browser). Screenshots of every page go to one folder, named in
the test output, for CI to keep as artifacts."""

import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")  # the folder CI keeps
    return path
