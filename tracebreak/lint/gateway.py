"""Envoy configs (TB001): a proxy that removes the trace headers cuts every trace in two, however well
the services propagate. Read from the YAML (a file with `static_resources`), with its line numbers.

Removals are route, virtual host or listener `request_headers_to_remove` lists and header-mutation
filters' `remove` entries. One finding per list, at its first trace header.
"""

from collections.abc import Iterator

import yaml

from tracebreak.lint.facts import Facts
from tracebreak.lint.source import YamlFile
from tracebreak.lint.syntax import Hit

TRACE_HEADERS = {"traceparent", "tracestate", "baggage", "b3", "x-b3-traceid", "x-b3-spanid", "uber-trace-id"}
REMOVAL_LISTS = ("request_headers_to_remove",)


def _scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    if isinstance(node, yaml.SequenceNode):
        yield from (item for item in node.value if isinstance(item, yaml.ScalarNode))


def _removed(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """The trace headers one list removes: a removal list, or a sequence of `- remove: NAME`."""
    if not isinstance(node, yaml.SequenceNode):
        return
    for item in node.value:
        if isinstance(item, yaml.MappingNode):
            yield from (v for k, v in item.value if k.value == "remove" and isinstance(v, yaml.ScalarNode))


def removals(node: yaml.Node) -> Iterator[list[yaml.ScalarNode]]:
    """Each list that removes request headers, anywhere in the document."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value in REMOVAL_LISTS:
                yield list(_scalars(value))
            else:
                yield from removals(value)
    elif isinstance(node, yaml.SequenceNode):
        removed = list(_removed(node))
        if removed:
            yield removed
        for item in node.value:
            yield from removals(item)


def check(file: YamlFile, facts: Facts) -> Iterator[Hit]:
    if file.node is None or file.top("static_resources") is None:
        return
    for listed in removals(file.node):
        trace = [node for node in listed if str(node.value).lower() in TRACE_HEADERS]
        if trace:
            names = ", ".join(str(node.value) for node in trace)
            first = trace[0].start_mark
            message = f"Envoy removes {names} from the requests it forwards: the trace breaks here"
            yield Hit("TB001", first.line + 1, first.column + 1, message)
