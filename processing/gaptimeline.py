"""``bordergaps:gaptimeline``: the gap zones through the day, by post schedule and sensor."""

import csv
import os

from qgis.core import (
    Qgis,
    QgsExpression,
    QgsFeature,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QMetaType, QTime

from ..analysis.errors import BorderGapsError
from ..analysis.geometry import POLYGON_TYPE, output_geometry
from ..analysis.timeline import DEFAULT_FIELDS, analyse_timeline, unwatched_fields
from .base import fields_of
from .gapzones import (
    BORDER,
    COVERAGE,
    DEFAULT_RANGE,
    MIN_AREA,
    MODE,
    NUMERIC_OUTPUTS,
    POSTS,
    RANGE_FIELD,
    SETTLEMENTS,
    GapZonesAlgorithm,
    _km,
    _or_null,
    gap_fields,
)
from .seamzones import (
    NAME_FIELD,
    OUTPUT,
    SEAM_DISTANCE,
    STUDY_AREA,
    STYLES,
    control_inputs,
    display_name,
    layer_name,
    style_output,
)

ACTIVE_FROM_FIELD = "ACTIVE_FROM_FIELD"
ACTIVE_TO_FIELD = "ACTIVE_TO_FIELD"
SENSOR_FIELD = "SENSOR_FIELD"
DAY_START = "DAY_START"
DAY_END = "DAY_END"
TIME_STEP_MIN = "TIME_STEP_MIN"
REFERENCE_DATE = "REFERENCE_DATE"
GAPS_BY_TIME = "GAPS_BY_TIME"
UNWATCHED_HOURS = "UNWATCHED_HOURS"
ALWAYS_GAP = "ALWAYS_GAP"
SLICE_TABLE = "SLICE_TABLE"
TABLE_COLUMNS = (
    "slice_id",
    "slice_start",
    "slice_end",
    "gap_count",
    "gap_km2",
    "largest_gap_km2",
    "covered_pct",
    "dropped_km2",
    "active_sources",
)


def temporal_expression(field_name: str) -> str:
    """The expression the temporal range of a feature is read with: the field as a datetime.

    Not the field itself: a filter on a bare datetime field is compiled by the OGR provider into
    SQL, and GeoPackage stores datetimes as text, so SQLite compares them as strings with QGIS's
    literal (``'2026-03-01T21:00:00.000'``). GDAL 3.13 (QGIS 3.44 on Debian forky) writes
    ``'2026-03-01T21:00:00'`` (no milliseconds), which sorts before it: a slice starting at 21:00
    then passes ``slice_start < 21:00`` and the controller showed two slices at once. to_datetime()
    is not compiled, so QGIS compares real datetimes on every version and provider."""
    return f"to_datetime({QgsExpression.quotedColumnRef(field_name)})"


def set_temporal(layer: QgsVectorLayer, start_field: str, end_field: str) -> None:
    """Each feature's range [start, end) from two datetime fields: QGIS's temporal controller
    animates it, one slice per frame of the slices' length (see :func:`temporal_expression`)."""
    props = layer.temporalProperties()
    props.setMode(Qgis.VectorTemporalMode.FeatureDateTimeStartAndEndFromExpressions)
    props.setStartExpression(temporal_expression(start_field))
    props.setEndExpression(temporal_expression(end_field))
    props.setStartField(start_field)  # kept for the layer properties dialog and for readers
    props.setEndField(end_field)
    props.setLimitMode(Qgis.VectorTemporalLimitMode.IncludeBeginExcludeEnd)
    props.setIsActive(True)


class TemporalStyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Applies a QML style and the temporal properties to an output layer when QGIS loads it."""

    _alive = []  # Processing keeps only a raw pointer: hold a Python reference

    def __init__(self, qml, start_field, end_field):
        super().__init__()
        self.qml, self.start_field, self.end_field = qml, start_field, end_field
        TemporalStyleOnLoad._alive.append(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API name)
        if isinstance(layer, QgsVectorLayer):
            if os.path.exists(self.qml):
                layer.loadNamedStyle(self.qml)
            set_temporal(layer, self.start_field, self.end_field)
            layer.triggerRepaint()


def style_temporal_output(context, dest_id, qml_name, start_field, end_field):
    if context.willLoadLayerOnCompletion(dest_id):
        context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(
            TemporalStyleOnLoad(os.path.join(STYLES, qml_name), start_field, end_field)
        )


def reference_datetime(date: QDate, minutes: int) -> QDateTime:
    """Local time ``minutes`` after midnight of ``date`` (1440 = midnight of the next day)."""
    return QDateTime(date, QTime(0, 0)).addSecs(60 * int(minutes))


class GapTimelineAlgorithm(GapZonesAlgorithm):
    """gapzones' parameters (less its OUTPUT) and the schedules; outputs through the day."""

    ID = "gaptimeline"
    DISPLAY_NAME = "Gap zones through the day"
    GROUP_ID = "gaps"
    HELP = (
        "The unmonitored gap zones of gapzones (same parameters) through a day: each coverage polygon and post "
        "watches only in its shift window and, for a day or night sensor, only in daylight or darkness.\n\n"
        "Schedules: ACTIVE_FROM_FIELD and ACTIVE_TO_FIELD name the fields of the coverage layers and POSTS with "
        "the window in local time, as HH:MM (06:00, 18:30) or hours 0–24 (6, 18.5); a window such as 18:00–06:00 "
        "runs past midnight; a window whose end equals its start (06:00–06:00, 00:00–24:00) is the whole day; "
        "both empty: always active. SENSOR_FIELD holds day, night (or thermal) or any (empty = any): a day "
        "sensor counts only from DAY_START to DAY_END, a night sensor only outside it. A layer without these "
        "fields watches all day. An unreadable value stops the run with the feature and field named. Times are "
        "taken to the minute.\n\n"
        "How: the seam is cut once by every coverage boundary into faces, each knowing the minutes it is watched "
        "(one arrangement of the coverage, built tile by tile); each slice's gaps are the faces unwatched at some "
        "moment of the slice, joined, so a slice whose sources do not change within it is exactly the gapzones "
        "result of the sources active then. Gaps smaller than MIN_AREA are dropped in each slice.\n\n"
        "Outputs: GAPS_BY_TIME, the gap zones of every TIME_STEP_MIN slice from 00:00 with slice_id, slice_start "
        "and slice_end (datetimes on REFERENCE_DATE, default today; the last slice ends at 24:00) and the "
        "gapzones fields (gap_id ranks the gaps of each slice; post_km is measured to the coverage active in the "
        "slice); its temporal properties are set (a fixed range per feature from slice_start and slice_end), so "
        "QGIS's temporal controller animates the day. UNWATCHED_HOURS: the seam split where the set of watching "
        "sources changes, with hours_unwatched and hours_watched per day and unwatched_windows (e.g. "
        "'00:00–05:00, 19:00–24:00'); the parts cover the whole seam analysed. ALWAYS_GAP: land no source "
        "watches at any hour (gapzones fields; parts under MIN_AREA dropped). SLICE_TABLE: CSV with one row per "
        "slice (gap_count, gap_km2, largest_gap_km2, covered_pct, dropped_km2, active_sources).\n\n"
        "Numeric outputs: WORST_SLICE (start of the slice with the most gap area, in hours, e.g. 19 for "
        "19:00), WORST_SLICE_LABEL ('19:00–20:00'), WORST_GAP_KM2 (its gap area), ALWAYS_GAP_KM2, SLICE_COUNT, "
        "SEAM_AREA_KM2."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        # gapzones' parameters, without its OUTPUT sink and its numeric outputs
        self._skip = {OUTPUT, *NUMERIC_OUTPUTS}
        try:
            super().initAlgorithm(config)
        finally:
            self._skip = set()
        for key, default, label, text in (
            (
                ACTIVE_FROM_FIELD,
                DEFAULT_FIELDS[0],
                "Field with the start of each window",
                "Field of the coverage layers and POSTS with the time each source starts watching (HH:MM or hours "
                "0–24). Layers without it watch all day. Empty: no windows.",
            ),
            (
                ACTIVE_TO_FIELD,
                DEFAULT_FIELDS[1],
                "Field with the end of each window",
                "Field with the time each source stops watching; a window past midnight (18:00–06:00) is allowed, "
                "an end equal to the start is the whole day.",
            ),
            (
                SENSOR_FIELD,
                DEFAULT_FIELDS[2],
                "Field with the sensor kind (day, night, any)",
                "Field with day (sees only in daylight), night or thermal (only in darkness) or any (empty = any).",
            ),
        ):
            self.add_parameter(QgsProcessingParameterString(key, self.tr(label), default, optional=True), text)
        self.add_parameter(
            QgsProcessingParameterString(DAY_START, self.tr("Daylight from (HH:MM)"), "06:00"),
            "Start of daylight, local time: day sensors watch from here to DAY_END.",
        )
        self.add_parameter(
            QgsProcessingParameterString(DAY_END, self.tr("Daylight until (HH:MM)"), "18:00"),
            "End of daylight, local time: night sensors watch from here to DAY_START.",
        )
        step = QgsProcessingParameterNumber(
            TIME_STEP_MIN,
            self.tr("Time slice (minutes)"),
            QgsProcessingParameterNumber.Type.Integer,
            60,
            False,
            1,
            1440,
        )
        self.add_parameter(step, "Length of each slice from 00:00; the last one ends at 24:00.")
        self.add_parameter(
            QgsProcessingParameterDateTime(
                REFERENCE_DATE,
                self.tr("Reference date"),
                QgsProcessingParameterDateTime.Type.Date,
                optional=True,
            ),
            "The day slice_start and slice_end are dated on (local time). Empty: today.",
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                GAPS_BY_TIME, self.tr("Gap zones by time slice"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                UNWATCHED_HOURS, self.tr("Unwatched hours per day"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                ALWAYS_GAP, self.tr("Never watched (gap at every hour)"), QgsProcessing.SourceType.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                SLICE_TABLE, self.tr("Gap area per slice (CSV)"), self.tr("CSV files (*.csv)")
            )
        )
        for key, label in (
            ("WORST_SLICE", "Start of the worst slice (hours)"),
            ("WORST_GAP_KM2", "Gap area of the worst slice (km²)"),
            ("ALWAYS_GAP_KM2", "Never watched area (km²)"),
            ("SLICE_COUNT", "Number of slices"),
            ("SEAM_AREA_KM2", "Seam area (km²)"),
        ):
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(label)))
        self.addOutput(QgsProcessingOutputString("WORST_SLICE_LABEL", self.tr("Worst slice")))

    def addParameter(self, param, createOutput=True):  # noqa: N802 (QGIS API name)
        if param.name() in getattr(self, "_skip", ()):
            return True
        return super().addParameter(param, createOutput)

    def addOutput(self, output):  # noqa: N802 (QGIS API name)
        if output.name() in getattr(self, "_skip", ()):
            return True
        return super().addOutput(output)

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
        date = self.parameterAsDateTime(parameters, REFERENCE_DATE, context).date()
        if not parameters.get(REFERENCE_DATE) or not date.isValid():
            date = QDate.currentDate()
        analysis = analyse_timeline(
            source,
            name,
            field,
            force_a,
            force_b,
            self.parameterAsDouble(parameters, SEAM_DISTANCE, context),
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
            schedule_fields=[
                self.parameterAsString(parameters, key, context).strip()
                for key in (ACTIVE_FROM_FIELD, ACTIVE_TO_FIELD, SENSOR_FIELD)
            ],
            day_start=self.parameterAsString(parameters, DAY_START, context),
            day_end=self.parameterAsString(parameters, DAY_END, context),
            step_min=self.parameterAsInt(parameters, TIME_STEP_MIN, context),
            feedback=feedback,
            log=feedback.pushInfo,
        )
        crs_out = source.sourceCrs()

        def out_geometry(geom):
            # valid for GEOS in the output CRS, multi-part; None when nothing is left (not written)
            return output_geometry(geom, analysis.crs, crs_out, context.transformContext(), POLYGON_TYPE)

        slice_fields = fields_of(
            ("slice_id", QMetaType.Type.Int),
            ("slice_start", QMetaType.Type.QDateTime),
            ("slice_end", QMetaType.Type.QDateTime),
            ("slice", QMetaType.Type.QString),
        )
        by_time_fields = fields_of(*[(f.name(), f.type()) for f in list(slice_fields) + list(gap_fields())])
        sink, by_time_id = self._sink(parameters, GAPS_BY_TIME, context, by_time_fields, crs_out)
        rows = []
        for k, result in enumerate(analysis.slices, start=1):
            start = reference_datetime(date, result.slice.start)
            end = reference_datetime(date, result.slice.end)
            for gap_id, (geom, m) in enumerate(zip(result.gaps, result.metrics), start=1):
                if feedback.isCanceled():
                    break
                out = out_geometry(geom)
                if out is None:  # nothing to draw: never an empty feature
                    continue
                feature = QgsFeature(by_time_fields)
                feature.setGeometry(out)
                feature.setAttributes([k, start, end, result.slice.label] + _gap_values(gap_id, m))
                sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
            areas = [g.area() for g in result.gaps]
            covered = max(0.0, analysis.region_area_m2 - sum(areas) - result.dropped_m2)
            rows.append(
                [
                    k,
                    start.toString("yyyy-MM-ddTHH:mm:ss"),
                    end.toString("yyyy-MM-ddTHH:mm:ss"),
                    len(areas),
                    round(sum(areas) / 1e6, 6),
                    round(max(areas) / 1e6, 6) if areas else 0.0,
                    round(100.0 * covered / analysis.region_area_m2, 3) if analysis.region_area_m2 else 0.0,
                    round(result.dropped_m2 / 1e6, 6),
                    result.active_sources,
                ]
            )

        hours_fields = fields_of(
            ("part_id", QMetaType.Type.Int),
            ("hours_unwatched", QMetaType.Type.Double),
            ("hours_watched", QMetaType.Type.Double),
            ("unwatched_windows", QMetaType.Type.QString),
            ("area_km2", QMetaType.Type.Double),
        )
        sink_hours, hours_id = self._sink(parameters, UNWATCHED_HOURS, context, hours_fields, crs_out)
        fields_of_pattern = {}  # many parts share a pattern: its hours and windows text once
        for part_id, (geom, mask) in enumerate(analysis.unwatched, start=1):
            if feedback.isCanceled():
                break
            key = mask.tobytes()
            if key not in fields_of_pattern:
                fields_of_pattern[key] = unwatched_fields(mask)
            hours, windows = fields_of_pattern[key]
            out = out_geometry(geom)
            if out is None:  # nothing to draw: never an empty feature
                continue
            feature = QgsFeature(hours_fields)
            feature.setGeometry(out)
            feature.setAttributes([part_id, hours, round(24.0 - hours, 4), windows, geom.area() / 1e6])
            sink_hours.addFeature(feature, QgsFeatureSink.Flag.FastInsert)

        always_fields = gap_fields()
        sink_always, always_id = self._sink(parameters, ALWAYS_GAP, context, always_fields, crs_out)
        for gap_id, (geom, m) in enumerate(zip(analysis.always, analysis.always_metrics), start=1):
            if feedback.isCanceled():
                break
            out = out_geometry(geom)
            if out is None:  # nothing to draw: never an empty feature
                continue
            feature = QgsFeature(always_fields)
            feature.setGeometry(out)
            feature.setAttributes(_gap_values(gap_id, m))
            sink_always.addFeature(feature, QgsFeatureSink.Flag.FastInsert)

        table = self.parameterAsFileOutput(parameters, SLICE_TABLE, context)
        if table:
            with open(table, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(TABLE_COLUMNS)
                writer.writerows(rows)
        worst = analysis.worst()
        always_km2 = sum(g.area() for g in analysis.always) / 1e6
        if worst is not None:
            feedback.pushInfo(
                f"Worst slice {worst.slice.label}: {len(worst.gaps)} gap(s), {worst.gap_m2 / 1e6:.3f} km²; never "
                f"watched: {always_km2:.3f} km²."
            )
        feedback.setProgress(100)
        style_temporal_output(context, by_time_id, "gaps_by_time.qml", "slice_start", "slice_end")
        style_output(context, hours_id, "unwatched_hours.qml")
        style_output(context, always_id, "always_gap.qml")
        return {
            GAPS_BY_TIME: by_time_id,
            UNWATCHED_HOURS: hours_id,
            ALWAYS_GAP: always_id,
            SLICE_TABLE: table,
            "WORST_SLICE": worst.slice.start / 60.0 if worst is not None else 0.0,
            "WORST_SLICE_LABEL": worst.slice.label if worst is not None else "",
            "WORST_GAP_KM2": worst.gap_m2 / 1e6 if worst is not None else 0.0,
            "ALWAYS_GAP_KM2": always_km2,
            "SLICE_COUNT": len(analysis.slices),
            "SEAM_AREA_KM2": analysis.region_area_m2 / 1e6,
        }

    def _sink(self, parameters, key, context, fields, crs):
        sink, dest_id = self.parameterAsSink(parameters, key, context, fields, QgsWkbTypes.Type.MultiPolygon, crs)
        if sink is None:
            raise BorderGapsError(f"The {key} layer could not be created. Check the output path.")
        return sink, dest_id


def _gap_values(gap_id, m):
    return [
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
