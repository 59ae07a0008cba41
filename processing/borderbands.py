"""``bordergaps:borderbands``: distance bands on each side of the border, for the user's own distances."""

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..analysis import bands
from ..analysis.errors import BorderGapsError
from ..analysis.geometry import POLYGON_TYPE, output_geometry
from ..analysis.inputs import read_features
from ..layers import catalogue
from .base import BorderGapsAlgorithm, fields_of, with_help

BORDER = "BORDER"
COUNTRIES = "COUNTRIES"
SIDE_FIELD = "SIDE_FIELD"
IRAQ_BANDS = "IRAQ_BANDS"
SYRIA_BANDS = "SYRIA_BANDS"
OUTPUT = "OUTPUT"


class _StyleBands(QgsProcessingLayerPostProcessorInterface):
    """Gives the output the bundled border_bands style when QGIS loads it."""

    _alive = []  # Processing keeps only a raw pointer to the post-processor

    def __init__(self):
        super().__init__()
        _StyleBands._alive.append(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API name)
        if isinstance(layer, QgsVectorLayer):
            layer.loadNamedStyle(catalogue.entry("border_bands").style_path)
            layer.triggerRepaint()


class BorderBandsAlgorithm(BorderGapsAlgorithm):
    ID = "borderbands"
    BUNDLED = ("border", "countries")
    DISPLAY_NAME = "Border distance bands"
    GROUP_ID = "region"
    HELP = (
        "Bands of land at chosen distances from the border on each side, e.g. the Iraqi 10–25 km and "
        "Syrian 2–10 km village bands.\n\n"
        "BORDER: the border line (empty: the bundled Natural Earth Iraq–Syria line). COUNTRIES: polygons "
        "telling the sides apart (empty: the bundled countries); SIDE_FIELD holds IQ/IRQ/Iraq or "
        "SY/SYR/Syria. IRAQ_BANDS and SYRIA_BANDS: km ranges MIN-MAX separated by commas, e.g. "
        "'0-5,5-10,10-25'; an empty value makes no band on that side.\n\n"
        "Distances are geodesic: the line is densified along geodesics and buffered in an azimuthal "
        "equidistant CRS centred on it (within ~10 m at 25 km over 600 km). Output fields: side, band, "
        "min_km, max_km, area_km2 (ellipsoidal), source; in the border layer's CRS."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            with_help(
                QgsProcessingParameterFeatureSource(
                    BORDER,
                    self.tr("Border line (empty: bundled Iraq–Syria border)"),
                    [QgsProcessing.SourceType.TypeVectorLine],
                    optional=True,
                ),
                self.tr(
                    "Line layer of the border; all its lines are merged. Empty: the bundled Natural Earth "
                    "Iraq–Syria border."
                ),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterFeatureSource(
                    COUNTRIES,
                    self.tr("Country polygons (empty: bundled countries)"),
                    [QgsProcessing.SourceType.TypeVectorPolygon],
                    optional=True,
                ),
                self.tr(
                    "Polygons of the countries on each side; each band is clipped to its side's polygons. "
                    "Empty: the bundled Natural Earth countries."
                ),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterField(
                    SIDE_FIELD, self.tr("Country code field"), "iso_a2", COUNTRIES, optional=True
                ),
                self.tr(
                    "Field of the country polygons holding IQ, IRQ or Iraq for Iraq and SY, SYR or Syria for "
                    "Syria (any case). Default iso_a2."
                ),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterString(
                    IRAQ_BANDS, self.tr("Iraqi bands (km, e.g. 10-25 or 0-5,5-10)"), "10-25", optional=True
                ),
                self.tr("Distance ranges from the border on the Iraqi side, in km, as MIN-MAX separated by commas."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterString(
                    SYRIA_BANDS, self.tr("Syrian bands (km, e.g. 2-10)"), "2-10", optional=True
                ),
                self.tr("Distance ranges from the border on the Syrian side, in km, as MIN-MAX separated by commas."),
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                OUTPUT, self.tr("Border bands"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )

    def _ranges(self, parameters, context):
        iraq = bands.parse_band_ranges(self.parameterAsString(parameters, IRAQ_BANDS, context), IRAQ_BANDS)
        syria = bands.parse_band_ranges(self.parameterAsString(parameters, SYRIA_BANDS, context), SYRIA_BANDS)
        if not iraq and not syria:
            raise BorderGapsError(
                "IRAQ_BANDS and SYRIA_BANDS are both empty: give at least one range, e.g. IRAQ_BANDS=10-25."
            )
        return iraq, syria

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            self._ranges(parameters, context)
        except BorderGapsError as err:
            return False, err.message
        return True, ""

    def _source(self, parameters, key, context, bundled_name):
        source = self.parameterAsSource(parameters, key, context)
        if source is not None:
            layer = self.parameterAsVectorLayer(parameters, key, context)
            return source, layer.name() if layer is not None else source.sourceName(), False
        try:
            layer = self.bundled(bundled_name)
        except BorderGapsError as err:
            raise BorderGapsError(f"{err.message} Or give {key}.") from err
        return layer, f"bundled {bundled_name}", True

    def execute(self, parameters, context, feedback):
        return self.compute_bands(parameters, context, feedback)

    def compute_bands(self, parameters, context, feedback):
        iraq_ranges, syria_ranges = self._ranges(parameters, context)
        border_src, border_name, _ = self._source(parameters, BORDER, context, "border")
        countries_src, countries_name, _ = self._source(parameters, COUNTRIES, context, "countries")
        side_field = self.parameterAsString(parameters, SIDE_FIELD, context) or "iso_a2"
        if countries_src.fields().indexOf(side_field) < 0:
            raise BorderGapsError(
                f"Layer '{countries_name}' has no field '{side_field}': choose in SIDE_FIELD the "
                "field holding the country code (IQ/SY, IRQ/SYR or Iraq/Syria)."
            )

        lines = read_features(
            border_src,
            bands.WGS84,
            border_name,
            QgsWkbTypes.GeometryType.LineGeometry,
            is_canceled=feedback.isCanceled,
            transform_context=context.transformContext(),
        )
        for line in lines.log_lines():
            feedback.pushInfo(line)
        if not lines.features:
            raise BorderGapsError(f"Layer '{border_name}' has no line to measure from: choose the border line layer.")
        border = QgsGeometry.unaryUnion([f.geometry() for f in lines.features]).mergeLines()

        polygons = read_features(
            countries_src,
            bands.WGS84,
            countries_name,
            QgsWkbTypes.GeometryType.PolygonGeometry,
            is_canceled=feedback.isCanceled,
            transform_context=context.transformContext(),
        )
        by_side, values = {"IQ": [], "SY": []}, set()
        for feature in polygons.features:
            value = feature[side_field]
            values.add(str(value))
            side = bands.side_of_code(value)
            if side is not None:
                by_side[side].append(feature.geometry())
        sides = []
        for side, ranges, key in (("IQ", iraq_ranges, IRAQ_BANDS), ("SY", syria_ranges, SYRIA_BANDS)):
            if not ranges:
                continue
            if not by_side[side]:
                shown = ", ".join(sorted(values)[:8]) or "none"
                raise BorderGapsError(
                    f"Layer '{countries_name}' has no {'Iraq' if side == 'IQ' else 'Syria'} polygon in field "
                    f"'{side_field}' (values: {shown}). Use IQ/IRQ/Iraq and SY/SYR/Syria, or empty {key}."
                )
            sides.append((side, QgsGeometry.unaryUnion(by_side[side]), ranges))
        feedback.pushInfo(
            f"Border: {border_name}; sides from {countries_name}.{side_field}. Buffers in an "
            "azimuthal equidistant CRS centred on the border."
        )

        result = bands.border_bands(
            border, sides, is_canceled=feedback.isCanceled, progress=lambda pct: feedback.setProgress(int(pct * 0.95))
        )
        fields = fields_of(
            ("side", QMetaType.Type.QString),
            ("band", QMetaType.Type.QString),
            ("min_km", QMetaType.Type.Double),
            ("max_km", QMetaType.Type.Double),
            ("area_km2", QMetaType.Type.Double),
            ("source", QMetaType.Type.QString),
        )
        out_crs = border_src.sourceCrs() if hasattr(border_src, "sourceCrs") else border_src.crs()
        sink, dest_id = self.parameterAsSink(
            parameters, OUTPUT, context, fields, QgsWkbTypes.Type.MultiPolygon, out_crs
        )
        if sink is None:
            raise BorderGapsError("The OUTPUT layer could not be created. Check the output path.")
        source_text = f"Border Gaps borderbands from {border_name}"
        for band in result:
            if feedback.isCanceled():
                break
            feature = QgsFeature(fields)
            feature.setAttributes([band.side, band.label, band.min_km, band.max_km, band.area_km2, source_text])
            geom = output_geometry(band.geometry, bands.WGS84, out_crs, context.transformContext(), POLYGON_TYPE)
            if geom is None:
                feedback.pushWarning(f"Band {band.label} ({band.side}) is empty: not written.")
                continue
            feature.setGeometry(geom)
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        feedback.setProgress(100)
        if context.willLoadLayerOnCompletion(dest_id):
            context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(_StyleBands())
        return {OUTPUT: dest_id}
