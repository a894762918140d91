"""Unit tests for StrictTraceContextPropagator, written case by case from the W3C Trace Context text.

Section names refer to the Level 2 CRD (https://www.w3.org/TR/trace-context-2/) unless noted; the
Level 1 REC says the same where not noted. Carriers hold lists of values, as the ASGI getter returns
them (one list item per header field line).
"""

import pytest
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import _load_propagators
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.id_generator import IdGenerator, RandomIdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from tracebreak.runtime.w3c import (
    StrictTraceContextPropagator,
    StrictTraceResponsePropagator,
    W3CTraceState,
    outgoing_flags,
    parse_traceparent,
    serialize_tracestate,
)

TID = "12345678901234567890123456789012"
SID = "1234567890123456"
TP = f"00-{TID}-{SID}-01"
P = StrictTraceContextPropagator()


def extract(headers: dict[str, list[str]], propagator: StrictTraceContextPropagator = P) -> SpanContext:
    return trace.get_current_span(propagator.extract(headers)).get_span_context()


def state_of(*tracestate: str, propagator: StrictTraceContextPropagator = P) -> dict[str, str]:
    span_context = extract({"traceparent": [TP], "tracestate": list(tracestate)}, propagator)
    assert span_context.is_valid, "a tracestate must never invalidate the traceparent"
    return dict(span_context.trace_state)


def restarted(*traceparent: str) -> bool:
    return not extract({"traceparent": list(traceparent), "tracestate": ["foo=1"]}).is_valid


def test_valid_version_00() -> None:
    span_context = extract({"traceparent": [TP]})
    assert (f"{span_context.trace_id:032x}", f"{span_context.span_id:016x}") == (TID, SID)
    assert span_context.is_remote and span_context.trace_flags == 0x01


@pytest.mark.parametrize("value", [f" {TP}", f"\t{TP}", f"{TP} ", f"{TP}\t", f"\t {TP} \t"])
def test_ows_around_traceparent_is_ignored(value: str) -> None:
    assert not restarted(value)


def test_absent_traceparent_leaves_the_context_alone() -> None:
    assert P.extract({}) == Context()
    assert P.extract({"tracestate": ["foo=1"]}) == Context()  # tracestate alone "MUST be discarded"


def test_two_traceparent_fields_restart_the_trace() -> None:
    assert restarted(f"00-{TID[:-1]}1-{SID}-01", TP)


def test_two_identical_traceparent_fields_restart_the_trace() -> None:
    assert restarted(TP, TP)


def test_traceparent_fields_combined_by_the_server_restart_the_trace() -> None:
    assert restarted(f"{TP}, {TP}")  # RFC 9110 5.3 combination: not a valid traceparent value


def test_a_getter_returning_a_bare_string_is_accepted() -> None:
    class StringGetter:
        def get(self, carrier: dict[str, str], key: str) -> str | None:
            return carrier.get(key)

        def keys(self, carrier: dict[str, str]) -> list[str]:
            return list(carrier)

    context = P.extract({"traceparent": TP}, getter=StringGetter())  # type: ignore[arg-type]
    assert trace.get_current_span(context).get_span_context().is_valid


@pytest.mark.parametrize(
    "value",
    [f"{TP}.", f"{TP}-what-the-future-will-be-like", f"{TP}-", f"{TP}0"],
    ids=["trailing-dot", "extra-fields", "trailing-dash", "flags-too-long"],
)
def test_version_00_must_be_exactly_55_characters(value: str) -> None:
    assert restarted(value)


@pytest.mark.parametrize(
    "value",
    [f"cc-{TID}-{SID}-01", f"cc-{TID}-{SID}-01-what-the-future-will-be-like", f"01-{TID}-{SID}-01-"],
)
def test_future_version_parses_the_first_four_fields(value: str) -> None:
    span_context = extract({"traceparent": [value]})
    assert f"{span_context.trace_id:032x}" == TID and span_context.trace_flags.sampled


@pytest.mark.parametrize(
    "value",
    [
        f"cc-{TID}-{SID}-01.what-the-future-will-be-like",  # flags not followed by a dash
        f"cc-{TID}-{SID}-1",  # shorter than 55 characters
        f"cc-{TID}-{SID}-0x",
        f"cc-{TID}x-{SID}-01",
    ],
)
def test_future_version_with_bad_first_fields_restarts(value: str) -> None:
    assert restarted(value)


