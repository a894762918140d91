// /request/ID: every trace of one request on one time axis, the doctor's verdict, its log lines.
import { api, config, doctor } from "./api.js";
import { el, link, show } from "./dom.js";
import { axis, loadTrace, requestIdOf } from "./traces.js";
import { verdictCard } from "./verdict.js";
import { logTable, waterfall } from "./waterfall.js";
import { counted, ms, short } from "./words.js";

export async function requestPage(requestId) {
  const [{ requests }, names] = await Promise.all([doctor({ request: requestId }), config()]);
  const verdict = requests.find((r) => r.request_id === requestId);
  if (!verdict) throw new Error(`request ${requestId} is not in the store (or is still arriving)`);
  const traces = await Promise.all(verdict.trace_ids.map(loadTrace));
  const { t0, total } = axis(traces.flatMap((t) => t.spans));
  const logs = (await api("/api/logs", { start: t0 - 1e6, end: t0 + total + 5e6 }).catch(() => []))
    .filter((l) => l.attributes?.[names.request_id.log_attribute] === requestId)
    .sort((a, b) => a.timestamp - b.timestamp);
  const shared = sharedTraces(verdict);
  const marks = new Map([
    ...othersIn(traces, requestId, names.request_id.span_keys),
    ...linksAmong(traces),
    ...lostAt(verdict),
  ]);
  show(
    el("h1", {}, "request ", el("code", {}, requestId)),
    verdictCard(verdict),
    el("h2", {}, `${counted(traces.length, "trace")} on one time axis (${ms(total)})`),
    traces.map((trace, i) =>
      waterfall(trace, t0, total, {
        lost: i > 0 && !verdict.whole_by_link,
        marks,
        logs,
        title: fragmentTitle(trace, i, shared, verdict.whole_by_link),
      }),
    ),
    el("h2", {}, `log lines of the request (${logs.length})`),
    logs.length
      ? logTable(logs, t0)
      : el("p", { class: "muted" }, "none found (a real Jaeger keeps no logs)"),
  );
}

// The doctor says where each finding's context was lost (lost_at): only there is it marked. A
// mega-trace lost nothing: a worker kept a context it should have let go.
function lostAt(verdict) {
  const marks = new Map();
  for (const f of verdict.findings) {
    const what = f.evidence.requests_in_trace ? "context kept here" : "context lost here";
    for (const id of f.lost_at) marks.set(id, `${what}: ${f.at}${f.signature ? ` — ${f.signature}` : ""}`);
  }
  return marks;
}

// The traces the request shares with other requests (a mega-trace), and how many each holds.
function sharedTraces(verdict) {
  const shared = new Map();
  for (const f of verdict.findings)
    if (f.evidence.requests_in_trace)
      for (const id of f.evidence.trace_ids) shared.set(id, f.evidence.requests_in_trace);
  return shared;
}

// In a trace shared with other requests (a mega-trace, a batch's), every span another request's id
// marks is labelled with that request.
function othersIn(traces, requestId, keys) {
  const marks = new Map();
  for (const trace of traces)
    for (const span of trace.spans) {
      const owner = requestIdOf(span, keys);
      if (owner && owner !== requestId) marks.set(span.spanID, `request ${short(String(owner))}`);
    }
  return marks;
}

// Both ends of every link between the request's traces: the span that follows from another (a batch's
// span, from each record's sender), and the span it follows from.
function linksAmong(traces) {
  const spans = new Map(traces.flatMap((t) => t.spans.map((s) => [s.spanID, s])));
  const marks = new Map();
  for (const span of spans.values())
    for (const l of span.links.filter((l) => spans.has(l.spanID))) {
      const from = spans.get(l.spanID);
      marks.set(span.spanID, `follows from ${from.service}: ${from.operation} by link`);
      marks.set(from.spanID, `linked from trace ${span.traceID.slice(0, 8)}`);
    }
  return marks;
}

function fragmentTitle(trace, i, shared, byLink) {
  return el(
    "span",
    {},
    i === 0 ? "the request's trace " : `fragment ${i}: `,
    link(`/trace/${trace.traceID}`, trace.traceID),
    el("span", { class: "muted" }, ` · ${counted(trace.spans.length, "span")}`),
    shared.has(trace.traceID)
      ? el("span", { class: "broken" }, ` · shared: holds ${shared.get(trace.traceID)} requests`)
      : i > 0 && byLink
        ? el("span", { class: "ok" }, " · joined by link: a trace begun on purpose")
        : i > 0
          ? el("span", { class: "broken" }, " · began without the request's context")
          : null,
  );
}
