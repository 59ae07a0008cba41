"""Geodesic distance to the border line and distance bands on each side of it.

Computed in an azimuthal equidistant CRS centred on the border (distances from the centre
are exact, elsewhere within ~10 m at 25 km over the 600 km Iraq–Syria line).
"""

import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsDistanceArea,
    QgsGeometry,
    QgsPointXY,
    QgsWkbTypes,
)

from .errors import BorderGapsError

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
# Vertex spacing of the geodesically densified border: a straight segment in any CRS then
# departs from the geodesic by millimetres, so every CRS sees the same line.
DENSIFY_SPACING_M = 1000.0
BUFFER_SEGMENTS = 16  # per quarter circle (DESIGN.md: where an exact comparison matters)

IRAQ_CODES = ("IQ", "IRQ", "IRAQ")
SYRIA_CODES = ("SY", "SYR", "SYRIA")


def geodesic_distance_area() -> QgsDistanceArea:
    """A QgsDistanceArea measuring on the WGS 84 ellipsoid, for lon/lat input."""
    da = QgsDistanceArea()
    da.setSourceCrs(WGS84, QgsCoordinateTransformContext())
    da.setEllipsoid("WGS84")
    return da


def densify_geodesic(line_wgs84: QgsGeometry, spacing_m: float = DENSIFY_SPACING_M) -> QgsGeometry:
    """``line_wgs84`` (lon/lat) with vertices added along the geodesic of each segment.

    The segments of a lon/lat line are read as geodesics, as QgsDistanceArea measures them;
    a straight lon/lat segment of 150 km departs from its geodesic by ~300 m here.
    """
    da = geodesic_distance_area()
    parts = []
    for part in line_wgs84.constParts():
        points = [QgsPointXY(v) for v in part.vertices()]
        out = [points[0]]
        for a, b in zip(points, points[1:]):
            if a == b:
                continue
            pieces = da.geodesicLine(a, b, spacing_m, False)
            seg = [p for piece in pieces for p in piece]
            # geodesicLine puts a point every spacing_m from a, also past b when the segment is shorter
            # than spacing_m (seen on an already densified line): keep only the points before b.
            length = da.measureLine(a, b)
            out.extend(p for p in seg[1:-1] if da.measureLine(a, p) < length - 1e-6)
            out.append(b)
        parts.append(out)
    if len(parts) == 1:
        return QgsGeometry.fromPolylineXY(parts[0])
    return QgsGeometry.fromMultiPolylineXY(parts)


def equidistant_crs(lon: float, lat: float) -> QgsCoordinateReferenceSystem:
    """The azimuthal equidistant CRS on WGS 84 centred at (lon, lat), in metres."""
    crs = QgsCoordinateReferenceSystem.fromProj(
        f"+proj=aeqd +lat_0={lat:.8f} +lon_0={lon:.8f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )
    if not crs.isValid():  # pragma: no cover - PROJ always knows aeqd
        raise BorderGapsError(f"Could not create an azimuthal equidistant CRS centred at {lon}, {lat}.")
    return crs


def border_distance_km(point: QgsPointXY, border_wgs84: QgsGeometry) -> float:
    """Geodesic distance (km) from a lon/lat point to the (geodesically densified) border.

    In the azimuthal equidistant CRS centred on the point, distances from the point are
    geodesic distances, so the planar distance there is the geodesic one.
    """
    crs = equidistant_crs(point.x(), point.y())
    transform = QgsCoordinateTransform(WGS84, crs, QgsCoordinateTransformContext())
    line = QgsGeometry(border_wgs84)
    line.transform(transform)
    return line.distance(QgsGeometry.fromPointXY(QgsPointXY(0.0, 0.0))) / 1000.0


class BorderDistance:
    """Approximate distance (km) to the border in one equidistant CRS centred on it: within
    0.5 % up to 300 km from the centre, for screening before :func:`border_distance_km`."""

    def __init__(self, border_wgs84: QgsGeometry):
        centre = border_wgs84.boundingBox().center()
        self.transform = QgsCoordinateTransform(
            WGS84, equidistant_crs(centre.x(), centre.y()), QgsCoordinateTransformContext()
        )
        self.line = QgsGeometry(border_wgs84)
        self.line.transform(self.transform)

    def __call__(self, point: QgsPointXY) -> float:
        return self.line.distance(QgsGeometry.fromPointXY(self.transform.transform(point))) / 1000.0


def nearest_border_point(point: QgsPointXY, border_wgs84: QgsGeometry) -> QgsPointXY:
    """The point of the border (lon/lat) geodesically nearest to ``point``."""
    crs = equidistant_crs(point.x(), point.y())
    transform = QgsCoordinateTransform(WGS84, crs, QgsCoordinateTransformContext())
    line = QgsGeometry(border_wgs84)
    line.transform(transform)
    nearest = line.nearestPoint(QgsGeometry.fromPointXY(QgsPointXY(0.0, 0.0))).asPoint()
    return transform.transform(nearest, Qgis.TransformDirection.Reverse)


#: Farthest band edge (km): the azimuthal equidistant projection centred on the border line keeps
#: distances from it true within that reach.
MAX_BAND_KM = 500.0


def parse_band_ranges(text: str, parameter: str) -> List[Tuple[float, float]]:
    """``"10-25"`` or ``"0-5, 5-10"`` (km) as [(min_km, max_km), ...].

    Raises BorderGapsError naming ``parameter`` and the bad value. An empty text gives no band.
    """
    ranges = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)", item)
        if not match:
            raise BorderGapsError(
                f"{parameter}: '{item}' is not a distance range. Write ranges in km as MIN-MAX, "
                "several separated by commas, e.g. '10-25' or '0-5,5-10'."
            )
        low, high = float(match.group(1)), float(match.group(2))
        if not low < high:
            raise BorderGapsError(
                f"{parameter}: in '{item}' the first distance must be smaller than the second "
                "(e.g. '10-25', not '25-10')."
            )
        if high > MAX_BAND_KM:
            raise BorderGapsError(
                f"{parameter}: '{item}' reaches {high:g} km from the border; bands are computed up to "
                f"{MAX_BAND_KM:g} km (the projection centred on the border is true only that far)."
            )
        ranges.append((low, high))
    return ranges


