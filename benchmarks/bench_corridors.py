"""Benchmark of crossing corridors (issue 19): the whole algorithm (cost raster, one search from
all origins, every route traced and pulled taut, density, pinch points) against the bare
multi-source least-cost search plus one traceback per destination (scikit-image's
MCP_Geometric, what a careful engineer writes first), on the same grid, 100 origins and 1,000
destinations; then the search engines side by side; then how the whole algorithm grows.

Ratios are from one process, the two methods taking turns, best of BENCH_CORRIDORS_REPEATS
(3) each. Memory is measured in runs of their own: tracemalloc's peak of numpy's arrays for
our code and MCP_Geometric (bytes per cell of the grid), the sampled resident size for
scikit-fmm and GRASS (their C/C++ heaps are not traced).

Environment: BENCH_CORRIDORS_SIDES (grid sides of the ratio rows, default 2500,5000),
BENCH_CORRIDORS_ENGINE_SIDES (default 1000,2500,5000), BENCH_CORRIDORS_SCALING (cells of the
scaling rows, default 1000000,10000000,100000000; empty: none).
"""

import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile

import numpy as np

# python -P leaves the script's folder off sys.path; add it (benchmarks/, not the repository root)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Measure, PeakRss, print_table, start_qgis  # noqa: E402

RATIO_GOAL = 1.5  # the whole algorithm against the bare search + traceback
BYTES_GOAL = 32
REPEATS = int(os.environ.get("BENCH_CORRIDORS_REPEATS", "3"))


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
    """The whole of what the algorithm computes: cost raster, routes pulled taut, density, pinch points."""
    from border_gaps.analysis import corridors

    cost = corridors.cost_surface(grid, model)
    routes, unreachable = corridors.least_cost_routes(cost, grid, origins, destinations, k=1)
    del cost
    density = corridors.route_density(grid, routes)
    pinches = corridors.pinch_points(grid, density, 20, 2_000.0, list(origins) + list(destinations))
    return routes, unreachable, pinches


def bare_search(cost, grid, origins, destinations):
    """The baseline: one MCP_Geometric search from all origins at once (stopping at the last
    destination), one traceback per destination; the cost raster is given."""
    from skimage.graph import MCP_Geometric

    mcp = MCP_Geometric(cost, fully_connected=True)
    ends = [grid.cell_of(x, y) for x, y in destinations]
    cumulative, _ = mcp.find_costs([grid.cell_of(x, y) for x, y in origins], ends, find_all_ends=True)
    return [mcp.traceback(end) for end in ends], cumulative


def sweep_search(cost, grid, origins, destinations):
    """Our engine alone: the line sweeps from all origins, every path traced at once."""
    from border_gaps.analysis.sweepsearch import SweepSearch

    search = SweepSearch(cost)
    search.run([grid.cell_of(x, y) for x, y in origins])
    return search.paths([grid.cell_of(x, y) for x, y in destinations]), search.cumulative


def fmm_search(cost, grid, origins, destinations):
    """scikit-fmm's fast marching (the eikonal equation, not the 8-connected graph): travel time
    at speed 1/cost from the origins' cells; it traces no path."""
    import skfmm

    phi = np.ones(cost.shape)
    for x, y in origins:
        phi[grid.cell_of(x, y)] = -1.0
    speed = np.where(np.isfinite(cost), 1.0 / cost, 0.0)
    speed[speed == 0] = 1e-12
    return skfmm.travel_time(phi, speed, dx=1.0, order=1)


