"""Least-cost crossing corridors, the whole workflow on plain inputs: which origins and
destinations take part (grid, impassable cells, the side of the border they vote for), the
routes from many origins at once over the shared cost grid (analysis/costgrid.py: one cost
model, one search routine), pulled taut, their density and pinch points."""

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsGeometry, QgsPointXY, QgsSpatialIndex

# The shared cost grid (one cost model, one search routine); the names corridors has always
# offered are re-exported (__all__ at the end).
from .costgrid import (
    BYTES_PER_CELL,
    DEFAULT_MAX_CELLS,
    MIN_CELLS_ACROSS,
    SAMPLES_PER_CELL,
    TOBLER_EXPONENT,
    CostModel,
    Grid,
    LeastCostSearch,
    MCP_Geometric,
    build_cost_model,
    burn,
    cost_surface,
    dem_on_grid,
    dem_slope,
    line_cells,
    line_cost,
    plan_grid,
    rasterio,
    slope_factor,
)
from .errors import BorderGapsError
from .geometry import MAX_DISTANCE_M

ProgressFn = Callable[[float], None]
CancelFn = Callable[[], bool]
WarnFn = Callable[[str], None]
# (label, feature id, x, y) of an origin or destination in the metric CRS
PointRecord = Tuple[str, int, float, float]


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
    search = LeastCostSearch(cost)
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


# --- the workflow: which points take part, the side vote, the routes ---------------------------


def post_reach(value, default_range: float, field: str, fid: int) -> float:
    """The reach (m) of one post from its ``field`` value: ``default_range`` when empty, an error
    naming the feature when the value is not a number or beyond MAX_DISTANCE_M."""
    if value is None or value == "" or str(value) == "NULL":
        return default_range
    try:
        reach = float(value)
    except (TypeError, ValueError):
        raise BorderGapsError(
            f"POSTS field '{field}' holds '{value}' for feature {fid}, which is not a range in metres."
        ) from None
    if not math.isfinite(reach) or reach > MAX_DISTANCE_M:
        raise BorderGapsError(
            f"POSTS field '{field}' holds {reach:g} m for feature {fid}, above the "
            f"{MAX_DISTANCE_M / 1000:g} km within which distances are computed true: correct it."
        )
    return reach


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


def origin_side(
    border: Optional[QgsGeometry], origins: Sequence[PointRecord], destinations: Sequence[PointRecord]
) -> int:
    """The side of ``border`` (-1/+1) taken as the origins' side, 0 when undecided or no border.

    Which side is Syrian is not known from a line alone: the points vote, origins for their
    side and destinations against theirs.
    """
    if border is None:
        return 0
    return majority_side(
        [border_side(border, x, y) for _, _, x, y in origins]
        + [-border_side(border, x, y) for _, _, x, y in destinations]
    )


def usable_points(
    points: Sequence[PointRecord],
    role: str,
    grid: Grid,
    cost: np.ndarray,
    warn: WarnFn,
    border: Optional[QgsGeometry] = None,
    countries: Optional[Sequence[Tuple[str, QgsGeometry]]] = None,
    expected_side: int = 0,
    wanted: str = "",
) -> List[PointRecord]:
    """The points (``role`` "origin" or "destination") that can take part, after a warning for
    each one that cannot: outside the grid, on an impassable cell, not in the ``wanted`` country
    of ``countries``, or (without countries) on the other side of ``border`` than
    ``expected_side``. Raises when none is left."""
    layer = "ORIGINS" if role == "origin" else "DESTINATIONS"
    other = "destination" if role == "origin" else "origin"
    wanted = (wanted or "").strip()
    kept = []
    for label, fid, x, y in points:
        cell = grid.cell_of(x, y)
        problem = None
        if cell is None:
            problem = "lies outside the cost grid (EXTENT); enlarge EXTENT or leave it empty"
        elif not np.isfinite(cost[cell]):
            problem = "lies in an impassable (covered) cell; move it out of the coverage or use COVERAGE_MODE 0"
        elif countries is not None and wanted:
            country = country_of(countries, x, y)
            if country is None or country.lower() != wanted.lower():
                problem = (
                    f"lies in {country or 'no country of COUNTRIES'}, not in {wanted}; check the "
                    f"point or {role.upper()}_COUNTRY"
                )
        elif countries is None and border is not None and expected_side:
            side = border_side(border, x, y)
            if side and side != expected_side:
                problem = (
                    f"lies on the {other} side of the border (the side most origins are on, and most "
                    "destinations are not, is taken as the origin side); check the point, or give COUNTRIES "
                    "to check by country"
                )
        if problem:
            warn(f"{layer}: {role} '{label}' (feature {fid}) {problem}. Skipped.")
        else:
            kept.append((label, fid, x, y))
    if not kept:
        raise BorderGapsError(
            f"No usable {role} is left in {layer}: every point was skipped (see the "
            "warnings above for each point and how to fix it)."
        )
    return kept


