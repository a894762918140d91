"""Topics that roll over by time (the local broker's workaround): names, what readers follow, what
the runner creates ahead and deletes."""

from tracebreak.local import topics
from tracebreak.runtime.generations import Generations
from tracebreak.runtime.settings import Settings


def test_fixed_topics_stay_as_they_are():
    fixed = Generations(0)
    assert fixed.live("enrichment.requests") == ["enrichment.requests"]
    assert fixed.name("enrichment.requests", fixed.current()) == "enrichment.requests"
    assert topics.stale(Settings(), {"enrichment.requests", "enrichment.requests.g1"}) == []


def test_readers_follow_the_generation_before_the_current_one_and_the_next():
    rolling = Generations(30)
    assert rolling.current(now=3000) == 100
    assert rolling.live("enrichment.replies", now=3000) == [
        "enrichment.replies.g99", "enrichment.replies.g100", "enrichment.replies.g101"
    ]  # fmt: skip
    assert rolling.base("enrichment.replies.g100") == "enrichment.replies"


def test_the_runner_creates_the_current_and_next_generation_and_deletes_what_no_reader_follows():
    settings = Settings(topic_generation_s=30)
    now = settings.generations.current()
    created = topics.wanted(settings)
    assert created == {
        f"enrichment.requests.g{now}": 3, f"enrichment.requests.g{now + 1}": 3,
        f"enrichment.replies.g{now}": 1, f"enrichment.replies.g{now + 1}": 1,
    }  # fmt: skip
    existing = {f"enrichment.requests.g{g}" for g in range(now - 4, now + 2)} | {
        "someone.else.g1",
        "enrichment.requests",
    }
    assert topics.stale(settings, existing) == [
        f"enrichment.requests.g{now - 4}",
        f"enrichment.requests.g{now - 3}",
    ]
