// tracebreak's web view: ES modules, no framework, no build step, nothing fetched from elsewhere.
// This one draws the page for the address; each page is a module of its own (*-page.js).
import { chaosPage } from "./chaos-page.js";
import { drawWith, el, show } from "./dom.js";
import { graphPage } from "./graph-page.js";
import { requestPage } from "./request-page.js";
import { searchPage } from "./search-page.js";
import { tracePage } from "./trace-page.js";

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
  if (id)
    location.assign(/^[0-9a-f]{16,32}$/i.test(id) ? `/trace/${id}` : `/request/${encodeURIComponent(id)}`);
});
window.addEventListener("popstate", render);
drawWith(render);
render();
