// /trace/ID: one trace's waterfall, the requests it belongs to, its log lines.
import { api, config } from "./api.js";
import { el, link, show } from "./dom.js";
import { axis, loadTrace, requestIdsOf } from "./traces.js";
import { logTable, waterfall } from "./waterfall.js";
import { counted, ms } from "./words.js";

export async function tracePage(traceId) {
  const [trace, names] = await Promise.all([loadTrace(traceId), config()]);
  const { t0, total } = axis(trace.spans);
  const logs = await api("/api/logs", { traceID: traceId }).catch(() => []);
  const requestIds = requestIdsOf(trace.spans, names.request_id.span_keys);
  show(
    el("h1", {}, "trace ", el("code", {}, trace.traceID)),
    el(
      "p",
      {},
      `${counted(trace.spans.length, "span")}, ${ms(total)}`,
      [...requestIds].map((id) => [" · request ", link(`/request/${id}`, id)]),
    ),
    waterfall(trace, t0, total, { logs }),
    el("h2", {}, `log lines (${logs.length})`),
    logs.length ? logTable(logs, t0) : el("p", { class: "muted" }, "none"),
  );
}
