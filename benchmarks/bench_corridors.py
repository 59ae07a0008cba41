"""Benchmark of crossing corridors: routes from 100 origins to 1,000 destinations over a
5000 x 5000 cost grid, one search from all origins at once against one search per origin.

The baseline (one single-source MCP_Geometric search per origin, keeping each destination's
cheapest origin and tracing its path) takes about half a minute per origin at full size on
this machine, so at full size it runs on a subset of origins and is extrapolated linearly
(the searches are independent and equally large); a smaller scene runs both in full and
checks that they choose the same origins.

Environment: BENCH_CORRIDORS_SIZE (grid side, default 5000), BENCH_CORRIDORS_SUBSET (origins
the full-size baseline runs, default 3).
"""

import os
import sys
import time

import numpy as np

# python -P leaves the script's folder off sys.path; add it (benchmarks/, not the repository root)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Measure, print_table, start_qgis  # noqa: E402


def scene(side, n_origins, n_destinations, seed=11):
    """A cost grid of side x side 100 m cells: rolling terrain, coverage discs, a road network."""
    from qgis.core import QgsGeometry, QgsPointXY, QgsRectangle
    from scipy.ndimage import zoom

    from border_gaps.analysis import corridors

    rng = np.random.default_rng(seed)
    cell = 100.0
    grid = corridors.plan_grid(QgsRectangle(0, 0, side * cell, side * cell), cell, 0.0, max_cells=side * side)
    coarse = rng.random((50, 50))
    terrain = 1.0 + 2.0 * zoom(coarse, (grid.rows / 50, grid.cols / 50), order=1)[: grid.rows, : grid.cols]
    width = side * cell
    coverage = [
        QgsGeometry.fromPointXY(QgsPointXY(*rng.uniform(0.3 * width, 0.7 * width, 2))).buffer(5_000, 16)
        for _ in range(40)
    ]
    roads = [QgsGeometry.fromPolylineXY([QgsPointXY(*rng.uniform(0, width, 2)) for _ in range(4)]) for _ in range(15)]
    model = corridors.CostModel(slope=terrain, roads=roads, coverage=coverage, detection_factor=5.0)
    origins = [
        tuple(p) for p in rng.uniform((0.02 * width, 0.02 * width), (0.25 * width, 0.98 * width), (n_origins, 2))
    ]
    destinations = [
        tuple(p) for p in rng.uniform((0.75 * width, 0.02 * width), (0.98 * width, 0.98 * width), (n_destinations, 2))
    ]
    return grid, model, origins, destinations


def ours(grid, model, origins, destinations):
    """The whole of what the algorithm computes: routes pulled taut, density, pinch points."""
    from border_gaps.analysis import corridors

    cost = corridors.cost_surface(grid, model)
    routes, unreachable = corridors.least_cost_routes(cost, grid, origins, destinations, k=1)
    density = corridors.route_density(grid, routes)
    pinches = corridors.pinch_points(grid, density, 20, 2_000.0, list(origins) + list(destinations))
    return routes, unreachable, pinches


def ours_search_only(grid, model, origins, destinations):
    """Like for like with the baseline: one search from all origins at once, then each
    destination's grid path traced back (no pulling taut, no density)."""
    from skimage.graph import MCP_Geometric

    from border_gaps.analysis import corridors

    cost = corridors.cost_surface(grid, model)
    mcp = MCP_Geometric(cost, fully_connected=True)
    ends = [grid.cell_of(x, y) for x, y in destinations]
    cumulative, _ = mcp.find_costs([grid.cell_of(x, y) for x, y in origins], ends, find_all_ends=True)
    return [mcp.traceback(end) for end in ends]


def one_search_per_origin(grid, model, origins, destinations):
    """The straightforward way: a single-source search from each origin, keeping each
    destination's cheapest origin. Costs only, no paths traced: a lower bound on the time of
    any per-origin method, and uniform per origin, so it extrapolates linearly."""
    from skimage.graph import MCP_Geometric

    from border_gaps.analysis import corridors

    cost = corridors.cost_surface(grid, model)
    mcp = MCP_Geometric(cost, fully_connected=True)
    ends = [grid.cell_of(x, y) for x, y in destinations]
    rows, cols = np.array(ends).T
    best_cost = np.full(len(ends), np.inf)
    best_origin = np.full(len(ends), -1)
    for i, (x, y) in enumerate(origins):
        cumulative, _ = mcp.find_costs([grid.cell_of(x, y)], ends, find_all_ends=True)
        values = cumulative[rows, cols]
        better = values < best_cost
        best_cost[better], best_origin[better] = values[better], i
    return best_origin


def measured(fn, *args, traced=True):
    """Time without tracemalloc (which doubles the run time of Python-heavy code), then the peak
    memory in a second, traced run: (result, seconds, traced peak MiB, process max RSS MiB)."""
    with Measure(trace_python=False) as timed:
        result = fn(*args)
    if not traced:
        return result, timed.seconds, float("nan"), timed.rss_mib
    with Measure(trace_python=True) as tracing:
        fn(*args)
    return result, timed.seconds, tracing.peak_mib, tracing.rss_mib


