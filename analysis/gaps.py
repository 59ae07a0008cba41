"""The gap analysis from user layers: checks the inputs, reads them into the UTM zone of the
control areas, computes the seam and the gap zones, and measures the gaps."""

from dataclasses import dataclass, field
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsFeedback,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsWkbTypes,
)

from .crs import layer_extent, metric_crs_for
from .errors import BorderGapsError
from .geometry import (
    BUFFER_SEGMENTS,
    MAX_DISTANCE_M,
    GapResult,
    Seam,
    SeamCoverage,
    check_canceled,
    gap_zones,
    polygon_parts,
    seam_zones,
    union_all,
)
from .inputs import ReadResult, flat_linear, iter_features, read_features, source_crs
from .metrics import GapMetrics, measure_gaps

POLYGON = QgsWkbTypes.GeometryType.PolygonGeometry
POINT = QgsWkbTypes.GeometryType.PointGeometry
LINE = QgsWkbTypes.GeometryType.LineGeometry
_TYPE_NAMES = {POLYGON: "polygon", POINT: "point", LINE: "line"}


class StepFeedback:
    """Maps a step's 0–100 % onto [start, end] of the parent's progress; cancel passes through."""

    def __init__(self, parent: Optional[QgsFeedback], start: float, end: float):
        self.parent, self.start, self.end = parent, start, end

    def setProgress(self, percent: float) -> None:
        if self.parent is not None:
            self.parent.setProgress(self.start + (self.end - self.start) * percent / 100.0)

    def isCanceled(self) -> bool:
        return self.parent is not None and self.parent.isCanceled()


def force_values(text: str) -> List[str]:
    """'Peshmerga, YBS' → ['Peshmerga', 'YBS'] (FORCE_A/FORCE_B take several values)."""
    return [v.strip() for v in (text or "").split(",") if v.strip()]


def _norm(value) -> str:
    return "" if value is None or value == NULL else str(value).strip().casefold()


def layer_geometry_type(source) -> int:
    wkb = source.wkbType()
    return QgsWkbTypes.geometryType(wkb)


def check_layer_type(source, layer_name: str, key: str, expected: int) -> None:
    """A layer of the wrong geometry type is named, with what it has and what is needed."""
    found = layer_geometry_type(source)
    if found != expected:
        raise BorderGapsError(
            f"Layer '{layer_name}' ({key}) has {_TYPE_NAMES.get(found, 'no')} geometries; {key} takes "
            f"{_TYPE_NAMES[expected]} layers only. Choose a {_TYPE_NAMES[expected]} layer"
            + (" (posts as points go in POSTS)." if key == "COVERAGE" and found == POINT else ".")
        )


def check_field(source, layer_name: str, field_name: str, key: str) -> int:
    """The index of ``field_name`` in ``source``, or an error listing the fields there are."""
    index = source.fields().lookupField(field_name) if field_name else -1
    if index < 0:
        names = ", ".join(f"'{f.name()}'" for f in source.fields()) or "none"
        raise BorderGapsError(
            f"Field '{field_name}' ({key}) is not in layer '{layer_name}'. Its fields are: {names}. "
            f"Choose one of them for {key}."
        )
    return index


def check_control_areas(
    source, layer_name: str, force_field: str, force_a: Sequence[str], force_b: Sequence[str]
) -> None:
    """Cheap checks of CONTROL_AREAS, FORCE_FIELD, FORCE_A, FORCE_B, run before any geometry work."""
    check_layer_type(source, layer_name, "CONTROL_AREAS", POLYGON)
    if source.featureCount() == 0:
        raise BorderGapsError(
            f"Layer '{layer_name}' (CONTROL_AREAS) has no features. Choose the layer of the districts "
            "held by each force."
        )
    index = check_field(source, layer_name, force_field, "FORCE_FIELD")
    if not force_a:
        raise BorderGapsError("FORCE_A is empty. Give the value(s) of FORCE_FIELD for force A, separated by commas.")
    if not force_b:
        raise BorderGapsError("FORCE_B is empty. Give the value(s) of FORCE_FIELD for force B, separated by commas.")
    both = {_norm(v) for v in force_a} & {_norm(v) for v in force_b}
    if both:
        raise BorderGapsError(
            f"The value(s) {', '.join(sorted(both))} are in both FORCE_A and FORCE_B. Each force value may "
            "belong to one side only."
        )
    present = sorted({str(v) for v in source.uniqueValues(index) if v is not None and v != NULL})
    present_norm = {_norm(v) for v in present}
    listed = ", ".join(f"'{v}'" for v in present) or "none (the field is empty)"
    for key, wanted in (("FORCE_A", force_a), ("FORCE_B", force_b)):
        if not present_norm & {_norm(v) for v in wanted}:
            raise BorderGapsError(
                f"No feature of force {key[-1]} ({key} = '{', '.join(wanted)}') in layer '{layer_name}', field "
                f"'{force_field}'. Values found there: {listed}. Set {key} to one or more of them, separated "
                "by commas."
            )


