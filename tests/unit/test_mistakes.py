"""Each mistake is said once, in tracebreak/mistakes.py: its story, its fix and its signature's words
appear in no other file of tracebreak/ or services/; the catalogue, lint and the doctor hold records
of it and no prose of their own; what can be derived (a toggle's kind, signature, fix, lint rule and
the service it acts in; a rule's family) is."""

import ast
import re
from dataclasses import fields
from pathlib import Path

import pytest

from tracebreak import signatures
from tracebreak.chaos.catalogue import BY_NAME, CATALOGUE, INCIDENT, Toggle
from tracebreak.drill.mix import BREAKERS, FAULTS
from tracebreak.lint import RULES
from tracebreak.mistakes import FAMILIES, MISTAKES
from tracebreak.signatures import DROPPED_ON_THE_WAY, SIGNATURES, Boundary

ROOT = Path(__file__).resolve().parents[2]
RECORDS = (ROOT / "tracebreak" / "mistakes.py", ROOT / "tracebreak" / "signatures.py")
SOURCES = [
    path
    for folder in ("tracebreak", "services")
    for path in sorted((ROOT / folder).rglob("*"))
    if path.suffix in (".py", ".js", ".html", ".yaml") and path not in RECORDS and "_pb2" not in path.name
]
# A clause worth finding elsewhere: five words or more (code alone, such as a call a fix and the
# lint rule finding its absence both name, is not a description; nor is a common phrase).
CLAUSE = re.compile(r"[^:;.(){}—]*")


def words(path: Path) -> str:
    """What `path` tells a reader of the tools' output: a module's string constants (joined where
    Python joins them), or a page's text; white space made single. (Comments are the code's own: the
    WRONG and RIGHT comments at a breaker's line say what the line does, by design.)"""
    text = path.read_text()
    if path.suffix == ".py":
        tree = ast.parse(text)
        text = "\n".join(
            n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
        )
    return " ".join(text.split())


def clauses(sentence: str) -> list[str]:
    found = (" ".join(part.split()).strip(", ") for part in CLAUSE.findall(sentence))
    return [clause for clause in found if clause.count(" ") >= 4]


SAID = [
    (f"{record.name}.{part}", clause)
    for record in (*MISTAKES, *SIGNATURES)
    for part in ("story", "fix", "meaning", "shows")
    for clause in clauses(getattr(record, part, ""))
]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_but_the_record_words_a_mistake(path):
    told = words(path)
    copied = [f"{where}: {clause!r}" for where, clause in SAID if clause in told]
    assert not copied, f"{path.relative_to(ROOT)} says again what tracebreak/mistakes.py says: {copied}"


def test_only_the_record_makes_mistakes_signatures_and_boundaries():
    made = {"Mistake", "Signature", "Boundary"}
    for path in SOURCES:
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                assert node.name not in made, f"{path.relative_to(ROOT)} defines its own {node.name}"
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in made - {"Boundary"}
            ):
                raise AssertionError(
                    f"{path.relative_to(ROOT)}:{node.lineno} makes a {node.func.id} of its own"
                )


def test_a_breaker_holds_its_mistake_and_no_words_of_its_own():
    prose = {"story", "fix", "summary", "meaning", "signature", "kind", "lint_rule", "acts_in"}
    assert not prose & {f.name for f in fields(Toggle)}, "derived from the mistake, never said again"
    for t in CATALOGUE:
        if t.kind != "breaker":
            continue
        assert t.mistake in MISTAKES and isinstance(t.boundary, Boundary), t.name
        own = [getattr(t, f.name) for f in fields(Toggle)]
        assert not [v for v in own if isinstance(v, str) and " " in v], (
            f"{t.name}: a name, a path or a key only"
        )
        assert (t.story, t.fix, t.lint_rule) == (t.mistake.story, t.mistake.fix, t.mistake.id)
        assert t.mistake.signature is not None and t.signature == t.mistake.signature.name


def test_a_fault_is_said_once_by_what_it_causes():
    faults = [t for t in CATALOGUE if t.kind == "fault"]
    assert {t.name for t in faults} == {
        "downstream-timeout",
        "downstream-latency-ms",
        "auth-error-rate",
        "span-export-overflow",
    }
    assert all(t.kind == "fault" and t.signature is None and t.lint_rule is None for t in faults)
    assert all(t.fix == INCIDENT and t.story == t.cause.story for t in faults)


def test_a_design_is_no_breaker_and_no_fault():
    designs = [t for t in CATALOGUE if t.kind == "design"]
    assert [t.name for t in designs] == ["kafka-batch-links"]
    for t in designs:
        assert t.mistake is None and t.signature is None and t.lint_rule is None
        assert t.marker == f"design: {t.name}" and t.fix.startswith("A choice, not a bug: ")
    assert not {t.name for t in designs} & {t.name for t in BREAKERS + FAULTS}  # never drawn in a drill


def test_lint_rules_are_the_mistakes_and_their_family_is_their_hundreds_digit():
    assert list(RULES.values()) == list(MISTAKES) and all(RULES[m.id] is m for m in MISTAKES)
    assert RULES["TB001"].family == "gateway" and RULES["TB901"].family == "exception"
    assert {m.family for m in MISTAKES} == set(FAMILIES)


def test_every_signature_is_left_by_a_mistake_and_every_breaker_has_its_own():
    left = {m.signature for m in MISTAKES}
    # Spans dropped on the way are a hole of capacity (span-export-overflow, a fault): no mistake's.
    assert set(SIGNATURES) - {DROPPED_ON_THE_WAY} <= left
    breakers = [t for t in CATALOGUE if t.kind == "breaker"]
    assert len({t.mistake for t in breakers}) == len(breakers)


def test_a_boundary_reads_as_prose_and_is_answered_by_its_place():
    assert str(BY_NAME["uninstrumented-client"].boundary) == "service-a -> service-b (gRPC)"
    assert str(BY_NAME["propagator-not-registered"].boundary) == "service-b (every boundary)"
    assert BY_NAME["kafka-consumer-no-extract"].boundary.place == "service-b -> service-c"
    assert BY_NAME["orphan-background-task"].boundary.place == "service-a"
    assert signatures.GHOST_SPAN.fix_at(Boundary("service-a", "service-a", "in-process")).startswith(
        "Carry the context into background work in service-a: "
    )


def test_a_toggle_acts_in_the_one_service_whose_process_runs_its_wrong_line():
    acts = {t.name: t.acts_in for t in CATALOGUE}
    assert acts["uninstrumented-client"] == "service-a"  # B's client, in A: the caller
    assert acts["sampler-not-parent-based"] == acts["propagator-not-registered"] == "service-b"
    assert acts["kafka-consumer-no-extract"] == acts["downstream-timeout"] == "service-c"
    assert acts["logs-without-trace-id"] is None  # its setting chooses the service