def grass_search(cost, grid, origins, destinations, workdir):
    """GRASS r.cost (8 neighbours, the mean of two cells' costs times the move's length) and
    r.drain for every destination, as QGIS's Processing GRASS provider runs them: the cost
    raster written to a GeoTIFF, imported, searched, the paths drained, the cumulative cost
    exported. Returns the cumulative cost raster."""
    import rasterio

    tif = os.path.join(workdir, "cost.tif")
    out = os.path.join(workdir, "cum.tif")
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        width=grid.cols,
        height=grid.rows,
        count=1,
        dtype="float64",
        crs="EPSG:32638",
        transform=grid.transform,
        nodata=None,
    ) as dst:
        dst.write(np.where(np.isfinite(cost), cost, -1.0), 1)

    def centre(x, y):
        r, c = grid.cell_of(x, y)
        return f"{grid.left + (c + 0.5) * grid.cell},{grid.top - (r + 0.5) * grid.cell}"

    starts = ",".join(centre(x, y) for x, y in origins)
    ends = ",".join(centre(x, y) for x, y in destinations)
    script = (
        f"r.in.gdal -o input={tif} output=cost --q && g.region raster=cost && "
        f"r.mapcalc 'passable = if(cost < 0, null(), cost)' --q && "
        f"r.cost input=passable output=cum outdir=dir start_coordinates={starts} --q && "
        f"r.drain input=cum direction=dir start_coordinates={ends} output=paths drain=drained -d --q && "
        f"r.out.gdal input=cum output={out} -c --q"
    )
    location = os.path.join(workdir, "location")
    shutil.rmtree(location, ignore_errors=True)
    if os.path.exists(out):
        os.remove(out)
    done = subprocess.run(
        ["grass", "-c", tif, location, "--exec", "bash", "-c", script],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode:
        errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
        raise RuntimeError("GRASS failed: " + " / ".join(errors)[:2000])
    with rasterio.open(out) as src:
        return src.read(1)


def traced_bytes(fn, *args):
    """tracemalloc's peak (bytes) of one run of ``fn``."""
    with Measure(trace_python=True) as m:
        fn(*args)
    return m.peak_mib * 2**20


def interleaved(methods, repeats=REPEATS):
    """{name: (result, best seconds)}: the methods take turns, ``repeats`` rounds."""
    best, results = {}, {}
    for _ in range(repeats):
        for name, (fn, args) in methods.items():
            with Measure(trace_python=False) as m:
                results[name] = fn(*args)
            best[name] = min(best.get(name, math.inf), m.seconds)
    return {name: (results[name], best[name]) for name in methods}


def load():
    return os.getloadavg()[0]


def ratio_rows(sides):
    from border_gaps.analysis import corridors

    rows, met = [], True
    for side in sides:
        grid, model, origins, destinations = scene(side, 100, 1000)
        cost = corridors.cost_surface(grid, model)
        before = load()
        runs = interleaved(
            {
                "ours": (ours, (grid, model, origins, destinations)),
                "bare": (bare_search, (cost, grid, origins, destinations)),
            }
        )
        after = load()
        (routes, unreachable, pinches), t_ours = runs["ours"]
        (_, reference), t_bare = runs["bare"]
        # each route's grid cost against MCP_Geometric's cumulative cost at its destination
        at_end = np.array([reference[grid.cell_of(*destinations[r.destination])] for r in routes])
        differs = np.max(np.abs(np.array([r.grid_cost for r in routes]) / grid.cell - at_end) / at_end)
        valid = all(r.geometry().isGeosValid() for r in routes)
        del cost, reference
        ours_bytes = traced_bytes(ours, grid, model, origins, destinations) / grid.cells
        ratio = t_ours / t_bare
        ok = ratio <= RATIO_GOAL and ours_bytes <= BYTES_GOAL and differs <= 1e-9 and valid and not unreachable
        met &= ok
        rows.append(
            [
                f"{side:,}² = {grid.cells / 1e6:.2f} M",
                f"{len(routes)} routes ({'valid' if valid else 'INVALID'}), {len(pinches)} pinch points",
                f"{differs:.1e}",
                f"{t_ours:.2f}",
                f"{t_bare:.2f}",
                f"{ratio:.2f} (≤ {RATIO_GOAL})",
                f"{ours_bytes:.1f} (≤ {BYTES_GOAL})",
                f"{before:.1f}–{after:.1f}",
                "met" if ok else "NOT MET",
            ]
        )
        print(f"{side}²: ours {t_ours:.2f} s, bare search + traceback {t_bare:.2f} s, ratio {ratio:.2f}", flush=True)
    return rows, met


def engine_rows(sides):
    from border_gaps.analysis import corridors

    have_fmm = True
    try:
        import skfmm  # noqa: F401
    except ImportError:
        have_fmm = False
    have_grass = shutil.which("grass") is not None
    rows = []
    for side in sides:
        grid, model, origins, destinations = scene(side, 100, 1000)
        cost = corridors.cost_surface(grid, model)
        ends = np.array([grid.cell_of(x, y) for x, y in destinations])
        methods = {
            "MCP_Geometric": (bare_search, (cost, grid, origins, destinations)),
            "sweeps (ours)": (sweep_search, (cost, grid, origins, destinations)),
        }
        if have_fmm:
            methods["scikit-fmm"] = (fmm_search, (cost, grid, origins, destinations))
        workdir = tempfile.mkdtemp(prefix="bench_corridors_")
        if have_grass:
            methods["GRASS r.cost + r.drain"] = (grass_search, (cost, grid, origins, destinations, workdir))
        runs = interleaved(methods, repeats=2 if side <= 2500 else 1)
        (_, reference), _ = runs["sweeps (ours)"]
        at_ends = reference[ends[:, 0], ends[:, 1]]
        for name, (result, seconds) in runs.items():
            fn, args = methods[name]
            if name in ("MCP_Geometric", "sweeps (ours)"):
                memory = traced_bytes(fn, *args)
            elif name == "scikit-fmm":
                with PeakRss() as rss:
                    fn(*args)
                memory = rss.mib * 2**20
            else:
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                fn(*args)
                memory = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
                if memory <= before * 1024:
                    memory = float("nan")  # an earlier, larger child hides this one's peak
            if name == "MCP_Geometric":
                differs = "the reference"
            elif name == "sweeps (ours)":
                mcp = corridors.LeastCostSearch(cost)
                values = mcp.run([grid.cell_of(x, y) for x, y in origins], [tuple(e) for e in ends])
                mcp_at = values[ends[:, 0], ends[:, 1]]
                differs = f"{np.max(np.abs(at_ends - mcp_at) / mcp_at):.1e}"
                del mcp, values
            else:
                values = result[ends[:, 0], ends[:, 1]]
                differs = f"{np.max(np.abs(values - at_ends) / at_ends):.1e}"
            rows.append(
                [
                    f"{side:,}²",
                    name,
                    f"{seconds:.2f}",
                    f"{memory / grid.cells:.1f}",
                    differs,
                    "yes" if name not in ("scikit-fmm",) else "no (gradient descent left to write)",
                ]
            )
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"engines at {side}²: " + ", ".join(f"{n} {s:.2f} s" for n, (_, s) in runs.items()), flush=True)
    return rows, have_fmm, have_grass