def check_distances(seam_distance: float, default_range: float = 0.0, min_area: float = 0.0) -> None:
    if seam_distance is None or seam_distance <= 0:
        raise BorderGapsError(
            f"SEAM_DISTANCE must be more than 0 m (got {seam_distance:g} m). It is how far from each force's "
            "districts responsibility is unclear, typically 1000–5000 m."
        )
    if default_range is not None and default_range < 0:
        raise BorderGapsError(f"DEFAULT_RANGE must be 0 m or more (got {default_range:g} m).")
    if min_area is not None and min_area < 0:
        raise BorderGapsError(f"MIN_AREA must be 0 m² or more (got {min_area:g} m²).")
    for key, value in (("SEAM_DISTANCE", seam_distance), ("DEFAULT_RANGE", default_range)):
        if value is not None and value > MAX_DISTANCE_M:
            raise BorderGapsError(
                f"{key} must be at most {MAX_DISTANCE_M:g} m (got {value:g} m): distances are computed in the UTM "
                f"zone of the data, which is true to 1 % only within about {MAX_DISTANCE_M / 1000:g} km."
            )


@dataclass
class Districts:
    """The control areas of each force in the metric CRS, as (name, geometry) pairs."""

    force_a: List[Tuple[Optional[str], QgsGeometry]] = field(default_factory=list)
    force_b: List[Tuple[Optional[str], QgsGeometry]] = field(default_factory=list)
    read: Optional[ReadResult] = None


def read_districts(
    source,
    layer_name: str,
    crs: QgsCoordinateReferenceSystem,
    force_field: str,
    force_a: Sequence[str],
    force_b: Sequence[str],
    name_field: Optional[str] = None,
    feedback: Optional[QgsFeedback] = None,
) -> Districts:
    wanted_a = {_norm(v) for v in force_a}
    wanted_b = {_norm(v) for v in force_b}
    read = read_features(source, crs, layer_name, POLYGON, is_canceled=lambda: _canceled(feedback))
    check_canceled(feedback)
    result = Districts(read=read)
    for feature in read.features:
        force = _norm(feature[force_field])
        name = None
        if name_field:
            value = feature[name_field]
            name = None if value is None or value == NULL else str(value)
        if force in wanted_a:
            result.force_a.append((name, feature.geometry()))
        elif force in wanted_b:
            result.force_b.append((name, feature.geometry()))
    return result


def _canceled(feedback) -> bool:
    return feedback is not None and feedback.isCanceled()


