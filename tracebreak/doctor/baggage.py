"""Baggage cut off: keys a sender set that a receiver below it in the same trace never got.

The context crossed (the receiver is in the trace), so nothing else in the doctor sees it; only the
baggage attributes the runtime records (tracebreak.runtime.baggage_sizes) tell it.
"""

from tracebreak import signatures as sig
from tracebreak import span_attributes as sizes
from tracebreak.doctor.findings import Finding, Findings
from tracebreak.doctor.request import Request
from tracebreak.doctor.spans import protocol
from tracebreak.signatures import Boundary
from tracebreak.traces.model import Span

W3C_LIMIT_BYTES = 8192


def baggage_cut_off(request: Request, findings: Findings) -> None:
    for receiver in request.spans:
        if sizes.FIELDS_ATTRIBUTE not in receiver.tags:
            continue  # not where a request came in
        sender = _sender(request, receiver)
        if sender is None:
            continue
        got = _keys(receiver.tags.get(sizes.RECEIVED_KEYS))
        missing = [key for key in _keys(sender.tags.get(sizes.SET_KEYS)) if key not in got]
        if not missing:
            continue
        boundary = Boundary(sender.service, receiver.service, protocol(receiver))
        finding = findings.add(sig.BAGGAGE_CUT_OFF, boundary, sender, receiver, lost=[sender])
        finding.detail = _detail(sender, receiver, missing)


def cut_offs(request: Request) -> list[Finding]:
    """The request's baggage cut-offs alone (what `tracebreak audit` asks of its synthetic request)."""
    findings = Findings()
    baggage_cut_off(request, findings)
    return findings.all()


def _sender(request: Request, receiver: Span) -> Span | None:
    """The nearest span above the receiver, in another service, that set baggage."""
    ancestors = request.trace_of(receiver).ancestors(receiver)
    return next((s for s in ancestors if s.service != receiver.service and sizes.SET_KEYS in s.tags), None)


def _keys(joined: object) -> list[str]:
    return [key for key in str(joined or "").split(",") if key]


def _detail(sender: Span, receiver: Span, missing: list[str]) -> str:
    named = ", ".join(missing[-3:])  # the last ones set: a business key set after the bulk shows here
    return (
        f"{sender.service} set {len(_keys(sender.tags.get(sizes.SET_KEYS)))} keys, "
        f"{int(sender.tags.get(sizes.SET_BYTES, 0)):,} bytes (the W3C limit is {W3C_LIMIT_BYTES:,}; "
        f"{int(sender.tags.get(sizes.SENT_BYTES, 0)):,} sent); {receiver.service} got "
        f"{int(receiver.tags.get(sizes.RECEIVED_BYTES, 0)):,} bytes, missing {len(missing)}: {named}"
    )
