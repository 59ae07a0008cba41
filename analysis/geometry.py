"""The seam between two forces' districts, its unclaimed part, and the gap zones left in it
by coverage: pure QgsGeometry/GEOS computations in a metric CRS (DESIGN.md, Definitions)."""

import math
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeedback,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsWkbTypes,
)

from . import workers
from .errors import BorderGapsError
from .workers import Done

#: Segments per quarter circle of every buffer: DESIGN.md asks for at least 16 where an
#: exact comparison matters; a disc is then a 64-gon whose area is 0.16 % under the circle's.
BUFFER_SEGMENTS = 16

#: Upper bound of every metric distance (m): seam distances, ranges, margins. Everything is computed in
#: the UTM zone of the data, whose scale stays within 1 % of true up to about 500 km from its central
#: meridian; far beyond it the projection folds over itself (a 10,000 km seam gave self-intersecting
#: output and areas 1.5 times too large).
MAX_DISTANCE_M = 500_000.0

#: Most coverage pieces merged in one tile: each tile's union then takes milliseconds, so a
#: cancel is seen within a second even inside the merge of 50,000 pieces.
TILE_PIECES = 192

#: Parts of the seam closer than this (m) to a tile's cut line are merged across it.
_CUT_TOLERANCE = 1e-3


class CanceledError(BorderGapsError):
    """The user canceled; raised between steps so nothing half-done is returned."""

    def __init__(self):
        super().__init__("Canceled by the user.")


def check_canceled(feedback: Optional[QgsFeedback]) -> None:
    """Raise :class:`CanceledError` when ``feedback`` was canceled."""
    if feedback is not None and feedback.isCanceled():
        raise CanceledError()


def polygon_parts(geom: Optional[QgsGeometry]) -> List[QgsGeometry]:
    """The single polygons of ``geom`` (empty parts, lines and points left by overlays dropped)."""
    if geom is None or geom.isNull() or geom.isEmpty():
        return []
    if (
        geom.type() != QgsWkbTypes.GeometryType.PolygonGeometry
        and QgsWkbTypes.flatType(geom.wkbType()) != QgsWkbTypes.Type.GeometryCollection
    ):
        return []
    if not geom.isMultipart() and QgsWkbTypes.flatType(geom.wkbType()) != QgsWkbTypes.Type.GeometryCollection:
        return [geom]
    parts = []
    for part in geom.asGeometryCollection():
        if part.type() == QgsWkbTypes.GeometryType.PolygonGeometry and not part.isEmpty():
            parts.extend(polygon_parts(part))
    return parts


def union_all(geoms: Sequence[QgsGeometry], feedback: Optional[QgsFeedback] = None, chunk: int = 256) -> QgsGeometry:
    """The union of ``geoms`` (GEOS cascaded union), in chunks so a cancel is seen between them.

    An empty input gives an empty polygon, never a null geometry.
    """
    level = [g for g in geoms if g is not None and not g.isNull() and not g.isEmpty()]
    if not level:
        return QgsGeometry.fromWkt("POLYGON EMPTY")
    if len(level) == 1:  # still dissolve it: a multipolygon's parts may overlap
        return _union(level)
    while len(level) > 1:
        merged = []
        for start in range(0, len(level), chunk):
            check_canceled(feedback)
            merged.append(_union(level[start : start + chunk]))
        level = merged
    return level[0]


def _union(geoms: Sequence[QgsGeometry]) -> QgsGeometry:
    result = QgsGeometry.unaryUnion(list(geoms))
    if result.isNull():  # GEOS failed (e.g. a topology error): say which step, not a crash later
        raise BorderGapsError(
            "Merging polygons failed in GEOS: "
            + (result.lastError() or "unknown error")
            + ". Run 'Fix geometries' on the input layers and try again."
        )
    return result


def _area(geom: QgsGeometry) -> float:
    """Area of a polygon, 0 for an empty or null one (QgsGeometry.area() gives -1 for those)."""
    return 0.0 if geom is None or geom.isNull() or geom.isEmpty() else max(0.0, geom.area())


def rectangle_geometry(rect: QgsRectangle) -> QgsGeometry:
    return QgsGeometry.fromRect(rect)


