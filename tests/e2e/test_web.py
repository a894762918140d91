"""The web view on the real local stack, in a real browser (Debian's chromium through Playwright):
a request's fragments side by side with the doctor's verdict and its logs, a whole request, the
boundary a gateway broke, the chaos panel, which only its own page may use, and lab mode, in which
the verdict waits for a counted click and no service says which toggle hit a request."""

import json
import time

import httpx
import pytest

from tests.support.browser import browser_missing, open_request, screenshot
from tests.support.chaos import ground_truth, judge, set_toggle, toggled
from tests.support.stack import WHOLE_REQUEST, cli, send_many
from tracebreak import signatures

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=f"{browser_missing()}")


def one_request(stack, tel, order: int = 5) -> str:
    [result] = send_many(stack, tel, [order])
    assert result.request_id
    return result.request_id


def test_a_healthy_request_is_one_waterfall_every_span_named_in_full(stack, client_telemetry, page):
    request_id = one_request(stack, client_telemetry)
    open_request(page, stack, request_id, ".verdict.whole")
    # The 14th span drawn (a selector: the page's CSP forbids the script evaluation a function needs).
    page.wait_for_selector(".fragment .row >> nth=13")
    assert page.locator(".verdict.whole").inner_text().startswith("whole")
    assert page.locator(".fragment").count() == 1
    shown = page.locator(".fragment .row .label").all_inner_texts()
    trace_id = page.locator(".fragment").get_attribute("data-trace")
    stored = httpx.get(f"{stack.config.query_url}/api/traces/{trace_id}").json()["data"][0]
    services = {key: p["serviceName"] for key, p in stored["processes"].items()}
    expected = sorted(f"{services[s['processID']]}: {s['operationName']}" for s in stored["spans"])
    assert sorted(label.strip() for label in shown) == expected  # every span, its name not cut
    screenshot(page, "request-whole")


def test_a_ghost_span_shows_as_a_second_fragment_with_the_verdict_and_the_logs(stack, client_telemetry, page):
    with toggled(stack, client_telemetry, "orphan-background-task"):
        request_id = one_request(stack, client_telemetry, order=6)
    page.goto(f"{stack.config.query_url}/?broken=1&lookback=5m")
    row = page.locator(f"tr[data-request='{request_id}']")
    deadline = time.monotonic() + 20
    while not row.count() and time.monotonic() < deadline:
        page.wait_for_timeout(500)  # listed once its last span is 2 s old: look again
        page.reload()
        page.wait_for_selector("table.requests")
    assert row.locator("td.fragments").inner_text() == "2"
    assert "ghost-span" in row.inner_text()
    screenshot(page, "search-broken")
    row.locator("a").click()
    page.wait_for_selector(".verdict")
    assert page.locator(".fragment").count() == 2
    assert page.locator(".fragment.lost .row.boundary").count() == 1  # the ghost span, marked
    assert "· 1 span ·" in page.locator(".fragment.lost .title").inner_text()  # one, in the singular
    verdict = page.locator(".verdict.broken").inner_text()
    assert "ghost-span" in verdict and signatures.GHOST_SPAN.fix.split("{")[0][:30] in verdict
    assert page.locator("table.log tr").count() >= 4  # a header and the request's lines
    screenshot(page, "request-ghost-span")


def test_the_search_reads_a_min_duration_as_the_commands_do(stack, client_telemetry, page):
    request_id = one_request(stack, client_telemetry, order=12)
    listed = page.locator(f"tr[data-request='{request_id}']")
    deadline = time.monotonic() + 20
    while True:  # listed once its last span is 2 s old: look again until then
        page.goto(f"{stack.config.query_url}/?lookback=5m&minDuration=1ms")
        page.wait_for_selector("table.requests")
        if listed.count() or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)  # polling interval of a deadline-bounded wait
    assert listed.count() == 1
    page.goto(f"{stack.config.query_url}/?lookback=5m&minDuration=20")  # 20 s, as `--settle 20` reads
    page.wait_for_selector("table.requests")
    assert page.locator("table.requests tr[data-request]").count() == 0
    page.goto(f"{stack.config.query_url}/?minDuration=2x")
    said = page.locator("#main .error")
    assert "'2x' is not a duration; write it like 100ms, 2s, 10m, 1h or 20 (seconds)" in said.inner_text()
    assert page.locator("form.search input[name='minDuration']").input_value() == "2x"  # there to mend


