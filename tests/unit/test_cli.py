"""The console script's own errors: a bad option, address or setting is one clear line, exit 2."""

from tests.support.cli import tracebreak


def test_store_takes_its_own_options():
    result = tracebreak("store", "--help")
    assert result.returncode == 0 and "--max-spans" in result.stdout


def test_a_bad_trace_id_is_one_clear_line():
    result = tracebreak("trace", "not-hex", "--traces", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert "cannot reach the trace query API" in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_edge_is_one_clear_line():
    result = tracebreak("request", "42", "--edge", "http://127.0.0.1:9", "--wait", "0")
    assert result.returncode == 2
    assert "cannot reach the edge" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_setting_stops_up_before_anything_starts(tmp_path):
    env = {"TRACEBREAK_REPLY_TIMEOUT_MS": "soon"}
    result = tracebreak("up", "--data-dir", str(tmp_path), env=env)
    assert result.returncode == 2
    assert "TRACEBREAK_REPLY_TIMEOUT_MS='soon'" in result.stderr and "Traceback" not in result.stderr


def test_bad_load_limits_are_one_clear_line_each():
    for flag, message in (
        ("--connections", "--connections must be at least 1"),
        ("--max-in-flight", "--max-in-flight must be at least 1"),
    ):
        result = tracebreak("load", flag, "0", "--target", "http://127.0.0.1:9")
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