def main():
    start_qgis(with_processing=False)
    from border_gaps.analysis import corridors

    if corridors.missing_dependencies():
        print(corridors.missing_dependencies())
        return 1
    side = int(os.environ.get("BENCH_CORRIDORS_SIZE", "5000"))
    subset = int(os.environ.get("BENCH_CORRIDORS_SUBSET", "3"))
    rows = []

    # 1. a scene small enough for the full baseline: same answers, and the ratio measured outright
    small = scene(1000, 20, 200)
    (routes, _, _), t_all, mem_all, rss_all = measured(ours, *small)
    _, t_search, mem_search, rss_search = measured(ours_search_only, *small)
    base, t_base, mem_base, rss_base = measured(one_search_per_origin, *small)
    same = sum(r.origin == b for r, b in zip(routes, base))
    rows += [
        [
            "1000² grid, 20 × 200: ours, whole algorithm",
            f"{t_all:.1f}",
            f"{mem_all:.0f}",
            f"{rss_all:.0f}",
            f"{t_base / t_all:.1f}×",
        ],
        [
            "1000² grid, 20 × 200: ours, search + tracing only",
            f"{t_search:.1f}",
            f"{mem_search:.0f}",
            f"{rss_search:.0f}",
            f"{t_base / t_search:.1f}×",
        ],
        [
            "1000² grid, 20 × 200: one search per origin (all 20)",
            f"{t_base:.1f}",
            f"{mem_base:.0f}",
            f"{rss_base:.0f}",
            "",
        ],
    ]
    print(f"small scene: {same} of {len(routes)} destinations get the same origin from both methods", flush=True)
    if same != len(routes):
        print("MISMATCH between the multi-origin search and the per-origin searches", file=sys.stderr)
        return 1

    # 2. the full size: 100 origins x 1,000 destinations over side x side cells
    grid, model, origins, destinations = scene(side, 100, 1000)
    print(f"full scene: {grid.describe()}", flush=True)
    (routes, unreachable, pinches), t_all, _, rss_all = measured(ours, grid, model, origins, destinations, traced=False)
    print(
        f"ours: {len(routes)} routes, {len(unreachable)} unreachable, {len(pinches)} pinch points, {t_all:.1f} s",
        flush=True,
    )
    _, t_search, mem_search, rss_search = measured(ours_search_only, grid, model, origins, destinations)
    print(f"ours, search + tracing: {t_search:.1f} s, {mem_search:.0f} MiB", flush=True)
    _, t_sub, _, _ = measured(one_search_per_origin, grid, model, origins[:subset], destinations, traced=False)
    # memory: one search at a time, whatever the number of origins
    _, _, mem_one, rss_one = measured(one_search_per_origin, grid, model, origins[:1], destinations)
    # the fixed part (cost raster, MCP set-up) once, the searches scaled from `subset` to all origins
    t0 = time.perf_counter()
    cost = corridors.cost_surface(grid, model)
    from skimage.graph import MCP_Geometric

    MCP_Geometric(cost, fully_connected=True)
    setup = time.perf_counter() - t0
    del cost
    per_origin = (t_sub - setup) / subset
    extrapolated = setup + per_origin * len(origins)
    rows += [
        [
            f"{side}² grid, 100 × 1000: ours, whole algorithm",
            f"{t_all:.1f}",
            "(see next)",
            f"{rss_all:.0f}",
            f"{extrapolated / t_all:.1f}×",
        ],
        [
            f"{side}² grid, 100 × 1000: ours, search + tracing only",
            f"{t_search:.1f}",
            f"{mem_search:.0f}",
            f"{rss_search:.0f}",
            f"{extrapolated / t_search:.1f}×",
        ],
        [
            f"{side}² grid: one search per origin, MEASURED on {subset} origins",
            f"{t_sub:.1f}",
            f"{mem_one:.0f}",
            f"{rss_one:.0f}",
            "",
        ],
        [
            f"{side}² grid: one search per origin, EXTRAPOLATED to 100 origins",
            f"{extrapolated:.0f}",
            f"{mem_one:.0f}",
            "",
            "",
        ],
    ]
    print()
    print_table(
        ["run", "seconds", "peak MiB (tracemalloc)", "max RSS MiB (process so far)", "baseline time / this"], rows
    )
    print(
        f"\nSeconds are from untraced runs; peak MiB from a second run under tracemalloc (at full size only "
        f"for the search, where the peak is: pulling routes taut adds little). The baseline records costs "
        f"only (no paths), a lower bound for any per-origin method. Extrapolation: set-up {setup:.1f} s + "
        f"{per_origin:.1f} s per origin × 100 origins, measured on {subset} origins; its memory does not grow "
        "with the number of origins (one search at a time). ru_maxrss is the process's maximum so far, so "
        "later rows include earlier peaks."
    )
    print(
        f"Working memory: tracemalloc peak {mem_search:.0f} MiB for {grid.cells:,} cells = "
        f"{mem_search * 2**20 / grid.cells:.0f} bytes per cell (corridors.BYTES_PER_CELL = "
        f"{corridors.BYTES_PER_CELL})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
