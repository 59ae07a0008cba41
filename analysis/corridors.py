"""Least-cost crossing corridors: a cost raster built from the inputs (numpy, rasterio) and
minimum-cost paths from many origins at once (scikit-image ``MCP_Geometric``)."""

import json
import math
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsGeometry, QgsPointXY, QgsRectangle, QgsSpatialIndex

from . import memory
from .errors import BorderGapsError

try:  # optional on QGIS for Windows: the algorithm says what to install (STYLE.md)
    from skimage.graph import MCP_Geometric
except ImportError:  # pragma: no cover - depends on the installation
    MCP_Geometric = None
try:
    import rasterio
    import rasterio.features
    import rasterio.transform
except ImportError:  # pragma: no cover - depends on the installation
    rasterio = None

# Working memory of one search, measured on a 5000 x 5000 grid (benchmarks/bench_corridors.py):
# the float64 cost raster plus scikit-image's flat costs, cumulative costs, traceback and heap.
BYTES_PER_CELL = 80
DEFAULT_MAX_CELLS = 50_000_000
MIN_CELLS_ACROSS = 3  # fewer cells than this across the grid leave a route no room (and no slope)
# Tobler's hiking function, made isotropic (MCP costs do not depend on direction): walking
# time per metre grows as exp(3.5 * |slope|) relative to flat ground.
TOBLER_EXPONENT = 3.5
# Lines are sampled at a third of a cell when their cost or cells are measured, so that a
# segment does not step over a cell it crosses except by clipping a corner.
SAMPLES_PER_CELL = 3

ProgressFn = Callable[[float], None]
CancelFn = Callable[[], bool]


def missing_dependencies() -> Optional[str]:
    """A sentence saying what to install, or None when scikit-image and rasterio are present."""
    missing = [name for name, module in (("scikit-image", MCP_Geometric), ("rasterio", rasterio)) if module is None]
    if not missing:
        return None
    names = " and ".join(missing)
    return (
        f"Crossing corridors needs the Python package(s) {names}, which this QGIS installation lacks. "
        f"Install them into QGIS's Python (Windows: OSGeo4W Shell, `python -m pip install {' '.join(missing)}`; "
        "Debian/Ubuntu: `apt install python3-skimage python3-rasterio`) and restart QGIS."
    )


