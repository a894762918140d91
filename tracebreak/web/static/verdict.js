// The doctor's verdict on one request: whole, broken with its findings, or held in lab mode.
import { post } from "./api.js";
import { el, redraw } from "./dom.js";
import { counted, evidenceText } from "./words.js";

// "broken: N traces — what is said of them", the first line of a broken request's card.
const brokenLine = (verdict, said) =>
  el(
    "p",
    {},
    el("span", { class: "broken" }, "broken"),
    `: ${counted(verdict.trace_ids.length, "trace")} — ${said}`,
  );

export function verdictCard(verdict) {
  if (verdict.lab?.held) return heldCard(verdict);
  if (verdict.whole) {
    const spans = verdict.spans == null ? "every span" : counted(verdict.spans, "span");
    const traces = verdict.whole_by_link
      ? `${counted(verdict.trace_ids.length, "trace")} joined by link`
      : "one trace";
    return el(
      "div",
      { class: "card verdict whole" },
      el("span", { class: "ok" }, verdict.whole_by_link ? "whole by link" : "whole"),
      `: ${traces}, ${spans} across ${(verdict.services || []).join(", ")}`,
    );
  }
  const named = verdict.signatures.join(", ") || "the doctor is silent: a drill is running";
  return el(
    "div",
    { class: "card verdict broken" },
    brokenLine(verdict, named),
    verdict.findings.map((f) =>
      el(
        "div",
        { class: "finding" },
        el(
          "p",
          {},
          el("b", { class: "signature" }, f.signature),
          " at ",
          el("span", { class: "boundary-name" }, f.at),
        ),
        el("p", { class: "muted" }, evidenceText(f.evidence)),
        el("p", { class: "fix" }, el("b", {}, "fix: "), f.fix),
      ),
    ),
    verdict.lab ? el("p", { class: "muted" }, `lab mode: ${asked(verdict.lab)}`) : null,
  );
}

const asked = (lab) => `${counted(lab.revealed, "verdict")} shown on asking`;

// Lab mode: the fragments, the marks and the logs are there to read; the signature and the fix wait
// for a click, counted (`tracebreak lab status`) as a drill counts its hints.
function heldCard(verdict) {
  const said = el("span", { class: "error" });
  const ask = async () => {
    try {
      await post(`/api/lab/reveal/${encodeURIComponent(verdict.request_id)}`, {});
      await redraw();
    } catch (error) {
      said.textContent = error.message;
    }
  };
  return el(
    "div",
    { class: "card verdict broken held" },
    brokenLine(
      verdict,
      "lab mode holds the doctor's verdict: read the fragments, the marks and the logs first",
    ),
    el("button", { class: "reveal", onclick: ask }, "show the doctor's verdict"),
    el("span", { class: "muted" }, ` counted: ${asked(verdict.lab)} so far `),
    said,
  );
}