def test_version_ff_is_invalid() -> None:
    assert restarted(f"ff-{TID}-{SID}-01")


@pytest.mark.parametrize("version", [".0", "0.", "0", "000", "0000", "g0"])
def test_malformed_version_restarts(version: str) -> None:
    assert restarted(f"{version}-{TID}-{SID}-01")


def test_unknown_flags_of_a_future_version_are_set_to_zero() -> None:
    assert extract({"traceparent": [f"cc-{TID}-{SID}-ff-x"]}).trace_flags == 0x03


@pytest.mark.parametrize(
    "value",
    [
        f"00-{TID.upper()[:-1]}A-{SID}-01",
        f"00-{TID}-{SID[:-1]}A-01",
        f"00-{TID}-{SID}-0A",
        f"0A-{TID}-{SID}-01",
    ],
    ids=["trace-id", "parent-id", "flags", "version"],
)
def test_uppercase_hex_is_invalid(value: str) -> None:
    assert restarted(value)


def test_all_zero_trace_id_is_invalid() -> None:
    assert restarted(f"00-{'0' * 32}-{SID}-01")


def test_all_zero_parent_id_is_invalid() -> None:
    assert restarted(f"00-{TID}-{'0' * 16}-01")


@pytest.mark.parametrize(
    "value",
    [
        f"00-{TID}1-{SID}-01",
        f"00-{TID[:-1]}-{SID}-01",
        f"00-.{TID[1:]}-{SID}-01",
        f"00-{TID}-{SID}7-01",
        f"00-{TID}-{SID[:-1]}-01",
        f"00-{TID}-.{SID[1:]}-01",
        f"00-{TID}-{SID}-1",
        f"00-{TID}-{SID}-.0",
        f"00_{TID}-{SID}-01",
        "",
    ],
)
def test_malformed_fields_restart(value: str) -> None:
    assert restarted(value)


def test_parse_traceparent_returns_the_fields() -> None:
    assert parse_traceparent(f"00-{TID}-{SID}-03") == (int(TID, 16), int(SID, 16), 0x03)


def test_reserved_flag_bits_are_dropped() -> None:
    # "Other Flags ... Vendors MUST set those to zero."
    assert extract({"traceparent": [f"00-{TID}-{SID}-07"]}).trace_flags == 0x03


def test_invalid_traceparent_means_tracestate_is_not_parsed() -> None:
    assert P.extract({"traceparent": [f"00-{TID}-{SID}-0"], "tracestate": ["foo=1"]}) == Context()


def test_simple_and_multi_tenant_keys() -> None:
    assert state_of("rojo=00f067aa0ba902b7,fw529a3039@dt=x,congo=t61rcWkgMzE") == {
        "rojo": "00f067aa0ba902b7",
        "fw529a3039@dt": "x",
        "congo": "t61rcWkgMzE",
    }


def test_all_allowed_characters() -> None:
    key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/"
    value = "".join(map(chr, [*range(0x20, 0x2C), *range(0x2D, 0x3D), *range(0x3E, 0x7F)]))
    assert state_of(f"{key}={value}") == {key: value}
    assert state_of(f"{key}@a-z0-9_-*/={value}") == {f"{key}@a-z0-9_-*/": value}


@pytest.mark.parametrize(
    "key", ["1vendor", "foo@", "foo@@bar", "foo@bar@baz", "t@" + "v" * 15, "t" * 242 + "@v"]
)
def test_level2_keys_are_accepted(key: str) -> None:
    # Level 2: key = ( lcalpha / DIGIT ) 0*255 ( keychar ), keychar includes "@"
    assert state_of(f"{key}=1,bar=2") == {key: "1", "bar": "2"}


@pytest.mark.parametrize("member", ["@foo=1", "FOO=1", "foo.bar=1", "foo =1", "_foo=1", "fóo=1", "foo"])
def test_invalid_key_discards_the_whole_tracestate(member: str) -> None:
    assert state_of(f"{member},bar=2") == {}