def test_a_stripped_gateway_is_marked_at_envoy_to_a(stack, client_telemetry, page):
    with toggled(stack, client_telemetry, "strip-traceparent-at-lb"):
        request_id = one_request(stack, client_telemetry, order=7)
    open_request(page, stack, request_id, ".verdict.broken .finding")
    assert "envoy -> service-a (HTTP)" in page.locator(".verdict.broken").inner_text()
    marker = page.locator(".row.boundary .marker").first.inner_text()
    assert "envoy -> service-a" in marker
    screenshot(page, "request-stripped")
    broken_edge = page.locator("path.edge.broken[data-edge='envoy->service-a']")
    deadline = time.monotonic() + 20
    while True:  # the graph counts a request once its last span is 2 s old: look again until then
        page.goto(f"{stack.config.query_url}/graph?lookback=5m")
        page.wait_for_selector("svg.graph")
        if broken_edge.count() or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    assert broken_edge.count() == 1
    screenshot(page, "service-graph")


def test_a_service_with_no_propagator_loses_no_span_and_only_its_own_fragment_is_marked(
    stack, client_telemetry, page
):
    with toggled(stack, client_telemetry, "propagator-not-registered"):
        request_id = one_request(stack, client_telemetry, order=11)
    every = sum(WHOLE_REQUEST.values())
    open_request(page, stack, request_id, f".fragment .row >> nth={every - 1}")
    doctor = httpx.get(f"{stack.config.query_url}/api/doctor", params={"request": request_id}).json()
    [verdict] = doctor["requests"]
    # C's and B's receive spans carry no request id: they are found by the record they received.
    assert verdict["spans"] == every and page.locator(".fragment .row").count() == every
    said = page.locator(".verdict.broken").inner_text()
    assert "propagator-not-registered at service-b (every boundary)" in said and "service-b ->" not in said
    marked = page.locator(".fragment:has(.row.boundary)")
    assert marked.count() == 1  # B's fragment: B's send carried no context; C only started anew
    assert marked.locator(".row", has_text="service-b: /tracebreak.auth.v1.Auth/AuthorizeOrder").count() == 1
    assert "send" in marked.locator(".row.boundary .operation").inner_text()
    screenshot(page, "request-propagator-not-registered")


def test_a_trace_opens_from_the_search_box_and_shows_a_spans_attributes(stack, client_telemetry, page):
    [result] = send_many(stack, client_telemetry, [8])
    page.goto(stack.config.query_url)
    page.fill("#jump input", result.trace_id)
    page.press("#jump input", "Enter")
    page.wait_for_url(f"**/trace/{result.trace_id}")
    page.wait_for_selector(".fragment .row >> nth=13", timeout=20_000)
    said = page.locator("#main > p").first
    assert said.locator(f"a[href='/request/{result.request_id}']").count() == 1  # the request it is of
    assert "http" not in said.inner_text(), said.inner_text()  # the link drawn, not its address written
    page.locator(".row", has_text="SELECT orders").click()
    details = page.locator(".details").inner_text()
    assert "db.system" in details or "db.operation" in details or "db.query" in details, details
    screenshot(page, "trace")


def chaos_list(stack) -> dict[str, str]:
    listed = cli(stack.config, "chaos", "--flags", str(stack.config.flags_file), "--envoy-admin",
                 stack.config.edge_admin_url, "list", "--json")  # fmt: skip
    return {t["name"]: t["state"] for t in json.loads(listed.stdout)}


