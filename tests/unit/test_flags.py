import json
import os

import pytest

from tracebreak.chaos import flagfile
from tracebreak.chaos.catalogue import UnknownToggle, toggle
from tracebreak.chaos.envoy_runtime import rate_of


def test_a_fresh_file_has_every_service_toggle_off(tmp_path):
    path = tmp_path / "flags.json"
    flagfile.write(path, flagfile.default_flags())
    document = flagfile.read(path)
    assert "strip-traceparent-at-lb" not in document["flags"]  # it lives in Envoy's runtime
    assert all(
        toggle(name).setting.describe(flagfile.state(document, toggle(name))) == "off"
        for name in document["flags"]
    )


def test_on_and_off_round_trip(tmp_path):
    path = tmp_path / "flags.json"
    flagfile.set_toggle(path, "uninstrumented-client", 0.3)
    flagfile.set_toggle(path, "downstream-latency-ms", 400)
    flagfile.set_toggle(path, "logs-without-trace-id", "service-b")
    document = flagfile.read(path)
    client = toggle("uninstrumented-client")
    assert client.setting.describe(flagfile.state(document, client)) == "on, rate 0.3"
    assert flagfile.state(document, toggle("downstream-latency-ms")) == 400
    assert flagfile.state(document, toggle("logs-without-trace-id")) == "service-b"
    flagfile.set_toggle(path, "uninstrumented-client", None)
    assert flagfile.state(flagfile.read(path), toggle("uninstrumented-client")) == 0.0


def test_every_write_leaves_a_newer_mtime_so_the_provider_reloads(tmp_path):
    """The flagd provider reloads on a strictly newer mtime: a write within the clock tick of the last
    one (here, a file stamped ahead of the clock) still leaves a newer one."""
    path = tmp_path / "flags.json"
    flagfile.write(path, flagfile.default_flags())
    ahead_ns = path.stat().st_mtime_ns + 10_000_000_000
    os.utime(path, ns=(ahead_ns, ahead_ns))
    flagfile.set_toggle(path, "uninstrumented-client", 1.0)
    assert path.stat().st_mtime_ns > ahead_ns
    assert os.path.getmtime(path) > ahead_ns / 1e9  # as the provider compares: seconds, a float


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("uninstrumented-client", {"rate": 1.5}, "--rate must be above 0 and at most 1"),
        ("uninstrumented-client", {"rate": 0.0}, "--rate must be above 0"),
        ("propagator-not-registered", {"rate": 0.5}, "takes no --rate"),
        ("downstream-latency-ms", {"ms": -5}, "--ms must be a positive number"),
        ("logs-without-trace-id", {"service": "service-z"}, "--service must be one of"),
    ],
)
def test_bad_settings_say_what_is_expected(name, kwargs, message):
    args = {"rate": None, "ms": None, "service": None, **kwargs}
    with pytest.raises(ValueError, match=message):
        toggle(name).parse(**args)


def test_an_unknown_toggle_lists_the_known_ones():
    with pytest.raises(UnknownToggle, match="orphan-background-task"):
        toggle("orphan-task")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"flags": {\n  "x": oops}}', "line 2"),
        (
            '{"flags": {"uninstrumented-client": {"state": "ON", "variants": {"off": 0}, "defaultVariant": "off"}}}',
            "state must be",
        ),
        (
            '{"flags": {"uninstrumented-client": {"state": "ENABLED", "variants": {"off": 0}, "defaultVariant": "on"}}}',
            "defaultVariant",
        ),
        (
            '{"flags": {"uninstrumented-client": {"state": "ENABLED", "variants": {"off": 0, "on": "abc"}, "defaultVariant": "on"}}}',
            "numbers from 0 to 1",
        ),
        ("[]", '"flags" object'),
    ],
)
def test_a_broken_file_is_reported_where_it_is_wrong(tmp_path, text, where):
    path = tmp_path / "flags.json"
    path.write_text(text)
    with pytest.raises(flagfile.FlagFileError, match=where):
        flagfile.read(path)


@pytest.mark.parametrize(
    ("value", "rate"),
    [
        ("0", 0.0),
        ("50", 0.5),
        (json.dumps({"numerator": 2500, "denominator": "TEN_THOUSAND"}), 0.25),
        ("abc", 0.0),
        ("250", 1.0),
    ],
)
def test_envoy_runtime_values_read_as_rates(value, rate):
    assert rate_of(value) == rate
