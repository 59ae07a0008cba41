"""Shared set-up for benchmark scripts: a headless QGIS with Processing, timing and memory.

Run benchmarks through ``make bench`` (which puts ``build/pkg`` on PYTHONPATH so the
plugin imports as ``border_gaps``).
"""

import ctypes
import os
import resource
import sys
import threading
import time
import tracemalloc

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_APP = None
_PROVIDER = None  # kept referenced: a collected provider leaves its algorithms with empty ids


def start_qgis(with_processing=True):
    """Start QgsApplication once, initialise Processing and register our provider."""
    global _APP, _PROVIDER
    if _APP is not None:
        return _APP
    from qgis.core import QgsApplication

    _APP = QgsApplication([], True)
    _APP.initQgis()
    if with_processing:
        plugins = os.path.join(QgsApplication.pkgDataPath(), "python", "plugins")
        if plugins not in sys.path:
            sys.path.append(plugins)
        from processing.core.Processing import Processing

        Processing.initialize()
        from border_gaps.processing.provider import BorderGapsProvider

        _PROVIDER = BorderGapsProvider()
        QgsApplication.processingRegistry().addProvider(_PROVIDER)
    return _APP


class Measure:
    """``with Measure() as m: ...`` then ``m.seconds`` and ``m.peak_mib`` (Python heap
    peak by tracemalloc, which misses GEOS/GDAL allocations; ``m.rss_mib`` is the
    process's maximum resident size so far, which sees them)."""

    def __init__(self, trace_python=True):
        self.trace_python = trace_python

    def __enter__(self):
        if self.trace_python:
            tracemalloc.start()
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._t0
        self.peak_mib = 0.0
        if self.trace_python:
            self.peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        self.rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return False


class PeakRss:
    """Peak resident memory (MiB) above the start of the block, sampled every 5 ms from /proc
    (sees GEOS, GDAL and C++ heaps that tracemalloc misses): ``with PeakRss() as r: ...; r.mib``."""

    def __enter__(self):
        try:  # hand freed heap back to the system first, so the start is not inflated by earlier runs
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except OSError:
            pass
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())
        self.mib = self.peak - self.start
        return False


def print_table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = " | ".join(str(h).ljust(w) for h, w in zip(headers, widths))
    print(line)
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths)))