@dataclass
class Seam:
    """The seam of two forces (metric CRS), with the merged districts it came from."""

    force_a: QgsGeometry
    force_b: QgsGeometry
    distance: float
    seam: QgsGeometry
    unclaimed: QgsGeometry

    @property
    def seam_area_m2(self) -> float:
        return _area(self.seam)

    @property
    def unclaimed_area_m2(self) -> float:
        return _area(self.unclaimed)

    def empty_reason(self, whole_seam: bool = True) -> Optional[str]:
        """Why there is no land to analyse (a sentence for the log), or None when there is some."""
        if not self.base(whole_seam).isEmpty():
            return None
        if self.seam.isEmpty():
            gap = self.force_a.distance(self.force_b) if not (self.force_a.isEmpty() or self.force_b.isEmpty()) else -1
            if gap > 2 * self.distance:
                return (
                    f"There is no seam: the districts of force A and force B are {gap / 1000:.3f} km apart at "
                    f"their closest, more than twice SEAM_DISTANCE ({self.distance:g} m), so no land lies within "
                    f"SEAM_DISTANCE of both. A SEAM_DISTANCE above {gap / 2:.0f} m gives one."
                )
            return "There is no seam: no land lies within SEAM_DISTANCE of both forces (within the study area)."
        return (
            "The seam lies entirely inside the two forces' districts: no land of it is unclaimed. Use MODE 1 "
            "(the whole seam) to look for gaps inside the districts too."
        )

    def base(self, whole_seam: bool) -> QgsGeometry:
        """The land in which gaps are looked for: the whole seam, or its unclaimed part."""
        return self.seam if whole_seam else self.unclaimed


def seam_zones(
    force_a: Sequence[QgsGeometry],
    force_b: Sequence[QgsGeometry],
    distance: float,
    study_area: Optional[QgsGeometry] = None,
    feedback: Optional[QgsFeedback] = None,
    segments: int = BUFFER_SEGMENTS,
) -> Seam:
    """S = {x : dist(x, A) ≤ d and dist(x, B) ≤ d} (∩ study area) and S − (A ∪ B).

    Only the part of A within 2d of B's bounding box can reach the seam (a point of S is
    within d of B and within d of some point of A, so that point is within 2d of B), and
    likewise for B: each force is clipped to the other's box grown by 2d before buffering,
    which keeps the buffers small when the districts reach far from the seam.
    """
    if distance < 0:
        raise BorderGapsError(f"The seam distance must be zero or more (got {distance:g} m).")
    union_a = union_all(force_a, feedback)
    union_b = union_all(force_b, feedback)
    check_canceled(feedback)
    empty = QgsGeometry.fromWkt("POLYGON EMPTY")
    if union_a.isEmpty() or union_b.isEmpty():
        return Seam(union_a, union_b, distance, empty, empty)
    near_a = _clip_to_box(union_a, union_b.boundingBox().buffered(2 * distance + 1.0))
    near_b = _clip_to_box(union_b, union_a.boundingBox().buffered(2 * distance + 1.0))
    check_canceled(feedback)
    if near_a.isEmpty() or near_b.isEmpty():
        return Seam(union_a, union_b, distance, empty, empty)
    reach_a = near_a.buffer(distance, segments) if distance > 0 else near_a
    check_canceled(feedback)
    reach_b = near_b.buffer(distance, segments) if distance > 0 else near_b
    check_canceled(feedback)
    seam = reach_a.intersection(reach_b)
    if study_area is not None and not study_area.isNull():
        seam = seam.intersection(study_area)
    seam = _polygonal(seam)
    check_canceled(feedback)
    unclaimed = _polygonal(seam.difference(union_all([union_a, union_b]))) if not seam.isEmpty() else empty
    return Seam(union_a, union_b, distance, seam, unclaimed)


def _clip_to_box(geom: QgsGeometry, box: QgsRectangle) -> QgsGeometry:
    if box.contains(geom.boundingBox()):
        return geom
    return _polygonal(geom.intersection(rectangle_geometry(box)))


def _polygonal(geom: QgsGeometry) -> QgsGeometry:
    """Only the polygons of an overlay result (lines and points where shapes just touch dropped)."""
    parts = polygon_parts(geom)
    if not parts:
        return QgsGeometry.fromWkt("POLYGON EMPTY")
    if len(parts) == 1:
        return parts[0]
    return QgsGeometry.collectGeometry(parts)


