// A trace drawn as a waterfall, a span's details opened by a click, and a table of log lines.
import { el, link } from "./dom.js";
import { inTreeOrder } from "./traces.js";
import { clock, ms } from "./words.js";

// One trace on the axis [t0, t0 + total]; `marks` maps span ids to a marker text.
export function waterfall(trace, t0, total, { title, lost = false, marks = new Map(), logs = [] } = {}) {
  const box = el("section", { class: `fragment${lost ? " lost" : ""}`, "data-trace": trace.traceID });
  box.append(el("div", { class: "title" }, title || `trace ${trace.traceID}`));
  for (const [span, depth] of inTreeOrder(trace.spans)) {
    const row = spanRow(span, depth, { t0, total, lost, mark: marks.get(span.spanID) });
    row.addEventListener("click", () => toggleDetails(row, span, logs));
    box.append(row);
  }
  return box;
}

function spanRow(span, depth, { t0, total, lost, mark }) {
  const left = ((span.start - t0) / total) * 100;
  const width = Math.max((span.duration / total) * 100, 0.2);
  return el(
    "div",
    { class: `row${mark ? " boundary" : ""}`, "data-span": span.spanID },
    el(
      "div",
      { class: "label", style: `padding-left: ${0.6 + depth * 1.1}rem` },
      el("span", { class: "service" }, `${span.service}: `),
      el("span", { class: "operation" }, span.operation),
      mark ? el("span", { class: "marker" }, mark) : null,
    ),
    el(
      "div",
      { class: "track" },
      el("div", {
        class: `bar${span.error ? " error" : ""}${lost ? " ghost" : ""}`,
        style: `left: ${left}%; width: ${Math.min(width, 100 - left)}%`,
        title: ms(span.duration),
      }),
    ),
  );
}

function toggleDetails(row, span, logs) {
  if (row.nextSibling?.classList?.contains("details")) {
    row.nextSibling.remove();
    row.classList.remove("selected");
    return;
  }
  row.classList.add("selected");
  row.after(details(span, logs));
}

function details(span, logs) {
  const rows = Object.entries(span.tags).map(([k, v]) =>
    el("tr", {}, el("td", { class: "mono" }, k), el("td", {}, String(v))),
  );
  const events = span.events.map((e) =>
    el("li", {}, `${ms(e.timestamp - span.start)}: `, e.fields.map((f) => `${f.key}=${f.value}`).join(" ")),
  );
  const links = span.links.map((l) =>
    el("li", {}, link(`/trace/${l.traceID}`, `trace ${l.traceID}`), ` span ${l.spanID}`),
  );
  const own = logs.filter((l) => l.spanID === span.spanID);
  return el(
    "div",
    { class: "details" },
    el(
      "p",
      {},
      el("b", {}, `${span.service}: ${span.operation}`),
      ` · ${span.kind} · ${ms(span.duration)} · status `,
      span.tags["otel.status_code"] || "unset",
      " · span ",
      el("code", {}, span.spanID),
      span.parentID ? [" · parent ", el("code", {}, span.parentID)] : " · root",
    ),
    el("table", {}, el("tr", {}, el("th", {}, "attribute"), el("th", {}, "value")), rows),
    events.length ? [el("h2", {}, "events"), el("ul", {}, events)] : null,
    links.length ? [el("h2", {}, "links"), el("ul", {}, links)] : null,
    el("h2", {}, "log lines"),
    own.length ? logTable(own, span.start) : el("p", { class: "muted" }, "none"),
  );
}

export function logTable(lines, t0) {
  const head = ["time", "+", "service", "severity", "trace_id", "line"].map((h) => el("th", {}, h));
  return el(
    "table",
    { class: "log" },
    el("tr", {}, head),
    lines.map((l) => {
      const dark = !l.traceID || /^0*$/.test(l.traceID);
      return el(
        "tr",
        { class: dark ? "dark" : "" },
        el("td", { class: "time" }, clock(l.timestamp)),
        el("td", {}, ms(l.timestamp - t0)),
        el("td", {}, l.serviceName),
        el("td", {}, l.severity),
        el("td", { class: "mono" }, dark ? "no trace_id" : l.traceID),
        el("td", {}, l.body),
      );
    }),
  );
}
