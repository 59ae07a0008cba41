"""Measures of each gap zone (width, neighbours, distance to the border and to coverage,
settlements inside) and the priority score that ranks them."""

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsFeedback, QgsGeometry, QgsPointXY, QgsRectangle, QgsSpatialIndex

from . import workers
from .geometry import BUFFER_SEGMENTS, check_canceled

#: Weights and scales of the priority score (see :func:`priority` and the help of gapzones).
PRIORITY_TERMS = {
    "area": (0.35, 10.0),  # weight, km²: a 10 km² gap scores 63 % of this term
    "width": (0.25, 2.0),  # km: a 2 km wide gap scores 63 %
    "border": (0.25, 10.0),  # km: a gap on the border scores 100 %, 10 km away 37 %
    "settlements": (0.15, 2.0),  # villages inside (abandoned ones count twice)
}

PRIORITY_FORMULA = (
    "priority = 100 × (0.35·(1 − e^(−area_km2/10)) + 0.25·(1 − e^(−width_km/2)) "
    "+ 0.25·e^(−border_km/10) + 0.15·(1 − e^(−(settlements + abandoned)/2))) / W, "
    "where W is the sum of the weights of the terms that can be computed: without a border layer the "
    "border term is left out, without a settlements layer the settlements term, so the score stays 0–100."
)


def priority(
    area_km2: float, width_km: float, border_km: Optional[float], settlements: Optional[int], abandoned: Optional[int]
) -> float:
    """The 0–100 priority of a gap (PRIORITY_FORMULA), rounded to 0.1."""
    terms = [
        (PRIORITY_TERMS["area"][0], 1 - math.exp(-area_km2 / PRIORITY_TERMS["area"][1])),
        (PRIORITY_TERMS["width"][0], 1 - math.exp(-width_km / PRIORITY_TERMS["width"][1])),
    ]
    if border_km is not None:
        terms.append((PRIORITY_TERMS["border"][0], math.exp(-border_km / PRIORITY_TERMS["border"][1])))
    if settlements is not None:
        count = settlements + (abandoned or 0)
        terms.append((PRIORITY_TERMS["settlements"][0], 1 - math.exp(-count / PRIORITY_TERMS["settlements"][1])))
    weight = sum(w for w, _ in terms)
    return round(100.0 * sum(w * t for w, t in terms) / weight, 1)


@dataclass
class GapMetrics:
    area_m2: float
    perimeter_m: float
    width_m: float
    force_a_adj: Optional[str]
    force_b_adj: Optional[str]
    border_m: Optional[float]
    settlements: Optional[int]
    abandoned: Optional[int]
    post_m: Optional[float]
    priority: float
    #: the gap's innermost point (pole of inaccessibility), from which post_m is measured
    pole: Optional[QgsPointXY] = None


class _Named:
    """Districts of one force with names: a gap is within ``distance`` of a district when it meets the
    district grown by ``distance`` (a prepared geometry, much faster than a distance per gap)."""

    def __init__(self, districts: Sequence[Tuple[str, QgsGeometry]], distance: float):
        self.items = []
        self.index = QgsSpatialIndex()
        # a hair over the distance: gaps bounded by the seam's edge lie exactly at it
        reach = distance * (1 + 1e-9) + 1e-6
        for name, geom in districts:
            if not name:
                continue
            grown = geom.buffer(reach, BUFFER_SEGMENTS)
            engine = QgsGeometry.createGeometryEngine(grown.constGet())
            engine.prepareGeometry()
            self.index.addFeature(len(self.items), grown.boundingBox())
            self.items.append((name, grown, engine))  # grown held: the engine points into it

    def within(self, geom: QgsGeometry) -> Optional[str]:
        names = set()
        for i in self.index.intersects(geom.boundingBox()):
            name, _, engine = self.items[i]
            if engine.intersects(geom.constGet()):
                names.add(name)
        return ", ".join(sorted(names))


