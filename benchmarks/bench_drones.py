"""Benchmark: drone sorties over 500 gaps from 10 bases, 40 sorties, 120 km endurance, 800 m swath,
beside a no-fly zone (the far side of a winding border), all in one process:

- time of the whole plan (lanes, transit graph, sortie choice, flown paths and swaths), in stages;
- weight surveyed by our heuristic (greedy insertion + 2-opt + lane order + ruin and recreate,
  then partial lanes) against a plain nearest-neighbour tour from each base in turn (ratio);
- on small instances cut from the same scenario (8 gaps near one base, 2 sorties), the heuristic's
  weight (whole chunks, no partial lanes) against the exact optimum (dynamic programming over subsets);
- on random 8-gap instances (the generator of tests/test_dronesorties.py, seeds 0 to N - 1, in the three
  settings the test uses: 1 base 1 sortie, 2 bases 2 sorties, 1 base 2 sorties round a no-fly block),
  the same comparison: the figures the algorithm's help and the README quote.

Seeded (``SEED``). Environment: BENCH_DRONES_GAPS (500), BENCH_DRONES_SORTIES (40), BENCH_DRONES_ROUNDS
(best-of, 3), BENCH_DRONES_RANDOM (random instances per setting, 100; 0 skips them).
"""

import math
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import print_table, start_qgis  # noqa: E402

GAPS = int(os.environ.get("BENCH_DRONES_GAPS", "500"))
SORTIES = int(os.environ.get("BENCH_DRONES_SORTIES", "40"))
ROUNDS = int(os.environ.get("BENCH_DRONES_ROUNDS", "3"))
RANDOM = int(os.environ.get("BENCH_DRONES_RANDOM", "100"))
BASES = 10
ENDURANCE = 120_000.0
SWATH = 800.0
SEED = 20260415
X0, Y0, WIDTH, HEIGHT = 300_000.0, 4_000_000.0, 240_000.0, 160_000.0
BORDER_X = X0 + 40_000.0


def scenario(rng):
    """(gaps, bases, no-fly polygon) in a UTM-like CRS (metres)."""
    from qgis.core import QgsGeometry, QgsPointXY, QgsSpatialIndex

    from border_gaps.analysis import drone_plan

    ys = np.linspace(Y0 - 20_000, Y0 + HEIGHT + 20_000, 60)
    xs = BORDER_X + np.cumsum(rng.normal(0, 2500, ys.size))
    xs -= xs.mean() - BORDER_X
    border = [QgsPointXY(x, y) for x, y in zip(xs, ys)]
    far_side = QgsGeometry.fromPolygonXY(
        [border + [QgsPointXY(X0 - 200_000, ys[-1]), QgsPointXY(X0 - 200_000, ys[0]), border[0]]]
    ).makeValid()
    gaps, index = [], QgsSpatialIndex()
    while len(gaps) < GAPS:
        x, y = rng.uniform(BORDER_X - 10_000, X0 + WIDTH), rng.uniform(Y0, Y0 + HEIGHT)
        steps = rng.normal(0, 1200, (5, 2)).cumsum(axis=0)
        blob = QgsGeometry.fromPolylineXY([QgsPointXY(x + dx, y + dy) for dx, dy in steps]).buffer(
            rng.uniform(300, 1200), 6
        )
        blob = blob.difference(far_side)
        if blob.isEmpty() or blob.area() < 2e5 or blob.isMultipart():
            continue
        if any(gaps[i].geometry.intersects(blob) for i in index.intersects(blob.boundingBox())):
            continue
        feature_id = len(gaps)
        from qgis.core import QgsFeature

        f = QgsFeature(feature_id)
        f.setGeometry(blob)
        index.addFeature(f)
        gaps.append(drone_plan.Gap(blob, str(feature_id + 1), float(rng.uniform(5, 100))))
    bases = []
    while len(bases) < BASES:
        x, y = rng.uniform(BORDER_X + 10_000, X0 + WIDTH - 10_000), rng.uniform(Y0 + 10_000, Y0 + HEIGHT - 10_000)
        point = QgsGeometry.fromPointXY(QgsPointXY(x, y))
        if point.distance(far_side) > 5_000 and not any(g.geometry.contains(point) for g in gaps):
            bases.append(drone_plan.Base(x, y, f"base {len(bases) + 1}"))
    return gaps, bases, far_side