@pytest.mark.parametrize("member", ["foo=bar=baz", "foo=", "foo=a\tb", "foo=a,b=", "foo=\x7f"])
def test_invalid_value_discards_the_whole_tracestate(member: str) -> None:
    assert state_of(f"bar=2,{member}") == {}


def test_value_leading_spaces_are_kept_trailing_spaces_are_ows() -> None:
    # "All leading spaces MUST be preserved as part of the value. All trailing spaces are ... OWS"
    assert state_of("foo=  bar  ,baz=1") == {"foo": "  bar", "baz": "1"}


def test_key_length_limit_is_256() -> None:
    assert state_of("foo=1", "z" * 256 + "=1") == {"foo": "1", "z" * 256: "1"}
    assert state_of("foo=1", "z" * 257 + "=1") == {}


def test_value_length_limit_is_256() -> None:
    assert state_of("foo=" + "v" * 256) == {"foo": "v" * 256}
    assert state_of("bar=1,foo=" + "v" * 257) == {}


def members(count: int) -> list[str]:
    return [f"bar{index:02d}={index:02d}" for index in range(1, count + 1)]


def test_32_members_are_kept() -> None:
    state = state_of(",".join(members(10)), ",".join(members(32)[10:]))
    assert len(state) == 32 and state["bar01"] == "01"


def test_33_members_discard_the_whole_tracestate() -> None:
    assert state_of(",".join(members(33))) == {}


def test_prohibitively_large_tracestate_is_discarded() -> None:
    assert state_of(",".join(f"k{index}=" + "v" * 256 for index in range(32))) == {}  # > 8192 chars


@pytest.mark.parametrize(
    "headers",
    [("foo=1,foo=1",), ("foo=1,foo=2",), ("foo=1", "foo=1"), ("foo=1", "foo=2"), ("foo=1,bar=2,foo=3",)],
)
def test_duplicated_key_keeps_the_tracestate_and_the_leftmost_entry(headers: tuple[str, ...]) -> None:
    assert state_of(*headers)["foo"] == "1"


def test_duplicates_are_not_forwarded_twice() -> None:
    context = P.extract({"traceparent": [TP], "tracestate": ["foo=1,bar=2,foo=3"]})
    carrier: dict[str, str] = {}
    P.inject(carrier, context)
    assert carrier["tracestate"] == "foo=1,bar=2"


@pytest.mark.parametrize(
    "headers",
    [
        ("foo=1 \t , \t bar=2, \t baz=3",),
        ("foo=1\t \t,\t \tbar=2,\t \tbaz=3",),
        ("foo=1,,bar=2, ,\t,baz=3",),
        (",foo=1,bar=2,baz=3,",),
        ("foo=1", "", "bar=2", " ", "baz=3"),
    ],
)
def test_empty_members_and_whitespace(headers: tuple[str, ...]) -> None:
    assert state_of(*headers) == {"foo": "1", "bar": "2", "baz": "3"}


def test_empty_tracestate_header_is_accepted() -> None:
    assert state_of("") == {}
    assert state_of("foo=1", "") == {"foo": "1"}
    assert state_of("", "foo=1") == {"foo": "1"}


def test_multiple_tracestate_headers_are_combined_in_order() -> None:
    state = state_of("foo=1,bar=2", "rojo=1,congo=2", "baz=3")
    assert list(state.items()) == [("foo", "1"), ("bar", "2"), ("rojo", "1"), ("congo", "2"), ("baz", "3")]


def child_header(incoming: str, sampler: object = ALWAYS_ON, id_generator: IdGenerator | None = None) -> str:
    provider = TracerProvider(sampler=ParentBased(sampler), id_generator=id_generator or RandomIdGenerator())
    context = P.extract({"traceparent": [incoming]}) if incoming else None
    carrier: dict[str, str] = {}
    with provider.get_tracer("t").start_as_current_span("child", context=context):
        P.inject(carrier)
    return carrier["traceparent"]


