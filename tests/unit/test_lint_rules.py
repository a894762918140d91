"""Each rule of `tracebreak lint` on real-looking code: the wrong form draws exactly that rule's
findings, at the lines marked `# expect: RULE`; the right form draws none."""

import re
from pathlib import Path

import pytest

from tests.support.lint import found
from tracebreak.lint import RULES

FIXTURES = Path(__file__).parent / "lint_fixtures"
WRONG = sorted((FIXTURES / "wrong").iterdir())
RIGHT = sorted((FIXTURES / "right").iterdir())
EXPECT = re.compile(r"# expect: (TB\d+)")


def expected(path: Path) -> set[tuple[str, int]]:
    lines = path.read_text().splitlines()
    return {(m.group(1), n) for n, line in enumerate(lines, start=1) for m in EXPECT.finditer(line)}


@pytest.mark.parametrize("path", WRONG, ids=lambda p: p.name)
def test_the_wrong_form_is_found_at_its_lines(path):
    assert expected(path), f"{path.name} marks no line"
    assert found(path) == expected(path)


@pytest.mark.parametrize("path", RIGHT, ids=lambda p: p.name)
def test_the_right_form_draws_no_finding(path):
    assert found(path) == set()


def test_every_rule_has_a_wrong_and_a_right_fixture():
    marked = {rule for path in WRONG for rule, _ in expected(path)}
    assert marked == set(RULES)
    named = {path.name.split("_")[0].upper() for path in RIGHT}
    assert named == {rule[:5] for rule in RULES}


def test_rule_ids_are_stable_and_grouped_by_family():
    hundreds = {"gateway": "0", "task": "1", "executor": "2", "grpc": "3", "kafka": "4"}
    hundreds |= {"http": "5", "propagator": "6", "sampler": "7", "logging": "8", "exception": "9"}
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id and re.fullmatch(r"TB\d{3}", rule_id)
        assert rule_id[2] == hundreds[rule.family], rule_id
    assert len({rule.name for rule in RULES.values()}) == len(RULES)


def test_the_record_is_followed_into_a_function_that_extracts(tmp_path):
    """The consumer loop hands the record to a function of its module; that one extracts on one path
    only: the finding is where the record is processed without it, not at the loop."""
    source = tmp_path / "consumer.py"
    source.write_text(
        "from opentelemetry import context, propagate\n"
        "\n"
        "async def run(consumer, strict):\n"
        "    async for record in consumer:\n"
        "        await handle(record, strict)\n"
        "\n"
        "async def handle(record, strict):\n"
        "    if not strict:\n"
        "        await process(record)\n"
        "        return\n"
        "    token = context.attach(propagate.extract(dict(record.headers)))\n"
        "    await process(record)\n"
        "    context.detach(token)\n"
        "\n"
        "async def process(record):\n"
        "    print(record.value)\n"
    )
    assert found(source) == {("TB401", 9)}


def test_an_instrumentor_applied_in_another_file_covers_the_clients(tmp_path):
    (tmp_path / "client.py").write_text("import httpx\n\nCLIENT = httpx.AsyncClient()\n")
    assert found(tmp_path) == {("TB501", 3)}
    (tmp_path / "telemetry.py").write_text(
        "from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor\n"
        "\n"
        "HTTPXClientInstrumentor().instrument()\n"
    )
    assert found(tmp_path) == set()