def main():
    start_qgis(with_processing=False)
    from border_gaps.analysis import drone_plan, drone_sorties
    from border_gaps.analysis.drone_transit import NoFlyTransit

    rng = np.random.default_rng(SEED)
    t0 = time.perf_counter()
    gaps, bases, far_side = scenario(rng)
    total_km2 = sum(g.geometry.area() for g in gaps) / 1e6
    total_weight = sum(g.geometry.area() / 1e6 * g.factor for g in gaps)
    print(
        f"scenario: {len(gaps)} gaps ({total_km2:,.0f} km², weight {total_weight:,.0f}), {len(bases)} bases, "
        f"{SORTIES} sorties, endurance {ENDURANCE / 1000:g} km, swath {SWATH:g} m, no-fly zone west of a "
        f"winding border (made in {time.perf_counter() - t0:.1f} s); load {os.getloadavg()[0]:.1f}"
    )

    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings = {k: [] for k in ("transit graph", "lanes + distances", "heuristic", "nearest neighbour", "draw")}
    cpu = {k: [] for k in timings}

    class stage:  # noqa: N801 (a timing context: wall and CPU seconds of one stage)
        def __init__(self, name):
            self.name = name

        def __enter__(self):
            self.t, self.c = time.perf_counter(), time.process_time()

        def __exit__(self, *exc):
            timings[self.name].append(time.perf_counter() - self.t)
            cpu[self.name].append(time.process_time() - self.c)

    results = None
    for _ in range(ROUNDS):
        with stage("transit graph"):
            transit = NoFlyTransit(far_side)
        planner = drone_plan.SurveyPlanner(gaps, bases, transit, SWATH, ENDURANCE, SORTIES)
        with stage("lanes + distances"):
            problem = planner.build()
        with stage("nearest neighbour"):
            nn = drone_sorties.nearest_neighbour(problem)
        with stage("heuristic"):
            ours = drone_sorties.plan(problem)
        with stage("draw"):
            drawn = planner.draw(ours)
        results = (transit, problem, ours, nn, drawn)
    transit, problem, ours, nn, drawn = results
    whole = sum(s.weight for s in ours.sorties)
    rows = [[k, f"{min(v):.2f} s", f"{max(v):.2f} s", f"{min(cpu[k]):.2f} s"] for k, v in timings.items()]
    print(
        f"\n{len(transit.nodes)} graph nodes, {problem.chunks} chunks of lanes, {len(problem.dist)} key points; "
        f"best and worst of {ROUNDS} rounds (the machine is shared: CPU time is the steadier figure):"
    )
    print_table(["stage", "best wall", "worst wall", "best CPU"], rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB, {peak - start_rss:.0f} MiB above the process before planning")
    surveyed_km2 = sum(drawn.surveyed_m2) / 1e6
    longest = max(s.length_m for s in drawn.sorties)
    entered = sum(1 for s in drawn.sorties if _line(s.points).intersects(far_side))
    print(
        f"\nweight surveyed: ours {ours.weight:,.1f} ({whole:,.1f} in whole chunks + {ours.weight - whole:,.1f} in "
        f"partial lanes) vs nearest neighbour {nn.weight:,.1f}: ratio {ours.weight / nn.weight:.3f}; "
        f"{len(ours.sorties)} vs {len(nn.sorties)} sorties; ours survey {surveyed_km2:,.1f} km² "
        f"({100 * surveyed_km2 / total_km2:.1f} %), longest sortie {longest / 1000:.2f} km, "
        f"paths entering the no-fly zone: {entered}"
    )

    # small instances cut from the scenario: the exact optimum is computable
    ratios, nn_ratios, times = [], [], []
    for trial in range(20):
        base = bases[trial % len(bases)]
        near = sorted(range(len(gaps)), key=lambda i: gaps[i].geometry.centroid().asPoint().sqrDist(base.x, base.y))
        pick = sorted(rng.choice(near[:20], 8, replace=False))
        small_gaps = [gaps[i] for i in pick]
        planner = drone_plan.SurveyPlanner(small_gaps, [base], transit, SWATH, 60_000.0, 2, chunk_limit=60_000.0)
        small = planner.build()
        if small.chunks > drone_sorties.EXACT_MAX_CHUNKS:
            continue
        t = time.perf_counter()
        heuristic = drone_sorties.plan(small, partial=False).weight
        times.append(time.perf_counter() - t)
        best, _ = drone_sorties.exact(small)
        if best > 0:
            ratios.append(heuristic / best)
            nn_ratios.append(drone_sorties.nearest_neighbour(small).weight / best)
    print(
        f"\nsmall instances ({len(ratios)}: 8 gaps among the 20 nearest one base, 2 sorties of 60 km, whole chunks): "
        f"heuristic / exact optimum mean {np.mean(ratios):.4f}, worst {min(ratios):.4f}, optimal in "
        f"{sum(r > 1 - 1e-9 for r in ratios)}; nearest neighbour / optimum mean {np.mean(nn_ratios):.4f}, worst "
        f"{min(nn_ratios):.4f}; heuristic {1000 * np.mean(times):.0f} ms each"
    )
    if RANDOM > 0:
        random_instances()


def _box(x0, y0, x1, y1):
    """A rectangle in metres, its ring as tests/test_dronesorties.py box() draws it."""
    from qgis.core import QgsGeometry

    return QgsGeometry.fromWkt(f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))")


