"""Kernel density of points on a metric grid (the quartic kernel of QGIS's heatmap, normalised to
integrate to the number of points), polygons of its densest cells, and writing it as a raster."""

import math
import os
from dataclasses import dataclass
from typing import Callable, List, Optional

import numpy as np
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsGeometry,
    QgsRasterBlock,
    QgsRasterFileWriter,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QByteArray

from .errors import BorderGapsError

NODATA = -9999.0
MAX_CELLS = 25_000_000  # 100 MB of float32: beyond it the grid is refused before any memory is used
CHUNK_VALUES = 250_000  # kernel values computed at once (chunks of points), ~10 MB of temporaries


@dataclass(frozen=True)
class Grid:
    """A north-up grid in a metric CRS: cell (row, col) has its centre at
    (left + (col + ½)·cell, top − (row + ½)·cell)."""

    left: float
    top: float
    cell: float
    rows: int
    cols: int

    @property
    def extent(self) -> QgsRectangle:
        return QgsRectangle(self.left, self.top - self.rows * self.cell, self.left + self.cols * self.cell, self.top)

    @property
    def cell_km2(self) -> float:
        return self.cell * self.cell / 1e6

    def centres_x(self) -> np.ndarray:
        return self.left + (np.arange(self.cols) + 0.5) * self.cell

    def centres_y(self) -> np.ndarray:
        return self.top - (np.arange(self.rows) + 0.5) * self.cell


def grid_for(extent: QgsRectangle, cell: float, margin: float) -> Grid:
    """The grid covering ``extent`` grown by ``margin``, its edges on multiples of ``cell`` (so that
    grids of overlapping runs line up). Refused above MAX_CELLS cells."""
    if not cell > 0:
        raise BorderGapsError(f"CELL_SIZE must be more than 0 m (got {cell:g} m).")
    left = math.floor((extent.xMinimum() - margin) / cell) * cell
    right = math.ceil((extent.xMaximum() + margin) / cell) * cell
    bottom = math.floor((extent.yMinimum() - margin) / cell) * cell
    top = math.ceil((extent.yMaximum() + margin) / cell) * cell
    cols, rows = max(1, int(round((right - left) / cell))), max(1, int(round((top - bottom) / cell)))
    if rows * cols > MAX_CELLS:
        raise BorderGapsError(
            f"The density grid would have {rows:,} × {cols:,} = {rows * cols:,} cells of {cell:g} m, too large "
            f"(at most {MAX_CELLS:,}): raise CELL_SIZE or choose a smaller STUDY_AREA / BUFFER_M."
        )
    return Grid(left, top, cell, rows, cols)