@pytest.mark.parametrize("flags", ["00", "01", "02", "03"])
@pytest.mark.parametrize("sampler", [ALWAYS_ON, ALWAYS_OFF], ids=["on", "off"])
def test_continuing_keeps_the_incoming_random_bit(flags: str, sampler: object) -> None:
    header = child_header(f"00-{TID}-{SID}-{flags}", sampler)
    assert header.startswith(f"00-{TID}-") and header.split("-")[2] != SID
    assert int(header[-2:], 16) & 0x02 == int(flags, 16) & 0x02


def test_new_trace_from_random_ids_sets_random() -> None:
    assert child_header("")[-2:] == "03"


def test_new_trace_from_non_random_ids_leaves_random_unset() -> None:
    class Sequential(IdGenerator):
        def generate_span_id(self) -> int:
            return 1

        def generate_trace_id(self) -> int:
            return 1

    assert child_header("", id_generator=Sequential())[-2:] == "01"


def test_restarted_trace_gets_fresh_flags() -> None:
    header = child_header(f"00-{'0' * 32}-{SID}-02", ALWAYS_OFF)
    assert header.split("-")[1] != "0" * 32 and header[-2:] == "02"  # new random trace id, not sampled


def test_outgoing_flags_take_random_from_the_parent() -> None:
    class Child(NonRecordingSpan):
        parent = SpanContext(int(TID, 16), int(SID, 16), True, TraceFlags(0x03))

    lost = Child(SpanContext(int(TID, 16), 7, False, TraceFlags(0x01)))
    assert outgoing_flags(lost) == 0x03  # e.g. an older SDK that dropped the bit on the child


def test_pass_through_inject_masks_reserved_bits() -> None:
    span = NonRecordingSpan(SpanContext(int(TID, 16), int(SID, 16), True, TraceFlags(0xFF)))
    carrier: dict[str, str] = {}
    P.inject(carrier, trace.set_span_in_context(span))
    assert carrier == {"traceparent": f"00-{TID}-{SID}-03"}


def test_invalid_span_injects_nothing() -> None:
    carrier: dict[str, str] = {}
    P.inject(carrier, Context())
    assert carrier == {}


def test_level2_keys_survive_an_sdk_child_span_and_its_mutations() -> None:
    provider = TracerProvider()
    context = P.extract({"traceparent": [TP], "tracestate": ["foo@=1,1x=2"]})
    with provider.get_tracer("t").start_as_current_span("child", context=context) as span:
        state = span.get_span_context().trace_state
        assert isinstance(state, W3CTraceState)
        carrier: dict[str, str] = {}
        P.inject(carrier)
    assert carrier["tracestate"] == "foo@=1,1x=2"
    mutated = state.add("new@", "a").update("1x", "3").delete("foo@")
    assert type(mutated) is W3CTraceState and list(mutated.items()) == [("1x", "3"), ("new@", "a")]


def test_truncation_removes_large_entries_first_then_from_the_end() -> None:
    big = "v" * 200
    state = W3CTraceState([("a", "1"), ("huge", big), ("b", "2"), ("c", "3")])
    assert serialize_tracestate(state, 512) == f"a=1,huge={big},b=2,c=3"
    assert serialize_tracestate(state, 11) == "a=1,b=2,c=3"
    assert serialize_tracestate(state, 8) == "a=1,b=2"


def test_traceresponse_header_carries_sampled_and_random() -> None:
    span = NonRecordingSpan(SpanContext(int(TID, 16), int(SID, 16), False, TraceFlags(0x07)))
    carrier: dict[str, str] = {}
    StrictTraceResponsePropagator().inject(carrier, trace.set_span_in_context(span))
    assert carrier == {
        "traceresponse": f"00-{TID}-{SID}-03",
        "Access-Control-Expose-Headers": "traceresponse",
    }


def test_otel_propagators_names_the_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_PROPAGATORS", "tracecontext_strict,baggage")
    loaded = _load_propagators()
    assert isinstance(loaded, CompositePropagator)
    assert [type(p).__name__ for p in loaded._propagators] == [
        "StrictTraceContextPropagator",
        "W3CBaggagePropagator",
    ]


def test_multi_tenant_keys_at_their_level_1_limits_stay_valid() -> None:
    key = "t" * 241 + "@" + "v" * 14
    assert state_of("foo=1", key + "=1") == {"foo": "1", key: "1"}