def _rect(x, y, w, h, angle):
    """A w x h m rectangle centred on (x, y), turned by ``angle`` radians."""
    from qgis.core import QgsPointXY

    g = _box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
    g.rotate(math.degrees(angle), QgsPointXY(x, y))
    return g


def _random_instance(seed, bases, sorties, endurance, zones):
    """As tests/test_dronesorties.py _instance: 8 rotated rectangles in 30 x 30 km, bases within
    10 km of the centre (outside the no-fly zone), lanes 800 m apart, one chunk per gap."""
    from border_gaps.analysis import drone_plan
    from border_gaps.analysis.drone_transit import NoFlyTransit

    rng = np.random.default_rng(seed)
    gaps = [
        drone_plan.Gap(
            _rect(*rng.uniform(-15000, 15000, 2), rng.uniform(1000, 4000), rng.uniform(500, 2000), rng.uniform(0, 3.1)),
            i + 1,
            float(rng.uniform(10, 100)),
        )
        for i in range(8)
    ]
    transit = NoFlyTransit(zones)
    points = []
    while len(points) < bases:
        x, y = rng.uniform(-10000, 10000, 2)
        if not transit.inside_blocked([(x, y)])[0]:
            points.append(drone_plan.Base(x, y, f"b{len(points)}"))
    return drone_plan.SurveyPlanner(gaps, points, transit, SWATH, endurance, sorties, chunk_limit=endurance).build()


def random_instances():
    from border_gaps.analysis import drone_sorties

    block = _box(-2000, -6000, 2000, 6000)
    settings = [(1, 1, 50_000.0, None), (2, 2, 40_000.0, None), (1, 2, 45_000.0, block)]
    print(f"\nrandom 8-gap instances, seeds 0-{RANDOM - 1} in each setting, whole chunks (heuristic / exact optimum):")
    rows, ours_all, nn_all = [], [], []
    for bases, sorties, endurance, zones in settings:
        ours, nn, times = [], [], []
        for seed in range(RANDOM):
            problem = _random_instance(seed, bases, sorties, endurance, zones)
            best, _ = drone_sorties.exact(problem)
            t = time.perf_counter()
            weight = drone_sorties.plan(problem, partial=False).weight
            times.append(time.perf_counter() - t)
            ours.append(weight / best if best else 1.0)
            nn.append(drone_sorties.nearest_neighbour(problem).weight / best if best else 1.0)
        ours_all += ours
        nn_all += nn
        rows.append(
            [
                f"{bases} base(s), {sorties} sortie(s) of {endurance / 1000:g} km"
                + (", no-fly block" if zones else ""),
                f"{sum(r > 1 - 1e-9 for r in ours)} / {len(ours)}",
                f"{np.mean(ours):.4f}",
                f"{min(ours):.4f}",
                f"{np.mean(nn):.4f}",
                f"{min(nn):.4f}",
                f"{1000 * np.mean(times):.0f} ms",
            ]
        )
    rows.append(
        [
            "all",
            f"{sum(r > 1 - 1e-9 for r in ours_all)} / {len(ours_all)}",
            f"{np.mean(ours_all):.4f}",
            f"{min(ours_all):.4f}",
            f"{np.mean(nn_all):.4f}",
            f"{min(nn_all):.4f}",
            "",
        ]
    )
    print_table(["setting", "optimal", "ours mean", "ours worst", "NN mean", "NN worst", "ours time"], rows)


def _line(points):
    from qgis.core import QgsGeometry, QgsPointXY

    return QgsGeometry.fromPolylineXY([QgsPointXY(x, y) for x, y in points])


if __name__ == "__main__":
    main()