def quartic_density(
    xs: np.ndarray,
    ys: np.ndarray,
    grid: Grid,
    bandwidth: float,
    weights: Optional[np.ndarray] = None,
    is_canceled: Callable[[], bool] = lambda: False,
    progress: Callable[[float], None] = lambda pct: None,
) -> np.ndarray:
    """Density (points per km²) on ``grid``: the sum over points of
    K(d) = 3 / (π r²) · (1 − d²/r²)² for d < r (r = ``bandwidth``, d from the point to the cell
    centre), the quartic kernel of QGIS's heatmap, whose raw value is (1 − d²/r²)², scaled so that
    each point integrates to its weight (∫ (1 − d²/r²)² dA = π r²/3). float64, rows from the top.

    Points are handled in chunks, taken in order of their row so that each chunk touches a narrow band
    of rows: for each point, the (2k+1)² cells around its own cell (k = ⌈r / cell⌉) get their kernel
    value, added to the band with one ``np.bincount``. Memory: the grid plus ~CHUNK_VALUES × 40 bytes.
    """
    density = np.zeros(grid.rows * grid.cols)
    n = len(xs)
    if n == 0:
        return density.reshape(grid.rows, grid.cols)
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    r2 = bandwidth * bandwidth
    norm = 3.0 / (math.pi * r2) * 1e6  # per m² → per km²
    k = int(math.ceil(bandwidth / grid.cell))
    offsets = np.arange(-k, k + 1)
    span = len(offsets)
    chunk = max(1, CHUNK_VALUES // (span * span))
    col_all = np.floor((xs - grid.left) / grid.cell).astype(np.int64)
    row_all = np.floor((grid.top - ys) / grid.cell).astype(np.int64)
    by_row = np.argsort(row_all, kind="stable")
    for start in range(0, n, chunk):
        if is_canceled():
            break
        take = by_row[start : start + chunk]
        px, py = xs[take], ys[take]
        cols = col_all[take, None] + offsets[None, :]  # (p, span)
        rows = row_all[take, None] + offsets[None, :]
        dx = grid.left + (cols + 0.5) * grid.cell - px[:, None]
        dy = grid.top - (rows + 0.5) * grid.cell - py[:, None]
        d2 = dy[:, :, None] ** 2 + dx[:, None, :] ** 2  # (p, span rows, span cols)
        inside = d2 < r2
        inside &= ((rows >= 0) & (rows < grid.rows))[:, :, None]
        inside &= ((cols >= 0) & (cols < grid.cols))[:, None, :]
        values = (1.0 - d2[inside] / r2) ** 2 * np.broadcast_to((norm * w[take])[:, None, None], d2.shape)[inside]
        first = max(0, int(rows.min()))
        last = min(grid.rows, int(rows.max()) + 1)
        flat = (np.broadcast_to(rows[:, :, None], d2.shape)[inside] - first) * grid.cols + np.broadcast_to(
            cols[:, None, :], d2.shape
        )[inside]
        band = slice(first * grid.cols, last * grid.cols)
        density[band] += np.bincount(flat, weights=values, minlength=(last - first) * grid.cols)
        progress(100.0 * min(n, start + chunk) / n)
    return density.reshape(grid.rows, grid.cols)


def polygon_mask(geometry: QgsGeometry, grid: Grid) -> np.ndarray:
    """Cells of ``grid`` whose centre lies in ``geometry`` (closed), by scan lines: each row's line
    through the cell centres is cut by the polygon, and the columns between each entry and exit
    are set."""
    mask = np.zeros((grid.rows, grid.cols), dtype=bool)
    if geometry is None or geometry.isEmpty():
        return mask
    box = geometry.boundingBox()
    xs = grid.centres_x()
    ys = grid.centres_y()
    engine = QgsGeometry.createGeometryEngine(geometry.constGet())
    engine.prepareGeometry()
    x0, x1 = grid.left - grid.cell, grid.left + (grid.cols + 1) * grid.cell
    for row in np.nonzero((ys >= box.yMinimum()) & (ys <= box.yMaximum()))[0]:
        line = QgsGeometry.fromWkt(f"LINESTRING({x0} {ys[row]}, {x1} {ys[row]})")
        if not engine.intersects(line.constGet()):
            continue
        cut = geometry.intersection(line)
        for part in _line_parts(cut):
            xa, xb = sorted((part[0].x(), part[-1].x()))
            first = int(np.searchsorted(xs, xa, side="left"))
            last = int(np.searchsorted(xs, xb, side="right"))
            mask[row, first:last] = True
        for point in _points_of(cut):  # a row touching the polygon at a vertex only
            col = int(np.searchsorted(xs, point.x()))
            if col < grid.cols and xs[col] == point.x():
                mask[row, col] = True
    return mask


def _line_parts(geometry: QgsGeometry):
    if geometry.isEmpty():
        return []
    parts = []
    for part in geometry.constParts():
        if part.dimension() == 1:
            parts.append([part.pointN(i) for i in (0, part.numPoints() - 1)])
    return parts


def _points_of(geometry: QgsGeometry):
    if geometry.isEmpty():
        return []
    return [part for part in geometry.constParts() if part.dimension() == 0]


def hotspot_mask(density: np.ndarray, study: np.ndarray, percent: float) -> tuple:
    """(mask, threshold): the cells of the study area whose density is at least the
    (100 − percent)th percentile of the study area's cells, and above 0."""
    values = density[study]
    if values.size == 0:
        return np.zeros_like(study), 0.0
    threshold = float(np.quantile(values, 1.0 - percent / 100.0))
    return study & (density >= threshold) & (density > 0), threshold


def mask_polygons(mask: np.ndarray, grid: Grid, is_canceled: Callable[[], bool] = lambda: False) -> List[QgsGeometry]:
    """The connected polygons of the True cells (cells sharing an edge merge; cells meeting at a corner
    only stay apart), each a
    valid polygon of whole cells: runs of cells along each row become rectangles, merged by one
    GEOS union, then split into parts."""
    rects = []
    for row in np.nonzero(mask.any(axis=1))[0]:
        if is_canceled():
            return []
        line = np.concatenate(([False], mask[row], [False]))
        changes = np.flatnonzero(line[1:] != line[:-1])
        top = grid.top - row * grid.cell
        for start, stop in zip(changes[::2], changes[1::2]):
            x0, x1 = grid.left + start * grid.cell, grid.left + stop * grid.cell
            rects.append(QgsGeometry.fromRect(QgsRectangle(x0, top - grid.cell, x1, top)))
    if not rects:
        return []
    merged = QgsGeometry.unaryUnion(rects)
    parts = [QgsGeometry(p.clone()) for p in merged.constParts()] if merged.isMultipart() else [merged]
    out = []
    for part in parts:
        if not part.isGeosValid():  # two cells meeting at a corner make a self-touching ring
            part = part.makeValid()
        out.append(part)
    return out


def write_raster(path: str, grid: Grid, values: np.ndarray, crs: QgsCoordinateReferenceSystem) -> None:
    """Writes ``values`` (rows from the top) as a one-band float32 raster through QGIS's
    raster writer, with the format from the file's extension (GeoTIFF by default)."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as err:
            raise BorderGapsError(
                f"Cannot write the density raster to '{path}' ({err.strerror}): choose a path in a folder "
                "you can write to."
            ) from err
    writer = QgsRasterFileWriter(path)
    extension = os.path.splitext(path)[1].lstrip(".")
    driver = QgsRasterFileWriter.driverForExtension(extension) if extension else ""
    writer.setOutputFormat(driver or "GTiff")
    if (driver or "GTiff") == "GTiff":
        options = ["COMPRESS=DEFLATE", "PREDICTOR=3"]
        if hasattr(writer, "setCreationOptions"):  # QGIS 3.44+ (setCreateOptions deprecated there)
            writer.setCreationOptions(options)
        else:
            writer.setCreateOptions(options)
    provider = writer.createOneBandRaster(Qgis.DataType.Float32, grid.cols, grid.rows, grid.extent, crs)
    if provider is None or not provider.isValid():
        raise BorderGapsError(
            f"The density raster '{path}' could not be created: check the folder is writable and the "
            "file is not open in another program."
        )
    provider.setNoDataValue(1, NODATA)
    block = QgsRasterBlock(Qgis.DataType.Float32, grid.cols, grid.rows)
    block.setData(QByteArray(np.ascontiguousarray(values, dtype="<f4").tobytes()))
    ok = provider.writeBlock(block, 1, 0, 0)
    provider.setEditable(False)
    del provider
    if not ok:
        raise BorderGapsError(f"The density raster '{path}' could not be written: check the disk and the path.")
