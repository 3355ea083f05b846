"""Pure work spread over worker processes, results back in order, for one writer.

Parsing mail and inference are pure and most of a first sync's work; the store has one
writer. ``ordered_map`` runs ``fn`` on each payload in ``workers`` processes while the
caller stores what came back before, in the order given, with at most ``AHEAD`` payloads
per worker in flight: memory stays bounded, and the workers stay busy while the caller
takes longer than usual over one result (a database checkpoint). When the workers
cannot run, the same work is done here.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)

AHEAD = 3
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
    stays here. ``items`` is read lazily, ``AHEAD * workers`` ahead of the results handed out.
    """
    # Fork when this process has one thread (the CLI: fast, and the main module is not run
    # again); spawn when it has more (the daemon), since a fork copies the locks other
    # threads hold.
    context = multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    pending: deque[tuple[K, Any, Future[R]]] = deque()
    items = iter(items)
    try:
        for keep, payload in items:
            pending.append((keep, payload, pool.submit(fn, payload, *args)))
            if len(pending) >= AHEAD * workers:
                keep, payload, future = pending.popleft()
                yield keep, future.result()
        while pending:
            keep, payload, future = pending.popleft()
            yield keep, future.result()
    except (BrokenProcessPool, RuntimeError) as err:
        # No workers (a program whose main module starts work on import, a killed worker):
        # the same work in this process, from the first payload not handed out.
        if not isinstance(err, BrokenProcessPool) and "bootstrapping" not in str(err):
            raise
        log.warning("worker processes failed (%s); going on in this process", err)
        yield keep, fn(payload, *args)
        for keep, payload, _ in pending:
            yield keep, fn(payload, *args)
        for keep, payload in items:
            yield keep, fn(payload, *args)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