@dataclass(frozen=True)
class Grid:
    """A north-up raster grid in the metric CRS: top-left corner, square cells, shape."""

    left: float
    top: float
    cell: float
    rows: int
    cols: int

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    @property
    def transform(self):
        return rasterio.transform.from_origin(self.left, self.top, self.cell, self.cell)

    @property
    def extent(self) -> QgsRectangle:
        return QgsRectangle(self.left, self.top - self.rows * self.cell, self.left + self.cols * self.cell, self.top)

    def cell_of(self, x: float, y: float) -> Optional[Tuple[int, int]]:
        """(row, col) of the cell holding (x, y), or None outside the grid."""
        col = math.floor((x - self.left) / self.cell)
        row = math.floor((self.top - y) / self.cell)
        if 0 <= row < self.rows and 0 <= col < self.cols:
            return row, col
        return None

    def xy_of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Metric coordinates (N x 2) of fractional (row, col) positions, cell centres at .5."""
        return np.column_stack(
            (self.left + (np.asarray(cols) + 0.5) * self.cell, self.top - (np.asarray(rows) + 0.5) * self.cell)
        )

    def describe(self) -> str:
        memory = self.cells * BYTES_PER_CELL
        memory_text = f"{memory / 2**30:.2f} GiB" if memory >= 2**30 else f"{memory / 2**20:.0f} MiB"
        return (
            f"{self.cols:,} × {self.rows:,} = {self.cells:,} cells of {self.cell:g} m "
            f"({self.cols * self.cell / 1000:.1f} × {self.rows * self.cell / 1000:.1f} km, "
            f"about {memory_text} of working memory)"
        )


def plan_grid(
    extent: QgsRectangle,
    cell_size: float,
    margin: float,
    max_cells: int = DEFAULT_MAX_CELLS,
    limit: Optional[QgsRectangle] = None,
) -> Grid:
    """The grid over ``extent`` grown by ``margin`` (clipped to ``limit`` when given).

    Raises before anything is allocated when the grid would exceed ``max_cells``.
    """
    if cell_size <= 0:
        raise BorderGapsError(f"CELL_SIZE must be positive (got {cell_size:g} m).")
    area = QgsRectangle(extent)
    area.grow(max(margin, 0.0))
    if limit is not None:
        area = area.intersect(limit)
        if area.isEmpty():
            raise BorderGapsError(
                "The EXTENT does not overlap the origins and destinations: choose an extent "
                "that contains them, or leave EXTENT empty."
            )
    cols = max(1, math.ceil(area.width() / cell_size))
    rows = max(1, math.ceil(area.height() / cell_size))
    grid = Grid(area.xMinimum(), area.yMaximum(), float(cell_size), rows, cols)
    if min(rows, cols) < MIN_CELLS_ACROSS:
        largest = min(area.width(), area.height()) / MIN_CELLS_ACROSS
        raise BorderGapsError(
            f"CELL_SIZE {cell_size:g} m gives a grid of only {cols} × {rows} cells over "
            f"{area.width() / 1000:.3g} × {area.height() / 1000:.3g} km: routes need room to bend. Use a cell size "
            f"of at most {largest:.4g} m here (or a larger MARGIN)."
        )
    if grid.cells > max_cells:
        needed = cell_size * math.sqrt(grid.cells / max_cells)
        raise BorderGapsError(
            f"The cost grid would be {grid.describe()}, above the limit of MAX_CELLS = {max_cells:,} cells "
            f"(about {max_cells * BYTES_PER_CELL / 2**30:.1f} GiB). Use a larger CELL_SIZE (at least "
            f"{math.ceil(needed):,} m here), a smaller MARGIN or EXTENT, or origins and destinations closer "
            "together; raise MAX_CELLS only if this computer has the memory."
        )
    # MAX_CELLS can be raised past what the computer has: refuse before numpy allocates (or the
    # system kills QGIS for taking it)
    memory.require(
        grid.cells * BYTES_PER_CELL,
        f"The cost grid of {grid.cols:,} × {grid.rows:,} cells of {grid.cell:g} m",
        "Use a larger CELL_SIZE, a smaller MARGIN or EXTENT, or origins and destinations closer together.",
    )
    return grid


def _geojson(geometries: Sequence[QgsGeometry]):
    for geom in geometries:
        if geom is not None and not geom.isEmpty():
            yield json.loads(geom.asJson())


def burn(grid: Grid, geometries: Sequence[QgsGeometry], all_touched: bool) -> np.ndarray:
    """Boolean mask of the cells covered by ``geometries`` (rasterio.features.rasterize)."""
    shapes = [(g, 1) for g in _geojson(geometries)]
    if not shapes:
        return np.zeros((grid.rows, grid.cols), dtype=bool)
    mask = rasterio.features.rasterize(
        shapes,
        out_shape=(grid.rows, grid.cols),
        transform=grid.transform,
        fill=0,
        all_touched=all_touched,
        dtype="uint8",
    )
    return mask.astype(bool)


def slope_factor(dem: np.ndarray, cell: float) -> np.ndarray:
    """Cost multiplier from terrain: exp(3.5 |slope|) (isotropic Tobler); NaN (no data) counts as flat."""
    dz_dy, dz_dx = np.gradient(dem.astype(np.float64), cell)
    factor = np.exp(TOBLER_EXPONENT * np.hypot(dz_dx, dz_dy))
    factor[~np.isfinite(factor)] = 1.0
    return factor


def dem_on_grid(path: str, grid: Grid, crs_wkt: str) -> np.ndarray:
    """The DEM at ``path`` resampled (bilinear) onto ``grid``; NaN where it has no data."""
    from rasterio.crs import CRS
    from rasterio.warp import Resampling, reproject

    out = np.full((grid.rows, grid.cols), np.nan, dtype=np.float32)
    with rasterio.open(path) as src:
        reproject(
            source=rasterio.band(src, 1),
            destination=out,
            dst_transform=grid.transform,
            dst_crs=CRS.from_wkt(crs_wkt),
            dst_nodata=np.nan,
            resampling=Resampling.bilinear,
        )
    return out


@dataclass
class CostModel:
    """What raises or lowers the cost of crossing a cell (1 = open flat ground)."""

    slope: Optional[np.ndarray] = None  # multiplier per cell (see slope_factor)
    roads: Sequence[QgsGeometry] = ()
    road_factor: float = 0.3
    coverage: Sequence[QgsGeometry] = ()
    coverage_impassable: bool = False
    detection_factor: float = 5.0
    gaps: Sequence[QgsGeometry] = ()
    gap_factor: float = 1.0


def cost_surface(grid: Grid, model: CostModel) -> np.ndarray:
    """The cost raster (float64, ``inf`` = impassable) of ``grid`` under ``model``.

    Roads are burnt with all touched cells so that a road stays connected; coverage made
    impassable too, so that a route cannot slip along a covered edge; coverage as a
    multiplier and gaps by cell centre.
    """
    cost = np.ones((grid.rows, grid.cols), dtype=np.float64)
    if model.slope is not None:
        cost *= model.slope
    if model.gaps and model.gap_factor != 1.0:
        cost[burn(grid, model.gaps, all_touched=False)] *= model.gap_factor
    if model.roads:
        cost[burn(grid, model.roads, all_touched=True)] *= model.road_factor
    if model.coverage:
        if model.coverage_impassable:
            cost[burn(grid, model.coverage, all_touched=True)] = np.inf
        else:
            cost[burn(grid, model.coverage, all_touched=False)] *= model.detection_factor
    return cost


@dataclass
class Route:
    """One least-cost route: indices into the origin and destination lists, its cost in
    equivalent metres of open flat ground, its rank among the destination's routes, and
    its vertices (N x 2, metric CRS) from the origin to the destination."""

    origin: int
    destination: int
    cost: float
    rank: int = 0
    vertices: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    grid_cost: float = 0.0  # cost of the grid path the search found, before it was pulled taut

    def geometry(self) -> QgsGeometry:
        return QgsGeometry.fromPolylineXY([QgsPointXY(float(x), float(y)) for x, y in self.vertices])


def split_degenerate(routes: Sequence[Route], grid: Grid) -> Tuple[List[Route], List[Route]]:
    """(kept, degenerate): a route is degenerate when its origin and destination fall in one cell of
    ``grid`` (the same place, or nearer than a cell). No crossing lies between them, and the line
    would be two coincident points (invalid for GEOS, cost 0) or a stub inside one cell: such routes
    are left out of the output and reported. The kept routes of each destination are ranked again
    from 1, in their order."""
    kept: List[Route] = []
    degenerate: List[Route] = []
    for route in routes:
        start, end = route.vertices[0], route.vertices[-1]
        same_cell = grid.cell_of(float(start[0]), float(start[1])) == grid.cell_of(float(end[0]), float(end[1]))
        line = route.geometry()
        if same_cell or line.length() <= 0 or not line.isGeosValid():
            degenerate.append(route)
        else:
            kept.append(route)
    if degenerate:
        rank: Dict[int, int] = {}
        for route in kept:
            rank[route.destination] = rank.get(route.destination, 0) + 1
            route.rank = rank[route.destination]
    return kept, degenerate


def _polyline_samples(pts: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cells under each segment of a polyline given as fractional (row, col), in one vectorised
    pass: rows, cols, the segment of each sample, and each segment's length in cells."""
    d = np.diff(pts, axis=0)
    lengths = np.hypot(d[:, 0], d[:, 1])
    steps = np.maximum(1, np.ceil(lengths * SAMPLES_PER_CELL)).astype(np.intp)
    counts = steps + 1
    segment = np.repeat(np.arange(len(d)), counts)
    first = np.cumsum(counts) - counts
    t = (np.arange(int(counts.sum())) - first[segment]) / steps[segment]
    rows = np.rint(pts[segment, 0] + d[segment, 0] * t).astype(np.intp)
    cols = np.rint(pts[segment, 1] + d[segment, 1] * t).astype(np.intp)
    return rows, cols, segment, lengths


