// A trace as the pages draw it, from the store's Jaeger JSON: its spans, each with its parent, tags,
// events and links, in the order of the tree, on one time axis.
import { api } from "./api.js";

function tagMap(tags = []) {
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}

function fromJaeger(trace) {
  const spans = trace.spans.map((s) => {
    const tags = tagMap(s.tags);
    const parent = (s.references || []).find((r) => r.refType === "CHILD_OF" && r.traceID === s.traceID);
    return {
      traceID: s.traceID,
      spanID: s.spanID,
      parentID: parent ? parent.spanID : null,
      service: trace.processes[s.processID]?.serviceName || "?",
      operation: s.operationName,
      kind: tags["span.kind"] || "internal",
      start: s.startTime,
      duration: s.duration,
      tags,
      events: s.logs || [],
      links: (s.references || []).filter((r) => r.refType === "FOLLOWS_FROM"),
      error: tags["otel.status_code"] === "ERROR" || String(tags.error) === "true",
    };
  });
  return { traceID: trace.traceID, spans };
}

export async function loadTrace(id) {
  const [trace] = await api(`/api/traces/${id}`);
  return fromJaeger(trace);
}

// Each span with its depth, parents before children, siblings by start.
export function inTreeOrder(spans) {
  const ids = new Set(spans.map((s) => s.spanID));
  const children = new Map();
  for (const s of spans) {
    const key = ids.has(s.parentID) ? s.parentID : null;
    if (!children.has(key)) children.set(key, []);
    children.get(key).push(s);
  }
  const ordered = [];
  const visit = (key, depth) => {
    for (const s of (children.get(key) || []).sort((a, b) => a.start - b.start)) {
      ordered.push([s, depth]);
      visit(s.spanID, depth + 1);
    }
  };
  visit(null, 0);
  return ordered;
}

// The time axis spans are drawn on: from the first start, `total` µs long (1 at least).
export function axis(spans) {
  const t0 = Math.min(...spans.map((s) => s.start));
  return { t0, total: Math.max(1, Math.max(...spans.map((s) => s.start + s.duration)) - t0) };
}

// The request id a span carries, under the names /api/config gives (Envoy's tag first).
export const requestIdOf = (span, keys) => keys.map((key) => span.tags[key]).find(Boolean);
export const requestIdsOf = (spans, keys) => new Set(spans.map((s) => requestIdOf(s, keys)).filter(Boolean));
