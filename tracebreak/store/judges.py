"""The doctor over a long window on every core: the window cut into one slice per worker process,
each judging the requests that began in its slice, the parts added up. A short window is judged in
one piece, in a thread (a worker's answer would not pay for its start)."""

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tracebreak.doctor.collect import FRAGMENT_SPREAD_US
from tracebreak.doctor.report import document, examine
from tracebreak.store import doctor
from tracebreak.store.database import Reader, read_only

# A slice reads this far past its inner edges, so a request that began in it has every trace it
# holds. A request whose fragments began further apart than this, across a cut, would be judged
# short of them.
MARGIN_US = FRAGMENT_SPREAD_US
SPLIT_AT_SPANS = 20_000  # fewer spans in the window: one piece
INF = float("inf")

_reader: Reader | None = None  # a worker's own read-only connection


def _open(path: str, store: int) -> None:
    global _reader
    _reader = read_only(Path(path))
    threading.Thread(target=_outlive_not, args=(store,), daemon=True).start()


def _outlive_not(store: int) -> None:
    """A worker ends when the store does, even one killed outright (kill -9 leaves no one to stop it)."""
    while os.getppid() == store:
        time.sleep(1)  # a watchdog's pace, not a wait for an event
    os._exit(0)


def part(
    reader: Reader, window: tuple[int, int], keep: tuple[float, float], settle_us: int
) -> tuple[list[dict[str, Any]], int, int, dict[str, list[str]]]:
    """The requests that began within `keep`, judged over `window`: their JSON, how many are still
    arriving, how many traces carry no request id, and the join-free checks over them."""
    with doctor.no_cycle_collection():
        mine = doctor.collect(reader, *window, settle_us).began_within(*keep)
        requests = [v.as_dict() for v in examine(mine)]
    return requests, len(mine.pending), len(mine.unjoined), mine.checks()


def _work(window: tuple[int, int], keep: tuple[float, float], settle_us: int) -> tuple[list, int, int, dict]:
    assert _reader is not None, "the worker opened no reader"
    return part(_reader, window, keep, settle_us)


class Judges:
    """Worker processes (started on the first long window, one per core) and the slicing."""

    def __init__(self, path: Path, workers: int | None = None, split_at: int = SPLIT_AT_SPANS) -> None:
        self.path, self.split_at = path, split_at
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def judge(
        self, reader: Reader, start_us: int, end_us: int, settle_us: int, source: str, began: float = -INF
    ) -> dict[str, Any]:
        """The window's verdict; with `began`, on the requests that began then or later only."""
        started = time.monotonic()
        spans = reader.spans_between(start_us, end_us)
        if self.workers < 2 or spans < self.split_at:
            return doctor.judge(reader, start_us, end_us, settle_us, source, began)
        # Cut where an equal share of the window's spans lies on each side, however bursty the traffic.
        cuts = [reader.nth_start(start_us, end_us, spans * i // self.workers) for i in range(1, self.workers)]
        parts = [
            self.pool().submit(_work, window, (max(low, began), high), settle_us)
            for window, (low, high) in slices(start_us, end_us, cuts)
        ]
        requests, pending, unjoined, found = [], 0, 0, []
        for future in parts:
            mine, waiting, loose, checked = future.result()
            requests += mine
            pending, unjoined = pending + waiting, unjoined + loose
            found.append(checked)
        requests.sort(key=lambda r: r["start_us"])
        return document(requests, pending, unjoined, source, time.monotonic() - started, found)

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            spawn = multiprocessing.get_context("spawn")  # never fork a process that runs threads
            self._pool = ProcessPoolExecutor(
                self.workers, spawn, initializer=_open, initargs=(str(self.path), os.getpid())
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def slices(start_us: int, end_us: int, cuts: list[int]) -> list[tuple[tuple[int, int], tuple[float, float]]]:
    """The slices between the cuts: (the window each reads, the start times whose requests it keeps).
    The first keeps everything before, the last everything after: together they keep each request once."""
    edges, n = [start_us, *cuts, end_us], len(cuts) + 1
    found = []
    for i in range(n):
        keep = (edges[i] if i else -INF, edges[i + 1] if i < n - 1 else INF)
        window = (max(start_us, edges[i] - MARGIN_US), min(end_us, edges[i + 1] + MARGIN_US))
        found.append((window, keep))
    return found
