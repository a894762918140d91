// tracebreak's web view: one ES module, no framework, no build step, nothing fetched from elsewhere.
// It reads the store's Jaeger-shaped API (/api/services, /api/traces, /api/dependencies, /api/logs),
// the doctor's JSON (/api/doctor) and the chaos panel's API (/api/chaos).

const main = document.getElementById("main");
const LOOKBACKS = ["5m", "15m", "1h", "6h", "24h"];
const SETTLE = "2s"; // a request whose last span is younger is still arriving: listed on the next look
const LIMIT = 500; // the newest requests a search judges (about: counted by their root spans) and lists

// ---------- small helpers ----------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(path, params = {}, options = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.errors?.[0]?.msg || `${response.status} ${response.statusText}`);
  return "data" in body ? body.data : body; // Jaeger's envelope; the doctor's JSON comes bare
}

// The page's content: arrays flattened, absent parts (null, false) left out.
const show = (...parts) => main.replaceChildren(...parts.flat(2).filter((p) => p !== null && p !== undefined && p !== false));

// A count said in words, as the commands say it (tracebreak/terminal.py): 1 trace, 2 traces.
const plural = (n, noun) => (n === 1 ? noun : `${noun}s`);
const counted = (n, noun) => `${n} ${plural(n, noun)}`;
const ms = (us) => `${(us / 1000).toFixed(us < 10000 ? 2 : 1)} ms`;
const clock = (us) => new Date(us / 1000).toLocaleTimeString([], { hour12: false }) + `.${String(Math.floor(us / 1000) % 1000).padStart(3, "0")}`;
const short = (id) => id.slice(0, 8);
const link = (href, text) => el("a", { href }, text);
const evidenceText = (e) => !e.trace_ids.length
  ? `evidence: ${counted(e.log_lines || 0, "log line")} without trace_id`
  : `evidence: ${plural(e.trace_ids.length, "trace")} ${e.trace_ids.map(short).join(", ")}`
    + (e.span_ids.length ? `; ${plural(e.span_ids.length, "span")} ${e.span_ids.map(short).join(", ")}` : "");

function lookbackUs(text) {
  const n = parseFloat(text);
  const unit = { m: 60e6, h: 3600e6, s: 1e6 }[text.slice(-1)] || 60e6;
  return Math.round(n * unit);
}

// ---------- traces ----------

function tagMap(tags = []) {
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}

function fromJaeger(trace) {
  const spans = trace.spans.map((s) => {
    const tags = tagMap(s.tags);
    const parent = (s.references || []).find((r) => r.refType === "CHILD_OF" && r.traceID === s.traceID);
    return {
      traceID: s.traceID, spanID: s.spanID, parentID: parent ? parent.spanID : null,
      service: trace.processes[s.processID]?.serviceName || "?", operation: s.operationName,
      kind: tags["span.kind"] || "internal", start: s.startTime, duration: s.duration, tags,
      events: s.logs || [], links: (s.references || []).filter((r) => r.refType === "FOLLOWS_FROM"),
      error: tags["otel.status_code"] === "ERROR" || String(tags.error) === "true",
    };
  });
  return { traceID: trace.traceID, spans };
}

async function loadTrace(id) {
  const [trace] = await api(`/api/traces/${id}`);
  return fromJaeger(trace);
}

