"""``bordergaps:incidents``: incidents against gap zones: rates, exact rate ratios, hot spots, trends."""

from qgis.core import (
    NULL,
    QgsColorRampShader,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsGradientColorRamp,
    QgsProcessing,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QMetaType
from qgis.PyQt.QtGui import QColor

from ..analysis import density as kde
from ..analysis import trend_chart
from ..analysis.errors import BorderGapsError
from ..analysis.geometry import POLYGON_TYPE, valid_output
from ..analysis.incidents import ACLED_COLUMNS, analyse_incidents, check_inputs, file_hint, parse_types
from ..analysis.maplayout import output_path_problem
from .base import BorderGapsAlgorithm, distance_parameter, fields_of
from .seamzones import layer_name, style_output

INCIDENTS = "INCIDENTS"
DATE_FIELD = "DATE_FIELD"
TYPE_FIELD = "TYPE_FIELD"
WEIGHT_FIELD = "WEIGHT_FIELD"
TYPES = "TYPES"
DATE_FROM = "DATE_FROM"
DATE_TO = "DATE_TO"
MAX_PRECISION = "MAX_PRECISION"
GAPS = "GAPS"
SEAM = "SEAM"
STUDY_AREA = "STUDY_AREA"
BUFFER_M = "BUFFER_M"
SETTLEMENTS = "SETTLEMENTS"
BANDWIDTH_M = "BANDWIDTH_M"
CELL_SIZE = "CELL_SIZE"
HOTSPOT_PCT = "HOTSPOT_PCT"
GAP_INCIDENTS = "GAP_INCIDENTS"
COMPARISON = "COMPARISON"
HOTSPOTS = "HOTSPOTS"
HOTSPOT_AREAS = "HOTSPOT_AREAS"
TREND = "TREND"
TREND_CHART = "TREND_CHART"

GAP_OUTPUT_FIELDS = (
    ("incidents", QMetaType.Type.Int),
    ("fatalities", QMetaType.Type.Double),
    ("rate_per_100km2_year", QMetaType.Type.Double),
    ("first_date", QMetaType.Type.QDate),
    ("last_date", QMetaType.Type.QDate),
)
COMPARISON_FIELDS = (
    ("zone", QMetaType.Type.QString),
    ("area_km2", QMetaType.Type.Double),
    ("incidents", QMetaType.Type.Int),
    ("fatalities", QMetaType.Type.Double),
    ("rate_per_100km2_year", QMetaType.Type.Double),
    ("reference", QMetaType.Type.QString),
    ("reference_area_km2", QMetaType.Type.Double),
    ("reference_incidents", QMetaType.Type.Int),
    ("rate_ratio", QMetaType.Type.Double),
    ("ci_low", QMetaType.Type.Double),
    ("ci_high", QMetaType.Type.Double),
    ("p_value", QMetaType.Type.Double),
    ("sentence", QMetaType.Type.QString),
)
HOTSPOT_FIELDS = (
    ("hotspot_id", QMetaType.Type.Int),
    ("area_km2", QMetaType.Type.Double),
    ("incidents", QMetaType.Type.Int),
    ("fatalities", QMetaType.Type.Double),
    ("peak_density", QMetaType.Type.Double),
    ("mean_density", QMetaType.Type.Double),
    ("gaps", QMetaType.Type.Int),
    ("gap_ids", QMetaType.Type.QString),
    ("gap_area_km2", QMetaType.Type.Double),
    ("pct_in_gaps", QMetaType.Type.Double),
)
TREND_FIELDS = (
    ("month", QMetaType.Type.QString),
    ("month_start", QMetaType.Type.QDate),
    ("days", QMetaType.Type.Int),
    ("in_gaps", QMetaType.Type.Int),
    ("outside", QMetaType.Type.Int),
    ("fatalities_in_gaps", QMetaType.Type.Double),
    ("fatalities_outside", QMetaType.Type.Double),
    ("rate_in_gaps", QMetaType.Type.Double),
    ("rate_outside", QMetaType.Type.Double),
    ("fitted_in_gaps", QMetaType.Type.Double),
    ("fitted_outside", QMetaType.Type.Double),
)
NUMERIC_OUTPUTS = (
    ("INCIDENTS_USED", "Incidents analysed"),
    ("INCIDENTS_IN_GAPS", "Incidents in the gaps"),
    ("RATE_RATIO", "Rate ratio, gaps against elsewhere"),
    ("RATE_RATIO_LOW", "Rate ratio, lower 95 % bound"),
    ("RATE_RATIO_HIGH", "Rate ratio, upper 95 % bound"),
    ("P_VALUE", "p-value of the rate ratio"),
    ("GAP_TREND_PCT_YEAR", "Trend in the gaps (% a year)"),
    ("GAP_TREND_LOW_PCT", "Trend in the gaps, lower 95 % bound (% a year)"),
    ("GAP_TREND_HIGH_PCT", "Trend in the gaps, upper 95 % bound (% a year)"),
    ("OUTSIDE_TREND_PCT_YEAR", "Trend outside the gaps (% a year)"),
    ("OUTSIDE_TREND_LOW_PCT", "Trend outside the gaps, lower 95 % bound (% a year)"),
    ("OUTSIDE_TREND_HIGH_PCT", "Trend outside the gaps, upper 95 % bound (% a year)"),
    ("HOTSPOT_THRESHOLD", "Hot spot density threshold (incidents per km²)"),
    ("HOTSPOT_COUNT", "Number of hot spot areas"),
)


def _null(value):
    return NULL if value is None else value


def _qdate(value):
    return NULL if value is None else QDate(value.year, value.month, value.day)


class _StyleDensity(QgsProcessingLayerPostProcessorInterface):
    """Draws the density raster loaded in QGIS as a transparent-to-red ramp from 0 to its maximum."""

    _alive = []  # Processing keeps only a raw pointer to the post-processor

    def __init__(self, maximum):
        super().__init__()
        self.maximum = maximum
        _StyleDensity._alive.append(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API name)
        if not isinstance(layer, QgsRasterLayer) or not self.maximum > 0:
            return
        ramp = QgsGradientColorRamp(QColor(255, 255, 178, 0), QColor(189, 0, 38, 230))
        ramp.setStops([])
        shader_function = QgsColorRampShader(0.0, self.maximum, ramp)
        shader_function.setColorRampType(QgsColorRampShader.Type.Interpolated)
        items = []
        for i, (r, g, b, a) in enumerate(
            [(255, 255, 178, 0), (254, 204, 92, 150), (253, 141, 60, 190), (240, 59, 32, 215), (189, 0, 38, 235)]
        ):
            value = self.maximum * i / 4
            items.append(QgsColorRampShader.ColorRampItem(value, QColor(r, g, b, a), f"{value:.3g}"))
        shader_function.setColorRampItemList(items)
        shader = QgsRasterShader()
        shader.setRasterShaderFunction(shader_function)
        renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
        renderer.setClassificationMin(0.0)
        renderer.setClassificationMax(self.maximum)
        layer.setRenderer(renderer)
        layer.triggerRepaint()


class IncidentsAlgorithm(BorderGapsAlgorithm):
    ID = "incidents"
    DISPLAY_NAME = "Incidents against gap zones"
    GROUP_ID = "gaps"
    HELP = (
        "Do incidents come from the gaps? Counts the incidents of INCIDENTS in each gap zone, compares their "
        "rate per km² in the gaps with the rest of the study area (an exact Poisson rate ratio with its 95 % "
        "confidence interval and p-value), maps their density and hot spots, and fits their monthly trend "
        "in and outside the gaps.\n\n"
        "INCIDENTS: points, or a table with latitude/longitude columns. An ACLED export is recognised by its "
        "columns (" + ", ".join(ACLED_COLUMNS) + "); dates are read in ACLED's formats ('15 January 2024', "
        "'15-01-2024', '2024-01-15'). Other layers: DATE_FIELD (needed unless the layer has a field 'event_date' "
        "or 'date' or a single date field), TYPE_FIELD (for TYPES) and WEIGHT_FIELD (fatalities, summed). "
        "TYPES: comma-separated values of the type field (ACLED: event_type or sub_event_type, e.g. "
        "'Explosions/Remote violence, Armed clash'). DATE_FROM/DATE_TO: the period (default: from the first "
        "to the last incident). MAX_PRECISION: ACLED geo_precision kept (1 = the town itself, 2 = near it, "
        "3 = only the region); incidents above it are left out and counted in the log. A value that cannot "
        "be read (a date, a coordinate) stops the run with the row named.\n\n"
        "GAPS: the output of Unmonitored gap zones. SEAM (optional): the output of Seam between two forces "
        "(its zone = 'seam' feature). STUDY_AREA: where incidents are counted; default the seam (or, "
        "without SEAM, the gaps) grown by BUFFER_M. SETTLEMENTS: abandoned villages (status = 'abandoned', "
        "or every point of a layer without a status field).\n\n"
        "Each incident lies in exactly one place: in a gap (a point on a gap's edge counts in the gap), in "
        "the covered seam, or in the rest of the study area. Rate = incidents / (area / 100 km²) / years of "
        "the period. Rate ratio θ = (n1/A1)/(n0/A0); given n1 + n0 incidents, n1 is binomial with "
        "π = θA1/(θA1 + A0), and the Clopper–Pearson interval of π gives that of θ (scipy.stats); the "
        "p-value doubles the smaller binomial tail under θ = 1.\n\n"
        "Outputs: GAP_INCIDENTS, the gaps with incidents, fatalities, rate_per_100km2_year, first_date, "
        "last_date; COMPARISON, a table of in gaps / covered seam / rest of the study area / within 2 km of an "
        "abandoned village / whole study area, with area_km2, incidents, rate and the rate ratio against the "
        "reference named in each row, ci_low, ci_high, p_value and the sentence the log prints; HOTSPOTS, the "
        "density in incidents per km² (QGIS's quartic heatmap kernel 3/(πr²)·(1 − d²/r²)², r = BANDWIDTH_M, "
        "on CELL_SIZE cells in the UTM zone; it integrates to the number of incidents); HOTSPOT_AREAS, the "
        "densest HOTSPOT_PCT % of the study area as polygons with the incidents and gaps they hold; TREND, "
        "incidents per month in and outside the gaps with a Poisson regression trend (rate change per year "
        "and its interval, widened when the counts are overdispersed) and, with TREND_CHART, a PNG chart "
        "(needs matplotlib)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        add = self.add_parameter
        add(
            QgsProcessingParameterFeatureSource(
                INCIDENTS, self.tr("Incidents (points, or an ACLED export)"), [QgsProcessing.SourceType.TypeVector]
            ),
            "Incident points, or a table (CSV) with latitude and longitude columns. An ACLED export is recognised "
            "by its columns: event_date, event_type, sub_event_type, fatalities, latitude, longitude, geo_precision.",
        )
        add(
            QgsProcessingParameterField(
                DATE_FIELD,
                self.tr("Date field"),
                None,
                INCIDENTS,
                QgsProcessingParameterField.DataType.Any,
                optional=True,
            ),
            "Field with each incident's date (a date field or text such as '15 January 2024' or 2024-01-15). "
            "Empty: event_date (ACLED), date, or the layer's only date field.",
        )
        add(
            QgsProcessingParameterField(
                TYPE_FIELD,
                self.tr("Type field"),
                None,
                INCIDENTS,
                QgsProcessingParameterField.DataType.Any,
                optional=True,
            ),
            "Field with each incident's type, for TYPES. Empty for an ACLED export: event_type (and sub_event_type).",
        )
        add(
            QgsProcessingParameterField(
                WEIGHT_FIELD,
                self.tr("Fatalities (weight) field"),
                None,
                INCIDENTS,
                QgsProcessingParameterField.DataType.Any,
                optional=True,
            ),
            "Numeric field summed as fatalities. Empty for an ACLED export: fatalities.",
        )
        add(
            QgsProcessingParameterString(TYPES, self.tr("Incident types (comma-separated)"), optional=True),
            "Only incidents of these types, e.g. 'Explosions/Remote violence, Armed clash' (case is ignored). "
            "Empty: all.",
        )
        add(
            QgsProcessingParameterDateTime(
                DATE_FROM, self.tr("From date"), QgsProcessingParameterDateTime.Type.Date, optional=True
            ),
            "First day of the period (included). Empty: the first incident's date.",
        )
        add(
            QgsProcessingParameterDateTime(
                DATE_TO, self.tr("To date"), QgsProcessingParameterDateTime.Type.Date, optional=True
            ),
            "Last day of the period (included). Empty: the last incident's date.",
        )
        add(
            QgsProcessingParameterNumber(
                MAX_PRECISION,
                self.tr("Largest ACLED geo_precision kept"),
                QgsProcessingParameterNumber.Type.Integer,
                2,
                minValue=1,
                maxValue=3,
            ),
            "ACLED geo_precision: 1 = at the town, 2 = near it or in its district, 3 = only the region. Incidents "
            "above this are left out (and counted in the log). Layers without geo_precision keep every incident.",
        )
        add(
            QgsProcessingParameterFeatureSource(
                GAPS, self.tr("Gap zones"), [QgsProcessing.SourceType.TypeVectorPolygon]
            ),
            "The gap zones (output of Unmonitored gap zones); each keeps its fields in GAP_INCIDENTS.",
        )
        add(
            QgsProcessingParameterFeatureSource(
                SEAM, self.tr("Seam (optional)"), [QgsProcessing.SourceType.TypeVectorPolygon], optional=True
            ),
            "The seam (output of Seam between two forces; its 'seam' feature is used): the covered seam, the seam "
            "outside the gaps, gets a row of its own, and the default study area grows from it.",
        )
        add(
            QgsProcessingParameterFeatureSource(
                STUDY_AREA, self.tr("Study area"), [QgsProcessing.SourceType.TypeVectorPolygon], optional=True
            ),
            "Polygons where incidents are counted. Empty: the seam (or the gaps) grown by BUFFER_M.",
        )
        buffer = distance_parameter(BUFFER_M, self.tr("Study area buffer (m)"), 10000.0, minimum=0.0)
        add(buffer, "Without STUDY_AREA, the study area is the seam (or the gaps) grown by this many metres.")
        add(
            QgsProcessingParameterFeatureSource(
                SETTLEMENTS,
                self.tr("Abandoned villages (optional)"),
                [QgsProcessing.SourceType.TypeVectorPoint],
                optional=True,
            ),
            "Settlements; those with status = 'abandoned' (every point, if there is no status field) make the "
            "'within 2 km of an abandoned village' row.",
        )
        bandwidth = distance_parameter(BANDWIDTH_M, self.tr("Kernel bandwidth (m)"), 5000.0)
        add(bandwidth, "Radius of the quartic kernel of the density, in metres; at least twice CELL_SIZE.")
        cell = distance_parameter(CELL_SIZE, self.tr("Density cell size (m)"), 500.0)
        add(cell, "Side of the density raster's cells, in metres.")
        add(
            QgsProcessingParameterNumber(
                HOTSPOT_PCT,
                self.tr("Hot spots: densest share of the study area (%)"),
                QgsProcessingParameterNumber.Type.Double,
                5.0,
                minValue=0.01,
                maxValue=50.0,
            ),
            "HOTSPOT_AREAS covers the cells of the study area whose density is in the top HOTSPOT_PCT %.",
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                GAP_INCIDENTS, self.tr("Gaps with incidents"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                COMPARISON, self.tr("Comparison of rates"), QgsProcessing.SourceType.TypeVector
            )
        )
        self.addParameter(QgsProcessingParameterRasterDestination(HOTSPOTS, self.tr("Incident density")))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                HOTSPOT_AREAS, self.tr("Hot spot areas"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(TREND, self.tr("Monthly trend"), QgsProcessing.SourceType.TypeVector)
        )
        add(
            QgsProcessingParameterFileDestination(
                TREND_CHART,
                self.tr("Trend chart (PNG)"),
                self.tr("PNG images (*.png)"),
                optional=True,
                createByDefault=False,
            ),
            "Optional PNG chart of the monthly incidents and their trends, for a briefing (needs matplotlib).",
        )
        self.addOutput(QgsProcessingOutputString("SENTENCE", self.tr("The comparison, as a sentence")))
        self.addOutput(QgsProcessingOutputString("TREND_SENTENCE", self.tr("The trends, as a sentence")))
        for key, label in NUMERIC_OUTPUTS:
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(label)))

    # -- parameters ----------------------------------------------------------------------------
    def _date(self, parameters, key, context):
        value = self.parameterAsDateTime(parameters, key, context)
        if value is None or not value.isValid():
            return None
        return value.date().toPyDate()

    def _numbers(self, parameters, context):
        return dict(
            buffer_m=self.parameterAsDouble(parameters, BUFFER_M, context),
            bandwidth_m=self.parameterAsDouble(parameters, BANDWIDTH_M, context),
            cell_size=self.parameterAsDouble(parameters, CELL_SIZE, context),
            hotspot_pct=self.parameterAsDouble(parameters, HOTSPOT_PCT, context),
            date_from=self._date(parameters, DATE_FROM, context),
            date_to=self._date(parameters, DATE_TO, context),
            max_precision=self.parameterAsInt(parameters, MAX_PRECISION, context),
        )

    def _file_problem(self, parameters, context):
        raster = self.parameterAsOutputLayer(parameters, HOTSPOTS, context)
        if raster and not raster.startswith(("memory:", "postgres", "postgis")):
            problem = output_path_problem(raster, "density raster")
            if problem:
                return problem
        chart = self.parameterAsFileOutput(parameters, TREND_CHART, context)
        if chart:
            problem = output_path_problem(chart, "trend chart")
            if problem:
                return problem
            if not chart.lower().endswith(".png"):
                return f"The trend chart file '{chart}' should end in .png: rename it."
        return None

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            numbers = self._numbers(parameters, context)
            check_inputs(**numbers)
        except BorderGapsError as err:
            return False, err.message
        problem = self._file_problem(parameters, context)
        return (False, problem) if problem else (True, "")

    @staticmethod
    def _row_kind(layer):
        if layer is None:
            return None
        if layer.providerType() == "delimitedtext":
            return "delimitedtext"
        path = layer.source().split("|")[0].lower()
        return "ogr_csv" if layer.providerType() == "ogr" and path.endswith((".csv", ".txt", ".tsv")) else None

    @staticmethod
    def _hint(parameters, layer):
        """Where GDAL can read the incident layer's columns itself: a whole file layer (not only its
        selected features, nor a feature limit or filter set on the parameter)."""
        value = parameters.get(INCIDENTS)
        if isinstance(value, QgsProcessingFeatureSourceDefinition) and (
            value.selectedFeaturesOnly or value.featureLimit != -1 or getattr(value, "filterExpression", "")
        ):
            return None
        return file_hint(layer)

    # -- the run -------------------------------------------------------------------------------
    def execute(self, parameters, context, feedback):
        numbers = self._numbers(parameters, context)
        check_inputs(**numbers)
        problem = self._file_problem(parameters, context)
        if problem:
            raise BorderGapsError(problem)
        incidents = self.parameterAsSource(parameters, INCIDENTS, context)
        gaps = self.parameterAsSource(parameters, GAPS, context)
        if incidents is None:
            raise BorderGapsError("INCIDENTS could not be read: choose the incident layer (points or an ACLED CSV).")
        if gaps is None:
            raise BorderGapsError("GAPS could not be read: choose the output of Unmonitored gap zones.")
        optional = {}
        for key in (SEAM, STUDY_AREA, SETTLEMENTS):
            source = self.parameterAsSource(parameters, key, context)
            optional[key] = (source, layer_name(self, parameters, key, context, source) if source is not None else "")
        gaps_name = layer_name(self, parameters, GAPS, context, gaps)
        incidents_layer = self.parameterAsVectorLayer(parameters, INCIDENTS, context)
        analysis = analyse_incidents(
            incidents,
            layer_name(self, parameters, INCIDENTS, context, incidents),
            gaps,
            gaps_name,
            date_field=self.parameterAsString(parameters, DATE_FIELD, context) or None,
            type_field=self.parameterAsString(parameters, TYPE_FIELD, context) or None,
            weight_field=self.parameterAsString(parameters, WEIGHT_FIELD, context) or None,
            types=parse_types(self.parameterAsString(parameters, TYPES, context)),
            seam=optional[SEAM][0],
            seam_name=optional[SEAM][1],
            study_area=optional[STUDY_AREA][0],
            study_name=optional[STUDY_AREA][1],
            settlements=optional[SETTLEMENTS][0],
            settlements_name=optional[SETTLEMENTS][1],
            row_kind=self._row_kind(incidents_layer),
            hint=self._hint(parameters, incidents_layer),
            feedback=feedback,
            log=feedback.pushInfo,
            transform_context=context.transformContext(),
            **numbers,
        )
        if feedback.isCanceled():
            return {}
        out_crs = gaps.sourceCrs()
        to_out = QgsCoordinateTransform(analysis.crs, out_crs, context.transformContext())
        results = {}
        skipped = 0  # output polygons that did not survive the way back to the output CRS

        # GAP_INCIDENTS: the gaps' own fields, then ours (a gap field of the same name is replaced)
        ours = {name for name, _kind in GAP_OUTPUT_FIELDS}
        kept = [f for f in gaps.fields() if f.name() not in ours]
        fields = QgsFields()
        for f in kept:
            fields.append(f)
        for f in fields_of(*GAP_OUTPUT_FIELDS):
            fields.append(f)
        sink, dest = self._sink(parameters, GAP_INCIDENTS, context, fields, QgsWkbTypes.Type.MultiPolygon, out_crs)
        for row in analysis.gaps:
            if feedback.isCanceled():
                return {}
            feature = QgsFeature(fields)
            geom = valid_output(row.feature.geometry(), to_out, POLYGON_TYPE)
            if geom is None:
                skipped += 1
                continue
            feature.setGeometry(geom)
            feature.setAttributes(
                [row.feature[f.name()] for f in kept]
                + [row.incidents, row.fatalities, _null(row.rate), _qdate(row.first), _qdate(row.last)]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        del sink
        style_output(context, dest, "gap_incidents.qml")
        results[GAP_INCIDENTS] = dest

        fields = fields_of(*COMPARISON_FIELDS)
        sink, dest = self._sink(parameters, COMPARISON, context, fields, QgsWkbTypes.Type.NoGeometry, out_crs)
        for row in analysis.comparison:
            feature = QgsFeature(fields)
            rr = row.ratio
            feature.setAttributes(
                [
                    row.zone,
                    row.area_km2,
                    row.incidents,
                    row.fatalities,
                    _null(row.rate),
                    row.reference or NULL,
                    _null(row.reference_area_km2),
                    _null(row.reference_incidents),
                    _null(rr.ratio if rr else None),
                    _null(rr.low if rr else None),
                    _null(rr.high if rr else None),
                    _null(rr.p_value if rr else None),
                    row.sentence or NULL,
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        del sink
        results[COMPARISON] = dest

        raster = self.parameterAsOutputLayer(parameters, HOTSPOTS, context)
        kde.write_raster(raster, analysis.grid, analysis.density, analysis.crs)
        if context.willLoadLayerOnCompletion(raster):
            context.layerToLoadOnCompletionDetails(raster).setPostProcessor(
                _StyleDensity(float(analysis.density.max()))
            )
        results[HOTSPOTS] = raster
        feedback.setProgress(93)

        fields = fields_of(*HOTSPOT_FIELDS)
        sink, dest = self._sink(parameters, HOTSPOT_AREAS, context, fields, QgsWkbTypes.Type.MultiPolygon, out_crs)
        for number, spot in enumerate(analysis.hotspots, start=1):
            if feedback.isCanceled():
                return {}
            feature = QgsFeature(fields)
            geom = valid_output(spot.geometry, to_out, POLYGON_TYPE)
            if geom is None:
                skipped += 1
                continue
            feature.setGeometry(geom)
            feature.setAttributes(
                [
                    number,
                    spot.area_km2,
                    spot.incidents,
                    spot.fatalities,
                    spot.peak,
                    spot.mean,
                    len(spot.gaps),
                    ", ".join(spot.gaps) or NULL,
                    spot.gap_area_km2,
                    100.0 * spot.gap_area_km2 / spot.area_km2 if spot.area_km2 > 0 else 0.0,
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        del sink
        style_output(context, dest, "hotspot_areas.qml")
        if skipped:
            feedback.pushWarning(
                f"{skipped} polygon(s) of GAP_INCIDENTS/HOTSPOT_AREAS could not be written in the output CRS "
                f"({out_crs.authid() or out_crs.description()}): no valid geometry was left after the transformation."
            )
        results[HOTSPOT_AREAS] = dest

        gap_area = analysis.comparison[0].area_km2
        outside_area = analysis.comparison[-1].area_km2 - gap_area
        fields = fields_of(*TREND_FIELDS)
        sink, dest = self._sink(parameters, TREND, context, fields, QgsWkbTypes.Type.NoGeometry, out_crs)

        def rate(count, days, area):
            return count / (area / 100.0) / (days / 365.25) if area > 0 and days > 0 else NULL

        for month in analysis.months:
            feature = QgsFeature(fields)
            feature.setAttributes(
                [
                    month.month,
                    _qdate(month.start),
                    month.days,
                    month.in_gaps,
                    month.outside,
                    month.fatalities_in_gaps,
                    month.fatalities_outside,
                    rate(month.in_gaps, month.days, gap_area),
                    rate(month.outside, month.days, outside_area),
                    _null(month.fitted_in_gaps),
                    _null(month.fitted_outside),
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        del sink
        results[TREND] = dest

        chart = self.parameterAsFileOutput(parameters, TREND_CHART, context)
        results[TREND_CHART] = None
        if chart and not feedback.isCanceled():
            missing = trend_chart.available()
            if missing:
                feedback.pushWarning(missing)
            else:
                start, end = analysis.period
                trend_chart.write_chart(
                    chart,
                    analysis.months,
                    gap_area,
                    outside_area,
                    f"Incidents in and outside the gap zones, {start.isoformat()} to {end.isoformat()}",
                    analysis.trend_sentence,
                )
                feedback.pushInfo(f"Wrote the trend chart {chart}")
                results[TREND_CHART] = chart
        feedback.setProgress(100)

        headline = analysis.headline.ratio if analysis.headline is not None else None

        def pct(trend, attribute):
            return None if trend is None else 100.0 * getattr(trend, attribute)

        results.update(
            {
                "SENTENCE": analysis.sentence,
                "TREND_SENTENCE": analysis.trend_sentence,
                "INCIDENTS_USED": len(analysis.incidents),
                "INCIDENTS_IN_GAPS": analysis.in_gaps,
                "RATE_RATIO": headline.ratio if headline else None,
                "RATE_RATIO_LOW": headline.low if headline else None,
                "RATE_RATIO_HIGH": headline.high if headline else None,
                "P_VALUE": headline.p_value if headline else None,
                "GAP_TREND_PCT_YEAR": pct(analysis.trend_gaps, "change"),
                "GAP_TREND_LOW_PCT": pct(analysis.trend_gaps, "low"),
                "GAP_TREND_HIGH_PCT": pct(analysis.trend_gaps, "high"),
                "OUTSIDE_TREND_PCT_YEAR": pct(analysis.trend_outside, "change"),
                "OUTSIDE_TREND_LOW_PCT": pct(analysis.trend_outside, "low"),
                "OUTSIDE_TREND_HIGH_PCT": pct(analysis.trend_outside, "high"),
                "HOTSPOT_THRESHOLD": analysis.threshold,
                "HOTSPOT_COUNT": len(analysis.hotspots),
            }
        )
        return results

    def _sink(self, parameters, key, context, fields, wkb, crs):
        sink, dest = self.parameterAsSink(parameters, key, context, fields, wkb, crs)
        if sink is None:
            raise BorderGapsError(f"The {key} output could not be created. Check the output path.")
        return sink, dest