def side_of_code(value) -> Optional[str]:
    """'IQ' or 'SY' for a country value such as 'IQ', 'IRQ' or 'Iraq' (any case), else None."""
    code = str(value or "").strip().upper()
    if code in IRAQ_CODES:
        return "IQ"
    if code in SYRIA_CODES:
        return "SY"
    return None


def band_label(low: float, high: float) -> str:
    return f"{low:g}–{high:g} km"


@dataclass
class Band:
    """One distance band on one side of the border; geometry in lon/lat (EPSG:4326)."""

    side: str
    min_km: float
    max_km: float
    geometry: QgsGeometry
    area_km2: float

    @property
    def label(self) -> str:
        return band_label(self.min_km, self.max_km)


def border_bands(
    border_wgs84: QgsGeometry,
    sides: Sequence[Tuple[str, QgsGeometry, Sequence[Tuple[float, float]]]],
    is_canceled: Callable[[], bool] = lambda: False,
    progress: Callable[[float], None] = lambda _pct: None,
) -> List[Band]:
    """Bands of land at ``min_km``–``max_km`` from the border, clipped to each side's polygon.

    ``sides`` is [(side code, side polygon in lon/lat, [(min_km, max_km), ...]), ...]. The
    border is densified along geodesics and buffered in an azimuthal equidistant CRS centred
    on it, so a band is the land whose geodesic distance to the line lies in the range.
    """
    if border_wgs84 is None or border_wgs84.isEmpty():
        raise BorderGapsError("The border layer has no line geometry: choose a layer with the border line.")
    line = densify_geodesic(border_wgs84)
    centre = line.boundingBox().center()
    crs = equidistant_crs(centre.x(), centre.y())
    transform = QgsCoordinateTransform(WGS84, crs, QgsCoordinateTransformContext())
    line.transform(transform)
    da = geodesic_distance_area()
    total = sum(len(ranges) for _side, _poly, ranges in sides) or 1
    done = 0
    buffers = {}

    def buffered(distance_km: float) -> QgsGeometry:
        if distance_km not in buffers:
            buffers[distance_km] = (
                line.buffer(distance_km * 1000.0, BUFFER_SEGMENTS) if distance_km > 0 else QgsGeometry()
            )
        return buffers[distance_km]

    bands = []
    for side, polygon_wgs84, ranges in sides:
        polygon = QgsGeometry(polygon_wgs84)
        polygon.transform(transform)
        if not polygon.isGeosValid():
            polygon = polygon.makeValid()
        for low, high in ranges:
            if is_canceled():
                return bands
            ring = buffered(high)
            if low > 0:
                ring = ring.difference(buffered(low))
            geom = ring.intersection(polygon)
            done += 1
            progress(100.0 * done / total)
            if geom.isEmpty():
                continue
            geom = _polygons_only(geom)
            if geom is None:
                continue
            geom.transform(transform, Qgis.TransformDirection.Reverse)
            if not geom.isGeosValid():
                geom = _polygons_only(geom.makeValid()) or geom
            bands.append(Band(side, low, high, geom, da.measureArea(geom) / 1e6))
    return bands


def _polygons_only(geom: QgsGeometry) -> Optional[QgsGeometry]:
    """The polygon parts of an intersection result (drops slivers of lines or points)."""
    if geom.type() == QgsWkbTypes.GeometryType.PolygonGeometry:
        geom.convertToMultiType()
        return geom
    parts = [QgsGeometry(p.clone()) for p in geom.constParts()]
    keep = [p for p in parts if p.type() == QgsWkbTypes.GeometryType.PolygonGeometry]
    if not keep:
        return None
    out = QgsGeometry.unaryUnion(keep)
    out.convertToMultiType()
    return out
