"""Pure work spread over worker processes, results back in order, for one writer.

Parsing mail and inference are pure and most of a first sync's work; the store has one
writer. ``ordered_map`` runs ``fn`` on each payload in ``workers`` processes while the
caller stores what came back before, in the order given, with at most ``workers + 1``
payloads in flight (memory stays bounded, the workers stay busy). Workers are spawned,
never forked: the daemon has threads, and a fork copies whatever lock one of them held.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

K = TypeVar("K")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def ordered_map(
    fn: Callable[..., R], items: Iterable[tuple[K, Any]], workers: int, *args: Any
) -> Iterator[tuple[K, R]]:
    """For each ``(keep, payload)`` of ``items``: ``(keep, fn(payload, *args))``, in order.

    ``payload`` and the result cross to a worker and back (they must pickle); ``keep``
    stays here. ``items`` is read lazily, one ahead of the results handed out.
    """
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    pending: deque[tuple[K, Future[R]]] = deque()
    try:
        for keep, payload in items:
            pending.append((keep, pool.submit(fn, payload, *args)))
            if len(pending) > workers:
                keep, future = pending.popleft()
                yield keep, future.result()
        while pending:
            keep, future = pending.popleft()
            yield keep, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
