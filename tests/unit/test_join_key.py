"""The request id's names are written once, in tracebreak/join_key.py: the services record the id
under them, the doctor and the store join by them, and the web view asks /api/config for them."""

import re
from pathlib import Path

from tracebreak import join_key
from tracebreak.demo import SERVICES
from tracebreak.web.pages import STATIC

ROOT = Path(__file__).resolve().parents[2]
THE_ONE = ROOT / "tracebreak" / "join_key.py"
HEADER = re.compile(rf"[\"']{re.escape(join_key.REQUEST_ID_HEADER)}[\"']")


def code() -> list[Path]:
    found = [p for package in ("tracebreak", "services", "loadgen") for p in (ROOT / package).rglob("*.py")]
    return [p for p in found if p != THE_ONE] + sorted(STATIC.glob("*.js"))


def test_the_request_id_names_are_written_in_one_module_only():
    copies = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in code()
        for name in join_key.SPAN_KEYS
        if name in path.read_text()
    ]
    headers = [str(path.relative_to(ROOT)) for path in code() if HEADER.search(path.read_text())]
    assert copies == [], "the request id's attribute names are tracebreak/join_key.py's"
    assert headers == [], "the request id's header name is tracebreak/join_key.py's"


def test_the_web_view_writes_down_no_service_name():
    named = [
        f"{path.name}: {service}"
        for path in sorted(STATIC.glob("*.js"))
        for service in SERVICES
        if service in path.read_text()
    ]
    assert named == [], "the pages read the services from /api/config"
