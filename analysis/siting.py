"""Choosing new post/drone sites: the target area as weighted grid cells, each candidate's
covered cells, and lazy greedy maximum coverage (within 1 − 1/e of the optimum).

The target area (gaps) is rasterised to square cells; a cell belongs to the target when its
centre lies inside a gap, weighs its area times its gap's weight factor, and is covered by
a candidate when its centre is within range (or, with a DEM, visible from the candidate).
Cell-based coverage makes every marginal gain an exact sum, which the greedy guarantee needs.
"""

import math
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp
from qgis.core import QgsGeometry, QgsWkbTypes

MAX_TARGET_CELLS = 2_000_000
CELLS_PER_RANGE = 12  # automatic cell size: range / 12, so a disc holds about 450 cells


@dataclass
class TargetGrid:
    """Target cells: centres (x, y), area weight (m²) and objective weight, and the gap of each."""

    x0: float  # west edge of the grid
    y0: float  # north edge of the grid
    cell: float
    nrows: int
    ncols: int
    cell_id: np.ndarray  # (nrows, ncols) int64: index of the target cell, or -1
    xs: np.ndarray
    ys: np.ndarray
    gap: np.ndarray  # index of the gap polygon each cell lies in
    weights: np.ndarray  # objective weight of each cell

    @property
    def size(self) -> int:
        return int(self.xs.size)

    @property
    def cell_area_m2(self) -> float:
        return self.cell * self.cell


def ring_edges(geom: QgsGeometry) -> np.ndarray:
    """All ring edges (x1, y1, x2, y2) of a (multi)polygon, as an (n, 4) array."""
    edges = []
    polygons = geom.asMultiPolygon() if geom.isMultipart() else [geom.asPolygon()]
    for polygon in polygons:
        for ring in polygon:
            pts = np.array([(p.x(), p.y()) for p in ring], dtype=float)
            if len(pts) >= 2:
                edges.append(np.hstack([pts[:-1], pts[1:]]))
    return np.vstack(edges) if edges else np.zeros((0, 4))