def test_the_chaos_panel_flips_a_toggle_and_refuses_other_origins(stack, page):
    page.goto(f"{stack.config.query_url}/chaos")
    row = page.locator("tr[data-toggle='auth-error-rate']")
    row.locator("input[name='rate']").fill("0.25")
    try:
        row.locator("button.on").click()
        clicked = time.monotonic()
        while chaos_list(stack)["auth-error-rate"] == "off":
            assert time.monotonic() - clicked < 1.0, "the toggle did not change within a second"
        assert "0.25" in chaos_list(stack)["auth-error-rate"]
        screenshot(page, "chaos-panel")
        url = f"{stack.config.query_url}/api/chaos/auth-error-rate"
        foreign = httpx.post(url, json={"on": False}, headers={"Origin": "http://evil.example"})
        assert foreign.status_code == 403 and "evil.example" in foreign.text
        form = httpx.post(url, data={"on": "false"})  # what a cross-site <form> can send
        assert form.status_code == 403
        assert "0.25" in chaos_list(stack)["auth-error-rate"]  # neither changed it
    finally:
        set_toggle(stack, "auth-error-rate", None)


def test_the_commands_print_the_page_of_what_they_show(stack, client_telemetry):
    sent = cli(stack.config, "request", "9", "--wait", "0")
    assert f"see it: {stack.config.query_url}/request/" in sent.stdout, sent.stdout
    with toggled(stack, client_telemetry, "orphan-background-task"):
        request_id = one_request(stack, client_telemetry, order=10)
    page = f"see {stack.config.query_url}/request/{request_id}"
    deadline = time.monotonic() + 20
    while True:  # listed once its spans have settled
        doctor = cli(stack.config, "doctor", "--since", "1m", "--settle", "2s", "--show", "1000")
        if page in doctor.stdout or time.monotonic() > deadline:
            break
    assert page in doctor.stdout, doctor.stdout


def lab(stack, action: str) -> str:
    done = cli(stack.config, "lab", action)
    assert done.returncode == 0, done.stderr
    return done.stdout


def sent_until(stack, tel, whole: bool) -> str:
    """Requests sent one by one until the doctor judges one whole (or broken): the id of that one.
    The flag file is polled, so this is also how to know the services read its newest version."""
    deadline = time.monotonic() + 30
    while True:
        request_id = one_request(stack, tel, order=11)
        verdict = judge(stack, {request_id}, time.time_ns() // 1000 - 5_000_000).get(request_id)
        if verdict is not None and verdict.whole == whole:
            return request_id
        assert time.monotonic() < deadline, f"no request judged {'whole' if whole else 'broken'} in 30 s"


def test_in_lab_mode_the_page_holds_the_verdict_until_asked_and_no_hit_is_announced(
    stack, client_telemetry, page
):
    fix = signatures.GHOST_SPAN.fix.split("{")[0][:30]
    lab(stack, "on")
    set_toggle(stack, "orphan-background-task", 1.0)  # written after lab mode: in force, so is lab mode
    try:
        request_id = sent_until(stack, client_telemetry, whole=False)
        assert request_id not in ground_truth(stack)  # no service said which toggle hit it
        deadline = time.monotonic() + 20
        while True:  # the request's log lines reach the store in the services' next export
            open_request(page, stack, request_id, ".verdict.held")
            if page.locator("table.log tr").count() >= 3 or time.monotonic() > deadline:
                break
            page.wait_for_timeout(500)  # polling interval of a deadline-bounded wait
        held = page.locator("#main").inner_text()
        assert page.locator(".fragment").count() == 2
        assert "context lost here" in page.locator(".fragment.lost .row.boundary .marker").inner_text()
        assert page.locator("table.log tr").count() >= 3 and "hit this request" not in held
        assert "ghost-span" not in held and fix not in held and "0 verdicts shown on asking" in held
        screenshot(page, "request-lab-mode-held")
        page.locator("button.reveal").click()
        page.wait_for_selector(".verdict.broken .finding")
        shown = page.locator(".verdict.broken").inner_text()
        assert "ghost-span" in shown and fix in shown and "1 verdict shown on asking" in shown
        assert lab(stack, "status") == "lab mode on: 1 verdict shown on asking\n"
        url = f"{stack.config.query_url}/api/lab/reveal/another-request"
        assert httpx.post(url, json={}, headers={"Origin": "http://evil.example"}).status_code == 403
        assert lab(stack, "status") == "lab mode on: 1 verdict shown on asking\n"  # not counted
        screenshot(page, "request-lab-mode-shown")
    finally:
        assert "lab mode off, 1 verdict shown on asking" in lab(stack, "off")
        set_toggle(stack, "orphan-background-task", None)
        sent_until(stack, client_telemetry, whole=True)  # both read: the next test starts clean
