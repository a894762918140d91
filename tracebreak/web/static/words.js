// Counts, times and ids said as the commands say them (tracebreak/terminal.py): 1 trace, 2 traces.

export const plural = (n, noun) => (n === 1 ? noun : `${noun}s`);
export const counted = (n, noun) => `${n} ${plural(n, noun)}`;
export const ms = (us) => `${(us / 1000).toFixed(us < 10000 ? 2 : 1)} ms`;
export const clock = (us) => {
  const time = new Date(us / 1000).toLocaleTimeString([], { hour12: false });
  return `${time}.${String(Math.floor(us / 1000) % 1000).padStart(3, "0")}`;
};
export const short = (id) => id.slice(0, 8);

export function evidenceText(e) {
  if (!e.trace_ids.length) return `evidence: ${counted(e.log_lines || 0, "log line")} without trace_id`;
  const spans = e.span_ids.length
    ? `; ${plural(e.span_ids.length, "span")} ${e.span_ids.map(short).join(", ")}`
    : "";
  // What the doctor measured, as its terminal table says it: each side's propagator headers (a
  // format mismatch), the sizes (baggage cut off), how a fragment without a request id was joined.
  const spoken = Object.entries(e.propagators || {}).map(([s, h]) => `; ${s} speaks ${h.join(",")}`);
  const joined = Object.entries(e.joined || {}).map(([t, how]) => `; ${short(t)} joined ${how}`);
  const detail = e.detail ? `; ${e.detail}` : "";
  const traces = `${plural(e.trace_ids.length, "trace")} ${e.trace_ids.map(short).join(", ")}`;
  return `evidence: ${traces}${spans}${spoken.join("")}${detail}${joined.join("")}`;
}