def stream_geometries(
    source,
    crs: QgsCoordinateReferenceSystem,
    read: ReadResult,
    box: Optional[QgsRectangle] = None,
    feedback=None,
    attributes: Sequence[str] = (),
) -> Iterator[Tuple[QgsGeometry, list]]:
    """(geometry in ``crs``, [values of ``attributes``]) for each feature, one at a time.

    ``box`` (in ``crs``) lets the provider skip features far from it (its spatial index).
    Nulls and features that cannot be transformed are counted in ``read`` and skipped;
    repairing is left to the consumer, which repairs only the features it keeps.
    """
    src_crs = source_crs(source)
    if not src_crs.isValid():
        raise BorderGapsError(
            f"Layer '{read.layer_name}' has no coordinate reference system. Set its CRS in the layer "
            "properties (Source → Assigned CRS) and run again."
        )
    context = QgsProject.instance().transformContext()
    transform = QgsCoordinateTransform(src_crs, crs, context) if src_crs != crs else None
    request = QgsFeatureRequest()
    if box is not None:
        try:
            source_box = (
                QgsCoordinateTransform(crs, src_crs, context).transformBoundingBox(box)
                if transform is not None
                else QgsRectangle(box)
            )
        except QgsCsException:
            source_box = None  # the box cannot be expressed in the layer's CRS: read everything
        extent = source.sourceExtent()
        # a spatial filter costs about twice a plain scan per feature (GeoPackage R-tree join), so it
        # pays only when the box leaves out a good part of the layer
        if source_box is not None and source_box.intersect(extent).area() < 0.5 * extent.area():
            request.setFilterRect(source_box)
    fields = source.fields()
    indexes = [fields.lookupField(a) for a in attributes]
    if attributes:
        request.setSubsetOfAttributes([i for i in indexes if i >= 0])
    else:
        request.setNoAttributes()
    total = max(1, source.featureCount())
    # the layer's type says whether any feature can carry Z or M: no per-feature check when not
    layer_wkb = source.wkbType()
    maybe_zm = (
        QgsWkbTypes.hasZ(layer_wkb)
        or QgsWkbTypes.hasM(layer_wkb)
        or QgsWkbTypes.isCurvedType(layer_wkb)
        or QgsWkbTypes.flatType(layer_wkb) in (QgsWkbTypes.Type.Unknown, QgsWkbTypes.Type.GeometryCollection)
    )
    for n, feature in enumerate(iter_features(source, request)):
        if n % 200 == 0:
            check_canceled(feedback)
            if feedback is not None:
                feedback.setProgress(min(100.0, 100.0 * n / total))
        geom = feature.geometry()  # already a copy in PyQGIS
        if geom.isNull():  # (an empty geometry has an empty box and is never kept)
            read.skipped_null += 1
            continue
        wkb = geom.wkbType() if maybe_zm else 0
        if maybe_zm and (QgsWkbTypes.hasZ(wkb) or QgsWkbTypes.hasM(wkb) or QgsWkbTypes.isCurvedType(wkb)):
            geom = flat_linear(geom)
        if transform is not None:
            try:
                geom.transform(transform)
            except QgsCsException:
                read.skipped_wrong_type += 1
                continue
        yield geom, ([feature.attributes()[i] if i >= 0 else None for i in indexes] if indexes else indexes)


@dataclass
class GapAnalysis:
    """Everything gapzones reports, geometries in ``crs`` (the metric CRS)."""

    crs: QgsCoordinateReferenceSystem
    seam: Seam
    whole_seam: bool
    result: GapResult
    metrics: List[GapMetrics]
    log: List[str] = field(default_factory=list)

    @property
    def region_area_m2(self) -> float:
        return self.result.region_area_m2


def _union_of(source, layer_name, crs, geometry_type, feedback) -> Tuple[Optional[QgsGeometry], ReadResult]:
    read = read_features(source, crs, layer_name, geometry_type, is_canceled=lambda: _canceled(feedback))
    check_canceled(feedback)
    geoms = [f.geometry() for f in read.features]
    if not geoms:
        return None, read
    if geometry_type == POLYGON:
        return union_all(geoms, feedback), read
    return QgsGeometry.collectGeometry(geoms), read


