"""Benchmark of bordergaps:gaptimeline (one arrangement, every slice from it) against one
bordergaps:gapzones run per slice on the coverage active in it, in the same process.

``make bench BENCH=timeline``: the gapzones scenario (benchmarks/scenario.py) with N = 10,000
coverage polygons (BENCH_TIMELINE_N), 24 hourly slices, in two schedule mixes (BENCH_TIMELINE_MIXES,
default ``shifts,random``):

- ``shifts``, what a border force's coverage plausibly looks like: 35 % on 12-hour shifts
  (06:00–18:00 or 18:00–06:00), 20 % on 8-hour shifts (06:00–14:00, 14:00–22:00, 22:00–06:00),
  25 % always on (no window), 20 % patrols on a random window (a random full hour, 4–16 hours);
  sensors: half ``any``, a quarter ``day``, a quarter ``night``;
- ``random``: every source on a random window (a random full hour and a length of 4, 6, 8, 12, 16
  or 24 hours) and a random sensor kind (day, night, any, a third each): the hardest case, in which
  some source starts or stops near almost every gap every hour.

The baseline gives gapzones, for each slice, the coverage layer filtered to the sources active in
it (a provider subset ``fid IN (…)``, as an analyst would filter it). Methods take turns, best of
BENCH_TIMELINE_REPEATS (3); memory: peak resident size above the start, in a run of its own.
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_gapzones import PeakRss, start_processing  # noqa: E402
from common import Measure, print_table  # noqa: E402

DISTANCE = 3000.0
REPEATS = int(os.environ.get("BENCH_TIMELINE_REPEATS", "3"))


def shift_window(rng, mix):
    """(active_from, active_to, sensor) of one source in the schedule ``mix``."""
    if mix == "random":
        start = int(rng.integers(0, 24))
        length = int(rng.choice([4, 6, 8, 12, 16, 24]))
        return f"{start:02d}:00", f"{(start + length) % 24:02d}:00", str(rng.choice(["day", "night", "any"]))
    sensor = str(rng.choice(["any", "any", "day", "night"]))
    kind = rng.random()
    if kind < 0.35:
        window = ("06:00", "18:00") if rng.random() < 0.5 else ("18:00", "06:00")
    elif kind < 0.55:
        window = [("06:00", "14:00"), ("14:00", "22:00"), ("22:00", "06:00")][int(rng.integers(0, 3))]
    elif kind < 0.80:
        window = (None, None)  # always on
    else:
        start = int(rng.integers(0, 24))
        window = (f"{start:02d}:00", f"{(start + int(rng.choice([4, 6, 8, 12, 16]))) % 24:02d}:00")
    return window[0], window[1], sensor


def write_timed_scenario(n, path, mix="random"):
    """The gapzones scenario with active_from, active_to and sensor on every coverage polygon."""
    import numpy as np
    import scenario
    from qgis.core import NULL, QgsVectorLayer
    from qgis.PyQt.QtCore import QVariant

    from border_gaps.analysis.compat import new_field

    scenario.write_gpkg(scenario.make_scenario(n), path)
    coverage = QgsVectorLayer(f"{path}|layername=coverage", "coverage", "ogr")
    provider = coverage.dataProvider()
    provider.addAttributes(
        [
            new_field("active_from", QVariant.String),
            new_field("active_to", QVariant.String),
            new_field("sensor", QVariant.String),
        ]
    )
    coverage.updateFields()
    rng = np.random.default_rng(16)
    fields = coverage.fields()
    changes = {}
    for feature in coverage.getFeatures():
        start, end, sensor = shift_window(rng, mix)
        changes[feature.id()] = {
            fields.indexOf("active_from"): NULL if start is None else start,
            fields.indexOf("active_to"): NULL if end is None else end,
            fields.indexOf("sensor"): sensor,
        }
    provider.changeAttributeValues(changes)
    return path


def active_ids(path):
    """fids of the coverage active through each hourly slice (our own schedule rules)."""
    from qgis.core import QgsVectorLayer

    from border_gaps.analysis.schedule import daylight, schedule_mask

    coverage = QgsVectorLayer(f"{path}|layername=coverage", "coverage", "ogr")
    day = daylight("06:00", "18:00")
    names = ["active_from", "active_to", "sensor"]
    per_slice = [[] for _ in range(24)]
    for f in coverage.getFeatures():
        mask = schedule_mask(f["active_from"], f["active_to"], f["sensor"], day, "x", names)
        for hour in range(24):
            if mask[hour * 60 : hour * 60 + 60].all():
                per_slice[hour].append(f.id())
    return per_slice


def common_params(control):
    return {
        "CONTROL_AREAS": control,
        "FORCE_FIELD": "force",
        "FORCE_A": "Peshmerga",
        "FORCE_B": "ISF",
        "SEAM_DISTANCE": DISTANCE,
        "MODE": 0,
        "MIN_AREA": 0,
    }


def ours(path, control, out_dir):
    from qgis import processing
    from qgis.core import QgsVectorLayer

    coverage = QgsVectorLayer(f"{path}|layername=coverage", "coverage", "ogr")
    result = processing.run(
        "bordergaps:gaptimeline",
        {
            **common_params(control),
            "COVERAGE": [coverage],
            "TIME_STEP_MIN": 60,
            "GAPS_BY_TIME": "memory:by_time",
            "UNWATCHED_HOURS": "memory:hours",
            "ALWAYS_GAP": "memory:always",
            "SLICE_TABLE": os.path.join(out_dir, "timeline_slices.csv"),
        },
    )
    import csv

    with open(result["SLICE_TABLE"], encoding="utf-8") as fh:
        return [float(r["gap_km2"]) for r in csv.DictReader(fh)]


def per_slice_gapzones(path, control, per_slice):
    from qgis import processing
    from qgis.core import QgsVectorLayer

    areas = []
    for ids in per_slice:
        subset = f"fid IN ({','.join(str(i) for i in ids)})" if ids else "fid < 0"
        coverage = QgsVectorLayer(f"{path}|layername=coverage|subset={subset}", "coverage", "ogr")
        result = processing.run(
            "bordergaps:gapzones", {**common_params(control), "COVERAGE": [coverage], "OUTPUT": "memory:gaps"}
        )
        areas.append(result["GAP_AREA_KM2"])
    return areas


def run_mix(n, mix, out_dir):
    from qgis.core import QgsVectorLayer

    path = write_timed_scenario(n, os.path.join(out_dir, f"timeline_{mix}_{n}.gpkg"), mix)
    control = QgsVectorLayer(f"{path}|layername=control_areas", "control_areas", "ogr")
    per_slice = active_ids(path)
    methods = {
        "timeline": lambda: ours(path, control, out_dir),
        "gapzones x24": lambda: per_slice_gapzones(path, control, per_slice),
    }
    best, cpu, values = {}, {}, {}
    for _ in range(REPEATS):
        for name, fn in methods.items():
            start = time.process_time()
            with Measure(trace_python=False) as m:
                values[name] = fn()
            best[name] = min(best.get(name, m.seconds), m.seconds)
            cpu[name] = min(cpu.get(name, 1e9), time.process_time() - start)
            print(f"{mix} / {name}: {m.seconds:.2f} s", flush=True)
    memory = {}
    for name, fn in methods.items():
        with PeakRss() as rss:
            fn()
        memory[name] = rss.mib
    worst = max(abs(a - b) / max(b, 1e-9) for a, b in zip(values["timeline"], values["gapzones x24"]))
    return best, cpu, memory, values, worst, sum(len(ids) for ids in per_slice) / 24


def main():
    start_processing()
    n = int(os.environ.get("BENCH_TIMELINE_N", "10000"))
    mixes = [m.strip() for m in os.environ.get("BENCH_TIMELINE_MIXES", "shifts,random").split(",") if m.strip()]
    out_dir = os.path.join(HERE, "out")
    os.makedirs(out_dir, exist_ok=True)
    rows, ratios, same = [], [], True
    for mix in mixes:
        best, cpu, memory, values, worst, active = run_mix(n, mix, out_dir)
        same = same and worst <= 1e-3
        ratio = best["gapzones x24"] / best["timeline"]
        ratios.append((mix, ratio, worst))
        for name in best:
            rows.append(
                [
                    mix,
                    name,
                    f"{best[name]:.2f}",
                    f"{cpu[name]:.2f}",
                    f"{memory[name]:.0f}",
                    f"{min(values[name]):.3f}–{max(values[name]):.3f}",
                    f"{active:.0f}",
                ]
            )
    load = os.getloadavg()
    print()
    print(f"N = {n:,} coverage polygons, 24 hourly slices, schedule mixes: {', '.join(mixes)} (see the docstring);")
    print(f"load average at the end {load[0]:.1f} / {load[1]:.1f} (1 / 5 min) on {os.cpu_count()} cores.")
    print_table(
        ["mix", "method", "best s", "cpu s", "peak MiB", "gap km² (min–max over slices)", "active per slice"], rows
    )
    for mix, ratio, worst in ratios:
        print(
            f"{mix}: ratio gapzones x24 / timeline {ratio:.2f}×  (goal ≥ 8×); largest slice difference "
            f"{100 * worst:.5f} %  ({'same' if worst <= 1e-3 else 'DIFFERENT'})"
        )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
