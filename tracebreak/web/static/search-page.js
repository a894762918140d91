// /: the newest requests the doctor judged, searched by service, operation, duration and verdict.
import { api } from "./api.js";
import { el, go, link, show } from "./dom.js";
import { durationUs } from "./duration.js";
import { LIMIT, lookbackOf, lookbackOptions, recentRequests } from "./recent.js";
import { clock, counted, ms } from "./words.js";

export async function searchPage() {
  const params = new URLSearchParams(location.search);
  const services = await api("/api/services").catch(() => []);
  const heading = el("h1", {}, "requests");
  const form = searchForm(params, services);
  let minUs;
  try {
    minUs = params.get("minDuration") ? durationUs(params.get("minDuration")) : 0;
  } catch (error) {
    return show(heading, form, el("p", { class: "error" }, error.message)); // the form stays, to mend it
  }
  show(heading, form, el("p", { class: "muted" }, "asking the doctor…"));
  const lookback = lookbackOf(params);
  const { requests } = await recentRequests(lookback);
  const shown = requests
    .filter((r) => matches(r, params, minUs))
    .sort((a, b) => (b.start_us ?? 0) - (a.start_us ?? 0));
  const left = shown.length - LIMIT;
  show(
    heading,
    form,
    el(
      "p",
      { class: "muted" },
      `${shown.length} of the newest ${counted(requests.length, "request")} in the last ${lookback}`,
      left > 0 ? `; the newest ${LIMIT} listed, ${left} more left out: narrow the search to see them` : null,
    ),
    requestsTable(shown.slice(0, LIMIT)),
  );
}

function searchForm(params, services) {
  const input = (name, placeholder, size) =>
    el("input", { name, value: params.get(name) || "", placeholder, size });
  const serviceOptions = [
    el("option", { value: "" }, "any"),
    ...services.map((s) => el("option", { value: s, selected: params.get("service") === s }, s)),
  ];
  const form = el(
    "form",
    { class: "search" },
    el("label", {}, "service", el("select", { name: "service" }, serviceOptions)),
    el("label", {}, "operation", input("operation", "any")),
    el("label", {}, "lookback", el("select", { name: "lookback" }, lookbackOptions(lookbackOf(params)))),
    el("label", {}, "min duration", input("minDuration", "e.g. 100ms", 8)),
    el(
      "label",
      {},
      el("span", {}, "broken requests only"),
      el("input", { type: "checkbox", name: "broken", checked: params.get("broken") === "1" }),
    ),
    el("button", { type: "submit" }, "find requests"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const given = [...new FormData(form)].filter(([, v]) => v !== "");
    go(`/?${new URLSearchParams(given.map(([k, v]) => [k, k === "broken" ? "1" : v]))}`);
  });
  return form;
}

const matches = (r, params, minUs) =>
  (!params.get("broken") || !r.whole) &&
  (!params.get("service") || (r.services || []).includes(params.get("service"))) &&
  (!params.get("operation") || (r.operations || []).includes(params.get("operation"))) &&
  (r.duration_us ?? 0) >= minUs;

function requestsTable(requests) {
  const head = ["request", "start", "duration", "status", "fragments", "verdict"].map((h) => el("th", {}, h));
  return el(
    "table",
    { class: "requests" },
    el("tr", {}, head),
    requests.map((r) =>
      el(
        "tr",
        { "data-request": r.request_id },
        el("td", {}, link(`/request/${r.request_id}`, r.request_id)),
        el("td", {}, r.start_us ? clock(r.start_us) : "?"),
        el("td", {}, r.duration_us ? ms(r.duration_us) : "?"),
        el("td", {}, r.status ?? "?"),
        el("td", { class: "fragments" }, r.trace_ids.length),
        el(
          "td",
          { class: r.whole ? "ok" : "broken" },
          r.whole ? "whole" : r.signatures.join(", ") || "broken",
        ),
      ),
    ),
  );
}