function inTreeOrder(spans) {
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

// One trace as a waterfall on the axis [t0, t0 + total]; `marks` maps span ids to a marker text.
function waterfall(trace, t0, total, { title, lost = false, marks = new Map(), logs = [] } = {}) {
  const box = el("section", { class: `fragment${lost ? " lost" : ""}`, "data-trace": trace.traceID });
  box.append(el("div", { class: "title" }, title || `trace ${trace.traceID}`));
  for (const [span, depth] of inTreeOrder(trace.spans)) {
    const left = ((span.start - t0) / total) * 100;
    const width = Math.max((span.duration / total) * 100, 0.2);
    const mark = marks.get(span.spanID);
    const row = el("div", { class: `row${mark ? " boundary" : ""}`, "data-span": span.spanID },
      el("div", { class: "label", style: `padding-left: ${0.6 + depth * 1.1}rem` },
        el("span", { class: "service" }, `${span.service}: `), el("span", { class: "operation" }, span.operation),
        mark ? el("span", { class: "marker" }, mark) : null),
      el("div", { class: "track" }, el("div", {
        class: `bar${span.error ? " error" : ""}${lost ? " ghost" : ""}`,
        style: `left: ${left}%; width: ${Math.min(width, 100 - left)}%`, title: ms(span.duration),
      })));
    row.addEventListener("click", () => toggleDetails(row, span, logs));
    box.append(row);
  }
  return box;
}

function toggleDetails(row, span, logs) {
  if (row.nextSibling?.classList?.contains("details")) {
    row.nextSibling.remove();
    row.classList.remove("selected");
    return;
  }
  row.classList.add("selected");
  const rows = Object.entries(span.tags).map(([k, v]) => el("tr", {}, el("td", { class: "mono" }, k), el("td", {}, String(v))));
  const events = span.events.map((e) => el("li", {}, `${ms(e.timestamp - span.start)}: `,
    e.fields.map((f) => `${f.key}=${f.value}`).join(" ")));
  const own = logs.filter((l) => l.spanID === span.spanID);
  row.after(el("div", { class: "details" },
    el("p", {}, el("b", {}, `${span.service}: ${span.operation}`), ` · ${span.kind} · ${ms(span.duration)} · status `,
      span.tags["otel.status_code"] || "unset", " · span ", el("code", {}, span.spanID),
      span.parentID ? [" · parent ", el("code", {}, span.parentID)] : " · root"),
    el("table", {}, el("tr", {}, el("th", {}, "attribute"), el("th", {}, "value")), rows),
    events.length ? [el("h2", {}, "events"), el("ul", {}, events)] : null,
    span.links.length ? [el("h2", {}, "links"), el("ul", {}, span.links.map((l) => el("li", {},
      link(`/trace/${l.traceID}`, `trace ${l.traceID}`), ` span ${l.spanID}`)))] : null,
    el("h2", {}, "log lines"), own.length ? logTable(own, span.start) : el("p", { class: "muted" }, "none")));
}

function logTable(lines, t0) {
  return el("table", { class: "log" },
    el("tr", {}, el("th", {}, "time"), el("th", {}, "+"), el("th", {}, "service"), el("th", {}, "severity"),
      el("th", {}, "trace_id"), el("th", {}, "line")),
    lines.map((l) => {
      const dark = !l.traceID || /^0*$/.test(l.traceID);
      return el("tr", { class: dark ? "dark" : "" }, el("td", { class: "time" }, clock(l.timestamp)),
        el("td", {}, ms(l.timestamp - t0)), el("td", {}, l.serviceName), el("td", {}, l.severity),
        el("td", { class: "mono" }, dark ? "no trace_id" : l.traceID), el("td", {}, l.body));
    }));
}

// ---------- the doctor ----------

// page=1: in lab mode (`tracebreak lab on`) the store holds each verdict until it is asked for.
const doctor = (params) => api("/api/doctor", { ...params, page: 1 });

function verdictCard(verdict) {
  if (verdict.lab?.held) return heldCard(verdict);
  if (verdict.whole) {
    return el("div", { class: "card verdict whole" }, el("span", { class: "ok" }, "whole"),
      `: one trace, ${verdict.spans == null ? "every span" : counted(verdict.spans, "span")} across ${(verdict.services || []).join(", ")}`);
  }
  return el("div", { class: "card verdict broken" },
    el("p", {}, el("span", { class: "broken" }, "broken"),
      `: ${counted(verdict.trace_ids.length, "trace")} — ${verdict.signatures.join(", ") || "the doctor is silent: a drill is running"}`),
    verdict.findings.map((f) => el("div", { class: "finding" },
      el("p", {}, el("b", { class: "signature" }, f.signature), " at ", el("span", { class: "boundary-name" }, f.at)),
      el("p", { class: "muted" }, evidenceText(f.evidence)),
      el("p", { class: "fix" }, el("b", {}, "fix: "), f.fix))),
    verdict.lab ? el("p", { class: "muted" }, `lab mode: ${asked(verdict.lab)}`) : null);
}

const asked = (lab) => `${counted(lab.revealed, "verdict")} shown on asking`;

// Lab mode: the fragments, the marks and the logs are there to read; the signature and the fix wait
// for a click, counted (`tracebreak lab status`) as a drill counts its hints.
function heldCard(verdict) {
  const said = el("span", { class: "error" });
  const ask = async () => {
    try {
      await api(`/api/lab/reveal/${encodeURIComponent(verdict.request_id)}`, {}, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      await render();
    } catch (error) {
      said.textContent = error.message;
    }
  };
  return el("div", { class: "card verdict broken held" },
    el("p", {}, el("span", { class: "broken" }, "broken"),
      `: ${counted(verdict.trace_ids.length, "trace")} — lab mode holds the doctor's verdict: read the fragments, the marks and the logs first`),
    el("button", { class: "reveal", onclick: ask }, "show the doctor's verdict"),
    el("span", { class: "muted" }, ` counted: ${asked(verdict.lab)} so far `), said);
}

// ---------- pages ----------

async function requestPage(requestId) {
  const { requests } = await doctor({ request: requestId });
  const verdict = requests.find((r) => r.request_id === requestId);
  if (!verdict) throw new Error(`request ${requestId} is not in the store (or is still arriving)`);
  const traces = await Promise.all(verdict.trace_ids.map(loadTrace));
  const spans = traces.flatMap((t) => t.spans);
  const t0 = Math.min(...spans.map((s) => s.start));
  const total = Math.max(1, Math.max(...spans.map((s) => s.start + s.duration)) - t0);
  const logs = (await api("/api/logs", { start: t0 - 1e6, end: t0 + total + 5e6 }).catch(() => []))
    .filter((l) => l.attributes?.request_id === requestId).sort((a, b) => a.timestamp - b.timestamp);
  const marks = new Map();
  // The doctor says where each finding's context was lost (lost_at): only there is it marked.
  for (const f of verdict.findings) {
    for (const id of f.lost_at) marks.set(id, `context lost here: ${f.at}${f.signature ? ` — ${f.signature}` : ""}`);
  }
  show(
    el("h1", {}, "request ", el("code", {}, requestId)),
    verdictCard(verdict),
    el("h2", {}, `${counted(traces.length, "trace")} on one time axis (${ms(total)})`),
    traces.map((trace, i) => waterfall(trace, t0, total, {
      lost: i > 0, marks, logs,
      title: el("span", {}, i === 0 ? "the request's trace " : `fragment ${i}: `, link(`/trace/${trace.traceID}`, trace.traceID),
        el("span", { class: "muted" }, ` · ${counted(trace.spans.length, "span")}`),
        i > 0 ? el("span", { class: "broken" }, " · began without the request's context") : null),
    })),
    el("h2", {}, `log lines of the request (${logs.length})`),
    logs.length ? logTable(logs, t0) : el("p", { class: "muted" }, "none found (a real Jaeger keeps no logs)"));
}

async function tracePage(traceId) {
  const trace = await loadTrace(traceId);
  const t0 = Math.min(...trace.spans.map((s) => s.start));
  const total = Math.max(1, Math.max(...trace.spans.map((s) => s.start + s.duration)) - t0);
  const logs = await api("/api/logs", { traceID: traceId }).catch(() => []);
  const requestIds = new Set(trace.spans.map((s) => s.tags["guid:x-request-id"]
    || Object.entries(s.tags).find(([k]) => k.endsWith("x-request-id"))?.[1]).filter(Boolean));
  show(
    el("h1", {}, "trace ", el("code", {}, trace.traceID)),
    el("p", {}, `${counted(trace.spans.length, "span")}, ${ms(total)}`,
      [...requestIds].map((id) => [" · request ", link(`/request/${id}`, id)])),
    waterfall(trace, t0, total, { logs }),
    el("h2", {}, `log lines (${logs.length})`), logs.length ? logTable(logs, t0) : el("p", { class: "muted" }, "none"));
}

async function searchPage() {
  const params = new URLSearchParams(location.search);
  const services = await api("/api/services").catch(() => []);
  const form = el("form", { class: "search" },
    el("label", {}, "service", el("select", { name: "service" }, el("option", { value: "" }, "any"),
      services.map((s) => el("option", { value: s, selected: params.get("service") === s }, s)))),
    el("label", {}, "operation", el("input", { name: "operation", value: params.get("operation") || "", placeholder: "any" })),
    el("label", {}, "lookback", el("select", { name: "lookback" },
      LOOKBACKS.map((l) => el("option", { value: l, selected: (params.get("lookback") || "15m") === l }, l)))),
    el("label", {}, "min duration", el("input", { name: "minDuration", value: params.get("minDuration") || "", placeholder: "e.g. 100ms", size: 8 })),
    el("label", {}, el("span", {}, "broken requests only"), el("input", { type: "checkbox", name: "broken", checked: params.get("broken") === "1" })),
    el("button", { type: "submit" }, "find requests"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const query = new URLSearchParams([...data].filter(([, v]) => v !== "").map(([k, v]) => [k, k === "broken" ? "1" : v]));
    history.pushState({}, "", `/?${query}`);
    render();
  });
  show(el("h1", {}, "requests"), form, el("p", { class: "muted" }, "asking the doctor…"));
  const lookback = params.get("lookback") || "15m";
  const { requests } = await doctor({ lookback, settle: SETTLE, limit: LIMIT });
  const minUs = params.get("minDuration") ? parseDuration(params.get("minDuration")) : 0;
  const shown = requests.filter((r) => (!params.get("broken") || !r.whole)
    && (!params.get("service") || (r.services || []).includes(params.get("service")))
    && (!params.get("operation") || (r.operations || []).includes(params.get("operation")))
    && (r.duration_us ?? 0) >= minUs).sort((a, b) => (b.start_us ?? 0) - (a.start_us ?? 0));
  show(el("h1", {}, "requests"), form,
    el("p", { class: "muted" }, `${shown.length} of the newest ${counted(requests.length, "request")} in the last ${lookback}`,
      shown.length > LIMIT ? `; the newest ${LIMIT} listed, ${shown.length - LIMIT} more left out: narrow the search to see them` : null),
    el("table", { class: "requests" },
      el("tr", {}, ["request", "start", "duration", "status", "fragments", "verdict"].map((h) => el("th", {}, h))),
      shown.slice(0, LIMIT).map((r) => el("tr", { "data-request": r.request_id },
        el("td", {}, link(`/request/${r.request_id}`, r.request_id)),
        el("td", {}, r.start_us ? clock(r.start_us) : "?"), el("td", {}, r.duration_us ? ms(r.duration_us) : "?"),
        el("td", {}, r.status ?? "?"), el("td", { class: "fragments" }, r.trace_ids.length),
        el("td", { class: r.whole ? "ok" : "broken" }, r.whole ? "whole" : r.signatures.join(", ") || "broken")))));
}

function parseDuration(text) {
  const m = /^([\d.]+)\s*(us|µs|ms|s|m)?$/.exec(text.trim());
  if (!m) return 0;
  return parseFloat(m[1]) * { us: 1, "µs": 1, ms: 1e3, s: 1e6, m: 60e6 }[m[2] || "ms"];
}

async function graphPage() {
  const params = new URLSearchParams(location.search);
  const lookback = params.get("lookback") || "15m";
  const { requests } = await doctor({ lookback, settle: SETTLE, limit: LIMIT });
  // The calls among the same requests the doctor judged: from the oldest of them to now.
  const oldest = Math.min(Date.now() * 1000, ...requests.map((r) => r.start_us));
  const edges = await api("/api/dependencies", { endTs: Date.now(), lookback: Math.ceil((Date.now() * 1000 - oldest) / 1000) + 1000 });
  const broken = new Map();
  const named = new Map();  // each edge's boundary, as the doctor writes it
  for (const r of requests) for (const f of r.findings) {
    const key = `${f.boundary.from}|${f.boundary.to}`;
    broken.set(key, (broken.get(key) || 0) + 1);
    named.set(key, f.at);
  }
  const select = el("select", { name: "lookback", onchange: (e) => { history.pushState({}, "", `/graph?lookback=${e.target.value}`); render(); } },
    LOOKBACKS.map((l) => el("option", { value: l, selected: l === lookback }, l)));
  // A fracture is an edge too, even where no span crossed it whole (a stripped hop has no parent link).
  const known = new Set(requests.flatMap((r) => r.services || []));
  for (const key of broken.keys()) {
    const [from, to] = key.split("|");
    const seen = edges.some((e) => e.parent === from && e.child === to);
    if (from !== to && known.has(from) && known.has(to) && !seen) edges.push({ parent: from, child: to, callCount: 0 });
  }
  const drawn = new Set(edges.map((e) => `${e.parent}|${e.child}`));
  const elsewhere = [...broken].filter(([key]) => !drawn.has(key));
  show(el("h1", {}, "service graph"), el("p", {}, "window: ", select,
    ` · broken edges counted over the newest ${counted(requests.length, "request")}, ${requests.filter((r) => !r.whole).length} of them broken`),
    graphSvg(edges, broken),
    elsewhere.length ? [el("h2", {}, "fractures not on a drawn edge"), el("ul", {}, elsewhere.map(([key, n]) =>
      el("li", { class: "broken" }, `${named.get(key)}: ${n}`)))] : null);
}

function graphSvg(edges, broken) {
  const names = [...new Set(edges.flatMap((e) => [e.parent, e.child]))];
  const incoming = new Map(names.map((n) => [n, edges.filter((e) => e.child === n && e.parent !== n).length]));
  const depth = new Map(names.filter((n) => !incoming.get(n)).map((n) => [n, 0]));
  for (let pass = 0; pass < names.length; pass++) {
    for (const e of edges) if (depth.has(e.parent) && !depth.has(e.child)) depth.set(e.child, depth.get(e.parent) + 1);
  }
  const columns = new Map();
  for (const n of names) {
    const d = depth.get(n) ?? 0;
    columns.set(d, [...(columns.get(d) || []), n]);
  }
  const at = new Map();
  for (const [d, ns] of columns) ns.forEach((n, i) => at.set(n, { x: 30 + d * 260, y: 40 + i * 90 }));
  const width = 60 + 260 * Math.max(1, columns.size), height = 110 + 90 * Math.max(...[...columns.values()].map((c) => c.length), 1);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "graph");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.innerHTML = `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#7d8fa8"/></marker></defs>`;
  const ns = (tag, attrs, text) => {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  for (const e of edges) {
    const a = at.get(e.parent), b = at.get(e.child), n = broken.get(`${e.parent}|${e.child}`);
    const back = b.x <= a.x; // a reply (C -> B over Kafka): drawn as an arc below the boxes
    const d = back
      ? `M${a.x + 75},${a.y + 36} C${a.x + 75},${a.y + 90} ${b.x + 75},${b.y + 90} ${b.x + 75},${b.y + 36}`
      : `M${a.x + 150},${a.y + 18} L${b.x},${b.y + 18}`;
    ns("path", { class: `edge${n ? " broken" : ""}`, d, "marker-end": "url(#arrow)", "data-edge": `${e.parent}->${e.child}` });
    const mx = back ? (a.x + b.x) / 2 + 55 : (a.x + 150 + b.x) / 2 - 20, my = back ? a.y + 84 : (a.y + b.y) / 2 + 10;
    ns("text", { x: mx, y: my }, counted(e.callCount, "span"));
    if (n) ns("text", { x: mx, y: my + 14, class: "broken" }, `broken ${n}`);
  }
  for (const [name, p] of at) {
    const g = ns("g", { class: "node" });
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    for (const [k, v] of Object.entries({ x: p.x, y: p.y, width: 150, height: 36, rx: 5 })) rect.setAttribute(k, v);
    g.append(rect);
    ns("text", { x: p.x + 10, y: p.y + 22 }, name);
  }
  return svg;
}

async function chaosPage() {
  const toggles = await api("/api/chaos");
  const row = (t) => {
    const on = t.state !== "off";
    const option = t.option;
    const input = option === "rate" ? el("input", { class: "rate", name: "rate", type: "number", min: "0.01", max: "1", step: "0.05", value: on && typeof t.value === "number" ? t.value : 1 })
      : option === "ms" ? el("input", { class: "rate", name: "ms", type: "number", min: "1", value: on ? t.value : 500 })
      : option === "service" ? el("select", { name: "service" }, ["service-a", "service-b", "service-c", "all"].map((s) => el("option", { value: s, selected: t.value === s }, s)))
      : null;
    const send = async (body) => {
      try {
        await api(`/api/chaos/${t.name}`, {}, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
        await render();
      } catch (error) {
        tr.querySelector(".error").textContent = error.message;
      }
    };
    const value = () => (input ? { [option]: input.type === "number" ? Number(input.value) : input.value } : {});
    const tr = el("tr", { "data-toggle": t.name },
      el("td", {}, el("b", {}, t.name), el("div", { class: "muted" }, t.kind)),
      el("td", { class: `toggle-state${on ? " on" : ""}` }, t.state),
      el("td", {}, input, " ", el("button", { class: "on", onclick: () => send({ on: true, ...value() }) }, on ? "set" : "on"),
        " ", el("button", { onclick: () => send({ on: false }), disabled: !on }, "off"), el("div", { class: "error" })),
      el("td", {}, t.boundary), el("td", { class: "mono" }, t.line ? `${t.where}:${t.line}` : t.where), el("td", {}, t.story));
    return tr;
  };
  show(el("h1", {}, "chaos toggles"),
    el("p", { class: "muted" }, "The same switches as `tracebreak chaos`: they change the running stack. This page answers on loopback only."),
    el("table", { class: "toggles" },
      el("tr", {}, ["toggle", "state", "switch", "boundary", "where", "story"].map((h) => el("th", {}, h))),
      toggles.map(row)));
}

// ---------- routing ----------

const ROUTES = [
  [/^\/$/, searchPage],
  [/^\/request\/([^/]+)$/, requestPage],
  [/^\/trace\/([0-9a-fA-F]{1,32})$/, tracePage],
  [/^\/graph$/, graphPage],
  [/^\/chaos$/, chaosPage],
];

async function render() {
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(location.pathname);
    if (!match) continue;
    try {
      await page(...match.slice(1).map(decodeURIComponent));
    } catch (error) {
      show(el("p", { class: "error" }, error.message));
    }
    return;
  }
  show(el("p", { class: "error" }, `no page at ${location.pathname}`));
}

document.getElementById("jump").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = new FormData(event.target).get("id").trim();
  if (id) location.assign(/^[0-9a-f]{16,32}$/i.test(id) ? `/trace/${id}` : `/request/${encodeURIComponent(id)}`);
});
window.addEventListener("popstate", render);
render();
