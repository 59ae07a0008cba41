"""Layers with the awkward features real layers kept by hand have: a row whose shape was never
drawn (NULL geometry, written by QGIS 3.22 into a GeoPackage as an *empty* geometry), an empty
geometry, a multi-part, a curved (circular-arc) geometry, Z and M values, and an invalid one
(a bow-tie polygon, a zero-area sliver, a zero-length line), beside the normal features of the
bundled test scenario (bg_testing.algorithm_inputs.Scenario).

Used by the interpreter-health subprocess test and the soak run.
"""

import os

from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer, QgsWkbTypes

from . import robustness as rb
from .algorithm_inputs import LAYER_GEOMETRY, POINT, POLYGON, Scenario

# The layer type each geometry class is written as: multi, curved and Z/M at once, so that every
# feature of the file carries Z and M and any of the part types below fits.
ODD_LAYER_TYPE = {POLYGON: "MultiSurfaceZM", POINT: "MultiPointZM", "line": "MultiCurveZM"}


def _inner_box(layer):
    """A box inside the first feature with a geometry (its bounding box shrunk to the middle third)."""
    for feature in layer.getFeatures():
        if feature.hasGeometry() and not feature.geometry().isEmpty():
            box = feature.geometry().boundingBox()
            w, h = max(box.width(), 1e-4), max(box.height(), 1e-4)
            cx, cy = box.center().x(), box.center().y()
            return cx - w / 6, cy - h / 6, cx + w / 6, cy + h / 6, feature
    raise AssertionError(f"layer {layer.name()} has no geometry to place odd features by")


def odd_geometries(kind, x0, y0, x1, y1):
    """(label, WKT or None) of the awkward geometries of one class, inside the box (x0, y0, x1, y1)."""
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if kind == POLYGON:
        return [
            ("null", None),
            ("empty", "POLYGON EMPTY"),
            # a bow-tie: the ring crosses itself (invalid; makeValid gives two triangles)
            ("bowtie", f"POLYGON(({x0} {y0}, {x1} {y1}, {x1} {y0}, {x0} {y1}, {x0} {y0}))"),
            # a zero-area sliver: three collinear vertices (invalid; nothing polygonal is left)
            ("sliver", f"POLYGON(({x0} {y0}, {cx} {cy}, {x1} {y1}, {x0} {y0}))"),
            (
                "multipart",
                f"MULTIPOLYGON ((({x0} {y0}, {cx} {y0}, {cx} {cy}, {x0} {cy}, {x0} {y0})),"
                f"(({cx} {cy}, {x1} {cy}, {x1} {y1}, {cx} {y1}, {cx} {cy})))",
            ),
            (
                "curved_zm",
                f"CURVEPOLYGON ZM (COMPOUNDCURVE ZM (CIRCULARSTRING ZM ({x0} {cy} 350 1, {cx} {y1} 360 2, "
                f"{x1} {cy} 370 3), ({x1} {cy} 370 3, {x0} {cy} 350 1)))",
            ),
        ]
    if kind == POINT:
        return [
            ("null", None),
            ("empty", "POINT EMPTY"),
            ("multipart", f"MULTIPOINT ({x0} {y0}, {x1} {y1})"),
            ("zm", f"POINT ZM ({cx} {cy} 420 5)"),
        ]
    return [
        ("null", None),
        ("empty", "LINESTRING EMPTY"),
        # a zero-length line: both vertices at one place (invalid for GEOS)
        ("zero_length", f"LINESTRING({cx} {cy}, {cx} {cy})"),
        ("multipart", f"MULTILINESTRING (({x0} {y0}, {cx} {cy}), ({cx} {y1}, {x1} {y1}))"),
        # a gentle arc from corner to corner (a tight one, buffered tens of km by borderbands, takes GEOS
        # half a minute: its hundreds of tiny segments all overlap at that distance)
        (
            "curved_zm",
            f"CIRCULARSTRING ZM ({x0} {y0} 300 1, {cx + (x1 - x0) / 8} {cy - (y1 - y0) / 8} 310 2, {x1} {y1} 320 3)",
        ),
    ]


def odd_layer(layer, kind, name):
    """``layer``'s features plus one feature of each odd geometry (attributes of its first feature)."""
    x0, y0, x1, y1, first = _inner_box(layer)
    out = QgsVectorLayer(f"{ODD_LAYER_TYPE[kind]}?crs={layer.crs().authid()}", name, "memory")
    out.dataProvider().addAttributes([f for f in layer.fields() if f.name() != "fid"])
    out.updateFields()
    features = []
    for source in layer.getFeatures():
        feature = QgsFeature(out.fields())
        feature.setAttributes([source[f.name()] for f in out.fields()])
        if source.hasGeometry():
            feature.setGeometry(source.geometry())
        features.append(feature)
    for _label, wkt in odd_geometries(kind, x0, y0, x1, y1):
        feature = QgsFeature(out.fields())
        feature.setAttributes([first[f.name()] for f in out.fields()])
        if wkt is not None:
            geom = QgsGeometry.fromWkt(wkt)
            assert not geom.isNull(), wkt
            feature.setGeometry(geom)
        features.append(feature)
    ok, _ = out.dataProvider().addFeatures(features)
    assert ok, name
    return out


class OddScenario(Scenario):
    """The test scenario with every vector layer replaced by its odd version (one GeoPackage,
    ``odd.gpkg``); ``control_variant`` 'one_force_null' instead gives control areas in which
    every district of force B has no geometry."""

    def __init__(self, folder, control_variant=None):
        super().__init__(folder)
        odd_path = os.path.join(self.folder, "odd.gpkg")
        layers = {}
        for name, kind in LAYER_GEOMETRY.items():
            layer = self.layer(name)
            if name == "control_areas" and control_variant == "one_force_null":
                layers[name] = _without_force_b(layer)
            else:
                layers[name] = odd_layer(layer, kind, name)
        from osgeo import gdal

        # GDAL warns once per layer that a Polygon goes into a MultiSurface layer: that mix is the point
        gdal.PushErrorHandler("CPLQuietErrorHandler")
        try:
            self.sources = rb.save_gpkg(layers, odd_path)
        finally:
            gdal.PopErrorHandler()
        self.odd_gpkg = odd_path

    def input_files(self):
        return super().input_files() + [self.odd_gpkg]


def _without_force_b(layer):
    out = QgsVectorLayer(f"MultiPolygon?crs={layer.crs().authid()}", "control_areas", "memory")
    out.dataProvider().addAttributes([f for f in layer.fields() if f.name() != "fid"])
    out.updateFields()
    features = []
    for source in layer.getFeatures():
        feature = QgsFeature(out.fields())
        feature.setAttributes([source[f.name()] for f in out.fields()])
        if source["force"] != "ISF":
            feature.setGeometry(source.geometry())
        features.append(feature)
    out.dataProvider().addFeatures(features)
    return out


def geometry_problems(layer):
    """Descriptions of the output features whose geometry GEOS calls invalid, or that carry an
    empty geometry (a feature without a shape is written with no geometry, never an empty one)."""
    problems = []
    for feature in layer.getFeatures():
        if not feature.hasGeometry():
            continue
        geom = feature.geometry()
        if geom.isEmpty():
            problems.append(f"feature {feature.id()}: empty {QgsWkbTypes.displayString(geom.wkbType())}")
        elif not geom.isGeosValid():
            error = geom.validateGeometry()
            reason = error[0].what() if error else "invalid"
            problems.append(f"feature {feature.id()}: {reason}: {geom.asWkt(3)[:120]}")
    return problems
