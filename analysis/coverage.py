"""Coverage of posts: range discs and sectors without a DEM, terrain viewsheds with one,
merged coverage and the count-of-posts raster. rasterio is needed only for the DEM."""

import math
import struct
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsGeometry, QgsPointXY

from . import workers
from .errors import BorderGapsError
from .viewshed import REFRACTION_K, ViewshedRequest, viewsheds
from .workers import Done

try:  # optional: only the DEM path needs it (QGIS on Windows may lack it)
    import rasterio
    import rasterio.errors
    import rasterio.features
    from rasterio.crs import CRS
    from rasterio.enums import MaskFlags, Resampling
    from rasterio.vrt import WarpedVRT
    from rasterio.windows import Window
except ImportError:  # pragma: no cover - exercised only where rasterio is missing
    rasterio = None

RASTERIO_MISSING = (
    "Coverage over a DEM needs the Python package 'rasterio', which this QGIS installation lacks. "
    "Install it (Windows: in the OSGeo4W Shell run 'python -m pip install rasterio'; Debian/Ubuntu: "
    "'apt install python3-rasterio'), or leave the DEM empty to get range discs and sectors."
)
VIEWSHED_BATCH = 8  # posts swept together: shares the per-ring numpy overhead, ~4 MB of heights each
ARC_STEP_DEG = 90.0 / 64  # 64 segments per quarter circle: disc areas exact to 0.01 %


def affine_apply(transform, x, y=None):
    """``transform`` applied to the point (or arrays) ``x, y``, or composed with the Affine ``x``.

    affine 3 (Debian forky) wants ``@`` and deprecates ``*`` for both; affine 2 (Debian 12, 13)
    has only ``*``.
    """
    operand = x if y is None else (x, y)
    if hasattr(transform, "__matmul__"):
        return transform @ operand
    return transform * operand


def require_rasterio() -> None:
    """Raise a BorderGapsError saying what to install when rasterio is missing."""
    if rasterio is None:
        raise BorderGapsError(RASTERIO_MISSING)


@dataclass
class Post:
    """A post (or candidate site) in the metric CRS of the computation."""

    post_id: int
    x: float
    y: float
    range_m: float
    sector: Optional[Tuple[float, float]] = None  # (start, end) azimuths, degrees clockwise from north
    attributes: Dict[str, object] = field(default_factory=dict)


@dataclass
class PostCoverage:
    post: Post
    geometry: QgsGeometry  # in the metric CRS of the computation
    area_km2: float
    window: Optional["DemWindow"] = None  # the visible cells, with a DEM


class SkippedPostError(Exception):
    """A post that cannot be computed (outside the DEM, on no-data): warn and go on."""


def sector_polygon(x: float, y: float, range_m: float, sector: Optional[Tuple[float, float]] = None) -> QgsGeometry:
    """The disc of ``range_m`` around (x, y), or the sector from ``sector[0]`` clockwise to
    ``sector[1]`` (degrees from north) when given and not the full circle."""
    if sector is None or math.isclose(sector[0] % 360.0, sector[1] % 360.0):
        return QgsGeometry.fromPointXY(QgsPointXY(x, y)).buffer(range_m, 64)
    start = sector[0] % 360.0
    sweep = (sector[1] % 360.0 - start) % 360.0
    steps = max(2, int(math.ceil(sweep / ARC_STEP_DEG)))
    azimuths = np.radians(start + sweep * np.arange(steps + 1) / steps)
    ring = (
        [QgsPointXY(x, y)]
        + [QgsPointXY(x + range_m * math.sin(a), y + range_m * math.cos(a)) for a in azimuths]
        + [QgsPointXY(x, y)]
    )
    return QgsGeometry.fromPolygonXY([ring])


def range_coverage(post: Post) -> PostCoverage:
    """Coverage of a post without terrain: its range disc or sector."""
    geom = sector_polygon(post.x, post.y, post.range_m, post.sector)
    return PostCoverage(post, geom, geom.area() / 1e6)


