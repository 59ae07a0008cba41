"""Choosing the metric CRS in which Border Gaps measures: the UTM zone of the data."""

import math

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsProject,
    QgsRectangle,
)

from .errors import BorderGapsError
from .inputs import iter_features

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


def is_usable_extent(extent: QgsRectangle) -> bool:
    """Whether ``extent`` is a real box: finite corners, minimum <= maximum.

    Not so: QGIS >= 3.40's Null rectangle (NaN corners, what a layer without geometries reports),
    the "minimal" rectangle (+max/-max) nothing was added to, and infinite boxes. A point's
    degenerate box (width 0) is usable.
    """
    if extent is None:
        return False
    corners = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
    return (
        all(math.isfinite(v) for v in corners)
        and extent.xMinimum() <= extent.xMaximum()
        and extent.yMinimum() <= extent.yMaximum()
        and not (extent.xMinimum() < -1e300 or extent.xMaximum() > 1e300)
    )


def layer_extent(source, layer_name: str) -> QgsRectangle:
    """The extent of a vector layer or feature source in its own CRS, to choose the metric CRS.

    The provider's extent when it is a usable box; else the union of the features' bounding
    boxes: a layer without geometries reports an empty extent at (0, 0) on QGIS 3.22 and a
    Null one (NaN centre) since 3.40, and a provider may report no extent at all. A
    BorderGapsError naming ``layer_name`` when no feature has a geometry.
    """
    extent = source.sourceExtent() if hasattr(source, "sourceExtent") else source.extent()
    if is_usable_extent(extent) and not extent.isNull():
        return QgsRectangle(extent)
    box, found = QgsRectangle(), False
    for feature in iter_features(source, QgsFeatureRequest().setNoAttributes()):
        if feature.hasGeometry() and not feature.geometry().isEmpty():
            feature_box = feature.geometry().boundingBox()
            if is_usable_extent(feature_box):
                if found:
                    box.combineExtentWith(feature_box)
                else:
                    box, found = QgsRectangle(feature_box), True
    if not found:
        raise BorderGapsError(
            f"Layer '{layer_name}' has no feature with a usable geometry (its extent is empty): "
            "give a layer whose features have geometries, or repair it with 'Check validity'."
        )
    return box


def utm_epsg_for(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 / UTM zone holding (lon, lat)."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise BorderGapsError(f"No UTM zone for the point ({lon}, {lat}): its coordinates are not numbers.")
    zone = int(math.floor((lon + 180.0) / 6.0)) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def extent_in_wgs84(extent: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> QgsRectangle:
    """``extent`` (in ``crs``) transformed to lon/lat degrees."""
    if crs == WGS84:
        return QgsRectangle(extent)
    transform = QgsCoordinateTransform(crs, WGS84, QgsProject.instance().transformContext())
    return transform.transformBoundingBox(extent)


def metric_crs_for(
    extent: QgsRectangle, crs: QgsCoordinateReferenceSystem, layer_name: str = ""
) -> QgsCoordinateReferenceSystem:
    """The UTM CRS of the centre of ``extent``: where areas and distances are computed.

    An extent that is no real box (see :func:`is_usable_extent`; use :func:`layer_extent` for a
    layer's) is refused with a BorderGapsError naming ``layer_name``.

    A projected input CRS in metres is *not* kept as is, so that the result never
    depends on the input CRS (DESIGN.md: within 0.1 %); the Iraq–Syria border falls
    in UTM 37N/38N (EPSG:32637/32638).
    """
    what = f"Layer '{layer_name}'" if layer_name else "The input"
    if not is_usable_extent(extent):
        raise BorderGapsError(
            f"{what} has no usable extent (it is empty or not finite): give features with geometries."
        )
    lonlat = extent_in_wgs84(extent, crs)
    if not is_usable_extent(lonlat):
        raise BorderGapsError(
            f"{what} cannot be placed on the globe: its extent does not transform to longitude and "
            f"latitude from {crs.authid() or 'its CRS'}. Check the layer's CRS."
        )
    centre = lonlat.center()
    return QgsCoordinateReferenceSystem(f"EPSG:{utm_epsg_for(centre.x(), centre.y())}")
