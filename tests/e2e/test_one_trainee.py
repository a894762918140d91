"""The doctor pointed at one trainee of a shared backend: the services of a stack carry the namespace
as a resource attribute (as the room's collector agents tag every span, deploy/kubernetes), and
`--resource k8s.namespace.name=…` keeps that namespace's requests and no other, read through Jaeger's
`/api` (its `tags` search) and `/api/v3` (its `query.attributes`) alike."""

import time

import pytest

from tests.support.stack import cli_request, doctor, start_stack

NAMESPACE = "trainee-07"
KEY = "k8s.namespace.name"


@pytest.fixture(scope="module")
def trainee(tmp_path_factory):
    env = {"OTEL_RESOURCE_ATTRIBUTES": f"{KEY}={NAMESPACE}"}
    yield from start_stack(tmp_path_factory.mktemp("trainee"), service_env=env)


def judged(stack, *args: str) -> dict:
    return doctor(stack, "--since", "60s", "--settle", "0s", *args)


def settled(stack, request_ids: set[str], *args: str, timeout_s: float = 20) -> dict:
    """The verdict once every request sent is in it, whole; the last one seen at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = judged(stack, *args)
        whole = {r["request_id"] for r in found["requests"] if r["whole"]}
        if request_ids <= whole or time.monotonic() > deadline:
            return found
        time.sleep(0.3)  # polling interval of a deadline-bounded wait


@pytest.mark.parametrize("kind", ["jaeger", "jaeger-v3"])
def test_the_doctor_keeps_one_namespaces_requests_and_no_other(trainee, kind):
    sent = {cli_request(trainee.config, str(order))["request_id"] for order in (3, 4, 5)}
    source = f"{kind}+{trainee.config.query_url}"
    mine = settled(trainee, sent, "--source", source, "--resource", f"{KEY}={NAMESPACE}")
    assert sent <= {r["request_id"] for r in mine["requests"] if r["whole"]}, mine["totals"]
    assert mine["source"].endswith(f"where {KEY}={NAMESPACE}")
    other = judged(trainee, "--source", source, "--resource", f"{KEY}=trainee-08")
    assert other["requests"] == [], [r["request_id"] for r in other["requests"]]
    print(f"{kind}: {len(mine['requests'])} requests of {NAMESPACE}, none of trainee-08")