def polygon_cells(geom: QgsGeometry, x0: float, y0: float, cell: float, nrows: int, ncols: int) -> np.ndarray:
    """Boolean (nrows, ncols) grid: True where the cell centre lies inside ``geom``.

    Scanline even-odd fill, vectorised: every edge is cut with the rows of cell centres
    it spans, and each crossing toggles the parity of the cells east of it; holes and
    multipolygons follow from the even-odd rule.
    """
    edges = ring_edges(geom)
    inside = np.zeros((nrows, ncols + 1), dtype=np.int32)
    if len(edges) == 0:
        return inside[:, :ncols].astype(bool)
    x1, y1, x2, y2 = edges.T
    # row j has its centre at y0 - (j + 0.5)·cell; an edge crosses it when the centre
    # lies in [min(y1, y2), max(y1, y2)) (half-open, so a vertex is counted once)
    lo = np.minimum(y1, y2)
    hi = np.maximum(y1, y2)
    first = np.floor((y0 - hi) / cell - 0.5).astype(np.int64) + 1  # rows with centre < hi
    last = np.floor((y0 - lo) / cell - 0.5).astype(np.int64)  # rows with centre >= lo
    first = np.clip(first, 0, nrows)
    last = np.clip(last, -1, nrows - 1)
    counts = np.where((hi > lo) & (last >= first), last - first + 1, 0)
    if counts.sum() == 0:
        return inside[:, :ncols].astype(bool)
    edge_idx = np.repeat(np.arange(len(edges)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    rows = first[edge_idx] + offsets
    yc = y0 - (rows + 0.5) * cell
    t = (yc - y1[edge_idx]) / (y2[edge_idx] - y1[edge_idx])
    xc = x1[edge_idx] + t * (x2[edge_idx] - x1[edge_idx])
    # the crossing toggles every cell whose centre lies east of it
    cols = np.clip(np.floor((xc - x0) / cell - 0.5).astype(np.int64) + 1, 0, ncols)
    np.add.at(inside, (rows, cols), 1)
    return (np.cumsum(inside, axis=1)[:, :ncols] % 2).astype(bool)


def auto_cell_size(total_area_m2: float, range_m: float) -> float:
    """Cells of range/12, coarsened if the target would exceed MAX_TARGET_CELLS."""
    return max(range_m / CELLS_PER_RANGE, math.sqrt(max(total_area_m2, 1.0) / MAX_TARGET_CELLS))


def rasterise_target(
    gaps: Sequence[QgsGeometry],
    cell: float,
    gap_factors: Optional[Sequence[float]] = None,
    is_canceled: Callable[[], bool] = lambda: False,
) -> TargetGrid:
    """The target cells of the gap polygons (metric CRS), with weight = cell area (km²)
    × the gap's factor (1 when ``gap_factors`` is None)."""
    boxes = [g.boundingBox() for g in gaps]
    xmin = min(b.xMinimum() for b in boxes)
    ymax = max(b.yMaximum() for b in boxes)
    ncols = int(math.ceil((max(b.xMaximum() for b in boxes) - xmin) / cell)) + 1
    nrows = int(math.ceil((ymax - min(b.yMinimum() for b in boxes)) / cell)) + 1
    label = np.full((nrows, ncols), -1, dtype=np.int64)
    for i, (geom, box) in enumerate(zip(gaps, boxes)):
        if is_canceled():
            break
        c0 = int(math.floor((box.xMinimum() - xmin) / cell))
        r0 = int(math.floor((ymax - box.yMaximum()) / cell))
        c1 = min(int(math.ceil((box.xMaximum() - xmin) / cell)) + 1, ncols)
        r1 = min(int(math.ceil((ymax - box.yMinimum()) / cell)) + 1, nrows)
        sub = polygon_cells(geom, xmin + c0 * cell, ymax - r0 * cell, cell, r1 - r0, c1 - c0)
        view = label[r0:r1, c0:c1]
        view[sub & (view < 0)] = i  # gaps do not overlap; if they do, a cell counts once
    rows, cols = np.nonzero(label >= 0)
    cell_id = np.full((nrows, ncols), -1, dtype=np.int64)
    cell_id[rows, cols] = np.arange(rows.size)
    gap = label[rows, cols]
    factors = np.ones(len(gaps)) if gap_factors is None else np.asarray(gap_factors, dtype=float)
    weights = (cell * cell / 1e6) * factors[gap]
    xs = xmin + (cols + 0.5) * cell
    ys = ymax - (rows + 0.5) * cell
    return TargetGrid(xmin, ymax, cell, nrows, ncols, cell_id, xs, ys, gap, weights)


def disc_sets(
    grid: TargetGrid,
    cx: np.ndarray,
    cy: np.ndarray,
    range_m: float,
    is_canceled: Callable[[], bool] = lambda: False,
    chunk: int = 2000,
) -> sp.csr_matrix:
    """Sparse (candidates × target cells) matrix: cell centres within ``range_m`` of each candidate.

    A stencil of grid offsets around the candidate's cell, filtered by exact distance,
    in chunks of candidates so memory stays bounded."""
    cx = np.asarray(cx, dtype=float)
    cy = np.asarray(cy, dtype=float)
    reach = int(math.ceil(range_m / grid.cell)) + 1
    dr, dc = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    keep = np.hypot(np.abs(dr) - 1, np.abs(dc) - 1).clip(0) * grid.cell <= range_m  # may reach range
    dr, dc = dr[keep], dc[keep]
    # about a million candidate-cell tests per chunk: some 60 MB of temporaries at most
    chunk = max(1, min(chunk, 1_000_000 // max(dr.size, 1)))
    indptr = [0]
    indices = []
    for start in range(0, cx.size, chunk):
        if is_canceled():
            break
        x = cx[start : start + chunk, None]
        y = cy[start : start + chunk, None]
        crow = np.floor((grid.y0 - y) / grid.cell).astype(np.int64)
        ccol = np.floor((x - grid.x0) / grid.cell).astype(np.int64)
        rows = crow + dr[None, :]
        cols = ccol + dc[None, :]
        ok = (rows >= 0) & (rows < grid.nrows) & (cols >= 0) & (cols < grid.ncols)
        ids = np.where(ok, grid.cell_id[rows.clip(0, grid.nrows - 1), cols.clip(0, grid.ncols - 1)], -1)
        xc = grid.x0 + (cols + 0.5) * grid.cell
        yc = grid.y0 - (rows + 0.5) * grid.cell
        ok = (ids >= 0) & ((xc - x) ** 2 + (yc - y) ** 2 <= range_m * range_m)
        per = ok.sum(axis=1)
        indices.append(ids[ok])
        indptr.extend((indptr[-1] + np.cumsum(per)).tolist())
    n = len(indptr) - 1
    data = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
    return sp.csr_matrix((np.ones(data.size, dtype=bool), data, np.asarray(indptr)), shape=(n, grid.size))


@dataclass
class GreedyResult:
    chosen: List[int] = field(default_factory=list)
    gains: List[float] = field(default_factory=list)  # marginal objective weight of each pick
    covered: Optional[np.ndarray] = None  # bool per cell
    evaluations: int = 0  # marginal gains computed (lazy greedy's saving shows here)


GAIN_DECIMALS = 9  # gains are compared rounded, so ties break by index whatever the summation order
LAZY_BATCH = 32  # stale candidates re-evaluated together: one vectorised gather instead of 32 numpy calls


def _row_gains(indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over the cells of each row in ``rows`` of a CSR structure, vectorised."""
    starts, ends = indptr[rows], indptr[rows + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(rows.size)
    offsets = np.cumsum(lengths) - lengths
    cells = indices[np.repeat(starts - offsets, lengths) + np.arange(total)]
    sums = np.add.reduceat(values[cells], np.minimum(offsets, total - 1))
    return np.where(lengths > 0, sums, 0.0)


def greedy_max_coverage(
    sets: sp.csr_matrix,
    weights: np.ndarray,
    k: int,
    lazy: bool = True,
    is_canceled: Callable[[], bool] = lambda: False,
    progress: Callable[[float], None] = lambda p: None,
) -> GreedyResult:
    """Choose up to ``k`` rows of ``sets`` maximising the total weight of the cells they cover.

    Greedy: each step takes the candidate with the largest marginal gain (ties: lowest
    index); the result is within 1 − 1/e of the optimum (Nemhauser, Wolsey & Fisher 1978).
    ``lazy`` keeps stale gains as upper bounds (Minoux 1978; gains only shrink as cells get
    covered): a candidate is re-evaluated only when its bound is among the highest (the
    LAZY_BATCH highest stale bounds at a time, in one vectorised gather), and the top one
    is taken once its gain is exact. Same picks as plain greedy (``lazy=False``: every gain
    recomputed every step) with far fewer evaluations. Stops early when nothing more can
    be gained.
    """
    sets = sp.csr_matrix(sets)
    weights = np.asarray(weights, dtype=float)
    n = sets.shape[0]
    covered = np.zeros(sets.shape[1], dtype=bool)
    result = GreedyResult(covered=covered)
    if n == 0 or k <= 0:
        return result
    indptr, indices = sets.indptr.astype(np.int64), sets.indices.astype(np.int64)
    uncovered = weights.copy()  # the weight still to gain in each cell
    gains0 = np.round(np.asarray(sets @ weights).ravel(), GAIN_DECIMALS)
    result.evaluations = n

    def select(i: int, gain: float) -> None:
        cells = indices[indptr[i] : indptr[i + 1]]
        covered[cells] = True
        uncovered[cells] = 0.0
        result.chosen.append(i)
        result.gains.append(gain)
        progress(len(result.chosen) / k)

    if lazy:
        # upper bounds of every candidate's gain, and the step at which each bound was exact
        bound = gains0.copy()
        fresh = np.zeros(n, dtype=np.int64)
        while len(result.chosen) < k:
            if is_canceled():
                break
            step = len(result.chosen)
            i = int(np.argmax(bound))  # ties: the lowest index, as plain greedy
            if bound[i] <= 0:
                break
            if fresh[i] == step:  # an exact gain on top: no other bound can beat it
                select(i, float(bound[i]))
                bound[i] = 0.0
                continue
            # re-evaluate the highest stale bounds together (always including the top one)
            top = np.argpartition(-bound, LAZY_BATCH)[:LAZY_BATCH] if n > LAZY_BATCH else np.arange(n)
            top = np.union1d(top[fresh[top] != step], [i])
            bound[top] = np.round(_row_gains(indptr, indices, top, uncovered), GAIN_DECIMALS)
            fresh[top] = step
            result.evaluations += top.size
    else:
        gains = gains0
        for step in range(k):
            if is_canceled():
                break
            if step:
                gains = np.round(np.asarray(sets @ uncovered).ravel(), GAIN_DECIMALS)
                result.evaluations += n
            best = int(np.argmax(gains))
            if gains[best] <= 0:
                break
            select(best, float(gains[best]))
    return result


def grid_points_in(gaps: Sequence[QgsGeometry], spacing: float) -> Tuple[np.ndarray, np.ndarray]:
    """Candidate sites on a square grid every ``spacing`` metres, inside the gaps."""
    grid = rasterise_target(gaps, spacing)
    return grid.xs, grid.ys


def split_parts(geom: QgsGeometry) -> List[QgsGeometry]:
    """The polygon parts of a geometry (empty list when empty)."""
    if geom is None or geom.isEmpty():
        return []
    parts = []
    for part in geom.constParts():
        g = QgsGeometry(part.clone())
        if g.type() == QgsWkbTypes.GeometryType.PolygonGeometry and not g.isEmpty() and g.area() > 0:
            parts.append(g)
    return parts
