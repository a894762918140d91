"""`tracebreak lint` on tracebreak's own services: the findings are exactly the WRONG branches of the
8 breakers, every breaker found once and nothing else.

A finding belongs to a breaker when it is in the breaker's `where` file and either inside its WRONG
block (from the `chaos: NAME` comment to the `else:` or `# RIGHT` line that ends it) or on a line
that makes what the block uses: in Python, the assignments binding the names the block reads,
followed through the names their values read (the bare channel `self._bare` is made from); in the
Envoy config, the cluster the WRONG route sends to. Nothing else in the file counts.
"""

import ast
from pathlib import Path

import yaml

from tracebreak.chaos.catalogue import CATALOGUE, Toggle
from tracebreak.lint import RULES, Finding, check
from tracebreak.lint.source import YamlFile, load

ROOT = Path(__file__).resolve().parents[2]
OWN = [ROOT / "services", ROOT / "tracebreak" / "runtime", ROOT / "envoy" / "envoy.template.yaml"]
BREAKERS = [t for t in CATALOGUE if t.kind == "breaker"]
# Which rule reproduces which breaker (the catalogue says): a rule that stops seeing its breaker
# fails the test below.
COVERED_BY = {t.name: t.lint_rule for t in BREAKERS}


def wrong_block(t: Toggle) -> range:
    lines = (ROOT / t.where).read_text().splitlines()
    start = next(n for n, line in enumerate(lines, start=1) if f"# {t.marker}." in line)
    end = next(
        n
        for n, line in enumerate(lines, start=1)
        if n > start and (line.strip().startswith("# RIGHT") or line.strip() == "else:")
    )
    return range(start, end)


def python_makers(path: Path, block: range) -> set[int]:
    """The lines of the assignments that make what the block reads, followed transitively."""
    tree = ast.parse(path.read_text())
    assignments = [n for n in ast.walk(tree) if isinstance(n, ast.Assign)]

    def reads(node: ast.AST) -> set[str]:
        loads = (n for n in ast.walk(node) if isinstance(n, ast.Name | ast.Attribute))
        return {ast.unparse(n) for n in loads if isinstance(n.ctx, ast.Load)}

    wanted = set().union(*(reads(n) for n in ast.walk(tree) if getattr(n, "lineno", 0) in block))
    lines: set[int] = set()
    changed = True
    while changed:
        changed = False
        for a in assignments:
            if a.lineno not in lines and {ast.unparse(t) for t in a.targets} & wanted:
                lines |= set(range(a.lineno, a.end_lineno + 1))
                wanted |= reads(a.value)
                changed = True
    return lines


def envoy_makers(path: Path, block: range) -> set[int]:
    """The lines of the clusters the block's route sends to."""
    text = path.read_text().splitlines()
    sent_to = {text[n - 1].split("cluster:")[1].strip() for n in block if "cluster:" in text[n - 1]}
    document = load(path, ROOT)
    assert isinstance(document, YamlFile)
    clusters = next(v for k, v in document.top("static_resources").value if k.value == "clusters")
    lines: set[int] = set()
    for cluster in clusters.value:
        assert isinstance(cluster, yaml.MappingNode)
        name = next(v.value for k, v in cluster.value if k.value == "name")
        if name in sent_to:
            lines |= set(range(cluster.start_mark.line + 1, cluster.end_mark.line + 1))
    return lines


def lines_of(t: Toggle) -> set[int]:
    block = wrong_block(t)
    makers = envoy_makers if t.where.endswith(".yaml") else python_makers
    return set(block) | makers(ROOT / t.where, block)


def owner(finding: Finding) -> list[str]:
    return [t.name for t in BREAKERS if finding.path == t.where and finding.line in lines_of(t)]


def test_the_own_services_show_every_breaker_and_nothing_else():
    result = check(OWN, base=ROOT)
    assert not result.problems
    owners = {f"{f.path}:{f.line} {f.rule}": owner(f) for f in result.findings}
    assert all(len(names) == 1 for names in owners.values()), owners  # nothing else, nothing shared
    found = sorted(names[0] for names in owners.values())
    assert found == sorted(t.name for t in BREAKERS)  # 8 of 8, each once


def test_each_breaker_is_found_by_its_rule():
    result = check(OWN, base=ROOT)
    assert {owner(f)[0]: f.rule for f in result.findings} == COVERED_BY
    assert set(COVERED_BY.values()) <= set(RULES)


def test_the_mapping_is_strict():
    """The bare channel's line belongs to uninstrumented-client; the instrumented one's does not."""
    client = next(t for t in BREAKERS if t.name == "uninstrumented-client")
    source = (ROOT / client.where).read_text().splitlines()
    bare = next(n for n, line in enumerate(source, start=1) if "bare = grpc.aio.insecure_channel" in line)
    instrumented = next(n for n, line in enumerate(source, start=1) if "instrumented = grpc.aio" in line)
    assert bare in lines_of(client) and instrumented not in lines_of(client)


def test_the_instrumentors_of_the_runtime_cover_the_services():
    """Without tracebreak/runtime (where telemetry.py instruments httpx), the services' HTTP clients
    are findings: what covers them is a fact of the whole set, not of their own files."""
    alone = check([ROOT / "services"], base=ROOT)
    assert {f.path for f in alone.findings if f.rule == "TB501"} == {
        "services/service_a/client.py",
        "services/service_a/conformance.py",
    }
