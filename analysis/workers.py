"""How many worker threads the heavy steps use (tile merges, gap measures, viewshed sweeps).

GEOS overlays, QGIS's geometry measures and numpy's array operations let other Python threads
run while they work, so these steps share the CPU cores among a few threads. Results never
depend on the number: work is split in a fixed way and put back together in a fixed order.
``BORDER_GAPS_THREADS=1`` (environment) keeps everything in the calling thread.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager


def _default() -> int:
    value = os.environ.get("BORDER_GAPS_THREADS", "").strip()
    if value.isdigit():
        return max(1, int(value))
    return max(1, min(4, os.cpu_count() or 1))


#: Worker threads of each heavy step; read at call time (tests and benchmarks may change it).
THREADS = _default()


def count(threads=None) -> int:
    """``threads`` if given (at least 1), else :data:`THREADS` as it is now."""
    return THREADS if threads is None else max(1, int(threads))


@contextmanager
def pool(name: str, threads=None):
    """A ThreadPoolExecutor of :func:`count` workers, or None when that is one (work in the calling
    thread). On leaving, also on an error or a cancel, tasks not started are dropped and running
    ones finish."""
    workers = count(threads)
    if workers <= 1:
        yield None
        return
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"border_gaps_{name}")
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


class Done:
    """An already computed result with the ``result()`` of a Future: the one-thread path."""

    def __init__(self, value):
        self._value = value

    def result(self):
        return self._value

    def done(self):
        return True
