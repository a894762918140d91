"""baggage-overflow on the real stack: B packs a cart into baggage before tenant.id; the W3C propagator
cuts the header at 8,192 bytes, C never sees the tenant and answers with the default tenant's data."""

import json

import pytest

from tests.support.browser import browser_missing, open_request, screenshot
from tests.support.chaos import ground_truth, sent_and_judged, set_toggle, toggled, wait_until_hit
from tests.support.stack import send_many

NAME = "baggage-overflow"
BOUNDARY = {"from": "service-b", "to": "service-c", "protocol": "Kafka"}


def batch(stack, tel, count):
    results, verdicts = sent_and_judged(stack, tel, count, batch=10)
    return results, verdicts, ground_truth(stack)


def warned(stack) -> set[str]:
    """The request ids C logged as arriving with no tenant."""
    lines = stack.processes["service-c"].log_path.read_text().splitlines()
    records = [json.loads(line) for line in lines if "no tenant.id in baggage" in line]
    return {r.get("request_id") for r in records}


def check_cut_off(stack, verdict, result) -> None:
    found = verdict.as_dict()
    assert found["signatures"] == ["baggage-cut-off"], found
    [finding] = found["findings"]
    assert finding["boundary"] == BOUNDARY
    detail = finding["evidence"]["detail"]
    assert "the W3C limit is 8,192" in detail and "tenant.id" in detail, detail
    assert result.body["customer"] == "default-tenant", result.body  # the wrong tenant's data, visibly


def test_baggage_overflow_cuts_tenant_off_and_only_while_on(stack, client_telemetry):
    set_toggle(stack, NAME, 1.0)
    try:
        wait_until_hit(stack, client_telemetry, NAME, hit=True)
        results, verdicts, truth = batch(stack, client_telemetry, 6)
        assert [r.status for r in results] == [200] * 6  # nothing fails: the data is wrong
        for result in results:
            assert NAME in truth[result.request_id]
            check_cut_off(stack, verdicts[result.request_id], result)
        assert {r.request_id for r in results} <= warned(stack)
        set_toggle(stack, NAME, 0.5)
        results, verdicts, truth = batch(stack, client_telemetry, 30)
        hit = {r.request_id for r in results if NAME in truth[r.request_id]}
        assert 5 <= len(hit) <= 25, len(hit)
        for result in results:
            if result.request_id in hit:
                check_cut_off(stack, verdicts[result.request_id], result)
            else:
                assert verdicts[result.request_id].whole and result.body["customer"] != "default-tenant"
    finally:
        set_toggle(stack, NAME, None)
    wait_until_hit(stack, client_telemetry, NAME, hit=False)
    results, verdicts, _ = batch(stack, client_telemetry, 6)
    assert all(verdicts[r.request_id].whole for r in results), [v.as_dict() for v in verdicts.values()]
    assert all(r.body["customer"] != "default-tenant" for r in results)
    assert not {r.request_id for r in results} & warned(stack)


@pytest.mark.skipif(browser_missing() is not None, reason=f"{browser_missing()}")
def test_the_request_page_gives_the_sizes_and_the_keys_lost(stack, client_telemetry, page):
    with toggled(stack, client_telemetry, NAME):
        [result] = send_many(stack, client_telemetry, [8])
    open_request(page, stack, result.request_id, ".finding")
    text = page.locator(".finding").inner_text()
    assert "baggage-cut-off" in text and "the W3C limit is 8,192" in text and "tenant.id" in text, text
    screenshot(page, "request-baggage-cut-off")
