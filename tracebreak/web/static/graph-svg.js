// The service graph as SVG: a column per call depth, an arrow per edge with its span count, a reply
// (C -> B over Kafka) as an arc below the boxes, and a broken edge in red with its count.
import { counted } from "./words.js";

const SVG = "http://www.w3.org/2000/svg";
const ARROW =
  '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" ' +
  'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#7d8fa8"/></marker></defs>';

function svgNode(parent, tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  parent.append(node);
  return node;
}

// Each service's column: how many calls from a root service it is.
function columns(edges) {
  const names = [...new Set(edges.flatMap((e) => [e.parent, e.child]))];
  const incoming = new Map(
    names.map((n) => [n, edges.filter((e) => e.child === n && e.parent !== n).length]),
  );
  const depth = new Map(names.filter((n) => !incoming.get(n)).map((n) => [n, 0]));
  for (let pass = 0; pass < names.length; pass++) {
    for (const e of edges)
      if (depth.has(e.parent) && !depth.has(e.child)) depth.set(e.child, depth.get(e.parent) + 1);
  }
  const found = new Map();
  for (const n of names) {
    const d = depth.get(n) ?? 0;
    found.set(d, [...(found.get(d) || []), n]);
  }
  return found;
}

export function graphSvg(edges, broken) {
  const placed = columns(edges);
  const at = new Map();
  for (const [d, names] of placed) {
    for (const [i, n] of names.entries()) at.set(n, { x: 30 + d * 260, y: 40 + i * 90 });
  }
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "graph");
  svg.setAttribute("width", 60 + 260 * Math.max(1, placed.size));
  svg.setAttribute("height", 110 + 90 * Math.max(...[...placed.values()].map((c) => c.length), 1));
  svg.innerHTML = ARROW;
  for (const e of edges)
    drawEdge(svg, e, at.get(e.parent), at.get(e.child), broken.get(`${e.parent}|${e.child}`));
  for (const [name, p] of at) {
    const g = svgNode(svg, "g", { class: "node" });
    svgNode(g, "rect", { x: p.x, y: p.y, width: 150, height: 36, rx: 5 });
    svgNode(svg, "text", { x: p.x + 10, y: p.y + 22 }, name);
  }
  return svg;
}

function drawEdge(svg, e, a, b, n) {
  const back = b.x <= a.x; // a reply (C -> B over Kafka): drawn as an arc below the boxes
  const d = back
    ? `M${a.x + 75},${a.y + 36} C${a.x + 75},${a.y + 90} ${b.x + 75},${b.y + 90} ${b.x + 75},${b.y + 36}`
    : `M${a.x + 150},${a.y + 18} L${b.x},${b.y + 18}`;
  svgNode(svg, "path", {
    class: `edge${n ? " broken" : ""}`,
    d,
    "marker-end": "url(#arrow)",
    "data-edge": `${e.parent}->${e.child}`,
  });
  const mx = back ? (a.x + b.x) / 2 + 55 : (a.x + 150 + b.x) / 2 - 20;
  const my = back ? a.y + 84 : (a.y + b.y) / 2 + 10;
  svgNode(svg, "text", { x: mx, y: my }, counted(e.callCount, "span"));
  if (n) svgNode(svg, "text", { x: mx, y: my + 14, class: "broken" }, `broken ${n}`);
}