@dataclass
class CorridorResult:
    """What trace_corridors found: the cost raster, the points that took part, their routes
    (indices into those lists) and the destinations no origin reaches."""

    cost: np.ndarray
    origins: List[PointRecord]
    destinations: List[PointRecord]
    routes: List[Route]
    unreachable: List[int]


def trace_corridors(
    grid: Grid,
    model: CostModel,
    origins: Sequence[PointRecord],
    destinations: Sequence[PointRecord],
    k: int = 1,
    border: Optional[QgsGeometry] = None,
    countries: Optional[Sequence[Tuple[str, QgsGeometry]]] = None,
    origin_country: str = "",
    destination_country: str = "",
    info: WarnFn = lambda text: None,
    warn: WarnFn = lambda text: None,
    progress: ProgressFn = lambda fraction: None,
    is_canceled: CancelFn = lambda: False,
) -> CorridorResult:
    """The corridor workflow on plain inputs (metric CRS): the cost raster of ``model``, the
    points that can take part (usable_points, with the side vote when ``countries`` is None),
    and the ``k`` cheapest routes to each destination (least_cost_routes). ``progress`` goes
    from 0 (cost raster built) to 1."""
    cost = cost_surface(grid, model)
    info(f"Cost raster built: {int(np.isinf(cost).sum()):,} impassable cell(s).")
    progress(0.0)
    side = origin_side(border, origins, destinations) if countries is None else 0
    origins = usable_points(origins, "origin", grid, cost, warn, border, countries, side, origin_country)
    destinations = usable_points(
        destinations, "destination", grid, cost, warn, border, countries, -side, destination_country
    )
    info(
        f"{len(origins)} origin(s), {len(destinations)} destination(s), K = {k}: "
        f"{search_count(len(origins), len(destinations), k)} grid search(es)."
    )
    routes, unreachable = least_cost_routes(
        cost,
        grid,
        [(x, y) for _, _, x, y in origins],
        [(x, y) for _, _, x, y in destinations],
        k,
        progress=progress,
        is_canceled=is_canceled,
    )
    routes, degenerate = split_degenerate(routes, grid)
    for route in degenerate:
        warn(
            f"Destination '{destinations[route.destination][0]}' lies in the same {grid.cell:g} m cell as origin "
            f"'{origins[route.origin][0]}' (at the same place or nearer than a cell): no crossing lies between "
            "them, so that route is left out of ROUTES."
        )
    if not is_canceled():
        for j in unreachable:
            warn(
                f"Destination '{destinations[j][0]}' cannot be reached from any origin: "
                "impassable coverage closes every way to it."
            )
    return CorridorResult(cost, list(origins), list(destinations), routes, unreachable)


__all__ = [  # the shared cost grid, as corridors has always offered it
    "BYTES_PER_CELL",
    "DEFAULT_MAX_CELLS",
    "MIN_CELLS_ACROSS",
    "SAMPLES_PER_CELL",
    "TOBLER_EXPONENT",
    "CostModel",
    "Grid",
    "build_cost_model",
    "burn",
    "cost_surface",
    "dem_on_grid",
    "dem_slope",
    "line_cells",
    "line_cost",
    "plan_grid",
    "slope_factor",
]
