"""Helpers for the bundled-data tests: places.csv, Natural Earth, and brute-force geodesic distances.

The distance here is computed differently from analysis/bands.py on purpose: the minimum of
QgsDistanceArea geodesic distances to points every 100 m along the line's geodesic segments.
"""

import csv
import os
import shutil

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsDistanceArea,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsVectorLayer,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLACES_COPY = os.path.join(ROOT, "scripts", "data", "places.csv")


def distance_area() -> QgsDistanceArea:
    da = QgsDistanceArea()
    da.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateTransformContext())
    da.setEllipsoid("WGS84")
    return da


def places():
    """places.csv rows by name (the copy the build uses)."""
    with open(PLACES_COPY, encoding="utf-8", newline="") as fh:
        return {row["name"]: row for row in csv.DictReader(fh)}


def place_point(row) -> QgsPointXY:
    return QgsPointXY(float(row["lon"]), float(row["lat"]))


def world_map_path() -> str:
    candidates = [
        os.path.join(QgsApplication.pkgDataPath(), "resources", "data", "world_map.gpkg"),
        "/usr/share/qgis/resources/data/world_map.gpkg",
    ]
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError("QGIS's resources/data/world_map.gpkg (Natural Earth) is missing")


def natural_earth_country(iso3: str, scratch_dir: str) -> QgsGeometry:
    """The Natural Earth polygon of ``iso3``, read from a copy of QGIS's world_map.gpkg in
    ``scratch_dir``: QGIS's OGR provider rewrites parts of that (older) GeoPackage on opening."""
    copy = os.path.join(scratch_dir, "world_map.gpkg")
    if not os.path.exists(copy):
        shutil.copyfile(world_map_path(), copy)
    layer = QgsVectorLayer(f"{copy}|layername=countries", "ne", "ogr")
    assert layer.isValid()
    feature = next(layer.getFeatures(QgsFeatureRequest().setFilterExpression(f"\"ISO_A3\" = '{iso3}'")))
    return QgsGeometry(feature.geometry())


def geodesic_points(line: QgsGeometry, spacing_m: float = 100.0):
    """Points every ``spacing_m`` along the geodesic segments of a lon/lat line."""
    da = distance_area()
    out = []
    for part in line.constParts():
        pts = [QgsPointXY(v) for v in part.vertices()]
        for a, b in zip(pts, pts[1:]):
            for piece in da.geodesicLine(a, b, spacing_m, False):
                out.extend(piece)
    return out


def brute_force_distance_km(point: QgsPointXY, line_points) -> float:
    """Minimum geodesic distance from ``point`` to any of ``line_points`` (QgsDistanceArea)."""
    da = distance_area()
    # Only measure the candidates that can be nearest: a cheap degree prefilter, widened by
    # cos(latitude) so it can never drop the true nearest point.
    candidates = sorted(line_points, key=lambda p: (p.x() - point.x()) ** 2 * 0.64 + (p.y() - point.y()) ** 2)
    best = min(da.measureLine(point, p) for p in candidates[:400])
    return best / 1000.0
