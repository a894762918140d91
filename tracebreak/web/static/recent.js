// The window the requests and service graph pages judge: the newest requests of a lookback.
import { doctor } from "./api.js";
import { el } from "./dom.js";

const LOOKBACKS = ["5m", "15m", "1h", "6h", "24h"];
const SETTLE = "2s"; // a request whose last span is younger is still arriving: listed on the next look
// The newest requests a search judges (about: counted by their root spans) and lists.
export const LIMIT = 500;

export const lookbackOf = (params) => params.get("lookback") || "15m";
export const recentRequests = (lookback) => doctor({ lookback, settle: SETTLE, limit: LIMIT });
export const lookbackOptions = (chosen) =>
  LOOKBACKS.map((l) => el("option", { value: l, selected: l === chosen }, l));