def merge_coverage(geometries: Iterable[QgsGeometry]) -> QgsGeometry:
    """The union of coverage polygons (GEOS cascaded union, valid output)."""
    geoms = [g for g in geometries if g is not None and not g.isEmpty()]
    if not geoms:
        return QgsGeometry()
    merged = QgsGeometry.unaryUnion(geoms)
    if not merged.isGeosValid():
        merged = merged.makeValid()
    return merged


def _ring_wkb(ring) -> bytes:
    coords = np.asarray(ring, dtype="<f8")
    return struct.pack("<I", len(coords)) + coords.tobytes()


def mask_to_geometry(mask: np.ndarray, transform, validate: bool = True) -> QgsGeometry:
    """Polygons of the True cells of ``mask`` (GDAL's polygonize, 4-connected), as one
    (multi)polygon in the raster's CRS; empty when nothing is True.

    GDAL's Python bindings (part of every QGIS) write straight to WKB; without them
    rasterio.features.shapes does the same through GeoJSON-like rings, a third slower.
    GDAL's polygonize gives valid polygons (tests hold this on rugged viewsheds), so the
    GEOS validity check, which costs as much as a fifth of a viewshed, can be skipped
    with ``validate=False``; the rasterio path is always checked.
    """
    require_rasterio()
    polygons = _polygonize_ogr(mask, transform)
    if polygons is None:
        validate = True
        polygons = []
        for shape, _value in rasterio.features.shapes(mask.view(np.uint8), mask=mask, transform=transform):
            rings = shape["coordinates"]
            polygons.append(struct.pack("<BII", 1, 3, len(rings)) + b"".join(_ring_wkb(r) for r in rings))
    geom = QgsGeometry()
    if not polygons:
        return geom
    geom.fromWkb(struct.pack("<BII", 1, 6, len(polygons)) + b"".join(polygons))
    if validate and not geom.isGeosValid():
        geom = geom.makeValid()
    return geom


def _polygonize_ogr(mask: np.ndarray, transform) -> Optional[List[bytes]]:
    """WKB polygons of the True cells through osgeo.gdal/ogr, or None if unavailable."""
    try:
        from osgeo import gdal, ogr
    except ImportError:  # pragma: no cover - QGIS always ships them
        return None
    rows, cols = mask.shape
    raster = gdal.GetDriverByName("MEM").Create("", cols, rows, 1, gdal.GDT_Byte)
    raster.SetGeoTransform(transform.to_gdal())
    band = raster.GetRasterBand(1)
    band.WriteArray(mask.view(np.uint8))
    vector = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = vector.CreateLayer("visible", None, ogr.wkbPolygon)
    if gdal.Polygonize(band, band, layer, -1) != 0:  # the band is its own mask: True cells only
        return None
    polygons = [feature.GetGeometryRef().ExportToWkb(ogr.wkbNDR) for feature in layer]
    del layer, vector, band, raster  # the layer must die before its data source
    return polygons


@dataclass
class DemWindow:
    """What one post sees, on the cells of the DEM window around it."""

    visible: np.ndarray  # bool
    transform: object  # rasterio Affine of the window
    row_off: int
    col_off: int


