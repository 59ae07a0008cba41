"""Reading user layers into clean geometries in the metric CRS of the computation.

Every algorithm reads its inputs through here, so that invalid geometries are
repaired (``makeValid``) and null ones skipped the same way everywhere, and both
are counted for the log.
"""

from dataclasses import dataclass, field
from typing import Callable, List, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProcessingFeatureSource,
    QgsProject,
    QgsWkbTypes,
)

from .errors import BorderGapsError


@dataclass
class ReadResult:
    """Features of one layer, geometry in the target CRS, with what was fixed or skipped."""

    layer_name: str
    features: List[QgsFeature] = field(default_factory=list)
    repaired: int = 0
    skipped_null: int = 0
    skipped_wrong_type: int = 0

    def log_lines(self) -> List[str]:
        lines = []
        if self.repaired:
            lines.append(
                f"{self.layer_name}: repaired {self.repaired} invalid geometr"
                f"{'y' if self.repaired == 1 else 'ies'} with makeValid."
            )
        if self.skipped_null:
            lines.append(f"{self.layer_name}: skipped {self.skipped_null} feature(s) with no geometry.")
        if self.skipped_wrong_type:
            lines.append(
                f"{self.layer_name}: skipped {self.skipped_wrong_type} feature(s) whose geometry "
                "is not of the expected type after repair."
            )
        return lines


def iter_features(source, request: Optional[QgsFeatureRequest] = None):
    """``source.getFeatures(request)`` without QGIS's own invalid-geometry check.

    Every feature loop over a layer or a Processing feature source goes through here. A
    ``QgsProcessingFeatureSource`` (what ``parameterAsSource`` returns) applies the Processing
    setting "invalid features filtering" while iterating, and with its default, *stop the
    algorithm*, its callback throws a C++ ``QgsProcessingException`` from inside
    ``QgsFeatureIterator::nextFeature``. Called from Python (``for f in source.getFeatures()``)
    that exception is not turned into a Python one: it unwinds straight through the Python
    interpreter's own frames (the iterator's ``__next__`` has no ``catch`` and runs with the GIL
    released) up to the ``catch`` in ``QgsProcessingAlgorithm::runPrepared``. The run ends with
    a normal-looking error, but the interpreter is left with its frame stack pointing into
    unwound C stack and the GIL state of a released thread, so later Python code fails with
    ``SystemError: unknown opcode`` or a segfault. Skipping the check here is safe because we
    repair (``makeValid``) or skip, and count, every feature ourselves.
    """
    request = QgsFeatureRequest(request) if request is not None else QgsFeatureRequest()
    request.setInvalidGeometryCheck(QgsFeatureRequest.InvalidGeometryCheck.GeometryNoCheck)
    if isinstance(source, QgsProcessingFeatureSource):
        return source.getFeatures(request, QgsProcessingFeatureSource.Flag.FlagSkipGeometryValidityChecks)
    return source.getFeatures(request)


def flat_linear(geom: QgsGeometry) -> QgsGeometry:
    """``geom`` in 2D and with straight segments only: Z and M dropped, circular arcs (CurvePolygon,
    CompoundCurve, CircularString, MultiSurface…) replaced by their linear approximation (QGIS's
    default tolerance), so that every computation downstream sees Polygons, LineStrings and Points."""
    wkb = geom.wkbType()
    if not (QgsWkbTypes.hasZ(wkb) or QgsWkbTypes.hasM(wkb) or QgsWkbTypes.isCurvedType(wkb)):
        return geom
    abstract = geom.constGet().segmentize() if QgsWkbTypes.isCurvedType(wkb) else geom.constGet().clone()
    abstract.dropZValue()
    abstract.dropMValue()
    return QgsGeometry(abstract)  # takes ownership of the new abstract geometry


def source_crs(source) -> QgsCoordinateReferenceSystem:
    """The CRS of a QgsFeatureSource or QgsVectorLayer."""
    return source.sourceCrs() if hasattr(source, "sourceCrs") else source.crs()


def read_features(
    source,
    target_crs: QgsCoordinateReferenceSystem,
    layer_name: str,
    geometry_type: Optional[int] = None,
    request: Optional[QgsFeatureRequest] = None,
    is_canceled: Callable[[], bool] = lambda: False,
    transform_context=None,
) -> ReadResult:
    """Features of ``source`` with geometries transformed to ``target_crs``.

    Invalid geometries are repaired; null and empty ones are skipped; curves are made linear. With
    ``geometry_type`` (a ``QgsWkbTypes.GeometryType``), parts of another type left by
    ``makeValid`` (e.g. lines from a collapsed polygon) are dropped, and a feature with
    nothing left is skipped. Z and M values are dropped: all computation is 2D.
    """
    result = ReadResult(layer_name)
    crs = source_crs(source)
    if not crs.isValid():
        raise BorderGapsError(
            f"Layer '{layer_name}' has no coordinate reference system. Set its CRS in the "
            "layer properties (Source → Assigned CRS) and run again."
        )
    context = transform_context or QgsProject.instance().transformContext()
    transform = QgsCoordinateTransform(crs, target_crs, context) if crs != target_crs else None
    for feature in iter_features(source, request):
        if is_canceled():
            break
        geom = feature.geometry()
        if geom is None or geom.isNull() or geom.isEmpty():
            result.skipped_null += 1
            continue
        geom = flat_linear(QgsGeometry(geom))
        if transform is not None:
            try:
                geom.transform(transform)
            except QgsCsException as err:
                raise BorderGapsError(
                    f"Feature {feature.id()} of layer '{layer_name}' cannot be transformed from "
                    f"{crs.authid() or crs.description()} to {target_crs.authid()}: its coordinates do not fit "
                    "the layer's CRS (e.g. metres in a layer declared as lon/lat). Check the layer's CRS "
                    "(Layer Properties → Source → Assigned CRS).",
                    details=str(err),
                ) from err
        if not geom.isGeosValid():
            geom = geom.makeValid()
            result.repaired += 1
        if geometry_type is not None and geom.type() != geometry_type:
            geom = _keep_type(geom, geometry_type)
            if geom is None:
                result.skipped_wrong_type += 1
                continue
        out = QgsFeature(feature)
        out.setGeometry(geom)
        result.features.append(out)
    return result


def _keep_type(geom: QgsGeometry, geometry_type: int) -> Optional[QgsGeometry]:
    """The parts of a (collection) geometry of ``geometry_type``, or None if none."""
    parts = (
        [QgsGeometry(p.clone()) for p in geom.constParts()]
        if geom.isMultipart() or QgsWkbTypes.flatType(geom.wkbType()) == QgsWkbTypes.Type.GeometryCollection
        else [geom]
    )
    keep = [p for p in parts if p.type() == geometry_type and not p.isEmpty()]
    if not keep:
        return None
    return QgsGeometry.collectGeometry(keep)
