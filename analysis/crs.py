"""Choosing the metric CRS in which Border Gaps measures: the UTM zone of the data."""

import math

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProject,
    QgsRectangle,
)

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


def utm_epsg_for(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 / UTM zone holding (lon, lat)."""
    zone = int(math.floor((lon + 180.0) / 6.0)) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def extent_in_wgs84(extent: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> QgsRectangle:
    """``extent`` (in ``crs``) transformed to lon/lat degrees."""
    if crs == WGS84:
        return QgsRectangle(extent)
    transform = QgsCoordinateTransform(crs, WGS84, QgsProject.instance().transformContext())
    return transform.transformBoundingBox(extent)


def metric_crs_for(extent: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> QgsCoordinateReferenceSystem:
    """The UTM CRS of the centre of ``extent``: where areas and distances are computed.

    A projected input CRS in metres is *not* kept as is, so that the result never
    depends on the input CRS (DESIGN.md: within 0.1 %); the Iraq–Syria border falls
    in UTM 37N/38N (EPSG:32637/32638).
    """
    centre = extent_in_wgs84(extent, crs).center()
    return QgsCoordinateReferenceSystem(f"EPSG:{utm_epsg_for(centre.x(), centre.y())}")
