// A duration read as the commands read one (parse_duration_us, in Python): a Go duration
// string, as Jaeger takes it ("100ms", "1h30m", "1.5s"), or a bare number of seconds ("20"), in µs.
// No imports: tests/unit/test_web_script.py runs it under node beside the Python rule.

const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
const BARE_SECONDS = /^\d+(?:\.\d+)?$/;
const MICROSECONDS = { ns: 0.001, us: 1, µs: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6 };
const MAX_INT64 = 2 ** 63 - 1; // times and durations are Jaeger's signed 64-bit integers

export function durationUs(text) {
  const written = BARE_SECONDS.test(text.trim()) ? `${text.trim()}s` : text.trim();
  const parts = [...written.matchAll(PART)];
  if (!parts.length || parts.map(([part]) => part).join("") !== written) {
    throw new Error(`'${text}' is not a duration; write it like 100ms, 2s, 10m, 1h or 20 (seconds)`);
  }
  const micros = Math.trunc(
    parts.reduce((sum, [, number, unit]) => sum + Number(number) * MICROSECONDS[unit], 0),
  );
  if (micros > MAX_INT64) throw new Error(`'${text}' is longer than any trace can be`);
  return micros;
}
