"""Which request a test asks about: by its request id, by the id of one of its traces, or by the
headers the test sent (`x-request-id`, else `traceparent`; a response's `traceresponse` alike)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tracebreak.doctor.request import Request, request_ids
from tracebreak.join_key import REQUEST_ID_HEADER
from tracebreak.traceparent import TRACEPARENT, parse_traceparent

TRACE_HEADERS = (TRACEPARENT, "traceresponse")  # the same format, sent and answered
TRACE_ID = re.compile(r"[0-9a-f]{32}")


class TargetError(ValueError):
    """The test named no request, or named it in a way that cannot be read; the message says how."""


@dataclass(frozen=True)
class Target:
    request_id: str = ""
    trace_id: str = ""  # 32 lowercase hex digits

    def __str__(self) -> str:
        return f"request {self.request_id}" if self.request_id else f"trace {self.trace_id}"

    def of(self, request: Request) -> bool:
        """Whether the request is this one: a span of it carries the id, or it holds the trace."""
        if self.request_id:
            return any(self.request_id in request_ids(span) for span in request.spans)
        return any(trace.trace_id == self.trace_id for trace in request.traces)


def target(
    request_id: str | None = None, trace_id: str | None = None, headers: Mapping[str, str] | None = None
) -> Target:
    given = [name for name, value in (("request_id", request_id), ("trace_id", trace_id),
                                      ("headers", headers)) if value is not None]  # fmt: skip
    if len(given) != 1:
        said = f"got {', '.join(given)}" if given else "got none"
        raise TargetError(f"name the request by one of request_id=, trace_id= or headers= ({said})")
    if request_id is not None:
        return Target(request_id=request_id)
    if trace_id is not None:
        return Target(trace_id=_trace_id(trace_id))
    return _from_headers(headers or {})


def _trace_id(text: str) -> str:
    trace_id = text.strip().lower()
    if not TRACE_ID.fullmatch(trace_id) or trace_id == "0" * 32:
        raise TargetError(f"trace_id={text!r}: expected a W3C trace id, 32 hex digits, not all zero")
    return trace_id


def _from_headers(headers: Mapping[str, str]) -> Target:
    sent = {name.lower(): value for name, value in headers.items()}
    if sent.get(REQUEST_ID_HEADER):
        return Target(request_id=sent[REQUEST_ID_HEADER])
    for name in TRACE_HEADERS:
        if name in sent:
            parsed = parse_traceparent(sent[name])
            if parsed is None:
                raise TargetError(f"headers=: {name} {sent[name]!r} is not a W3C {name}")
            return Target(trace_id=f"{parsed[0]:032x}")
    raise TargetError(f"headers= carry none of {', '.join((REQUEST_ID_HEADER, *TRACE_HEADERS))}")
