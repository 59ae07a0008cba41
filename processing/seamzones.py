"""``bordergaps:seamzones``: the seam between two forces' districts and its unclaimed part."""

import os

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsProcessing,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..analysis.compat import new_field
from ..analysis.errors import BorderGapsError
from ..analysis.gaps import check_control_areas, check_distances, compute_seam, force_values
from ..analysis.geometry import POLYGON_TYPE, output_geometry
from .base import BorderGapsAlgorithm, distance_parameter, with_help

STYLES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "styles")

CONTROL_AREAS = "CONTROL_AREAS"
FORCE_FIELD = "FORCE_FIELD"
FORCE_A = "FORCE_A"
FORCE_B = "FORCE_B"
NAME_FIELD = "NAME_FIELD"
SEAM_DISTANCE = "SEAM_DISTANCE"
STUDY_AREA = "STUDY_AREA"
OUTPUT = "OUTPUT"


def add_control_parameters(alg, with_name_field: bool = False):
    """CONTROL_AREAS, FORCE_FIELD, FORCE_A, FORCE_B (and NAME_FIELD): shared with gapzones."""
    alg.addParameter(
        with_help(
            QgsProcessingParameterFeatureSource(
                CONTROL_AREAS,
                alg.tr("Control areas (districts held by each force)"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
            ),
            alg.tr("Polygons of the districts held by each force; any CRS (areas are computed in its UTM zone)."),
        )
    )
    alg.addParameter(
        with_help(
            QgsProcessingParameterField(FORCE_FIELD, alg.tr("Force field"), "force", CONTROL_AREAS),
            alg.tr("Field of the control areas naming the force that holds each district."),
        )
    )
    alg.addParameter(
        with_help(
            QgsProcessingParameterString(FORCE_A, alg.tr("Force A value(s), comma-separated"), "Peshmerga"),
            alg.tr(
                "Value(s) of the force field for force A, e.g. 'Peshmerga' or 'Peshmerga, YBS' "
                "(compared without regard to case)."
            ),
        )
    )
    alg.addParameter(
        with_help(
            QgsProcessingParameterString(FORCE_B, alg.tr("Force B value(s), comma-separated"), "ISF"),
            alg.tr("Value(s) of the force field for force B, e.g. 'ISF, PMF'."),
        )
    )
    if with_name_field:
        alg.addParameter(
            with_help(
                QgsProcessingParameterField(
                    NAME_FIELD, alg.tr("District name field"), None, CONTROL_AREAS, optional=True
                ),
                alg.tr(
                    "Field naming each district, for force_a_adj and force_b_adj. Empty: the field 'name' "
                    "when the layer has one."
                ),
            )
        )
    alg.addParameter(
        with_help(
            distance_parameter(SEAM_DISTANCE, alg.tr("Seam distance"), 3000.0),
            alg.tr(
                "Land within this distance (metres) of both forces' districts is the seam. More than 0, at most 500 km."
            ),
        )
    )


def control_inputs(alg, parameters, context):
    """The control source, its display name, and the checked field and force values."""
    source = alg.parameterAsSource(parameters, CONTROL_AREAS, context)
    if source is None:
        raise BorderGapsError("CONTROL_AREAS could not be read. Choose a polygon layer of districts.")
    name = layer_name(alg, parameters, CONTROL_AREAS, context, source)
    field = alg.parameterAsString(parameters, FORCE_FIELD, context)
    return (
        source,
        name,
        field,
        force_values(alg.parameterAsString(parameters, FORCE_A, context)),
        force_values(alg.parameterAsString(parameters, FORCE_B, context)),
    )


def display_name(layer):
    """The name to show for a layer: for 'file.gpkg|layername=x' Processing names the layer after the
    file, so the table name is taken from the source instead."""
    source = layer.source() if hasattr(layer, "source") else ""
    for part in source.split("|")[1:]:
        if part.startswith("layername="):
            return part[len("layername=") :]
    return layer.name()


def layer_name(alg, parameters, key, context, source=None):
    layer = alg.parameterAsVectorLayer(parameters, key, context)
    if layer is not None:
        return display_name(layer)
    return source.sourceName() if source is not None else key


class StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Applies a QML style from resources/styles to an output layer when QGIS loads it."""

    _alive = []  # Processing keeps only a raw pointer: hold a Python reference (as QuickOSM does)

    def __init__(self, qml):
        super().__init__()
        self.qml = qml
        StyleOnLoad._alive.append(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API name)
        if isinstance(layer, QgsVectorLayer) and os.path.exists(self.qml):
            layer.loadNamedStyle(self.qml)
            layer.triggerRepaint()


def style_output(context, dest_id, qml_name):
    if context.willLoadLayerOnCompletion(dest_id):
        context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(StyleOnLoad(os.path.join(STYLES, qml_name)))


class SeamZonesAlgorithm(BorderGapsAlgorithm):
    ID = "seamzones"
    DISPLAY_NAME = "Seam between two forces"
    GROUP_ID = "gaps"
    HELP = (
        "The seam between two forces' districts: the land within SEAM_DISTANCE of both force A's and "
        "force B's control areas, where responsibility is unclear (clipped to STUDY_AREA when given), "
        "and its unclaimed part, the seam outside both forces' districts.\n\n"
        "Output: two features with fields zone ('seam' or 'unclaimed'), area_km2, area_m2 and "
        "distance_m (the seam distance used). Numeric outputs SEAM_AREA_KM2 and UNCLAIMED_AREA_KM2.\n\n"
        "Computed in the UTM zone of the control areas (written in the log); buffers use 16 segments per "
        "quarter circle. The output is in the CRS of the control areas."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        add_control_parameters(self)
        self.addParameter(
            with_help(
                QgsProcessingParameterFeatureSource(
                    STUDY_AREA, self.tr("Study area"), [QgsProcessing.SourceType.TypeVectorPolygon], optional=True
                ),
                self.tr("Optional polygons: the seam is clipped to them."),
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(OUTPUT, self.tr("Seam zones"), QgsProcessing.SourceType.TypeVectorPolygon)
        )
        self.addOutput(QgsProcessingOutputNumber("SEAM_AREA_KM2", self.tr("Seam area (km²)")))
        self.addOutput(QgsProcessingOutputNumber("UNCLAIMED_AREA_KM2", self.tr("Unclaimed seam area (km²)")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            source, name, field, force_a, force_b = control_inputs(self, parameters, context)
            check_distances(self.parameterAsDouble(parameters, SEAM_DISTANCE, context))
            check_control_areas(source, name, field, force_a, force_b)
        except BorderGapsError as err:
            return False, err.message
        return True, ""

    def execute(self, parameters, context, feedback):
        source, name, field, force_a, force_b = control_inputs(self, parameters, context)
        distance = self.parameterAsDouble(parameters, SEAM_DISTANCE, context)
        study = self.parameterAsSource(parameters, STUDY_AREA, context)
        seam, _, crs = compute_seam(
            source,
            name,
            field,
            force_a,
            force_b,
            distance,
            study,
            layer_name(self, parameters, STUDY_AREA, context, study) if study else "",
            feedback=feedback,
            log=feedback.pushInfo,
        )
        fields = QgsFields()
        fields.append(new_field("zone", QMetaType.Type.QString))
        fields.append(new_field("area_km2", QMetaType.Type.Double))
        fields.append(new_field("area_m2", QMetaType.Type.Double))
        fields.append(new_field("distance_m", QMetaType.Type.Double))
        sink, dest_id = self.parameterAsSink(
            parameters, OUTPUT, context, fields, QgsWkbTypes.Type.MultiPolygon, source.sourceCrs()
        )
        if sink is None:
            raise BorderGapsError("The OUTPUT layer could not be created. Check the output path.")
        for zone, geom, area in (
            ("seam", seam.seam, seam.seam_area_m2),
            ("unclaimed", seam.unclaimed, seam.unclaimed_area_m2),
        ):
            reason = seam.empty_reason(zone == "seam")
            if reason:  # no zone: no feature (an empty one would read as a real zone of area 0)
                feedback.pushWarning(f"No '{zone}' feature written. {reason}")
                continue
            out = output_geometry(geom, crs, source.sourceCrs(), context.transformContext(), POLYGON_TYPE)
            if out is None:
                feedback.pushWarning(f"The '{zone}' zone has no valid polygon in the output CRS: not written.")
                continue
            feature = QgsFeature(fields)
            feature.setAttributes([zone, area / 1e6, area, distance])
            feature.setGeometry(out)
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        feedback.setProgress(100)
        style_output(context, dest_id, "seam_zones.qml")
        return {
            OUTPUT: dest_id,
            "SEAM_AREA_KM2": seam.seam_area_m2 / 1e6,
            "UNCLAIMED_AREA_KM2": seam.unclaimed_area_m2 / 1e6,
        }
