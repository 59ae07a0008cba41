"""``bordergaps:gapzones``: the unmonitored gap zones in the seam between two forces."""

from qgis.core import (
    NULL,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..analysis.errors import BorderGapsError
from ..analysis.gaps import (
    POINT,
    POLYGON,
    analyse_gaps,
    check_control_areas,
    check_distances,
    check_field,
    check_layer_type,
)
from ..analysis.geometry import POLYGON_TYPE, output_geometry
from ..analysis.metrics import PRIORITY_FORMULA, summary
from .base import BorderGapsAlgorithm, distance_parameter, fields_of, with_help
from .seamzones import (
    NAME_FIELD,
    OUTPUT,
    SEAM_DISTANCE,
    STUDY_AREA,
    add_control_parameters,
    control_inputs,
    display_name,
    layer_name,
    style_output,
)

COVERAGE = "COVERAGE"
POSTS = "POSTS"
RANGE_FIELD = "RANGE_FIELD"
DEFAULT_RANGE = "DEFAULT_RANGE"
MODE = "MODE"
MIN_AREA = "MIN_AREA"
SETTLEMENTS = "SETTLEMENTS"
BORDER = "BORDER"
NUMERIC_OUTPUTS = ("SEAM_AREA_KM2", "COVERED_AREA_KM2", "COVERED_PCT", "GAP_COUNT", "GAP_AREA_KM2", "LARGEST_GAP_KM2")


def gap_fields() -> QgsFields:
    fields = fields_of(
        ("gap_id", QMetaType.Type.Int),
        ("area_km2", QMetaType.Type.Double),
        ("area_m2", QMetaType.Type.Double),
        ("perimeter_km", QMetaType.Type.Double),
        ("width_km", QMetaType.Type.Double),
        ("force_a_adj", QMetaType.Type.QString),
        ("force_b_adj", QMetaType.Type.QString),
        ("border_km", QMetaType.Type.Double),
        ("settlements", QMetaType.Type.Int),
        ("abandoned", QMetaType.Type.Int),
        ("post_km", QMetaType.Type.Double),
        ("priority", QMetaType.Type.Double),
    )
    return fields


def _km(metres):
    return NULL if metres is None else round(metres / 1000.0, 4)


def _or_null(value):
    return NULL if value is None else value


class GapZonesAlgorithm(BorderGapsAlgorithm):
    ID = "gapzones"
    DISPLAY_NAME = "Unmonitored gap zones"
    GROUP_ID = "gaps"
    HELP = (
        "The unmonitored gap zones between two forces: the land within SEAM_DISTANCE of both force A's and "
        "force B's districts (the seam; with MODE 0 only its unclaimed part, outside both forces' districts) "
        "that no coverage polygon and no post's range disc reaches, split into single parts; parts smaller "
        "than MIN_AREA are dropped.\n\n"
        "Only coverage that reaches the seam is read and merged, tile by tile, so large coverage layers are "
        "fast and memory stays bounded. Invalid geometries are repaired and null ones skipped (counted in "
        "the log). Computed in the UTM zone of the control areas (written in the log); buffers use 16 "
        "segments per quarter circle; the output is in the CRS of the control areas.\n\n"
        "Fields: gap_id (1 = largest), area_km2, area_m2, perimeter_km, width_km (twice the radius of the "
        "largest circle inside the gap), force_a_adj and force_b_adj (names of each force's districts within "
        "SEAM_DISTANCE of the gap, from NAME_FIELD), border_km (distance to BORDER), settlements and abandoned "
        "(SETTLEMENTS points inside; abandoned: field status = 'abandoned'), post_km (from the gap's innermost "
        "point to the nearest coverage polygon or post disc reaching the seam), priority (0–100):\n"
        + PRIORITY_FORMULA
        + "\n\n"
        "Numeric outputs: SEAM_AREA_KM2 (the land analysed: unclaimed seam with MODE 0, whole seam with "
        "MODE 1), COVERED_AREA_KM2 and COVERED_PCT (its covered part), GAP_COUNT, GAP_AREA_KM2 and "
        "LARGEST_GAP_KM2 (kept gaps). SEAM_AREA_KM2 = COVERED_AREA_KM2 + GAP_AREA_KM2 + area dropped by MIN_AREA."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        add_control_parameters(self, with_name_field=True)
        self.addParameter(
            with_help(
                QgsProcessingParameterMultipleLayers(
                    COVERAGE,
                    self.tr("Coverage polygons (posts, patrols, cameras, drones)"),
                    QgsProcessing.SourceType.TypeVectorPolygon,
                    optional=True,
                ),
                self.tr("Polygon layers of what is watched. Any CRS; only polygons reaching the seam are used."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterFeatureSource(
                    POSTS, self.tr("Posts"), [QgsProcessing.SourceType.TypeVectorPoint], optional=True
                ),
                self.tr("Optional points: each post covers a disc of its range."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterField(
                    RANGE_FIELD,
                    self.tr("Post range field (m)"),
                    None,
                    POSTS,
                    QgsProcessingParameterField.DataType.Numeric,
                    optional=True,
                ),
                self.tr("Numeric field of POSTS with each post's range in metres; empty or ≤ 0 takes DEFAULT_RANGE."),
            )
        )
        self.addParameter(
            with_help(
                distance_parameter(DEFAULT_RANGE, self.tr("Default post range"), 2000.0),
                self.tr("Range in metres of posts without a RANGE_FIELD value."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterEnum(
                    MODE,
                    self.tr("Gaps in"),
                    [self.tr("Unclaimed land only"), self.tr("The whole seam")],
                    defaultValue=0,
                ),
                self.tr("0: only the seam outside both forces' districts; 1: the whole seam, inside districts too."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterNumber(
                    MIN_AREA, self.tr("Minimum gap area (m²)"), QgsProcessingParameterNumber.Type.Double, 10000.0
                ),
                self.tr("Gaps smaller than this (square metres) are dropped."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterFeatureSource(
                    STUDY_AREA, self.tr("Study area"), [QgsProcessing.SourceType.TypeVectorPolygon], optional=True
                ),
                self.tr("Optional polygons: the seam is clipped to them."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterFeatureSource(
                    SETTLEMENTS, self.tr("Settlements"), [QgsProcessing.SourceType.TypeVectorPoint], optional=True
                ),
                self.tr("Optional points counted in each gap; a field 'status' = 'abandoned' marks abandoned ones."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterFeatureSource(
                    BORDER, self.tr("Border line"), [QgsProcessing.SourceType.TypeVectorLine], optional=True
                ),
                self.tr("Optional line for border_km, e.g. the bundled Iraq–Syria border."),
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(OUTPUT, self.tr("Gap zones"), QgsProcessing.SourceType.TypeVectorPolygon)
        )
        for key, label in zip(
            NUMERIC_OUTPUTS,
            (
                "Seam area (km²)",
                "Covered area (km²)",
                "Covered (%)",
                "Number of gaps",
                "Gap area (km²)",
                "Largest gap (km²)",
            ),
        ):
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(label)))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            source, name, field, force_a, force_b = control_inputs(self, parameters, context)
            check_distances(
                self.parameterAsDouble(parameters, SEAM_DISTANCE, context),
                self.parameterAsDouble(parameters, DEFAULT_RANGE, context),
                self.parameterAsDouble(parameters, MIN_AREA, context),
            )
            check_control_areas(source, name, field, force_a, force_b)
            name_field = self.parameterAsString(parameters, NAME_FIELD, context)
            if name_field:
                check_field(source, name, name_field, "NAME_FIELD")
            for layer in self.parameterAsLayerList(parameters, COVERAGE, context):
                check_layer_type(layer, display_name(layer), COVERAGE, POLYGON)
            posts = self.parameterAsSource(parameters, POSTS, context)
            if posts is not None:
                posts_name = layer_name(self, parameters, POSTS, context, posts)
                check_layer_type(posts, posts_name, POSTS, POINT)
                range_field = self.parameterAsString(parameters, RANGE_FIELD, context)
                if range_field:
                    check_field(posts, posts_name, range_field, RANGE_FIELD)
        except BorderGapsError as err:
            return False, err.message
        return True, ""

    def execute(self, parameters, context, feedback):
        source, name, field, force_a, force_b = control_inputs(self, parameters, context)
        name_field = self.parameterAsString(parameters, NAME_FIELD, context)
        if not name_field and source.fields().lookupField("name") >= 0:
            name_field = "name"
        coverage = [(layer, display_name(layer)) for layer in self.parameterAsLayerList(parameters, COVERAGE, context)]
        optional = {}
        for key in (POSTS, STUDY_AREA, SETTLEMENTS, BORDER):
            layer = self.parameterAsSource(parameters, key, context)
            optional[key] = (layer, layer_name(self, parameters, key, context, layer) if layer is not None else "")
        seam_distance = self.parameterAsDouble(parameters, SEAM_DISTANCE, context)
        analysis = analyse_gaps(
            source,
            name,
            field,
            force_a,
            force_b,
            seam_distance,
            coverage_layers=coverage,
            posts=optional[POSTS][0],
            posts_name=optional[POSTS][1],
            range_field=self.parameterAsString(parameters, RANGE_FIELD, context) or None,
            default_range=self.parameterAsDouble(parameters, DEFAULT_RANGE, context),
            whole_seam=self.parameterAsEnum(parameters, MODE, context) == 1,
            min_area=self.parameterAsDouble(parameters, MIN_AREA, context),
            study_area=optional[STUDY_AREA][0],
            study_name=optional[STUDY_AREA][1],
            settlements=optional[SETTLEMENTS][0],
            settlements_name=optional[SETTLEMENTS][1],
            border=optional[BORDER][0],
            border_name=optional[BORDER][1],
            name_field=name_field or None,
            feedback=feedback,
            log=feedback.pushInfo,
        )
        fields = gap_fields()
        sink, dest_id = self.parameterAsSink(
            parameters, OUTPUT, context, fields, QgsWkbTypes.Type.MultiPolygon, source.sourceCrs()
        )
        if sink is None:
            raise BorderGapsError("The OUTPUT layer could not be created. Check the output path.")
        for gap_id, (geom, m) in enumerate(zip(analysis.result.gaps, analysis.metrics), start=1):
            if feedback.isCanceled():
                break
            out = output_geometry(geom, analysis.crs, source.sourceCrs(), context.transformContext(), POLYGON_TYPE)
            if out is None:
                feedback.pushWarning(f"Gap {gap_id} has no valid polygon in the output CRS: not written.")
                continue
            feature = QgsFeature(fields)
            feature.setGeometry(out)
            feature.setAttributes(
                [
                    gap_id,
                    m.area_m2 / 1e6,
                    m.area_m2,
                    m.perimeter_m / 1e3,
                    _km(m.width_m),
                    _or_null(m.force_a_adj),
                    _or_null(m.force_b_adj),
                    _km(m.border_m),
                    _or_null(m.settlements),
                    _or_null(m.abandoned),
                    _km(m.post_m),
                    m.priority,
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        result = analysis.result
        numbers = summary(result.region_area_m2, result.covered_area_m2, [g.area() for g in result.gaps])
        feedback.pushInfo(
            f"{numbers['GAP_COUNT']} gap(s), {numbers['GAP_AREA_KM2']:.3f} km²; covered "
            f"{numbers['COVERED_AREA_KM2']:.3f} of {numbers['SEAM_AREA_KM2']:.3f} km² "
            f"({numbers['COVERED_PCT']:.1f} %)."
        )
        feedback.setProgress(100)
        style_output(context, dest_id, "gap_zones.qml")
        return {OUTPUT: dest_id, **numbers}
