"""tracebreak's pytest plugin against the real stack: the `traces` fixture passes a healthy request,
and fails one sent with a breaker on, its message the doctor's verdict."""

import pytest

from tests.support.chaos import toggled
from tests.support.stack import WHOLE_REQUEST, send_many


def test_the_plugin_passes_a_whole_request_and_fails_a_broken_one_with_its_verdict(
    stack, client_telemetry, traces
):
    [whole] = send_many(stack, client_telemetry, [3])
    verdict = traces.assert_connected(trace_id=whole.trace_id, services=set(WHOLE_REQUEST))
    assert verdict.request.request_id == whole.request_id and len(verdict.request.spans) == 17
    with toggled(stack, client_telemetry, "uninstrumented-client"):
        [broken] = send_many(stack, client_telemetry, [4])
    with pytest.raises(pytest.fail.Exception) as failed:
        traces.assert_connected(request_id=broken.request_id, services=set(WHOLE_REQUEST))
    said = str(failed.value)
    assert said.startswith(f"request {broken.request_id} is not one connected trace: 2 traces across ")
    assert "uninstrumented-client at service-a -> service-b (gRPC)" in said
    assert f"  trace {broken.trace_id}: " in said
