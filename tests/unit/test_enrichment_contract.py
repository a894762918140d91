"""The B <-> C contract: one request and one reply shape, read the same on both sides."""

import pytest

from services.service_c.client import Reply, decode_request, encode_request


@pytest.mark.parametrize(
    "reply",
    [Reply("ok", order={"order_id": 7, "item": "kettle"}), Reply("not_found"), Reply("failed", error="x")],
)
def test_a_reply_reads_back_as_sent(reply):
    assert Reply.decode(reply.encode()) == reply


@pytest.mark.parametrize(
    "value",
    [None, b"", b"not json", b"\xff\xfe", b"[]", b'{"status": "ok"}', b'{"status": "maybe"}', b"[" * 5000],
)
def test_an_unreadable_reply_is_a_failure_that_says_so(value):
    reply = Reply.decode(value)
    assert reply.status == "failed" and reply.error and reply.error.startswith("unreadable reply")


def test_the_request_round_trips_and_bad_ones_are_named():
    assert decode_request(encode_request(42)) == 42
    for value in (None, b"{}", b'{"order_id": "x"}', b"[" * 5000, b'{"order_id": 1e999}'):
        with pytest.raises(ValueError, match="unreadable request"):
            decode_request(value)
