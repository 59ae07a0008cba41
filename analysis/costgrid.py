"""The cost grid that crossing corridors and coordination share: the raster grid over the area,
the one cost model (what each cell costs to cross: slope, roads, coverage, gaps), and the one
least-cost search routine (scikit-image ``MCP_Geometric``, 8-connected), run from many sources
at once with every cell labelled by its cheapest source."""

import json
import math
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsGeometry, QgsPointXY, QgsRectangle

from .errors import BorderGapsError
from .memory import require as require_memory

try:  # optional on QGIS for Windows: the algorithms say what to install (STYLE.md)
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
# An 8-connected grid path is at most this much longer than the straight line it follows
# (a run at 22.5° between the axis and the diagonal: 1/cos(22.5°) - 1 = sqrt(4 - 2 sqrt 2) - 1).
OCTILE_EXCESS = math.sqrt(4 - 2 * math.sqrt(2)) - 1

ProgressFn = Callable[[float], None]
CancelFn = Callable[[], bool]
WarnFn = Callable[[str], None]
Cell = Tuple[int, int]


def missing_dependencies(tool: str = "This tool") -> Optional[str]:
    """A sentence saying what to install, or None when scikit-image and rasterio are present."""
    missing = [name for name, module in (("scikit-image", MCP_Geometric), ("rasterio", rasterio)) if module is None]
    if not missing:
        return None
    names = " and ".join(missing)
    return (
        f"{tool} needs the Python package(s) {names}, which this QGIS installation lacks. "
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

    def cell_of(self, x: float, y: float) -> Optional[Cell]:
        """(row, col) of the cell holding (x, y), or None outside the grid."""
        col = math.floor((x - self.left) / self.cell)
        row = math.floor((self.top - y) / self.cell)
        if 0 <= row < self.rows and 0 <= col < self.cols:
            return row, col
        return None

    def cells_of(self, xy: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(rows, cols) of the cells holding metric points (N x 2), clipped into the grid."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        cols = np.clip(np.floor((xy[:, 0] - self.left) / self.cell).astype(np.intp), 0, self.cols - 1)
        rows = np.clip(np.floor((self.top - xy[:, 1]) / self.cell).astype(np.intp), 0, self.rows - 1)
        return rows, cols

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
    smaller_area_hint: str = "origins and destinations closer together",
) -> Grid:
    """The grid over ``extent`` grown by ``margin`` (clipped to ``limit`` when given).

    Raises before anything is allocated when the grid would exceed ``max_cells``;
    ``smaller_area_hint`` ends that message with how this tool's area can be made smaller.
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
            f"{math.ceil(needed):,} m here), a smaller MARGIN or EXTENT, or {smaller_area_hint}; "
            "raise MAX_CELLS only if this computer has the memory."
        )
    # MAX_CELLS can be raised past what the computer has: refuse before numpy allocates (or the
    # system kills QGIS for taking it)
    require_memory(
        grid.cells * BYTES_PER_CELL,
        f"The cost grid of {grid.cols:,} × {grid.rows:,} cells of {grid.cell:g} m",
        f"Use a larger CELL_SIZE, a smaller MARGIN or EXTENT, or {smaller_area_hint}.",
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


def dem_slope(path: str, layer_name: str, grid: Grid, crs_wkt: str, warn: WarnFn = lambda text: None) -> np.ndarray:
    """The slope cost factor of the DEM file ``path`` on ``grid`` (see slope_factor).

    Raises a BorderGapsError naming the layer when rasterio cannot read it; warns (``warn``)
    how many cells it does not cover (they count as flat).
    """
    try:
        elevation = dem_on_grid(path, grid, crs_wkt)
    except Exception as err:  # rasterio's errors vary with the driver
        raise BorderGapsError(
            f"DEM '{layer_name}' could not be read with rasterio ({err}): give a "
            "GDAL-readable raster file (e.g. GeoTIFF)."
        ) from err
    no_data = int(np.isnan(elevation).sum())
    if no_data:
        warn(f"DEM '{layer_name}' does not cover {no_data:,} of {grid.cells:,} cells; they count as flat.")
    return slope_factor(elevation, grid.cell)


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


def build_cost_model(
    *,
    slope: Optional[np.ndarray] = None,
    roads: Sequence[QgsGeometry] = (),
    road_factor: float = 0.3,
    coverage: Sequence[QgsGeometry] = (),
    post_discs: Sequence[Tuple[float, float, float]] = (),
    coverage_impassable: bool = False,
    detection_factor: float = 5.0,
    gaps: Sequence[QgsGeometry] = (),
    gap_factor: float = 1.0,
) -> CostModel:
    """The cost model from plain inputs (metric geometries): ``post_discs`` are (x, y, reach)
    of posts, each covering the disc of its reach (16 segments per quarter) when reach > 0."""
    discs = [QgsGeometry.fromPointXY(QgsPointXY(x, y)).buffer(reach, 16) for x, y, reach in post_discs if reach > 0]
    return CostModel(
        slope=slope,
        roads=list(roads),
        road_factor=road_factor,
        coverage=list(coverage) + discs,
        coverage_impassable=coverage_impassable,
        detection_factor=detection_factor,
        gaps=list(gaps),
        gap_factor=gap_factor,
    )


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


# --- the search --------------------------------------------------------------------------------


if MCP_Geometric is not None:

    class _BoundedMCP(MCP_Geometric):
        """MCP_Geometric that stops once it pops a cell dearer than ``limit`` (scikit-image 0.19
        takes a ``max_cumulative_cost`` argument but does not use it). Called from Cython at every
        step, so only searches that need the bound use it."""

        limit = math.inf

        def goal_reached(self, index, cumcost):  # noqa: ARG002 (scikit-image's signature)
            return 2 if cumcost > self.limit else 0


class LeastCostSearch:
    """The one least-cost search routine: scikit-image's MCP_Geometric (8-connected) over a cost
    raster, set up once and run as often as needed.

    Costs are per cell length: a move between two neighbours costs its length (1 or √2 cells)
    times the mean of their costs, so ``cumulative`` is in cell lengths of open flat ground
    (× the cell size: equivalent metres). With ``bounded`` a run may be given a ``limit``.
    """

    def __init__(self, cost: np.ndarray, bounded: bool = False):
        self.cost = cost
        self.mcp = (_BoundedMCP if bounded else MCP_Geometric)(cost, fully_connected=True)
        self.cumulative = None
        self.traceback = None

    def run(
        self, starts: Sequence[Cell], ends: Optional[Sequence[Cell]] = None, limit: Optional[float] = None
    ) -> np.ndarray:
        """Cumulative cost from the cheapest of ``starts`` to every cell (``inf``: not reached).

        With ``ends`` the search stops once every end is reached; with ``limit`` (cell lengths,
        bounded searches only) once the cheapest cell left costs more. Either way, every cell up
        to the cost where it stopped holds its final cost (Dijkstra's order); cells beyond may
        stay ``inf`` or hold the cost of some longer path.
        """
        if limit is not None:
            self.mcp.limit = limit
        if ends:
            self.cumulative, self.traceback = self.mcp.find_costs(list(starts), list(ends), find_all_ends=True)
        else:
            self.cumulative, self.traceback = self.mcp.find_costs(list(starts))
        return self.cumulative

    def path(self, end: Cell) -> Tuple[np.ndarray, np.ndarray]:
        """Cells from the nearest start to ``end`` and the cumulative cost along them."""
        cells = np.asarray(self.mcp.traceback(end), dtype=np.intp).reshape(-1, 2)
        return cells, self.cumulative[cells[:, 0], cells[:, 1]]

    def nearest_start(self, starts: Sequence[Cell]) -> np.ndarray:
        """After ``run(starts)``: for every cell the index (into ``starts``) of the start its
        cheapest path comes from (int32, -1 where not reached).

        Each cell's predecessor is read from the traceback and the chains are followed by
        pointer doubling (every pass jumps twice as far: log2 of the longest path passes, about
        12 for a 2,500-cell path), vectorised over the whole grid.
        """
        rows, cols = self.cost.shape
        n = rows * cols
        dtype = np.int32 if n < 2**31 - 1 else np.int64
        offsets = np.asarray(self.mcp.offsets, dtype=np.int64)
        flat_offset = (offsets[:, 0] * cols + offsets[:, 1]).astype(dtype)
        back = np.asarray(self.traceback).ravel()
        pred = np.arange(n, dtype=dtype)
        moved = back >= 0
        # offsets[traceback] is the step from the predecessor to the cell
        pred[moved] -= flat_offset[back[moved]]
        del moved
        while True:
            jumped = pred[pred]
            if np.array_equal(jumped, pred):
                break
            pred = jumped
        del jumped
        start_of = np.full(n, -1, dtype=np.int32)
        for index in range(len(starts) - 1, -1, -1):  # the first of starts sharing a cell keeps it
            r, c = starts[index]
            start_of[r * cols + c] = index
        labels = start_of[pred]
        return labels.reshape(rows, cols)


def multi_source_search(cost: np.ndarray, sources: Sequence[Cell]) -> Tuple[np.ndarray, np.ndarray]:
    """One search from every source at once: (cumulative cost in cell lengths, index of the
    cheapest source of each cell, -1 where none reaches)."""
    search = LeastCostSearch(cost)
    cumulative = search.run(sources)
    labels = search.nearest_start(sources)
    return cumulative, labels


# --- costs of lines over the raster ---------------------------------------------------------------


def _segment_samples(starts: np.ndarray, deltas: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cells under segments given as fractional (row, col) starts and deltas, in one vectorised
    pass: rows, cols, the segment of each sample, and each segment's length in cells."""
    lengths = np.hypot(deltas[:, 0], deltas[:, 1])
    steps = np.maximum(1, np.ceil(lengths * SAMPLES_PER_CELL)).astype(np.intp)
    counts = steps + 1
    segment = np.repeat(np.arange(len(deltas)), counts)
    first = np.cumsum(counts) - counts
    t = (np.arange(int(counts.sum())) - first[segment]) / steps[segment]
    rows = np.rint(starts[segment, 0] + deltas[segment, 0] * t).astype(np.intp)
    cols = np.rint(starts[segment, 1] + deltas[segment, 1] * t).astype(np.intp)
    return rows, cols, segment, lengths


def _polyline_samples(pts: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cells under each segment of a polyline given as fractional (row, col) (see _segment_samples)."""
    return _segment_samples(pts[:-1], np.diff(pts, axis=0))


def _costs_of_samples(rows, cols, segment, lengths, cost: np.ndarray) -> np.ndarray:
    values = cost[np.clip(rows, 0, cost.shape[0] - 1), np.clip(cols, 0, cost.shape[1] - 1)]
    sums = np.bincount(segment, weights=values, minlength=len(lengths))
    counts = np.bincount(segment, minlength=len(lengths))
    with np.errstate(invalid="ignore"):
        result = lengths * sums / counts
    result[lengths == 0] = 0.0
    return result


def _segment_costs(pts: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Cost (cell units) of each segment of a polyline in fractional (row, col): its length times
    the mean cost of the cells under it; ``inf`` when it touches an impassable cell."""
    return _costs_of_samples(*_polyline_samples(pts), cost)


def _fractional_cells(grid: Grid, vertices: np.ndarray) -> np.ndarray:
    """(row, col) of metric vertices, fractional, cell centres at whole numbers."""
    return np.column_stack(
        ((grid.top - vertices[:, 1]) / grid.cell - 0.5, (vertices[:, 0] - grid.left) / grid.cell - 0.5)
    )


def line_cost(grid: Grid, cost: np.ndarray, vertices: np.ndarray) -> float:
    """Cost of a polyline (metric vertices) over the cost raster, in equivalent metres of open
    flat ground: each segment's length times the mean cost of the cells under it."""
    return float(_segment_costs(_fractional_cells(grid, vertices), cost).sum()) * grid.cell


def segment_costs(
    grid: Grid, cost: np.ndarray, starts: np.ndarray, ends: np.ndarray, chunk: int = 2_000_000
) -> np.ndarray:
    """Cost (equivalent metres) of each straight segment from ``starts`` to ``ends`` (metric,
    N x 2 each) over the cost raster, as line_cost measures it; in chunks of about ``chunk``
    samples so that many long segments stay in bounded memory."""
    starts = _fractional_cells(grid, np.asarray(starts, dtype=np.float64).reshape(-1, 2))
    deltas = _fractional_cells(grid, np.asarray(ends, dtype=np.float64).reshape(-1, 2)) - starts
    out = np.empty(len(deltas))
    samples = np.cumsum(np.ceil(np.hypot(deltas[:, 0], deltas[:, 1]) * SAMPLES_PER_CELL) + 1)
    first = 0
    while first < len(deltas):
        done = samples[first - 1] if first else 0.0
        last = max(first + 1, int(np.searchsorted(samples, done + chunk, side="right")))
        part = slice(first, last)
        out[part] = _costs_of_samples(*_segment_samples(starts[part], deltas[part]), cost) * grid.cell
        first = last
    return out


def straight_costs(grid: Grid, cost: np.ndarray, origin: Tuple[float, float], targets: np.ndarray) -> np.ndarray:
    """Cost (equivalent metres) of the straight segment from the metric point ``origin`` to each
    of ``targets`` (N x 2) over the cost raster (see segment_costs)."""
    targets = np.asarray(targets, dtype=np.float64).reshape(-1, 2)
    return segment_costs(grid, cost, np.broadcast_to(np.asarray(origin, dtype=np.float64), targets.shape), targets)


def line_cells(grid: Grid, vertices: np.ndarray) -> np.ndarray:
    """Flat indices of the distinct cells a polyline (metric vertices) passes through."""
    if len(vertices) < 2:
        return np.empty(0, dtype=np.intp)
    rows, cols, _, _ = _polyline_samples(_fractional_cells(grid, vertices))
    inside = (rows >= 0) & (rows < grid.rows) & (cols >= 0) & (cols < grid.cols)
    return np.unique(rows[inside] * grid.cols + cols[inside])


def cells_inside(grid: Grid, polygon: QgsGeometry) -> np.ndarray:
    """Flat indices of the cells whose centre lies in ``polygon``, rasterised in its bounding box
    only (so that many small polygons over a large grid cost little)."""
    box = polygon.boundingBox()
    c0 = max(0, int(math.floor((box.xMinimum() - grid.left) / grid.cell)))
    c1 = min(grid.cols, int(math.ceil((box.xMaximum() - grid.left) / grid.cell)) + 1)
    r0 = max(0, int(math.floor((grid.top - box.yMaximum()) / grid.cell)))
    r1 = min(grid.rows, int(math.ceil((grid.top - box.yMinimum()) / grid.cell)) + 1)
    if c1 <= c0 or r1 <= r0:
        return np.empty(0, dtype=np.intp)
    window = Grid(grid.left + c0 * grid.cell, grid.top - r0 * grid.cell, grid.cell, r1 - r0, c1 - c0)
    rows, cols = np.nonzero(burn(window, [polygon], all_touched=False))
    return (rows + r0) * grid.cols + (cols + c0)
