"""Reading a file layer's polygons in bulk: GDAL's columnar Arrow stream (``ogr.Layer.
GetArrowStreamAsNumPy``, GDAL 3.6 and later) instead of one QgsFeature per row.

Used where a layer is read only for its geometries and most rows are thrown away after a
spatial test (gapzones keeps the coverage that meets the seam). The stream hands over the
WKB of 65,536 rows at a time; with shapely 2 installed (an optional fast path: QGIS does not
ship it on every platform) the test against the prepared region runs on the whole batch in
GEOS and only the rows kept become QgsGeometry; without it each row becomes a QgsGeometry
straight from its WKB (no QgsFeature, no attribute) and is tested by the caller.

Only a plain OGR file layer qualifies: no subset string, no unsaved edits, a 2D polygon type
and the same CRS as the computation. Anything else (memory, PostGIS, WFS, a layer being edited,
an older GDAL) returns None from :func:`open_stream`, and the caller reads through QGIS.
"""

import contextlib
from typing import Iterator, List, Optional, Tuple

import numpy as np
from qgis.core import QgsGeometry, QgsProviderRegistry, QgsRectangle, QgsVectorLayer, QgsWkbTypes

try:  # GDAL's Python bindings (python3-gdal on Debian, part of QGIS on Windows and macOS)
    from osgeo import gdal, ogr
except ImportError:  # pragma: no cover - QGIS without the bindings
    gdal = ogr = None

try:  # optional: shapely 2 tests a whole batch at once
    import shapely

    if int(shapely.__version__.split(".")[0]) < 2:
        shapely = None
except ImportError:  # pragma: no cover - depends on the installation
    shapely = None

#: Rows a batch of the stream holds (GDAL's own default).
BATCH_ROWS = 65_536

#: The layer types the stream path reads (anything with Z, M or curves goes through QGIS, which flattens it).
_FLAT_POLYGONS = (QgsWkbTypes.Type.Polygon, QgsWkbTypes.Type.MultiPolygon)


def _exceptions():
    """GDAL errors as Python exceptions inside the block only (GDAL 3.7+), leaving the global setting
    that QGIS and Processing's GDAL provider rely on untouched; on 3.6 return values are checked."""
    if gdal is not None and hasattr(gdal, "ExceptionMgr") and hasattr(ogr, "ExceptionMgr"):
        stack = contextlib.ExitStack()
        stack.enter_context(gdal.ExceptionMgr(useExceptions=True))
        stack.enter_context(ogr.ExceptionMgr(useExceptions=True))
        return stack
    return contextlib.nullcontext()


#: GDAL releases whose GeoPackage Arrow stream is known to be sound with a spatial filter set. On
#: GDAL 3.10.3 (Debian 13, QGIS 3.40) a filtered stream now and then hands over a batch with corrupt
#: WKB offsets (SystemError "Negative size passed to PyBytes_FromStringAndSize": 12 of 30 reads of a
#: 150,000-polygon GeoPackage) or hangs for good; unfiltered it read clean 20 times in 20, and 3.6.2
#: (Debian 12) and 3.13.3 (Debian forky) read clean filtered. Between those, the filter is left off.
SAFE_FILTERED_GDAL = ((0, 3_070_000), (3_130_000, 10**9))


def spatial_filter_safe(version_num: Optional[int] = None) -> bool:
    """Whether this GDAL's Arrow stream may be given a spatial filter (see SAFE_FILTERED_GDAL)."""
    if version_num is None:
        version_num = int(gdal.VersionInfo("VERSION_NUM"))
    return any(low <= version_num < high for low, high in SAFE_FILTERED_GDAL)


class PolygonStream:
    """The WKB of an OGR file layer's rows within a box, in batches (see :func:`open_stream`)."""

    def __init__(self, dataset, layer, geometry_column: str, batch_rows: int = BATCH_ROWS):
        self._dataset = dataset  # kept referenced: the layer dies with its dataset
        self._layer = layer
        self._column = geometry_column
        self._batch_rows = batch_rows

    def batches(self) -> Iterator[np.ndarray]:
        """Object arrays of WKB bytes (None for a row without geometry), ``batch_rows`` rows at a time."""
        with _exceptions():
            options = ["USE_MASKED_ARRAYS=NO", f"MAX_FEATURES_IN_BATCH={int(self._batch_rows)}"]
            stream = self._layer.GetArrowStreamAsNumPy(options=options)
            if stream is None:
                raise RuntimeError("no Arrow stream")
            for batch in stream:
                yield batch[self._column]


