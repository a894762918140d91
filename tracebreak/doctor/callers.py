"""Joining by the caller: a trace that carries no request id and begins at a SERVER span belongs to
the request that was calling out while it ran. Probable, not exact: it rests on time and on what the
spans say of the call (the protocol, the callee's name), and two requests in flight at once can both
fit; the evidence says how many did.
"""

from tracebreak.doctor.joins import Join
from tracebreak.doctor.spans import callee_names, protocol, remote_call, within
from tracebreak.traces.model import Span, Trace


def fit(members: list[Trace], top: Span, callees: set[str]) -> tuple[int, int] | None:
    """How well a request fits as the caller of `top`: a CLIENT span of its own that called this
    server (its protocol, its name) beats any span of another service open when `top` began, which
    fits only where `top`'s service serves calls elsewhere (else `top` may well begin a request of
    its own); the latest to start wins. None: it does not fit."""
    open_then = [s for t in members for s in t.spans if s.service != top.service and within(s, top)]
    if not open_then:
        return None
    calls = [
        s for s in open_then
        if remote_call(s) and protocol(s) == protocol(top) and callee_names(s) & callee_names(top)
    ]  # fmt: skip
    if not calls and top.service not in callees:
        return None
    best = max(calls or open_then, key=lambda s: s.start_us)
    return (1 if calls else 0), best.start_us


def attach(
    requests: list[list[Trace]], loose: list[Trace], callees: set[str]
) -> tuple[list[Trace], dict[str, Join]]:
    """Adds each loose trace that begins at a server to the request that fits best as its caller
    (`callees`: the services seen serving another service's call); returns those that joined none,
    and how each that joined did."""
    unjoined, joins = [], {}
    for trace in loose:
        top = next((top for top in trace.tops if top.kind == "server"), None)
        fits = (
            []
            if top is None
            else [(fit(members, top, callees), index) for index, members in enumerate(requests)]
        )
        scored = [(score, index) for score, index in fits if score is not None]
        if not scored:
            unjoined.append(trace)
            continue
        requests[max(scored)[1]].append(trace)
        joins[trace.trace_id] = Join("caller and time", "probable", len(scored))
    return unjoined, joins