class SeamCoverage:
    """The coverage pieces that reach a region (the seam), gathered while streaming.

    Pieces are offered one at a time; only those meeting the region are kept, so memory is
    bounded by the region's neighbourhood, not by the coverage layer.
    """

    def __init__(self, region: QgsGeometry):
        self.region = region
        self.box = region.boundingBox()
        self._empty = region.isEmpty()
        self._engine = None
        if not self._empty:
            self._engine = QgsGeometry.createGeometryEngine(region.constGet())
            self._engine.prepareGeometry()
        self.pieces: List[QgsGeometry] = []
        self._boxes: List[tuple] = []
        self.offered = 0
        self.repaired = 0

    def offer(self, geom: QgsGeometry, repair: bool = True, meets: bool = False) -> bool:
        """Keep ``geom`` if it meets the region; repair it (makeValid) only then. ``meets``: the
        caller has already found that it meets the region (a bulk test), so it is not tested again."""
        self.offered += 1
        if self._empty:
            return False
        box = geom.boundingBox()
        if not meets and not box.intersects(self.box):
            return False
        if not meets and not self._engine.intersects(geom.constGet()):
            return False
        if repair and not geom.isGeosValid():
            geom = _polygonal(geom.makeValid())
            self.repaired += 1
            if geom.isEmpty():
                return False
            box = geom.boundingBox()
        self.pieces.append(geom)
        self._boxes.append((box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()))
        return True

    def boxes(self) -> np.ndarray:
        """Bounding boxes of the kept pieces, one row (xmin, ymin, xmax, ymax) each."""
        return np.array(self._boxes, dtype=float).reshape(-1, 4)


@dataclass
class GapResult:
    """The gap zones of a region, and how its area splits between coverage and gaps."""

    region_area_m2: float
    gaps: List[QgsGeometry] = field(default_factory=list)
    dropped: List[QgsGeometry] = field(default_factory=list)
    tiles: int = 0

    @property
    def gap_area_m2(self) -> float:
        return sum(g.area() for g in self.gaps)

    @property
    def dropped_area_m2(self) -> float:
        return sum(g.area() for g in self.dropped)

    @property
    def covered_area_m2(self) -> float:
        """Region minus every uncovered part (kept or dropped): the covered area."""
        return max(0.0, self.region_area_m2 - self.gap_area_m2 - self.dropped_area_m2)


def gap_zones(
    region: QgsGeometry,
    coverage: Iterable[QgsGeometry],
    min_area: float = 0.0,
    feedback: Optional[QgsFeedback] = None,
    tile_pieces: int = TILE_PIECES,
    threads: Optional[int] = None,
) -> GapResult:
    """(region − ∪coverage) as single parts, parts under ``min_area`` (m²) set aside.

    ``coverage`` is either a :class:`SeamCoverage` already gathered for ``region`` or any
    iterable of polygons (filtered here). Progress goes 0–100 on ``feedback``. ``threads``
    (default :data:`workers.THREADS`) merge tiles at once; the result is the same for any number.
    """
    if not isinstance(coverage, SeamCoverage):
        gathered = SeamCoverage(region)
        for geom in coverage:
            check_canceled(feedback)
            gathered.offer(geom)
        coverage = gathered
    result = GapResult(region.area() if not region.isEmpty() else 0.0)
    if region.isEmpty():
        return result
    tiler = _Tiler(coverage, result.region_area_m2, feedback, tile_pieces)
    parts = tiler.gap_parts(region, threads)
    result.tiles = tiler.leaves
    for part in sorted(parts, key=_stable_key):
        (result.gaps if part.area() >= min_area else result.dropped).append(part)
    return result


def _stable_key(geom: QgsGeometry):
    """Largest first; ties by position, so the order never depends on the input order."""
    centre = geom.boundingBox().center()
    return (-round(geom.area(), 3), round(centre.x(), 3), round(centre.y(), 3))


@dataclass
class _Split:
    """Two neighbouring tiles (leaf tasks or further splits) and the line between them."""

    cut: float
    vertical: bool
    first: object
    second: object


