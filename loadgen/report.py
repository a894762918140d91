"""The run's report: JSON for machines, a plot for people, a live view and a summary on the terminal."""

import html
from typing import Any

from rich.console import Console
from rich.table import Table

from loadgen.recorder import Recorder


def live_line(recorder: Recorder, second: float, in_flight: int) -> str:
    bucket = recorder.seconds.get(int(second) - 1)
    achieved = bucket.completed if bucket else 0
    target = bucket.target_rps if bucket else 0.0
    p = recorder.percentiles_ms()
    errors = ", ".join(f"{s}: {n}" for s, n in sorted(recorder.error_statuses().items())) or "none"
    return (
        f"{second:5.0f}s  rate {achieved}/{target:g} rps  in flight {in_flight}  sent {recorder.sent}  "
        f"skipped {recorder.skipped}  errors {errors}  p50 {p['p50']:.1f} p90 {p['p90']:.1f} "
        f"p99 {p['p99']:.1f} max {p['max']:.1f} ms"
    )


def summary(report: dict[str, Any], console: Console | None = None) -> None:
    """The run's result, on standard output (the live view and the report's path go to standard error)."""
    console = console or Console()
    table = Table(title="load run")
    table.add_column("measure")
    table.add_column("value", justify="right")
    totals = report["totals"]
    rows = [
        ("target rate (mean)", f"{totals['target_rps']:.1f} rps"),
        ("achieved rate", f"{totals['achieved_rps']:.1f} rps"),
        ("sent / completed", f"{totals['sent']} / {totals['completed']}"),
        ("skipped (in-flight cap)", str(totals["skipped"])),
        ("errors", str(totals["errors"])),
        *((f"latency {k}", f"{v:.2f} ms") for k, v in report["latency_ms"].items()),
    ]
    if report.get("traces"):
        rows.append(("whole traces", f"{report['traces']['whole_percent']}% of {report['traces']['judged']}"))
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)


def build(
    settings: dict[str, Any], recorder: Recorder, ran_s: float, versions: dict[str, str]
) -> dict[str, Any]:
    series = recorder.series()
    planned = sum(s["target_rps"] for s in series)
    seconds = max(ran_s, 1e-9)
    return {
        "settings": settings,
        "versions": versions,
        "totals": {
            "seconds": round(ran_s, 3),
            "target_rps": round(planned / max(len(recorder.seconds), 1), 3),
            "achieved_rps": round(recorder.completed / seconds, 3),
            "sent": recorder.sent,
            "completed": recorder.completed,
            "skipped": recorder.skipped,
            "errors": recorder.errors,
        },
        "statuses": dict(recorder.statuses),
        "latency_ms": recorder.percentiles_ms(),
        "series": series,
        "trace_ids": recorder.trace_ids,
    }


def plot_html(report: dict[str, Any]) -> str:
    """A self-contained page: achieved and target rate, and latency percentiles, over time (SVG)."""
    series = report["series"]
    width, height, pad = 900, 260, 40

    def chart(title: str, lines: dict[str, list[float]], unit: str) -> str:
        top = max([max(v) for v in lines.values() if v] + [1.0])
        n = max(len(series) - 1, 1)
        colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
        paths = []
        for (name, values), colour in zip(lines.items(), colours, strict=False):
            points = " ".join(
                f"{pad + i * (width - 2 * pad) / n:.1f},{height - pad - v / top * (height - 2 * pad):.1f}"
                for i, v in enumerate(values)
            )
            paths.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
            legend_x = pad + 10 + 140 * (len(paths) // 2)
            paths.append(f'<text x="{legend_x}" y="20" fill="{colour}">{html.escape(name)}</text>')
        return (
            f"<h2>{html.escape(title)}</h2>"
            f"<svg width='{width}' height='{height}' style='border:1px solid #ccc'>"
            f"<text x='4' y='{pad}'>{top:.0f} {unit}</text><text x='4' y='{height - pad}'>0</text>"
            + "".join(paths)
            + "</svg>"
        )

    rate = {"achieved rps": [s["completed"] for s in series], "target rps": [s["target_rps"] for s in series]}
    latency = {f"{p} ms": [s[f"{p}_ms"] for s in series] for p in ("p50", "p90", "p99", "max")}
    totals = html.escape(str(report["totals"]))
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>tracebreak load run</title></head>"
        f"<body style='font-family:sans-serif'><h1>tracebreak load run</h1><p>{totals}</p>"
        + chart("rate per second", rate, "rps")
        + chart("latency per second (from the intended send time)", latency, "ms")
        + "<p>x: seconds since the start</p></body></html>"
    )