def open_stream(
    source, box: Optional[QgsRectangle], same_crs: bool, batch_rows: int = BATCH_ROWS
) -> Optional[PolygonStream]:
    """A :class:`PolygonStream` over ``source`` limited to ``box`` (in the layer's CRS), or None when
    ``source`` must be read through QGIS (not a plain 2D polygon OGR file layer in the computation's
    CRS, no GDAL Arrow stream, or the file does not open)."""
    if ogr is None or not same_crs or not isinstance(source, QgsVectorLayer):
        return None
    if source.providerType() != "ogr" or source.subsetString() or source.isModified():
        return None
    if source.wkbType() not in _FLAT_POLYGONS or not hasattr(ogr.Layer, "GetArrowStreamAsNumPy"):
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", source.source())
    path = parts.get("path")
    if not path:
        return None
    try:
        with _exceptions():
            dataset = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY)
            if dataset is None:
                return None
            if parts.get("layerName"):
                layer = dataset.GetLayerByName(parts["layerName"])
            else:
                layer = dataset.GetLayer(int(parts.get("layerId") or 0))
            if layer is None or layer.GetGeometryColumn() == "" and layer.GetGeomType() == ogr.wkbNone:
                return None
            if layer.GetFeatureCount() != source.featureCount():
                return None  # not the rows QGIS shows (e.g. an OGR SQL layer): read through QGIS
            # attributes are not read (GDAL 3.6 returns empty WKB if the FID is left out as well)
            defn = layer.GetLayerDefn()
            names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
            if names:
                layer.SetIgnoredFields(names)
            if box is not None and spatial_filter_safe():
                layer.SetSpatialFilterRect(box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())
            # else every row comes: the caller's exact test against the region leaves out the far ones
            column = layer.GetGeometryColumn() or "wkb_geometry"
    except (RuntimeError, ValueError, TypeError):
        return None
    return PolygonStream(dataset, layer, column, batch_rows)


def geometries_from_wkb(wkbs) -> List[Optional[QgsGeometry]]:
    """QgsGeometry of each WKB (None for a missing or unreadable one)."""
    out: List[Optional[QgsGeometry]] = []
    for wkb in wkbs:
        if not wkb:
            out.append(None)
            continue
        geom = QgsGeometry()
        geom.fromWkb(bytes(wkb))
        out.append(None if geom.isNull() else geom)
    return out


class RegionFilter:
    """Which rows of a batch meet ``region``: in bulk with shapely 2 (prepared region), else None
    (the caller tests each geometry itself)."""

    def __init__(self, region: QgsGeometry):
        self._region = None
        if shapely is not None and not region.isEmpty():
            try:
                self._region = shapely.from_wkb(bytes(region.asWkb()))
                shapely.prepare(self._region)
            except Exception:  # noqa: BLE001 - any failure leaves the per-row test
                self._region = None

    @property
    def bulk(self) -> bool:
        return self._region is not None

    def meeting(self, wkbs: np.ndarray) -> Optional[Tuple[np.ndarray, int]]:
        """(indexes of the rows meeting the region, rows without geometry), or None when the
        batch cannot be tested in bulk (a row GEOS refuses): then test it row by row."""
        if self._region is None:
            return None
        try:
            missing = np.fromiter((not w for w in wkbs), dtype=bool, count=len(wkbs))
            geoms = np.empty(len(wkbs), dtype=object)
            if (~missing).any():
                geoms[~missing] = shapely.from_wkb(wkbs[~missing])
            hits = shapely.intersects(self._region, geoms)
        except Exception:  # noqa: BLE001 - shapely.errors.GEOSException and friends
            return None
        return np.flatnonzero(hits & ~missing), int(missing.sum())