class _Tiler:
    """Splits the region in two along the longer side until a tile meets few pieces, subtracts
    the union of its pieces from each tile (in worker threads when there are several), then
    merges the gap parts that touch each cut line back together, in the calling thread and
    always in the same tree order, so the result does not depend on the number of threads.
    """

    def __init__(self, coverage: SeamCoverage, total_area: float, feedback, tile_pieces: int):
        self.pieces = coverage.pieces
        self.boxes = coverage.boxes()
        self.total_area = total_area or 1.0
        self.feedback = feedback
        self.tile_pieces = max(1, tile_pieces)
        self.leaves = 0
        self._pool = None
        self._done_area = 0.0

    def gap_parts(self, region: QgsGeometry, threads: Optional[int]) -> List[QgsGeometry]:
        ids = np.arange(len(self.pieces))
        with workers.pool("merge", threads) as self._pool:
            # the leaves start in the workers while the rest of the tree is still being planned
            return self._collect(self._plan(region.boundingBox(), region, ids))

    def _collect(self, node) -> List[QgsGeometry]:
        """Gap parts of a (sub)tree: leaves' results, merged across each cut in tree order."""
        if isinstance(node, _Split):
            first = self._collect(node.first)
            second = self._collect(node.second)
            check_canceled(self.feedback)
            return self._merge_across(first, second, node.cut, node.vertical)
        parts, area = node.result()  # re-raises a worker's error or cancel here
        if area:
            self._advance(area)
        return parts

    def _advance(self, area: float) -> None:
        """Progress by merged area: from the calling thread only, never from a worker."""
        self._done_area += area
        if self.feedback is not None:
            self.feedback.setProgress(min(100.0, 100.0 * self._done_area / self.total_area))

    def _plan(self, rect: QgsRectangle, region: QgsGeometry, ids: np.ndarray):
        """The tree of tiles; each leaf's work is started as soon as the leaf is known."""
        check_canceled(self.feedback)
        if region.isEmpty():
            return Done(([], 0.0))
        rect = rect.intersect(region.boundingBox())
        if len(ids) <= self.tile_pieces or max(rect.width(), rect.height()) < 1.0:
            return self._start_leaf(rect, region, ids)
        vertical = rect.width() >= rect.height()
        cut = rect.center().x() if vertical else rect.center().y()
        if vertical:
            halves = (
                QgsRectangle(rect.xMinimum(), rect.yMinimum(), cut, rect.yMaximum()),
                QgsRectangle(cut, rect.yMinimum(), rect.xMaximum(), rect.yMaximum()),
            )
        else:
            halves = (
                QgsRectangle(rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), cut),
                QgsRectangle(rect.xMinimum(), cut, rect.xMaximum(), rect.yMaximum()),
            )
        box = self.boxes[ids]
        subsets = [
            ids[
                (box[:, 0] <= half.xMaximum())
                & (box[:, 2] >= half.xMinimum())
                & (box[:, 1] <= half.yMaximum())
                & (box[:, 3] >= half.yMinimum())
            ]
            for half in halves
        ]
        if len(subsets[0]) + len(subsets[1]) > 1.8 * len(ids):
            # most pieces span the cut: splitting further would not shrink the unions, only multiply them
            return self._start_leaf(rect, region, ids)
        children = []
        for half, subset in zip(halves, subsets):
            check_canceled(self.feedback)
            sub_region = _polygonal(region.intersection(rectangle_geometry(half)))
            children.append(self._plan(half, sub_region, subset))
        return _Split(cut, vertical, children[0], children[1])

    def _start_leaf(self, rect, region, ids):
        self.leaves += 1
        if self._pool is None:  # no workers: merged now, and progress reported now
            parts, area = self._leaf(rect, region, ids)
            self._advance(area)
            return Done((parts, 0.0))
        return self._pool.submit(self._leaf, rect, region, ids)

    def _leaf(self, rect: QgsRectangle, region: QgsGeometry, ids: np.ndarray):
        """(gap parts, area) of one tile: the tile's region minus the union of its pieces.
        Runs in a worker thread: no progress report, only cancel checks."""
        check_canceled(self.feedback)
        if len(ids):
            rect_geom = rectangle_geometry(rect)
            clipped = []
            for i in ids:
                piece = self.pieces[i]
                x0, y0, x1, y1 = self.boxes[i]
                if x0 < rect.xMinimum() or y0 < rect.yMinimum() or x1 > rect.xMaximum() or y1 > rect.yMaximum():
                    piece = piece.intersection(rect_geom)  # robust overlay, unlike the fast clipper
                clipped.append(piece)
            covered = union_all(clipped, self.feedback)
            check_canceled(self.feedback)
            gaps = region.difference(covered) if not covered.isEmpty() else region
        else:
            gaps = region
        return polygon_parts(gaps), region.area()

    def _merge_across(
        self, first: List[QgsGeometry], second: List[QgsGeometry], cut: float, vertical: bool
    ) -> List[QgsGeometry]:
        def reaches(part, side):
            box = part.boundingBox()
            if vertical:
                return box.xMaximum() >= cut - _CUT_TOLERANCE if side == 0 else box.xMinimum() <= cut + _CUT_TOLERANCE
            return box.yMaximum() >= cut - _CUT_TOLERANCE if side == 0 else box.yMinimum() <= cut + _CUT_TOLERANCE

        touching = [p for p in first if reaches(p, 0)] + [p for p in second if reaches(p, 1)]
        if not touching:
            return first + second
        keep = [p for p in first if not reaches(p, 0)] + [p for p in second if not reaches(p, 1)]
        check_canceled(self.feedback)
        return keep + polygon_parts(union_all(touching, self.feedback))