def _segment_costs(pts: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Cost (cell units) of each segment of a polyline in fractional (row, col): its length times
    the mean cost of the cells under it; ``inf`` when it touches an impassable cell."""
    rows, cols, segment, lengths = _polyline_samples(pts)
    values = cost[np.clip(rows, 0, cost.shape[0] - 1), np.clip(cols, 0, cost.shape[1] - 1)]
    sums = np.bincount(segment, weights=values, minlength=len(lengths))
    counts = np.bincount(segment, minlength=len(lengths))
    with np.errstate(invalid="ignore"):
        result = lengths * sums / counts
    result[lengths == 0] = 0.0
    return result


def _simplified_indices(pts: np.ndarray, tolerance: float) -> List[int]:
    """Indices of the vertices Douglas–Peucker (GEOS) keeps of a grid path: candidate corners."""
    line = QgsGeometry.fromPolylineXY([QgsPointXY(c, r) for r, c in pts])
    index = {(float(c), float(r)): n for n, (r, c) in enumerate(pts)}
    simple = line.simplify(tolerance)  # held: iterating the vertices of a temporary crashes PyQGIS
    return sorted({index[(v.x(), v.y())] for v in simple.vertices()} | {0, len(pts) - 1})


def straighten(path: np.ndarray, path_cost: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Pull the grid path ``path`` (N x 2 cells) taut: replace runs of it by straight segments
    wherever the straight segment costs no more than the run it replaces.

    An 8-connected grid path on open ground is a staircase up to 8 % longer than the
    straight line; this keeps the least-cost route's cost and gives its true length.
    ``path_cost`` is the cumulative cost (cell units) along the path. The corners tried
    first are those Douglas–Peucker keeps (few calls on long paths); where a simplified
    segment would cost more, the cells between its ends are pulled taut one by one.
    """
    n = len(path)
    if n <= 2:
        return path.astype(np.float64)
    pts = path.astype(np.float64)
    cells = path.tolist()
    along = [float(v) for v in path_cost]
    cost_at = cost.item

    def fits(i: int, j: int) -> bool:
        # called hundreds of times per route: plain Python beats numpy's per-call overhead on short
        # segments, numpy wins on long ones; the same samples as _polyline_samples
        (r0, c0), (r1, c1) = cells[i], cells[j]
        dr, dc = r1 - r0, c1 - c0
        length = math.hypot(dr, dc)
        steps = max(1, math.ceil(length * SAMPLES_PER_CELL))
        budget = abs(along[j] - along[i]) * (1 + 1e-9) + 1e-9
        limit = budget * (steps + 1) / length  # the sum of the samples may not exceed this
        if steps > 16:
            t = np.arange(steps + 1) / steps
            return bool(cost[np.rint(r0 + dr * t).astype(np.intp), np.rint(c0 + dc * t).astype(np.intp)].sum() <= limit)
        total = 0.0
        for k in range(steps + 1):
            t = k / steps
            total += cost_at(round(r0 + dr * t), round(c0 + dc * t))
            if total > limit:  # costs are positive: no need to look further
                return False
        return True

    def pull(indices: List[int], forced: bool) -> List[int]:
        keep = [indices[0]]
        a, m = 0, len(indices)
        while a < m - 1:
            if not forced and not fits(indices[a], indices[a + 1]):
                keep.extend(pull(list(range(indices[a], indices[a + 1] + 1)), True)[1:])
                a += 1
                continue
            good, step, bad = a + 1, 1, None
            while good < m - 1:  # gallop forward, then bisect between the last fit and the first misfit
                b = min(a + 2 * step, m - 1)
                if fits(indices[a], indices[b]):
                    good, step = b, step * 2
                else:
                    bad = b
                    break
            while bad is not None and bad - good > 1:
                mid = (good + bad) // 2
                if fits(indices[a], indices[mid]):
                    good = mid
                else:
                    bad = mid
            keep.append(indices[good])
            a = good
        return keep

    return pts[pull(_simplified_indices(pts, 0.75), False)]


class _Search:
    """One scikit-image MCP_Geometric over the cost raster, reused for every search."""

    def __init__(self, cost: np.ndarray):
        self.cost = cost
        self.mcp = MCP_Geometric(cost, fully_connected=True)
        self.cumulative = None

    def run(self, starts: List[Tuple[int, int]], ends: List[Tuple[int, int]]) -> np.ndarray:
        # ends + find_all_ends: the search stops once every end is reached
        self.cumulative, _ = self.mcp.find_costs(starts, ends, find_all_ends=True)
        return self.cumulative

    def path(self, end: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray]:
        """Cells from the nearest start to ``end`` and the cumulative cost along them."""
        cells = np.asarray(self.mcp.traceback(end), dtype=np.intp).reshape(-1, 2)
        return cells, self.cumulative[cells[:, 0], cells[:, 1]]


def _bit_groups(n_origins: int) -> List[List[int]]:
    """For K = 2: the origins whose index has bit b equal to v, for every bit b and value v.
    Any two origins differ in some bit, so for every pair some group holds one and not the other."""
    bits = max(1, math.ceil(math.log2(max(n_origins, 2))))
    groups = [[i for i in range(n_origins) if (i >> b) & 1 == v] for b in range(bits) for v in (0, 1)]
    return [g for g in groups if g]


def search_count(n_origins: int, n_destinations: int, k: int) -> int:
    """How many grid searches ``least_cost_routes`` runs (see its docstring)."""
    if k == 1:
        return 1
    per_point = min(n_origins, n_destinations)
    if k == 2:
        return min(per_point, len(_bit_groups(n_origins)))
    return per_point


def least_cost_routes(
    cost: np.ndarray,
    grid: Grid,
    origins: Sequence[Tuple[float, float]],
    destinations: Sequence[Tuple[float, float]],
    k: int = 1,
    progress: ProgressFn = lambda fraction: None,
    is_canceled: CancelFn = lambda: False,
) -> Tuple[List[Route], List[int]]:
    """The ``k`` cheapest routes to each destination, each from a different origin.

    Origins and destinations are metric (x, y) inside ``grid`` on passable cells (the
    caller checks). Returns the routes (ordered by destination, then rank) and the
    indices of destinations no origin can reach.

    - ``k == 1``: one search from all origins at once (``find_costs`` with every origin as
      a start) gives every cell's cheapest origin; tracing back from each destination
      gives its route. One search whatever the number of origins.
    - ``k == 2``: origins are split by each bit of their index (2 ⌈log2 n⌉ groups, 14 for
      100 origins) and one search runs from each group at once. The second-cheapest origin o2
      differs from the cheapest o1 in some bit, so the group of o2's value of that bit holds
      o2 and not o1, and its cheapest origin costs what o2 costs: exact.
    - ``k > 2``: the k-th cheapest origin cannot be read from searches that start at many
      origins at once, so one single-source search runs per point of the smaller side:
      per origin (its costs to every destination are kept when they enter that
      destination's top k, path traced then) or, when destinations are fewer, per
      destination (MCP_Geometric's cost is symmetric, so the reversed path is the route).
    """
    search = _Search(cost)
    origin_cells = [grid.cell_of(x, y) for x, y in origins]
    destination_cells = [grid.cell_of(x, y) for x, y in destinations]
    best: Dict[int, List[Tuple[float, int, np.ndarray, np.ndarray]]] = {j: [] for j in range(len(destinations))}

    def offer(j: int, origin: int, cost_value: float, trace: Callable[[], Tuple[np.ndarray, np.ndarray]]):
        # keep the k cheapest (cost, origin) per destination, distinct origins; ties go to the lower index
        entries = best[j]
        key = (cost_value, origin)
        if len(entries) == k and key >= (entries[-1][0], entries[-1][1]):
            return
        if any(e[1] == origin for e in entries):
            return
        cells, along = trace()
        entries.append((cost_value, origin, cells, along))
        entries.sort(key=lambda e: (e[0], e[1]))
        del entries[k:]

    def search_from_group(group: List[int], share: float, start: float):
        """One search from every origin of ``group`` at once; each destination is offered the
        cheapest of them, found by tracing its path back to the origin's cell."""
        cell_origin: Dict[Tuple[int, int], int] = {}
        for i in group:
            cell_origin.setdefault(origin_cells[i], i)
        cumulative = search.run(list(cell_origin), destination_cells)
        for j, end in enumerate(destination_cells):
            if is_canceled():
                break
            value = float(cumulative[end])
            entries = best[j]
            if not np.isfinite(value) or (len(entries) == k and value > entries[-1][0]):
                continue  # no better than what this destination has: no need to trace
            cells, along = search.path(end)
            offer(j, cell_origin[tuple(int(v) for v in cells[0])], value, lambda c=cells, a=along: (c, a))
            if j % 64 == 0:
                progress(start + share * j / len(destination_cells))
        progress(start + share)

    groups = _bit_groups(len(origins)) if k == 2 else []
    if k == 1:
        search_from_group(list(range(len(origins))), 0.5, 0.0)
    elif k == 2 and len(groups) < min(len(origins), len(destinations)):
        # the cheapest origin other than o1 is the cheapest of a group that holds it but not o1
        for n, group in enumerate(groups):
            if is_canceled():
                break
            search_from_group(group, 0.8 / len(groups), 0.8 * n / len(groups))
    elif len(origins) <= len(destinations):
        for i, start in enumerate(origin_cells):
            if is_canceled():
                break
            cumulative = search.run([start], destination_cells)
            for j, end in enumerate(destination_cells):
                value = float(cumulative[end])
                if np.isfinite(value):
                    offer(j, i, value, lambda e=end: search.path(e))
            progress(0.8 * (i + 1) / len(origins))
    else:
        for j, start in enumerate(destination_cells):
            if is_canceled():
                break
            cumulative = search.run([start], origin_cells)
            for i, end in enumerate(origin_cells):
                value = float(cumulative[end])
                if np.isfinite(value):

                    def trace(e=end):
                        cells, along = search.path(e)
                        return cells[::-1], along[::-1]

                    offer(j, i, value, trace)
            progress(0.8 * (j + 1) / len(destinations))

    routes: List[Route] = []
    unreachable: List[int] = []
    done = 0.5 if k == 1 else 0.8  # the rest is pulling the routes taut
    for j in range(len(destinations)):
        if is_canceled():
            break
        progress(done + (1 - done) * j / len(destinations))
        if not best[j]:
            unreachable.append(j)
        chosen = []
        for value, i, cells, along in best[j]:
            taut = straighten(cells, along, cost)
            xy = grid.xy_of(taut[:, 0], taut[:, 1])
            # the route starts and ends at the points themselves, not at their cells' centres
            xy = (
                np.vstack((origins[i], xy[1:-1], destinations[j]))
                if len(xy) >= 2
                else np.array([origins[i], destinations[j]], dtype=np.float64)
            )
            chosen.append(Route(i, j, line_cost(grid, cost, xy), 0, xy, value * grid.cell))
        # the grid search chose the routes; they are ranked by the cost of the line as drawn
        chosen.sort(key=lambda r: (r.cost, r.origin))
        for rank, route in enumerate(chosen, start=1):
            route.rank = rank
        routes.extend(chosen)
    return routes, unreachable


def line_cost(grid: Grid, cost: np.ndarray, vertices: np.ndarray) -> float:
    """Cost of a polyline (metric vertices) over the cost raster, in equivalent metres of open
    flat ground: each segment's length times the mean cost of the cells under it."""
    return float(_segment_costs(_fractional_cells(grid, vertices), cost).sum()) * grid.cell


def _fractional_cells(grid: Grid, vertices: np.ndarray) -> np.ndarray:
    """(row, col) of metric vertices, fractional, cell centres at whole numbers."""
    return np.column_stack(
        ((grid.top - vertices[:, 1]) / grid.cell - 0.5, (vertices[:, 0] - grid.left) / grid.cell - 0.5)
    )


def line_cells(grid: Grid, vertices: np.ndarray) -> np.ndarray:
    """Flat indices of the distinct cells a polyline (metric vertices) passes through."""
    if len(vertices) < 2:
        return np.empty(0, dtype=np.intp)
    rows, cols, _, _ = _polyline_samples(_fractional_cells(grid, vertices))
    inside = (rows >= 0) & (rows < grid.rows) & (cols >= 0) & (cols < grid.cols)
    return np.unique(rows[inside] * grid.cols + cols[inside])


def route_density(grid: Grid, routes: Sequence[Route], is_canceled: CancelFn = lambda: False) -> np.ndarray:
    """How many routes pass through each cell (uint32, the grid's shape)."""
    counts = np.zeros(grid.cells, dtype=np.uint32)
    batch: List[np.ndarray] = []
    for n, route in enumerate(routes, start=1):
        batch.append(line_cells(grid, route.vertices))
        if len(batch) == 256 or n == len(routes):
            counts += np.bincount(np.concatenate(batch), minlength=grid.cells).astype(np.uint32)
            batch = []
            if is_canceled():
                break
    return counts.reshape(grid.rows, grid.cols)


def pinch_points(
    grid: Grid,
    density: np.ndarray,
    count: int,
    spacing: float,
    exclude: Sequence[Tuple[float, float]] = (),
) -> List[Tuple[float, float, int]]:
    """Up to ``count`` cells with the most routes through them, as (x, y, routes), most first.

    Chosen greedily: no two closer than ``spacing`` metres, and none within ``spacing`` of a
    point in ``exclude`` (the origins and destinations, where routes trivially gather).
    Ties go to the northernmost, then westernmost cell, so the result is deterministic.
    """
    from scipy.spatial import cKDTree

    flat = density.ravel()
    candidates = np.flatnonzero(flat)
    if candidates.size == 0 or count <= 0:
        return []
    candidates = candidates[np.argsort(-flat[candidates].astype(np.int64), kind="stable")]
    xy = grid.xy_of(candidates // grid.cols, candidates % grid.cols)
    if len(exclude):
        distance, _ = cKDTree(np.asarray(exclude, dtype=np.float64)).query(xy, distance_upper_bound=spacing)
        keep = ~np.isfinite(distance) | (distance >= spacing)
        candidates, xy = candidates[keep], xy[keep]
    chosen: List[Tuple[float, float, int]] = []
    chosen_xy = np.empty((0, 2))
    for index, (x, y) in zip(candidates, xy):
        if len(chosen_xy) and np.min(np.hypot(chosen_xy[:, 0] - x, chosen_xy[:, 1] - y)) < spacing:
            continue
        chosen.append((float(x), float(y), int(flat[index])))
        chosen_xy = np.vstack((chosen_xy, (x, y)))
        if len(chosen) == count:
            break
    return chosen


class LengthInside:
    """Length of lines inside a set of polygons, computed exactly with GEOS (the union's
    parts found through a spatial index)."""

    def __init__(self, polygons: Sequence[QgsGeometry]):
        polygons = [g for g in polygons if g is not None and not g.isEmpty()]
        self.parts: List[QgsGeometry] = []
        if polygons:
            union = QgsGeometry.unaryUnion(polygons)
            self.parts = [QgsGeometry(p.clone()) for p in union.constParts()] if union.isMultipart() else [union]
        self.index = QgsSpatialIndex()
        for n, part in enumerate(self.parts):
            self.index.addFeature(n, part.boundingBox())
        self.engines = {}

    def length(self, line: QgsGeometry) -> float:
        total = 0.0
        for n in self.index.intersects(line.boundingBox()):
            if n not in self.engines:
                engine = QgsGeometry.createGeometryEngine(self.parts[n].constGet())
                engine.prepareGeometry()
                self.engines[n] = engine
            if self.engines[n].intersects(line.constGet()):
                total += line.intersection(self.parts[n]).length()
        return total


def first_crossing(line: QgsGeometry, border: Optional[QgsGeometry]) -> Optional[QgsPointXY]:
    """Where ``line`` first meets ``border``, counted from its start; None if it does not."""
    if border is None or border.isEmpty() or not line.intersects(border):
        return None
    meet = line.intersection(border)
    points = [QgsPointXY(v) for v in meet.vertices()]
    if not points:
        return None
    return min(points, key=lambda p: line.lineLocatePoint(QgsGeometry.fromPointXY(p)))


def border_side(border: QgsGeometry, x: float, y: float) -> int:
    """-1 or +1: the side of the border line a point lies on (0 if undetermined)."""
    *_, left_of = border.closestSegmentWithContext(QgsPointXY(x, y))
    return int(np.sign(left_of))


def country_of(polygons: Sequence[Tuple[str, QgsGeometry]], x: float, y: float) -> Optional[str]:
    """The name (``polygons``' label) of the country holding (x, y), or None if none does."""
    point = QgsGeometry.fromPointXY(QgsPointXY(x, y))
    for name, polygon in polygons:
        if polygon.boundingBox().contains(point.boundingBox()) and polygon.contains(point):
            return name
    return None


def majority_side(sides: Sequence[int]) -> int:
    """The side (-1/+1) most of ``sides`` are on; 0 when undecided."""
    total = int(np.sign(sum(sides)))
    return total


def write_density(path: str, grid: Grid, density: np.ndarray, crs: str) -> None:
    """Write the density raster as a compressed GeoTIFF in the grid's (metric) CRS."""
    from rasterio.crs import CRS

    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=grid.cols,
        height=grid.rows,
        count=1,
        dtype="uint32",
        crs=CRS.from_user_input(crs),
        transform=grid.transform,
        compress="deflate",
        tiled=grid.cols >= 256 and grid.rows >= 256,
    ) as dst:
        dst.write(density.astype(np.uint32), 1)
        dst.set_band_description(1, "routes through the cell")
