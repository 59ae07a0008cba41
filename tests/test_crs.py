"""Choosing the metric CRS (analysis/crs.py), also for the extents that differ between QGIS
releases: a layer without geometries has an empty extent at (0, 0) on 3.22 and a Null one with a
NaN centre since 3.40."""

import math

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsRectangle,
    QgsVectorLayer,
)

from border_gaps.analysis.compat import null_rectangle
from border_gaps.analysis.crs import is_usable_extent, layer_extent, metric_crs_for, utm_epsg_for
from border_gaps.analysis.errors import BorderGapsError

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
NAN = float("nan")


def _layer(name, wkts, crs="EPSG:4326"):
    layer = QgsVectorLayer(f"Polygon?crs={crs}", name, "memory")
    features = []
    for wkt in wkts:
        feature = QgsFeature()
        if wkt:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def test_utm_zones_of_the_border():
    # zone = floor((lon + 180) / 6) + 1: Sinjar (41.87 E) -> floor(221.87 / 6) + 1 = 37;
    # Tal Afar (42.45 E) -> floor(222.45 / 6) + 1 = 38; south of the equator the 327xx series.
    assert utm_epsg_for(41.87, 36.32) == 32637
    assert utm_epsg_for(42.45, 36.37) == 32638
    assert utm_epsg_for(42.45, -1.0) == 32738
    assert utm_epsg_for(180.0, 0.0) == 32601  # 180 E wraps to zone 1


@pytest.mark.parametrize("lon, lat", [(NAN, 36.0), (42.0, NAN), (math.inf, 36.0)])
def test_utm_zone_of_a_non_finite_point_is_refused(lon, lat):
    with pytest.raises(BorderGapsError, match="not numbers"):
        utm_epsg_for(lon, lat)


def test_usable_extents():
    assert is_usable_extent(QgsRectangle(41.0, 35.0, 43.0, 37.0))
    assert is_usable_extent(QgsRectangle(42.0, 36.0, 42.0, 36.0))  # one point: width 0 is fine
    assert not is_usable_extent(QgsRectangle(NAN, NAN, NAN, NAN))  # QGIS >= 3.40's Null
    assert not is_usable_extent(null_rectangle())  # nothing added to it yet
    assert not is_usable_extent(QgsRectangle(0.0, 0.0, math.inf, 1.0))


def test_metric_crs_of_a_nan_extent_names_the_layer():
    with pytest.raises(BorderGapsError, match="Layer 'districts' has no usable extent"):
        metric_crs_for(QgsRectangle(NAN, NAN, NAN, NAN), WGS84, "districts")


def test_layer_without_geometries_is_refused_naming_it(qgis_app):
    layer = _layer("districts", [None, None, "POLYGON EMPTY"])
    assert layer.featureCount() == 3
    with pytest.raises(BorderGapsError, match="Layer 'districts' has no feature with a usable geometry"):
        layer_extent(layer, "districts")


def test_layer_extent_is_the_providers_when_usable(qgis_app):
    layer = _layer("districts", [None, "POLYGON((41 35, 43 35, 43 37, 41 35))"])
    extent = layer_extent(layer, "districts")
    assert (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()) == (41, 35, 43, 37)
    assert metric_crs_for(extent, layer.crs(), "districts").authid() == "EPSG:32638"  # centre 42 E


class _NoExtentSource:
    """A feature source whose provider reports a Null extent although its features have
    geometries (what a provider without extent metadata gives): the layer's features decide."""

    def __init__(self, layer):
        self.layer = layer

    def sourceExtent(self):  # noqa: N802 (QGIS API name)
        return QgsRectangle(NAN, NAN, NAN, NAN)

    def getFeatures(self, request=None):  # noqa: N802 (QGIS API name)
        return self.layer.getFeatures(request or QgsFeatureRequest())


def test_layer_extent_falls_back_to_the_features_boxes(qgis_app):
    layer = _layer(
        "posts",
        [None, "POLYGON((41 35, 41.5 35, 41.5 35.5, 41 35))", "POLYGON((41.8 36, 42 36, 42 36.5, 41.8 36))"],
    )
    extent = layer_extent(_NoExtentSource(layer), "posts")
    # the union of the two boxes: 41-42 E, 35-36.5 N; centre 41.5 E -> zone 37
    assert (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()) == (41, 35, 42, 36.5)
    assert metric_crs_for(extent, WGS84, "posts").authid() == "EPSG:32637"