def scaling_rows(cell_counts):
    rows = []
    previous = None
    for cells in cell_counts:
        side = int(round(math.sqrt(cells)))
        grid, model, origins, destinations = scene(side, 100, 1000)
        model.slope = model.slope  # the scene's terrain is an input, allocated before the run
        with PeakRss() as rss, Measure(trace_python=False) as m:
            routes, _, _ = ours(grid, model, origins, destinations)
        growth = ""
        if previous is not None:
            growth = f"× {m.seconds / previous[1]:.1f} for × {grid.cells / previous[0]:.1f} cells"
        rows.append(
            [
                f"{grid.cells:,}",
                f"{m.seconds:.1f}",
                f"{rss.mib:.0f}",
                f"{rss.mib * 2**20 / grid.cells:.1f}",
                growth,
                f"{load():.1f}",
            ]
        )
        previous = (grid.cells, m.seconds)
        print(f"scaling: {grid.cells:,} cells in {m.seconds:.1f} s, {rss.mib:.0f} MiB", flush=True)
        del grid, model, routes
    return rows


def main():
    start_qgis(with_processing=False)
    from border_gaps.analysis import corridors

    if corridors.missing_dependencies():
        print(corridors.missing_dependencies())
        return 1
    print(f"load average at start: {os.getloadavg()} on {os.cpu_count()} cores", flush=True)
    sides = [int(s) for s in os.environ.get("BENCH_CORRIDORS_SIDES", "2500,5000").split(",") if s]
    engine_sides = [int(s) for s in os.environ.get("BENCH_CORRIDORS_ENGINE_SIDES", "1000,2500,5000").split(",") if s]
    scaling = [int(s) for s in os.environ.get("BENCH_CORRIDORS_SCALING", "1000000,10000000,100000000").split(",") if s]

    rows, met = ratio_rows(sides)
    erows, have_fmm, have_grass = engine_rows(engine_sides)
    srows = scaling_rows(scaling)

    print("\nThe whole algorithm against the bare search + traceback (100 origins, 1,000 destinations):")
    if rows:
        print_table(
            ["grid", "result", "max rel. cost diff.", "ours s", "bare s", "ratio", "bytes per cell", "load", "goal"],
            rows,
        )
    print(
        f"ours: cost raster, sweeps, every route traced and pulled taut, density and pinch points; bare: "
        f"MCP_Geometric from all origins + a traceback per destination on the given cost raster; best of "
        f"{REPEATS} interleaved runs each. Bytes per cell: tracemalloc's peak of our run / cells (the "
        "scene's terrain, an input, excluded). Cost diff.: each route's grid cost against MCP_Geometric's "
        "cumulative cost at its destination (goal: 1e-9)."
    )
    print("\nSearch engines side by side (the same cost raster, 100 origins, 1,000 destinations):")
    if erows:
        print_table(["grid", "engine", "seconds", "bytes per cell", "max rel. diff. at ends", "paths"], erows)
    if not have_fmm:
        print("scikit-fmm is not installed (pip install scikit-fmm): not measured")
    if not have_grass:
        print("GRASS is not installed (apt install grass-core): not measured")
    print(
        "MCP_Geometric and our sweeps: tracemalloc peaks; scikit-fmm: sampled resident size; GRASS: the "
        "child process's maximum resident size, import and export of the GeoTIFF included."
    )
    if srows:
        print("\nScaling of the whole algorithm (100 origins, 1,000 destinations):")
        print_table(["cells", "seconds", "peak MiB (RSS above start)", "bytes per cell", "growth", "load"], srows)
    print(f"\nload average at end: {os.getloadavg()}")
    print("corridors goals:", "met" if met else "NOT MET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