class DemCoverage:
    """Viewsheds of posts over a DEM file read window by window (never whole).

    A DEM in a geographic CRS (or in units other than metres) is warped on the fly
    (``WarpedVRT``, bilinear) to ``metric_epsg``, the UTM zone of the data; the posts'
    coordinates must be in :attr:`crs_wkt`. Use as a context manager.
    """

    def __init__(
        self,
        path: str,
        observer_height: float = 1.8,
        target_height: float = 0.0,
        curvature: bool = True,
        refraction_k: float = REFRACTION_K,
        metric_epsg: Optional[int] = None,
        layer_name: str = "DEM",
    ):
        require_rasterio()
        self.observer_height = observer_height
        self.target_height = target_height
        self.curvature = curvature
        self.refraction_k = refraction_k
        self.layer_name = layer_name
        # one GDAL environment for the whole run: rasterio otherwise sets one up on every
        # shapes()/read() call, which costs milliseconds per post
        self._env = rasterio.Env()
        self._env.__enter__()
        try:
            self._src = rasterio.open(path)
        except rasterio.errors.RasterioIOError as err:
            self._env.__exit__(None, None, None)
            raise BorderGapsError(
                f"The DEM '{layer_name}' cannot be read by rasterio ({err}). "
                "Choose a GeoTIFF or another GDAL raster file."
            ) from err
        src_crs = self._src.crs
        if src_crs is None:
            self._ds = self._src
            self.close()
            raise BorderGapsError(
                f"The DEM '{layer_name}' has no coordinate reference system. "
                "Assign one (Raster → Projections → Assign Projection) and run again."
            )
        self.warped = src_crs.is_geographic or not _units_are_metres(src_crs)
        if self.warped:
            if metric_epsg is None:
                self._ds = self._src
                self.close()
                raise BorderGapsError(f"The DEM '{layer_name}' is not in metres and no UTM zone was given.")
            nodata = self._src.nodata
            self._ds = WarpedVRT(
                self._src,
                crs=CRS.from_epsg(metric_epsg),
                resampling=Resampling.bilinear,
                src_nodata=nodata,
                nodata=nodata if nodata is not None else -32768.0,
            )
        else:
            self._ds = self._src
        self.transform = self._ds.transform
        if abs(self.transform.b) > 1e-12 or abs(self.transform.d) > 1e-12:
            self.close()
            raise BorderGapsError(
                f"The DEM '{layer_name}' is rotated; warp it to a north-up grid first (Raster → Projections → Warp)."
            )
        self.pixel = (abs(self.transform.a), abs(self.transform.e))
        flags = self._ds.mask_flag_enums[0]
        self._plain_nodata = MaskFlags.all_valid in flags or MaskFlags.nodata in flags
        self.shape = (self._ds.height, self._ds.width)
        self.crs_wkt = self._ds.crs.to_wkt()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        if self._ds is not self._src:
            self._ds.close()
        self._src.close()
        if self._env is not None:
            self._env.__exit__(None, None, None)
            self._env = None

    def cell_of(self, x: float, y: float) -> Optional[Tuple[int, int]]:
        """(row, col) of the cell holding (x, y), or None outside the DEM."""
        col, row = affine_apply(~self.transform, x, y)
        row, col = int(math.floor(row)), int(math.floor(col))
        if 0 <= row < self.shape[0] and 0 <= col < self.shape[1]:
            return row, col
        return None

    def read_window(self, row: int, col: int, radius_rows: int, radius_cols: int) -> Tuple[np.ndarray, Window]:
        """The DEM cells within the given radii of (row, col), clipped to the DEM; NaN = no data."""
        r0, c0 = max(row - radius_rows, 0), max(col - radius_cols, 0)
        r1, c1 = min(row + radius_rows + 1, self.shape[0]), min(col + radius_cols + 1, self.shape[1])
        window = Window(c0, r0, c1 - c0, r1 - r0)
        if self._plain_nodata:
            # a nodata value (or none): cheaper than a masked read, which also reads the mask band
            values = self._ds.read(1, window=window, out_dtype="float32")
            if self._ds.nodata is not None and not np.isnan(self._ds.nodata):
                values[values == np.float32(self._ds.nodata)] = np.nan
            return values, window
        data = self._ds.read(1, window=window, masked=True)
        values = (
            data.filled(np.nan).astype(np.float32, copy=False)
            if np.ma.is_masked(data)
            else np.asarray(data, dtype=np.float32)
        )
        return values, window

    def _request(self, post: Post) -> Tuple[ViewshedRequest, Window]:
        cell = self.cell_of(post.x, post.y)
        if cell is None:
            raise SkippedPostError(f"post {post.post_id} lies outside the DEM '{self.layer_name}'")
        row, col = cell
        radius_cols = int(math.floor(post.range_m / self.pixel[0]))
        radius_rows = int(math.floor(post.range_m / self.pixel[1]))
        dem, window = self.read_window(row, col, radius_rows, radius_cols)
        orow, ocol = row - int(window.row_off), col - int(window.col_off)
        if not np.isfinite(dem[orow, ocol]):
            raise SkippedPostError(f"post {post.post_id} stands on a no-data cell of the DEM '{self.layer_name}'")
        return ViewshedRequest(dem, orow, ocol, post.sector), window

    def visible_many(
        self,
        posts: Sequence[Post],
        is_canceled: Callable[[], bool] = lambda: False,
        batch: int = VIEWSHED_BATCH,
        threads: Optional[int] = None,
        polygons: bool = False,
    ) -> Iterator[Tuple[Post, object]]:
        """(post, DemWindow) for each post in order, or (post, SkippedPostError) for a post
        that cannot be computed. Posts are swept ``batch`` at a time (same range together).

        The DEM is read in this thread only (a rasterio dataset is not shared across threads);
        the sweeps, pure numpy, run in ``threads`` worker threads (default workers.THREADS)
        while the next batches are read and the caller handles the finished ones. At most one
        batch per thread waits in memory. With ``polygons``, each post's viewshed is also
        polygonised in the worker: (post, PostCoverage) instead of (post, DemWindow).
        """
        threads = workers.count(threads)
        pending = deque()
        with workers.pool("viewshed", threads) as pool:  # also when the caller stops early
            for start in range(0, len(posts), batch):
                if is_canceled():
                    return
                chunk = posts[start : start + batch]
                read = self._read_chunk(chunk)
                if pool is None:
                    pending.append(Done(self._sweep_chunk(chunk, read, is_canceled, polygons)))
                else:
                    pending.append(pool.submit(self._sweep_chunk, chunk, read, is_canceled, polygons))
                while pending and (len(pending) > threads or pending[0].done()):
                    yield from pending.popleft().result()
            while pending:
                if is_canceled():
                    return
                yield from pending.popleft().result()

    def _read_chunk(self, chunk: Sequence[Post]):
        """{i: SkippedPostError} and {range: [(i, request, window transform, window)]} of a batch."""
        skipped: Dict[int, object] = {}
        groups: Dict[float, List[Tuple[int, ViewshedRequest, object, Window]]] = {}
        for i, post in enumerate(chunk):
            try:
                request, window = self._request(post)
            except SkippedPostError as err:
                skipped[i] = err
                continue
            groups.setdefault(post.range_m, []).append((i, request, self._ds.window_transform(window), window))
        return skipped, groups

    def _sweep_chunk(self, chunk: Sequence[Post], read, is_canceled, polygons=False) -> List[Tuple[Post, object]]:
        """The viewsheds of one batch read by :meth:`_read_chunk` (numpy, and GDAL in-memory
        datasets of its own for the polygons: any thread)."""
        results, groups = dict(read[0]), read[1]
        for range_m, members in groups.items():
            masks = viewsheds(
                [m[1] for m in members],
                self.pixel,
                range_m,
                observer_height=self.observer_height,
                target_height=self.target_height,
                curvature=self.curvature,
                refraction_k=self.refraction_k,
                is_canceled=is_canceled,
            )
            for (i, _, transform, window), mask in zip(members, masks):
                results[i] = DemWindow(mask, transform, int(window.row_off), int(window.col_off))
                if polygons:
                    results[i] = self.coverage_of(chunk[i], results[i])
        return [(post, results[i]) for i, post in enumerate(chunk)]

    def visible(self, post: Post, is_canceled: Callable[[], bool] = lambda: False) -> DemWindow:
        """The viewshed of ``post``; raises SkippedPostError when it cannot be computed."""
        ((_, seen),) = self.visible_many([post], is_canceled)
        if isinstance(seen, SkippedPostError):
            raise seen
        return seen

    def coverage_of(self, post: Post, seen: DemWindow) -> PostCoverage:
        """Polygons of a computed viewshed, in :attr:`crs_wkt`; area = visible cells × cell area."""
        geom = mask_to_geometry(seen.visible, seen.transform, validate=False)
        area_km2 = float(seen.visible.sum()) * self.pixel[0] * self.pixel[1] / 1e6
        return PostCoverage(post, geom, area_km2, seen)

    def post_coverage(self, post: Post, is_canceled: Callable[[], bool] = lambda: False) -> PostCoverage:
        """The area ``post`` sees, as polygons in :attr:`crs_wkt`; area = visible cells × cell area."""
        return self.coverage_of(post, self.visible(post, is_canceled))

    @staticmethod
    def visible_points(seen: DemWindow, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Which of the points (xs, ys) a computed viewshed sees (False outside its window)."""
        cols, rows = affine_apply(~seen.transform, np.asarray(xs, float), np.asarray(ys, float))
        rows = np.floor(rows).astype(int)
        cols = np.floor(cols).astype(int)
        inside = (rows >= 0) & (rows < seen.visible.shape[0]) & (cols >= 0) & (cols < seen.visible.shape[1])
        out = np.zeros(len(rows), dtype=bool)
        out[inside] = seen.visible[rows[inside], cols[inside]]
        return out

    def high_points(
        self,
        bounds: Tuple[float, float, float, float],
        spacing_m: float,
        max_points: int = 10000,
        is_canceled: Callable[[], bool] = lambda: False,
    ) -> List[Tuple[float, float, float]]:
        """Local high points of the DEM inside ``bounds`` (xmin, ymin, xmax, ymax), at least
        ``spacing_m`` apart, highest first: (x, y, height). The area is read in strips and
        reduced to blocks of about spacing/3 by their maximum, so memory stays bounded."""
        xmin, ymin, xmax, ymax = bounds
        c0, r1 = affine_apply(~self.transform, xmin, ymin)
        c1, r0 = affine_apply(~self.transform, xmax, ymax)
        r0, c0 = max(int(math.floor(r0)), 0), max(int(math.floor(c0)), 0)
        r1, c1 = min(int(math.ceil(r1)), self.shape[0]), min(int(math.ceil(c1)), self.shape[1])
        if r1 <= r0 or c1 <= c0:
            return []
        block = max(1, int(spacing_m / 3 / max(self.pixel)))
        nbr, nbc = -(-(r1 - r0) // block), -(-(c1 - c0) // block)
        coarse = np.full((nbr, nbc), -np.inf, dtype=np.float32)
        where = np.zeros((nbr, nbc, 2), dtype=np.int64)
        strip = block * max(1, 1024 // block)
        for rs in range(r0, r1, strip):
            if is_canceled():
                return []
            re = min(rs + strip, r1)
            data = self._ds.read(1, window=Window(c0, rs, c1 - c0, re - rs), masked=True)
            values = data.filled(-np.inf).astype(np.float32) if np.ma.is_masked(data) else data.astype(np.float32)
            pad_r, pad_c = (-values.shape[0]) % block, (-values.shape[1]) % block
            values = np.pad(values, ((0, pad_r), (0, pad_c)), constant_values=-np.inf)
            h, w = values.shape[0] // block, values.shape[1] // block
            blocks = values.reshape(h, block, w, block).transpose(0, 2, 1, 3).reshape(h, w, block * block)
            arg = blocks.argmax(axis=2)
            br0 = (rs - r0) // block
            coarse[br0 : br0 + h] = np.take_along_axis(blocks, arg[..., None], axis=2)[..., 0]
            where[br0 : br0 + h, :, 0] = rs + np.arange(h)[:, None] * block + arg // block
            where[br0 : br0 + h, :, 1] = c0 + np.arange(w)[None, :] * block + arg % block
        finite = np.isfinite(coarse)
        if not finite.any():
            return []
        # local maxima of the block maxima, then the highest first, none within spacing of a
        # higher one (scipy only: scikit-image is not in every QGIS)
        from scipy.ndimage import maximum_filter
        from scipy.spatial import cKDTree

        filled = np.where(finite, coarse, -np.inf)
        peaks = np.argwhere(finite & (filled == maximum_filter(filled, size=3, mode="nearest")))
        order = np.argsort(-filled[peaks[:, 0], peaks[:, 1]], kind="stable")
        rows, cols = where[peaks[order, 0], peaks[order, 1], 0], where[peaks[order, 0], peaks[order, 1], 1]
        xs, ys = affine_apply(self.transform, cols + 0.5, rows + 0.5)
        xy = np.column_stack([xs, ys])
        heights = filled[peaks[order, 0], peaks[order, 1]]
        taken = np.zeros(len(xy), dtype=bool)
        suppressed = np.zeros(len(xy), dtype=bool)
        tree = cKDTree(xy)
        for i in range(len(xy)):
            if i % 1000 == 0 and is_canceled():
                return []
            if suppressed[i]:
                continue
            taken[i] = True
            suppressed[tree.query_ball_point(xy[i], spacing_m)] = True
            if taken.sum() >= max_points:
                break
        return [(float(x), float(y), float(z)) for (x, y), z in zip(xy[taken], heights[taken])]


MAX_MOSAIC_CELLS = 64_000_000  # 64 MB of booleans; beyond that merge polygons with GEOS instead


class CoverageMosaic:
    """Merged coverage on the DEM grid: the posts' visible cells OR-ed into one boolean
    array over the bounding box of their windows (not the DEM: only where posts look),
    polygonised once. Exact, and much cheaper than a GEOS union of pixel polygons."""

    def __init__(self, dem: DemCoverage, bounds_rows_cols: Tuple[int, int, int, int]):
        r0, c0, r1, c1 = bounds_rows_cols
        self.r0, self.c0 = r0, c0
        self.cell_area_m2 = dem.pixel[0] * dem.pixel[1]
        self.transform = affine_apply(dem.transform, dem.transform.translation(c0, r0))
        self.mask = np.zeros((max(r1 - r0, 1), max(c1 - c0, 1)), dtype=bool)

    @staticmethod
    def fits(bounds_rows_cols: Tuple[int, int, int, int]) -> bool:
        r0, c0, r1, c1 = bounds_rows_cols
        return (r1 - r0) * (c1 - c0) <= MAX_MOSAIC_CELLS

    def add(self, seen: DemWindow) -> None:
        rows, cols = seen.visible.shape
        r, c = seen.row_off - self.r0, seen.col_off - self.c0
        self.mask[r : r + rows, c : c + cols] |= seen.visible

    def area_km2(self) -> float:
        return float(self.mask.sum()) * self.cell_area_m2 / 1e6

    def geometry(self) -> QgsGeometry:
        return mask_to_geometry(self.mask, self.transform, validate=False)  # GDAL polygonize: valid (tested)


def window_bounds(dem: DemCoverage, posts: Iterable[Post]) -> Tuple[int, int, int, int]:
    """(row0, col0, row1, col1) of the DEM cells the posts' range windows span, clipped to the DEM."""
    r0 = c0 = math.inf
    r1 = c1 = -math.inf
    for post in posts:
        cell = dem.cell_of(post.x, post.y)
        if cell is None:
            continue
        rr, rc = int(post.range_m / dem.pixel[1]), int(post.range_m / dem.pixel[0])
        r0, r1 = min(r0, cell[0] - rr), max(r1, cell[0] + rr + 1)
        c0, c1 = min(c0, cell[1] - rc), max(c1, cell[1] + rc + 1)
    if r0 == math.inf:
        return 0, 0, 1, 1
    return max(int(r0), 0), max(int(c0), 0), min(int(r1), dem.shape[0]), min(int(c1), dem.shape[1])


def _units_are_metres(crs) -> bool:
    try:
        units = (crs.linear_units or "").lower()
    except Exception:  # noqa: BLE001 - some CRSs raise instead of answering
        return False
    return units in ("metre", "meter", "metres", "meters", "m")


class CountRaster:
    """The number of posts that see each cell, written window by window to a GeoTIFF
    (uint16, tiled) on the grid of the DEM (or of its warped copy)."""

    def __init__(self, path: str, dem: DemCoverage, bounds_rows_cols: Tuple[int, int, int, int]):
        require_rasterio()
        r0, c0, r1, c1 = bounds_rows_cols
        self.r0, self.c0 = r0, c0
        transform = affine_apply(dem.transform, dem.transform.translation(c0, r0))
        profile = dict(
            driver="GTiff",
            width=max(c1 - c0, 1),
            height=max(r1 - r0, 1),
            count=1,
            dtype="uint16",
            crs=dem.crs_wkt,
            transform=transform,
            tiled=True,
            blockxsize=256,
            blockysize=256,
            nodata=None,
        )
        self._ds = rasterio.open(path, "w+", **profile)

    def add(self, seen: DemWindow) -> None:
        rows, cols = seen.visible.shape
        window = Window(seen.col_off - self.c0, seen.row_off - self.r0, cols, rows)
        current = self._ds.read(1, window=window)
        current += seen.visible.astype(np.uint16)
        self._ds.write(current, 1, window=window)

    def close(self) -> None:
        self._ds.close()