POLYGON_TYPE = QgsWkbTypes.GeometryType.PolygonGeometry
LINE_TYPE = QgsWkbTypes.GeometryType.LineGeometry
POINT_TYPE = QgsWkbTypes.GeometryType.PointGeometry


def _parts_of_type(geom: QgsGeometry, geometry_type) -> List[QgsGeometry]:
    """The non-empty single parts of ``geom`` of one geometry type (collections flattened)."""
    if geom is None or geom.isNull() or geom.isEmpty():
        return []
    if geometry_type == POLYGON_TYPE:
        return polygon_parts(geom)
    if geom.isMultipart() or QgsWkbTypes.flatType(geom.wkbType()) == QgsWkbTypes.Type.GeometryCollection:
        parts = []
        for part in geom.asGeometryCollection():
            parts.extend(_parts_of_type(part, geometry_type))
        return parts
    return [geom] if geom.type() == geometry_type else []


def output_geometry(
    geom: QgsGeometry,
    source: QgsCoordinateReferenceSystem,
    target: QgsCoordinateReferenceSystem,
    transform_context=None,
    geometry_type=None,
    multi: bool = True,
) -> Optional[QgsGeometry]:
    """``geom`` (in ``source``) as written to an output in ``target``: see :func:`valid_output`."""
    transform = None
    if source != target:
        context = transform_context or QgsProject.instance().transformContext()
        transform = QgsCoordinateTransform(source, target, context)
    return valid_output(geom, transform, geometry_type, multi)


def valid_output(
    geom: QgsGeometry,
    transform: Optional[QgsCoordinateTransform] = None,
    geometry_type=None,
    multi: bool = True,
) -> Optional[QgsGeometry]:
    """A copy of ``geom`` taken through ``transform`` (to the output's CRS): valid for GEOS, of
    ``geometry_type`` only (default: its own), multi-part when ``multi``; None when nothing is left.

    Every algorithm writes its geometries through here. A geometry valid in the metric CRS can turn
    invalid on the way back (a ring folded or left open by a projection pushed past its domain, a
    line whose vertices merge): it is repaired with makeValid and the parts of other types the repair
    leaves are dropped. Coordinates that do not survive the transformation (infinite or NaN) give None.
    """
    if geom is None or geom.isNull() or geom.isEmpty():
        return None
    out = QgsGeometry(geom)
    if transform is not None and transform.isValid() and not transform.isShortCircuited():
        try:
            out.transform(transform)
        except QgsCsException:
            return None
    box = out.boundingBox()
    if not all(math.isfinite(v) for v in (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())):
        return None
    kind = geometry_type if geometry_type is not None else out.type()
    valid = out.isGeosValid()
    if not valid:
        out = out.makeValid()
    # the parts of a valid polygon or multipolygon are valid, and collected again they make the same valid
    # multipolygon: no further check then (a collection's parts may overlap, so it is checked)
    trusted = (
        valid
        and kind == POLYGON_TYPE
        and QgsWkbTypes.flatType(out.wkbType()) in (QgsWkbTypes.Type.Polygon, QgsWkbTypes.Type.MultiPolygon)
    )
    parts = _parts_of_type(out, kind)
    if not trusted:
        parts = [p for p in parts if p.isGeosValid()]
    if not parts:
        return None
    if len(parts) == 1 and not multi:
        return parts[0]
    result = QgsGeometry.collectGeometry(parts) if len(parts) > 1 else QgsGeometry(parts[0])
    if kind == POLYGON_TYPE and len(parts) > 1 and not trusted and not result.isGeosValid():
        result = _polygonal(union_all(parts))  # parts that touch or overlap after the repair: merged
    if multi:
        result.convertToMultiType()
    if result.isEmpty():
        return None
    return result if trusted or result.isGeosValid() else None


def to_crs(
    geom: QgsGeometry,
    source: QgsCoordinateReferenceSystem,
    target: QgsCoordinateReferenceSystem,
    transform_context=None,
) -> QgsGeometry:
    """A copy of ``geom`` (in ``source``) in ``target``: results go back to the control layer's CRS."""
    out = QgsGeometry(geom)
    if source != target:
        context = transform_context or QgsProject.instance().transformContext()
        out.transform(QgsCoordinateTransform(source, target, context))
    return out
