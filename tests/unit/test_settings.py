import pytest

from tracebreak.runtime.settings import Settings, SettingsError


def test_defaults_are_the_local_ports():
    settings = Settings.from_env({})
    assert (settings.service_a_port, settings.service_b_port, settings.kafka_bootstrap_servers) == (
        8000,
        50051,
        "127.0.0.1:9092",
    )


def test_environment_overrides_and_round_trips():
    settings = Settings.from_env(
        {"KAFKA_BOOTSTRAP_SERVERS": "kafka:9092", "TRACEBREAK_REPLY_TIMEOUT_MS": "750"}
    )
    assert settings.kafka_bootstrap_servers == "kafka:9092" and settings.reply_timeout_ms == 750
    assert Settings.from_env(settings.to_env()) == settings


def test_a_bad_number_names_the_variable():
    with pytest.raises(SettingsError, match="TRACEBREAK_SERVICE_A_PORT='eighty'"):
        Settings.from_env({"TRACEBREAK_SERVICE_A_PORT": "eighty"})


def test_a_switch_reads_true_or_false_and_says_so_otherwise():
    assert Settings.from_env({}).conformance_endpoint is False
    assert Settings.from_env({"TRACEBREAK_CONFORMANCE_ENDPOINT": "true"}).conformance_endpoint is True
    assert Settings.from_env(Settings(conformance_endpoint=True).to_env()).conformance_endpoint is True
    with pytest.raises(
        SettingsError, match="TRACEBREAK_CONFORMANCE_ENDPOINT='maybe': expected true or false"
    ):
        Settings.from_env({"TRACEBREAK_CONFORMANCE_ENDPOINT": "maybe"})


def test_a_consumers_fetch_wait_is_a_setting_of_50_ms():
    assert Settings.from_env({}).fetch_max_wait_ms == 50
    assert Settings.from_env({"TRACEBREAK_FETCH_MAX_WAIT_MS": "10"}).fetch_max_wait_ms == 10
