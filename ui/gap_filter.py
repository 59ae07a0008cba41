"""Which points lie inside the polygons of a layer (the "inside gap zones" filter): a spatial index over the
polygons and a prepared GEOS engine per candidate, run in a QgsTask for large layers."""

from typing import Callable, Optional, Set

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsGeometry,
    QgsSpatialIndex,
    QgsTask,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
)

# Above this many points the filter runs in a QgsTask so the dock never blocks the GUI.
TASK_THRESHOLD = 5000


def fids_inside_polygons(
    point_source,
    polygon_source,
    transform: QgsCoordinateTransform,
    is_canceled: Optional[Callable[[], bool]] = None,
    progress: Optional[Callable[[float], None]] = None,
    total: int = 0,
) -> Set[int]:
    """Ids of the point features that lie inside (or on the edge of) any polygon; ``transform`` takes polygon
    coordinates to the points' CRS. Both sources may be layers or feature sources made for a task's thread."""
    polygons = {}
    index = QgsSpatialIndex()
    for feature in polygon_source.getFeatures(QgsFeatureRequest().setNoAttributes()):
        geometry = QgsGeometry(feature.geometry())
        if geometry.isEmpty():
            continue
        if transform.isValid() and not transform.isShortCircuited():
            geometry.transform(transform)
        if not geometry.isGeosValid():
            geometry = geometry.makeValid()
        polygons[feature.id()] = geometry
        index.addFeature(feature.id(), geometry.boundingBox())
    engines = {}
    inside = set()
    step = max(1, total // 100) if total else 1000
    request = QgsFeatureRequest().setNoAttributes()
    for count, feature in enumerate(point_source.getFeatures(request)):
        if count % step == 0:
            if is_canceled is not None and is_canceled():
                break
            if progress is not None and total:
                progress(100.0 * count / total)
        geometry = feature.geometry()
        if geometry.isEmpty():
            continue
        for candidate in index.intersects(geometry.boundingBox()):
            engine = engines.get(candidate)
            if engine is None:
                engine = QgsGeometry.createGeometryEngine(polygons[candidate].constGet())
                engine.prepareGeometry()
                engines[candidate] = engine
            if engine.intersects(geometry.constGet()):
                inside.add(feature.id())
                break
    return inside


def polygon_transform(point_layer: QgsVectorLayer, polygon_layer: QgsVectorLayer, project) -> QgsCoordinateTransform:
    return QgsCoordinateTransform(polygon_layer.crs(), point_layer.crs(), project.transformContext())


class InsidePolygonsTask(QgsTask):
    """:func:`fids_inside_polygons` off the GUI thread; ``done(fids)`` is called in the GUI thread on success."""

    def __init__(self, point_layer: QgsVectorLayer, polygon_layer: QgsVectorLayer, project, done):
        super().__init__(
            f"Border Gaps: features of {point_layer.name()} inside {polygon_layer.name()}", QgsTask.Flag.CanCancel
        )
        # Feature sources are snapshots safe to read from the task's thread; layers are not.
        self._points = QgsVectorLayerFeatureSource(point_layer)
        self._polygons = QgsVectorLayerFeatureSource(polygon_layer)
        self._total = point_layer.featureCount()
        self._transform = polygon_transform(point_layer, polygon_layer, project)
        self._done = done
        self.result_fids = None

    def run(self):
        try:
            self.result_fids = fids_inside_polygons(
                self._points, self._polygons, self._transform, self.isCanceled, self.setProgress, self._total
            )
        finally:
            # The dock keeps this Python object after QGIS deleted the task: it must not keep the layers'
            # feature sources (and what their providers hold) with it.
            self._points = self._polygons = None
        return not self.isCanceled()

    def finished(self, result):
        self._points = self._polygons = None
        if result and self._done is not None:
            self._done(self.result_fids)
        self._done = None
