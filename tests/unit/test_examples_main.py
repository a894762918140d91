"""`python -m tracebreak.cli.examples [PAGE ...]`: each lab on a stack of its own (its doctor sees that
lab's requests only), a page nothing is quoted on refused before any stack starts."""

import pytest

from tracebreak.cli.examples import EXAMPLES
from tracebreak.cli.examples.__main__ import by_stack, main


def test_a_page_nothing_is_quoted_on_is_refused_before_any_stack_starts():
    with pytest.raises(SystemExit, match=r"no example is quoted on docs/nope\.md"):
        main(["docs/nope.md"])


def test_each_lab_gets_a_stack_of_its_own_and_the_other_pages_share_one():
    groups = by_stack(EXAMPLES)
    labs = {e.pages[0] for e in EXAMPLES if e.pages[0].startswith("docs/labs/")}
    assert set(groups) == labs | {""}
    assert all(e.pages[0] == page for page, examples in groups.items() if page for e in examples)
