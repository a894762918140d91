// /graph: the calls among the services, each edge with the broken requests the doctor found on it.
import { api } from "./api.js";
import { el, go, show } from "./dom.js";
import { graphSvg } from "./graph-svg.js";
import { lookbackOf, lookbackOptions, recentRequests } from "./recent.js";
import { counted } from "./words.js";

export async function graphPage() {
  const lookback = lookbackOf(new URLSearchParams(location.search));
  const { requests } = await recentRequests(lookback);
  // The calls among the same requests the doctor judged: from the oldest of them to now.
  const oldest = Math.min(Date.now() * 1000, ...requests.map((r) => r.start_us));
  const since = Math.ceil((Date.now() * 1000 - oldest) / 1000) + 1000;
  const edges = await api("/api/dependencies", { endTs: Date.now(), lookback: since });
  const { broken, named } = brokenEdges(requests);
  addFractures(edges, broken, new Set(requests.flatMap((r) => r.services || [])));
  const drawn = new Set(edges.map((e) => `${e.parent}|${e.child}`));
  const elsewhere = [...broken].filter(([key]) => !drawn.has(key));
  const select = el(
    "select",
    { name: "lookback", onchange: (e) => go(`/graph?lookback=${e.target.value}`) },
    lookbackOptions(lookback),
  );
  const brokenCount = requests.filter((r) => !r.whole).length;
  const judged = `${counted(requests.length, "request")}, ${brokenCount} of them broken`;
  show(
    el("h1", {}, "service graph"),
    el("p", {}, "window: ", select, ` · broken edges counted over the newest ${judged}`),
    graphSvg(edges, broken),
    elsewhere.length
      ? [
          el("h2", {}, "fractures not on a drawn edge"),
          el(
            "ul",
            {},
            elsewhere.map(([key, n]) => el("li", { class: "broken" }, `${named.get(key)}: ${n}`)),
          ),
        ]
      : null,
  );
}

// "from|to" -> how many findings the doctor made there, and the boundary as the doctor writes it.
function brokenEdges(requests) {
  const broken = new Map();
  const named = new Map();
  for (const r of requests) {
    for (const f of r.findings) {
      const key = `${f.boundary.from}|${f.boundary.to}`;
      broken.set(key, (broken.get(key) || 0) + 1);
      named.set(key, f.at);
    }
  }
  return { broken, named };
}

// A fracture is an edge too, even where no span crossed it whole (a stripped hop has no parent link).
function addFractures(edges, broken, known) {
  for (const key of broken.keys()) {
    const [from, to] = key.split("|");
    const seen = edges.some((e) => e.parent === from && e.child === to);
    if (from !== to && known.has(from) && known.has(to) && !seen)
      edges.push({ parent: from, child: to, callCount: 0 });
  }
}