def compute_seam(
    control,
    control_name: str,
    force_field: str,
    force_a: Sequence[str],
    force_b: Sequence[str],
    seam_distance: float,
    study_area=None,
    study_name: str = "",
    name_field: Optional[str] = None,
    feedback=None,
    log: Callable[[str], None] = lambda s: None,
) -> Tuple[Seam, Districts, QgsCoordinateReferenceSystem]:
    """Checks the control layer, picks the metric CRS, reads the districts and returns the seam."""
    check_distances(seam_distance)
    check_control_areas(control, control_name, force_field, force_a, force_b)
    crs = metric_crs_for(layer_extent(control, control_name), source_crs(control), control_name)
    log(f"Computing in {crs.authid()} ({crs.description()}): areas in m² of that projection.")
    districts = read_districts(
        control, control_name, crs, force_field, force_a, force_b, name_field, StepFeedback(feedback, 0, 50)
    )
    for line in districts.read.log_lines():
        log(line)
    if not districts.force_a or not districts.force_b:
        side, values = ("A", force_a) if not districts.force_a else ("B", force_b)
        raise BorderGapsError(
            f"No district of force {side} (FORCE_{side} = '{', '.join(values)}') in layer '{control_name}' has a "
            "usable geometry: each has no geometry (NULL or empty: a shape never drawn) or nothing polygonal "
            "left after repair. Draw the districts' polygons, or check the layer with 'Check validity'."
        )
    study = None
    if study_area is not None:
        study, read = _union_of(study_area, study_name or "study area", crs, POLYGON, feedback)
        for line in read.log_lines():
            log(line)
        if study is None:
            raise BorderGapsError(
                f"Layer '{study_name}' (STUDY_AREA) has no polygon features. Choose another "
                "layer or leave STUDY_AREA empty."
            )
    seam = seam_zones(
        [g for _, g in districts.force_a],
        [g for _, g in districts.force_b],
        seam_distance,
        study,
        StepFeedback(feedback, 50, 100),
    )
    return seam, districts, crs


def gather_coverage(
    region: QgsGeometry,
    crs,
    coverage_layers: Sequence[Tuple[object, str]],
    posts=None,
    posts_name: str = "",
    range_field: Optional[str] = None,
    default_range: float = 0.0,
    feedback=None,
    log: Callable[[str], None] = lambda s: None,
    values: Optional[Sequence[str]] = None,
) -> SeamCoverage:
    """Streams every coverage polygon and post disc, keeping those that reach ``region``.

    With ``values`` (field names), ``gathered.values`` holds, for each kept piece, the values of those
    fields of its feature (None where its layer has no such field), in the order of the pieces."""
    gathered = SeamCoverage(region)
    gathered.values = []
    extra = list(values or ())
    box = region.boundingBox() if not region.isEmpty() else None
    steps = len(coverage_layers) + (1 if posts is not None else 0)
    for k, (source, name) in enumerate(coverage_layers):
        read = ReadResult(name)
        before = len(gathered.pieces)
        offer = gathered.offer  # the layer was checked to be of polygons: no per-feature type test
        for geom, attrs in stream_geometries(
            source, crs, read, box, StepFeedback(feedback, 100 * k / steps, 100 * (k + 1) / steps), extra
        ):
            if offer(geom) and extra:
                gathered.values.append(attrs)
        log(f"{name}: {len(gathered.pieces) - before} coverage polygon(s) reach the seam.")
        for line in read.log_lines():
            log(line)
    if posts is not None:
        read = ReadResult(posts_name)
        range_index = posts.fields().lookupField(range_field) if range_field else -1
        reach = default_range
        if range_index >= 0:
            top = posts.maximumValue(range_index)
            try:
                reach = max(reach, min(float(top), MAX_DISTANCE_M))
            except (TypeError, ValueError):
                pass
        post_box = box.buffered(reach + 1.0) if box is not None else None
        discs = defaulted = too_far = 0
        attributes = ([range_field] if range_index >= 0 else []) + extra
        for geom, values in stream_geometries(
            posts, crs, read, post_box, StepFeedback(feedback, 100 * (steps - 1) / steps, 100), attributes
        ):
            values, post_values = values[: len(attributes) - len(extra)], values[len(attributes) - len(extra) :]
            radius = None
            if values:
                try:
                    radius = float(values[0]) if values[0] is not None and values[0] != NULL else None
                except (TypeError, ValueError):
                    radius = None
            if radius is None or not radius > 0:  # also NaN
                radius = default_range
                defaulted += 1
            if radius <= 0:
                continue
            if radius > MAX_DISTANCE_M:
                too_far += 1
                continue
            for part in geom.asGeometryCollection() if geom.isMultipart() else [geom]:
                disc = part.buffer(radius, BUFFER_SEGMENTS)
                kept = gathered.offer(disc, repair=False)
                discs += int(kept)
                if kept and extra:
                    gathered.values.append(post_values)
        log(
            f"{posts_name}: {discs} post range disc(s) reach the seam"
            + (
                f"; {defaulted} post(s) without a usable {range_field or 'range'} took DEFAULT_RANGE."
                if defaulted
                else "."
            )
        )
        if too_far:
            log(
                f"{posts_name}: skipped {too_far} post(s) whose {range_field} is above "
                f"{MAX_DISTANCE_M / 1000:g} km (the computation is true only within about that distance)."
            )
        for line in read.log_lines():
            log(line)
    if gathered.repaired:
        log(
            f"Repaired {gathered.repaired} invalid coverage geometr{'y' if gathered.repaired == 1 else 'ies'} "
            "with makeValid."
        )
    return gathered


