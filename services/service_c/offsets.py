"""Which offsets service C may commit when it works on many records at once.

Records of a partition finish out of order; an offset is committed only once every record before it
has finished, so a crash means redelivery, never loss.
"""

from aiokafka import TopicPartition


class CommitTracker:
    def __init__(self) -> None:
        self._next: dict[TopicPartition, int] = {}  # the lowest offset not yet finished
        self._finished: dict[TopicPartition, set[int]] = {}

    def started(self, partition: TopicPartition, offset: int) -> None:
        self._next.setdefault(partition, offset)
        self._finished.setdefault(partition, set())

    def finished(self, partition: TopicPartition, offset: int) -> int | None:
        """The offset to commit now (one past the last contiguous finished record), if it moved."""
        done = self._finished[partition]
        done.add(offset)
        before = self._next[partition]
        while self._next[partition] in done:
            done.discard(self._next[partition])
            self._next[partition] += 1
        return self._next[partition] if self._next[partition] != before else None