def measure_gaps(
    gaps: Sequence[QgsGeometry],
    seam_distance: float,
    districts_a: Optional[Sequence[Tuple[str, QgsGeometry]]] = None,
    districts_b: Optional[Sequence[Tuple[str, QgsGeometry]]] = None,
    border: Optional[QgsGeometry] = None,
    settlements: Optional[Sequence[Tuple[QgsPointXY, bool]]] = None,
    coverage: Optional[Sequence[QgsGeometry]] = None,
    feedback: Optional[QgsFeedback] = None,
) -> List[GapMetrics]:
    """The metrics of each gap (all geometries in the same metric CRS, distances in m).

    ``districts_a``/``districts_b``: (name, geometry) of each force's districts, or None
    without a name field; a district is *adjacent* to a gap when within the seam distance.
    ``settlements``: (point, abandoned?) pairs. ``coverage``: the pieces reaching the seam;
    ``post_m`` is the distance from the gap's innermost point to the nearest of them.
    Missing inputs give None for their fields.
    """
    named_a = _Named(districts_a, seam_distance) if districts_a is not None else None
    named_b = _Named(districts_b, seam_distance) if districts_b is not None else None
    border_engine = None
    if border is not None and not border.isEmpty():
        border_engine = border
    village_xy = None
    if settlements is not None:
        village_xy = np.array([(p.x(), p.y()) for p, _ in settlements], dtype=float).reshape(-1, 2)
    cover_index = None
    if coverage:
        cover_index = QgsSpatialIndex()
        for i, geom in enumerate(coverage):
            cover_index.addFeature(i, geom.boundingBox())
    results = []
    for k, (gap, (radius, post_m, pole)) in enumerate(zip(gaps, _inner_circles(gaps, cover_index, coverage, feedback))):
        check_canceled(feedback)
        if feedback is not None and k % 25 == 0:
            feedback.setProgress(50.0 + 50.0 * k / max(1, len(gaps)))
        area = gap.area()
        border_m = border_engine.distance(gap) if border_engine is not None else None
        count = abandoned = None
        if village_xy is not None:
            count = abandoned = 0
            engine = QgsGeometry.createGeometryEngine(gap.constGet())
            engine.prepareGeometry()
            box = gap.boundingBox()
            inside_box = np.nonzero(
                (village_xy[:, 0] >= box.xMinimum())
                & (village_xy[:, 0] <= box.xMaximum())
                & (village_xy[:, 1] >= box.yMinimum())
                & (village_xy[:, 1] <= box.yMaximum())
            )[0]
            for i in inside_box:
                point, is_abandoned = settlements[i]
                village = QgsGeometry.fromPointXY(point)  # held: constGet() of a temporary would dangle
                if engine.intersects(village.constGet()):
                    count += 1
                    abandoned += int(is_abandoned)
        width_m = 2.0 * radius
        results.append(
            GapMetrics(
                area_m2=area,
                perimeter_m=gap.length(),
                width_m=width_m,
                force_a_adj=named_a.within(gap) if named_a is not None else None,
                force_b_adj=named_b.within(gap) if named_b is not None else None,
                border_m=border_m,
                settlements=count,
                abandoned=abandoned,
                post_m=post_m,
                priority=priority(
                    area / 1e6, width_m / 1e3, None if border_m is None else border_m / 1e3, count, abandoned
                ),
                pole=pole,
            )
        )
    return results


def _inner_circle(gap: QgsGeometry, cover_index, coverage, feedback):
    """(inscribed radius, distance from the pole of inaccessibility to the nearest coverage or None, the
    pole as a point): the costly measures of one gap, all in GEOS/QGIS calls that let other threads run."""
    check_canceled(feedback)
    # polylabel to 1 m, or to 1/500 of the gap's size for big gaps, so time stays bounded
    pole, radius = gap.poleOfInaccessibility(max(1.0, math.sqrt(gap.area()) / 500.0))
    post_m = _nearest_distance(pole, radius, cover_index, coverage) if cover_index is not None else None
    return radius, post_m, pole.asPoint()


def _inner_circles(gaps, cover_index, coverage, feedback):
    """:func:`_inner_circle` of every gap, in order; in worker threads when there are several, 64 gaps
    per task (each gap is its own geometry and the spatial index is only read: nothing shared is
    written). Progress 0–50 % here, from the calling thread only."""

    def chunk(start, size=64):
        return [_inner_circle(gap, cover_index, coverage, feedback) for gap in gaps[start : start + size]]

    if len(gaps) < 128:
        return chunk(0, len(gaps))
    circles = []
    with workers.pool("measure") as executor:
        if executor is None:
            return chunk(0, len(gaps))
        for part in executor.map(chunk, range(0, len(gaps), 64)):
            circles.extend(part)  # a worker's error or cancel is raised here
            if feedback is not None:
                feedback.setProgress(50.0 * len(circles) / len(gaps))
    return circles


def _nearest_distance(point: QgsGeometry, start: float, index: QgsSpatialIndex, pieces: Sequence[QgsGeometry]) -> float:
    """Distance from ``point`` to the nearest of ``pieces``: boxes within r of the point are tried,
    r growing from ``start``; a piece at distance ≤ r has its box within r, so the first candidate
    at distance ≤ r is the true nearest. Gaps are bounded by coverage, so r = the inscribed radius
    usually finds it at once."""
    centre = point.asPoint()
    reach = max(1.0, start * 1.05)
    while True:
        box = QgsRectangle(centre.x() - reach, centre.y() - reach, centre.x() + reach, centre.y() + reach)
        ids = index.intersects(box)
        if ids:
            best = min(pieces[i].distance(point) for i in ids)
            if best <= reach or len(ids) == len(pieces):
                return best
        reach *= 3.0


def summary(seam_area_m2: float, covered_m2: float, gap_areas_m2: Sequence[float]) -> Dict[str, float]:
    """The numeric outputs of gapzones, in km² and percent."""
    return {
        "SEAM_AREA_KM2": seam_area_m2 / 1e6,
        "COVERED_AREA_KM2": covered_m2 / 1e6,
        "COVERED_PCT": 100.0 * covered_m2 / seam_area_m2 if seam_area_m2 > 0 else 0.0,
        "GAP_COUNT": len(gap_areas_m2),
        "GAP_AREA_KM2": sum(gap_areas_m2) / 1e6,
        "LARGEST_GAP_KM2": max(gap_areas_m2) / 1e6 if gap_areas_m2 else 0.0,
    }
