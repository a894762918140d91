from aiokafka import TopicPartition

from services.service_c.offsets import CommitTracker

P = TopicPartition("enrichment.requests", 0)


def test_an_offset_is_committed_only_when_every_earlier_record_finished():
    tracker = CommitTracker()
    for offset in (10, 11, 12):
        tracker.started(P, offset)
    assert tracker.finished(P, 12) is None  # 10 and 11 are still being worked on
    assert tracker.finished(P, 10) == 11
    assert tracker.finished(P, 11) == 13  # 11 and the earlier-finished 12


def test_partitions_are_tracked_apart():
    tracker = CommitTracker()
    other = TopicPartition("enrichment.requests", 1)
    tracker.started(P, 0)
    tracker.started(other, 5)
    assert tracker.finished(other, 5) == 6
    assert tracker.finished(P, 0) == 1
