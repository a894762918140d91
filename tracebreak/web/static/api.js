// The store's API: Jaeger's (/api/services, /api/traces, /api/dependencies, /api/logs), the doctor's
// JSON (/api/doctor), the chaos panel's (/api/chaos), lab mode's (/api/lab) and /api/config.

export async function api(path, params = {}, options = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.errors?.[0]?.msg || `${response.status} ${response.statusText}`);
  return "data" in body ? body.data : body; // Jaeger's envelope; the doctor's JSON comes bare
}

// A change to the stack (a chaos switch, lab mode's ask): JSON, as the store's guard requires.
export const post = (path, body) =>
  api(
    path,
    {},
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
  );

// page=1: in lab mode (`tracebreak lab on`) the store holds each verdict until it is asked for.
export const doctor = (params) => api("/api/doctor", { ...params, page: 1 });

// The names the pages read rather than write down: the request id's (where a span and a log line
// carry it) and the services'. Asked once a page load; asked again after a failure.
let named;
export function config() {
  named ??= api("/api/config").catch((error) => {
    named = undefined;
    throw error;
  });
  return named;
}
