"""Benchmark of bordergaps:gapzones against the Modeler chain of native algorithms an analyst
would build, against merging the touching coverage with one GEOS union, and against shapely 2's
prefiltered merge (when shapely 2 is installed), on seeded scenarios.

``make bench BENCH=gapzones``; sizes from BENCH_GAPZONES_SIZES (default 1000,10000,50000,200000). Our methods
and GEOS direct take turns, best of BENCH_GAPZONES_REPEATS (5) rounds each; the native chain runs
once. Memory is the peak resident size above the start of a run, sampled from /proc every 5 ms, in
a run of its own (the native chain: in its one run).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from common import Measure, PeakRss, print_table, start_qgis  # noqa: E402

DISTANCE = 3000.0
SEGMENTS = 16


def native_chain(control, coverage):
    """buffer+dissolve A and B, intersection, difference with A ∪ B, dissolve coverage, difference,
    multipart to single parts, area: as built in the Graphical Modeler. Returns the gap area (m²)."""
    from qgis import processing

    def step(alg, **params):
        return processing.run(alg, {**params, "OUTPUT": "memory:"})["OUTPUT"]

    reach = {}
    for force in ("Peshmerga", "ISF"):
        held = step("native:extractbyattribute", INPUT=control, FIELD="force", OPERATOR=0, VALUE=force)
        reach[force] = step(
            "native:buffer",
            INPUT=held,
            DISTANCE=DISTANCE,
            SEGMENTS=SEGMENTS,
            END_CAP_STYLE=0,
            JOIN_STYLE=0,
            MITER_LIMIT=2,
            DISSOLVE=True,
        )
    seam = step("native:intersection", INPUT=reach["Peshmerga"], OVERLAY=reach["ISF"])
    unclaimed = step("native:difference", INPUT=seam, OVERLAY=control)
    covered = step("native:dissolve", INPUT=coverage)
    gaps = step("native:difference", INPUT=unclaimed, OVERLAY=covered)
    single = step("native:multiparttosingleparts", INPUT=gaps)
    measured = step(
        "native:fieldcalculator",
        INPUT=single,
        FIELD_NAME="area_m2",
        FIELD_TYPE=0,
        FIELD_LENGTH=20,
        FIELD_PRECISION=3,
        FORMULA="area($geometry)",
    )
    return sum(f["area_m2"] for f in measured.getFeatures())


def geos_direct(control, coverage):
    """The seam, then one QgsGeometry.unaryUnion of the coverage that touches it (found with a prepared
    geometry), one difference, single parts, areas. Returns the gap area (m²)."""
    from qgis.core import QgsGeometry

    from border_gaps.analysis.geometry import polygon_parts

    held = {"Peshmerga": [], "ISF": []}
    for f in control.getFeatures():
        held[f["force"]].append(f.geometry())
    a, b = QgsGeometry.unaryUnion(held["Peshmerga"]), QgsGeometry.unaryUnion(held["ISF"])
    seam = a.buffer(DISTANCE, SEGMENTS).intersection(b.buffer(DISTANCE, SEGMENTS))
    unclaimed = seam.difference(QgsGeometry.unaryUnion([a, b]))
    engine = QgsGeometry.createGeometryEngine(unclaimed.constGet())
    engine.prepareGeometry()
    box = unclaimed.boundingBox()
    touching = []
    for f in coverage.getFeatures():
        geom = f.geometry()
        if geom.boundingBox().intersects(box) and engine.intersects(geom.constGet()):
            touching.append(geom)
    gaps = unclaimed.difference(QgsGeometry.unaryUnion(touching))
    return sum(part.area() for part in polygon_parts(gaps))


def shapely_merge(control, coverage):
    """Shapely 2's prefiltered merge, as a careful engineer writes it: the same seam (ours), the coverage
    in the seam's box read through QGIS (filter rect, no attributes) as WKB, the seam test of all of it at
    once against the prepared seam, one ``shapely.unary_union`` of the touching coverage, one difference,
    single parts, areas. Returns the gap area (m²)."""
    import shapely
    from qgis.core import QgsFeatureRequest

    from border_gaps.analysis.gaps import compute_seam

    seam, _, _ = compute_seam(control, "control_areas", "force", ["Peshmerga"], ["ISF"], DISTANCE)
    region = shapely.from_wkb(bytes(seam.unclaimed.asWkb()))
    shapely.prepare(region)
    request = QgsFeatureRequest().setFilterRect(seam.unclaimed.boundingBox()).setNoAttributes()
    geoms = shapely.from_wkb([bytes(f.geometry().asWkb()) for f in coverage.getFeatures(request)])
    touching = geoms[shapely.intersects(region, geoms)]
    gaps = shapely.difference(region, shapely.unary_union(touching))
    return float(shapely.area(shapely.get_parts(gaps)).sum())


def ours(control, coverage):
    from qgis import processing

    result = processing.run(
        "bordergaps:gapzones",
        {
            "CONTROL_AREAS": control,
            "FORCE_FIELD": "force",
            "FORCE_A": "Peshmerga",
            "FORCE_B": "ISF",
            "COVERAGE": [coverage],
            "SEAM_DISTANCE": DISTANCE,
            "MODE": 0,
            "MIN_AREA": 0,
            "OUTPUT": "memory:gaps",
        },
    )
    return result["GAP_AREA_KM2"] * 1e6, result["GAP_COUNT"]


def ours_one_thread(control, coverage):
    """bordergaps:gapzones with every merge and measure in the calling thread (BORDER_GAPS_THREADS=1)."""
    from border_gaps.analysis import workers

    threads = workers.THREADS
    workers.THREADS = 1
    try:
        return ours(control, coverage)
    finally:
        workers.THREADS = threads


def ours_core(control, coverage):
    """The same work as geos_direct done our way (seam, streamed coverage, tiled merge), without the
    per-gap measures and the Processing wrapper: the like-for-like comparison of the merge."""
    from border_gaps.analysis.gaps import compute_seam, gather_coverage
    from border_gaps.analysis.geometry import gap_zones

    seam, _, crs = compute_seam(control, "control_areas", "force", ["Peshmerga"], ["ISF"], DISTANCE)
    gathered = gather_coverage(seam.unclaimed, crs, [(coverage, "coverage")])
    return gap_zones(seam.unclaimed, gathered).gap_area_m2


REPEATS = int(os.environ.get("BENCH_GAPZONES_REPEATS", "5"))


def interleaved(methods, *args, repeats=REPEATS):
    """{name: (result, best time in s, peak memory in MiB)} of ``methods`` ({name: fn}).

    The machine is shared and its speed drifts by a third within a minute, so the methods take
    turns, ``repeats`` rounds, and each keeps its best time: a slow spell slows every method.
    Memory comes from one more run of each on its own, because the sampler thread (waking every
    5 ms) would also slow the timed runs, and the multi-threaded ones the most."""
    best, values = {}, {}
    for _ in range(repeats):
        for name, fn in methods.items():
            with Measure(trace_python=False) as m:
                values[name] = fn(*args)
            best[name] = min(best.get(name, m.seconds), m.seconds)
    memory = {}
    for name, fn in methods.items():
        with PeakRss() as rss:
            fn(*args)
        memory[name] = rss.mib
    return {name: (values[name], best[name], memory[name]) for name in methods}


def timed_once(fn, *args):
    """(result, time in s, peak memory in MiB) of one run, sampled as it goes (the slow native chain)."""
    with PeakRss() as rss, Measure(trace_python=False) as m:
        value = fn(*args)
    return value, m.seconds, rss.mib


_PROVIDER = []


def start_processing():
    """QGIS, Processing and our provider. common.start_qgis() does not keep a reference to the provider
    it adds, so Python collects the subclass and its algorithms lose their ids: here the provider is
    kept (reported to the lead)."""
    start_qgis(with_processing=False)
    from qgis.core import QgsApplication

    plugins = os.path.join(QgsApplication.pkgDataPath(), "python", "plugins")
    if plugins not in sys.path:
        sys.path.append(plugins)
    from processing.core.Processing import Processing

    Processing.initialize()
    from border_gaps.processing.provider import BorderGapsProvider

    _PROVIDER.append(BorderGapsProvider())
    QgsApplication.processingRegistry().addProvider(_PROVIDER[-1])


def main():
    start_processing()
    import scenario
    from qgis.core import QgsVectorLayer

    sizes = [int(s) for s in os.environ.get("BENCH_GAPZONES_SIZES", "1000,10000,50000,200000").split(",") if s]
    native_max = int(os.environ.get("BENCH_GAPZONES_NATIVE_MAX", "50000"))
    try:
        import shapely  # noqa: F401 (optional: the baseline the issue names)

        with_shapely = True
    except ImportError:
        with_shapely = False
        print("shapely 2 is not installed: no shapely baseline (pip install shapely in the venv)")
    out_dir = os.path.join(HERE, "out")
    os.makedirs(out_dir, exist_ok=True)
    rows, failed = [], False
    for n in sizes:
        path = os.path.join(out_dir, f"gapzones_{n}.gpkg")
        cached = os.path.exists(path) and QgsVectorLayer(f"{path}|layername=coverage", "c", "ogr").featureCount() == n
        if not cached:  # the scenario is seeded: a file written before holds the same features
            scenario.write_gpkg(scenario.make_scenario(n), path)
        control = QgsVectorLayer(f"{path}|layername=control_areas", "control_areas", "ogr")
        coverage = QgsVectorLayer(f"{path}|layername=coverage", "coverage", "ogr")
        assert control.isValid() and coverage.isValid() and coverage.featureCount() == n
        for _ in coverage.getFeatures():  # the file in the OS cache for every method alike
            pass
        methods = {"ours": ours, "one": ours_one_thread, "direct": geos_direct, "core": ours_core}
        if with_shapely:
            methods["shapely"] = shapely_merge
        load = os.getloadavg()[0]
        runs = interleaved(methods, control, coverage)
        load = max(load, os.getloadavg()[0])
        (our_area, count), our_s, our_mib = runs["ours"]
        (one_area, _), one_s, _ = runs["one"]
        direct_area, direct_s, direct_mib = runs["direct"]
        core_area, core_s, core_mib = runs["core"]
        shapely_area, shapely_s, shapely_mib = runs.get("shapely", (None, None, None))
        if n <= native_max:
            native_area, native_s, native_mib = timed_once(native_chain, control, coverage)
            diff = abs(our_area - native_area) / native_area * 100 if native_area else 0.0
        else:  # the chain's dissolve of all coverage takes many minutes there
            native_area = native_s = native_mib = None
            diff = 0.0
        others = [direct_area, core_area, one_area] + ([shapely_area] if with_shapely else [])
        # the same gaps: GEOS versions and merge orders differ only in the last bits (1e-9 of the area)
        spread = max(abs(our_area - other) / max(other, 1.0) for other in others)
        same = diff <= 0.5 and spread <= 1e-9
        failed |= not same
        rows.append(
            [
                f"{n:,}",
                count,
                f"{our_area / 1e6:.3f}",
                f"{diff:.4f}",
                f"{our_s:.2f}",
                f"{one_s:.2f}",
                f"{core_s:.2f}",
                f"{direct_s:.2f}",
                f"{shapely_s:.2f}" if with_shapely else "-",
                f"{native_s:.2f}" if native_s else "-",
                f"{native_s / our_s:.1f}×" if native_s else "-",
                f"{direct_s / our_s:.2f}×",
                f"{our_s / shapely_s:.2f}" if with_shapely else "-",
                f"{core_s / shapely_s:.2f}" if with_shapely else "-",
                f"{our_mib:.0f}",
                f"{core_mib:.0f}",
                f"{direct_mib:.0f}",
                f"{shapely_mib:.0f}" if with_shapely else "-",
                f"{native_mib:.0f}" if native_s else "-",
                f"{load:.1f}",
                "yes" if same else "NO",
            ]
        )
        print(
            f"N={n}: gapzones {our_s:.2f} s (one thread {one_s:.2f} s), our merge {core_s:.2f} s, "
            f"GEOS direct {direct_s:.2f} s, "
            + (f"shapely {shapely_s:.2f} s (gapzones/shapely {our_s / shapely_s:.2f}), " if with_shapely else "")
            + (f"native chain {native_s:.2f} s" if native_s else "native chain not run")
            + f"; load {load:.1f}; largest relative area difference between the methods {spread:.1e}",
            flush=True,
        )
    print()
    from border_gaps.analysis.workers import THREADS

    print("gapzones: the whole algorithm (measures and output included), merging tiles and measuring gaps in")
    print(f"{THREADS} thread(s) (os.cpu_count() = {os.cpu_count()}); '1 thread': the same with")
    print("BORDER_GAPS_THREADS=1; our merge: the same seam/merge/difference work as 'GEOS direct' (one")
    print("cascaded GEOS union of the touching coverage, one thread) without the measures; native: the")
    print("Modeler chain (not run above BENCH_GAPZONES_NATIVE_MAX); shapely: shapely 2's prefiltered merge (the")
    print("coverage in the seam's box read through QGIS as WKB, one bulk seam test, one unary_union). The goal of")
    print("issue 19: gapzones/shapely at most 0.6 at 200,000. load: the 1-minute load average (2 cores).")
    print_table(
        [
            "N",
            "gaps",
            "gap km²",
            "Δ native %",
            "gapzones s",
            "1 thread s",
            "our merge s",
            "GEOS direct s",
            "shapely s",
            "native s",
            "native/gapzones",
            "direct/gapzones",
            "gapzones/shapely",
            "our merge/shapely",
            "gapzones MiB",
            "merge MiB",
            "direct MiB",
            "shapely MiB",
            "native MiB",
            "load",
            "same",
        ],
        rows,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
