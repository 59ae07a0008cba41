"""Builders of small gap-analysis scenarios for the tests: memory layers made from WKT."""

import math
import random

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant

from border_gaps.analysis.compat import new_field

UTM38 = "EPSG:32638"
# A point near Sinjar in UTM 38N, so that tests run where the plugin is used.
X0, Y0 = 300_000.0, 4_000_000.0

_TYPES = {str: QVariant.String, int: QVariant.Int, float: QVariant.Double}


def layer(kind, name, rows, crs=UTM38, fields=None):
    """A memory layer of ``kind`` ('Polygon', 'Point', 'LineString', 'MultiPolygon' …).

    ``rows``: (geometry or WKT, {field: value}) pairs; field types are taken from the values,
    or from ``fields`` ({name: python type}) when given.
    """
    vl = QgsVectorLayer(f"{kind}?crs={crs}", name, "memory")
    spec = dict(fields or {})
    for _, attrs in rows:
        for key, value in attrs.items():
            spec.setdefault(key, type(value) if value is not None else str)
    vl.dataProvider().addAttributes([new_field(k, _TYPES[t]) for k, t in spec.items()])
    vl.updateFields()
    features = []
    for geom, attrs in rows:
        feature = QgsFeature(vl.fields())
        if geom is not None:  # None: a feature without geometry
            feature.setGeometry(geom if isinstance(geom, QgsGeometry) else QgsGeometry.fromWkt(geom))
        feature.setAttributes([attrs.get(k) for k in spec])
        features.append(feature)
    vl.dataProvider().addFeatures(features)
    vl.updateExtents()
    assert vl.isValid()
    return vl


def box(x0, y0, x1, y1, dx=X0, dy=Y0):
    """WKT of the rectangle [x0, x1] × [y0, y1] in km, offset to (dx, dy) m."""
    a, b, c, d = dx + x0 * 1000, dy + y0 * 1000, dx + x1 * 1000, dy + y1 * 1000
    return f"POLYGON(({a} {b},{c} {b},{c} {d},{a} {d},{a} {b}))"


def box_with_hole(outer, hole):
    """WKT of rectangle ``outer`` minus rectangle ``hole`` (both (x0, y0, x1, y1) in km)."""
    return QgsGeometry.fromWkt(box(*outer)).difference(QgsGeometry.fromWkt(box(*hole))).asWkt()


def point(x, y, dx=X0, dy=Y0):
    return f"POINT({dx + x * 1000} {dy + y * 1000})"


def districts(rows, crs=UTM38):
    """Control areas from (wkt, force, name) triples."""
    return layer("Polygon", "districts", [(wkt, {"name": name, "force": force}) for wkt, force, name in rows], crs)


def polygon_area_of_disc(radius, segments_per_quarter=16):
    """Area of the regular 4·n-gon GEOS draws for a disc (vertices on the circle)."""
    n = 4 * segments_per_quarter
    return 0.5 * n * radius * radius * math.sin(2 * math.pi / n)


def to_crs(vl, crs):
    """A memory copy of ``vl`` in ``crs`` (e.g. a WGS84 copy of a UTM case)."""
    target = QgsCoordinateReferenceSystem(crs)
    transform = QgsCoordinateTransform(vl.crs(), target, QgsProject.instance())
    rows = []
    for feature in vl.getFeatures():
        geom = QgsGeometry(feature.geometry())
        geom.transform(transform)
        rows.append((geom, dict(zip(vl.fields().names(), feature.attributes()))))
    kind = {0: "Point", 1: "LineString", 2: "Polygon"}[vl.geometryType()]
    return layer(kind, vl.name(), rows, crs, {f.name(): _py_type(f) for f in vl.fields()})


def shuffled(vl, seed=1):
    """A copy of ``vl`` with its features in another order."""
    rows = [(QgsGeometry(f.geometry()), dict(zip(vl.fields().names(), f.attributes()))) for f in vl.getFeatures()]
    random.Random(seed).shuffle(rows)
    kind = {0: "Point", 1: "LineString", 2: "Polygon"}[vl.geometryType()]
    return layer(kind, vl.name(), rows, vl.crs().authid(), {f.name(): _py_type(f) for f in vl.fields()})


def _py_type(field):
    return {QVariant.String: str, QVariant.Int: int, QVariant.Double: float}.get(field.type(), str)


def two_squares(length_km=10.0, gap_km=2.0):
    """Force A owns [-L, 0] × [0, L], force B owns [g, g + L] × [0, L] (km from X0, Y0)."""
    return districts(
        [
            (box(-length_km, 0, 0, length_km), "Peshmerga", "Sinjar"),
            (box(gap_km, 0, gap_km + length_km, length_km), "ISF", "Tal Afar"),
        ]
    )


def arc_deficit(radius, angle, segments_per_quarter=16):
    """Area lost when an arc of ``angle`` radians is drawn as chords of a buffer with
    ``segments_per_quarter`` segments (vertices on the circle): r²(θ − sin θ)/2 per chord."""
    theta = math.pi / 2 / segments_per_quarter
    return angle / theta * radius * radius * (theta - math.sin(theta)) / 2


def within_chords(measured, exact, deficit):
    """``measured`` is ``exact`` less at most the chord ``deficit`` (+20 % for partial chords)."""
    return exact - 1.2 * deficit - 1e-9 <= measured <= exact + 1e-9 * max(1.0, abs(exact))


def strip_scenario(n_pieces, seed=7, length_km=40.0):
    """A Peshmerga and an ISF district either side of a wavy strip 1–4 km wide, with ``n_pieces``
    coverage polygons (discs and corridors) along it: (control layer, coverage layer)."""
    rng = random.Random(seed)
    steps = int(length_km * 2)
    west, east = [], []
    for i in range(steps + 1):
        y = i * 0.5
        centre = 2.0 * math.sin(y / 6.0)
        width = 1.0 + 3.0 * (0.5 + 0.5 * math.sin(y / 4.3 + 1.0))
        west.append((centre - width / 2, y))
        east.append((centre + width / 2, y))

    def ring(edge, depth):
        pts = [(x, y) for x, y in edge] + [(edge[-1][0] + depth, edge[-1][1]), (edge[0][0] + depth, edge[0][1])]
        pts.append(pts[0])
        return "POLYGON((" + ",".join(f"{X0 + x * 1000} {Y0 + y * 1000}" for x, y in pts) + "))"

    control = districts([(ring(west, -15), "Peshmerga", "West"), (ring(east, 15), "ISF", "East")])
    rows = []
    scale = math.sqrt(300.0 / n_pieces)
    for _ in range(n_pieces):
        i = rng.randrange(len(west))
        x = rng.uniform(west[i][0] - 2, east[i][0] + 2)
        y = west[i][1]
        centre = QgsGeometry.fromWkt(point(x, y))
        if rng.random() < 0.6:
            geom = centre.buffer(rng.uniform(200, 600) * scale, 8)
        else:
            dy = rng.uniform(1000, 3000) * scale
            line = QgsGeometry.fromWkt(
                f"LINESTRING({X0 + x * 1000} {Y0 + y * 1000 - dy},"
                f"{X0 + x * 1000 + rng.uniform(-300, 300)} {Y0 + y * 1000 + dy})"
            )
            geom = line.buffer(rng.uniform(60, 150) * scale, 8)
        rows.append((geom, {"kind": "post"}))
    return control, layer("Polygon", "coverage", rows)
