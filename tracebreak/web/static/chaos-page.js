// /chaos: the toggles as `tracebreak chaos list` shows them, each with the switch `chaos on/off` is.
import { api, config, post } from "./api.js";
import { el, redraw, show } from "./dom.js";

export async function chaosPage() {
  const [toggles, { services }] = await Promise.all([api("/api/chaos"), config()]);
  show(
    el("h1", {}, "chaos toggles"),
    el(
      "p",
      { class: "muted" },
      "The same switches as `tracebreak chaos`: they change the running stack. " +
        "This page answers on loopback only.",
    ),
    el(
      "table",
      { class: "toggles" },
      el(
        "tr",
        {},
        ["toggle", "state", "switch", "boundary", "where", "story"].map((h) => el("th", {}, h)),
      ),
      toggles.map((t) => toggleRow(t, [...services, "all"])),
    ),
  );
}

// What `chaos on` takes for the toggle, showing the value in force, or else the one it would set.
function optionInput(t, on, choices) {
  const value = on ? t.value : t.default;
  if (t.option === "rate") {
    const rate = typeof value === "number" ? value : t.default;
    return el("input", {
      class: "rate",
      name: "rate",
      type: "number",
      min: "0.01",
      max: "1",
      step: "0.05",
      value: rate,
    });
  }
  if (t.option === "ms") return el("input", { class: "rate", name: "ms", type: "number", min: "1", value });
  if (t.option === "service") {
    return el(
      "select",
      { name: "service" },
      choices.map((s) => el("option", { value: s, selected: value === s }, s)),
    );
  }
  return null;
}

function toggleRow(t, choices) {
  const on = t.state !== "off";
  const input = optionInput(t, on, choices);
  const said = el("div", { class: "error" });
  const send = async (body) => {
    try {
      await post(`/api/chaos/${t.name}`, body);
      await redraw();
    } catch (error) {
      said.textContent = error.message;
    }
  };
  const value = () =>
    input ? { [t.option]: input.type === "number" ? Number(input.value) : input.value } : {};
  return el(
    "tr",
    { "data-toggle": t.name },
    el("td", {}, el("b", {}, t.name), el("div", { class: "muted" }, t.kind)),
    el("td", { class: `toggle-state${on ? " on" : ""}` }, t.state),
    el(
      "td",
      {},
      input,
      " ",
      el("button", { class: "on", onclick: () => send({ on: true, ...value() }) }, on ? "set" : "on"),
      " ",
      el("button", { onclick: () => send({ on: false }), disabled: !on }, "off"),
      said,
    ),
    el("td", {}, t.boundary),
    el("td", { class: "mono" }, t.line ? `${t.where}:${t.line}` : t.where),
    el("td", {}, t.story),
  );
}
