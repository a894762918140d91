from loadgen import report
from loadgen.recorder import Recorder


def recorded():
    recorder = Recorder()
    for i in range(100):
        intended = i / 50
        recorder.on_sent(intended, 50)
        recorder.on_done(intended, 0.010 if i < 90 else 0.5, "200" if i % 10 else "503", f"{i:032x}")
    recorder.on_skipped(1.99, 50)
    return recorder


def test_percentiles_come_from_every_latency_and_errors_by_status():
    recorder = recorded()
    p = recorder.percentiles_ms()
    assert 9.9 <= p["p50"] <= 10.1 and 499 <= p["p99"] <= 501 and 499 <= p["max"] <= 501
    assert (recorder.sent, recorder.completed, recorder.skipped, recorder.errors) == (100, 100, 1, 10)
    assert [s["sent"] for s in recorder.series()] == [50, 50] and recorder.series()[1]["skipped"] == 1


def test_the_report_and_its_plot():
    built = report.build({"rps": 50}, recorded(), 2.0, {"tracebreak": "0.1.0"})
    assert built["totals"]["achieved_rps"] == 50.0 and built["totals"]["skipped"] == 1
    assert len(built["trace_ids"]) == 100
    page = report.plot_html(built)
    assert page.count("<svg") == 2 and "achieved rps" in page and "p99 ms" in page


def test_the_live_line_says_rate_errors_and_percentiles():
    line = report.live_line(recorded(), 2, in_flight=3)
    assert "rate 50/50 rps" in line and "in flight 3" in line and "503: 10" in line and "p99" in line