def analyse_gaps(
    control,
    control_name: str,
    force_field: str,
    force_a: Sequence[str],
    force_b: Sequence[str],
    seam_distance: float,
    coverage_layers: Sequence[Tuple[object, str]] = (),
    posts=None,
    posts_name: str = "",
    range_field: Optional[str] = None,
    default_range: float = 0.0,
    whole_seam: bool = False,
    min_area: float = 0.0,
    study_area=None,
    study_name: str = "",
    settlements=None,
    settlements_name: str = "",
    border=None,
    border_name: str = "",
    name_field: Optional[str] = None,
    feedback: Optional[QgsFeedback] = None,
    log: Callable[[str], None] = lambda s: None,
) -> GapAnalysis:
    """The whole gapzones computation (all checks first, then 5 steps with progress 0–100)."""
    check_distances(seam_distance, default_range, min_area)
    for source, name in coverage_layers:
        check_layer_type(source, name, "COVERAGE", POLYGON)
    if posts is not None:
        check_layer_type(posts, posts_name, "POSTS", POINT)
        if range_field:
            check_field(posts, posts_name, range_field, "RANGE_FIELD")
    if settlements is not None:
        check_layer_type(settlements, settlements_name, "SETTLEMENTS", POINT)
    if border is not None:
        check_layer_type(border, border_name, "BORDER", LINE)
    seam, districts, crs = compute_seam(
        control,
        control_name,
        force_field,
        force_a,
        force_b,
        seam_distance,
        study_area,
        study_name,
        name_field,
        StepFeedback(feedback, 0, 10),
        log,
    )
    region = seam.base(whole_seam)
    log(f"Seam: {seam.seam_area_m2 / 1e6:.3f} km², of which unclaimed {seam.unclaimed_area_m2 / 1e6:.3f} km².")
    if region.isEmpty():
        log(seam.empty_reason(whole_seam))
    gathered = gather_coverage(
        region, crs, coverage_layers, posts, posts_name, range_field, default_range, StepFeedback(feedback, 10, 40), log
    )
    result = gap_zones(region, gathered, min_area, StepFeedback(feedback, 40, 85))
    log(
        f"Merged {len(gathered.pieces)} coverage piece(s) in {result.tiles} tile(s); {len(result.gaps)} gap(s) "
        f"kept, {len(result.dropped)} smaller than MIN_AREA dropped."
    )
    check_canceled(feedback)
    border_geom = villages = None
    if border is not None:
        border_geom, read = _union_of(border, border_name, crs, LINE, feedback)
        for line in read.log_lines():
            log(line)
    if settlements is not None:
        villages = _read_villages(settlements, settlements_name, crs, feedback, log)
    metrics = measure_gaps(
        result.gaps,
        seam_distance,
        districts.force_a if name_field else None,
        districts.force_b if name_field else None,
        border_geom,
        villages,
        gathered.pieces,
        StepFeedback(feedback, 85, 100),
    )
    return GapAnalysis(crs, seam, whole_seam, result, metrics)


def _read_villages(source, name, crs, feedback, log):
    read = ReadResult(name)
    status = "status" if source.fields().lookupField("status") >= 0 else None
    villages = []
    for geom, values in stream_geometries(source, crs, read, None, None, [status] if status else []):
        check_canceled(feedback)
        abandoned = bool(values) and _norm(values[0]) == "abandoned"
        for part in geom.asGeometryCollection() if geom.isMultipart() else [geom]:
            villages.append((part.asPoint(), abandoned))
    if status is None:
        log(f"{name}: no 'status' field, so no settlement counts as abandoned.")
    for line in read.log_lines():
        log(line)
    return villages


__all__ = ["analyse_gaps", "compute_seam", "force_values", "polygon_parts", "GapAnalysis"]
